"""The fonts every output embeds, found in installed Python font packages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fontpkg

BODY_FAMILY = "Atkinson Hyperlegible"


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    style: str
    path: Path

    @property
    def file_name(self) -> str:
        return self.path.name


def faces(family: str = BODY_FAMILY) -> list[FontFace]:
    """Every static face of an installed family, in a stable order."""
    fam = fontpkg.family(family)
    found = [FontFace(fam.name, f.weight, f.style, f.path) for f in fam.files if not f.variable]
    return sorted(found, key=lambda f: (f.weight, f.style))


def font_roots() -> list[Path]:
    """Folders resources may be loaded from besides the book and the layouts."""
    return sorted({face.path.parent.resolve() for face in faces()})
