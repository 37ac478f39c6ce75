"""Fuzzing the parser: mutated plans either parse back to themselves or raise `ParseError`.

The mutations are the damage real inputs suffer: lines lost, doubled or swapped, a file cut
short, a stray or missing character, a changed number, a lost or doubled bracket. The bases
are the reference plan, the genre cases (inline responsibility lines, one-line text, ...) and
a few synthetic plans; the mutations and the plans are in tests/strategies.py.
Whatever comes out, `parse_plan` returns a plan that renders back to the input or raises
`ParseError` located inside the text, never anything else (IndexError, ValueError, a pydantic
ValidationError, RecursionError). The slow run (`-m slow`, in CI) is derandomised, so a
failure there reproduces on every machine.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import REFERENCE
from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.errors import ParseError
from fgf_opendata.parsing import parse_plan, render_plan
from fgf_opendata.parsing.numerals import to_chinese
from strategies import mutated_texts, synthetic_text

REGISTRY: Registry = default_registry()
REFERENCE_TEXT = REFERENCE.read_text(encoding="utf-8")
GENRE = sorted((Path(__file__).parent / "cases" / "genre").glob("*.txt"))
# Synthetic plans vary what the fixed texts do not: CRLF, inline responsibility lines,
# deadlines and targets anywhere. Built once from fixed seeds: drawing a spec per example would
# spend the run building plans instead of parsing them.
SYNTHETIC = tuple(synthetic_text(seed, size=0.3, crlf=seed % 2 == 1) for seed in range(6))
# The reference three times as often as each other base.
BASES = (
    (REFERENCE_TEXT,) * 3 + tuple(path.read_text(encoding="utf-8") for path in GENRE) + SYNTHETIC
)
mutated_plans = mutated_texts(BASES)


def check_parse_or_parse_error(text: str) -> None:
    try:
        plan = parse_plan(text, registry=REGISTRY)
    except ParseError as caught:
        err = caught
    else:
        assert render_plan(plan) == text
        return
    # Located inside the text, and a parser bug is not an input error.
    assert err.code != "unrepresentable", err
    assert 0 <= err.offset <= len(text)
    # Lines as editors count them: a break is \n, \r\n or a lone \r, counted once it ends.
    breaks = re.finditer(r"\r\n|\r|\n", text)
    assert err.line == sum(1 for found in breaks if found.end() <= err.offset) + 1
    assert str(err).startswith(f"line {err.line}, column {err.column}: ")
    assert err.get_context().endswith("^")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_plans)
def test_mutated_plans_parse_or_raise_parse_error(text: str) -> None:
    check_parse_or_parse_error(text)


@pytest.mark.slow
@settings(
    max_examples=10_000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(mutated_plans)
def test_mutated_plans_parse_or_raise_parse_error_at_length(text: str) -> None:
    check_parse_or_parse_error(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("（一）" * 5000, id="many-tasks-one-line"),
        pytest.param("国发〔2022〕9号\n一、" + "（" * 20000 + "\n", id="unclosed-parentheses"),
        pytest.param(
            "国发〔2022〕9号\n一、标题\n（一）任务" + "（" * 3000 + "）" * 3000 + "。\n",
            id="nested-parentheses",
        ),
        pytest.param(
            "国发〔2022〕9号\n一、标题\n（一）任务" + "，5项" * 5000 + "。\n（财政部负责）\n",
            id="many-targets",
        ),
        pytest.param(
            "国发〔2022〕9号\n一、标题\n（一）任务。\n（" + "财政部和" * 5000 + "财政部负责）\n",
            id="and-run",
        ),
        pytest.param("一、" + "。" * 20000, id="sentence-ends"),
    ],
)
def test_pathological_lines_raise_or_parse_quickly(text: str) -> None:
    # Each takes well under a second; a quadratic scan (the unclosed （ ran 17 s) would not.
    start = time.process_time()  # CPU time: other jobs on the machine do not count
    check_parse_or_parse_error(text)
    assert time.process_time() - start < 5


def scaled_reference(times: int) -> str:
    """The reference with its body repeated `times` times, sections and tasks renumbered."""
    body_start = REFERENCE_TEXT.index("\n一、") + 1
    back_start = REFERENCE_TEXT.rindex("\n各地区要高度重视") + 1
    body = REFERENCE_TEXT[body_start:back_start].splitlines(keepends=True)
    out = [REFERENCE_TEXT[:body_start]]
    section = task = 0
    for _ in range(times):
        for line in body:
            if heading := re.match(r"[一二三四五六七八九十]+、", line):
                section += 1
                line = f"{to_chinese(section)}、{line[heading.end() :]}"
            elif heading := re.match(r"（[一二三四五六七八九十]+）", line):
                task += 1
                line = f"（{to_chinese(task)}）{line[heading.end() :]}"
            out.append(line)
    out.append(REFERENCE_TEXT[back_start:])
    return "".join(out)


def _least_parse_cpu_seconds(texts: tuple[str, ...], runs: int = 5) -> list[float]:
    """The least CPU time (`time.process_time`) of `runs` parses of each text, the texts
    parsed in turn: CPU time is what the parser spends, however many other jobs share the
    machine, and the least of a few runs leaves out what a collection or a cache miss adds."""
    least = [float("inf")] * len(texts)
    for _ in range(runs):
        for i, text in enumerate(texts):
            start = time.process_time()
            parse_plan(text, registry=REGISTRY)
            least[i] = min(least[i], time.process_time() - start)
    return least


def test_parse_time_is_linear_in_the_input() -> None:
    long = scaled_reference(10)
    plan = parse_plan(long, registry=REGISTRY)
    assert [t.number for s in plan.sections for t in s.tasks] == list(range(1, 251))
    assert render_plan(plan) == long
    parse_plan(REFERENCE_TEXT, registry=REGISTRY)  # warm caches before timing
    # A linear parser takes about 10 times as long for 10 times the text, a quadratic one
    # about 100 times (a cost per item that grows with the offset, made up to try: 60 times).
    one, ten = _least_parse_cpu_seconds((REFERENCE_TEXT, long))
    assert ten < 25 * one, f"1x: {one * 1000:.1f} ms, 10x: {ten * 1000:.1f} ms"
