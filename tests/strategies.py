"""Every generator of plans the tests use, in one place.

Two kinds of plan, for two kinds of test:

- Documents: plans of the reference's genre whose rendered text parses back to them. They come
  from `fgf_opendata.synth` (the generator the benchmark corpus uses too), either drawn by
  hypothesis (`plan_specs`, then `synth.build_plan`) or from a fixed seed (`synthetic_plan`,
  `synthetic_text`). `mutated_texts` damages such texts (and any other bases) the way real
  inputs are damaged, for the parser's fuzz test.
- Models: `any_plans` draws any `Plan` the model admits, with any text in any field, spans
  anywhere and agency ids outside the registry. No parser would produce most of them; they are
  what the RDF writer and reader must carry unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import get_args

from hypothesis import strategies as st

from fgf_opendata.agencies import Registry, default_registry
from fgf_opendata.model import (
    Assignment,
    Block,
    BlockKind,
    Deadline,
    Measure,
    Paragraph,
    Plan,
    Point,
    Responsibility,
    Role,
    Section,
    Span,
    Target,
    Task,
    UnitCode,
)
from fgf_opendata.parsing import render_plan
from fgf_opendata.synth import (
    DEADLINE_FORMS,
    SENTENCES,
    TARGET_FORMS,
    ClauseSpec,
    ItemSpec,
    PlanSpec,
    build_plan,
    random_spec,
)

__all__ = [
    "any_plans",
    "mutated_texts",
    "plan_specs",
    "synthetic_plan",
    "synthetic_text",
]

REGISTRY: Registry = default_registry()

# --- documents: plans whose text parses back to them --------------------------------------------


def synthetic_plan(seed: int, *, size: float = 0.3, crlf: bool = False) -> Plan:
    """The plan `synth.random_spec` makes from `seed`: the same on every machine."""
    spec = random_spec(random.Random(seed), REGISTRY, size=size)
    return build_plan(dataclasses.replace(spec, crlf=crlf), REGISTRY)


@cache
def synthetic_text(seed: int, *, size: float = 0.3, crlf: bool = False) -> str:
    """The text of `synthetic_plan(seed, size=size, crlf=crlf)`."""
    return render_plan(synthetic_plan(seed, size=size, crlf=crlf))


_ORGANISATIONS = sorted(
    a.name_zh for a in REGISTRY.agencies if a.kind == "organisation" and a.dissolved is None
)
_COLLECTIVES = ("国务院相关部门", "各地区", "各部门", "相关单位", "各相关部门")

_clause = st.builds(
    ClauseSpec,
    names=st.lists(st.sampled_from(_ORGANISATIONS), min_size=1, max_size=4, unique=True).map(tuple),
    role=st.sampled_from(["lead", "responsible", "shared"]),
    open_collective=st.none() | st.sampled_from(_COLLECTIVES),
)
_deadline_choice = st.none() | st.tuples(
    st.integers(0, len(DEADLINE_FORMS) - 1),
    st.integers(0, 2),
    st.integers(1, 12),
    st.integers(1, 28),
)
_target_choice = st.none() | st.tuples(
    st.integers(0, len(TARGET_FORMS) - 1), st.integers(1, 999), st.integers(1000, 2000)
)


def _items(with_measures: bool) -> st.SearchStrategy[ItemSpec]:
    return st.builds(
        ItemSpec,
        sentence=st.integers(0, len(SENTENCES) - 1),
        clauses=st.lists(_clause, min_size=1, max_size=3).map(tuple),
        deadline=_deadline_choice,
        target=_target_choice,
        inline_responsibility=st.booleans(),
        measures=st.lists(_items(False), max_size=4).map(tuple) if with_measures else st.just(()),
    )


@st.composite
def plan_specs(draw: st.DrawFn) -> PlanSpec:
    """A `synth.PlanSpec`: 1-4 sections of 1-3 tasks of 0-4 measures, any issue date 2015-2030,
    LF or CRLF, with or without the closing deadline; `synth.build_plan(spec, REGISTRY)`."""
    sections = draw(
        st.lists(st.lists(_items(True), min_size=1, max_size=3).map(tuple), min_size=1, max_size=4)
    )
    issued = draw(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))
    return PlanSpec(
        year=issued.year,
        number=draw(st.integers(1, 200)),
        month=issued.month,
        day=issued.day,
        sections=tuple(sections),
        closing_deadline=draw(st.booleans()),
        crlf=draw(st.booleans()),
    )


# --- damaged documents ---------------------------------------------------------------------------

# Characters that matter to the parser, then any character at all.
SIGNIFICANT = list(
    "（）()、，,。；;：:．.…“”0123456789一二三四五六七八九十百零〇两"
    "年月日底前内每牵头负责按职责分工等及和具体措施国务院财政部各地区\n\r\t \u3000\ufeff"
)
_characters = st.sampled_from(SIGNIFICANT) | st.characters(exclude_categories=["Cs"])
NUMERALS = "0123456789一二三四五六七八九十百零"
BRACKETS = ("", "（", "）", "(", ")", "（（", "））", "【", "〔")
_position = st.integers(min_value=0, max_value=1 << 20)

Mutation = Callable[[str], str]


def _lines(edit: Callable[[list[str]], None]) -> Mutation:
    def apply(text: str) -> str:
        lines = text.split("\n")
        edit(lines)
        return "\n".join(lines)

    return apply


def delete_line(i: int) -> Mutation:
    return _lines(lambda lines: lines.pop(i % len(lines)))


def duplicate_line(i: int) -> Mutation:
    return _lines(lambda lines: lines.insert(i % len(lines), lines[i % len(lines)]))


def swap_lines(i: int, j: int) -> Mutation:
    def edit(lines: list[str]) -> None:
        a, b = i % len(lines), j % len(lines)
        lines[a], lines[b] = lines[b], lines[a]

    return _lines(edit)


def copy_line(i: int, j: int) -> Mutation:
    """Copy line j to before line i: a task pasted twice, a heading in the wrong place."""
    return _lines(lambda lines: lines.insert(i % len(lines), lines[j % len(lines)]))


def truncate(at: int) -> Mutation:
    return lambda text: text[: at % (len(text) + 1)]


def insert(at: int, ch: str) -> Mutation:
    def apply(text: str) -> str:
        k = at % (len(text) + 1)
        return text[:k] + ch + text[k:]

    return apply


def replace(at: int, ch: str) -> Mutation:
    def apply(text: str) -> str:
        if not text:
            return ch
        k = at % len(text)
        return text[:k] + ch + text[k + 1 :]

    return apply


def delete_char(at: int) -> Mutation:
    def apply(text: str) -> str:
        k = at % len(text) if text else 0
        return text[:k] + text[k + 1 :]

    return apply


def _nth_of(pattern: str, n: int, new: str) -> Mutation:
    """Replace the n-th (mod count) character matching `pattern` with `new`."""

    def apply(text: str) -> str:
        found = [m.start() for m in re.finditer(pattern, text)]
        if not found:
            return text
        k = found[n % len(found)]
        return text[:k] + new + text[k + 1 :]

    return apply


def change_numeral(n: int, new: str) -> Mutation:
    return _nth_of(rf"[{NUMERALS}]", n, new)


def change_bracket(n: int, new: str) -> Mutation:
    return _nth_of(r"[（）()]", n, new)


mutation: st.SearchStrategy[Mutation] = st.one_of(
    st.builds(delete_line, _position),
    st.builds(duplicate_line, _position),
    st.builds(swap_lines, _position, _position),
    st.builds(copy_line, _position, _position),
    st.builds(truncate, _position),
    st.builds(insert, _position, _characters),
    st.builds(replace, _position, _characters),
    st.builds(delete_char, _position),
    st.builds(change_numeral, _position, st.sampled_from(NUMERALS)),
    st.builds(change_bracket, _position, st.sampled_from(BRACKETS)),
)
"""The damage real inputs suffer: lines lost, doubled or swapped, a file cut short, a stray or
missing character, a changed number, a lost or doubled bracket."""


def mutated_texts(bases: Sequence[str]) -> st.SearchStrategy[str]:
    """One of `bases` after one to four `mutation`s."""

    @st.composite
    def mutated(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from(bases))
        for apply in draw(st.lists(mutation, min_size=1, max_size=4)):
            text = apply(text)
        return text

    return mutated()


# --- models: any plan the model admits -----------------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
_gap = st.text(" \n\r\t\u3000", max_size=3)
_span = st.builds(
    lambda line, start, length: Span(line=line, start=start, end=start + length),
    st.integers(1, 10_000),
    st.integers(0, 1_000_000),
    st.integers(0, 500),
)
_decimal = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False)
_deadline = st.builds(
    Deadline,
    expression=_text,
    date=st.dates(),
    precision=st.sampled_from(["year", "month", "day"]),
    recurrence=st.sampled_from([None, "yearly"]),
    span=_span,
)
_target = st.builds(
    Target,
    text=_text,
    quantity=st.none() | _text,
    value=_decimal,
    unit=st.sampled_from(get_args(UnitCode)),
    unit_text=_text,
    comparator=st.sampled_from(["<=", ">=", "="]),
    baseline=st.none() | _decimal,
    span=_span,
)
_agency_id = st.sampled_from(
    [None, None, "gosc", "mof", "cbirc", "all-localities", "not-in-registry", "x y/é"]
)
_role = st.sampled_from(get_args(Role))


@st.composite
def _responsibility(draw: st.DrawFn) -> Responsibility:
    cited = draw(st.lists(st.tuples(_text, _agency_id, _role, _span), max_size=3))
    return Responsibility(
        text=draw(_text),
        open_ended=draw(st.booleans()),
        assignments=tuple(
            Assignment(agency=name, agency_id=ident, role=r, position=i, span=span)
            for i, (name, ident, r, span) in enumerate(cited)
        ),
        gap=draw(_gap),
        span=draw(_span),
    )


_block = st.builds(
    Block, kind=st.sampled_from(get_args(BlockKind)), text=_text, gap=_gap, span=_span
)
_small = st.integers(0, 2)


def _paragraphs(draw: st.DrawFn, owner: str) -> tuple[Paragraph, ...]:
    """Prose and segments under a node: each may close with its own responsibility line."""
    return tuple(
        Paragraph(
            id=f"{owner}__para_{n}",
            text=draw(_text),
            responsibility=draw(st.none() | _responsibility()),
            deadlines=tuple(draw(st.lists(_deadline, max_size=1))),
            targets=tuple(draw(st.lists(_target, max_size=1))),
            gap=draw(st.sampled_from(["", "\n"]) | _gap),
            span=draw(_span),
        )
        for n in range(1, draw(_small) + 1)
    )


def _points(draw: st.DrawFn, measure: str) -> tuple[Point, ...]:
    return tuple(
        Point(
            id=f"{measure}__point_{n}",
            number=n,
            label=draw(_text),
            text=draw(_text),
            responsibility=draw(st.none() | _responsibility()),
            deadlines=tuple(draw(st.lists(_deadline, max_size=1))),
            targets=tuple(draw(st.lists(_target, max_size=1))),
            paragraphs=_paragraphs(draw, f"{measure}__point_{n}"),
            gap=draw(_gap),
            span=draw(_span),
        )
        for n in range(1, draw(_small) + 1)
    )


@st.composite
def any_plans(draw: st.DrawFn) -> Plan:
    """Any plan the model admits: 0-3 sections of 0-2 tasks of 0-2 measures, each with
    paragraphs and points, any text in any field, spans anywhere, agency ids in and out of the
    registry. Not a document: its text would not parse back to it."""
    sections: list[Section] = []
    task_number = 0
    for s in range(1, draw(st.integers(0, 3)) + 1):
        tasks: list[Task] = []
        for _ in range(draw(_small)):
            task_number += 1
            task_id = f"task_{task_number}"
            measures = tuple(
                Measure(
                    id=f"{task_id}__meas_{m}",
                    number=m,
                    numbered=draw(st.booleans()),
                    label=draw(_text),
                    text=draw(_text),
                    responsibility=draw(st.none() | _responsibility()),
                    deadlines=tuple(draw(st.lists(_deadline, max_size=2))),
                    targets=tuple(draw(st.lists(_target, max_size=2))),
                    paragraphs=_paragraphs(draw, f"{task_id}__meas_{m}"),
                    points=_points(draw, f"{task_id}__meas_{m}"),
                    gap=draw(_gap),
                    span=draw(_span),
                )
                for m in range(1, draw(_small) + 1)
            )
            tasks.append(
                Task(
                    id=task_id,
                    number=task_number,
                    label=draw(_text),
                    text=draw(_text),
                    responsibility=draw(st.none() | _responsibility()),
                    deadlines=tuple(draw(st.lists(_deadline, max_size=2))),
                    targets=tuple(draw(st.lists(_target, max_size=2))),
                    paragraphs=_paragraphs(draw, task_id),
                    measures_heading=draw(st.none() | _block),
                    measures=measures,
                    gap=draw(_gap),
                    span=draw(_span),
                )
            )
        sections.append(
            Section(
                id=f"sec_{s}",
                number=s,
                label=draw(_text),
                title=draw(_text),
                paragraphs=_paragraphs(draw, f"sec_{s}"),
                tasks=tuple(tasks),
                gap=draw(_gap),
                span=draw(_span),
            )
        )
    return Plan(
        id=draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)),
        doc_number=draw(st.sampled_from([None, "国办发〔2021〕25号", "国发〔2019〕7号"]) | _text),
        title=draw(_text),
        issuer=draw(st.sampled_from([None, "国务院办公厅", "国务院"]) | _text),
        issued=draw(st.none() | st.dates()),
        addressees=draw(st.none() | _text),
        plan_title=draw(st.none() | _text),
        preamble=draw(st.none() | _text),
        closing=draw(st.none() | _text),
        deadlines=tuple(draw(st.lists(_deadline, max_size=2))),
        sections=tuple(sections),
        front=tuple(draw(st.lists(_block, max_size=3))),
        back=tuple(draw(st.lists(_block, max_size=2))),
        tail=draw(_gap),
        lead_by_position=draw(st.booleans()),
        standing=tuple(draw(st.lists(_responsibility(), max_size=2))),
    )
