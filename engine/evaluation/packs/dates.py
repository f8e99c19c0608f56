"""Dates for the second-wave packs (SPEC 3.7): the as-of day of an assessment year and 满N年.

Every duration is measured as of calendar.as_of ("MM-DD", local, default 12-31) of the
assessment year Y. 满N年 is reached on the N-th anniversary: a post taken 2019-07-01 is
满6年 on 2025-07-01. Arrays are numpy datetime64[D]; NaT is a missing date.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import numpy as np
import pandas as pd

from engine.rules.model import parse_month_day

NAT = np.datetime64("NaT", "D")


def month_day(text: str) -> tuple[int, int]:
    """calendar.as_of as (month, day); ValueError names the value when it is not a day of the year
    (the scorecard refuses such a value when it loads: ParameterDef.format = month_day)."""
    parsed = parse_month_day(text)
    if parsed is None:
        raise ValueError(f"calendar.as_of must be a day of the year as MM-DD (e.g. 12-31, 06-30), got {text!r}")
    return parsed


def as_of(year: int, text: str) -> dt.date:
    """The as-of day of assessment year `year`; 02-29 in a common year is 02-28."""
    month, day = month_day(text)
    if (month, day) == (2, 29) and not _leap(year):
        day = 28
    return dt.date(int(year), month, day)


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier when negative); 02-29 → 02-28 in a common year."""
    year = day.year + years
    return day.replace(year=year, day=28) if (day.month, day.day) == (2, 29) and not _leap(year) else \
        day.replace(year=year)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def as_of_days(years: Iterable[Any], text: str) -> np.ndarray:
    """as_of for each year, as datetime64[D] (worked out once per distinct year)."""
    years = np.asarray(list(years) if not hasattr(years, "__len__") else years, dtype=np.int64)
    if not len(years):
        return np.zeros(0, dtype="datetime64[D]")
    distinct, position = np.unique(years, return_inverse=True)
    return np.array([as_of(int(y), text) for y in distinct], dtype="datetime64[D]")[position]


def days(values: Iterable[Any]) -> np.ndarray:
    """A column of date / None as datetime64[D] with NaT."""
    return pd.to_datetime(pd.Series(list(values), dtype=object), errors="coerce").to_numpy().astype("datetime64[D]")


def as_days(values: Any) -> np.ndarray:
    """Any datetime column (pandas keeps datetime64[ns] after a merge) as datetime64[D]."""
    return np.asarray(values).astype("datetime64[D]")


def day_count(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """later − earlier in days as float, NaN where either is missing."""
    later, earlier = as_days(later), as_days(earlier)
    out = (later - earlier).astype("timedelta64[D]").astype(np.float64)
    out[np.isnat(later) | np.isnat(earlier)] = np.nan
    return out


def full_years(start: dt.date, until: dt.date) -> int:
    """满N年 for one pair of dates: whole years by anniversary (the scalar form of completed_years)."""
    return until.year - start.year - ((until.month, until.day) < (start.month, start.day))


def completed_years(start: np.ndarray, until: np.ndarray) -> np.ndarray:
    """Whole years from `start` to `until` by anniversary (满N年); NaN where start is missing.

    A 02-29 start reaches its anniversary in a common year on 03-01 (the day after 02-28)."""
    start, until = as_days(start), as_days(until)
    out = np.full(len(start), np.nan)
    known = ~(np.isnat(start) | np.isnat(until))
    if known.any():
        s = pd.DatetimeIndex(start[known])
        u = pd.DatetimeIndex(until[known])
        before = (u.month < s.month) | ((u.month == s.month) & (u.day < s.day))
        out[known] = (u.year - s.year - before.astype(int)).astype(np.float64)
    return out


def iso(values: np.ndarray) -> list[str | None]:
    """datetime64[D] → "2025-03-01" / None, for facts readers see."""
    values = as_days(values)
    text = np.datetime_as_string(values, unit="D").astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def year_of(values: np.ndarray) -> np.ndarray:
    """The calendar year of each date as float (NaN for NaT)."""
    values = as_days(values)
    out = np.full(len(values), np.nan)
    known = ~np.isnat(values)
    out[known] = values[known].astype("datetime64[Y]").astype(int) + 1970
    return out
