"""The chapter skeleton: 第X章 / 第X节 / 第X条 (and 一、 articles numbered on across chapters).

Chapters are the top level (the model's sections), a chapter's sections 节 and the articles
straight under a chapter its tasks, articles under a 节 measures; everything else is prose,
numbering inside a sentence included. The synthetic cases are in cases/genre (chapters-*,
articles-only, plan-chapters-sections) and cases/errors (chapter-skipped, article-duplicated);
here the real documents and the rules one at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fgf_opendata.errors import ParseError
from fgf_opendata.model import Plan, Task
from fgf_opendata.parsing import parse_plan, render_plan

CORPUS = Path(__file__).parent / "corpus"


def _parse(text: str) -> Plan:
    plan = parse_plan(text)
    assert render_plan(plan) == text
    return plan


def _real(name: str) -> Plan:
    return _parse((CORPUS / name).read_text(encoding="utf-8"))


def _tasks(plan: Plan) -> list[Task]:
    return [task for section in plan.sections for task in section.tasks]


def _assignments(plan: Plan) -> int:
    count = 0
    for task in _tasks(plan):
        for node in (task, *task.paragraphs, *task.measures):
            count += node.responsibility is not None
    return count


def test_a_long_range_plan_in_chapters_and_sections() -> None:
    plan = _real("guofa-2016-65.merged.txt")
    assert [s.label for s in plan.sections] == [f"第{n}章　" for n in "一二三四五六七八九十"]
    assert plan.sections[0].title == "全国生态环境保护形势"
    assert [len(s.tasks) for s in plan.sections] == [3, 3, 4, 3, 4, 5, 7, 6, 0, 5]
    # Sections 节 are numbered again in each chapter.
    assert [t.label for t in plan.sections[1].tasks] == ["第一节　", "第二节　", "第三节　"]
    assert plan.sections[8].paragraphs  # 第九章 is prose only
    # The table of contents (one line listing the headings) stays in the front matter.
    assert any(b.text.lstrip().startswith("第一章") for b in plan.front)
    # The 专栏 boxes (（一） and 1. flattened into lines) are prose of their section.
    box = next(p for t in _tasks(plan) for p in t.paragraphs if p.text.startswith("专栏1"))
    assert box.span.line == 23
    deadlines = [d for t in _tasks(plan) for p in t.paragraphs for d in p.deadlines]
    deadlines += [d for s in plan.sections for p in s.paragraphs for d in p.deadlines]
    assert len(deadlines) == 24  # its 24 底前, SOURCES.md
    assert _assignments(plan) == 0


def test_a_rule_in_chapters_and_articles() -> None:
    plan = _real("guofa-2018-41.txt")
    assert plan.plan_title == "个人所得税专项附加扣除暂行办法"
    assert len(plan.sections) == 9
    articles = _tasks(plan)
    assert [t.number for t in articles] == list(range(1, 33))
    assert articles[16].label == "第十七条　"
    # The enumeration （一） （二） inside article 17 is its prose, not items.
    assert [p.text[:3] for p in articles[16].paragraphs][:2] == ["（一）", "（二）"]
    assert _assignments(plan) == 0


def test_a_rule_whose_articles_are_numbered_yi_across_chapters() -> None:
    plan = _real("guofa-2004-18.txt")
    assert len(plan.sections) == 10
    assert plan.sections[1].label == "第二章　"
    articles = _tasks(plan)
    assert [t.label for t in articles][:2] == ["一、", "二、"]
    assert articles[-1].label == "五十四、"
    assert plan.sections[1].tasks[0].label == "五、"  # numbered on, not again


def test_the_family_in_paragraph_numbering_keeps_its_reading() -> None:
    # 一、 before any 第一章: the document is read as before, the chapters are an annex.
    text = (
        "国务院办公厅关于某事项的通知\n国办发〔2020〕9号\n"
        "一、加强管理\n（一）完善制度。\n（财政部负责）\n"
        "附件\n某事项管理办法\n第一章　总　　则\n第一条　为了规范管理，制定本办法。\n"
    )
    plan = _parse(text)
    assert [t.label for t in _tasks(plan)] == ["（一）"]
    assert [b.kind for b in plan.back][-1] == "annex"
    assert _assignments(plan) == 1


@pytest.mark.parametrize(
    "line",
    [
        "第三条规定的事项，由财政部确定。",  # an article cited at the start of a sentence
        "第九条　",  # an article out of turn, no text: not printed as one
        "第三章的规定适用于本条。",  # a chapter cited in a sentence
        "第五节所列项目按年度实施。",
    ],
)
def test_numbering_that_reads_as_a_sentence_is_prose(line: str) -> None:
    text = (
        "某某管理办法\n第一章　总　　则\n第一条　为了加强管理，制定本办法。\n"
        f"{line}\n第二条　本办法自发布之日起施行。\n"
    )
    if line == "第九条　":
        with pytest.raises(ParseError) as error:
            parse_plan(text)
        assert error.value.code == "number-out-of-sequence"
        assert (error.value.line, error.value.column) == (4, 1)
        return
    plan = _parse(text)
    first, second = _tasks(plan)
    assert [p.text for p in first.paragraphs] == [line]
    assert second.label == "第二条　"


def test_numbering_inside_a_sentence_is_never_a_heading() -> None:
    text = (
        "某某管理办法\n第一条　根据《某某条例》第三十六条的规定，制定本办法。第二条规定的事项除外。\n"
        "第二条　依照本办法第一章、第二节和第一条的规定执行。\n"
    )
    plan = _parse(text)
    assert [t.label for t in _tasks(plan)] == ["第一条　", "第二条　"]
    assert all(not t.paragraphs for t in _tasks(plan))


def test_a_second_document_numbered_again_is_an_annex() -> None:
    text = (
        "某某管理办法\n第一章　总　　则\n第一条　为了加强管理，制定本办法。\n"
        "某某实施细则\n第一章　总　　则\n第一条　为了实施本办法，制定本细则。\n"
    )
    plan = _parse(text)
    assert len(plan.sections) == 1
    assert [b.kind for b in plan.back] == ["annex", "annex", "annex"]


def test_chapters_read_the_same_whatever_the_line_breaks() -> None:
    text = (CORPUS / "guofa-2018-41.txt").read_text(encoding="utf-8")
    lf = _parse(text)
    for variant in (text.replace("\n", "\r"), text.replace("\n", "\r\n")):
        plan = _parse(variant)
        assert [(t.label, t.text, t.span.line) for t in _tasks(plan)] == [
            (t.label, t.text, t.span.line) for t in _tasks(lf)
        ]


def test_a_chapter_heading_out_of_turn_is_located() -> None:
    text = (
        "某某管理办法\n第一章　总　　则\n第一条　制定本办法。\n第二节　登　　记\n第二条　施行。\n"
    )
    with pytest.raises(ParseError) as error:
        parse_plan(text)
    assert error.value.code == "number-out-of-sequence"
    assert error.value.line == 4
    assert "expected 第一节, found 第二节" in error.value.message


LINES = st.sampled_from(
    [
        "第一章　总　　则",
        "第二章　管理",
        "第一节　登　　记",
        "第二节　监督",
        "第一条　为了加强管理，制定本办法。",
        "第二条　本办法适用于全国。",
        "第三条　依照第一条的规定执行。",
        "第三条规定的事项除外。",
        "（一）用于建设的资金；",
        "1．服务人口数量；",
        "目　　录",
        "　　第一章　总则　第二章　管理",
        "附件",
        "一、总体要求",
        "各地区要于2022年6月底前完成。",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(LINES, min_size=1, max_size=14),
    st.lists(st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028"]), min_size=14, max_size=14),
)
def test_chapter_texts_parse_exactly_or_raise_parse_error(
    lines: list[str], breaks: list[str]
) -> None:
    text = "某某管理办法\n" + "".join(line + br for line, br in zip(lines, breaks, strict=False))
    try:
        plan = parse_plan(text)
    except ParseError as error:
        code = error.code
    else:
        code = ""
        assert render_plan(plan) == text
        for task in _tasks(plan):
            assert text[task.span.start : task.span.end] == task.label + task.text
    assert code != "unrepresentable"


def _outline(plan: Plan) -> list[tuple[str, str]]:
    out = []
    for section in plan.sections:
        out.append((section.label.strip(), section.title))
        for task in section.tasks:
            out.append((task.label.strip(), task.text))
            out += [(m.label.strip(), m.text) for m in task.measures]
    return out


CASES = Path(__file__).parent / "cases" / "genre"


@pytest.mark.parametrize(
    "path",
    [
        CORPUS / "guofa-2018-41.txt",
        CASES / "chapters-articles.txt",
        CASES / "chapters-sections-articles.txt",
    ],
    ids=lambda p: p.stem,
)
@pytest.mark.parametrize("joint", ["", " ", "\u3000\u3000"], ids=["glued", "space", "indent"])
def test_a_skeleton_whose_line_breaks_were_lost_reads_as_its_lines(path: Path, joint: str) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("第一章"))
    merged = "\n".join(lines[:first]) + "\n" + joint.join(lines[first:])
    # The same headings, each with its own text first; the lines of prose after an article's
    # first are part of its text now that nothing parts them.
    found, expected = _outline(_parse(merged)), _outline(_parse(text))
    assert [label for label, _ in found] == [label for label, _ in expected]
    assert all(a.startswith(b) for (_, a), (_, b) in zip(found, expected, strict=True))


def test_numbering_out_of_turn_inside_a_line_is_text() -> None:
    text = "某某管理办法\n第一章　总　　则\n第一条　制定本办法。第九条　另行规定。第二条　施行。\n"
    plan = _parse(text)
    assert [(t.label, t.text) for t in _tasks(plan)] == [
        ("第一条　", "制定本办法。第九条　另行规定。"),
        ("第二条　", "施行。"),
    ]
