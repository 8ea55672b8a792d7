"""``import``: bring articles copied from the web (plain text or HTML) into the book.

Each file becomes ``<into>/<slug>.md`` (never over an existing article unless ``--force``), its slug
is added to the chapter list of book.yaml (the file's text is edited, so its comments stay), and
what could not be mapped is reported as findings with lines in the new file: malformed citations
(C002) and references by title to articles that are not in the book (X002).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..checks import today as clock_today
from ..errors import Finding, Location, PlainpressError, Problems, Severity, SourceError, group_line, grouped, plural
from ..importer import Imported, looks_like_html, parse, slug_of, to_markdown
from ..model import PartEntry
from ..safety import judge_into, kind_of, read_regular, real, write_atomic
from ..stages.gather import BOOK_FILE, load_config
from ..stages.read import read_book
from ..templates import DEFAULT_LAYOUTS

REPORTED = {"C002", "X001", "X002", "R005", "A001", "A002"}  # what import could not map or proposes; the rest: `check`


@dataclass
class ImportResult:
    source: Path
    target: Path | None = None
    imported: Imported | None = None
    findings: list[Finding] = field(default_factory=list)
    unmapped: int = 0  # citation numbers left for the editor to map
    text: str = ""  # the article, written only when every file imports

    @property
    def failed(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="turn articles copied from web pages (text or HTML) into source articles",
        description="Import each FILE (plain text copied from a web page, or an HTML file) as an article with "
        "front matter, add it to the chapter list of book.yaml, and list what an editor must still map.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="text or HTML files to import")
    parser.add_argument(
        "--into", type=Path, default=Path("book/articles"), help="the book's articles folder (default: book/articles)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an article that exists")
    parser.add_argument("--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace) -> int:
    results = import_files(args.files, args.into, force=args.force)
    for result in results:
        if result.target and result.imported and not args.quiet:
            print(f"imported {Location(result.source)} -> {Location(result.target)}: {_shape(result)}")
        for group in grouped(result.findings):
            print(group_line(group), file=sys.stderr)
        if result.unmapped and not args.quiet:
            print(
                f"  {plural(result.unmapped, 'citation number')} to map in its front matter (citations:); "
                "then run `python build.py check`",
                file=sys.stderr,
            )
    if any(r.failed for r in results):
        print(
            f"import failed: nothing was written and {BOOK_FILE} is unchanged; fix the files named above "
            "and import them again",
            file=sys.stderr,
        )
        return 1
    return 0


def _shape(result: ImportResult) -> str:
    blocks = result.imported.blocks if result.imported else []
    count = {kind: sum(b.kind == kind for b in blocks) for kind in ("heading", "list", "table")}
    questions = sum(b.kind == "heading" and b.level == 3 for b in blocks)
    return (
        f"{plural(count['heading'], 'heading')} ({plural(questions, 'question')}), "
        f"{plural(count['list'], 'list')}, {plural(count['table'], 'table')}"
    )


def import_files(
    files: list[Path], into: Path, force: bool = False, today: dt.date | None = None
) -> list[ImportResult]:
    """Import every file, or none: each is converted in memory, the book with all of them is read as a
    build reads it, and only when no file failed and the book still builds are the articles and book.yaml
    written (book.yaml last, and the articles removed again should that fail)."""
    judge_into(into, DEFAULT_LAYOUTS, BOOK_FILE)  # the articles folder of a book, judged before anything is read
    root = into.parent
    config_path = root / BOOK_FILE
    language = "en"
    try:
        language = load_config(root).language.split("-")[0].lower()
    except PlainpressError:
        pass
    today = today or clock_today()
    results = [_import_one(path, into, force, language, today) for path in files]
    _same_target(results)
    if not any(r.failed for r in results):
        _try_in_a_copy(root, into, results, today)
    if any(r.failed for r in results):
        for result in results:
            result.target = None  # nothing was written
        return results
    _write(config_path, into, [r for r in results if r.target], force)
    return results


def _import_one(path: Path, into: Path, force: bool, language: str, today: dt.date) -> ImportResult:
    result = ImportResult(path)
    try:
        source = read_regular(path, what="text or HTML file").decode("utf-8-sig")
    except (SourceError, UnicodeDecodeError) as error:
        reason = "it is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.message
        result.findings.append(Finding("M003", Severity.ERROR, Location(path), f"cannot read the file: {reason}"))
        return result
    imported = parse(source, looks_like_html(path.name, source), language)
    if not imported.title or not imported.blocks:
        result.findings.append(
            Finding("M003", Severity.ERROR, Location(path, 1), "found no title and text to import in the file")
        )
        return result
    target = into / f"{slug_of(imported.title)}.md"
    if os.path.lexists(target) and (not force or kind_of(target) is not None or target.is_symlink()):
        replaceable = force and (kind_of(target) is not None or target.is_symlink())
        result.findings.append(
            Finding(
                "M002",
                Severity.ERROR,
                Location(target),
                f"the article exists; it was not replaced by {path.name}"
                + (" (it is not a regular file of the book: --force does not replace it)" if replaceable else ""),
                hint="" if replaceable else "import with --force to replace it",
            )
        )
        return result
    result.target, result.imported, result.unmapped = target, imported, len(imported.citations)
    result.text = to_markdown(imported, path.name, today)
    if imported.date is None:
        result.findings.append(
            Finding(
                "M001",
                Severity.WARNING,
                Location(target, 4),
                f"found no date line (such as 'January 31, 2026'); date: is set to {today.isoformat()}",
                hint="write the date the article was first published",
            )
        )
    return result


def _same_target(results: list[ImportResult]) -> None:
    """Two files that would become the same article: both fail (neither may silently win)."""
    first: dict[Path, ImportResult] = {}
    for result in results:
        if result.target is None:
            continue
        if result.target in first:
            for one in (first[result.target], result):
                message = f"{first[result.target].source.name} and {result.source.name} would both become this article"
                one.findings.append(Finding("M002", Severity.ERROR, Location(result.target), message))
        first.setdefault(result.target, result)


def _try_in_a_copy(root: Path, into: Path, results: list[ImportResult], today: dt.date) -> None:
    """Read a copy of the book with every new article in it, as a build does; the errors a build would stop
    on that the book did not have before are the import's: each is reported on the file it is in."""
    before = {_key(f, root) for f in _errors(root, today)}
    with tempfile.TemporaryDirectory(prefix="plainpress-import-") as temp:
        copy = Path(temp) / root.name
        shutil.copytree(root, copy, symlinks=True)
        copy_into = copy / into.name
        copy_into.mkdir(parents=True, exist_ok=True)
        for result in results:
            if result.target:
                (copy_into / result.target.name).write_text(result.text, encoding="utf-8")
                _add_chapter(copy / BOOK_FILE, result.target.stem, result)
        by_name = {r.target.name: r for r in results if r.target}
        findings = _errors(copy, today, everything=True)
        for finding in findings:
            relative = _relative(finding.location.path, copy)
            result = by_name.get(relative.name) if relative.parent == Path(into.name) else None
            moved = replace(finding, location=Location(root / relative, finding.location.line))
            if result is not None and (finding.code in REPORTED or finding.severity is Severity.ERROR):
                result.findings.append(moved)
            elif finding.severity is Severity.ERROR and _key(finding, copy) not in before:
                owner = next(r for r in results if r.target)
                owner.findings.append(moved)  # an error the import made elsewhere (book.yaml): it stops it too
    for result in results:
        result.findings.sort(key=lambda f: (f.location.line or 0, f.code))


def _errors(root: Path, today: dt.date, everything: bool = False) -> list[Finding]:
    """The findings of reading the book as a build does (only the errors, unless ``everything``)."""
    if not (root / BOOK_FILE).is_file():
        return []
    try:
        findings = read_book(root, today=today, stop=False)[1]
    except Problems as problems:
        findings = problems.findings
    except SourceError as error:
        findings = [error.finding()]
    return findings if everything else [f for f in findings if f.severity is Severity.ERROR]


def _key(finding: Finding, root: Path) -> tuple[str, str, str]:
    return str(_relative(finding.location.path, root)), finding.code, finding.message


def _relative(path: Path, root: Path) -> Path:
    for base in (root, real(root)):
        if path.is_relative_to(base):
            return path.relative_to(base)
    return path


def _write(config_path: Path, into: Path, done: list[ImportResult], force: bool) -> None:
    """Write the articles, then book.yaml; if anything fails, the articles written are removed again."""
    written: list[tuple[Path, bytes | None]] = []
    try:
        into.mkdir(parents=True, exist_ok=True)
        for result in done:
            target = result.target
            assert target is not None
            previous = target.read_bytes() if force and target.is_file() else None
            write_atomic(target, result.text.encode("utf-8"))
            written.append((target, previous))
        for result in done:
            if config_path.is_file():
                add_chapter(config_path, result.target.stem)  # type: ignore[union-attr]
    except BaseException:
        for target, previous in reversed(written):
            with contextlib.suppress(OSError):
                if previous is None:
                    target.unlink()
                else:
                    write_atomic(target, previous)
        raise


def _chapters(root: Path) -> set[str]:
    config = load_config(root)
    return {
        slug
        for entry in config.chapters
        for slug in (entry.chapters if isinstance(entry, PartEntry) else [entry])  # type: ignore[union-attr]
    }


def add_chapter(config_path: Path, slug: str) -> bool:
    """Add ``slug`` at the end of the reading order in book.yaml (inside the last part when the book
    ends with a part, as ``new`` does), by editing the text so comments stay; False when listed."""
    if slug in _chapters(config_path.parent):
        return False
    original = config_path.read_text(encoding="utf-8-sig")
    target = _chapter_list(original)
    if target is None:
        raise SourceError(Location(config_path), "book.yaml has no chapters list to add the article to", code="E006")
    if target.flow_style or not target.value:
        close = original.rindex("]", 0, target.end_mark.index)
        inner = original[original.index("[", target.start_mark.index) + 1 : close].strip()
        edited = original[:close].rstrip() + (f", {slug}" if inner else slug) + original[close:]
    else:
        line_end = original.find("\n", target.value[-1].end_mark.index)
        line_end = len(original) if line_end < 0 else line_end
        edited = original[:line_end] + f"\n{' ' * target.start_mark.column}- {slug}" + original[line_end:]
    write_atomic(real(config_path), edited.encode("utf-8"))  # whole or not at all; a link keeps pointing
    try:
        if slug not in _chapters(config_path.parent):
            raise SourceError(Location(config_path), "could not add the article to the chapter list", code="E006")
    except PlainpressError:
        write_atomic(real(config_path), original.encode("utf-8"))
        raise
    return True


def _chapter_list(text: str) -> yaml.SequenceNode | None:
    """The YAML node of the list the next chapter goes in: ``chapters``, or the last part's."""

    def value(node: yaml.Node, key: str) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode):
            return next((v for k, v in node.value if k.value == key), None)
        return None

    chapters = value(yaml.compose(text), "chapters")
    if not isinstance(chapters, yaml.SequenceNode):
        return None
    inner = value(chapters.value[-1], "chapters") if chapters.value else None
    return inner if isinstance(inner, yaml.SequenceNode) else chapters


def _add_chapter(config_path: Path, slug: str, result: ImportResult) -> None:
    try:
        add_chapter(config_path, slug)
    except Problems as problems:
        result.findings += problems.findings
    except SourceError as error:
        result.findings.append(error.finding())
