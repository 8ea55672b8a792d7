"""Where a build may read from, and how every reference to a file is judged.

A resource (an image, a stylesheet, a font) may come only from inside the
book's folder, the layouts and the installed font packages, judged on the
*resolved real path*: ``..`` that leaves the folder, an absolute path
elsewhere, a symbolic link pointing out and a ``file://`` URL elsewhere are
refused; so is every web address (``http(s)://``, ``//host``) and every other
scheme, since a build never touches the network. ``data:`` URLs (inline bytes)
are allowed where noted.

The same judgement serves Markdown images, raw HTML, SVG files, the CSS of the
layouts and the EPUB writer; the PDF renderer applies it in its URL fetcher.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2
from lxml import etree

from .errors import Finding, Location, Problems, Severity, SourceError
from .paths import Layouts
from .safety import kind_of, read_regular

# The codes, documented in the README's "Finding codes".
OUTSIDE = "I001"  # a path that leaves the book (or the allowed folders)
REMOTE = "I002"  # a web address or another scheme: never fetched
MISSING = "I003"  # no such file, or not a supported image
UNSAFE_SVG = "I004"  # an SVG with scripts, or that loads other files
UNDECODABLE = "I005"  # an image that cannot be decoded in full, or is too large (a bomb)
DEFAULT_IMAGE_PIXELS = 40_000_000
DEFAULT_IMAGE_BYTES = 20_000_000
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
MAX_FRAMES = 500  # frames of an animated image decoded (each one counted against the pixel limit)

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
XLINK = "{http://www.w3.org/1999/xlink}href"


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def real(path: Path) -> Path:
    """The real path: every symbolic link followed, ``..`` removed (the file need not exist)."""
    return Path(os.path.realpath(path))


def inside(path: Path, roots: Iterable[Path]) -> bool:
    """Whether the real path of ``path`` is inside one of ``roots`` (their real paths)."""
    target = real(path)
    return any(target == real(root) or target.is_relative_to(real(root)) for root in roots)


def scheme_of(url: str) -> str:
    scheme = urlsplit(url.strip()).scheme.lower()
    return "" if len(scheme) == 1 else scheme  # C:\ is a Windows path, not a scheme


def local_target(url: str, base: Path) -> Path | Refusal:
    """The file a reference names, resolved against ``base`` (a folder); or why it is refused.

    Web addresses and other schemes are refused here; whether the file is inside
    the allowed folders is for the caller to judge (on the real path)."""
    url = url.strip()
    if not url:
        return Refusal(MISSING, "the reference is empty; expected the path of a file")
    if url.startswith("//") or url.startswith("\\\\"):
        return Refusal(REMOTE, f"{url!r} is a web address; a build never fetches anything from the network")
    scheme = scheme_of(url)
    if scheme in ("http", "https", "ftp", "ftps"):
        return Refusal(
            REMOTE,
            f"{url!r} is a web address; a build never fetches anything from the network: "
            "save the file inside the book folder and write its path",
        )
    if scheme == "file":
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return Refusal(OUTSIDE, f"{url!r} names a file on another computer")
        return Path(unquote(parts.path))
    if scheme:
        return Refusal(REMOTE, f"{url!r} is a {scheme}: address, not a file of the book")
    if re.match(r"^[A-Za-z]:[\\/]", url):
        return Refusal(OUTSIDE, f"{url!r} is a path on a Windows drive; write a path relative to the article")
    path = unquote(urlsplit(url).path) if ("%" in url or "?" in url or "#" in url) else url
    return Path(path) if os.path.isabs(path) else base / path


def judge_file(url: str, base: Path, roots: list[Path], what: str = "the file") -> Path | Refusal:
    """A reference to a file that must be inside ``roots``: its real path, or why it is refused."""
    target = local_target(url, base)
    if isinstance(target, Refusal):
        return target
    if not inside(target, roots):
        how = "a symbolic link that points" if _through_link(target, roots) else "a path that leads"
        return Refusal(
            OUTSIDE,
            f"{url!r} is {how} outside the book folder ({real(target)}); "
            f"{what} must be inside the book: copy it in and write a path relative to the article",
        )
    return real(target)


def _through_link(target: Path, roots: list[Path]) -> bool:
    """Whether the path itself (before links are followed) lies inside a root."""
    plain = Path(os.path.normpath(target))
    return any(plain.is_relative_to(Path(os.path.normpath(root))) for root in roots)


def judge_image(
    url: str, base: Path, root: Path, max_pixels: int = DEFAULT_IMAGE_PIXELS, max_bytes: int = DEFAULT_IMAGE_BYTES
) -> tuple[Path, str] | Refusal:
    """An image of an article: (real path, media type), or why it is refused: it must be decoded in
    full within the limits, not only start with the right bytes."""
    found = judge_file(url, base, [root], "an image")
    if isinstance(found, Refusal):
        return found
    kind = kind_of(found)
    if kind == "missing":
        return Refusal(MISSING, f"no image file {url!r} (looked for {found})")
    if kind is not None:
        return Refusal(MISSING, f"the image {url!r} is {kind}, not an image file ({found})")
    kind = IMAGE_TYPES.get(found.suffix.lower())
    if kind is None:
        return Refusal(MISSING, f"{url!r} is not a supported image; use PNG, JPEG, GIF, WebP or SVG")
    try:
        size = found.stat().st_size
        if size > max_bytes:
            return Refusal(UNDECODABLE, f"the image is {size:,} bytes; the limit is {max_bytes:,} (limits.image_bytes)")
        data = read_regular(found)
    except SourceError as error:
        return Refusal(MISSING, f"cannot read the image {url!r} ({error.message})")
    wrong = image_problem(data, kind) or decode_problem(data, kind, max_pixels, max_bytes)
    if wrong:
        return wrong
    if kind == "image/svg+xml":
        for refusal in svg_problems(data, found.parent, [root]):
            return refusal
    return found, kind


def image_problem(data: bytes, kind: str) -> Refusal | None:
    """Whether the bytes are what the file name says."""
    if kind in _MAGIC and not data.startswith(_MAGIC[kind]):
        return Refusal(MISSING, f"the file is not a valid {kind.split('/')[1].upper()} image")
    if kind == "image/webp" and not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return Refusal(MISSING, "the file is not a valid WEBP image")
    return None


def decode_problem(
    data: bytes, kind: str, max_pixels: int = DEFAULT_IMAGE_PIXELS, max_bytes: int = DEFAULT_IMAGE_BYTES
) -> Refusal | None:
    """Whether a raster image decodes in full, as what its name says, within the limits.

    Pillow reads the size from the header first (a 30000 x 30000 PNG of one colour is a few hundred
    kilobytes and 900 megapixels: refused before anything is decoded), then ``verify()`` checks the
    file's structure and ``load()`` decodes every pixel (of every frame). WeasyPrint sets
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` when it is imported, which would pass a truncated file as
    complete: it is off for the check, and put back after."""
    if kind not in _FORMATS:
        return None  # SVG: judged as XML (svg_problems)
    if len(data) > max_bytes:
        return Refusal(
            UNDECODABLE, f"the image is {len(data):,} bytes; the limit is {max_bytes:,} (limits.image_bytes)"
        )
    from PIL import Image, ImageFile, ImageSequence

    truncated, bomb = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    Image.MAX_IMAGE_PIXELS = None  # the limit below is ours, checked before decoding
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != _FORMATS[kind]:
                return Refusal(
                    UNDECODABLE, f"the file is a {image.format} image, not the {_FORMATS[kind]} its name says"
                )
            width, height = image.size
            frames = min(getattr(image, "n_frames", 1), MAX_FRAMES + 1)
            if frames > MAX_FRAMES or width * height * frames > max_pixels:
                return Refusal(
                    UNDECODABLE,
                    f"the image is {width} x {height} pixels ({frames} frame(s)); the limit is {max_pixels:,} pixels "
                    "(limits.image_pixels)",
                )
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            for frame in ImageSequence.Iterator(image):
                frame.load()
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, EOFError...
        return Refusal(UNDECODABLE, f"the image cannot be decoded in full ({type(error).__name__}: {error})")
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = truncated, bomb
    return None


# ---------------------------------------------------------------- SVG


def _svg_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def svg_problems(data: bytes, base: Path, roots: list[Path]) -> list[Refusal]:
    """An SVG must be self-contained: no scripts or event handlers, no entities, and no
    reference to another file or address (only ``#fragment`` and ``data:``)."""
    try:
        root = etree.fromstring(data, _svg_parser())
    except etree.XMLSyntaxError as error:
        return [Refusal(MISSING, f"the file is not a valid SVG image ({error.msg})")]
    except ValueError as error:
        return [Refusal(MISSING, f"the file is not a valid SVG image ({error})")]
    out: list[Refusal] = []
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None and list(docinfo.internalDTD.iterentities()):
        out.append(Refusal(UNSAFE_SVG, "the SVG declares entities (which can read other files); remove its DOCTYPE"))
    if root.tag != "{http://www.w3.org/2000/svg}svg" and etree.QName(root).localname != "svg":
        out.append(Refusal(MISSING, "the file is not an SVG image (its root element is not <svg>)"))
    for node in root.iter():
        if not isinstance(node.tag, str):
            if isinstance(node, etree._ProcessingInstruction) and "href" in (node.text or ""):
                out.append(
                    Refusal(UNSAFE_SVG, "the SVG links a stylesheet (<?xml-stylesheet?>); SVGs must stand alone")
                )
            continue
        name = etree.QName(node).localname
        if name in ("script", "foreignObject", "iframe", "object", "embed"):
            out.append(Refusal(UNSAFE_SVG, f"the SVG holds a <{name}> element, which is not allowed"))
        for attribute, value in node.attrib.items():
            local = etree.QName(attribute).localname
            if local.lower().startswith("on"):
                out.append(Refusal(UNSAFE_SVG, f"the SVG has an event handler ({local}), which is not allowed"))
            elif local in ("href", "src") or attribute == XLINK:
                out.extend(_svg_reference(value, base, roots))
            elif local == "style":
                out.extend(
                    r for url, _line in css_urls(value, declarations=True) for r in _svg_reference(url, base, roots)
                )
        if name == "style" and node.text:
            out.extend(r for url, _line in css_urls(node.text) for r in _svg_reference(url, base, roots))
    return out


def _svg_reference(url: str, base: Path, roots: list[Path]) -> list[Refusal]:
    url = url.strip()
    if not url or url.startswith("#") or scheme_of(url) == "data":
        return []
    found = judge_file(url, base, roots, "a file an SVG loads")
    if isinstance(found, Refusal):
        return [found]
    return [Refusal(UNSAFE_SVG, f"the SVG loads another file ({url!r}); SVG images must stand alone")]


# ---------------------------------------------------------------- CSS


_MAY_LOAD = re.compile("url|src|import", re.IGNORECASE)


def css_urls(text: str, declarations: bool = False) -> Iterator[tuple[str, int]]:
    """Every ``url(…)`` and ``@import`` target of a stylesheet (or of a ``style`` attribute), with its line."""
    if "\\" not in text and not _MAY_LOAD.search(text):
        return  # no url, src or import, not even spelled with an escape (a backslash): nothing to parse
    if declarations:
        nodes = tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
    else:
        nodes = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    stack = list(nodes)
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", "")
        if kind == "url":
            yield node.value, node.source_line
        elif kind == "function" and node.lower_name in ("url", "src"):
            for arg in node.arguments:
                if getattr(arg, "type", "") == "string":
                    yield arg.value, arg.source_line
        elif kind == "at-rule" and node.lower_at_keyword == "import":
            for token in node.prelude:
                if getattr(token, "type", "") == "string":
                    yield token.value, token.source_line
        for attribute in ("prelude", "content", "value", "arguments"):
            children = getattr(node, attribute, None)
            if isinstance(children, list):
                stack.extend(children)


def check_layouts(layouts: Path | Layouts, roots: list[Path]) -> None:
    """Every stylesheet of the layouts (a folder, or a stack of them: the files that win) may load files
    only from the allowed folders, and the SVG icons must stand alone: raise :class:`Problems` naming the
    file and line otherwise."""
    findings: list[Finding] = []
    for folder in Layouts.of(layouts).folders:  # a FIFO, socket or device among them: refused, never opened
        for path in sorted(folder.rglob("*")):
            kind = kind_of(path)
            if kind in ("a FIFO (named pipe)", "a socket", "a device"):
                message = f"expected a layout file, found {kind}; replace it with a regular file"
                findings.append(Finding("E001", Severity.ERROR, Location(path), message))
    for path in Layouts.of(layouts).files().values():
        if not inside(path, roots):
            findings.append(
                Finding(
                    OUTSIDE, Severity.ERROR, Location(path), "a layout file is a link to outside the allowed folders"
                )
            )
            continue
        if path.suffix == ".css" or path.name.endswith(".css.j2"):
            text = read_regular(path).decode("utf-8", errors="replace")
            for url, line in css_urls(text):
                if "{{" in url or url.startswith("#") or scheme_of(url) == "data":
                    continue  # filled in by the output (the fonts' own paths), or nothing to load
                found = judge_file(url, path.parent, roots, "a file a stylesheet loads")
                if isinstance(found, Refusal):
                    findings.append(Finding(found.code, Severity.ERROR, Location(path, line), found.message))
        elif path.suffix == ".svg":
            for refusal in svg_problems(read_regular(path), path.parent, roots):
                findings.append(Finding(refusal.code, Severity.ERROR, Location(path), refusal.message))
    if findings:
        raise Problems(findings)
