"""Chinese numerals as printed in document numbering (一 … 九千九百九十九) and dates (二〇二一)."""

from __future__ import annotations

import functools

__all__ = ["HEADING_NUMERALS", "LIMIT", "from_chinese", "to_chinese"]

_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_NAMES = "零一二三四五六七八九"
_UNITS = {"十": 10, "百": 100, "千": 1000}
LIMIT = 10000
"""Heading numerals are read and written below this value (九千九百九十九 is the largest)."""
HEADING_NUMERALS = "〇○零一二三四五六七八九十百千"
"""The characters a heading's numeral is printed in (一、, （十二）, 第一百零一条; 两 is not one)."""


@functools.lru_cache(maxsize=2048)
def from_chinese(numeral: str) -> int | None:
    """The value of a Chinese numeral below 10000, or None when it is not one.

    Accepts positional forms (二〇二一) as well as the 十/百/千 forms used for headings (二十五,
    一千二百).
    Remembered (bounded): a parser reads the same few hundred heading numerals in every plan.
    """
    if not numeral:
        return None
    if all(ch in _DIGITS for ch in numeral):
        if len(numeral) > 1 and "两" in numeral:
            return None
        value = 0
        for ch in numeral:
            value = value * 10 + _DIGITS[ch]
        return value
    total, current = 0, 0
    for ch in numeral:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    total += current
    # Only the canonical heading form counts: 二十五, not 二五十 or 十十.
    return total if 0 < total < LIMIT and to_chinese(total) == numeral else None


def to_chinese(value: int) -> str:
    """The heading form of a positive integer below 10000 (25 -> 二十五, 10 -> 十, 1010 -> 一千零一十)."""
    if not 0 < value < LIMIT:
        raise ValueError(f"cannot write {value} as a heading numeral")
    out = ""
    zero = False  # a skipped place is read 零 before the next non-zero one
    for unit, digit in ((1000, value // 1000), (100, value // 100 % 10), (10, value // 10 % 10)):
        if digit:
            if zero:
                out += "零"
            # 十 alone stands for 一十 at the start only (十五, but 一百一十五).
            out += ("" if digit == 1 and unit == 10 and not out else _NAMES[digit]) + "千百十"[
                (1000, 100, 10).index(unit)
            ]
            zero = False
        elif out:
            zero = True
    if value % 10:
        out += ("零" if zero else "") + _NAMES[value % 10]
    return out
