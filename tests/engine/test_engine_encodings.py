"""UTF-16/32 files, NUL bytes: read and migrated, or reported; never skipped silently."""

from __future__ import annotations

import codecs
import json

import pytest
from engine_helpers import LEGACY_MODULE, LEGACY_URL, make_tree, nbformat3, notebook

from ionos_migrate.sourcetext import SourceDecodeError, decode_python, decode_text

WIDE = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


def report(path) -> dict:
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize("encoding", WIDE)
def test_wide_text_with_a_bom_is_decoded_and_encoded_back_byte_for_byte(encoding):
    data = BOMS[encoding] + "import requests\r\nx = 'café'\r\n".encode(encoding)
    source = decode_python(data)
    assert source.text == "import requests\r\nx = 'café'\r\n" and source.newline == "\r\n"
    assert source.encode(source.text) == data
    assert source.encode("import os\nimport requests\r\nx = 'café'\r\n") == BOMS[encoding] + (
        "import os\r\nimport requests\r\nx = 'café'\r\n".encode(encoding))


def test_a_nul_byte_is_not_python_and_says_where():
    with pytest.raises(SourceDecodeError, match="not Python source: a NUL byte") as info:
        decode_python(b"x = 1\ny = '\0'\n")
    assert info.value.line == 2
    with pytest.raises(SourceDecodeError, match="UTF-16 without a byte-order mark"):
        decode_python("x = 1\n".encode("utf-16-le"))
    with pytest.raises(SourceDecodeError, match="NUL character"):
        decode_python(codecs.BOM_UTF16_LE + "x = '\0'\n".encode("utf-16-le"))


def test_text_files_decode_by_their_bom():
    assert decode_text(codecs.BOM_UTF16_BE + "A=é\n".encode("utf-16-be")) == "A=é\n"
    assert decode_text("A=b\n".encode("utf-16-le")) == "A=b\n"  # no BOM, NULs in every other byte
    assert decode_text(b"A=\xff\n") == "A=\ufffd\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-be"])
def test_a_wide_python_file_with_a_legacy_call_is_migrated_in_its_encoding(tmp_path, cli, encoding):
    """Before: the byte prefilter never saw the legacy host in UTF-16 and the file was skipped silently."""
    make_tree(tmp_path, {"wide.py": BOMS[encoding] + LEGACY_MODULE.encode(encoding)})
    assert cli(tmp_path, "scan").exit_code == 1
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "wide.py").read_bytes()
    assert data.startswith(BOMS[encoding])
    text = data[len(BOMS[encoding]):].decode(encoding)
    assert LEGACY_URL not in text and "/v1/chat/completions" in text
    assert [f["status"] for f in report(tmp_path / "r.json")["findings"]] == ["migrated"]


def test_a_wide_env_file_is_searched(tmp_path, cli):
    make_tree(tmp_path, {".env": codecs.BOM_UTF16_LE + f"PREDICT_URL={LEGACY_URL}\n".encode("utf-16-le")})
    result = cli(tmp_path, "scan", "--report", "r.json")
    assert result.exit_code == 1
    (finding,) = report(tmp_path / "r.json")["findings"]
    assert (finding["path"], finding["status"], finding["line"], finding["column"]) == (".env", "manual", 1, 13)


def test_a_python_file_with_a_nul_byte_is_reported_not_migrated(tmp_path, cli):
    """Before: libcst took it, and the file was counted as migrated."""
    data = LEGACY_MODULE.encode() + b"# \0\n"
    make_tree(tmp_path, {"nul.py": data})
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 1
    (finding,) = report(tmp_path / "r.json")["findings"]
    assert (finding["status"], finding["rule"], finding["line"]) == ("error", "read-error", 9)
    assert "NUL byte" in finding["message"]
    assert (tmp_path / "nul.py").read_bytes() == data
    assert report(tmp_path / "r.json")["summary"]["files_changed"] == 0


def test_utf16_without_a_bom_is_reported_with_a_hint(tmp_path, cli):
    make_tree(tmp_path, {"wide.py": LEGACY_MODULE.encode("utf-16-le")})
    result = cli(tmp_path, "scan", "--report", "r.json")
    assert result.exit_code == 1
    (finding,) = report(tmp_path / "r.json")["findings"]
    assert finding["rule"] == "read-error" and "UTF-16 without a byte-order mark" in finding["message"]


def test_a_wide_notebook_is_reported(tmp_path, cli):
    make_tree(tmp_path, {"nb.ipynb": codecs.BOM_UTF16_LE + notebook(LEGACY_MODULE).encode("utf-16-le")})
    result = cli(tmp_path, "scan", "--report", "r.json")
    assert result.exit_code == 1
    (finding,) = report(tmp_path / "r.json")["findings"]
    assert finding["status"] == "error" and "UTF-16-LE text, and notebooks are UTF-8 JSON" in finding["message"]


def test_a_legacy_call_in_an_nbformat3_notebook_is_migrated(tmp_path, cli):
    """Before: nbformat 3 keeps cells under worksheets, so the notebook looked empty and was skipped silently."""
    make_tree(tmp_path, {"old.ipynb": nbformat3("import os\n", LEGACY_MODULE)})
    result = cli(tmp_path, "apply", "--report", "r.json")
    assert result.exit_code == 0, result.output
    (finding,) = report(tmp_path / "r.json")["findings"]
    assert (finding["status"], finding["cell"]) == ("migrated", 2)
    after = json.loads((tmp_path / "old.ipynb").read_text("utf-8"))
    assert LEGACY_URL not in after["worksheets"][1]["cells"][0]["input"] and after["nbformat"] == 3


def test_a_notebook_too_old_to_read_is_reported(tmp_path, cli):
    old = {"nbformat": 2, "worksheets": [{"cells": [{"cell_type": "code", "input": LEGACY_MODULE}]}]}
    make_tree(tmp_path, {"older.ipynb": json.dumps(old)})
    result = cli(tmp_path, "scan", "--report", "r.json")
    assert result.exit_code == 1
    (finding,) = report(tmp_path / "r.json")["findings"]
    assert finding["rule"] == "read-error" and "nbformat 2 is too old" in finding["message"]
