"""Where the package's own data is: the layouts (templates, stylesheets, icons, message files).

The repository's top-level ``layouts/`` folder is the one source. A wheel carries it as
``plainpress/layouts/`` (``setup.py`` copies it in when the wheel is built); a checkout and an
editable install (``pip install -e``) read it in place, next to the package. Both are plain
folders on disk, which is what Jinja2's loader and WeasyPrint's ``file:`` URLs need, so no
``importlib.resources`` lookup (which an editable install cannot always answer for data
outside the package) is involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def package_layouts() -> Path:
    """The package's layouts folder: inside the installed package, else the checkout's ``layouts/``."""
    installed = _HERE / "layouts"
    if (installed / "messages").is_dir():
        return installed
    return _HERE.parent / "layouts"


PACKAGE_LAYOUTS = package_layouts()


@dataclass(frozen=True)
class Layouts:
    """The folders templates, stylesheets and icons are looked up in, highest precedence first.

    A file in an earlier folder replaces the file of the same path in the later ones, one file at a
    time (like MkDocs' ``custom_dir``); the package's layouts come last and supply everything else."""

    folders: tuple[Path, ...] = (PACKAGE_LAYOUTS,)

    @classmethod
    def of(cls, layouts: Path | Layouts) -> Layouts:
        """``layouts`` as a stack: a single folder goes above the package's layouts."""
        if isinstance(layouts, Layouts):
            return layouts
        folder = Path(layouts).resolve()
        return cls((folder,) if folder == PACKAGE_LAYOUTS else (folder, PACKAGE_LAYOUTS))

    def find(self, name: str) -> Path:
        """The file ``name`` (a path relative to a layouts folder, such as ``handout/handout.css``)
        from the first folder that has it; the package's path when none has (reading it then fails)."""
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        return self.folders[-1] / name

    def files(self) -> dict[str, Path]:
        """Every file the stack provides, by its name, from the folder that wins."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders):
            for path in folder.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    found[path.relative_to(folder).as_posix()] = path
        return dict(sorted(found.items()))
