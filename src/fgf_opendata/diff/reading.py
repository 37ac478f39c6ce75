"""The input edge of `fgf diff`: `read_plan` reads a plan text, a canonical plan JSON or a
package folder."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..agencies import Registry, default_registry
from ..errors import ExportError, ParseError
from ..model import Plan
from ..publication import CORPUS_PLANS, PLAN_JSON
from ..serialize import plan_from_json

__all__ = ["read_plan"]


def read_plan(
    path: str | Path,
    *,
    encoding: str | None = None,
    limit: int | None = None,
    registry: Registry | None = None,
) -> Plan:
    """Read a plan from a plan text, a canonical plan JSON (text starting with "{", such as a
    corpus package's `plans/<id>.json`) or a package folder (its plan.json). `encoding`
    applies to plan texts only: JSON is UTF-8 (RFC 8259).
    Raises `DecodeError`, `InputTooLargeError`, `ParseError`, or `ExportError` for a folder that
    holds no plan.json."""
    from ..parsing import parse_plan
    from ..textio import read_source

    path = Path(path)
    if path.is_dir():
        inside = path / PLAN_JSON
        if not inside.exists():  # a plan.json that is not a file: read_source says what it is
            plans = sorted(p.stem for p in (path / CORPUS_PLANS).glob("*.json"))
            if plans:  # a corpus package: one of its plans is a file of its own
                shown = ", ".join(plans[:3]) + (", …" if len(plans) > 3 else "")
                raise ExportError(
                    f"{path} is a corpus package of {len(plans)} plans ({shown}): give one of "
                    f"them as {path / CORPUS_PLANS / plans[0]}.json"
                )
            raise ExportError(f"{path} is a folder without {PLAN_JSON}; expected a package folder")
        path = inside
    if _starts_like_json(path):
        encoding = None
    text = read_source(path, encoding, limit=limit).text
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return _plan_from_json(text, str(path))
    return parse_plan(text, registry=registry or default_registry())


def _starts_like_json(path: Path) -> bool:
    from ..textio import open_regular  # a FIFO or device must not block here

    try:
        with open_regular(path) as file:
            head = file.read(64)
    except OSError:
        return False  # read_source reports it
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"{")


def _plan_from_json(text: str, name: str) -> Plan:
    from ..jsonload import load_json

    data = load_json(text, name)  # bounded: ParseError, never RecursionError or ValueError
    if not isinstance(data, dict):
        raise ParseError("not a plan JSON (not an object)", code="invalid-plan-json").with_path(
            name
        )
    try:
        return plan_from_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise ParseError(
            f"not a plan JSON ({exc.error_count()} problems; first at {where}: {first['msg']})",
            code="invalid-plan-json",
        ).with_path(name) from None
