"""Decoding errors that say what is wrong: the codec option, UTF-32, truncation, GB18030, diff.

Each case is a real file in tmp_path, read through the Python API and through the command line;
every error names the file and carries a stable code.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REFERENCE
from fgf_opendata.cli import main
from fgf_opendata.errors import DecodeError
from fgf_opendata.textio import check_encoding, decode, read_source


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# --- --encoding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "code"),
    [
        ("rot13", "not-a-text-encoding"),
        ("base64", "not-a-text-encoding"),
        ("hex", "not-a-text-encoding"),
        ("zlib", "not-a-text-encoding"),
        ("bz2", "not-a-text-encoding"),
        ("undefined", "not-a-text-encoding"),
        ("no-such-codec", "unknown-encoding"),
        ("", "unknown-encoding"),
    ],
)
def test_only_text_codecs(runner: CliRunner, tmp_path: Path, codec: str, code: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(REFERENCE.read_bytes())
    codec = codec or " "  # an empty name means "no --encoding" to the Python API
    with pytest.raises(DecodeError, match=re.escape(f"--encoding {codec!r}")) as caught:
        read_source(path, codec)
    assert caught.value.code == code
    with pytest.raises(DecodeError):
        check_encoding(codec)
    for command in (["parse", str(path)], ["diff", str(path), str(path)], ["build", "-o", "o"]):
        result = runner.invoke(main, [*command, "--encoding", codec])
        assert result.exit_code == 2, (command, result.stderr)
        assert result.stderr.startswith(f"fgf: error: --encoding {codec!r}"), result.stderr
        assert "internal error" not in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("codec", ["gb18030", "GBK", "utf_16", "latin-1", "UTF-8-SIG"])
def test_text_codecs_are_accepted(codec: str) -> None:
    assert check_encoding(codec) == codecs.lookup(codec).name


# --- UTF-32 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_with_bom_is_read(tmp_path: Path, reference_text: str, codec: str) -> None:
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    path = tmp_path / "plan.txt"
    path.write_bytes(bom + reference_text.encode(codec))
    decoded = read_source(path)
    assert (decoded.text, decoded.encoding, decoded.bom) == (reference_text, codec, bom)


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_without_bom_is_named(
    runner: CliRunner, tmp_path: Path, reference_text: str, codec: str
) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(reference_text.encode(codec))
    with pytest.raises(DecodeError, match=rf"plan\.txt looks like {codec.upper()}") as caught:
        read_source(path)
    assert caught.value.code == "utf32-without-bom"
    result = runner.invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    assert f"--encoding {codec}" in result.stderr
    assert "no plan structure" not in result.stderr
    assert runner.invoke(main, ["parse", str(path), "--encoding", codec]).exit_code == 0


def test_ascii_utf32_without_bom_is_named() -> None:
    """ASCII in UTF-32 is valid UTF-8 (with NULs): the NUL pattern gives it away."""
    with pytest.raises(DecodeError, match="looks like UTF-32-LE") as caught:
        decode("一、x\n".encode("utf-32-le"), name="a.txt")
    assert caught.value.code == "utf32-without-bom"
    with pytest.raises(DecodeError, match="looks like UTF-32-BE"):
        decode(b"abc\n".decode().encode("utf-32-be"), name="a.txt")


def test_nul_bytes_are_named(tmp_path: Path, reference_text: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(reference_text.encode("utf-16-le"))  # UTF-16 without BOM
    data = path.read_bytes()
    with pytest.raises(DecodeError, match=r"plan\.txt") as caught:
        read_source(path)
    assert caught.value.code in ("binary-input", "not-utf8")
    with pytest.raises(DecodeError, match=r"a NUL byte at offset 3 \(line 1\)") as caught:
        decode(b"abc\x00def", name="x.txt")
    assert caught.value.code == "binary-input"
    assert data  # the file is the one read


# --- truncation and invalid UTF-8 --------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 2])
def test_cut_mid_character_is_truncated(
    runner: CliRunner, tmp_path: Path, reference_text: str, cut: int
) -> None:
    data = reference_text.rstrip().encode("utf-8")  # ends with a CJK character (3 bytes)
    path = tmp_path / "plan.txt"
    path.write_bytes(data[:-cut])
    with pytest.raises(DecodeError, match=r"plan\.txt ends inside a UTF-8 character") as caught:
        read_source(path)
    assert caught.value.code == "truncated-utf8"
    assert f"offset {len(data) - 3}" in str(caught.value)
    result = runner.invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    assert "truncated" in result.stderr
    assert "another encoding" not in result.stderr


def test_one_bad_byte_in_utf8_is_located(tmp_path: Path, reference_text: str) -> None:
    data = bytearray(reference_text.encode("utf-8"))
    line_3 = data.index(b"\n", data.index(b"\n") + 1) + 1
    data[line_3 + 1] = 0xFF  # inside the first character of line 3
    path = tmp_path / "plan.txt"
    path.write_bytes(bytes(data))
    with pytest.raises(DecodeError, match=r"plan\.txt is not valid UTF-8") as caught:
        read_source(path)
    assert caught.value.code == "invalid-utf8"
    assert f"offset {line_3} (line 3)" in str(caught.value)
    assert "GB18030" not in str(caught.value)


# --- GB18030 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [100, 4095, 4096, 4097, 5000, 70_000])
def test_gb18030_is_named_whatever_its_size(tmp_path: Path, reference_text: str, size: int) -> None:
    """The probe once decoded a 4,096-byte prefix and failed when it ended inside a character."""
    text = (reference_text * (size // len(reference_text.encode("gb18030")) + 1)).encode("gb18030")
    data = text[:size]
    data = data[: len(data.decode("gb18030", "ignore").encode("gb18030"))]  # whole characters
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    with pytest.raises(DecodeError, match=r"it looks like GB18030/GBK") as caught:
        read_source(path)
    assert caught.value.code == "not-utf8"
    assert "--encoding gb18030" in str(caught.value)


def test_gb18030_probe_prefix_ending_inside_a_character(tmp_path: Path) -> None:
    data = ("一" + "重点任务分工" * 700).encode("gb18030")  # two bytes a character
    path = tmp_path / "plan.txt"
    path.write_bytes(b"x" + data)  # byte 4,095 starts a character, byte 4,096 ends it
    with pytest.raises(DecodeError, match="GB18030/GBK"):
        read_source(path)


# --- diff: each side decoded on its own --------------------------------------------------------


def test_diff_gb18030_against_utf8(runner: CliRunner, tmp_path: Path, reference_text: str) -> None:
    gb = tmp_path / "gb.txt"
    gb.write_bytes(reference_text.encode("gb18030"))
    for args in ([str(gb), str(REFERENCE)], [str(REFERENCE), str(gb)]):
        result = runner.invoke(main, ["diff", "--encoding", "gb18030", *args])
        assert result.exit_code == 0, result.stderr
    result = runner.invoke(main, ["diff", str(gb), str(REFERENCE)])
    assert result.exit_code == 2
    assert "gb.txt is not UTF-8" in result.stderr
    assert "--encoding gb18030" in result.stderr


def test_diff_fallback_reports_the_codec_error(
    runner: CliRunner, tmp_path: Path, reference_text: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(reference_text.encode("gb18030") + b"\x81")  # cut GB18030 character
    result = runner.invoke(main, ["diff", "--encoding", "gb18030", str(REFERENCE), str(bad)])
    assert result.exit_code == 2
    assert "bad.txt" in result.stderr
    assert "gb18030" in result.stderr
