"""Dates of the second-wave packs (SPEC 3.7): the as-of day and 满N年 by anniversary."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from engine.evaluation.packs import dates


def _years(start: str, until: str) -> float:
    return float(dates.completed_years(dates.days([start]), dates.days([until]))[0])


@pytest.mark.parametrize(("start", "until", "years"), [
    ("2019-07-01", "2025-06-30", 5),    # the day before the 6th anniversary
    ("2019-07-01", "2025-07-01", 6),    # SPEC 3.7: 满6年 on 2025-07-01
    ("2019-12-31", "2025-12-31", 6),
    ("2020-01-01", "2025-12-31", 5),
    ("2020-02-29", "2025-02-28", 4),    # a 02-29 start: the anniversary in a common year is 03-01
    ("2020-02-29", "2025-03-01", 5),
    ("2020-02-29", "2024-02-29", 4),
])
def test_completed_years_by_anniversary(start, until, years):
    assert _years(start, until) == years


def test_missing_start_is_unknown_not_zero():
    assert np.isnan(dates.completed_years(dates.days([None]), dates.days(["2025-12-31"]))[0])


@pytest.mark.parametrize(("text", "year", "day"), [
    ("12-31", 2025, dt.date(2025, 12, 31)), ("06-30", 2025, dt.date(2025, 6, 30)),
    ("6-30", 2025, dt.date(2025, 6, 30)), ("02-29", 2025, dt.date(2025, 2, 28)), ("02-29", 2024, dt.date(2024, 2, 29)),
])
def test_as_of(text, year, day):
    assert dates.as_of(year, text) == day


@pytest.mark.parametrize("text", ["13-01", "06-31", "2025-06-30", "0630", "", "12/31"])
def test_as_of_refuses_what_is_not_a_day_of_the_year(text):
    with pytest.raises(ValueError, match="calendar.as_of must be a day of the year"):
        dates.month_day(text)


def test_day_count_and_iso():
    later, earlier = dates.days(["2025-12-31", None]), dates.days(["2025-06-30", "2025-01-01"])
    counts = dates.day_count(later, earlier)
    assert counts[0] == 184 and np.isnan(counts[1])
    assert dates.iso(later) == ["2025-12-31", None]
    assert dates.shift_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert dates.shift_years(dt.date(2025, 12, 31), -3) == dt.date(2022, 12, 31)
