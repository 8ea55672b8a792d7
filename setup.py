"""Packaging beyond pyproject.toml: the repository's ``layouts/`` folder goes into the wheel.

``layouts/`` stays the one source (no copy in git): building a wheel copies it to
``plainpress/layouts/`` inside the wheel, where :mod:`plainpress.paths` finds it. An editable
install (``pip install -e .``) copies nothing, and the package reads ``layouts/`` in place.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LAYOUTS = Path(__file__).resolve().parent / "layouts"


class BuildWithLayouts(build_py):
    """``build_py`` that also copies every file of ``layouts/`` into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for source in sorted(LAYOUTS.rglob("*")):
            if source.is_file() and "__pycache__" not in source.parts:
                target = Path(self.build_lib, "plainpress", "layouts", source.relative_to(LAYOUTS))
                self.mkpath(str(target.parent))
                self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildWithLayouts})
