"""Numbers a Chinese passage states: 4分以上, 倒数第二、三名, 第三至五名, 50%, 前5名.

Used by lint to check that a parameter marked `source` says a number its document says.
"""
from __future__ import annotations

import re

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)"
_RANGE = re.compile(rf"({_NUMERAL})\s*(?:至|到|~|～|-|—)\s*({_NUMERAL})")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")


def chinese_number(text: str) -> float | None:
    """一 → 1, 十二 → 12, 二十 → 20, 三百 → 300, 12 → 12; None if it is not a number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return float(total + current)


def numbers_in_text(text: str) -> set[float]:
    """Every number the text states, ranges expanded (三至五 → 3, 4, 5), percentages as shares too."""
    found: set[float] = set()
    for token in re.findall(_NUMERAL, text):
        value = chinese_number(token)
        if value is not None:
            found.add(value)
    for low, high in _RANGE.findall(text):
        a, b = chinese_number(low), chinese_number(high)
        if a is not None and b is not None and a.is_integer() and b.is_integer() and 0 <= b - a <= 100:
            found.update(float(n) for n in range(int(a), int(b) + 1))
    for pct in _PERCENT.findall(text):
        found.add(float(pct) / 100)
    return found
