"""Cell normalisation (SPEC section 6): what a raw cell means, as a value plus notes, or an error.

Normalisers are hot: a 100,000-row sheet sends ~600,000 cells through them, so
each starts with a fast path for the well-formed case and returns a shared
empty tuple when there is nothing to say.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from engine.input.sheets import GRADES, ColumnSpec, Kind

# A problem found in one cell: (code, extra template fields).
Problem = tuple[str, dict[str, object]]
_NONE: tuple[Problem, ...] = ()


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


BLANK = _Sentinel("BLANK")      # empty or white space only
INVALID = _Sentinel("INVALID")  # an error was reported for the cell

TEXT_MAX_CHARS = 1000
YEAR_MIN, YEAR_MAX = 1990, 2100
DATE_MIN, DATE_MAX = dt.date(1950, 1, 1), dt.date(2100, 12, 31)
_EXCEL_EPOCH = dt.date(1899, 12, 30)        # serial 1 = 1900-01-01 after Excel's leap-year bug
_SERIAL_MIN = (DATE_MIN - _EXCEL_EPOCH).days
_SERIAL_MAX = (DATE_MAX - _EXCEL_EPOCH).days
_ID_MAX_DIGITS = 15                         # Excel keeps 15 significant digits of a number

# Full-width forms. Number-like columns (years, ids, points, dates, flags) map
# every full-width ASCII character (Ｕ+FF01..FF5E: "１．５", "２０２４／３／５");
# free text maps only digits, letters and the ideographic space, because
# full-width punctuation such as （）、， is the normal way to write Chinese.
_FW_ALL = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FW_ALNUM = ({cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
             | {cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)}
             | {cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)} | {0x3000: 0x20})
_ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
# Text that needs the slow path: surrounding space, full-width alnum/space, zero-width marks.
_TEXT_SLOW = re.compile(r"^\s|\s$|[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\u200b-\u200d\ufeff]")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")   # 3,000 / 12,345.50
_YEAR_TEXT = re.compile(r"(\d{4})(年度|年)")
_RANK_TEXT = re.compile(r"(第)?\s*(\d+)\s*(名)?")
_DATE_SEP = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_DATE_8 = re.compile(r"(\d{4})(\d{2})(\d{2})")

# 是/否 written another way. Explicit on purpose: anything else is BAD_FLAG.
FLAG_TRUE = frozenset({"是", "y", "yes", "true", "t", "1", "✓", "✔", "√", "☑", "是的", "对"})
FLAG_FALSE = frozenset({"否", "n", "no", "false", "f", "0", "×", "✗", "✘", "☒", "不是", "不"})

# What a cell of each kind must hold, for messages (zh, en).
EXPECTED: dict[Kind, tuple[str, str]] = {
    Kind.YEAR: (f"{YEAR_MIN}–{YEAR_MAX} 之间的四位整数年份，如 2025",
                f"a four-digit year between {YEAR_MIN} and {YEAR_MAX}, e.g. 2025"),
    Kind.TEXT: (f"不超过 {TEXT_MAX_CHARS} 字的文本", f"text of at most {TEXT_MAX_CHARS} characters"),
    Kind.UNIT: ("单位名称（不含空格）", "a unit name (spaces are removed)"),
    Kind.ID: ("干部编号（文本或整数）", "a leader id (text or whole number)"),
    Kind.FLAG: ("“是”或“否”", "是 (yes) or 否 (no)"),
    Kind.DATE: ("日期，如 2024-03-05", "a date, e.g. 2024-03-05"),
    Kind.POINTS: ("大于 0 的数，最多两位小数", "a number greater than 0 with at most 2 decimals"),
    Kind.AMOUNT: ("不小于 0 的金额（元）", "an amount in yuan, 0 or more"),
    Kind.RANK: ("不小于 1 的整数名次（1 为最好）", "a whole-number rank of 1 or more (1 = best)"),
    Kind.ROUND: ("1 或 2", "1 or 2"),
    Kind.CHOICE: ("", ""),   # filled from ColumnSpec.choices
    Kind.SCORE_OR_GRADE: ("0–100 的分数或 好/较好/一般/差 之一",
                          "a score from 0 to 100 or one of 好/较好/一般/差"),
    Kind.SCORE: ("0–100 的分数", "a score from 0 to 100"),
}


def expected_for(col: ColumnSpec) -> tuple[str, str]:
    if col.kind is Kind.CHOICE:
        text = " / ".join(col.choices)
        return text, text
    return EXPECTED[col.kind]


# --------------------------------------------------------------------------
# Showing values as typed
# --------------------------------------------------------------------------

def number_text(x: float | int) -> str:
    """2024.0 -> "2024", 1.25 -> "1.25": how Excel shows a general-format number."""
    if isinstance(x, float):
        if not math.isfinite(x):
            return str(x)
        if x.is_integer() and abs(x) < 1e16:
            return str(int(x))
        return repr(x)
    return str(x)


def display_value(raw: Any) -> str:
    """The cell as the user typed it, as text, for the issue's value field."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (int, float)):
        return number_text(raw)
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, (dt.date, dt.time)):
        return raw.isoformat()
    return str(raw)


# --------------------------------------------------------------------------
# Normalisers: raw cell -> (value | BLANK | INVALID, problems)
# --------------------------------------------------------------------------

def _bad(code: str, **extra: object) -> tuple[Any, tuple[Problem, ...]]:
    return INVALID, ((code, extra),)


def _prep(raw: str, table: dict[int, int]) -> tuple[Any, list[Problem]]:
    """Trim, map full-width characters, enforce the length limit; note each change."""
    if len(raw) > TEXT_MAX_CHARS:
        return INVALID, [("TEXT_TOO_LONG", {"length": len(raw)})]
    text = raw.strip().strip(_ZERO_WIDTH).strip()
    if not text:
        return BLANK, []
    notes: list[Problem] = []
    if text != raw:
        notes.append(("WHITESPACE_TRIMMED", {}))
    mapped = text.translate(table)
    if mapped != text:
        notes.append(("FULLWIDTH_NORMALISED", {"normalised": mapped}))
    return mapped, notes


def _prep_cell(raw: str) -> tuple[Any, list[Problem], tuple[Any, tuple[Problem, ...]] | None]:
    """_prep for number-like columns, with the verdict when the cell is already decided
    (blank, or invalid such as too long): callers return that verdict as it is."""
    text, notes = _prep(raw, _FW_ALL)
    if text is BLANK:
        return text, notes, (BLANK, _NONE)
    if text is INVALID:
        return text, notes, (INVALID, tuple(notes))
    return text, notes, None


def _parse_number_text(text: str) -> float | None:
    if _NUMBER.fullmatch(text):
        return float(text)
    if _GROUPED.fullmatch(text):
        return float(text.replace(",", ""))
    return None


def _number(raw: Any) -> tuple[Any, list[Problem]]:
    """A number from a numeric cell or from numeric text (noted). BLANK/None if neither."""
    kind = type(raw)
    if kind is float or kind is int:
        return float(raw), []
    if kind is not str:
        return None, []
    text, notes = _prep(raw, _FW_ALL)
    if text is BLANK or text is INVALID:
        return text, notes
    value = _parse_number_text(text)
    if value is None:
        return None, notes
    if not any(code == "FULLWIDTH_NORMALISED" for code, _ in notes):
        notes.append(("NUMBER_AS_TEXT", {"normalised": number_text(value)}))
    return value, notes


def _finish(value: Any, notes: list[Problem]) -> tuple[Any, tuple[Problem, ...]]:
    return value, tuple(notes) if notes else _NONE


def _numeric(raw: Any, bad_code: str) -> tuple[Any, list[Problem]]:
    """Shared front of the numeric kinds. Returns (float, notes) for a number, else
    (BLANK, []) or (INVALID, [the error]) — callers pass the latter two straight on."""
    value, notes = _number(raw)
    if value is BLANK:
        return BLANK, []
    if value is INVALID:
        return INVALID, notes
    if value is None:
        return INVALID, [(bad_code, {})]
    return value, notes


def _done(value: Any) -> bool:
    """True when _numeric already decided the cell (blank or invalid)."""
    return value is BLANK or value is INVALID


def norm_year(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    if type(raw) is float and raw.is_integer() and YEAR_MIN <= raw <= YEAR_MAX:
        return int(raw), _NONE
    if type(raw) is str:
        text, notes, decided = _prep_cell(raw)
        if decided:
            return decided
        match = _YEAR_TEXT.fullmatch(text)
        if match and YEAR_MIN <= int(match[1]) <= YEAR_MAX:
            return _finish(int(match[1]), notes + [("YEAR_FROM_TEXT", {"normalised": match[1]})])
    value, notes = _numeric(raw, "BAD_YEAR")
    if _done(value):
        return value, tuple(notes)
    if not (value.is_integer() and YEAR_MIN <= value <= YEAR_MAX):
        return _bad("BAD_YEAR")
    return _finish(int(value), notes)


def norm_text(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    kind = type(raw)
    if kind is str:
        if raw and len(raw) <= TEXT_MAX_CHARS and not _TEXT_SLOW.search(raw):
            return raw, _NONE
        text, notes = _prep(raw, _FW_ALNUM)
        if text is INVALID:
            return INVALID, tuple(notes)
        return _finish(text, notes)
    if raw is None:
        return BLANK, _NONE
    # A number, date or TRUE/FALSE in a text column keeps the text Excel shows.
    return display_value(raw), _NONE


_INNER_SPACE = re.compile(r"[\s\u00a0\u3000\u200b-\u200d\ufeff]+")


def norm_unit(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    """A unit name is a key across sheets: “城关　镇” and “城关镇” are one unit, and we say so."""
    value, notes = norm_text(raw)
    if isinstance(value, str) and _INNER_SPACE.search(value):
        joined = _INNER_SPACE.sub("", value)
        return joined, tuple(notes) + (("UNIT_SPACES_REMOVED", {"normalised": joined}),)
    return value, notes


def norm_id(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    kind = type(raw)
    if kind is str:
        if raw and raw.isascii() and len(raw) <= TEXT_MAX_CHARS and raw.strip() == raw:
            return raw, _NONE
        text, notes = _prep(raw, _FW_ALL)
        if text is INVALID:
            return INVALID, tuple(notes)
        return _finish(text, notes)
    if kind is float or kind is int:
        if not math.isfinite(raw):
            return _bad("BAD_ID", detail="干部编号应为文本或整数", detail_en="a leader id must be text or a whole number")
        if raw < 0 or not float(raw).is_integer():
            return _bad("BAD_ID", detail="干部编号应为文本或不带小数的非负整数",
                        detail_en="a leader id must be text or a non-negative whole number")
        if abs(raw) >= 10 ** _ID_MAX_DIGITS:
            return _bad("BAD_ID",
                        detail=f"超过 {_ID_MAX_DIGITS} 位的数字在 Excel 中会丢失精度，请把该列设为文本格式后重新输入编号",
                        detail_en=f"numbers of more than {_ID_MAX_DIGITS} digits lose precision in Excel; "
                                  "format the column as text and type the id again")
        return str(int(raw)), _NONE
    if raw is None:
        return BLANK, _NONE
    return _bad("BAD_ID", detail="干部编号应为文本或整数，不能是日期或 是/否",
                detail_en="a leader id must be text or a whole number, not a date or TRUE/FALSE")


def norm_flag(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    kind = type(raw)
    if kind is str:
        if raw == "是":
            return True, _NONE
        if raw == "否":
            return False, _NONE
        text, notes, decided = _prep_cell(raw)
        if decided:
            return decided
        key = text.casefold()
        if key in FLAG_TRUE or key in FLAG_FALSE:
            value = key in FLAG_TRUE
            if text not in ("是", "否"):
                notes.append(("FLAG_NORMALISED", {"normalised": "是" if value else "否"}))
            return _finish(value, notes)
        return _bad("BAD_FLAG")
    if kind is bool:
        return raw, (("FLAG_NORMALISED", {"normalised": "是" if raw else "否"}),)
    if (kind is float or kind is int) and raw in (0, 1):
        return bool(raw), (("FLAG_NORMALISED", {"normalised": "是" if raw else "否"}),)
    if raw is None:
        return BLANK, _NONE
    return _bad("BAD_FLAG")


def _date_in_range(value: dt.date) -> bool:
    return DATE_MIN <= value <= DATE_MAX


_DATE_RANGE_ZH = f"（{DATE_MIN.year}–{DATE_MAX.year} 年之间）"
_DATE_RANGE_EN = f" (between {DATE_MIN.year} and {DATE_MAX.year})"


def _make_date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def _date_from_text(text: str) -> dt.date | None:
    for pattern in (_DATE_SEP, _DATE_ZH, _DATE_8):
        match = pattern.fullmatch(text)
        if match:
            groups = match.groups()
            if pattern is _DATE_SEP:
                return _make_date(groups[0], groups[2], groups[3])
            return _make_date(*groups[:3])
    return None


def _bad_date(reason_zh: str = _DATE_RANGE_ZH, reason_en: str = _DATE_RANGE_EN) -> tuple[Any, tuple[Problem, ...]]:
    return _bad("BAD_DATE", detail=reason_zh, detail_en=reason_en)


def norm_date(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    kind = type(raw)
    if kind is dt.date:
        return (raw, _NONE) if _date_in_range(raw) else _bad_date()
    if kind is dt.datetime:
        day = raw.date()
        if not _date_in_range(day):
            return _bad_date()
        if raw.time() != dt.time(0, 0):
            return day, (("DATE_TIME_DROPPED", {"normalised": day.isoformat()}),)
        return day, _NONE
    if kind is float or kind is int:
        if float(raw).is_integer() and 10_000_000 <= raw <= 99_999_999:
            day = _date_from_text(str(int(raw)))    # 20240305 typed as a number
            if day is not None and _date_in_range(day):
                return day, (("DATE_FROM_TEXT", {"normalised": day.isoformat()}),)
        if _SERIAL_MIN <= raw <= _SERIAL_MAX + 1:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(raw))
            if _date_in_range(day):
                return day, (("DATE_FROM_SERIAL", {"normalised": day.isoformat()}),)
        return _bad_date("（这个数字既不是合理的 Excel 日期序号，也不是 8 位日期）",
                         " (the number is neither a plausible Excel date serial nor an 8-digit date)")
    if kind is str:
        text, notes, decided = _prep_cell(raw)
        if decided:
            return decided
        day = _date_from_text(text)
        if day is None:
            return _bad_date("（无法识别的日期写法，或该日期不存在）",
                             " (unrecognised date format, or no such day)")
        if not _date_in_range(day):
            return _bad_date()
        return _finish(day, notes + [("DATE_FROM_TEXT", {"normalised": day.isoformat()})])
    if raw is None:
        return BLANK, _NONE
    return _bad_date("（不能是时间或 是/否）", " (not a time of day or TRUE/FALSE)")


# Plausibility limits (software limits, not scoring rules): a single card row is a few
# points (the card's thresholds are 4–14 a year), an expenditure far below a trillion 元.
POINTS_MAX = 100.0
AMOUNT_MAX = 1e12


def _two_decimals(x: float) -> bool:
    scaled = x * 100
    return abs(scaled - round(scaled)) <= 1e-9 * max(1.0, abs(scaled))


def norm_points(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    if type(raw) is float and 0 < raw <= POINTS_MAX and _two_decimals(raw):
        return raw, _NONE
    value, notes = _numeric(raw, "NOT_A_NUMBER")
    if _done(value):
        return value, tuple(notes)
    if not math.isfinite(value):
        return _bad("NOT_A_NUMBER")
    if value <= 0:
        return _bad("NEGATIVE_POINTS")
    if value > POINTS_MAX:
        return _bad("VALUE_TOO_LARGE", limit=number_text(POINTS_MAX))
    if not _two_decimals(value):
        return _bad("TOO_MANY_DECIMALS")
    return _finish(value, notes)


def norm_amount(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    if type(raw) is float and 0 <= raw <= AMOUNT_MAX:
        return raw, _NONE
    value, notes = _numeric(raw, "NOT_A_NUMBER")
    if _done(value):
        return value, tuple(notes)
    if not math.isfinite(value):
        return _bad("NOT_A_NUMBER")
    if value < 0:
        return _bad("NEGATIVE_AMOUNT")
    if value > AMOUNT_MAX:
        return _bad("VALUE_TOO_LARGE", limit=number_text(AMOUNT_MAX))
    return _finish(value, notes)


_RANK_BELOW_ONE = {"detail": "名次应为不小于 1 的整数", "detail_en": "a rank must be a whole number of 1 or more"}


def norm_rank(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    if type(raw) is float and raw.is_integer() and raw >= 1:
        return int(raw), _NONE
    if type(raw) is str:
        text, notes, decided = _prep_cell(raw)
        if decided:
            return decided
        match = _RANK_TEXT.fullmatch(text)
        if match and (match[1] or match[3]):        # 第3名 / 第3 / 3名
            rank = int(match[2])
            if rank < 1:
                return INVALID, (("RANK_OUT_OF_RANGE", _RANK_BELOW_ONE),)
            return _finish(rank, notes + [("RANK_FROM_TEXT", {"normalised": str(rank)})])
    value, notes = _numeric(raw, "NOT_A_NUMBER")
    if _done(value):
        return value, tuple(notes)
    if not (math.isfinite(value) and value.is_integer()):
        return _bad("NOT_AN_INTEGER")
    if value < 1:
        return INVALID, (("RANK_OUT_OF_RANGE", _RANK_BELOW_ONE),)
    return _finish(int(value), notes)


def norm_round(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    if type(raw) is float and raw in (1.0, 2.0):
        return int(raw), _NONE
    value, notes = _numeric(raw, "BAD_ROUND")
    if _done(value):
        return value, tuple(notes)
    if value not in (1.0, 2.0):
        return _bad("BAD_ROUND")
    return _finish(int(value), notes)


def norm_choice(raw: Any, choices: tuple[str, ...]) -> tuple[Any, tuple[Problem, ...]]:
    if type(raw) is str:
        if raw in choices:
            return raw, _NONE
        text, notes = _prep(raw, _FW_ALNUM)
        if text is BLANK or text is INVALID:
            return text, tuple(notes)
        if text in choices:
            return _finish(text, notes)
        return _bad("BAD_CHOICE")
    if raw is None:
        return BLANK, _NONE
    return _bad("BAD_CHOICE")


def norm_score_or_grade(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    kind = type(raw)
    if kind is float and 0 <= raw <= 100:
        return raw, _NONE
    if kind is str:
        if raw in GRADES:
            return raw, _NONE
        text, notes = _prep(raw, _FW_ALL)
        if text is BLANK or text is INVALID:
            return text, tuple(notes)
        if text in GRADES:
            return _finish(text, notes)
    elif kind is bool or not (kind is float or kind is int):
        return (BLANK, _NONE) if raw is None else _bad("BAD_GRADE")
    value, notes = _numeric(raw, "BAD_GRADE")
    if _done(value):
        return value, tuple(notes)
    if not (math.isfinite(value) and 0 <= value <= 100):
        return _bad("SCORE_OUT_OF_RANGE")
    return _finish(value, notes)


def norm_score(raw: Any) -> tuple[Any, tuple[Problem, ...]]:
    """A test score: a number 0..100; a grade word is not a score here."""
    value, notes = norm_score_or_grade(raw)
    if type(value) is str and value in GRADES:
        return _bad("BAD_SCORE")
    if notes and notes[0][0] == "BAD_GRADE":
        return _bad("BAD_SCORE")
    return value, notes


Normaliser = Callable[[Any], tuple[Any, tuple[Problem, ...]]]

_BY_KIND: dict[Kind, Normaliser] = {
    Kind.YEAR: norm_year, Kind.TEXT: norm_text, Kind.UNIT: norm_unit, Kind.ID: norm_id, Kind.FLAG: norm_flag,
    Kind.DATE: norm_date, Kind.POINTS: norm_points, Kind.AMOUNT: norm_amount,
    Kind.RANK: norm_rank, Kind.ROUND: norm_round, Kind.SCORE_OR_GRADE: norm_score_or_grade,
    Kind.SCORE: norm_score,
}


def normaliser_for(col: ColumnSpec) -> Normaliser:
    if col.kind is Kind.CHOICE:
        choices = col.choices
        return lambda raw: norm_choice(raw, choices)
    return _BY_KIND[col.kind]


def normalise_cell(raw: Any, col: ColumnSpec) -> tuple[Any, tuple[Problem, ...]]:
    """One cell through its column's normaliser, blank empty strings first (for tests and tools)."""
    if raw == "":
        return BLANK, _NONE
    return normaliser_for(col)(raw)

