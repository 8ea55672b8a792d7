"""The Jinja2 environment shared by every output: strict, autoescaping, layouts/."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .errors import Location, PlainpressError, SourceError
from .messages import Messages
from .nobreak import breakable_url, nobreak_html
from .paths import PACKAGE_LAYOUTS, Layouts
from .safety import kind_of, read_regular, real, within

BOOK_LAYOUTS = "layouts"  # a book's own layouts folder, next to its book.yaml
DEFAULT_LAYOUTS = PACKAGE_LAYOUTS  # the package's layouts (plainpress.paths): in a wheel or the checkout


class LayoutsMissing(PlainpressError):
    """--layouts names no folder."""

    exit_code = 2  # a refused path (the exit-code table in the README)


def environment(layouts: Path | Layouts = DEFAULT_LAYOUTS) -> jinja2.Environment:
    """The environment of a layouts folder or stack: a template is taken from the first folder that has it."""
    return _environment(Layouts.of(layouts))


class _RegularFiles(jinja2.FileSystemLoader):
    """Templates only from regular files inside the layouts: a FIFO is refused before it is opened (it would
    block), and so is a link that leads out of the layouts."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            path = Path(folder, *jinja2.loaders.split_template_path(template))
            if os.path.lexists(path):
                checked_layout(path, Path(folder))
                break
        return super().get_source(environment, template)


def checked_layout(path: Path, layouts: Path | Layouts) -> Path:
    """``path`` when it is a regular file (or missing) whose real path is inside the layouts; else a
    :class:`SourceError`."""
    if not any(within(real(path), real(folder)) for folder in Layouts.of(layouts).folders):
        raise SourceError(Location(path), f"the layout file is a link to {real(path)}, outside the layouts", "I001")
    kind = kind_of(path)
    if kind is not None and kind != "missing":
        raise SourceError(Location(path), f"expected a layout file, found {kind}", code="E001")
    return path


@lru_cache(maxsize=8)
def _environment(layouts: Layouts) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_RegularFiles([str(folder) for folder in layouts.folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xhtml", "xml", "j2"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = long_date
    env.filters["isodate"] = lambda d: d.isoformat() if d else ""
    env.filters["markup"] = Markup
    env.filters["nobreak"] = nobreak_html  # numbers, dates, amounts, pronunciations on one line
    env.filters["url"] = breakable_url  # a web address that may wrap after / - .
    return env


def long_date(value: dt.date | None, language: str = "en") -> str:
    """A date written out in the book's language (babel), e.g. 20 November 2026, 20 de noviembre de 2026.

    Templates write ``{{ say.long_date(d) }}`` (``say`` knows the language) or ``{{ d | longdate(lang) }}``."""
    return Messages(language).long_date(value)


def render(template: str, layouts: Path | Layouts = DEFAULT_LAYOUTS, **context: object) -> str:
    return environment(layouts).get_template(template).render(**context)


def read_layout(name: str, layouts: Path | Layouts = DEFAULT_LAYOUTS) -> str:
    return read_layout_bytes(name, layouts).decode("utf-8")


def read_layout_bytes(name: str, layouts: Path | Layouts = DEFAULT_LAYOUTS) -> bytes:
    """A layout file's bytes: only a regular file inside the layouts (a FIFO is never opened)."""
    return read_regular(checked_layout(layout_file(name, layouts), layouts), what="layout file")


def layout_file(name: str, layouts: Path | Layouts = DEFAULT_LAYOUTS) -> Path:
    """The file ``name`` (e.g. ``icons/urgent.svg``) from the first layouts folder that has it."""
    return Layouts.of(layouts).find(name)


def layout_roots(layouts: Path | Layouts) -> tuple[Path, ...]:
    """The folders a renderer may load layout files from."""
    return Layouts.of(layouts).folders


def book_layouts(book_dir: Path, given: Path | Layouts | None = None) -> Layouts:
    """The layouts of a build, highest precedence first: ``given`` (``--layouts``), the folder named by
    ``layouts:`` in book.yaml (relative to the book), the book's own ``layouts/`` folder, the package's.
    A stack already made is returned as it is."""
    if isinstance(given, Layouts):
        return given
    folders: list[Path] = []
    if given is not None:
        if not Path(given).is_dir():
            raise LayoutsMissing(f"--layouts {given}: there is no such folder; nothing was built")
        folders.append(Path(given).resolve())
    configured = _configured_layouts(book_dir)
    if configured is not None:
        folders.append(configured)
    if (book_dir / BOOK_LAYOUTS).is_dir():
        folders.append((book_dir / BOOK_LAYOUTS).resolve())
    unique = [f for i, f in enumerate(folders) if f not in folders[:i] and f != DEFAULT_LAYOUTS]
    return Layouts((*unique, DEFAULT_LAYOUTS))


def _configured_layouts(book_dir: Path) -> Path | None:
    """The folder of ``layouts:`` in book.yaml, or None; a book.yaml that cannot be read is left for the
    build to report."""
    from .errors import Location, SourceError
    from .sources.yamlsrc import load_yaml, read_text

    path = book_dir / "book.yaml"
    try:
        data = load_yaml(read_text(path), path)
    except PlainpressError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("layouts"), str) or not data["layouts"].strip():
        return None
    folder = (book_dir / data["layouts"].strip()).resolve()
    if not folder.is_dir():
        line = data.line_of("layouts") if hasattr(data, "line_of") else None
        raise SourceError(
            Location(path, line),
            f"layouts: {data['layouts']!r} is not a folder (it is read relative to the book's folder)",
            code="E001",
        )
    return folder
