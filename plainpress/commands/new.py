"""``new "Article title"``: start an article and add it to the book's chapter list.

Writes ``articles/<slug>.md`` with complete front matter (title, a summary the
editor must replace, today's date, no review dates so that it is clearly a
draft) and a starter body, then adds the slug at the end of the reading order
in ``book.yaml``: at the end of the last part when the book ends with a part.
``book.yaml`` is edited as text, so its comments and layout stay as they were;
the edit is checked by reading the file back before anything is written.
Nothing is overwritten: an existing article stops the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import yaml

from ..cli import program
from ..errors import PlainpressError
from ..model import SLUG, PartEntry
from ..safety import judge_new_file, naming, real, write_atomic
from ..stages.gather import ARTICLES_DIR, BOOK_FILE, load_config
from ..starter import article_text, slugify
from .build import BOOK_HELP, default_book


class NewArticleError(PlainpressError):
    """The article cannot be started; nothing was written."""


# ----------------------------------------------------------------------------
# book.yaml, edited as text


def _value(mapping: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def add_to_chapters(text: str, slug: str) -> tuple[str, str | None]:
    """``text`` (book.yaml) with ``slug`` added at the end of the reading order, and the title of
    the part it joined (None at the top level). Comments and layout are kept: only one item is added."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:  # load_config has already reported syntax errors; belt and braces
        raise NewArticleError(f"{BOOK_FILE}: cannot read it as YAML: {error}") from None
    chapters = _value(root, "chapters")
    if not isinstance(chapters, yaml.SequenceNode):
        raise NewArticleError(f"{BOOK_FILE}: 'chapters' is not a list; add the article to it by hand")
    target, part = chapters, None
    last = chapters.value[-1] if chapters.value else None
    if isinstance(last, yaml.MappingNode):
        inner = _value(last, "chapters")
        title = _value(last, "part")
        if not isinstance(inner, yaml.SequenceNode):
            raise NewArticleError(f"{BOOK_FILE}: the last part's 'chapters' is not a list; add the article by hand")
        target, part = inner, title.value if isinstance(title, yaml.ScalarNode) else None
    edited = _insert(text, target, slug)
    _check_edit(text, edited, slug, part is not None)
    return edited, part


def _insert(text: str, sequence: yaml.SequenceNode, slug: str) -> str:
    if sequence.flow_style:  # [a, b]: add ", slug" before the closing bracket
        close = sequence.end_mark.index - 1
        if text[close] != "]":
            raise NewArticleError(f"{BOOK_FILE}: cannot find the end of the chapter list; add the article by hand")
        before = text[:close].rstrip()
        if before.endswith("["):
            addition = slug
        elif before.endswith(","):
            addition = f" {slug}"
        else:
            addition = f", {slug}"
        return before + addition + text[len(before) :]
    last = sequence.value[-1]
    if not isinstance(last, yaml.ScalarNode):
        raise NewArticleError(f"{BOOK_FILE}: the chapter list does not end with a chapter; add the article by hand")
    newline = "\r\n" if "\r\n" in text else "\n"
    line_end = text.find("\n", last.end_mark.index)
    item = " " * sequence.start_mark.column + f"- {slug}"  # a block sequence starts at its first dash
    if line_end == -1:  # the list ends the file, without a final newline
        return text + newline + item + newline
    return text[: line_end + 1] + item + newline + text[line_end + 1 :]


def _check_edit(old: str, new: str, slug: str, in_part: bool) -> None:
    """Read both texts back: the only change must be the slug at the end of the reading order."""
    expected = yaml.safe_load(old)
    chapters = expected["chapters"]
    (chapters[-1]["chapters"] if in_part else chapters).append(slug)
    if yaml.safe_load(new) != expected:
        raise NewArticleError(f"{BOOK_FILE}: could not add {slug!r} to the chapter list safely; add it by hand")


def _listed(chapters: list) -> set[str]:
    found: set[str] = set()
    for entry in chapters:
        if isinstance(entry, PartEntry):
            found.update(entry.chapters)
        else:
            found.add(entry)
    return found


def _write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` in one step, keeping its permissions."""
    write_atomic(path, text.encode("utf-8"), mode=path.stat().st_mode & 0o777)


def new_article(book: Path, title: str, slug: str | None = None, today: dt.date | None = None) -> tuple[Path, str]:
    """Write the article and list it in book.yaml; return its path and what was done to book.yaml."""
    title = " ".join(title.split())
    if not title:
        raise NewArticleError('the title is empty; write it in quotes: new "When to worry"')
    config = load_config(book)  # a book.yaml with problems is reported, and nothing is written
    slug = slug or slugify(title)
    if not slug or not SLUG.match(slug):
        raise NewArticleError(
            f"cannot make a file name from {title!r}; give one with --slug, e.g. --slug my-article"
            if not slug
            else f"--slug {slug!r} is not a slug: use lower-case letters, digits and single hyphens"
        )
    path = book / ARTICLES_DIR / f"{slug}.md"
    if os.path.lexists(path):  # a link, even to nothing, is not replaced either
        raise NewArticleError(
            f"{path} already exists; nothing was changed. Choose another title, or a file name with --slug"
        )
    judge_new_file(path, book, "new")  # the articles folder must not lead out of the book
    book_file = book / BOOK_FILE
    raw = book_file.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    if slug in _listed(config.chapters):
        edited, done = None, f"{slug} was already in the chapter list of {book_file}"
    else:
        edited, part = add_to_chapters(text, slug)
        where = f"at the end of the part {part!r}" if part else "at the end"
        done = f"added {slug} to the chapter list of {book_file}, {where}"
    path.parent.mkdir(parents=True, exist_ok=True)
    article = article_text(title, config.language, today or dt.date.today())
    with naming(path), path.open("x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
        try:
            out.write(article)
            out.flush()
        except BaseException:
            path.unlink(missing_ok=True)  # ours, and only half written: a full disk leaves nothing behind
            raise
    if edited is not None:
        try:  # a book.yaml that is a link: its file is edited, the link stays
            _write_atomic(real(book_file), ("\ufeff" if bom else "") + edited)
        except OSError:
            path.unlink(missing_ok=True)
            raise
    return path, done


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "new",
        help="start a new article and add it to the chapter list",
        description="Write articles/<slug>.md with complete front matter (title, a summary to replace, "
        "today's date; no review dates, so it is a draft) and a first heading, and add it at the end of "
        "the chapter list in book.yaml (in the last part, if the book ends with a part). book.yaml keeps "
        "its comments and layout. An existing article is never overwritten. Prints the new file's path.",
    )
    parser.add_argument("title", help='the article\'s title, in quotes: "When to worry"')
    parser.add_argument("--book", type=Path, default=default_book(), help=BOOK_HELP)
    parser.add_argument("--slug", help="the file name without .md (default: made from the title)")


def run(args: argparse.Namespace) -> int:
    path, done = new_article(args.book, args.title, args.slug)
    print(path)
    command = "python build.py" if program() == "build.py" else "plainpress"
    print(f"{done}. Write the summary and the text, then run: {command} build --book {args.book}", file=sys.stderr)
    return 0
