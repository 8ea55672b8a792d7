"""``import``: bring articles copied from the web (plain text or HTML) into the book.

Each file becomes ``<into>/<slug>.md`` (never over an existing article unless ``--force``), its slug
is added to the chapter list of book.yaml (the file's text is edited, so its comments stay), and
what could not be mapped is reported as findings with lines in the new file: malformed citations
(C002) and references by title to articles that are not in the book (X002).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..analyse import analyse
from ..checks import today as clock_today
from ..errors import Finding, Location, PlainpressError, Problems, Severity, SourceError, group_line, grouped, plural
from ..gather import BOOK_FILE, gather, load_config
from ..importer import Imported, looks_like_html, parse, slug_of, to_markdown
from ..model import PartEntry

REPORTED = {"C002", "X001", "X002", "R005", "A001", "A002"}  # what import could not map or proposes; the rest: `check`


@dataclass
class ImportResult:
    source: Path
    target: Path | None = None
    imported: Imported | None = None
    findings: list[Finding] = field(default_factory=list)
    unmapped: int = 0  # citation numbers left for the editor to map

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
    return 1 if any(r.failed for r in results) else 0


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
    root = into.parent
    config_path = root / BOOK_FILE
    language = "en"
    if config_path.is_file():
        try:
            language = load_config(root).language.split("-")[0].lower()
        except PlainpressError:
            pass
    results = [_import_one(path, into, force, language, today or clock_today()) for path in files]
    done = [r for r in results if r.target and not r.failed]
    if done and config_path.is_file():
        for result in done:
            _add_chapter(config_path, result.target.stem, result)  # type: ignore[union-attr]
        _findings(root, done)
    return results


def _import_one(path: Path, into: Path, force: bool, language: str, today: dt.date) -> ImportResult:
    result = ImportResult(path)
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = "it is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror
        result.findings.append(Finding("M003", Severity.ERROR, Location(path), f"cannot read the file: {reason}"))
        return result
    imported = parse(source, looks_like_html(path.name, source), language)
    if not imported.title or not imported.blocks:
        result.findings.append(
            Finding("M003", Severity.ERROR, Location(path, 1), "found no title and text to import in the file")
        )
        return result
    target = into / f"{slug_of(imported.title)}.md"
    if target.exists() and not force:
        result.findings.append(
            Finding(
                "M002",
                Severity.ERROR,
                Location(target),
                f"the article exists; it was not replaced by {path.name}",
                hint="import with --force to replace it",
            )
        )
        return result
    into.mkdir(parents=True, exist_ok=True)
    target.write_text(to_markdown(imported, path.name, today), encoding="utf-8")
    result.target, result.imported, result.unmapped = target, imported, len(imported.citations)
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
    config_path.write_text(edited, encoding="utf-8")
    try:
        if slug not in _chapters(config_path.parent):
            raise SourceError(Location(config_path), "could not add the article to the chapter list", code="E006")
    except PlainpressError:
        config_path.write_text(original, encoding="utf-8")
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


def _findings(root: Path, done: list[ImportResult]) -> None:
    """What the new articles could not map, found by reading the book as a build does."""
    targets = {r.target.resolve(): r for r in done if r.target}
    try:
        findings = analyse(gather(root)).findings
    except Problems as problems:
        findings = problems.findings
    except SourceError as error:
        findings = [error.finding()]
    for finding in findings:
        result = targets.get(finding.location.path.resolve())
        if result and (finding.code in REPORTED or finding.severity is Severity.ERROR):
            result.findings.append(finding)
    for result in done:
        result.findings.sort(key=lambda f: (f.location.line or 0, f.code))
