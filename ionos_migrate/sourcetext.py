"""Python source bytes <-> text, keeping what a rewrite must not change.

The codemods work on ``str``. A file goes back to disk in the encoding it
declared (PEP 263 cookie, or UTF-8), with its BOM if it had one and with its
own line endings: the text is decoded without newline translation, so a CRLF
file hands ``\\r\\n`` to the parser and gets ``\\r\\n`` back; lines a rule
adds are brought to the file's style here.

UTF-16 and UTF-32 files with a byte-order mark (Windows editors write them)
are read and written back as they were. A NUL byte anywhere else is no
Python (CPython refuses such a file): the file is reported, never parsed.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from dataclasses import dataclass


class SourceDecodeError(ValueError):
    """The bytes are not text in the encoding the file declares."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str  # a codec name; "utf-8-sig" when the file had a UTF-8 BOM
    newline: str  # "\r\n" when every line ends so, else "\n"
    bom: bytes = b""  # a UTF-16/32 byte-order mark (the UTF-8 one is in the codec)

    def encode(self, text: str) -> bytes:
        """``text`` as bytes in this file's encoding, BOM and line-ending style."""
        return self.bom + to_newline_style(text, self.newline).encode(self.encoding)


_LONE_LF = re.compile(r"(?<!\r)\n")
# UTF-32 first: its little-endian mark begins with UTF-16's.
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_python(data: bytes) -> SourceText:
    """Decode Python source the way the interpreter would pick the encoding (and UTF-16/32 with a BOM)."""
    wide = wide_bom(data)
    if wide:
        return _decode_wide(data, *wide)
    if b"\0" in data:
        raise SourceDecodeError(_nul_message(data, data.index(b"\0")), data[: data.index(b"\0")].count(b"\n") + 1)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # a bad or unknown cookie
        raise SourceDecodeError(f"cannot tell the encoding: {exc.msg}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceDecodeError(f"not valid {encoding}: {exc.reason} at byte {exc.start}", line) from None
    return SourceText(text, encoding, dominant_newline(text))


def _decode_wide(data: bytes, bom: bytes, encoding: str) -> SourceText:
    try:
        text = data[len(bom):].decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceDecodeError(f"not valid {encoding} (the file starts with its byte-order mark): {exc.reason}",
                                data[: exc.start + len(bom)].count("\n".encode(encoding)) + 1) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise SourceDecodeError("not Python source: a NUL character (Python refuses files with NUL bytes); file "
                                "left unchanged", line)
    return SourceText(text, encoding, dominant_newline(text), bom)


def wide_bom(data: bytes) -> tuple[bytes, str] | None:
    """``(mark, codec)`` when ``data`` starts with a UTF-16 or UTF-32 byte-order mark."""
    for bom, encoding in WIDE_BOMS:
        if data.startswith(bom):
            return bom, encoding
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when every other byte of the start is NUL, as in ASCII text saved as UTF-16."""
    head = data[:512]
    if len(head) < 8:
        return None
    for encoding, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            return encoding
    return None


def searchable(data: bytes) -> bytes:
    """Bytes the prefilter can search for ASCII markers: UTF-16/32 text comes back as UTF-8."""
    if b"\0" not in data:
        return data  # the common case, at memchr speed
    return decode_text(data).encode("utf-8", errors="replace")


def decode_text(data: bytes) -> str:
    """A text file (``.env``, YAML, ...) for reading: UTF-16/32 by its BOM (or its NULs), else UTF-8, never failing."""
    wide = wide_bom(data)
    if wide:
        return data[len(wide[0]):].decode(wide[1], errors="replace")
    encoding = utf16_without_bom(data) if b"\0" in data else None
    return data.decode(encoding or "utf-8", errors="replace")


def _nul_message(data: bytes, at: int) -> str:
    hint = ""
    if utf16_without_bom(data):
        hint = " (it looks like UTF-16 without a byte-order mark: save it as UTF-8)"
    return (f"not Python source: a NUL byte at byte {at}{hint} (Python refuses files with NUL bytes); "
            "file left unchanged")


def dominant_newline(text: str) -> str:
    """``\\r\\n`` only when every line ends so: a mixed file is left as it is."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\n") else "\n"


def to_newline_style(text: str, newline: str) -> str:
    """Bring lone ``\\n`` (lines a rule added) to a CRLF file's style."""
    if newline == "\r\n":
        return _LONE_LF.sub("\r\n", text)
    return text
