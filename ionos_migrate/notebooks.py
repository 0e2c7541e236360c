"""Jupyter notebooks: code cells in and out of the codemods, the rest untouched.

IPython syntax is not Python: line magics (``%pip``), shell lines (``!ls``,
``files = !ls``) and help lines (``obj?``) are swapped for a ``pass`` line
carrying a placeholder before the parser sees the cell and put back after.
A cell magic (``%%bash``) makes the whole cell foreign, except the few that
run their body as Python (``%%time``). The notebook is written back with
the key order, indentation and escaping it had; outputs and metadata are
never touched.

nbformat 4 keeps its cells in ``cells``, each with a ``source``. nbformat 3
(IPython 1 and 2) keeps them in ``worksheets[].cells``, a code cell's text in
``input``; both are read and written in their own layout. Cells are counted
as nbformat counts them when it converts 3 to 4: over all worksheets, in
order. Older formats are reported, not guessed at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_MAGIC_LINE = re.compile(r"^\s*(?:[%!]|[\w.\[\]'\"]+\s*=\s*[%!]|[\w.]+\?\??\s*$)")
_PLACEHOLDER = "pass  # ionos-migrate: ipython line {index}"
_PLACEHOLDER_LINE = re.compile(r"^[ \t]*pass  # ionos-migrate: ipython line (\d+)[ \t]*$")


class NotebookError(ValueError):
    pass


@dataclass
class Notebook:
    data: dict[str, Any]
    indent: int | None
    ensure_ascii: bool
    trailing_newline: bool
    faithful: bool  # re-serialising the unchanged notebook gives back the very same text

    @property
    def source_key(self) -> str:
        return _source_key(self.data)

    def cells(self) -> list[dict[str, Any]]:
        return _cells(self.data)

    def code_cells(self) -> list[tuple[int, str]]:
        """``(cell index, source)`` of every Python code cell."""
        return [
            (index, cell_source(cell, self.source_key))
            for index, cell in enumerate(self.cells())
            if cell.get("cell_type") == "code" and cell.get("language", "python") == "python"
        ]

    def set_source(self, index: int, source: str) -> None:
        cell = self.cells()[index]
        lines = source.splitlines(keepends=True)
        cell[self.source_key] = lines if isinstance(cell.get(self.source_key), list) else source

    def dumps(self) -> str:
        return _serialise(self.data, self.indent, self.ensure_ascii, self.trailing_newline)


def read_notebook(text: str) -> Notebook:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not valid notebook JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise NotebookError("not a notebook: no list of cells")
    key = _source_key(data)
    for index, cell in enumerate(_cells(data)):
        if not isinstance(cell, dict):
            raise NotebookError(f"not a notebook: cell {index} is not an object")
        source = cell.get(key, "")
        if cell.get("cell_type") == "code" and not (
            isinstance(source, str) or isinstance(source, list) and all(isinstance(line, str) for line in source)
        ):
            raise NotebookError(f"not a notebook: cell {index} has a source that is not text")
    indent = _indent_of(text)
    ensure_ascii = text.isascii() and "\\u" in text
    trailing = text.endswith("\n")
    faithful = _serialise(data, indent, ensure_ascii, trailing) == text
    return Notebook(data, indent, ensure_ascii, trailing, faithful)


def _source_key(data: dict[str, Any]) -> str:
    """Which layout ``data`` has (``source``: nbformat 4, ``input``: 3); a NotebookError for anything else."""
    version = data.get("nbformat")
    if isinstance(version, int) and version < 3:
        raise NotebookError(f"nbformat {version} is too old to read: open it in Jupyter and save it, which "
                            "converts it to nbformat 4")
    if "cells" in data and isinstance(data["cells"], list):
        return "source"
    worksheets = data.get("worksheets")
    if "cells" not in data and isinstance(worksheets, list) and all(
            isinstance(sheet, dict) and isinstance(sheet.get("cells", []), list) for sheet in worksheets):
        return "input"
    raise NotebookError("not a notebook: no list of cells")


def _cells(data: dict[str, Any]) -> list[Any]:
    """All cells, in nbformat's order: nbformat 3's worksheets one after the other."""
    if "worksheets" in data and "cells" not in data:
        return [cell for sheet in data["worksheets"] for cell in sheet.get("cells", [])]
    return data.get("cells", [])


def cell_source(cell: dict[str, Any], key: str = "source") -> str:
    source = cell.get(key, "")
    return "".join(source) if isinstance(source, list) else str(source)


def mask_ipython(source: str) -> tuple[str, dict[int, str]] | None:
    """The cell as plain Python plus the lines taken out; None when the cell is not Python."""
    lines = source.splitlines(keepends=True)
    first = lines[0].strip() if lines else ""
    if first.startswith("%%") and first[2:].split(" ")[0] not in PYTHON_CELL_MAGICS:
        return None
    taken: dict[int, str] = {}
    for number, line in enumerate(lines):
        if (number == 0 and first.startswith("%%")) or _MAGIC_LINE.search(line.rstrip("\r\n")):
            body = line.rstrip("\r\n")
            ending = line[len(body):]
            indent = body[: len(body) - len(body.lstrip())]
            taken[number] = body
            lines[number] = indent + _PLACEHOLDER.format(index=number) + ending
    return "".join(lines), taken


def unmask_ipython(source: str, taken: dict[int, str]) -> str:
    """Put the IPython lines back where their placeholders are now."""
    if not taken:
        return source
    lines = source.splitlines(keepends=True)
    for number, line in enumerate(lines):
        match = _PLACEHOLDER_LINE.match(line.rstrip("\r\n"))
        if match and int(match[1]) in taken:
            lines[number] = taken[int(match[1])] + line[len(line.rstrip("\r\n")):]
    return "".join(lines)


def _indent_of(text: str) -> int | None:
    match = re.match(r"\s*\{\r?\n( +)\S", text)
    return len(match[1]) if match else None


def _serialise(data: Any, indent: int | None, ensure_ascii: bool, trailing_newline: bool) -> str:
    text = json.dumps(data, indent=indent, ensure_ascii=ensure_ascii)
    return text + "\n" if trailing_newline else text
