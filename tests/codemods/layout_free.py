"""Compare generated code whatever its layout: ``assert "f(a, b)" in flat(result.code)``.

The rules' tests pin what a rewrite says; ``codemods/layout.py`` decides how it is laid
out (one argument per line past the line length). This lets a test check the first
without restating the second.
"""

from __future__ import annotations

import re


def normalise(code: str) -> str:
    code = re.sub(r"([(\[{])\s+", r"\1", code)
    code = re.sub(r",\s*([)\]}])", r"\1", code)
    code = re.sub(r"\s+([)\]}])", r"\1", code)
    return re.sub(r",[ \t]*\n\s*", ", ", code)


class flat:  # noqa: N801 - reads as a function in asserts
    def __init__(self, code: str) -> None:
        self.code = normalise(code)

    def __contains__(self, part: str) -> bool:
        return normalise(part) in self.code
