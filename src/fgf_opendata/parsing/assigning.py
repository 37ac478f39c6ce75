"""Responsibility lines in the body: which parenthesis closes an item or a sentence group
as its responsibility line, and attaching it.

A parenthesis after an item's text, or after a sentence end inside a paragraph, is the
item's (or the segment's) responsibility line when the reader reads it as one
(`ResponsibilityReader.looks_like`), or when it stands on a line of its own (a broken line,
reported). One where none may stand (a second one, one after 具体措施：, one under a section
heading) is an error, as is an unbalanced one. `attach_responsibility` makes the node, with
its assignments placed where the line stands (`responsibility.placed`), and collects the
assignments a line says hold for every later item (standing).
"""

from __future__ import annotations

import re

from ..model import Responsibility
from .header import NOTE
from .markers import CLOSE, HEADING, OPEN, SENTENCE_END, marker_at, skip_space
from .nodes import construct_checked, node_checked
from .numbering import (
    KIND,
    Item,
    Para,
    State,
    describe,
    expected_numbers,
    heading_label,
    next_labels,
)
from .responsibility import ResponsibilityReader, placed
from .source import Source

__all__ = [
    "attach_responsibility",
    "check_responsibility_place",
    "meant_as_responsibility",
    "responsibility_ends_paragraph",
]

# Nothing but spaces up to the end of the line (a match costs the spaces, not the line).
_ENDS_LINE = re.compile(r"[^\S\n]*(?:\n|\Z)")


_CONTINUES = frozenset("，、,")


_PAREN = re.compile(r"[（(）)]")


def meant_as_responsibility(
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


def check_responsibility_place(
    source: Source, last: Item, pos: int, close: int, state: State, reader: ResponsibilityReader
) -> None:
    """Refuse a parenthesised line (closed at `close`, -1 for none) that reads as
    responsibility where none may stand."""
    if close < 0:
        return  # an unclosed line: attach_responsibility reports it, or it is plain text
    text = source.text
    if not reader.looks_like(text[pos + 1 : close]):
        return
    if last.responsibility is not None:
        raise source.error(
            f"a second responsibility line for {describe(last)}, which already has "
            f"{last.responsibility.text} on line {last.responsibility.span.line}: expected "
            f"{next_labels(state)}",
            pos,
            "duplicate-responsibility",
        )
    if last.heading is not None:
        raise source.error(
            f"responsibility line after {last.heading.text} of {describe(last)}: expected it "
            f"right after the {KIND[last.level]}'s text, before {last.heading.text}",
            pos,
            "misplaced-responsibility",
        )
    if last.level == 1 and state.task > 0:
        tasks = " or ".join(heading_label(2, n) for n in expected_numbers(2, state))
        raise source.error(
            f"responsibility line under {describe(last)}: a section heading carries none; "
            f"expected a task {tasks} before it",
            pos,
            "misplaced-responsibility",
        )


def responsibility_ends_paragraph(
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
    after = skip_space(text, close + 1)
    ends_paragraph = (
        after >= line_end or marker_at(text, after) is not None or bool(HEADING.match(text, after))
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
    if text[before] not in SENTENCE_END or text[close + 1 : close + 2] in _CONTINUES:
        return False
    return reader.looks_like(inside)


def attach_responsibility(
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
        opened, closed = sum(line.count(c) for c in OPEN), sum(line.count(c) for c in CLOSE)
        counts = f" (the line has {opened} （ and {closed} ）)" if closed else ""
        raise source.error(
            "unbalanced parentheses in responsibility line: expected ） to close this （, "
            f"found the end of the line{counts}",
            pos,
            "unbalanced-parenthesis",
        )
    cited, open_ended, time_clauses, declares, standing_cited = reader.parse(text[pos + 1 : close])
    if not cited:
        found = text[pos : close + 1]
        raise source.error(
            f"responsibility line names no agency: expected who is in charge, as in "
            f"（财政部牵头，各地区按职责分工负责）, found {found}",
            pos,
            "responsibility-without-agency",
        )
    span = source.span(pos, close + 1)
    line = text[pos : close + 1]
    # A dict handed to node_checked, as `construct_checked` would build from its keywords.
    item.responsibility = node_checked(
        Responsibility,
        {
            "text": line,
            "open_ended": open_ended,
            "assignments": placed(cited, pos + 1, span.line),
            "gap": gap,
            "span": span,
        },
    )
    if time_clauses:
        item.time_clauses = tuple((pos + 1 + off, clause) for off, clause in time_clauses)
    if standing_cited:
        standing.append(
            construct_checked(
                Responsibility,
                text=line,
                open_ended=False,
                assignments=placed(standing_cited, pos + 1, span.line),
                gap="",
                span=span,
            )
        )
    if declares and not reader.lead_by_position:
        reader = ResponsibilityReader(reader.registry, lead_by_position=True)
    return close + 1, reader
