"""Notebook handling: IPython lines kept out of the parser, JSON layout kept."""

from __future__ import annotations

import json

import pytest

from engine_helpers import nbformat3

from ionos_migrate.notebooks import NotebookError, mask_ipython, read_notebook, unmask_ipython

IPYTHON_CELL = "%pip install requests\nimport os\nif True:\n    !ls -l\nfiles = !ls\nos.path?\nx = 10 % 3\n"


def test_ipython_lines_are_masked_as_valid_python_and_restored():
    python, taken = mask_ipython(IPYTHON_CELL)
    compile(python, "cell", "exec")  # the parser sees plain Python
    assert sorted(taken) == [0, 3, 4, 5]
    assert "x = 10 % 3" in python  # the modulo operator is Python, not a magic
    assert unmask_ipython(python, taken) == IPYTHON_CELL


def test_restore_follows_lines_a_rewrite_moved():
    python, taken = mask_ipython("!echo hi\nx = 1\n")
    moved = "import json\n" + python.replace("x = 1", "x = 2")
    assert unmask_ipython(moved, taken) == "import json\n!echo hi\nx = 2\n"


def test_foreign_cell_magics_are_skipped_python_ones_are_not():
    assert mask_ipython("%%bash\necho hi\n") is None
    python, taken = mask_ipython("%%time\nx = 1\n")
    assert taken == {0: "%%time"} and python.endswith("x = 1\n")


def notebook_text(indent: int | None = 1, sources=("import os\n", "print(1)")) -> str:
    data = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Title ü\n"]},
            {"cell_type": "code", "execution_count": 3, "metadata": {"tags": ["x"]},
             "outputs": [{"name": "stdout", "output_type": "stream", "text": ["1\n"]}], "source": list(sources)},
        ],
        "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def test_layout_is_reproduced_exactly():
    for indent in (1, 2, 4):
        text = notebook_text(indent)
        notebook = read_notebook(text)
        assert notebook.faithful and notebook.dumps() == text


def test_changing_one_cell_changes_only_that_cell():
    notebook = read_notebook(notebook_text())
    [(index, source)] = notebook.code_cells()
    assert (index, source) == (1, "import os\nprint(1)")
    notebook.set_source(index, "import sys\nprint(1)")
    after = json.loads(notebook.dumps())
    before = json.loads(notebook_text())
    assert after["cells"][1]["source"] == ["import sys\n", "print(1)"]
    after["cells"][1]["source"] = before["cells"][1]["source"]
    assert after == before  # outputs, metadata and the markdown cell are untouched


@pytest.mark.parametrize("cells, what", [
    ([1], "cell 0 is not an object"),
    ([{"cell_type": "code", "source": ["x = 1\n", 5]}], "cell 0 has a source that is not text"),
    ([{"cell_type": "markdown", "source": "ok"}, {"cell_type": "code", "source": 5}], "cell 1 has a source"),
])
def test_cells_that_are_not_notebook_cells_are_a_notebook_error(cells, what):
    with pytest.raises(NotebookError, match=what):
        read_notebook(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_nbformat3_code_cells_are_read_and_written_in_their_layout():
    text = nbformat3("import os\n", "print(1)\n", "x = 2")
    nb = read_notebook(text)
    assert nb.faithful and nb.code_cells() == [(1, "import os\n"), (2, "print(1)\n"), (3, "x = 2")]
    nb.set_source(2, "print(2)\n")
    nb.set_source(1, "import sys\n")
    after = json.loads(nb.dumps())
    assert after["worksheets"][1]["cells"][0]["input"] == "print(2)\n"
    assert after["worksheets"][0]["cells"][1]["input"] == ["import sys\n"]
    assert after["nbformat"] == 3 and "cells" not in after


@pytest.mark.parametrize("data, what", [
    ({"nbformat": 2, "worksheets": []}, "nbformat 2 is too old"),
    ({"metadata": {}, "nbformat": 4}, "no list of cells"),
    ({"worksheets": [{"cells": 3}]}, "no list of cells"),
    ({"worksheets": [{"cells": [{"cell_type": "code", "input": 5}]}]}, "cell 0 has a source that is not text"),
])
def test_notebooks_without_a_layout_we_know_are_an_error(data, what):
    with pytest.raises(NotebookError, match=what):
        read_notebook(json.dumps(data))
