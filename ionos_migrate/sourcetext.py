"""Python source bytes <-> text, keeping what a rewrite must not change.

The codemods work on ``str``. A file goes back to disk in the encoding it
declared (PEP 263 cookie, or UTF-8), with its BOM if it had one and with its
own line endings: the text is decoded without newline translation, so a CRLF
file hands ``\\r\\n`` to the parser and gets ``\\r\\n`` back; lines a rule
adds are brought to the file's style here.
"""

from __future__ import annotations

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
    encoding: str  # a codec name; "utf-8-sig" when the file had a BOM
    newline: str  # "\r\n" when every line ends so, else "\n"

    def encode(self, text: str) -> bytes:
        """``text`` as bytes in this file's encoding, BOM and line-ending style."""
        return to_newline_style(text, self.newline).encode(self.encoding)


_LONE_LF = re.compile(r"(?<!\r)\n")


def decode_python(data: bytes) -> SourceText:
    """Decode Python source the way the interpreter would pick the encoding."""
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


def dominant_newline(text: str) -> str:
    """``\\r\\n`` only when every line ends so: a mixed file is left as it is."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\n") else "\n"


def to_newline_style(text: str, newline: str) -> str:
    """Bring lone ``\\n`` (lines a rule added) to a CRLF file's style."""
    if newline == "\r\n":
        return _LONE_LF.sub("\r\n", text)
    return text
