"""Deadlines and quantified targets found inside a sentence of a plan.

Both finders take a piece of text and the offset at which it stands in the source, and return
nodes whose spans point into the source. An impossible date (2021年13月底前) raises `ParseError`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from ..errors import ParseError
from ..model import Comparator, Deadline, Precision, Target, UnitCode
from .nodes import node_spanned
from .source import Source

__all__ = [
    "DEADLINE_CUE",
    "FIRST_YEAR",
    "LAST_YEAR",
    "NO_PHRASES",
    "DeadlinePhrase",
    "Phrases",
    "TargetPhrase",
    "attributive_at",
    "date_problem",
    "deadline_phrases",
    "deadlines_at",
    "find_deadlines",
    "find_targets",
    "phrases_of",
    "target_phrases",
    "targets_at",
]

# Every form starts with 于, 每, 年 or a digit: the lookahead turns every other position away
# before the branches are tried, which makes the scan several times faster.
_DEADLINE = re.compile(
    r"""
    (?=[于每年\d])
    (?:
    (?P<day>于?(?P<dy>\d{4})年(?P<dm>\d{1,2})月(?P<dd>\d{1,2})日(?:之?前))
  | (?P<yearly>每年(?P<ym>\d{1,2})月底(?:之?前))
  | (?P<month>(?P<my>\d{4})年(?P<mm>\d{1,2})月底(?:之?前))
  | (?P<year_end>(?P<yy>\d{4})年(?:年底|底)(?:之?前))
  | (?P<within_year>(?P<wy>\d{4})年(?:年内|内))
  | (?P<bare_month>(?<![\d年])(?P<bm>\d{1,2})月底(?:之?前))
  | (?P<bare_year_end>(?<![\d年])年底(?:之?前))
  | (?P<bare_within>(?<![\d年一二两三四五六七八九十半])年内)
    )
    """,
    re.VERBOSE,
)
DEADLINE_CUE = re.compile("月底|年底|年内|日前|日之前")
"""Every deadline form holds one of these: a text without one holds no deadline."""
_CUE_REACH = 11
"""How far before a cue the phrase that holds it may start: 于2021年12月31日之前 has its cue
(日之前) eleven characters in; every other form, fewer."""
# The groups holding each form's year, month and day ("" for none), in that order.
_FORM_GROUPS = {
    "day": ("dy", "dm", "dd"),
    "yearly": ("", "ym", ""),
    "month": ("my", "mm", ""),
    "year_end": ("yy", "", ""),
    "within_year": ("wy", "", ""),
    "bare_month": ("", "bm", ""),
    "bare_year_end": ("", "", ""),
    "bare_within": ("", "", ""),
}
_SENTENCE_END = re.compile(r"[。；;！？]")
_DATED_FORMS = frozenset({"day", "month", "year_end", "within_year"})
"""The forms that print their own year."""


FIRST_YEAR, LAST_YEAR = 1949, 2200
"""The years a plan's dates may fall in; anything else is a typo, not a policy."""


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without working out the weekday."""
    return 29 if month == 2 and calendar.isleap(year) else _DAYS_IN_MONTH[month]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _days_in(year, month))


def date_problem(year: int, month: int, day: int | None = None) -> str | None:
    """Why a year, month (and day) name no plausible calendar date; None when they do."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"expected a year from {FIRST_YEAR} to {LAST_YEAR}, found {year}"
    if not 1 <= month <= 12:
        return f"expected a month from 1 to 12, found {month}"
    if day is not None:
        days = _days_in(year, month)
        if not 1 <= day <= days:
            return f"expected a day from 1 to {days} in {year}年{month}月, found {day}"
    return None


def attributive_at(text: str, pos: int) -> bool:
    """Whether a short verb and 的 follow `pos` (2004年年底前投运的电厂): the phrase before it
    qualifies a noun, it says which things are meant and sets no time limit.

    What the pattern [一-鿿]{1,4}的 (U+4E00 to U+9FFF) matches at `pos`: one to four CJK
    ideographs, the last followed by 的; a loop over four characters costs less than compiling
    that range (a millisecond at import).
    """
    for k in range(pos, min(pos + 4, len(text))):
        if not "\u4e00" <= text[k] <= "\u9fff":
            return False
        if text[k + 1 : k + 2] == "的":
            return True
    return False


def find_deadlines(
    text: str,
    offset: int,
    *,
    issue_year: int | None,
    source: Source,
    issued: dt.date | None = None,
) -> tuple[Deadline, ...]:
    """Every deadline phrase in `text`, which stands at `offset` in `source`.

    A phrase that qualifies a noun (…年底前投运的电厂) is not a deadline. A 年底前 without a
    year takes `issue_year`; an M月底前 without a year takes the year of the
    nearest earlier deadline in the same sentence, else `issue_year`. An impossible or
    implausible date raises `ParseError` at the phrase, and so does a phrase that needs
    `issue_year` when it is None (a document with no doc number and no date of issue).
    """
    phrases = phrases_of(text).deadlines
    if not phrases:
        return ()
    return deadlines_at(phrases, offset, issue_year=issue_year, source=source, issued=issued)


def deadlines_at(
    phrases: tuple[DeadlinePhrase, ...],
    offset: int,
    *,
    issue_year: int | None,
    source: Source,
    issued: dt.date | None = None,
) -> tuple[Deadline, ...]:
    """The deadlines of the `phrases` of a text (`deadline_phrases`) that stands at `offset`
    in `source`: each phrase's year resolved as `find_deadlines` says."""
    found: list[Deadline] = []
    sentence_year: int | None = None
    line_starts = source.line_starts
    for start, end, expression, form, number, new_sentence in phrases:
        if new_sentence:
            sentence_year = None
        recurrence = None
        day: int | None = None
        precision: Precision = "month"
        if (
            issue_year is None
            and form not in _DATED_FORMS
            and not (form == "bare_month" and sentence_year is not None)
        ):
            raise ParseError(
                f"cannot tell the year of {expression}: the document has no doc number "
                "(〔2021〕) and no date of issue",
                text=source.text,
                offset=offset + start,
                code="no-issue-year",
            )
        year_now = issue_year or 0  # set whenever a form below needs it
        if form == "day":
            year, month, day = number
            precision = "day"
        elif form == "yearly":
            year, month, recurrence = year_now, number[1], "yearly"
        elif form == "month":
            year, month = number[0], number[1]
        elif form == "year_end":
            year, month, day, precision = number[0], 12, 31, "year"
        elif form == "bare_month":
            year = sentence_year if sentence_year is not None else year_now
            month = number[1]
        else:
            year, month, day, precision = year_now, 12, 31, "year"
        problem = date_problem(year, month, day)
        if problem is None:
            date = dt.date(year, month, day) if day is not None else _month_end(year, month)
            if recurrence and issued is not None and date < issued:
                date = _month_end(year + 1, month)
                problem = date_problem(date.year, month)
        if problem is not None:
            raise ParseError(
                f"impossible deadline {expression}: {problem}",
                text=source.text,
                offset=offset + start,
                code="impossible-deadline",
            )
        if not recurrence:
            sentence_year = date.year
        found.append(
            node_spanned(
                Deadline,
                {
                    "expression": expression,
                    "date": date,
                    "precision": precision,
                    "recurrence": recurrence,
                },
                line_starts,
                offset + start,
                offset + end,
            )
        )
    return tuple(found)


class DeadlinePhrase(NamedTuple):
    """A deadline phrase as the text alone says it, before any year is resolved."""

    start: int
    end: int
    expression: str
    form: str
    numbers: tuple[int, int, int]
    """(year, month, day) as printed, 0 where the form has none."""
    new_sentence: bool
    """Whether a sentence ends between the previous deadline phrase and this one (or a phrase
    that qualifies a noun, between them)."""


def _near_cues(
    pattern: re.Pattern[str], cue: re.Pattern[str], reach: int, text: str
) -> Sequence[re.Match[str]]:
    """What `pattern.finditer(text)` yields, for a pattern whose every match holds a match of
    `cue` and starts at most `reach` characters before it.

    The deadline and target patterns start with a lookahead, which makes their scan slow at
    every character; here each scan starts near the next cue after the previous match, and a
    text with no cue costs one search of `cue`. Neither pattern matches the empty string.
    """
    found = cue.search(text)
    if found is None:
        return ()
    matches: list[re.Match[str]] = []
    end = 0
    while found is not None:
        match = pattern.search(text, max(end, found.start() - reach))
        if match is None:
            break
        matches.append(match)
        end = match.end()
        found = cue.search(text, end)
    return matches


def deadline_phrases(text: str) -> tuple[DeadlinePhrase, ...]:
    """Each deadline phrase of `text`, but those that qualify a noun (`attributive_at`).

    What the text alone says, before any year is resolved (remembered by `phrases_of`). Most
    texts hold no cue (`DEADLINE_CUE`) and cost one search.
    """
    # Every form holds a cue: most sentences hold none and cost one search.
    matches = _near_cues(_DEADLINE, DEADLINE_CUE, _CUE_REACH, text)
    if not matches:
        return ()
    phrases = []
    last_end = 0
    # A sentence end before a phrase that is left out (not a deadline) still ends the
    # sentence for the next phrase: the year an M月底前 borrows comes from the same sentence.
    broken = False
    for match in matches:
        new_sentence = broken or _SENTENCE_END.search(text, last_end, match.start()) is not None
        last_end = match.end()
        if attributive_at(text, last_end):
            broken = new_sentence  # 2004年年底前投运的电厂: which plants, not a time limit
            continue
        broken = False
        # Each form is one named group around its parts, so it is the last group to close.
        form = match.lastgroup or ""
        year, month, day = (int(match.group(g)) if g else 0 for g in _FORM_GROUPS[form])
        if form == "within_year":
            form = "year_end"
        phrases.append(
            DeadlinePhrase(
                match.start(), last_end, match.group(), form, (year, month, day), new_sentence
            )
        )
    return tuple(phrases)


# Units as printed -> UN/CEFACT Rec. 20 code. Longer forms first so 个工作日 wins over 个.
_UNITS: dict[str, UnitCode] = {
    "个工作日": "E49",
    "工作日": "E49",
    "千瓦": "KWT",
    "个月": "MON",
    "小时": "HUR",
    "天": "DAY",
    "%": "P1",
    "％": "P1",
    "项": "C62",
    "个": "C62",
    "家": "C62",
    "件": "C62",
}
# Counting words are only a commitment when bounded (至少有1家, 5个以上) or for 项 (74项).
_BARE_COUNT = {"个", "家", "件"}
# At most 12 digits and 6 decimals: a longer figure is no commitment, and would not survive
# the trip to JSON as a number.
_NUM = r"\d{1,12}(?:\.\d{1,6})?"
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
# A target starts with 由, 至, 不 or a digit; the lookahead makes other positions fail fast.
_TARGET = re.compile(
    rf"""
    (?=[由至不\d])
    (?:
    由(?P<base>{_NUM})(?P<base_unit>{_UNIT})
      (?:压减|缩短|减少|降低|压缩|提高|提升|增加|扩大)?(?:为|至|到)
      (?P<to>{_NUM})(?P<to_unit>{_UNIT})
  | (?P<prefix>至少有?|不少于|不低于|不超过|不高于|不多于)?
    (?<![\d.第])(?P<value>{_NUM})(?P<unit>{_UNIT})(?P<suffix>及以下|以下|以内|及以上|以上|内)?
    )
    """,
    re.VERBOSE,
)
_FIGURE_UNIT = re.compile(rf"\d(?:\.\d{{1,6}})?(?:{_UNIT})")
"""A figure's last digit before its decimals and a unit: what every target holds."""
_FIGURE_REACH = 14
"""How far before its _FIGURE_UNIT a target may start: a three-character prefix (不少于) and
eleven more digits of a twelve-digit figure."""
_LE = {"及以下", "以下", "以内", "内", "不超过", "不高于", "不多于"}
_GE = {"及以上", "以上", "至少", "至少有", "不少于", "不低于"}
_QUANTITY_NOUN = re.compile(r"(时间|时限|容量|比例|比重|周期|天数|期限|数量|费用|时长|率)$")
_CLAUSE_BREAK = r"[，。、；：,;:“”（）《》的]|将|把|使|实现|确保|推动|力争"
# Greedy, so it ends where the last break does (no two breaks can overlap).
_LAST_CLAUSE_BREAK = re.compile(rf"[\s\S]*(?:{_CLAUSE_BREAK})")
_VERB_TAIL = re.compile(r"(压减|缩短|减少|降低|压缩|控制|提高|提升|增加|扩大|降)?(至|到|为|在)?$")


# How far back a measured noun phrase is looked for: bounded, so that a paragraph full of
# figures costs linear time; a real phrase is cut at a comma or 的 long before.
_QUANTITY_WINDOW = 200


def _quantity(before: str) -> str | None:
    """The measured noun phrase just before a figure (公示时间 in 将公示时间由45天...)."""
    # The tail is at most three characters (and a line end), so look for it only there.
    tail = _VERB_TAIL.search(before, max(0, len(before) - 4))
    head = before[: tail.start()] + before[tail.end() :] if tail else before
    last = _LAST_CLAUSE_BREAK.match(head)
    phrase = head[last.end() :] if last else head
    return phrase if phrase and _QUANTITY_NOUN.search(phrase) else None


def find_targets(text: str, offset: int, *, source: Source) -> tuple[Target, ...]:
    """Every quantified commitment in `text`, which stands at `offset` in `source`."""
    found = phrases_of(text).targets
    return targets_at(found, offset, source) if found else ()


def targets_at(found: tuple[TargetPhrase, ...], offset: int, source: Source) -> tuple[Target, ...]:
    """The targets of the phrases `found` in a text (`target_phrases`) that stands at
    `offset` in `source`."""
    line_starts = source.line_starts
    return tuple(
        [
            node_spanned(
                Target,
                {
                    "text": phrase,
                    "quantity": quantity,
                    "value": value,
                    "unit": _UNITS[unit_text],
                    "unit_text": unit_text,
                    "comparator": comparator,
                    "baseline": baseline,
                },
                line_starts,
                offset + start,
                offset + end,
            )
            for start, end, phrase, quantity, value, unit_text, comparator, baseline in found
        ]
    )


class TargetPhrase(NamedTuple):
    """A quantified commitment as the text alone says it."""

    start: int
    end: int
    phrase: str
    quantity: str | None
    value: Decimal
    unit_text: str
    comparator: Comparator
    baseline: Decimal | None


class Phrases(NamedTuple):
    """The deadline phrases and the targets of one text."""

    deadlines: tuple[DeadlinePhrase, ...]
    targets: tuple[TargetPhrase, ...]


NO_PHRASES = Phrases((), ())
"""What `phrases_of` answers, this very object, for a text that holds neither."""


@functools.lru_cache(maxsize=4096)
def phrases_of(text: str) -> Phrases:
    """`deadline_phrases(text)` and `target_phrases(text)`, remembered: all of it follows from
    the text alone and plans repeat their sentences, so each occurrence only resolves dates and
    places spans. `NO_PHRASES` itself when the text holds neither (most do)."""
    deadlines = deadline_phrases(text)
    targets = target_phrases(text)
    return Phrases(deadlines, targets) if deadlines or targets else NO_PHRASES


def target_phrases(text: str) -> tuple[TargetPhrase, ...]:
    """Each quantified commitment of `text` (remembered by `phrases_of`). Every target holds a
    figure and a unit: a text without one costs one search."""
    matches = _near_cues(_TARGET, _FIGURE_UNIT, _FIGURE_REACH, text)
    if not matches:
        return ()
    found = []
    for match in matches:
        groups = match.groupdict()
        baseline: Decimal | None = None
        if groups["to"]:
            value, unit_text = Decimal(groups["to"]), groups["to_unit"]
            baseline = Decimal(groups["base"])
            comparator: Comparator = "="
        else:
            value, unit_text = Decimal(groups["value"]), groups["unit"]
            bound = groups["suffix"] or groups["prefix"]
            if unit_text in _BARE_COUNT and not bound:
                continue
            comparator = "<=" if bound in _LE else ">=" if bound in _GE else "="
        quantity = _quantity(text[max(0, match.start() - _QUANTITY_WINDOW) : match.start()])
        found.append(
            TargetPhrase(
                match.start(), match.end(), match.group(), quantity, value, unit_text, comparator,
                baseline,
            )
        )  # fmt: skip
    return tuple(found)
