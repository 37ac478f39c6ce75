"""The chapter skeleton of regulations and long-range plans: 第X章 / 第X节 / 第X条.

Rules (办法, 规定, 条例, 规则) and plans (规划) of the State Council family are numbered in
chapters (第一章), sections within a chapter (第一节, numbered again in each chapter) and
articles (第一条, numbered on across the whole text; a few rules such as the 国务院工作规则
print them 一、 and number them on the same way). Chapter and section headings are lines of
their own: the marker and a short title, no sentence. An article starts a line and its text
follows on it. Everything else is prose under the last of them, kept line by line: the
enumerations （一） 1． inside an article, the 专栏 boxes of a plan flattened into lines.

A heading is taken only where it is the next one expected: a line that starts 第三章 or 第五条
out of turn is an error when it is printed as a heading (a title line, or an article marker
followed by its separating space), and text otherwise; numbering inside a sentence
(根据《…条例》第三十六条的规定) is never a heading. A table of contents (目录), one line listing
several headings, is front matter. A chapter 第一章 again after the skeleton has begun (a second
document attached) or a line 附件 starts the annex, kept verbatim.

The levels map onto the model: chapters are its sections, a chapter's sections (节) and the
articles straight under a chapter are its tasks, articles under a section (节) are measures. A
text with articles and no chapters has one implicit section whose tasks are the articles.
Assignments are not read here: rules and plans of this form carry none in parentheses.
"""

from __future__ import annotations

import re
from typing import NamedTuple, NoReturn

from .body import Body, Item, Para
from .numerals import from_chinese, to_chinese
from .source import Source

__all__ = ["Skeleton", "find_skeleton", "read_skeleton"]

_CN = "〇○零一二三四五六七八九十百千"
_MARKER = re.compile(rf"第([{_CN}]{{1,5}})([章节条])")
_LISTED = re.compile(rf"第[{_CN}]{{1,5}}[章节]")
_SECTION_ARTICLE = re.compile(rf"([{_CN}]{{1,7}})、")
_SPACES = " \u3000\u00a0\t"
_NOT_A_TITLE = frozenset("。；;！？!?")
_TITLE_LIMIT = 40
_ANNEX = re.compile(r"附件\s*\d*\s*[:：]?\s*$")
_FORMS = {"articles": "第X条", "numbered": "X、"}


class Skeleton(NamedTuple):
    """Where the skeleton starts and how its articles are printed."""

    start: int
    article_form: str
    """"articles" (第一条) or "numbered" (一、, numbered on across the chapters)."""


class _Heading(NamedTuple):
    kind: str  # 章, 节, 条 or 、
    number: int
    label_end: int
    """Where the label ends: after the marker and the spaces that part it from the text."""
    printed: bool
    """Whether it is printed as a heading: a title line, or a marker and its space."""


def _line_content(text: str, pos: int, line_end: int) -> int:
    """The end of the line's text, trailing whitespace left out."""
    while line_end > pos and text[line_end - 1].isspace():
        line_end -= 1
    return line_end


def _heading_at(text: str, pos: int, content_end: int, form: str) -> _Heading | None:
    """The chapter, section or article marker that starts the line at `pos`, if any."""
    match = _MARKER.match(text, pos, content_end)
    if match is not None:
        number = from_chinese(match.group(1))
        if number is None:
            return None
        kind = match.group(2)
        label_end = match.end()
        while label_end < content_end and text[label_end] in _SPACES:
            label_end += 1
        if kind == "条":
            spaced = label_end > match.end() or label_end == content_end
            return _Heading(kind, number, label_end, spaced) if form == "articles" else None
        title = text[label_end:content_end]
        if (
            len(title) > _TITLE_LIMIT
            or any(ch in _NOT_A_TITLE for ch in title)
            or _LISTED.search(title) is not None
        ):
            return None  # a sentence, or a table of contents listing headings
        return _Heading(kind, number, label_end, True)
    if form == "numbered":
        found = _SECTION_ARTICLE.match(text, pos, content_end)
        if found is not None and (number := from_chinese(found.group(1))) is not None:
            return _Heading("、", number, found.end(), True)
    return None


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end of text) of each non-blank line between `start` and `end`."""
    out = []
    pos = start
    while pos < end:
        line_end = text.find("\n", pos, end)
        if line_end < 0:
            line_end = end
        content = pos
        while content < line_end and text[content].isspace():
            content += 1
        if content < line_end:
            out.append((content, _line_content(text, content, line_end)))
        pos = line_end + 1
    return out


def find_skeleton(source: Source) -> Skeleton | None:
    """Where a chapter skeleton starts: the first chapter heading 第一章 that is a line of its
    own, else the first article 第一条 starting a line; None when the text has neither."""
    text = source.text
    first_article: int | None = None
    for match in _MARKER.finditer(text):
        if match.group(1) != "一":
            continue
        pos = match.start()
        line_start = text.rfind("\n", 0, pos) + 1
        if text[line_start:pos].strip():
            continue  # not at the start of its line
        line_end = source.line_end(pos)
        content_end = _line_content(text, pos, line_end)
        kind = match.group(2)
        if kind == "章":
            if _heading_at(text, pos, content_end, "articles") is None:
                continue
            return Skeleton(pos, _article_form(text, match.end(), source))
        if kind == "条" and first_article is None:
            heading = _heading_at(text, pos, content_end, "articles")
            if heading is not None and heading.printed:
                first_article = pos
    return Skeleton(first_article, "articles") if first_article is not None else None


def _article_form(text: str, after: int, source: Source) -> str:
    """How the articles after the first chapter heading are printed: 第一条, or 一、 (a rule
    such as the 国务院工作规则) when the first numbered line under it is 一、."""
    pos = source.line_end(after) + 1
    for start, end in _lines(text, pos, min(len(text), pos + 4000)):
        if _MARKER.match(text, start, end):
            return "articles"
        found = _SECTION_ARTICLE.match(text, start, end)
        if found is not None and found.group(1) == "一":
            return "numbered"
    return "articles"


class _Reader:
    """The numbering read so far."""

    def __init__(self, source: Source, form: str) -> None:
        self.source = source
        self.form = form
        self.items: list[Item] = []
        self.chapter: Item | None = None
        self.section: Item | None = None  # the current 节 of the current chapter
        self.sections_in_chapter = 0
        self.articles = 0
        self.last: Item | None = None

    def expected(self, kind: str) -> int:
        if kind == "章":
            return (self.chapter.number if self.chapter else 0) + 1
        if kind == "节":
            return self.sections_in_chapter + 1
        return self.articles + 1

    def open(self, heading: _Heading, start: int, end: int, gap: str) -> None:
        text = self.source.text
        kind, number, label_end, _ = heading
        label = text[start:label_end]
        if kind == "章":
            item = Item(1, number, label, text[label_end:end], gap, start, end)
            self.items.append(item)
            self.chapter, self.section, self.sections_in_chapter = item, None, 0
        elif kind == "节":
            item = Item(2, number, label, text[label_end:end], gap, start, end)
            self._under(self.chapter, item)
            self.section = item
            self.sections_in_chapter = number
        else:
            level = 3 if self.section is not None else 2
            item = Item(level, number, label, text[label_end:end], gap, start, end)
            self._under(self.section or self.chapter, item)
            self.articles = number
        self.last = item

    def _under(self, parent: Item | None, item: Item) -> None:
        if parent is None:
            self.items.append(item)
        else:
            parent.children.append(item)


def read_skeleton(source: Source, start: int, skeleton: Skeleton) -> tuple[Body, int]:
    """Read chapters, sections, articles and the prose under them from `start`; also return
    the level of the top items (1 chapters, 2 articles with no chapter)."""
    text = source.text
    size = len(text)
    reader = _Reader(source, skeleton.article_form)
    previous = start
    annex = size
    for line_start, line_end in _lines(text, start, size):
        gap = text[previous:line_start]
        heading = _heading_at(text, line_start, line_end, reader.form)
        if heading is not None:
            expected = reader.expected("条" if heading.kind == "、" else heading.kind)
            if heading.number == expected:
                reader.open(heading, line_start, line_end, gap)
                previous = line_end
                continue
            if heading.kind == "章" and heading.number == 1 and reader.items:
                annex = line_start  # a second document, numbered again
                break
            if heading.printed and heading.kind != "、":
                _raise_out_of_sequence(source, heading, line_start, expected)
        if _ANNEX.match(text, line_start, line_end) and reader.items:
            annex = line_start
            break
        owner = reader.last
        assert owner is not None  # the skeleton starts at a heading
        owner.paragraphs.append(Para(text[line_start:line_end], gap, line_start, line_end))
        previous = line_end
    top = 1 if reader.chapter is not None else 2
    return Body(reader.items, previous, annex, (), False), top


def _raise_out_of_sequence(source: Source, heading: _Heading, pos: int, expected: int) -> NoReturn:
    kinds = {"章": "chapter", "节": "section", "条": "article"}
    found = source.text[pos : heading.label_end].rstrip(_SPACES)
    wanted = f"第{to_chinese(expected)}{heading.kind}"
    what = "skipped" if heading.number > expected else "out of order"
    if heading.number == expected - 1:
        what = "duplicated"
    raise source.error(
        f"{kinds[heading.kind]} number {what}: expected {wanted}, found {found}",
        pos,
        "number-out-of-sequence",
    )
