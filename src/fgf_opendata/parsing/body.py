"""The numbered body of an official document, read line by line into items and prose.

A state machine over the numbering (`_State`): a heading is taken when its number is the one
expected next at its level (so 一、 or 1． inside a sentence stays text), a number out of
sequence at the start of a line is an error, and everything else is prose under the last
item, closed by a responsibility parenthetical when one stands after a sentence end or at the
end of the paragraph. One cohesive reader, longer than the package's other modules for that
reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple, NoReturn

from ..model import Block, Responsibility
from .header import NOTE, is_date_line, issuer_before
from .nodes import construct_checked
from .numerals import LIMIT, from_chinese, to_chinese
from .responsibility import ResponsibilityReader, placed
from .source import Source

__all__ = [
    "Body",
    "Item",
    "Para",
    "check_closing",
    "clip",
    "describe",
    "find_body_start",
    "read_body",
    "split_back",
    "starts_line",
]

_CN = "〇○零一二三四五六七八九十百千"


_HEADING = re.compile(r"(?:具体|主要)(?:措施|举措)[：:]")


class _MarkerForm(NamedTuple):
    """How the headings of one level are printed: the number between what comes before and
    after it (regexes)."""

    level: int
    before: str
    number: str
    after: str
    chinese: bool
    """Whether the number is a Chinese numeral (一 … 九千九百九十九) rather than digits."""


# The one table of heading markers: every pattern that finds a marker is built from it.
# Up to seven numerals: 九千九百九十九 (a plan numbers its tasks across sections).
_MARKER_FORMS = (
    _MarkerForm(1, "", rf"[{_CN}]{{1,7}}", "、", chinese=True),  # 一、
    _MarkerForm(2, "[（(]", rf"[{_CN}]{{1,7}}", "[）)]", chinese=True),  # （一）
    _MarkerForm(3, "", r"\d{1,6}", r"(?:[．、]|\.(?!\d))", chinese=False),  # 1． 1. 1、
    _MarkerForm(4, "[（(]", r"\d{1,3}", "[）)]", chinese=False),  # （1）
)
# Any marker, its number in group 1 + the index of its form.
_MARKER_ALTERNATIVES = "|".join(f"{f.before}({f.number}){f.after}" for f in _MARKER_FORMS)
_MARKER = re.compile(_MARKER_ALTERNATIVES)
# Whitespace (group 1), then a marker if one starts there (its number in group 2 + index).
_GAP_AND_MARKER = re.compile(rf"(\s*)(?:{_MARKER_ALTERNATIVES})?")
# The first heading of levels 1 to 3 (一、, （一）, 1．), where the body may start.
_FIRST = {
    f.level: re.compile(f"{f.before}{'一' if f.chinese else '1'}{f.after}")
    for f in _MARKER_FORMS[:3]
}


class Marker(NamedTuple):
    """A heading marker found in the text."""

    level: int
    number: int
    """The number as printed; 0 (（零）, 0．) is never expected, so it reads as out of sequence."""
    end: int
    """Where the marker (the label) ends."""


_new_tuple = tuple.__new__  # a named tuple without the call to its __new__


def _marker_of(match: re.Match[str], first: int) -> Marker | None:
    """The marker a match of `_MARKER` (`first` = 1) or `_GAP_AND_MARKER` (2) found, if any."""
    group = match.lastindex
    if group is None or group < first:
        return None
    form = _MARKER_FORMS[group - first]
    number = match.group(group)
    value = from_chinese(number) if form.chinese else int(number)
    return None if value is None else _new_tuple(Marker, (form.level, value, match.end()))


_OPEN, _CLOSE = "（(", "）)"
# The characters a heading (`_HEADING`) or a marker (`_MARKER`) may start with, but for the
# digits of a 1．, which `str.isdecimal` tells (it holds for what `\d` matches).
_HEADING_FIRST = frozenset(_CN + _OPEN + "具主")
# Nothing but spaces up to the end of the line (a match costs the spaces, not the line).
_ENDS_LINE = re.compile(r"[^\S\n]*(?:\n|\Z)")


# A heading may start a new paragraph inside a line after one of these (text scraped from a
# web page loses its line breaks); anywhere else 一、 or 1． is part of a sentence.
_BOUNDARY = frozenset("。；;！？!?：:）)”」』")


_SENTENCE_END = frozenset("。；;！？!?")


# One character class, so that the scan stays a fast one; a space stops it only as the first
# of a run (an indent whose line break was lost).
_INLINE_STOP = re.compile(r"[（(。；;！？!?：:）)”」』 \u3000\u00a0]")


_SPACES = " \u3000\u00a0"


_CONTINUES = frozenset("，、,")


_PAREN = re.compile(r"[（(）)]")


_KIND = {1: "section", 2: "task", 3: "measure", 4: "point"}


# The start of a paragraph that looks like a numbered heading the body did not take: a marker
# with a parenthesis missing (二十五）, （二十五), a numeral past the supported ones (（一万）),
# or any marker form at all (25）, 1．) after the last item.
_HEADING_LIKE = re.compile(
    rf"[（(]?[{_CN}万]+[）)、]|[（(][{_CN}万]+(?![{_CN}万])|[（(]?\d+(?:[）)．、]|\.(?!\d))"
)


_DAMAGED_TASK = re.compile(rf"(?:[（(]([{_CN}]{{1,7}})(?![{_CN}）)])|([{_CN}]{{1,7}})[）)])")


_ANNEX = re.compile(r"附件\s*\d*\s*[:：]?\s*(?:\n|$)")


_ARTICLES = re.compile(r"(?:^|\n|[ \u3000]{2})(第一[章节条])")


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
class _State:
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


class Body(NamedTuple):
    """What `read_body` found."""

    items: list[Item]
    end: int
    """Where the body's last element ends."""
    annex: int
    """Where an annex starts (the length of the text when there is none)."""
    standing: tuple[Responsibility, ...]
    lead_by_position: bool
    """Whether the reader ended reading the first-named actor as the lead."""


def find_body_start(source: Source, skeleton: int | None = None) -> tuple[int, int]:
    """Where the numbered body starts, and the level of its top items.

    The top is 一、 when a paragraph starts with it (a （一） before it is then refused as a task
    outside a section), else （一）, else 1． (or 1. / 1、) at the start of a line. `skeleton` is
    where a chapter skeleton (第一章, see `articles`) starts: when it comes first, the level
    is 0 and the skeleton is the body.
    """
    text = source.text
    first: dict[int, int] = {}
    for level, pattern in _FIRST.items():
        if level == 3 and first:
            break  # 1． starts the body only when nothing above it does
        for match in pattern.finditer(text):
            pos = match.start()
            if (_starts_paragraph if level < 3 else starts_line)(text, pos):
                first[level] = pos
                break
    if skeleton is not None and (not first or skeleton < min(first.values())):
        return skeleton, 0
    if 1 in first:
        return min(first[1], first.get(2, first[1])), 1
    for level in (2, 3):
        if level in first:
            return first[level], level
    if not text.strip():
        found = "the input is empty" if not text else "the input holds only whitespace"
        raise source.error(
            f"no plan structure: {found} (no section heading 一、 found)",
            0,
            "no-plan-structure",
        )
    # The sentence the CLI has always printed, and what else was looked for only when the
    # text has parts numbered in another way (第一章), which is worth saying.
    articles = _ARTICLES.search(text)
    what = (
        f", nor （一） or 1． starting a paragraph: its parts are numbered "
        f"{articles.group(1)}…, read only as a heading on a line of its own (第一章　总则) "
        "or an article starting a line (第一条　…)"
        if articles is not None
        else ""
    )
    raise source.error(
        f"no plan structure: no section heading 一、 found{what}",
        0,
        "no-plan-structure",
    )


def _starts_paragraph(text: str, pos: int) -> bool:
    """True at the start of a line or right after a sentence end (scraped one-line text)."""
    back = pos - 1
    while back >= 0 and text[back] != "\n" and text[back].isspace():
        back -= 1
    return back < 0 or text[back] == "\n" or text[back] in _BOUNDARY


def starts_line(text: str, pos: int) -> bool:
    """Whether only whitespace stands before `pos` on its line."""
    back = pos - 1
    while back >= 0 and text[back] != "\n" and text[back].isspace():
        back -= 1
    return back < 0 or text[back] == "\n"


def _skip_space(text: str, pos: int) -> int:
    size = len(text)
    while pos < size and text[pos].isspace():
        pos += 1
    return pos


def _marker_at(text: str, pos: int) -> Marker | None:
    """The heading marker that starts at `pos`, if any."""
    match = _MARKER.match(text, pos)
    return None if match is None else _marker_of(match, 1)


def _expected(level: int, state: _State) -> tuple[int, ...]:
    """The printed numbers a heading of `level` may carry next."""
    top = state.top
    if level < top:
        return ()
    if level == 4:
        return (state.point + 1,) if state.holder is not None else ()
    if level == 1:
        return (state.section + 1,)
    if level == 2:
        if top == 2:
            return (state.task + 1,)
        if state.section == 0 and state.task == 0:
            return (1,)
        if state.restarting is True:
            return (state.task_in_section + 1,)
        if state.restarting is False:
            return (state.task + 1,)
        return tuple(sorted({state.task + 1, state.task_in_section + 1}))
    if top == 3:
        return (state.measure + 1,)
    if state.parent is None or (state.parent.children and not state.parent.children[-1].numbered):
        return ()
    return (state.measure + 1,)


def _label(level: int, number: int, state: _State | None = None) -> str:
    """A heading as a message names it; a measure takes the dot its siblings are printed with."""
    if level == 4:
        return f"（{number}）"
    if level != 3:
        numeral = to_chinese(number) if number < LIMIT else str(number)
        return f"{numeral}、" if level == 1 else f"（{numeral}）"
    siblings = state.parent.children if state is not None and state.parent is not None else []
    dot = siblings[-1].label[-1] if siblings and siblings[-1].label else "．"
    return f"{number}{dot}"


def _is_expected(marker: Marker | None, state: _State) -> bool:
    return marker is not None and marker.number in _expected(marker.level, state)


def describe(item: Item) -> str:
    """How a message names an item: "task （二）", "measure 3．", "the unnumbered measure"."""
    return (
        f"{_KIND[item.level]} {item.label}" if item.label else f"the unnumbered {_KIND[item.level]}"
    )


def _next_labels(state: _State) -> str:
    """The headings the reader would accept next, for a message: "3．, （二） or 二、"."""
    labels = [_label(level, n, state) for level in (4, 3, 2, 1) for n in _expected(level, state)]
    parent = state.parent
    if parent is not None and parent.heading is None and not parent.children:
        labels.insert(0, "具体措施：")
    last = state.last
    if last is not None and last.responsibility is None:
        labels.insert(0, "a responsibility line （…）")
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]


def read_body(source: Source, start: int, reader: ResponsibilityReader, top: int) -> Body:
    """Read numbered items and the prose under them from `start`.

    An annex begins at a line 附件 or at a top heading numbered 1 again at the start of a
    line (an attached document, or a second one transmitted with the first); it is kept
    verbatim, its own structure is not read.
    """
    text = source.text
    size = len(text)
    state = _State(top=top)
    standing: list[Responsibility] = []
    items: list[Item] = []
    pos = start
    next_item = _GAP_AND_MARKER.match
    while True:
        gap_start = pos
        # The whitespace and any heading marker after it, as _skip_space and _marker_at
        # would find them (\s is str.isspace), in one match.
        found = next_item(text, pos)
        assert found is not None  # the pattern matches the empty string
        pos = found.end(1)
        if pos >= size:
            return Body(items, gap_start, size, tuple(standing), reader.lead_by_position)
        gap = found.group(1)
        marker = _marker_of(found, 2)
        if _is_expected(marker, state):
            assert marker is not None
            if marker.level == 2 and state.section == 0 and top == 1:
                raise source.error(
                    f"task {text[pos : marker.end]} comes before the first section heading: "
                    "expected a section heading 一、 before it",
                    pos,
                    "task-outside-section",
                )
            pos = _open_item(source, marker, pos, gap, state, items, reader)
            continue
        # A point （n） out of sequence is an error only inside a list of points: elsewhere a
        # line may well open with a parenthesised figure.
        if (
            marker is not None
            and state.top <= marker.level
            and (marker.level < 4 or (state.point > 0 and state.last is not None))
            and starts_line(text, pos)
        ):
            if marker.level == state.top and marker.number == 1 and len(items) >= 2:
                return Body(items, gap_start, pos, tuple(standing), reader.lead_by_position)
            _raise_out_of_sequence(source, marker, pos, state)
        if text[pos] == "附" and _ANNEX.match(text, pos) and starts_line(text, pos):
            return Body(items, gap_start, pos, tuple(standing), reader.lead_by_position)
        last = state.last
        if text[pos] in _OPEN and last is not None and last.paragraphs and last.heading is None:
            para = last.paragraphs[-1]
            close = source.matching_close(pos)
            if close >= 0 and reader.looks_like(text[pos + 1 : close]):
                if para.responsibility is not None:
                    raise source.error(
                        f"a second responsibility line for the paragraph on line "
                        f"{source.line_of(para.start)} under {describe(last)}, which already "
                        f"has {para.responsibility.text}: expected prose or "
                        f"{_next_labels(state)}",
                        pos,
                        "duplicate-responsibility",
                    )
                pos, reader = _attach_responsibility(
                    source, para, pos, close, gap, reader, standing
                )
                continue
        elif text[pos] in _OPEN and last is not None:
            close = source.matching_close(pos)
            if (
                last.responsibility is not None
                or last.heading is not None
                or (last.level == 1 and state.task > 0)
            ):
                _check_responsibility_place(source, last, pos, close, state, reader)
            if (
                last.responsibility is None
                and last.heading is None
                and not (last.level == 1 and state.restarting is not None)
                and _meant_as_responsibility(source, pos, close, reader)
            ):
                pos, reader = _attach_responsibility(
                    source, last, pos, close, gap, reader, standing
                )
                continue
        heading = _HEADING.match(text, pos)
        parent = state.parent
        if heading and parent is not None:
            if parent.heading is None and not parent.children:
                parent.heading = construct_checked(
                    Block,
                    kind="measures-heading",
                    text=heading.group(0),
                    gap=gap,
                    span=source.span(pos, heading.end()),
                )
                pos = heading.end()
                continue
            where = "twice for" if not parent.children else "after the measures of"
            raise source.error(
                f"{heading.group(0)} {where} {describe(parent)}: expected it once, right "
                f"after the {_KIND[parent.level]}'s responsibility line",
                pos,
                "misplaced-heading",
            )
        if parent is not None and parent.heading is not None and not parent.children:
            # 具体措施： followed by a paragraph with no number: the single unnumbered measure.
            item = Item(3, 1, "", "", gap, pos, pos, numbered=False)
            pos = _close_item(source, item, pos, state, reader)
            parent.children.append(item)
            state.last = item
            state.measure = 1
            continue
        assert last is not None  # the body starts at a heading
        if "\n" in gap or pos == start or text[pos] in _CLOSE:
            stray = source.unmatched_close(pos, source.line_end(pos))
            if stray >= 0 and (stray == pos or reader.looks_like(text[pos:stray])):
                raise source.error(
                    "unbalanced parentheses: found ） with no matching （ before it on the line",
                    stray,
                    "unbalanced-parenthesis",
                )
        _check_damaged_heading(source, pos, state)
        pos = _open_paragraph(source, last, pos, gap, state, reader)


def _meant_as_responsibility(
    source: Source, pos: int, close: int, reader: ResponsibilityReader
) -> bool:
    """Whether the parenthesis at `pos` (closed at `close`, -1 for none), right after an item,
    is meant as its responsibility.

    It is when it reads as one, or when it is a line of its own (a broken responsibility line,
    reported as such); not when prose follows it on its line (（1）…, an aside) or when it is
    the note 此件公开发布.
    """
    text = source.text
    if close < 0:
        line_end = source.line_end(pos)
        return "。" not in text[pos:line_end] or reader.looks_like(text[pos + 1 : line_end])
    if _ENDS_LINE.match(text, close + 1):
        return text[pos + 1] != "此" or not NOTE.fullmatch(text[pos : close + 1])
    return reader.looks_like(text[pos + 1 : close])


def _check_responsibility_place(
    source: Source, last: Item, pos: int, close: int, state: _State, reader: ResponsibilityReader
) -> None:
    """Refuse a parenthesised line (closed at `close`, -1 for none) that reads as
    responsibility where none may stand."""
    if close < 0:
        return  # an unclosed line: _attach_responsibility reports it, or it is plain text
    text = source.text
    if not reader.looks_like(text[pos + 1 : close]):
        return
    if last.responsibility is not None:
        raise source.error(
            f"a second responsibility line for {describe(last)}, which already has "
            f"{last.responsibility.text} on line {last.responsibility.span.line}: expected "
            f"{_next_labels(state)}",
            pos,
            "duplicate-responsibility",
        )
    if last.heading is not None:
        raise source.error(
            f"responsibility line after {last.heading.text} of {describe(last)}: expected it "
            f"right after the {_KIND[last.level]}'s text, before {last.heading.text}",
            pos,
            "misplaced-responsibility",
        )
    if last.level == 1 and state.task > 0:
        tasks = " or ".join(_label(2, n) for n in _expected(2, state))
        raise source.error(
            f"responsibility line under {describe(last)}: a section heading carries none; "
            f"expected a task {tasks} before it",
            pos,
            "misplaced-responsibility",
        )


def _raise_out_of_sequence(source: Source, marker: Marker, pos: int, state: _State) -> NoReturn:
    level, number, end = marker
    expected = _expected(level, state)
    found = source.text[pos:end]
    kind = _KIND[level]
    if not expected:
        parent = state.parent
        message = (
            f"measure {found} after the unnumbered measure of {describe(parent)}: expected "
            "every measure of a task numbered, or none"
            if parent is not None
            else f"{kind} {found} is not inside a task"
        )
        raise source.error(message, pos, "number-out-of-sequence")
    wanted = " or ".join(_label(level, n, state) for n in expected)
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


def _check_damaged_heading(source: Source, pos: int, state: _State) -> None:
    """Refuse prose that starts with a heading the reader expects, printed with a parenthesis
    missing (二十五） or （二十五 for （二十五）): taken as prose, the item would be lost."""
    text = source.text
    if text[pos] not in _CN and text[pos] not in _OPEN:
        return
    match = _DAMAGED_TASK.match(text, pos)
    if match is None or not _starts_paragraph(text, pos):
        return
    value = from_chinese(match.group(1) or match.group(2))
    if value is not None and value in _expected(2, state):
        raise source.error(
            f"task {_label(2, value)} is printed with a parenthesis missing: expected "
            f"{_label(2, value)}, found {clip(text, pos)!r}",
            pos,
            "unexpected-text",
        )


def _open_paragraph(
    source: Source, owner: Item, pos: int, gap: str, state: _State, reader: ResponsibilityReader
) -> int:
    """Read a run of prose under `owner` from `pos`; return the offset after it."""
    text = source.text
    end = _inline_end(source, owner, pos, source.line_end(pos), state, reader)
    body = text[pos:end].rstrip()
    owner.paragraphs.append(Para(body, gap, pos, pos + len(body)))
    return pos + len(body)


def split_back(items: list[Item], end: int) -> int:
    """Where the back matter starts: the prose after the last item that is not the item's.

    The signature (issuer, date, 此件公开发布) at the end is back matter. So is the prose after
    the last item when that item is closed by a responsibility line and no item of the
    document goes on after its responsibility (the closing of a division plan); otherwise
    it stays the last item's, as in documents whose items are prose throughout.
    """
    owner = _last_item(items)
    if owner is None or not owner.paragraphs or owner.heading is not None:
        return end  # a 具体措施： after the prose keeps the prose in its place
    paras = owner.paragraphs
    cut = len(paras)
    if cut and paras[cut - 1].responsibility is None and NOTE.fullmatch(paras[cut - 1].text):
        cut -= 1
    if cut and paras[cut - 1].responsibility is None and is_date_line(paras[cut - 1].text):
        cut -= 1
        signer = issuer_before([p.text for p in paras[:cut]], cut, 0)
        if signer is not None and all(p.responsibility is None for p in paras[signer:cut]):
            cut = signer
            # 国\xa0 务\xa0 院: an issuer printed letter-spaced came as one paragraph a letter.
            while (
                cut
                and len(paras[cut].text) == 1
                and len(paras[cut - 1].text) == 1
                and paras[cut].gap.strip(" \u3000\u00a0") == ""
                and len(paras[cut].gap) <= 3
                and paras[cut - 1].responsibility is None
            ):
                cut -= 1
    if owner.responsibility is not None and not _has_prose(items, owner):
        cut = 0
    if cut == len(paras):
        return end
    first = paras[cut]
    del paras[cut:]
    return first.start - len(first.gap)


def _has_prose(items: list[Item], but: Item) -> bool:
    """Whether any item other than `but` holds prose."""
    stack = list(items)
    while stack:
        item = stack.pop()
        if item.paragraphs and item is not but:
            return True
        stack.extend(item.children)
    return False


def _open_item(
    source: Source,
    marker: Marker,
    pos: int,
    gap: str,
    state: _State,
    items: list[Item],
    reader: ResponsibilityReader,
) -> int:
    level, number, label_end = marker
    text = source.text
    item = Item(level, number, text[pos:label_end], "", gap, pos, label_end)
    if level == 4:
        assert state.holder is not None
        state.point = number
        state.holder.children.append(item)
        state.last = item
        return _close_item(source, item, label_end, state, reader)
    # Points （1） go under a task or a measure; under a section only while the document has
    # no tasks （一） (then its sections are its tasks).
    state.holder = item if level > 1 or state.task == 0 else None
    state.point = 0
    if level == 1:
        state.section = number
        state.task_in_section = 0
        state.parent = item
        state.measure = 0
        items.append(item)
    elif level == 2:
        if state.restarting is None and state.task + 1 != state.task_in_section + 1:
            state.restarting = number == state.task_in_section + 1
        state.task += 1
        state.task_in_section += 1
        state.parent = item
        state.measure = 0
        if items and items[-1].level == 1:
            items[-1].children.append(item)
        else:
            items.append(item)
    elif state.top == 3:
        state.measure = number
        items.append(item)
    else:
        assert state.parent is not None
        state.measure = number
        state.parent.children.append(item)
    state.last = item
    return _close_item(source, item, label_end, state, reader)


def _close_item(
    source: Source, item: Item, content: int, state: _State, reader: ResponsibilityReader
) -> int:
    """Find where the item's paragraph ends and record its text; return the offset after it."""
    text = source.text
    line_end = source.line_end(content)
    end = _inline_end(source, item, content, line_end, state, reader)
    body = text[content:end].rstrip()
    if not body and item.numbered:
        raise source.error(
            f"{describe(item)} has no text: expected its text after {item.label}",
            item.start,
            "empty-item",
        )
    item.text = body
    item.end = content + len(body)
    return item.end


def _inline_end(
    source: Source,
    item: Item,
    content: int,
    line_end: int,
    state: _State,
    reader: ResponsibilityReader,
) -> int:
    """Where a paragraph ends inside its line: at an inline responsibility or next heading.

    Only a parenthesis, or the character after a sentence end, can end a paragraph early; the
    scan jumps from one such stop to the next.
    """
    text = source.text
    first = _INLINE_STOP.search(text, content, line_end)
    if first is None:
        return line_end
    if first.end() == line_end and text[first.start()] not in _OPEN:
        return line_end  # one stop, a sentence end closing the line: most paragraphs
    heading_level = item.level == 1
    for stop in _INLINE_STOP.finditer(text, first.start(), line_end):
        pos = stop.start()
        if text[pos] in _SPACES:
            if pos + 1 < line_end and text[pos + 1] in _SPACES and text[pos - 1] not in _SPACES:
                run = pos + 2
                while run < line_end and text[run] in _SPACES:
                    run += 1
                if run < line_end:
                    return pos  # an indent inside the line: a paragraph whose break was lost
            continue
        if text[pos] in _OPEN:
            if pos == content:
                continue
            if _responsibility_ends_paragraph(source, pos, line_end, reader):
                return pos
            if not (heading_level or text[pos - 1] in _BOUNDARY):
                continue
        else:
            pos += 1  # a sentence end: the next paragraph may start after it
            if pos >= line_end or text[pos] in _OPEN:
                continue  # a parenthesis there is the next stop
            after = text[pos]
            if not (after in _HEADING_FIRST or after.isdecimal() or after.isspace()):
                continue  # most sentences: no heading can start here
        start = _skip_space(text, pos)
        if start < line_end and _next_inline(text, start, state, item):
            return pos
    return line_end


def _responsibility_ends_paragraph(
    source: Source, pos: int, line_end: int, reader: ResponsibilityReader
) -> bool:
    """Whether the parenthesis at `pos` is an inline responsibility line closing a paragraph."""
    text = source.text
    close = source.matching_close(pos)
    if close < 0:
        if _PAREN.search(text, pos + 1, line_end) is not None:
            return False  # only the last parenthesis of a line can be a broken line's opening
        rest = text[pos + 1 : line_end].rstrip()
        if rest and not rest.endswith(("。", "；")) and reader.looks_like(rest):
            raise source.error(
                "unbalanced parentheses in responsibility line: expected ） to close this （, "
                "found the end of the line",
                pos,
                "unbalanced-parenthesis",
            )
        return False
    after = _skip_space(text, close + 1)
    ends_paragraph = (
        after >= line_end
        or _marker_at(text, after) is not None
        or bool(_HEADING.match(text, after))
    )
    inside = text[pos + 1 : close]
    if ends_paragraph and reader.looks_like(inside):
        return True
    # After a full stop, an assignment closes the text before it even when more text follows
    # on the line: the next sentence group is a segment of its own. Inside a sentence, or
    # when the sentence goes on after it (，), the parenthesis is an aside.
    # Spaces between them (U+2028 too, an indent, a space left where a break was lost) do not
    # part a sentence end from the parenthesis after it.
    before = pos - 1
    while before > 0 and text[before] != "\n" and text[before].isspace():
        before -= 1
    if text[before] not in _SENTENCE_END or text[close + 1 : close + 2] in _CONTINUES:
        return False
    return reader.looks_like(inside)


def _next_inline(text: str, pos: int, state: _State, item: Item) -> bool:
    """Whether a heading the reader would accept next starts at `pos` inside a line.

    `state` is the reader's state with `item` open; `item` becomes the last item of the probe.
    """
    if item.level >= 2 and _HEADING.match(text, pos):
        return True
    marker = _marker_at(text, pos)
    if marker is None:
        return False
    probe = _State(**state.__dict__)
    probe.last = item
    if marker.level == 3 and item.level < 3:
        probe.parent, probe.measure = item, 0
    return _is_expected(marker, probe)


def _attach_responsibility(
    source: Source,
    item: Item | Para,
    pos: int,
    close: int,
    gap: str,
    reader: ResponsibilityReader,
    standing: list[Responsibility],
) -> tuple[int, ResponsibilityReader]:
    """Attach the responsibility line at `pos`, closed at `close` (-1 for none), to `item`;
    return the offset after it and the reader for the lines after it.

    A line that declares the first-named actor the lead for the rest of the document
    (列第一位者为牵头单位，下同) switches the reader; assignments it says hold for every later
    item (以下均需…落实，不再列出) are collected once, with the line's span, in `standing`.
    """
    text = source.text
    if close < 0:
        line = text[pos : source.line_end(pos)]
        opened, closed = sum(line.count(c) for c in _OPEN), sum(line.count(c) for c in _CLOSE)
        counts = f" (the line has {opened} （ and {closed} ）)" if closed else ""
        raise source.error(
            "unbalanced parentheses in responsibility line: expected ） to close this （, "
            f"found the end of the line{counts}",
            pos,
            "unbalanced-parenthesis",
        )
    content = text[pos + 1 : close]
    parsed = reader.parse(content)
    if not parsed.assignments:
        found = text[pos : close + 1]
        raise source.error(
            f"responsibility line names no agency: expected who is in charge, as in "
            f"（财政部牵头，各地区按职责分工负责）, found {found}",
            pos,
            "responsibility-without-agency",
        )
    span = source.span(pos, close + 1)
    item.responsibility = construct_checked(
        Responsibility,
        text=text[pos : close + 1],
        open_ended=parsed.open_ended,
        assignments=placed(parsed.assignments, pos + 1, span.line),
        gap=gap,
        span=span,
    )
    if parsed.time_clauses:
        item.time_clauses = tuple((pos + 1 + off, clause) for off, clause in parsed.time_clauses)
    if parsed.standing:
        standing.append(
            construct_checked(
                Responsibility,
                text=text[pos : close + 1],
                open_ended=False,
                assignments=placed(parsed.standing, pos + 1, span.line),
                gap="",
                span=span,
            )
        )
    if parsed.declares_lead_by_position and not reader.lead_by_position:
        reader = ResponsibilityReader(reader.registry, lead_by_position=True)
    return close + 1, reader


def check_closing(
    source: Source, back: tuple[Block, ...], items: list[Item], reader: ResponsibilityReader
) -> None:
    """Refuse a closing paragraph that looks like plan structure: it would be lost silently.

    After the last item, a paragraph that starts like a numbered heading (a parenthesis lost,
    a numeral out of range) or that is a responsibility line is a damaged item, not prose.
    """
    text = source.text
    last = _last_item(items)
    after = f" after {describe(last)}" if last is not None else ""
    for block in back:
        if block.kind != "closing":
            continue
        start = block.span.start
        if (
            block.text[0] in _OPEN
            and source.matching_close(start) == block.span.end - 1
            and reader.looks_like(block.text[1:-1])
        ):
            raise source.error(
                f"responsibility line in the closing{after}: expected it right after the "
                "text of the item it belongs to",
                start,
                "misplaced-responsibility",
            )
        match = _HEADING_LIKE.match(text, start)
        if match is not None and match.end() > start and _starts_paragraph(text, start):
            raise source.error(
                f"text{after} looks like a numbered heading the parser cannot read: "
                f"found {clip(text, start)!r}; expected a heading such as "
                "一、, （一） or 1． printed whole, or prose",
                start,
                "unexpected-text",
            )


def _last_item(items: list[Item]) -> Item | None:
    item = items[-1] if items else None
    while item is not None and item.children:
        item = item.children[-1]
    return item


def clip(text: str, pos: int, width: int = 20) -> str:
    line_end = text.find("\n", pos)
    chunk = text[pos : line_end if line_end >= 0 else len(text)]
    return chunk if len(chunk) <= width else chunk[:width] + "…"
