"""The fonts every output embeds, found in installed Python font packages.

The body family is Atkinson Hyperlegible; the fallback family (Noto Sans, a
variable font shipped as the Python package ``fontpkg-noto-sans``) draws what
it lacks in Latin, Greek and Cyrillic. Both are embedded in every PDF; a
character neither has is reported before rendering (:mod:`plainpress.glyphs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fontpkg

BODY_FAMILY = "Atkinson Hyperlegible"
FALLBACK_FAMILY = "Noto Sans"


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    style: str
    path: Path
    max_weight: int | None = None  # a variable face covers weight..max_weight

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def css_weight(self) -> str:
        """The ``font-weight`` of its ``@font-face``: one weight, or the range of a variable face."""
        return f"{self.weight} {self.max_weight}" if self.max_weight else str(self.weight)


def faces(family: str = BODY_FAMILY) -> list[FontFace]:
    """Every static face of an installed family, in a stable order."""
    fam = fontpkg.family(family)
    found = [FontFace(fam.name, f.weight, f.style, f.path) for f in fam.files if not f.variable]
    return sorted(found, key=lambda f: (f.weight, f.style))


def fallback_faces(family: str = FALLBACK_FAMILY) -> list[FontFace]:
    """The faces of the fallback family: variable ones (one per style) cover every weight."""
    fam = fontpkg.family(family)
    found = [
        FontFace(fam.name, f.wght_min or 400, f.style, f.path, f.wght_max)
        if f.variable
        else FontFace(fam.name, f.weight, f.style, f.path)
        for f in fam.files
    ]
    return sorted(found, key=lambda f: (f.weight, f.style))


def print_faces() -> list[FontFace]:
    """Every face a PDF embeds: the body family, then the fallback family."""
    return faces() + fallback_faces()


def font_roots() -> list[Path]:
    """Folders resources may be loaded from besides the book and the layouts."""
    return sorted({face.path.parent.resolve() for face in print_faces()})
