"""The store keeps the reader's tables exactly: values, dtypes, Excel rows, and sheets without 年度."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from engine.input.workbook import read_workbook
from engine.store.codec import YEARLESS, join_tables, split_tables
from engine.store.imports import describe_change, diff

from test_store import SAMPLE


def test_the_sample_round_trips_through_the_stored_form():
    book = read_workbook(SAMPLE)
    datasets = split_tables(book.tables, book.issues)
    # the year-less sheets (任职经历, 试用期考核, 经济责任审计, 个人重大事项, 谈话记录, 巡察整改) are stored once, as "-"
    assert sorted(datasets) == ["-", "2023", "2024", "2025"]
    assert sorted(datasets[YEARLESS].counts()) == ["audits", "personal_matters", "posts", "probation",
                                                   "rectifications", "talks"]
    rebuilt = join_tables(list(datasets.values()))
    assert list(rebuilt) == list(book.tables)
    for name, table in book.tables.items():
        pd.testing.assert_frame_equal(rebuilt[name], table, check_exact=True)
    # the sample's one note (a trimmed 分工 cell) goes with the year of its row, not with every year
    homes = [name for name, ds in datasets.items() if any(n["code"] == "WHITESPACE_TRIMMED" for n in ds.notes)]
    assert len(homes) == 1


def test_a_sheet_without_a_year_column_is_stored_once_as_year_less_data():
    posts = pd.DataFrame({
        "leader_id": pd.Series(["1001", "1001", "1002"], dtype="object"),
        "start": pd.Series([dt.date(2019, 7, 1), dt.date(2022, 1, 5), None], dtype="object"),
        "office_head": pd.Series([True, False, True], dtype="bool"),
        "_row": pd.Series([2, 3, 5], dtype="int64"),
    })
    roster = pd.DataFrame({"year": pd.Series([2025], dtype="int64"), "leader_id": pd.Series(["1001"], dtype="object"),
                           "_row": pd.Series([2], dtype="int64")})
    datasets = split_tables({"roster": roster, "posts": posts})
    assert sorted(datasets) == ["-", "2025"]
    assert datasets[YEARLESS].year is None and datasets[YEARLESS].counts() == {"posts": 3}
    rebuilt = join_tables(list(datasets.values()))
    pd.testing.assert_frame_equal(rebuilt["posts"], posts, check_exact=True)
    pd.testing.assert_frame_equal(rebuilt["roster"], roster, check_exact=True)

    changed = posts.copy()
    changed.loc[1, "start"] = dt.date(2022, 2, 1)
    after = split_tables({"roster": roster, "posts": changed})[YEARLESS]
    changes = diff(datasets[YEARLESS], after)
    assert changes == [{"change": "changed", "sheet": "posts", "key": "1001|#2", "column": "start",
                        "old": dt.date(2022, 1, 5), "new": dt.date(2022, 2, 1), "row": 3}]
    # a contract sheet and column show their Chinese names
    assert describe_change(changes[0]) == "  ~ 修改 任职经历 1001 第2条（第3行） 任职开始：2022-01-05 → 2022-02-01"


@pytest.mark.parametrize("value", [object(), b"bytes"])
def test_values_the_reader_never_produces_are_refused(value):
    frame = pd.DataFrame({"year": pd.Series([2025], dtype="int64"), "x": pd.Series([value], dtype="object"),
                          "_row": pd.Series([2], dtype="int64")})
    with pytest.raises(TypeError, match="cannot store"):
        split_tables({"roster": frame})
