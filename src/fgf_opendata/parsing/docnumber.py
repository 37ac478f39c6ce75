"""Document numbers (发文字号) such as 国办发〔2021〕25号: one pattern and one series table.

The parser derives plan ids from them (guobanfa-2021-25) and the RDF stage derives the plan's
IRI (…/doc/cn/guobanfa/2021/25), so both read the same table.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["DOC_NUMBER", "DOC_NUMBER_IN_TEXT", "SERIES", "DocNumber", "split_doc_number"]

_PARTS = r"\s*[〔\[［【]\s*(\d{4})\s*[〕\]］】]\s*第?\s*(\d{1,4})\s*号"
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})" + _PARTS)
"""A document number: issuing code, year in 〔〕 (or [], ［］, 【】), number, 号; spaces allowed
between the parts (国发 〔2011〕 35 号)."""

SERIES = {
    "国办发": "guobanfa",
    "国发": "guofa",
    "国办函": "guobanhan",
    "国函": "guohan",
    "国办发明电": "guobanfamingdian",
    "国发明电": "guofamingdian",
    "中办发": "zhongbanfa",
    "中发": "zhongfa",
}
"""Issuing code -> ASCII series slug (pinyin), as used in ids and IRIs."""

DOC_NUMBER_IN_TEXT = re.compile(
    "(" + "|".join(sorted(SERIES, key=len, reverse=True)) + ")" + _PARTS
)
"""A document number of a known series inside other text (a title and its number on one
line), where the issuing code cannot be told from the title by its characters alone."""


class DocNumber(NamedTuple):
    """The parts of a document number."""

    series: str | None
    """The series slug, or None when the issuing code is not in `SERIES`."""
    year: int
    number: int


def split_doc_number(doc_number: str | None) -> DocNumber | None:
    """The parts of a whole document number, or None when it is not one."""
    match = DOC_NUMBER.fullmatch(doc_number or "")
    if match is None:
        return None
    return DocNumber(SERIES.get(match.group(1)), int(match.group(2)), int(match.group(3)))
