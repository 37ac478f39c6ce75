"""The numbering state of a body being read: which heading comes next, and the items so far.

`State` follows the numbers of the four levels (a plan numbers its tasks across sections or
restarts them in each, found out at the first restart); `expected_numbers` says which printed
numbers a heading of a level may carry next, so 一、 or 1． inside a sentence stays text and a
number out of sequence at the start of a line is an error (`raise_out_of_sequence`). `Item`
and `Para` are the body's items and prose while it is read; `describe` and `heading_label`
name them in messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from ..model import Block, Responsibility
from .markers import CN, OPEN, Marker, damaged_task, starts_paragraph
from .numerals import LIMIT, from_chinese, to_chinese
from .source import Source

__all__ = [
    "KIND",
    "Item",
    "Para",
    "State",
    "check_damaged_heading",
    "clip",
    "describe",
    "expected_numbers",
    "expects",
    "heading_label",
    "is_expected",
    "last_item",
    "next_labels",
    "raise_out_of_sequence",
]

KIND = {1: "section", 2: "task", 3: "measure", 4: "point"}


@dataclass(slots=True)
class Para:
    """A run of prose under an item while the body is read; becomes a Paragraph."""

    text: str
    gap: str
    start: int
    end: int
    responsibility: Responsibility | None = None
    time_clauses: tuple[tuple[int, str], ...] = ()


@dataclass(slots=True)
class Item:
    """A numbered paragraph while the body is read; becomes a Section, Task or Measure."""

    level: int  # 1: 一、  2: （一）  3: 1．
    number: int
    label: str
    text: str
    gap: str
    start: int
    end: int
    numbered: bool = True
    responsibility: Responsibility | None = None
    time_clauses: tuple[tuple[int, str], ...] = ()
    """(offset in the source, clause) for time limits inside the responsibility line."""
    heading: Block | None = None
    children: list[Item] = field(default_factory=list)
    paragraphs: list[Para] = field(default_factory=list)


@dataclass
class State:
    """Where the reader is in the numbering, to tell the next heading from a sentence."""

    section: int = 0
    task: int = 0
    task_in_section: int = 0
    restarting: bool | None = None
    measure: int = 0
    parent: Item | None = None  # the item measures attach to
    last: Item | None = None
    top: int = 1  # the level of the document's top items: 1 一、, 2 （一）, 3 1．
    point: int = 0
    holder: Item | None = None  # the item points （1） attach to: the last task or measure


def expected_numbers(level: int, state: State) -> tuple[int, ...]:
    """The printed numbers a heading of `level` may carry next, in order: those of the
    numbers next in some count that `expects` accepts (every number it accepts is one)."""
    candidates = {
        1,
        state.section + 1,
        state.task + 1,
        state.task_in_section + 1,
        state.measure + 1,
        state.point + 1,
    }
    return tuple(sorted(n for n in candidates if expects(level, n, state)))


def heading_label(level: int, number: int, state: State | None = None) -> str:
    """A heading as a message names it; a measure takes the dot its siblings are printed with."""
    if level == 4:
        return f"（{number}）"
    if level != 3:
        numeral = to_chinese(number) if number < LIMIT else str(number)
        return f"{numeral}、" if level == 1 else f"（{numeral}）"
    siblings = state.parent.children if state is not None and state.parent is not None else []
    dot = siblings[-1].label[-1] if siblings and siblings[-1].label else "．"
    return f"{number}{dot}"


def expects(level: int, number: int, state: State) -> bool:
    """Whether a heading of `level` numbered `number` may come next: the numbering rule, asked
    of every marker the body meets (`expected_numbers` lists what it accepts, for messages)."""
    top = state.top
    if level < top:
        return False
    if level == 4:
        return state.holder is not None and number == state.point + 1
    if level == 1:
        return number == state.section + 1
    if level == 2:
        if top == 2:
            return number == state.task + 1
        if state.section == 0 and state.task == 0:
            return number == 1
        if state.restarting is True:
            return number == state.task_in_section + 1
        if state.restarting is False:
            return number == state.task + 1
        return number == state.task + 1 or number == state.task_in_section + 1
    if top == 3:
        return number == state.measure + 1
    parent = state.parent
    if parent is None or (parent.children and not parent.children[-1].numbered):
        return False
    return number == state.measure + 1


def is_expected(marker: Marker | None, state: State) -> bool:
    return marker is not None and expects(marker.level, marker.number, state)


def describe(item: Item) -> str:
    """How a message names an item: "task （二）", "measure 3．", "the unnumbered measure"."""
    return (
        f"{KIND[item.level]} {item.label}" if item.label else f"the unnumbered {KIND[item.level]}"
    )


def next_labels(state: State) -> str:
    """The headings the reader would accept next, for a message: "3．, （二） or 二、"."""
    labels = [
        heading_label(level, n, state)
        for level in (4, 3, 2, 1)
        for n in expected_numbers(level, state)
    ]
    parent = state.parent
    if parent is not None and parent.heading is None and not parent.children:
        labels.insert(0, "具体措施：")
    last = state.last
    if last is not None and last.responsibility is None:
        labels.insert(0, "a responsibility line （…）")
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]


def raise_out_of_sequence(source: Source, marker: Marker, pos: int, state: State) -> NoReturn:
    level, number, end = marker
    expected = expected_numbers(level, state)
    found = source.text[pos:end]
    kind = KIND[level]
    if not expected:
        parent = state.parent
        message = (
            f"measure {found} after the unnumbered measure of {describe(parent)}: expected "
            "every measure of a task numbered, or none"
            if parent is not None
            else f"{kind} {found} is not inside a task"
        )
        raise source.error(message, pos, "number-out-of-sequence")
    wanted = " or ".join(heading_label(level, n, state) for n in expected)
    if number > expected[-1]:
        what = "skipped"
    elif number == 0:
        what = "out of sequence"
    elif number == expected[-1] - 1:
        what = "duplicated"
    else:
        what = "out of order"
    message = f"{kind} number {what}: expected {wanted}, found {found}"
    if level == 2 and state.restarting is not None and state.section > 1:
        message += (
            " (task numbers restart in each section of this plan)"
            if state.restarting
            else " (task numbers run on across the sections of this plan)"
        )
    raise source.error(message, pos, "number-out-of-sequence")


def check_damaged_heading(source: Source, pos: int, state: State) -> None:
    """Refuse prose that starts with a heading the reader expects, printed with a parenthesis
    missing (二十五） or （二十五 for （二十五）): taken as prose, the item would be lost."""
    text = source.text
    if text[pos] not in CN and text[pos] not in OPEN:
        return
    match = damaged_task().match(text, pos)
    if match is None or not starts_paragraph(text, pos):
        return
    value = from_chinese(match.group(1) or match.group(2))
    if value is not None and expects(2, value, state):
        raise source.error(
            f"task {heading_label(2, value)} is printed with a parenthesis missing: expected "
            f"{heading_label(2, value)}, found {clip(text, pos)!r}",
            pos,
            "unexpected-text",
        )


def last_item(items: list[Item]) -> Item | None:
    item = items[-1] if items else None
    while item is not None and item.children:
        item = item.children[-1]
    return item


def clip(text: str, pos: int, width: int = 20) -> str:
    line_end = text.find("\n", pos)
    chunk = text[pos : line_end if line_end >= 0 else len(text)]
    return chunk if len(chunk) <= width else chunk[:width] + "…"
