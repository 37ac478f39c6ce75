"""Headers of real documents: fields missing, merged on one line, or printed with spaces.

And the merged layout (paragraph breaks lost): the structure comes from the numbering, while
numbering-like text inside a sentence (第一、, a quoted （一）, 1.5倍) stays text.
"""

from __future__ import annotations

import pytest

from conftest import REFERENCE
from fgf_opendata.errors import ParseError
from fgf_opendata.parsing import parse_plan, render_plan

BODY = (
    "一、总体要求\n（一）指导思想。坚持稳中求进。\n（二）基本原则。坚持问题导向。\n"
    "二、主要任务\n（三）加强监管。2020年底前完成。\n"
)


def _parse(text: str):  # type: ignore[no-untyped-def]
    plan = parse_plan(text)
    assert render_plan(plan) == text
    return plan


def test_title_doc_number_and_addressees_on_one_line() -> None:
    text = (
        "国务院关于加强环境保护的意见国发〔2014〕14号各省、自治区、直辖市人民政府，"
        "国务院各部委、各直属机构：　　为加强环境保护，现提出以下意见。" + BODY
    )
    plan = _parse(text)
    assert plan.title == "国务院关于加强环境保护的意见"
    assert plan.doc_number == "国发〔2014〕14号"
    assert plan.id == "guofa-2014-14"
    assert plan.addressees == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"
    assert [b.kind for b in plan.front] == ["title", "doc-number", "addressees", "preamble"]


def test_doc_number_with_spaces() -> None:
    text = "国务院关于加强环境保护重点工作的意见 国发 〔2011〕 35 号\n各地区：\n" + BODY
    plan = _parse(text)
    assert plan.doc_number == "国发 〔2011〕 35 号"
    assert plan.id == "guofa-2011-35"
    assert plan.title == "国务院关于加强环境保护重点工作的意见"


def test_title_over_two_lines_and_the_note() -> None:
    text = (
        "国务院办公厅关于印发“无废城市”建设\n试点工作方案的通知\n国办发〔2018〕128号\n"
        "各省、自治区、直辖市人民政府：\n《方案》已经国务院同意，现印发给你们。\n"
        "国务院办公厅\n2018年12月29日\n（此件公开发布）\n“无废城市”建设试点工作方案\n" + BODY
    )
    plan = _parse(text)
    assert plan.title == "国务院办公厅关于印发“无废城市”建设试点工作方案的通知"
    assert plan.issued is not None
    assert plan.issued.isoformat() == "2018-12-29"
    assert "note" in [b.kind for b in plan.front]
    assert plan.plan_title == "“无废城市”建设试点工作方案"


def test_no_doc_number_and_no_date() -> None:
    text = "关于加强监管的意见\n" + BODY.replace("2020年底前完成", "尽快完成")
    plan = _parse(text)
    assert plan.doc_number is None
    assert plan.issued is None
    assert plan.id == "plan"
    assert sum(len(s.tasks) for s in plan.sections) == 3


def test_a_date_in_parentheses_under_the_title() -> None:
    text = "国务院关于进一步加强环境保护工作的决定国发〔1990〕65号（一九九〇年十二月五日）" + BODY
    plan = _parse(text)
    assert plan.issued is not None
    assert plan.issued.isoformat() == "1990-12-05"


def test_merged_layout_keeps_numbering_inside_sentences() -> None:
    text = (
        "国务院关于加强监管的意见国发〔2014〕9号各地区：　　现提出以下意见。"
        "　　一、总体要求　　（一）指导思想。第一、要坚持稳中求进，按本意见（一）所列执行。"
        "　　（二）基本原则。标准提高到1.5倍。　　二、主要任务　　（三）加强监管。"
        "　　国务院　　2014年3月7日\n"
    )
    plan = _parse(text)
    tasks = [t for s in plan.sections for t in s.tasks]
    assert [t.label for t in tasks] == ["（一）", "（二）", "（三）"]
    assert tasks[0].text == "指导思想。第一、要坚持稳中求进，按本意见（一）所列执行。"
    assert tasks[1].text == "基本原则。标准提高到1.5倍。"
    assert [s.title for s in plan.sections] == ["总体要求", "主要任务"]
    assert [b.kind for b in plan.back] == ["issuer", "date"]
    assert plan.issued is not None


def test_top_level_numbered_1() -> None:
    text = "国务院办公厅关于表扬的通报\n国办发〔2018〕108号\n各地区：\n现予以通报。\n1．北京市做法。\n2．天津市做法。\n"
    plan = _parse(text)
    assert [t.label for s in plan.sections for t in s.tasks] == ["1．", "2．"]


def test_signature_of_a_merged_page_letter_spaced_with_debris_and_a_note() -> None:
    text = (
        "国务院关于加强监管的意见国发〔2011〕35号各地区：　　现提出以下意见。"
        "　　一、总体要求　　（一）指导思想。坚持稳中求进。"
        "\u3000\u3000\xa0 \xa0国\xa0 务\xa0 院\xa0 二○一一年十月十七日\n"
    )
    plan = _parse(text)
    assert plan.issuer == "国\xa0 务\xa0 院"
    assert plan.issued is not None
    assert plan.issued.isoformat() == "2011-10-17"
    assert [b.kind for b in plan.back] == ["issuer", "date"]


def test_signature_debris_and_the_publishers_note() -> None:
    text = (
        "国务院办公厅关于加强监管的通知\n国办发〔2004〕7号\n各地区：\n" + BODY
        + "国务院办公厅 \xa0 \xa0 &sp;\n二〇〇四年一月十六日\n（本文有删减）\n"
    )  # fmt: skip
    plan = _parse(text)
    assert plan.issuer == "国务院办公厅"
    assert plan.issued is not None
    assert [b.kind for b in plan.back] == ["issuer", "closing", "date", "note"]


@pytest.mark.parametrize("year", ["12345678901234567890", "0000", "20210"])
def test_a_mistyped_year_of_issue_is_a_located_error(year: str) -> None:
    """Issue 17: a 20-digit year made the date of issue vanish (issued: null) silently."""
    text = REFERENCE.read_text(encoding="utf-8").replace("2021年7月11日", f"{year}年7月11日", 1)
    with pytest.raises(ParseError) as caught:
        parse_plan(text)
    assert caught.value.code == "impossible-date"
    assert caught.value.line == 10
    assert "expected a year from 1949 to 2200" in str(caught.value)
