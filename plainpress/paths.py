"""Where the package's own data is: the layouts (templates, stylesheets, icons, message files).

The repository's top-level ``layouts/`` folder is the one source. A wheel carries it as
``plainpress/layouts/`` (``setup.py`` copies it in when the wheel is built); a checkout and an
editable install (``pip install -e``) read it in place, next to the package. Both are plain
folders on disk, which is what Jinja2's loader and WeasyPrint's ``file:`` URLs need, so no
``importlib.resources`` lookup (which an editable install cannot always answer for data
outside the package) is involved.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def package_layouts() -> Path:
    """The package's layouts folder: inside the installed package, else the checkout's ``layouts/``."""
    installed = _HERE / "layouts"
    if (installed / "messages").is_dir():
        return installed
    return _HERE.parent / "layouts"


PACKAGE_LAYOUTS = package_layouts()
