"""The numbered body of an official document, read line by line into items and prose.

A state machine over the numbering (`numbering.State`): a heading (`markers`) is taken when
its number is the one expected next at its level, and everything else is prose under the last
item, closed by a responsibility parenthetical when one stands after a sentence end or at the
end of the paragraph. This module is the reading loop and what it decides at each stop: where
a paragraph ends inside its line, whether a parenthesis is the item's responsibility line (and
attaching it, with its assignments placed where the line stands), where the back matter
starts, and whether the closing hides a damaged item.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..model import Block, Responsibility
from .assigning import (
    attach_responsibility,
    check_responsibility_place,
    meant_as_responsibility,
    responsibility_ends_paragraph,
)
from .header import NOTE, is_date_line, issuer_before
from .markers import (
    ANNEX,
    BOUNDARY,
    CLOSE,
    CN,
    GAP_AND_MARKER,
    HEADING,
    HEADING_FIRST,
    HEADING_LIKE_FIRST,
    OPEN,
    Marker,
    heading_like,
    marker_at,
    marker_of,
    skip_space,
    starts_line,
    starts_paragraph,
)
from .nodes import construct_checked
from .numbering import (
    KIND,
    Item,
    Para,
    State,
    check_damaged_heading,
    clip,
    describe,
    expects,
    is_expected,
    last_item,
    next_labels,
    raise_out_of_sequence,
)
from .responsibility import ResponsibilityReader
from .source import Source

__all__ = ["Body", "check_closing", "read_body", "split_back"]


# The stops at which a paragraph may end inside its line: a parenthesis; a sentence end or
# boundary before what may start a heading (a numeral, 具, 主, a digit, a space); a space
# before another (an indent whose line break was lost). The pattern starts with the class of
# all three, so the regex engine jumps from one such character to the next in its fast scan,
# and only at those does it test which one it is and what follows (the three
# alternatives written as such, [（(]|[。…](?=…)|[ …](?=…), get no fast scan: each
# character of the line would start a match). Most sentence ends fail the test there.
_SPACES = " \u3000\u00a0"
_OPEN_CLASS = re.escape(OPEN)
_BOUNDARY_CLASS = re.escape("".join(sorted(BOUNDARY)))
_INLINE_END = re.compile(
    f"[{_OPEN_CLASS}{_BOUNDARY_CLASS}{_SPACES}]"
    f"(?:(?<=[{_OPEN_CLASS}])"
    f"|(?<=[{_BOUNDARY_CLASS}])(?=[{re.escape(''.join(sorted(HEADING_FIRST)))}\\d\\s])"
    f"|(?<=[{_SPACES}])(?=[{_SPACES}]))"
)


# What `HEADING` (具体措施：) and a damaged task marker (`check_damaged_heading`: （二十五, 二十五）)
# start with: prose that starts otherwise needs neither test.
_HEADING_STARTS = frozenset("具主")
_DAMAGED_FIRST = frozenset(CN + OPEN)


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


def read_body(source: Source, start: int, reader: ResponsibilityReader, top: int) -> Body:
    """Read numbered items and the prose under them from `start`.

    An annex begins at a line 附件 or at a top heading numbered 1 again at the start of a
    line (an attached document, or a second one transmitted with the first); it is kept
    verbatim, its own structure is not read.
    """
    text = source.text
    size = len(text)
    state = State(top=top)
    standing: list[Responsibility] = []
    items: list[Item] = []
    pos = start
    next_item = GAP_AND_MARKER.match
    while True:
        gap_start = pos
        # The whitespace and any heading marker after it, as skip_space and marker_at
        # would find them (\s is str.isspace), in one match.
        found = next_item(text, pos)
        assert found is not None  # the pattern matches the empty string
        pos = found.end(1)
        if pos >= size:
            return Body(items, gap_start, size, tuple(standing), reader.lead_by_position)
        gap = found.group(1)
        # Group 1 is the last one that matched when no marker follows: most lines (prose,
        # a responsibility line) need no marker and no numbering check.
        if found.lastindex != 1:
            marker = marker_of(found, 2)
            if marker is not None and expects(marker.level, marker.number, state):
                if marker.level == 2 and state.section == 0 and top == 1:
                    raise source.error(
                        f"task {text[pos : marker.end]} comes before the first section "
                        "heading: expected a section heading 一、 before it",
                        pos,
                        "task-outside-section",
                    )
                pos = _open_item(source, marker, pos, gap, state, items, reader)
                continue
            # A point （n） out of sequence is an error only inside a list of points:
            # elsewhere a line may well open with a parenthesised figure.
            if (
                marker is not None
                and state.top <= marker.level
                and (marker.level < 4 or (state.point > 0 and state.last is not None))
                and starts_line(text, pos)
            ):
                if marker.level == state.top and marker.number == 1 and len(items) >= 2:
                    return Body(items, gap_start, pos, tuple(standing), reader.lead_by_position)
                raise_out_of_sequence(source, marker, pos, state)
        first = text[pos]
        if first == "附" and ANNEX.match(text, pos) and starts_line(text, pos):
            return Body(items, gap_start, pos, tuple(standing), reader.lead_by_position)
        last = state.last
        if first in OPEN and last is not None:
            if last.paragraphs and last.heading is None:
                para = last.paragraphs[-1]
                close = source.matching_close(pos)
                if close >= 0 and reader.looks_like(text[pos + 1 : close]):
                    if para.responsibility is not None:
                        raise source.error(
                            f"a second responsibility line for the paragraph on line "
                            f"{source.line_of(para.start)} under {describe(last)}, which "
                            f"already has {para.responsibility.text}: expected prose or "
                            f"{next_labels(state)}",
                            pos,
                            "duplicate-responsibility",
                        )
                    pos, reader = attach_responsibility(
                        source, para, pos, close, gap, reader, standing
                    )
                    continue
            else:
                close = source.matching_close(pos)
                if (
                    last.responsibility is not None
                    or last.heading is not None
                    or (last.level == 1 and state.task > 0)
                ):
                    check_responsibility_place(source, last, pos, close, state, reader)
                if (
                    last.responsibility is None
                    and last.heading is None
                    and not (last.level == 1 and state.restarting is not None)
                    and meant_as_responsibility(source, pos, close, reader)
                ):
                    pos, reader = attach_responsibility(
                        source, last, pos, close, gap, reader, standing
                    )
                    continue
        heading = HEADING.match(text, pos) if first in _HEADING_STARTS else None
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
                f"after the {KIND[parent.level]}'s responsibility line",
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
        line_end = source.line_end(pos)
        # A ） that closes nothing is one between `pos` and the line's end: most lines have none.
        if ("\n" in gap or pos == start or first in CLOSE) and (
            text.find("）", pos, line_end) >= 0 or text.find(")", pos, line_end) >= 0
        ):
            stray = source.unmatched_close(pos, line_end)
            if stray >= 0 and (stray == pos or reader.looks_like(text[pos:stray])):
                raise source.error(
                    "unbalanced parentheses: found ） with no matching （ before it on the line",
                    stray,
                    "unbalanced-parenthesis",
                )
        if first in _DAMAGED_FIRST:
            check_damaged_heading(source, pos, state)
        pos = _open_paragraph(source, last, pos, line_end, gap, state, reader)


def _open_paragraph(
    source: Source,
    owner: Item,
    pos: int,
    line_end: int,
    gap: str,
    state: State,
    reader: ResponsibilityReader,
) -> int:
    """Read a run of prose under `owner` from `pos` (on a line ending at `line_end`); return
    the offset after it."""
    text = source.text
    stop = _INLINE_END.search(text, pos, line_end)
    end = line_end if stop is None else _inline_end(source, owner, pos, stop, state, reader)
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
    owner = last_item(items)
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
    state: State,
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
    source: Source, item: Item, content: int, state: State, reader: ResponsibilityReader
) -> int:
    """Find where the item's paragraph ends and record its text; return the offset after it."""
    text = source.text
    line_end = source.line_end(content)
    stop = _INLINE_END.search(text, content, line_end)
    end = line_end if stop is None else _inline_end(source, item, content, stop, state, reader)
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
    first: re.Match[str],
    state: State,
    reader: ResponsibilityReader,
) -> int:
    """Where a paragraph ends inside its line: at an inline responsibility or next heading.

    Only a parenthesis, or the character after a sentence end, can end a paragraph early; the
    scan jumps from one such stop to the next. `first` is the first stop, a match of
    `_INLINE_END` searched from `content` to the line's end (the caller's: most paragraphs have
    none, and end at the line's end).
    """
    text = source.text
    line_end = first.endpos
    heading_level = item.level == 1
    for stop in _INLINE_END.finditer(text, first.start(), line_end):
        pos = stop.start()
        if text[pos] in _SPACES:
            if pos + 1 < line_end and text[pos + 1] in _SPACES and text[pos - 1] not in _SPACES:
                run = pos + 2
                while run < line_end and text[run] in _SPACES:
                    run += 1
                if run < line_end:
                    return pos  # an indent inside the line: a paragraph whose break was lost
            continue
        if text[pos] in OPEN:
            if pos == content:
                continue
            if responsibility_ends_paragraph(source, pos, line_end, reader):
                return pos
            if not (heading_level or text[pos - 1] in BOUNDARY):
                continue
        else:
            pos += 1  # a sentence end: the next paragraph may start after it
            if pos >= line_end or text[pos] in OPEN:
                continue  # a parenthesis there is the next stop
            after = text[pos]
            if not (after in HEADING_FIRST or after.isdecimal() or after.isspace()):
                continue  # most sentences: no heading can start here
        start = skip_space(text, pos)
        if start < line_end and _next_inline(text, start, state, item):
            return pos
    return line_end


def _next_inline(text: str, pos: int, state: State, item: Item) -> bool:
    """Whether a heading the reader would accept next starts at `pos` inside a line.

    `state` is the reader's state with `item` open; `item` becomes the last item of the probe.
    """
    if item.level >= 2 and HEADING.match(text, pos):
        return True
    marker = marker_at(text, pos)
    if marker is None:
        return False
    probe = State(**state.__dict__)
    probe.last = item
    if marker.level == 3 and item.level < 3:
        probe.parent, probe.measure = item, 0
    return is_expected(marker, probe)


def check_closing(
    source: Source, back: tuple[Block, ...], items: list[Item], reader: ResponsibilityReader
) -> None:
    """Refuse a closing paragraph that looks like plan structure: it would be lost silently.

    After the last item, a paragraph that starts like a numbered heading (a parenthesis lost,
    a numeral out of range) or that is a responsibility line is a damaged item, not prose.
    """
    text = source.text
    last = last_item(items)
    after = f" after {describe(last)}" if last is not None else ""
    for block in back:
        if block.kind != "closing":
            continue
        start = block.span.start
        if (
            block.text[0] in OPEN
            and source.matching_close(start) == block.span.end - 1
            and reader.looks_like(block.text[1:-1])
        ):
            raise source.error(
                f"responsibility line in the closing{after}: expected it right after the "
                "text of the item it belongs to",
                start,
                "misplaced-responsibility",
            )
        first = text[start]
        if not (first in HEADING_LIKE_FIRST or first.isdecimal()):
            continue
        match = heading_like().match(text, start)
        if match is not None and match.end() > start and starts_paragraph(text, start):
            raise source.error(
                f"text{after} looks like a numbered heading the parser cannot read: "
                f"found {clip(text, start)!r}; expected a heading such as "
                "一、, （一） or 1． printed whole, or prose",
                start,
                "unexpected-text",
            )
