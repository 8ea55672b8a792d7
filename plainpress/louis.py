"""Our own small binding to liblouis (``liblouis.so.20``, Debian's ``liblouis20``) with ctypes.

Only what the braille edition needs: translate text to braille and back, with a typeform that
keeps web addresses, e-mail addresses and phone numbers uncontracted. It works in any Python
(a venv, an installed wheel), unlike Debian's ``python3-louis``, which serves Debian's own Python.
PyPI's ``louis`` is an unrelated package.

liblouis is not thread-safe: this module makes one call at a time (the live preview serves from
several threads).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from functools import lru_cache

from .errors import PlainpressError

LIBRARY = "liblouis.so.20"
DISPLAY = "en-us-brf.dis"  # North American ASCII braille (BRF)
NO_CONTRACT = 0x1000  # liblouis.h typeforms: no_contract
NO_UNDEFINED = 128  # liblouis.h translationModes: noUndefined (a character no table defines is left out)
LOG_OFF = 60000  # liblouis.h logLevels: LOU_LOG_OFF
_LOCK = threading.Lock()  # one liblouis call at a time
_INSTALL = "install the Debian packages liblouis-bin and liblouis-data (apt-get install liblouis-bin liblouis-data)"


class BrailleUnavailable(PlainpressError):
    """liblouis or one of its tables is not installed."""

    exit_code = 2


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    names = [LIBRARY]
    found = ctypes.util.find_library("louis")
    if found and found != LIBRARY:
        names.append(found)
    for name in names:
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        raise BrailleUnavailable(f"the braille edition needs liblouis ({LIBRARY}), which is not installed: {_INSTALL}")
    lib.lou_version.restype = ctypes.c_char_p
    lib.lou_charSize.restype = ctypes.c_int
    lib.lou_setLogLevel.argtypes = [ctypes.c_int]
    lib.lou_setLogLevel(LOG_OFF)  # a missing table is reported by us, not printed by liblouis
    lib.lou_getTable.restype = ctypes.c_void_p
    lib.lou_getTable.argtypes = [ctypes.c_char_p]
    for function in (lib.lou_translateString, lib.lou_backTranslateString):
        function.restype = ctypes.c_int
    return lib


def _widechar() -> type[ctypes._SimpleCData]:
    return ctypes.c_uint32 if _library().lou_charSize() == 4 else ctypes.c_uint16


def version() -> str:
    """liblouis's version, e.g. ``3.24.0``."""
    return _library().lou_version().decode()


@lru_cache(maxsize=32)
def check_tables(tables: str) -> str:
    """``tables`` when liblouis can compile it; else a clear error naming the package."""
    with _LOCK:
        found = _library().lou_getTable(tables.encode())
    if not found:
        raise BrailleUnavailable(f"the braille table {tables} cannot be loaded: {_INSTALL}")
    return tables


def _call(backward: bool, tables: str, text: str, typeform: list[int] | None = None, mode: int = 0) -> str:
    if not text:
        return ""
    lib = _library()
    check_tables(tables)
    char = _widechar()
    wide = 4 if char is ctypes.c_uint32 else 2
    data = text.encode("utf-32-le" if wide == 4 else "utf-16-le", "surrogatepass")
    length = len(data) // wide
    inbuf = (char * length).from_buffer_copy(data)
    size = max(64, length * 4 + 64)
    while True:
        outbuf = (char * size)()
        inlen, outlen = ctypes.c_int(length), ctypes.c_int(size)
        forms = None
        if typeform is not None:
            forms = (ctypes.c_uint16 * size)(*typeform[:length], *([0] * (size - min(length, len(typeform)))))
        function = lib.lou_backTranslateString if backward else lib.lou_translateString
        with _LOCK:
            ok = function(tables.encode(), inbuf, ctypes.byref(inlen), outbuf, ctypes.byref(outlen), forms, None, mode)
        if not ok:
            raise BrailleUnavailable(f"liblouis could not translate with {tables}: {_INSTALL}")
        if inlen.value >= length or size > length * 16 + 1024:  # all of the input was read
            break
        size *= 2  # the output buffer was too small
    raw = bytes(outbuf)[: outlen.value * wide]
    return raw.decode("utf-32-le" if wide == 4 else "utf-16-le", "surrogatepass")


def translate(tables: str, text: str, typeform: list[int] | None = None) -> str:
    """Print to braille (``lou_translateString``); ``typeform`` marks characters, e.g. :data:`NO_CONTRACT`.
    A character the tables do not define is left out (see :func:`defined`)."""
    return _call(False, tables, text, typeform, NO_UNDEFINED)


@lru_cache(maxsize=4096)
def defined(tables: str, char: str) -> bool:
    """Whether the tables give ``char`` a braille form (liblouis writes an undefined one as ``\\x....``)."""
    return "\\" not in _call(False, tables, char)


def back_translate(tables: str, braille: str) -> str:
    """Braille back to print (``lou_backTranslateString``)."""
    return _call(True, tables, braille)


# The North American ASCII braille character set, in the order of the dot patterns 0-63
# (bit 0 is dot 1 ... bit 5 is dot 6): BRF character -> Unicode braille U+2800 + pattern.
ASCII_BRAILLE = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
_TO_UNICODE = {ord(c): chr(0x2800 + n) for n, c in enumerate(ASCII_BRAILLE)}
_TO_UNICODE.update({ord(c.lower()): chr(0x2800 + n) for n, c in enumerate(ASCII_BRAILLE) if c.isalpha()})


def to_unicode(brf: str) -> str:
    """BRF text as Unicode braille (U+2800-U+283F); line ends and form feeds are kept."""
    return brf.translate(_TO_UNICODE)
