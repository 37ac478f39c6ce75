"""Decoding at the edge: BOMs, UTF-16, CRLF kept byte for byte, clear errors."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fgf_opendata.errors import DecodeError, InputTooLargeError
from fgf_opendata.parsing import parse_plan, render_plan
from fgf_opendata.textio import decode, encode, read_source


@pytest.mark.parametrize(
    "data_of",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "crlf", "crlf-bom"],
)
def test_bytes_round_trip(data_of, reference_text: str, registry) -> None:
    data = data_of(reference_text)
    decoded = decode(data)
    plan = parse_plan(decoded.text, registry=registry)
    assert plan.doc_number == "国办发〔2021〕25号"
    assert encode(decoded, render_plan(plan)) == data


def test_legacy_encoding_error_names_byte_and_suggests_option(reference_text: str) -> None:
    with pytest.raises(
        DecodeError, match=r"not UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\).*--encoding gb18030"
    ):
        decode(reference_text.encode("gb18030"))


def test_explicit_encoding(reference_text: str) -> None:
    assert decode(reference_text.encode("gb18030"), "gb18030").text == reference_text
    with pytest.raises(DecodeError, match="not a known encoding"):
        decode(b"x", "no-such-codec")


def test_size_limit(tmp_path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(InputTooLargeError, match="2,048 bytes"):
        read_source(path, limit=1024)
    assert read_source(path, limit=4096).text == "x" * 2048


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=256) | st.text(max_size=64).map(lambda t: t.encode("utf-8")[:-1]),
    encoding=st.sampled_from(
        [None, "gb18030", "utf-16", "utf-32", "utf-7", "idna", "punycode", "cp037"]
    ),
)
def test_decode_raises_only_decode_error(data: bytes, encoding: str | None) -> None:
    error: DecodeError | None = None
    try:
        decoded = decode(data, encoding, name="x.txt")
    except DecodeError as exc:
        error = exc
    if error is None:
        assert "\x00" not in decoded.text or encoding is not None
    else:
        assert "x.txt" in str(error)
        assert error.code != "decode-error"  # every failure says which kind it is
