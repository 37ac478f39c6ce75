"""The chapter skeleton of regulations and long-range plans: 第X章 / 第X节 / 第X条.

Rules (办法, 规定, 条例, 规则) and plans (规划) of the State Council family are numbered in
chapters (第一章), sections within a chapter (第一节, numbered again in each chapter) and
articles (第一条, numbered on across the whole text; a few rules such as the 国务院工作规则
print them 一、 and number them on the same way). Chapter and section headings are lines of
their own: the marker and a short title, no sentence. An article starts a line and its text
follows on it. Everything else is prose under the last of them, kept line by line: the
enumerations （一） 1． inside an article, the 专栏 boxes of a plan flattened into lines.
Where a scraped page lost its line breaks, a heading also starts inside a line when it is the
one expected next and follows a sentence end (…施行。第二条　…), or runs on from the title
before it (第一章　总　　则第一条　…); an article there is printed with its space (第二条　).

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

import functools
import re
from typing import NamedTuple, NoReturn

from .body import Body
from .markers import SENTENCE_END, starts_line
from .numbering import Item, Para
from .numerals import HEADING_NUMERALS, from_chinese, to_chinese
from .source import Source

__all__ = ["Skeleton", "find_skeleton", "read_skeleton"]

_MARKER = re.compile(rf"第([{HEADING_NUMERALS}]{{1,7}})([章节条])")
_SPACES = " \u3000\u00a0\t"
_TITLE_LIMIT = 40
_FORMS = {"articles": "第X条", "numbered": "X、"}


class _Patterns(NamedTuple):
    listed: re.Pattern[str]
    """A chapter or section listed in a title (a table of contents)."""
    section_article: re.Pattern[str]
    """An article numbered 一、 (group 1: the numeral)."""
    annex: re.Pattern[str]


@functools.cache
def _patterns() -> _Patterns:
    """The skeleton's patterns but for `_MARKER`, compiled on first use: most documents have
    no chapters."""
    return _Patterns(
        re.compile(rf"第[{HEADING_NUMERALS}]{{1,7}}[章节]"),
        re.compile(rf"([{HEADING_NUMERALS}]{{1,7}})、"),
        re.compile(r"附件\s*\d*\s*[:：]?\s*$"),
    )


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


def _marker_at(text: str, pos: int, end: int, form: str) -> _Heading | None:
    """The chapter, section or article marker at `pos`, its text not looked at."""
    match = _MARKER.match(text, pos, end)
    if match is not None:
        number = from_chinese(match.group(1))
        kind = match.group(2)
        if number is None or (kind == "条" and form != "articles"):
            return None
        label_end = match.end()
        while label_end < end and text[label_end] in _SPACES:
            label_end += 1
        spaced = label_end > match.end() or label_end == end
        return _Heading(kind, number, label_end, spaced or kind != "条")
    if form == "numbered":
        found = _patterns().section_article.match(text, pos, end)
        if found is not None and (number := from_chinese(found.group(1))) is not None:
            return _Heading("、", number, found.end(), True)
    return None


def _heading_at(text: str, pos: int, content_end: int, form: str) -> _Heading | None:
    """The chapter, section or article heading that runs from `pos` to `content_end`, if any:
    a chapter or section heading is its marker and a title (short, no sentence, no other
    heading listed in it: not a table of contents)."""
    heading = _marker_at(text, pos, content_end, form)
    if heading is None or heading.kind not in ("章", "节"):
        return heading
    title = text[heading.label_end : content_end]
    if (
        len(title) > _TITLE_LIMIT
        or any(ch in SENTENCE_END for ch in title)
        or _patterns().listed.search(title) is not None
    ):
        return None
    return heading


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
    own, or that runs on into its first article (第一章　总　　则第一条　…, a scraped page that
    lost its line breaks), else the first article 第一条 starting a line; None when the text
    has none of them."""
    text = source.text
    first_article: int | None = None
    for match in _MARKER.finditer(text):
        if match.group(1) != "一":
            continue
        pos = match.start()
        kind = match.group(2)
        line_end = source.line_end(pos)
        content_end = _line_content(text, pos, line_end)
        if not starts_line(text, pos):
            if kind == "章" and _runs_into_article(text, pos, content_end):
                return Skeleton(pos, "articles")
            continue  # not at the start of its line
        if kind == "章":
            if _runs_into_article(text, pos, content_end):
                return Skeleton(pos, "articles")
            if _heading_at(text, pos, content_end, "articles") is None:
                continue
            return Skeleton(pos, _article_form(text, match.end(), source))
        if kind == "条" and first_article is None:
            heading = _heading_at(text, pos, content_end, "articles")
            if heading is not None and heading.printed:
                first_article = pos
    return Skeleton(first_article, "articles") if first_article is not None else None


def _runs_into_article(text: str, pos: int, line_end: int) -> bool:
    """Whether the chapter heading at `pos` runs on into article 第一条 (printed with its
    space) on its line."""
    after = _MARKER.search(text, pos + 1, line_end)
    if after is None or after.group(1) != "一" or after.group(2) != "条":
        return False
    article = _marker_at(text, after.start(), line_end, "articles")
    if article is None or not article.printed or article.label_end == line_end:
        return False
    return _heading_at(text, pos, after.start(), "articles") is not None


def _article_form(text: str, after: int, source: Source) -> str:
    """How the articles after the first chapter heading are printed: 第一条, or 一、 (a rule
    such as the 国务院工作规则) when the first numbered line under it is 一、."""
    pos = source.line_end(after) + 1
    for start, end in _lines(text, pos, min(len(text), pos + 4000)):
        if _MARKER.match(text, start, end):
            return "articles"
        found = _patterns().section_article.match(text, start, end)
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


def _level(heading: _Heading) -> str:
    """The counter a heading is numbered on: 一、 articles are numbered as 第X条 are."""
    return "条" if heading.kind == "、" else heading.kind


def _after_sentence(text: str, pos: int) -> bool:
    """Whether `pos` follows a sentence end, spaces between allowed."""
    back = pos - 1
    while back >= 0 and text[back] in _SPACES:
        back -= 1
    return back >= 0 and text[back] in SENTENCE_END


def _element_end(reader: _Reader, pos: int, line_end: int, heading: _Heading | None) -> int:
    """Where the element at `pos` ends inside its line: at the next heading it is followed by
    on the same line (a page that lost its line breaks), else at the end of the line.

    Inside a line a heading is taken only when it is the one expected next and it follows a
    sentence end, or (an article or a section) the title of the heading at `pos`: 第二章　子女
    教育第五条　…. An article taken there is printed with its space (第五条　).
    """
    text = reader.source.text
    chapter = reader.chapter.number if reader.chapter is not None else 0
    wanted = {"章": chapter + 1, "节": reader.sections_in_chapter + 1, "条": reader.articles + 1}
    title = -1
    if heading is not None:
        if heading.kind == "章":
            wanted["章"], wanted["节"] = heading.number + 1, 1
        elif heading.kind == "节":
            wanted["节"] = heading.number + 1
        else:
            wanted["条"] = heading.number + 1
        if heading.kind in ("章", "节"):
            title = heading.label_end
    for match in _MARKER.finditer(text, pos + 1, line_end):
        number = from_chinese(match.group(1))
        found = match.group(2)
        if number != wanted[found] or (found == "条" and reader.form != "articles"):
            continue
        start = match.start()
        spaced = match.end() < line_end and text[match.end()] in _SPACES
        if found == "条" and not spaced:
            continue
        if _after_sentence(text, start):
            return start
        if (
            title >= 0
            and start - title <= _TITLE_LIMIT
            and found != "章"
            and _heading_at(text, pos, start, "articles")
        ):
            return start
    return line_end


def read_skeleton(source: Source, start: int, skeleton: Skeleton) -> tuple[Body, int]:
    """Read chapters, sections, articles and the prose under them from `start`; also return
    the level of the top items (1 chapters, 2 articles with no chapter)."""
    text = source.text
    size = len(text)
    reader = _Reader(source, skeleton.article_form)
    previous = start
    annex = size
    pos = start
    while True:
        content = pos
        while content < size and text[content].isspace():
            content += 1
        if content >= size:
            break
        at_line_start = content == start or "\n" in text[pos:content] or pos == 0
        line_end = _line_content(text, content, source.line_end(content))
        gap = text[previous:content]
        marker = _marker_at(text, content, line_end, reader.form)
        if marker is not None and marker.number != reader.expected(_level(marker)):
            marker = None
        end = _line_content(text, content, _element_end(reader, content, line_end, marker))
        heading = _heading_at(text, content, end, reader.form)
        if marker is not None and heading is None:
            # Not a heading after all: the element is prose, and ends where prose does.
            end = _line_content(text, content, _element_end(reader, content, line_end, None))
        if heading is not None:
            expected = reader.expected(_level(heading))
            if heading.number == expected:
                reader.open(heading, content, end, gap)
                pos = previous = end
                continue
            if heading.kind == "章" and heading.number == 1 and reader.items:
                annex = content  # a second document, numbered again
                break
            if heading.printed and heading.kind != "、" and at_line_start:
                _raise_out_of_sequence(source, heading, content, expected)
        if at_line_start and _patterns().annex.match(text, content, line_end) and reader.items:
            annex = content
            break
        owner = reader.last
        if owner is None:  # pragma: no cover - find_skeleton starts it at a heading
            raise source.error(
                "no plan structure: expected a heading 第一章 or 第一条 here",
                content,
                "no-plan-structure",
            )
        owner.paragraphs.append(Para(text[content:end], gap, content, end))
        pos = previous = end
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
