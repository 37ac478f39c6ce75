"""Text -> Plan: the parser for official documents of the State Council family (公文), with the
plan semantics of key-task division plans (重点任务分工方案) on top.

It reads the structure of an official document in general: a header (title, doc number,
addressees, a transmitting notice with its signature, 此件公开发布, a plan title) whose fields
may be missing or run together on one line; a body of numbered levels (一、 / （一） / 1． 1.
1、 / （1）), whose top may be any of the first three, with prose paragraphs under any item; the closing, the
signature of a document issued directly, and annexes (附件, or a second document whose
numbering starts again), kept verbatim. Rules and long-range plans numbered in chapters
(第一章 / 第一节 / 第一条, `articles`) are read on that skeleton instead when it comes first.
Lines end at \n, \r\n or a lone \r, as editors count them (`source`). On top of that structure it reads the plan: the
responsibility parenthetical that closes an item or a sentence group (…。（A牵头，B负责）),
deadlines and quantified targets, from whatever node carries them. A document with no
assignments parses into the same model with none (its structure and deadlines are data);
a text with no numbered part starting a paragraph is refused (no-plan-structure).

Every character of the input ends up in the plan: each node keeps its span, and the whitespace
between nodes is kept as `gap`, so `render_plan(parse_plan(text)) == text`.

Malformed input raises `ParseError` instead of being silently under-parsed, and nothing else
escapes `parse_plan`. The error is located (line, column, the line with a caret) at the
offending text, says what was expected and what was found, and carries a stable `code`:
no-plan-structure (no numbered part at all, an empty text), number-out-of-sequence (a
section, task, measure, chapter or article number skipped, duplicated or out of order at the
start of a line),
task-outside-section, measure-outside-task, empty-item, unexpected-text (a heading printed
with a parenthesis missing, or text after the last item that looks like one),
unbalanced-parenthesis, responsibility-without-agency, duplicate-responsibility,
misplaced-responsibility, misplaced-heading (具体措施： twice or out of place),
impossible-deadline (2021年13月底前), impossible-date (the date of issue or the doc number's
year) and no-issue-year (a deadline such as 年底前 in a document with no doc number and no
date). Content problems that do not stop parsing (an item without a responsibility line, an
unknown agency) are left for `fgf_opendata.checks` to report.

Parsing time is linear in the input: a （ closes at the next parenthesis when that is a ）
on its line, and nested ones are paired once per text (`Source`); a paragraph's end is found
by jumping between the few characters that can end it. The stages are `header` (front and
back matter), `body` (the numbered items and prose) and `tree` (the model's nodes).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from ..agencies import Registry, default_registry
from ..memory import cycle_collection_paused
from ..model import Deadline, Plan, Span
from .articles import find_skeleton, read_skeleton
from .body import check_closing, read_body, split_back
from .header import (
    Header,
    back_blocks,
    date_of,
    derive_plan_id,
    doc_number_year,
    front_blocks,
    strip_colon,
)
from .markers import find_body_start
from .nodes import construct_checked
from .render import render_plan
from .responsibility import ResponsibilityReader
from .source import Source
from .tree import Context, build_sections, find_deadlines_in

__all__ = ["parse_plan"]


# 列第一位者为牵头单位 in the front matter. Every match holds 牵头: the pattern is compiled
# only for the few documents whose front matter does (re's own cache keeps it).
_LEAD_BY_POSITION = r"(列|排|居)(在)?(第一位|首位)(者|的)?[^，。；]{0,6}(为|是)牵头"


def parse_plan(text: str, *, registry: Registry | None = None, plan_id: str | None = None) -> Plan:
    """Parse the text of a plan into the canonical model.

    `registry` resolves agency names (default: the bundled registry); `plan_id` overrides the
    id derived from the doc number. Raises `ParseError` when the text is not a plan.

    The cycle collector is paused while it runs (`memory.cycle_collection_paused`): the parser
    makes thousands of containers a plan and no cycle, and in a process that holds much (a
    corpus build, a benchmark) each collection they trigger walks all of it.
    """
    with cycle_collection_paused():
        return _parse_plan(text, registry, plan_id)


def _parse_plan(text: str, registry: Registry | None, plan_id: str | None) -> Plan:
    registry = registry if registry is not None else default_registry()
    source = Source(text)
    skeleton = find_skeleton(source)
    body_start, top = find_body_start(source, skeleton.start if skeleton else None)
    front = front_blocks(source, 0, body_start)
    header = Header(front)
    doc_year = doc_number_year(header.block("doc-number"), source)
    issued = date_of(header.block("date"), source)
    lead_by_position = (
        text.find("牵头", 0, body_start) >= 0
        and re.compile(_LEAD_BY_POSITION).search(text, 0, body_start) is not None
    )
    # The back matter may carry the signature (an 意见 issued directly), so read the body with
    # a provisional year first only when the front has none.
    issue_year = issued.year if issued else doc_year
    reader = ResponsibilityReader(registry, lead_by_position=lead_by_position)
    body_from = front[-1].span.end if front else 0
    if skeleton is not None and top == 0:
        body, top = read_skeleton(source, body_from, skeleton)
    else:
        body = read_body(source, body_from, reader, top)
    items = body.items
    back_start = split_back(items, body.end)
    back, tail = back_blocks(source, back_start, body.annex)
    check_closing(source, back, items, reader)
    back_header = Header(back)
    if issued is None:
        issued = date_of(back_header.block("date"), source)
    if issue_year is None:
        issue_year = issued.year if issued else None
    ctx = Context(source, registry, issue_year, issued, lead_by_position)
    sections = build_sections(items, ctx, top)
    closing_blocks = [b for b in back if b.kind == "closing"]
    deadlines: list[Deadline] = []
    for block in closing_blocks:
        deadlines.extend(find_deadlines_in(block.text, block.span.start, ctx))
    doc_number = header.get("doc-number")
    issuer = header.get("issuer") or back_header.get("issuer")
    issuer_agency = registry.lookup(issuer) if issuer else None
    plan = construct_checked(
        Plan,
        id=plan_id or derive_plan_id(doc_number, issued),
        doc_number=doc_number,
        title="".join(header.get_all("title")),
        issuer=issuer,
        issuer_id=issuer_agency.id if issuer_agency else None,
        issued=issued,
        addressees=strip_colon(header.get("addressees")),
        plan_title="".join(header.get_all("plan-title")) or None,
        preamble="\n".join(header.get_all("preamble")) or None,
        closing="\n".join(b.text for b in closing_blocks) or None,
        deadlines=tuple(deadlines),
        sections=sections,
        front=front,
        back=back,
        tail=tail,
        lead_by_position=body.lead_by_position,
        standing=body.standing,
    )
    if source.text is not text:
        plan = _with_breaks_of(plan, text)
    if render_plan(plan) != text:  # pragma: no cover - a parser bug, never bad input
        raise source.error("the text could not be represented exactly", 0, "unrepresentable")
    return plan


def _with_breaks_of(plan: Plan, text: str) -> Plan:
    """`plan`, read from the scan view of `text`, with each gap as `text` prints it.

    Only gaps and the tail hold line breaks (a node ends at the end of its line), and the view
    differs from `text` only where a lone \r reads \n: each gap is sliced again from `text`.
    """

    def restore(node: Any) -> Any:
        if isinstance(node, tuple):
            restored = tuple(restore(child) for child in node)
            return node if all(a is b for a, b in zip(restored, node, strict=True)) else restored
        if not isinstance(node, BaseModel) or isinstance(node, Span):
            return node
        update: dict[str, Any] = {}
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name == "gap" and "\n" in value:
                start = node.span.start  # type: ignore[attr-defined]
                update[name] = text[start - len(value) : start]
            elif isinstance(value, (tuple, BaseModel)):
                restored = restore(value)
                if restored is not value:
                    update[name] = restored
        return node.model_copy(update=update) if update else node

    restored: Plan = restore(plan)
    if "\n" in plan.tail:
        restored = restored.model_copy(update={"tail": text[len(text) - len(plan.tail) :]})
    return restored
