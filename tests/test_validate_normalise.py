"""Cell normalisers, one kind at a time: value read, and the codes said about it."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.input.sheets import sheet
from engine.input.validate import BLANK, INVALID, display_value, normalise_cell, number_text

ROSTER = sheet("roster")
CARD = sheet("deductions")
SPEND = sheet("expenditures")
RANKING = sheet("annual_ranking")
IMAGE = sheet("image_ranking")
FIVE = sheet("five_reinforcements")


def run(raw, col):
    value, problems = normalise_cell(raw, col)
    return value, [code for code, _ in problems]


@pytest.mark.parametrize("raw, value, codes", [
    (2024.0, 2024, []), ("2024", 2024, ["NUMBER_AS_TEXT"]), ("２０２４", 2024, ["FULLWIDTH_NORMALISED"]),
    ("2024年", 2024, ["YEAR_FROM_TEXT"]), ("2024.0", 2024, ["NUMBER_AS_TEXT"]), (1989.0, INVALID, ["BAD_YEAR"]),
    (2101.0, INVALID, ["BAD_YEAR"]), ("24年", INVALID, ["BAD_YEAR"]), (dt.date(2024, 1, 1), INVALID, ["BAD_YEAR"]),
    ("", BLANK, []), ("  ", BLANK, []),
])
def test_year(raw, value, codes):
    assert run(raw, CARD.column("year")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    (2.0, 2.0, []), (0.25, 0.25, []), (0.35, 0.35, []), ("1.5", 1.5, ["NUMBER_AS_TEXT"]),
    ("+2", 2.0, ["NUMBER_AS_TEXT"]), (".5", 0.5, ["NUMBER_AS_TEXT"]), ("１．５", 1.5, ["FULLWIDTH_NORMALISED"]),
    (" 2 ", 2.0, ["WHITESPACE_TRIMMED", "NUMBER_AS_TEXT"]), (-0.5, INVALID, ["NEGATIVE_POINTS"]),
    ("-2", INVALID, ["NEGATIVE_POINTS"]), (0.0, INVALID, ["NEGATIVE_POINTS"]), (0.001, INVALID, ["TOO_MANY_DECIMALS"]),
    ("nan", INVALID, ["NOT_A_NUMBER"]), ("inf", INVALID, ["NOT_A_NUMBER"]), ("1e3", INVALID, ["NOT_A_NUMBER"]),
    ("2分", INVALID, ["NOT_A_NUMBER"]), (True, INVALID, ["NOT_A_NUMBER"]), (float("inf"), INVALID, ["NOT_A_NUMBER"]),
    (float("nan"), INVALID, ["NOT_A_NUMBER"]),
])
def test_points(raw, value, codes):
    assert run(raw, CARD.column("points")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    (0.0, 0.0, []), ("3,000", 3000.0, ["NUMBER_AS_TEXT"]), ("12,345.50", 12345.5, ["NUMBER_AS_TEXT"]),
    ("3,00", INVALID, ["NOT_A_NUMBER"]), (-1.0, INVALID, ["NEGATIVE_AMOUNT"]),
])
def test_amount(raw, value, codes):
    assert run(raw, SPEND.column("amount")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    ("1001", "1001", []), (1001.0, "1001", []), ("A-7", "A-7", []), ("Ａ００７", "A007", ["FULLWIDTH_NORMALISED"]),
    (" 1001", "1001", ["WHITESPACE_TRIMMED"]), ("干部甲", "干部甲", []), (1001.5, INVALID, ["BAD_ID"]),
    (-1.0, INVALID, ["BAD_ID"]), (1e15, INVALID, ["BAD_ID"]), (999999999999999.0, "999999999999999", []),
    (True, INVALID, ["BAD_ID"]), (dt.date(2024, 1, 1), INVALID, ["BAD_ID"]),
])
def test_id(raw, value, codes):
    assert run(raw, CARD.column("leader_id")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    ("违规公务接待", "违规公务接待", []), ("县财政局（国资办）", "县财政局（国资办）", []),
    ("第１中学", "第1中学", ["FULLWIDTH_NORMALISED"]), ("张\u3000三", "张 三", ["FULLWIDTH_NORMALISED"]),
    ("\u200b甲镇", "甲镇", ["WHITESPACE_TRIMMED"]), (12.0, "12", []), (dt.date(2024, 1, 2), "2024-01-02", []),
    ("x" * 1000, "x" * 1000, []), ("x" * 1001, INVALID, ["TEXT_TOO_LONG"]),
])
def test_text(raw, value, codes):
    assert run(raw, CARD.column("item")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    ("是", True, []), ("否", False, []), ("Y", True, ["FLAG_NORMALISED"]), ("ｙ", True, ["FULLWIDTH_NORMALISED", "FLAG_NORMALISED"]),
    ("☑", True, ["FLAG_NORMALISED"]), ("☒", False, ["FLAG_NORMALISED"]), ("不是", False, ["FLAG_NORMALISED"]),
    (" 是", True, ["WHITESPACE_TRIMMED"]), (2.0, INVALID, ["BAD_FLAG"]), ("x", INVALID, ["BAD_FLAG"]),
    ("有", INVALID, ["BAD_FLAG"]), (dt.date(2024, 1, 1), INVALID, ["BAD_FLAG"]),
])
def test_flag(raw, value, codes):
    assert run(raw, SPEND.column("countersigned")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    (dt.date(2024, 3, 5), dt.date(2024, 3, 5), []), (dt.datetime(2024, 3, 5), dt.date(2024, 3, 5), []),
    ("2024-3-5 10:30", dt.date(2024, 3, 5), ["DATE_FROM_TEXT"]), ("2024 年 3 月 5 号", dt.date(2024, 3, 5), ["DATE_FROM_TEXT"]),
    ("２０２４／３／５", dt.date(2024, 3, 5), ["FULLWIDTH_NORMALISED", "DATE_FROM_TEXT"]),
    ("2024/3-5", INVALID, ["BAD_DATE"]), ("2024年3月", INVALID, ["BAD_DATE"]), ("20241305", INVALID, ["BAD_DATE"]),
    (45356.75, dt.date(2024, 3, 5), ["DATE_FROM_SERIAL"]), (100.0, INVALID, ["BAD_DATE"]),
    (dt.date(2101, 1, 1), INVALID, ["BAD_DATE"]), (dt.time(10, 0), INVALID, ["BAD_DATE"]), (True, INVALID, ["BAD_DATE"]),
])
def test_date(raw, value, codes):
    assert run(raw, CARD.column("date")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    (3.0, 3, []), ("3", 3, ["NUMBER_AS_TEXT"]), ("第3名", 3, ["RANK_FROM_TEXT"]), ("3名", 3, ["RANK_FROM_TEXT"]),
    ("第 3", 3, ["RANK_FROM_TEXT"]), ("第0名", INVALID, ["RANK_OUT_OF_RANGE"]), (-1.0, INVALID, ["RANK_OUT_OF_RANGE"]),
    (2.5, INVALID, ["NOT_AN_INTEGER"]), ("第三名", INVALID, ["NOT_A_NUMBER"]), ("倒数第1", INVALID, ["NOT_A_NUMBER"]),
])
def test_rank(raw, value, codes):
    assert run(raw, RANKING.column("rank")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    (1.0, 1, []), ("2", 2, ["NUMBER_AS_TEXT"]), (3.0, INVALID, ["BAD_ROUND"]), (1.5, INVALID, ["BAD_ROUND"]),
    ("上半年", INVALID, ["BAD_ROUND"]),
])
def test_round(raw, value, codes):
    assert run(raw, IMAGE.column("round")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    ("乡镇", "乡镇", []), ("乡镇 ", "乡镇", ["WHITESPACE_TRIMMED"]), ("街道", INVALID, ["BAD_CHOICE"]),
    (1.0, INVALID, ["BAD_CHOICE"]),
])
def test_choice(raw, value, codes):
    assert run(raw, RANKING.column("unit_type")) == (value, codes)


@pytest.mark.parametrize("raw, value, codes", [
    (85.5, 85.5, []), (0.0, 0.0, []), (100.0, 100.0, []), ("好", "好", []), ("较好 ", "较好", ["WHITESPACE_TRIMMED"]),
    ("90", 90.0, ["NUMBER_AS_TEXT"]), (100.5, INVALID, ["SCORE_OUT_OF_RANGE"]), ("-1", INVALID, ["SCORE_OUT_OF_RANGE"]),
    ("优", INVALID, ["BAD_GRADE"]), (True, INVALID, ["BAD_GRADE"]), (dt.date(2024, 1, 1), INVALID, ["BAD_GRADE"]),
])
def test_score_or_grade(raw, value, codes):
    assert run(raw, FIVE.column("loyalty")) == (value, codes)


def test_display_value_is_what_excel_shows():
    assert [display_value(v) for v in (2024.0, 1.25, True, dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 9, 0), "x")] \
        == ["2024", "1.25", "TRUE", "2024-03-05", "2024-03-05 09:00:00", "x"]
    assert number_text(1e20) == "1e+20"
