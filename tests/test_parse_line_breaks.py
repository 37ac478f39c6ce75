"""Line breaks: \\n, \\r\\n and a lone \\r end a line alike, as editors and Python's universal
newlines count them; U+2028, U+2029 and U+0085 are whitespace inside a line (no editor breaks a
line there, nor a browser the page a text was scraped from). Round trips stay byte-exact."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from fgf_opendata.errors import ParseError
from fgf_opendata.model import Plan
from fgf_opendata.parsing import parse_plan, render_plan


def _editor_line(text: str, offset: int) -> int:
    """The 1-based line of `offset` as an editor shows it (an independent count)."""
    return len(re.split(r"\r\n|\r|\n", text[:offset]))


def _nodes(plan: Plan) -> Iterator[tuple[str, str, int, int]]:
    """(kind, printed text, start, line) of every node with a span, in document order."""
    for block in plan.front:
        yield block.kind, block.text, block.span.start, block.span.line
    for section in plan.sections:
        yield "section", section.label + section.title, section.span.start, section.span.line
        for task in section.tasks:
            yield "task", task.label + task.text, task.span.start, task.span.line
            for owner in (task, *task.measures):
                if owner.responsibility is not None:
                    resp = owner.responsibility
                    yield "responsibility", resp.text, resp.span.start, resp.span.line
                for para in owner.paragraphs:
                    yield "paragraph", para.text, para.span.start, para.span.line
            for measure in task.measures:
                yield "measure", measure.label + measure.text, measure.span.start, measure.span.line
    for block in plan.back:
        yield block.kind, block.text, block.span.start, block.span.line


def _shape(plan: Plan) -> list[tuple[str, str, int]]:
    return [(kind, printed, line) for kind, printed, _, line in _nodes(plan)]


def _cycle(text: str) -> str:
    """Every line break in turn a lone CR, a CRLF and an LF."""
    lines = text.split("\n")
    return "".join(
        line + (("\r", "\r\n", "\n")[i % 3] if i < len(lines) - 1 else "")
        for i, line in enumerate(lines)
    )


VARIANTS: dict[str, Callable[[str], str]] = {
    "cr": lambda text: text.replace("\n", "\r"),
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "mixed": _cycle,
}


@pytest.mark.parametrize("name", VARIANTS)
def test_every_line_break_reads_as_lf_does(reference_text: str, name: str) -> None:
    text = VARIANTS[name](reference_text)
    plan = parse_plan(text)
    assert render_plan(plan) == text
    assert _shape(plan) == _shape(parse_plan(reference_text))
    assert plan.closing == parse_plan(reference_text).closing
    for _, printed, start, line in _nodes(plan):
        assert text[start : start + len(printed)] == printed
        assert line == _editor_line(text, start)


def test_a_cr_only_plan_keeps_task_25_and_its_closing_apart(reference_text: str) -> None:
    plan = parse_plan(reference_text.replace("\n", "\r"))
    last = plan.sections[-1].tasks[-1]
    assert last.label == "（二十五）"
    assert last.responsibility is not None
    assert last.paragraphs == ()
    assert plan.closing is not None
    assert plan.closing.startswith("各地区要高度重视")


@pytest.mark.parametrize("name", VARIANTS)
def test_an_error_is_located_on_the_line_an_editor_shows(reference_text: str, name: str) -> None:
    damaged = reference_text.replace("（二十五）", "二十五）", 1)
    with pytest.raises(ParseError) as lf:
        parse_plan(damaged)
    text = VARIANTS[name](damaged)
    with pytest.raises(ParseError) as error:
        parse_plan(text)
    assert (error.value.line, error.value.column) == (lf.value.line, lf.value.column)
    assert error.value.line == _editor_line(text, error.value.offset)
    assert error.value.source_line.rstrip("\r") == lf.value.source_line
    assert error.value.get_context() == lf.value.get_context()


def test_a_lone_cr_inside_a_sentence_breaks_the_line_as_lf_does(reference_text: str) -> None:
    first = reference_text.index("（一）")
    comma = reference_text.index("，", first) + 1
    with_cr = reference_text[:comma] + "\r" + reference_text[comma:]
    with_lf = reference_text[:comma] + "\n" + reference_text[comma:]
    plan = parse_plan(with_cr)
    assert render_plan(plan) == with_cr
    assert _shape(plan) == _shape(parse_plan(with_lf))
    task = plan.sections[0].tasks[0]
    assert task.text.endswith("，")
    assert task.paragraphs[0].span.line == task.span.line + 1


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_unicode_separator_inside_a_line_is_whitespace(
    reference_text: str, separator: str
) -> None:
    first = reference_text.index("（一）")
    comma = reference_text.index("，", first) + 1
    text = reference_text[:comma] + separator + reference_text[comma:]
    plan = parse_plan(text)
    assert render_plan(plan) == text
    reference = parse_plan(reference_text)
    # The same nodes on the same lines; only task 1 holds one character more.
    assert [(kind, line) for kind, _, line in _shape(plan)] == [
        (kind, line) for kind, _, line in _shape(reference)
    ]
    assert plan.sections[0].tasks[0].text == (
        reference.sections[0].tasks[0].text.replace("，", "，" + separator, 1)
    )


SEPARATED = (
    "国务院办公厅关于印发某项工作分工方案的通知\n国办发〔2021〕9号\n"
    "一、优化服务{sep}（一）推进网上办理。{sep}（发展改革委牵头，各地区按职责分工负责）"
    "{sep}（二）压减办理时限。{sep}（财政部负责）{sep}"
    "各地区要高度重视，抓好落实。\n"
)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_paragraphs_parted_by_a_unicode_separator_read_as_one_merged_line(
    separator: str,
) -> None:
    text = SEPARATED.format(sep=separator)
    plan = parse_plan(text)
    assert render_plan(plan) == text
    tasks = plan.sections[0].tasks
    assert [(t.label, t.text) for t in tasks] == [
        ("（一）", "推进网上办理。"),
        ("（二）", "压减办理时限。"),
    ]
    assert [t.responsibility.text for t in tasks if t.responsibility] == [
        "（发展改革委牵头，各地区按职责分工负责）",
        "（财政部负责）",
    ]
    assert plan.closing == "各地区要高度重视，抓好落实。"
    # One line as editors count them: every node is on line 3.
    assert {line for _, _, _, line in _nodes(plan) if line > 2} == {3}
