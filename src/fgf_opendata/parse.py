"""Text -> Plan: the parser for key-task division plans (重点任务分工方案) and their kin.

Accepts the genre as the State Council and its General Office publish it: a 通知 that transmits a
plan (title, doc number, addressees, notice, signature, plan title, preamble) or an 意见 issued
directly (signature at the end); a body of sections 一、, key tasks （一） (numbered across the
plan or restarting in each section), measures 1． / 1. / 1、 (or a single unnumbered one after
具体措施：), or items numbered 一、 directly; responsibility lines in parentheses on a line of
their own or at the end of the paragraph; and text whose line breaks were lost, where the
structure is recovered from the numbering alone.

Every character of the input ends up in the plan: each node keeps its span, and the whitespace
between nodes is kept as `gap`, so `render_plan(parse_plan(text)) == text`. Malformed input
raises `ParseError` with line and column (numbers out of sequence, unbalanced parentheses, a
responsibility line that names no actor, impossible dates, no plan structure at all) instead of
being silently under-parsed. Content problems that do not stop parsing (a measure without a
responsibility line, an unknown agency) are left for `fgf_opendata.validate` to report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .agencies import Registry, default_registry
from .errors import ParseError
from .model import Block, BlockKind, Deadline, Measure, Plan, Responsibility, Section, Target, Task
from .numerals import from_chinese, to_chinese
from .phrases import find_deadlines, find_targets
from .render import render_plan
from .responsibility import looks_like_responsibility, parse_responsibility
from .source import Source

__all__ = ["parse_plan"]

_CN = "〇○零一二三四五六七八九十百"
_SECTION = re.compile(rf"([{_CN}]{{1,4}})、")
_TASK = re.compile(rf"[（(]([{_CN}]{{1,4}})[）)]")
_MEASURE = re.compile(r"(\d{1,3})([．、]|\.(?!\d))")
_HEADING = re.compile(r"(?:具体|主要)(?:措施|举措)[：:]")
_OPEN, _CLOSE = "（(", "）)"
# A heading may start a new paragraph inside a line after one of these (text scraped from a
# web page loses its line breaks); anywhere else 一、 or 1． is part of a sentence.
_BOUNDARY = frozenset("。；;！？!?：:）)”」』")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})[〔\[［【](\d{4})[〕\]］】]第?(\d{1,4})号")
_DATE = re.compile(r"(\d{4}|[〇○零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,2})月"
                   r"(\d{1,2}|[一二三四五六七八九十]{1,3})日")  # fmt: skip
_NOTE = re.compile(r"[（(]此件[^）)]{1,20}[）)]")
_LEAD_BY_POSITION = re.compile(r"(列|排|居)(在)?(第一位|首位)(者|的)?[^，。；]{0,6}(为|是)牵头")
_SERIES = {
    "国办发": "guobanfa",
    "国发": "guofa",
    "国办函": "guobanhan",
    "国函": "guohan",
    "国办发明电": "guobanfamingdian",
    "国发明电": "guofamingdian",
    "中办发": "zhongbanfa",
    "中发": "zhongfa",
}


@dataclass
class _Item:
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
    children: list[_Item] = field(default_factory=list)


@dataclass
class _State:
    """Where the reader is in the numbering, to tell the next heading from a sentence."""

    section: int = 0
    task: int = 0
    task_in_section: int = 0
    restarting: bool | None = None
    measure: int = 0
    parent: _Item | None = None  # the item measures attach to
    last: _Item | None = None


@dataclass(frozen=True)
class _Context:
    source: Source
    registry: Registry
    issue_year: int
    issued: dt.date | None
    lead_by_position: bool


def parse_plan(
    text: str, *, registry: Registry | None = None, plan_id: str | None = None
) -> Plan:
    """Parse the text of a plan into the canonical model.

    `registry` resolves agency names (default: the bundled registry); `plan_id` overrides the
    id derived from the doc number. Raises `ParseError` when the text is not a plan.
    """
    registry = registry if registry is not None else default_registry()
    source = Source(text)
    body_start = _find_body_start(source)
    front = _blocks(source, 0, body_start)
    header = _read_front(front)
    doc_year = _doc_year(header.get("doc-number"))
    issued = _date_of(header.get("date"))
    lead_by_position = bool(_LEAD_BY_POSITION.search(text, 0, body_start))
    # The back matter may carry the signature (an 意见 issued directly), so read the body with
    # a provisional year first only when the front has none.
    issue_year = issued.year if issued else doc_year
    items, back_start = _read_body(
        source,
        front[-1].span.end if front else 0,
        registry=registry,
        lead_by_position=lead_by_position,
    )
    back, tail = _back_blocks(source, back_start)
    back_header = _read_back(back)
    if issued is None:
        issued = _date_of(back_header.get("date"))
    if issue_year is None:
        issue_year = issued.year if issued else None
    if issue_year is None:
        raise source.error(
            "cannot tell the year of the plan: no doc number (〔2021〕) and no date of issue",
            0,
            "no-issue-year",
        )
    ctx = _Context(source, registry, issue_year, issued, lead_by_position)
    sections = _build_sections(items, ctx)
    closing_blocks = [b for b in back if b.kind == "closing"]
    deadlines: list[Deadline] = []
    for block in closing_blocks:
        deadlines.extend(_deadlines(block.text, block.span.start, ctx))
    doc_number = header.get("doc-number")
    plan = Plan(
        id=plan_id or _plan_id(doc_number, issued),
        doc_number=doc_number,
        title="".join(header.get_all("title")),
        issuer=header.get("issuer") or back_header.get("issuer"),
        issued=issued,
        addressees=_strip_colon(header.get("addressees")),
        plan_title="".join(header.get_all("plan-title")) or None,
        preamble="\n".join(header.get_all("preamble")) or None,
        closing="\n".join(b.text for b in closing_blocks) or None,
        deadlines=tuple(deadlines),
        sections=sections,
        front=front,
        back=back,
        tail=tail,
        lead_by_position=lead_by_position,
    )
    if render_plan(plan) != text:  # pragma: no cover - a parser bug, never bad input
        raise source.error("the text could not be represented exactly", 0, "unrepresentable")
    return plan


# --- the body -------------------------------------------------------------------------------


def _find_body_start(source: Source) -> int:
    """Offset of the first section heading 一、 (or first task （一）) that starts a paragraph."""
    text = source.text
    best = -1
    for pattern in (re.compile(r"一、"), re.compile(r"[（(]一[）)]")):
        for match in pattern.finditer(text):
            pos = match.start()
            if _starts_paragraph(text, pos):
                if best < 0 or pos < best:
                    best = pos
                break
    if best < 0:
        raise source.error(
            "no plan structure: no section heading 一、 found", 0, "no-plan-structure"
        )
    return best


def _starts_paragraph(text: str, pos: int) -> bool:
    """True at the start of a line or right after a sentence end (scraped one-line text)."""
    back = pos - 1
    while back >= 0 and text[back] != "\n" and text[back].isspace():
        back -= 1
    return back < 0 or text[back] == "\n" or text[back] in _BOUNDARY


def _at_line_start(text: str, pos: int) -> bool:
    back = pos - 1
    while back >= 0 and text[back] != "\n" and text[back].isspace():
        back -= 1
    return back < 0 or text[back] == "\n"


def _skip_space(text: str, pos: int) -> int:
    size = len(text)
    while pos < size and text[pos].isspace():
        pos += 1
    return pos


def _marker_at(text: str, pos: int) -> tuple[int, int, int] | None:
    """(level, printed number, end of label) when a heading marker starts at `pos`."""
    ch = text[pos] if pos < len(text) else ""
    if ch in _OPEN:
        match = _TASK.match(text, pos)
        if match and (value := from_chinese(match.group(1))):
            return 2, value, match.end()
    elif ch.isdigit():
        match = _MEASURE.match(text, pos)
        if match:
            return 3, int(match.group(1)), match.end()
    elif ch in _CN:
        match = _SECTION.match(text, pos)
        if match and (value := from_chinese(match.group(1))):
            return 1, value, match.end()
    return None


def _expected(level: int, state: _State) -> tuple[int, ...]:
    """The printed numbers a heading of `level` may carry next."""
    if level == 1:
        return (state.section + 1,)
    if level == 2:
        if state.section == 0 and state.task == 0:
            return (1,)
        if state.restarting is True:
            return (state.task_in_section + 1,)
        if state.restarting is False:
            return (state.task + 1,)
        return tuple(sorted({state.task + 1, state.task_in_section + 1}))
    if state.parent is None or (state.parent.children and not state.parent.children[-1].numbered):
        return ()
    return (state.measure + 1,)


def _label(level: int, number: int) -> str:
    return {1: f"{to_chinese(number)}、", 2: f"（{to_chinese(number)}）"}.get(level, f"{number}．")


def _is_expected(marker: tuple[int, int, int] | None, state: _State) -> bool:
    return marker is not None and marker[1] in _expected(marker[0], state)


def _matching_close(text: str, pos: int, limit: int) -> int:
    """Offset of the parenthesis that closes the one at `pos`, or -1 before `limit`."""
    depth = 0
    for i in range(pos, limit):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return -1


def _read_body(
    source: Source, start: int, *, registry: Registry, lead_by_position: bool
) -> tuple[list[_Item], int]:
    """Read numbered items from `start`; return them and where the back matter begins."""
    text = source.text
    size = len(text)
    state = _State()
    items: list[_Item] = []
    pos = start
    while True:
        gap_start = pos
        pos = _skip_space(text, pos)
        if pos >= size:
            return items, gap_start
        gap = text[gap_start:pos]
        marker = _marker_at(text, pos)
        if _is_expected(marker, state):
            assert marker is not None
            pos = _open_item(source, marker, pos, gap, state, items, registry)
            continue
        if marker is not None and _at_line_start(text, pos) and marker[1] != 0:
            _raise_out_of_sequence(source, marker, pos, state)
        last = state.last
        if (
            text[pos] in _OPEN
            and last is not None
            and last.responsibility is None
            and not (last.level == 1 and state.restarting is not None)
        ):
            pos = _attach_responsibility(source, last, pos, gap, registry, lead_by_position)
            continue
        heading = _HEADING.match(text, pos)
        parent = state.parent
        if heading and parent is not None and parent.heading is None and not parent.children:
            parent.heading = Block(
                kind="measures-heading",
                text=heading.group(0),
                gap=gap,
                span=source.span(pos, heading.end()),
            )
            continue_at = heading.end()
            pos = continue_at
            continue
        if parent is not None and parent.heading is not None and not parent.children:
            # 具体措施： followed by a paragraph with no number: the single unnumbered measure.
            item = _Item(3, 1, "", "", gap, pos, pos, numbered=False)
            pos = _close_item(source, item, pos, state, registry)
            parent.children.append(item)
            state.last = item
            state.measure = 1
            continue
        if _more_items_follow(text, pos, state):
            raise source.error(
                f"unexpected text between items: {_clip(text, pos)!r}", pos, "unexpected-text"
            )
        return items, gap_start


def _raise_out_of_sequence(
    source: Source, marker: tuple[int, int, int], pos: int, state: _State
) -> None:
    level, number, end = marker
    expected = _expected(level, state)
    found = source.text[pos:end]
    kind = {1: "section", 2: "task", 3: "measure"}[level]
    if not expected:
        message = f"{kind} {found} is not inside a task"
    else:
        wanted = " or ".join(_label(level, n) for n in expected)
        seen = "duplicated" if number <= expected[0] - 1 else "out of sequence"
        message = f"{kind} number {seen}: expected {wanted}, found {found}"
    raise source.error(message, pos, "number-out-of-sequence")


def _more_items_follow(text: str, pos: int, state: _State) -> bool:
    """Whether a numbered item that could come next starts a paragraph after `pos`."""
    nxt = text.find("\n", pos)
    while nxt >= 0:
        start = _skip_space(text, nxt)
        marker = _marker_at(text, start)
        if marker is not None and (_is_expected(marker, state) or marker[0] <= 2):
            return True
        nxt = text.find("\n", start)
    return False


def _open_item(
    source: Source,
    marker: tuple[int, int, int],
    pos: int,
    gap: str,
    state: _State,
    items: list[_Item],
    registry: Registry,
) -> int:
    level, number, label_end = marker
    text = source.text
    item = _Item(level, number, text[pos:label_end], "", gap, pos, label_end)
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
    else:
        assert state.parent is not None
        state.measure = number
        state.parent.children.append(item)
    state.last = item
    return _close_item(source, item, label_end, state, registry)


def _close_item(source: Source, item: _Item, content: int, state: _State, registry: Registry) -> int:
    """Find where the item's paragraph ends and record its text; return the offset after it."""
    text = source.text
    line_end = text.find("\n", content)
    if line_end < 0:
        line_end = len(text)
    end = _inline_end(source, item, content, line_end, state, registry)
    body = text[content:end].rstrip()
    if not body and item.numbered:
        raise source.error(f"{item.label} has no text", item.start, "empty-item")
    item.text = body
    item.end = content + len(body)
    return item.end


def _inline_end(
    source: Source, item: _Item, content: int, line_end: int, state: _State, registry: Registry
) -> int:
    """Where a paragraph ends inside its line: at an inline responsibility or next heading."""
    text = source.text
    after = _State(
        section=state.section,
        task=state.task,
        task_in_section=state.task_in_section,
        restarting=state.restarting,
        measure=state.measure,
        parent=state.parent,
        last=item,
    )
    heading_level = item.level == 1
    pos = content
    while pos < line_end:
        ch = text[pos]
        if ch in _OPEN and pos > content:
            close = _matching_close(text, pos, line_end)
            if close > 0:
                rest = _skip_space(text, close + 1)
                ends_paragraph = rest >= line_end or _marker_at(text, rest) is not None or bool(
                    _HEADING.match(text, rest)
                )
                if ends_paragraph and looks_like_responsibility(text[pos + 1 : close], registry):
                    return pos
        if pos > content and (heading_level and ch in _OPEN or text[pos - 1] in _BOUNDARY):
            start = _skip_space(text, pos)
            if start < line_end and _next_inline(text, start, after, item):
                return pos
        pos += 1
    return line_end


def _next_inline(text: str, pos: int, after: _State, item: _Item) -> bool:
    """Whether a heading the reader would accept next starts at `pos` inside a line."""
    if item.level >= 2 and _HEADING.match(text, pos):
        return True
    marker = _marker_at(text, pos)
    if marker is None:
        return False
    probe = _State(**{**after.__dict__})
    if marker[0] == 3 and item.level < 3:
        probe.parent, probe.measure = item, 0
    return _is_expected(marker, probe)


def _attach_responsibility(
    source: Source, item: _Item, pos: int, gap: str, registry: Registry, lead_by_position: bool
) -> int:
    text = source.text
    line_end = text.find("\n", pos)
    if line_end < 0:
        line_end = len(text)
    close = _matching_close(text, pos, line_end)
    if close < 0:
        raise source.error(
            "unbalanced parentheses in responsibility line: no closing ）",
            pos,
            "unbalanced-parenthesis",
        )
    content = text[pos + 1 : close]
    parsed = parse_responsibility(content, registry, lead_by_position=lead_by_position)
    if not parsed.assignments:
        raise source.error(
            "responsibility line names no agency", pos, "responsibility-without-agency"
        )
    item.responsibility = Responsibility(
        text=text[pos : close + 1],
        open_ended=parsed.open_ended,
        assignments=parsed.assignments,
        gap=gap,
        span=source.span(pos, close + 1),
    )
    item.time_clauses = tuple((pos + 1 + offset, clause) for offset, clause in parsed.time_clauses)
    return close + 1


# --- building the tree ---------------------------------------------------------------------


def _deadlines(text: str, offset: int, ctx: _Context) -> tuple[Deadline, ...]:
    return find_deadlines(
        text, offset, issue_year=ctx.issue_year, source=ctx.source, issued=ctx.issued
    )


def _subject_phrases(
    item: _Item, ctx: _Context
) -> tuple[tuple[Deadline, ...], tuple[Target, ...]]:
    content = item.end - len(item.text)
    deadlines = list(_deadlines(item.text, content, ctx))
    for offset, clause in item.time_clauses:
        deadlines.extend(_deadlines(clause, offset, ctx))
    return tuple(deadlines), find_targets(item.text, content, source=ctx.source)


def _measure(item: _Item, task_id: str, ctx: _Context) -> Measure:
    deadlines, targets = _subject_phrases(item, ctx)
    return Measure(
        id=f"{task_id}__meas_{item.number}",
        number=item.number,
        numbered=item.numbered,
        label=item.label,
        text=item.text,
        responsibility=item.responsibility,
        deadlines=deadlines,
        targets=targets,
        gap=item.gap,
        span=ctx.source.span(item.start, item.end),
    )


def _task(item: _Item, number: int, ctx: _Context) -> Task:
    task_id = f"task_{number}"
    deadlines, targets = _subject_phrases(item, ctx)
    return Task(
        id=task_id,
        number=number,
        label=item.label,
        text=item.text,
        responsibility=item.responsibility,
        deadlines=deadlines,
        targets=targets,
        measures_heading=item.heading,
        measures=tuple(_measure(child, task_id, ctx) for child in item.children),
        gap=item.gap,
        span=ctx.source.span(item.start, item.end),
    )


def _build_sections(items: list[_Item], ctx: _Context) -> tuple[Section, ...]:
    nested = any(child.level == 2 for item in items for child in item.children) or any(
        item.level == 2 for item in items
    )
    if not nested:
        # Items numbered 一、 directly: each is a task, in one implicit section.
        tasks = tuple(_task(item, i, ctx) for i, item in enumerate(items, 1))
        first = items[0].start
        return (
            Section(
                id="sec_1", number=1, label="", title="", tasks=tasks, gap="",
                span=ctx.source.span(first, first),
            ),
        )  # fmt: skip
    sections: list[Section] = []
    counter = 0
    for item in items:
        if item.level == 2:
            raise ctx.source.error(
                "task before the first section heading", item.start, "task-outside-section"
            )
        if item.responsibility is not None or item.heading is not None:
            raise ctx.source.error(
                f"section {item.label} carries a responsibility line or measures",
                item.start,
                "unexpected-text",
            )
        tasks = []
        for child in item.children:
            if child.level != 2:
                raise ctx.source.error(
                    f"measure {child.label} is not inside a task", child.start, "unexpected-text"
                )
            counter += 1
            tasks.append(_task(child, counter, ctx))
        sections.append(
            Section(
                id=f"sec_{item.number}",
                number=item.number,
                label=item.label,
                title=item.text,
                tasks=tuple(tasks),
                gap=item.gap,
                span=ctx.source.span(item.start, item.end),
            )
        )
    return tuple(sections)


# --- front and back matter -----------------------------------------------------------------


class _Header:
    """Classified front or back blocks, looked up by kind."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.blocks = blocks

    def get(self, kind: BlockKind) -> str | None:
        for block in self.blocks:
            if block.kind == kind:
                return block.text
        return None

    def get_all(self, kind: BlockKind) -> list[str]:
        return [b.text for b in self.blocks if b.kind == kind]


def _pieces(source: Source, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each paragraph between `start` and `end`, whitespace trimmed.

    A line that holds a doc number or a signature date among other text (scraped pages) is cut
    at its whitespace so that each part can be classified.
    """
    text = source.text
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        line_end = text.find("\n", pos, end)
        if line_end < 0:
            line_end = end
        line = text[pos:line_end]
        if line.strip():
            cut = (_DOC_NUMBER.search(line) or _DATE.search(line)) and len(line.split()) > 1
            parts = re.finditer(r"\S+", line) if cut else re.finditer(r"\S(?:.*\S)?", line)
            out.extend((pos + m.start(), pos + m.end()) for m in parts)
        pos = line_end + 1
    return out


def _blocks(source: Source, start: int, end: int) -> tuple[Block, ...]:
    """The front matter as classified blocks; trailing whitespace is left to the body."""
    pieces = _pieces(source, start, end)
    kinds = _classify_front([source.text[a:b] for a, b in pieces], source, pieces)
    return _make_blocks(source, start, pieces, kinds)


def _make_blocks(
    source: Source, start: int, pieces: list[tuple[int, int]], kinds: list[BlockKind]
) -> tuple[Block, ...]:
    blocks = []
    previous = start
    for (a, b), kind in zip(pieces, kinds, strict=True):
        blocks.append(
            Block(kind=kind, text=source.text[a:b], gap=source.text[previous:a], span=source.span(a, b))
        )
        previous = b
    return tuple(blocks)


def _classify_front(
    lines: list[str], source: Source, pieces: list[tuple[int, int]]
) -> list[BlockKind]:
    kinds: list[BlockKind] = ["preamble"] * len(lines)
    if not lines:
        return kinds
    i = 0
    doc = next((k for k, line in enumerate(lines[:8]) if _DOC_NUMBER.fullmatch(line)), None)
    if doc is not None:
        for k in range(doc):
            kinds[k] = "title"
        kinds[doc] = "doc-number"
        i = doc + 1
    elif "。" not in lines[0] and not lines[0].endswith(("：", ":")):
        kinds[0] = "title"
        i = 1
        text = source.text
        while (
            i < len(lines)
            and "\n\n" not in text[pieces[i - 1][1] : pieces[i][0]].replace(" ", "")
            and "。" not in lines[i]
            and not lines[i].endswith(("：", ":"))
            and not _DATE.fullmatch(lines[i])
            and len(lines[i]) <= 40
        ):
            kinds[i] = "title"
            i += 1
    if i < len(lines) and lines[i].endswith(("：", ":")) and "。" not in lines[i]:
        kinds[i] = "addressees"
        i += 1
    date = next((k for k in range(i, len(lines)) if _DATE.fullmatch(lines[k])), None)
    if date is None:
        return kinds  # an 意见 issued directly: the rest is preamble
    issuer = date - 1 if date - 1 >= i and _is_issuer(lines[date - 1]) else None
    for k in range(i, issuer if issuer is not None else date):
        kinds[k] = "body"
    if issuer is not None:
        kinds[issuer] = "issuer"
    kinds[date] = "date"
    k = date + 1
    if k < len(lines) and _NOTE.fullmatch(lines[k]):
        kinds[k] = "note"
        k += 1
    while k < len(lines) and "。" not in lines[k] and len(lines[k]) <= 60:
        kinds[k] = "plan-title"
        k += 1
    return kinds


def _is_issuer(line: str) -> bool:
    return len(line) <= 30 and "。" not in line and "，" not in line


def _back_blocks(source: Source, start: int) -> tuple[tuple[Block, ...], str]:
    """The back matter as classified blocks, and the whitespace after the last one."""
    text = source.text
    pieces = _pieces(source, start, len(text))
    lines = [text[a:b] for a, b in pieces]
    kinds: list[BlockKind] = ["closing"] * len(lines)
    date = next((k for k in range(len(lines) - 1, -1, -1) if _DATE.fullmatch(lines[k])), None)
    if date is not None and date >= len(lines) - 2:
        kinds[date] = "date"
        if date + 1 < len(lines) and _NOTE.fullmatch(lines[date + 1]):
            kinds[date + 1] = "note"
        if date >= 1 and _is_issuer(lines[date - 1]):
            kinds[date - 1] = "issuer"
    end = pieces[-1][1] if pieces else start
    blocks = _make_blocks(source, start, pieces, kinds)
    return blocks, text[end:]


def _read_front(blocks: tuple[Block, ...]) -> _Header:
    return _Header(blocks)


def _read_back(blocks: tuple[Block, ...]) -> _Header:
    return _Header(blocks)


def _doc_year(doc_number: str | None) -> int | None:
    match = _DOC_NUMBER.search(doc_number or "")
    return int(match.group(2)) if match else None


def _date_of(line: str | None) -> dt.date | None:
    match = _DATE.fullmatch(line or "")
    if not match:
        return None
    parts = [int(p) if p.isdigit() else from_chinese(p) for p in match.groups()]
    if None in parts:
        return None
    try:
        return dt.date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


def _strip_colon(line: str | None) -> str | None:
    return line.rstrip("：:") if line else None


def _plan_id(doc_number: str | None, issued: dt.date | None) -> str:
    match = _DOC_NUMBER.fullmatch(doc_number or "")
    if match:
        series = _SERIES.get(match.group(1), "doc")
        return f"{series}-{match.group(2)}-{int(match.group(3))}"
    return f"plan-{issued.isoformat()}" if issued else "plan"


def _clip(text: str, pos: int, width: int = 20) -> str:
    line_end = text.find("\n", pos)
    chunk = text[pos : line_end if line_end >= 0 else len(text)]
    return chunk if len(chunk) <= width else chunk[:width] + "…"
