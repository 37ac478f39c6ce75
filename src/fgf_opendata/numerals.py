"""Chinese numerals as printed in document numbering (一 … 九十九) and dates (二〇二一)."""

from __future__ import annotations

import functools

__all__ = ["from_chinese", "to_chinese"]

_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_NAMES = "零一二三四五六七八九"


@functools.lru_cache(maxsize=2048)
def from_chinese(numeral: str) -> int | None:
    """The value of a Chinese numeral below 1000, or None when it is not one.

    Accepts positional forms (二〇二一) as well as the 十/百 forms used for headings (二十五).
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
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    total += current
    # Only the canonical heading form counts: 二十五, not 二五十 or 十十.
    return total if 0 < total < 1000 and to_chinese(total) == numeral else None


def to_chinese(value: int) -> str:
    """The heading form of a positive integer below 1000 (25 -> 二十五, 10 -> 十)."""
    if not 0 < value < 1000:
        raise ValueError(f"cannot write {value} as a heading numeral")
    hundreds, rest = divmod(value, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _NAMES[hundreds] + "百"
    if tens:
        out += ("" if tens == 1 and not hundreds else _NAMES[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += _NAMES[ones]
    return out
