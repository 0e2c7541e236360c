"""Decoding and re-encoding Python source without changing what must not change."""

from __future__ import annotations

import codecs

import pytest

from ionos_migrate.sourcetext import SourceDecodeError, decode_python


def test_crlf_file_stays_crlf_including_added_lines():
    source = decode_python(b"a = 1\r\nb = 2\r\n")
    assert source.newline == "\r\n" and source.text == "a = 1\r\nb = 2\r\n"
    assert source.encode("import x\na = 1\r\nb = 2\r\n") == b"import x\r\na = 1\r\nb = 2\r\n"


def test_mixed_line_endings_are_left_as_they_are():
    source = decode_python(b"a = 1\r\nb = 2\n")
    assert source.newline == "\n"
    assert source.encode("a = 1\r\nb = 2\nc = 3\n") == b"a = 1\r\nb = 2\nc = 3\n"


def test_bom_is_kept():
    data = codecs.BOM_UTF8 + "x = 'é'\n".encode()
    source = decode_python(data)
    assert source.text == "x = 'é'\n"
    assert source.encode(source.text) == data


def test_pep263_cookie_encoding_is_kept():
    data = "# -*- coding: latin-1 -*-\nx = 'café'\n".encode("latin-1")
    source = decode_python(data)
    assert source.encoding == "iso-8859-1" and "café" in source.text
    assert source.encode(source.text.replace("x", "y")) == data.replace(b"x =", b"y =")


def test_undecodable_bytes_are_a_clear_error_with_the_line():
    with pytest.raises(SourceDecodeError, match="not valid utf-8") as info:
        decode_python(b"a = 1\nb = '\xff'\n")
    assert info.value.line == 2


def test_unknown_cookie_is_a_clear_error():
    with pytest.raises(SourceDecodeError, match="encoding"):
        decode_python(b"# coding: klingon\nx = 1\n")
