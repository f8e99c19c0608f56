"""The sample workbook: committed file == build_sample(), data is valid, planted cases hold.

The planted cases are checked with a small evaluator written here from the SPEC
text (3.1–3.5, default parameters), independent of the engine, so the README's
promises about 2025 are true of the data.
"""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from engine.input.sample import (
    LATEST, PLANTED_CASES, YEARS, build_sample, expected_2025, render_readme, write_sample,
)
from engine.input.sheets import FIVE_DIMENSIONS, GRADES, SHEETS, Kind

SAMPLES = Path(__file__).resolve().parent.parent / "scorecards" / "samples"
SAMPLE_XLSX = SAMPLES / "sample_county.xlsx"
Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def data() -> dict[str, Rows]:
    return build_sample()


def _read_back(path: Path) -> dict[str, Rows]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, Rows] = {}
    for spec in SHEETS:
        ws = wb[spec.zh]
        assert [c.value for c in ws[1]] == [c.zh for c in spec.columns]
        out[spec.en] = [
            {c.en: (v.date() if isinstance(v, datetime) else v) for c, v in zip(spec.columns, row)}
            for row in ws.iter_rows(min_row=2, values_only=True)
        ]
    return out


# ----------------------------------------------------------------------------- file

def test_committed_file_matches_build_sample(data) -> None:
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    assert wb.sheetnames == [s.zh for s in SHEETS]
    assert _read_back(SAMPLE_XLSX) == data


def test_regenerating_gives_identical_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_sample(a)
    write_sample(b)
    assert a.read_bytes() == b.read_bytes()


def test_committed_readme_is_current() -> None:
    assert (SAMPLES / "README.md").read_text(encoding="utf-8") == render_readme()


# ----------------------------------------------------------------------------- validity

def test_size_years_categories(data) -> None:
    roster = data["roster"]
    assert len({r["leader_id"] for r in roster}) >= 35
    assert sorted({r["year"] for r in roster}) == [2023, 2024, 2025]
    units = {(r["unit"], r["unit_type"]) for r in roster}
    kinds = Counter(t for _, t in units)
    assert kinds["乡镇"] == 8 and kinds["县直单位"] == 10 and kinds["其他"] == 2
    for year in YEARS:
        tops = Counter(r["unit"] for r in roster if r["year"] == year and r["is_top"] == "是")
        assert set(tops.values()) == {2}, year  # 书记 and 行政正职 in every unit


def test_required_cells_filled_and_kinds(data) -> None:
    for spec in SHEETS:
        for row in data[spec.en]:
            for col in spec.columns:
                value = row[col.en]
                if col.required:
                    assert value not in (None, ""), (spec.en, col.en, row)
                if value is None:
                    continue
                if col.kind is Kind.FLAG:
                    assert value in ("是", "否")
                elif col.kind is Kind.CHOICE:
                    assert value in col.choices
                elif col.kind is Kind.DATE:
                    assert isinstance(value, date)
                elif col.kind is Kind.POINTS:
                    assert value > 0 and round(value, 2) == value
                elif col.kind is Kind.AMOUNT:
                    assert value >= 0
                elif col.kind is Kind.SCORE_OR_GRADE:
                    assert value in GRADES or 0 <= value <= 100
                elif col.kind is Kind.TEXT:
                    assert value == value.strip() or value.endswith("\u3000")  # planted full-width space


@pytest.mark.parametrize("sheet, key", [
    ("roster", ("year", "leader_id")),
    ("five_reinforcements", ("year", "leader_id")),
    ("annual_ranking", ("year", "unit")),
    ("image_ranking", ("year", "round", "unit")),
])
def test_keys_unique(data, sheet: str, key: tuple[str, ...]) -> None:
    keys = [tuple(r[k] for k in key) for r in data[sheet]]
    assert len(keys) == len(set(keys))


def _is_competition_ranking(ranks: list[int]) -> bool:
    """Each rank = 1 + number of strictly better entries (ties share, then skip)."""
    return all(r == 1 + sum(1 for x in ranks if x < r) for r in ranks)


def test_competition_ranking_helper() -> None:
    assert _is_competition_ranking([1, 2, 2, 4])
    assert not _is_competition_ranking([1, 2, 2, 3])
    assert not _is_competition_ranking([1, 3])


def test_rankings_are_competition_rankings(data) -> None:
    groups: dict[tuple, list[int]] = defaultdict(list)
    for r in data["annual_ranking"]:
        groups[("annual", r["year"], r["unit_type"])].append(r["rank"])
    for r in data["image_ranking"]:
        groups[("image", r["year"], r["round"])].append(r["rank"])
    assert len(groups) == 3 * 3 + 3 * 2
    for key, ranks in groups.items():
        assert _is_competition_ranking(ranks), key
    assert any(len(set(r)) < len(r) for r in groups.values())  # at least one tie


def test_rankings_cover_every_unit_of_the_roster(data) -> None:
    for year in YEARS:
        roster_units = {(r["unit"], r["unit_type"]) for r in data["roster"] if r["year"] == year}
        annual = {(r["unit"], r["unit_type"]) for r in data["annual_ranking"] if r["year"] == year}
        assert annual == roster_units
        for rnd in (1, 2):
            image = {r["unit"] for r in data["image_ranking"] if (r["year"], r["round"]) == (year, rnd)}
            assert image == {u for u, t in roster_units if t == "县直单位"}


def test_rows_reference_rostered_leaders(data) -> None:
    rostered = {(r["year"], r["leader_id"]) for r in data["roster"]}
    for sheet in ("deductions", "portfolios", "five_reinforcements"):
        assert {(r["year"], r["leader_id"]) for r in data[sheet]} <= rostered, sheet
    assert {(r["year"], r["leader_id"]) for r in data["five_reinforcements"]} == rostered
    units = {(r["year"], r["unit"]) for r in data["roster"]}
    assert {(r["year"], r["unit"]) for r in data["expenditures"]} == units


# ----------------------------------------------------------------------------- SPEC 3.1–3.5

GRADE_SCORE = {"好": 95, "较好": 85, "一般": 70, "差": 50}
DIRECT_KEYWORDS = {  # a minimal synonym list, enough for the planted texts
    "干部人事": ("人事",), "工程招标": ("招标", "招投标"), "行政审批": ("审批",),
    "物资采购": ("采购",), "财务": ("财务", "财政", "资金审批"),
}
NOT_DIRECT = ("联系", "协管", "协助")       # SPEC 3.4 / issue 13: liaising or assisting is not 直接分管
TRADITIONAL = str.maketrans("財務", "财务")  # enough for the planted 財務管理
SEPARATORS = "、，,;；"


class Spec:
    """The SPEC's default rules over build_sample() data, for one year."""

    def __init__(self, data: dict[str, Rows], year: int = LATEST):
        self.data, self.year = data, year
        self.roster = {(r["year"], r["leader_id"]): r for r in data["roster"]}
        self.points: dict[tuple[int, str], float] = defaultdict(float)
        for d in data["deductions"]:
            self.points[(d["year"], d["leader_id"])] += d["points"]

    def leaders(self) -> list[dict[str, Any]]:
        return [r for (y, _), r in self.roster.items() if y == self.year]

    def p(self, leader_id: str, year: int) -> float | None:
        """P(Y); None when the leader was not assessed that year (breaks 'consecutive')."""
        if (year, leader_id) not in self.roster:
            return None
        return round(self.points[(year, leader_id)], 2)

    def window(self, leader_id: str, years: int) -> float | None:
        values = [self.p(leader_id, self.year - k) for k in range(years)]
        return None if None in values else round(sum(values), 2)

    def card(self, leader: dict) -> set[str]:
        lid, codes = leader["leader_id"], set()
        p = self.p(lid, self.year)
        if p >= 4:
            codes.add("DISQUALIFY_AWARDS")
        if p >= 6:
            codes.add("WITHHOLD_BONUS_50")
        two, three = self.window(lid, 2), self.window(lid, 3)
        if p >= 10 or (two is not None and two >= 12) or (three is not None and three >= 14):
            codes.add("DEMOTE_REMOVE_OR_RESIGN")
        return codes

    def bottom(self, year: int, unit: str, unit_type: str | None = None) -> int | None:
        """SPEC 2: b = 1 + the units of the category ranked strictly worse (units tied for last are all
        倒数第一); looked up within `unit_type` when given (a unit that changed category has no b)."""
        rows = [r for r in self.data["annual_ranking"] if r["year"] == year]
        mine = [r for r in rows if r["unit"] == unit and unit_type in (None, r["unit_type"])]
        if not mine:
            return None
        return 1 + sum(1 for r in rows if r["unit_type"] == mine[0]["unit_type"] and r["rank"] > mine[0]["rank"])

    def elimination(self, leader: dict) -> set[str]:
        bands = {"乡镇": ({1}, {2, 3}), "县直单位": ({1, 2}, {3, 4, 5})}
        if leader["is_top"] != "是" or leader["unit_type"] not in bands:
            return set()
        single, two = bands[leader["unit_type"]]
        b = self.bottom(self.year, leader["unit"])
        b_prev = self.bottom(self.year - 1, leader["unit"], leader["unit_type"])
        if b in single:
            return {"ELIMINATION_ADJUST_POST"}
        if b in two and b_prev in two:
            prev = self.roster.get((self.year - 1, leader["leader_id"]))
            held = prev is not None and prev["unit"] == leader["unit"] and prev["is_top"] == "是"
            return {"ELIMINATION_ADJUST_POST" if held else "MANUAL_REVIEW"}
        return set()

    def image_round(self, year: int, rnd: int, unit: str) -> tuple[int, int] | None:
        rows = [r for r in self.data["image_ranking"] if (r["year"], r["round"]) == (year, rnd)]
        mine = [r["rank"] for r in rows if r["unit"] == unit]
        return (mine[0], 1 + sum(1 for r in rows if r["rank"] > mine[0])) if mine else None  # ties as in bottom()

    def image(self, leader: dict) -> set[str]:
        if leader["is_top"] != "是":
            return set()
        unit, codes = leader["unit"], set()
        rounds = [(self.year - 1, 2), (self.year, 1), (self.year, 2)]
        low = [(r := self.image_round(y, n, unit)) is not None and r[1] <= 3 for y, n in rounds]
        for y, n in rounds[1:]:
            r = self.image_round(y, n, unit)
            if r and r[0] <= 5:
                codes.add("PRAISE")
            if r and r[1] <= 3:
                codes |= {"CIRCULATE_CRITICISM", "WRITTEN_SELF_CRITICISM"}
        # image.require_tenure: across the year boundary the leader must have been the unit's 一把手 in Y-1
        prev = self.roster.get((self.year - 1, leader["leader_id"]))
        held = prev is not None and prev["unit"] == unit and prev["is_top"] == "是"
        if (low[0] and low[1] and held) or (low[1] and low[2]):
            codes.add("ADMONITION")
        elif low[0] and low[1]:
            codes.add("MANUAL_REVIEW")
        return codes

    def direct_categories(self, leader: dict) -> list[str]:
        cells = [r["portfolio"] for r in self.data["portfolios"]
                 if (r["year"], r["leader_id"]) == (self.year, leader["leader_id"])]
        text = unicodedata.normalize("NFKC", "、".join(cells)).translate(TRADITIONAL)
        for sep in SEPARATORS:
            text = text.replace(unicodedata.normalize("NFKC", sep), "、")
        items = [i.strip() for i in text.split("、") if i.strip() and not any(w in i for w in NOT_DIRECT)]
        return [cat for cat, words in DIRECT_KEYWORDS.items()
                if any(w in item for item in items for w in words)]

    def direct_charge(self, leader: dict) -> set[str]:
        if leader["is_top"] != "是" or not self.direct_categories(leader):
            return set()
        return {"DIRECT_CHARGE_VIOLATION"}

    def unsigned(self, unit: str) -> list[float]:
        return [r["amount"] for r in self.data["expenditures"]
                if r["year"] == self.year and r["unit"] == unit
                and r["amount"] >= 3000 and r["countersigned"] == "否"]

    def countersign(self, leader: dict) -> set[str]:
        ok = leader["is_top"] != "是" or not self.unsigned(leader["unit"])
        return set() if ok else {"COUNTERSIGN_MISSING"}

    def five_scores(self, leader: dict) -> list[float]:
        (row,) = [r for r in self.data["five_reinforcements"]
                  if (r["year"], r["leader_id"]) == (self.year, leader["leader_id"])]
        return [GRADE_SCORE.get(row[d.en], row[d.en]) for d in FIVE_DIMENSIONS]

    def five(self, leader: dict) -> set[str]:
        return {"TALK_REMINDER"} if min(self.five_scores(leader)) < 60 else set()


FAMILIES = ("card", "elimination", "image", "direct_charge", "countersign", "five")


@pytest.fixture(scope="module")
def spec(data) -> Spec:
    return Spec(data)


def test_card_numbers_as_planted(spec: Spec) -> None:
    """(2023, 2024, 2025) points, the two- and three-year sums, as the brief asked."""
    expected = {
        "QH003": (1, 2, 4), "QH004": (0, 0, 3.5), "QH011": (0, 1, 6), "QH014": (0, 0, 10),
        "QH017": (0, 5, 7), "QH020": (1, 6, 5.5), "QH023": (0, 5.5, 6), "QH026": (5, 4, 5),
        "QH029": (4, 5, 4.5), "QH037": (None, 6, 7),
    }
    for lid, points in expected.items():
        assert tuple(spec.p(lid, y) for y in YEARS) == points, lid
    assert spec.window("QH017", 2) == 12 and spec.window("QH026", 3) == 14
    assert spec.window("QH020", 2) == 11.5 and spec.window("QH029", 3) == 13.5
    assert spec.window("QH037", 2) == 13 and spec.window("QH037", 3) is None


def test_boundary_data_as_planted(spec: Spec) -> None:
    assert spec.bottom(2025, "双河乡") == 1
    assert (spec.bottom(2024, "柳河镇"), spec.bottom(2025, "柳河镇")) == (2, 3)
    assert (spec.bottom(2024, "青山乡"), spec.bottom(2025, "青山乡")) == (1, 2)
    assert spec.bottom(2025, "县自然资源局") == spec.bottom(2025, "县住建局") == 1   # tied for last
    assert spec.image_round(2025, 2, "县市场监管局") == spec.image_round(2025, 2, "县交通运输局") == (7, 3)
    assert (spec.bottom(2024, "县交通运输局"), spec.bottom(2025, "县交通运输局")) == (4, 5)
    assert spec.bottom(2025, "县市场监管局") == 6
    assert spec.roster[(2024, "QH007")]["is_top"] == "否"
    assert spec.roster[(2025, "QH007")]["is_top"] == "是"
    assert spec.unsigned("县卫健局") == [3000]
    assert sorted(spec.unsigned("县农业农村局")) == [15800, 42000]
    assert spec.unsigned("白沙镇") == []
    assert 2999.99 in [r["amount"] for r in spec.data["expenditures"] if r["unit"] == "白沙镇"]
    assert spec.direct_categories(spec.roster[(2025, "QH031")]) == ["干部人事", "财务"]
    assert spec.direct_categories(spec.roster[(2025, "QH002")]) == ["行政审批"]


@pytest.mark.parametrize("case", PLANTED_CASES, ids=lambda c: f"{c.family}-{'-'.join(c.leader_ids)}")
def test_planted_case_holds(spec: Spec, case) -> None:
    for lid in case.leader_ids:
        leader = spec.roster[(LATEST, lid)]
        assert getattr(spec, case.family)(leader) == set(case.expect), lid


def test_planted_cases_are_all_of_2025(spec: Spec) -> None:
    """Nobody outside the README fires in these families in 2025."""
    for family in FAMILIES:
        listed = {lid for c in PLANTED_CASES if c.family == family for lid in c.leader_ids}
        firing = {r["leader_id"] for r in spec.leaders() if getattr(spec, family)(r)}
        assert firing <= listed, family


def test_every_code_fires_somewhere() -> None:
    codes = set().union(*expected_2025().values())
    assert codes == {
        "DISQUALIFY_AWARDS", "WITHHOLD_BONUS_50", "DEMOTE_REMOVE_OR_RESIGN",
        "ELIMINATION_ADJUST_POST", "MANUAL_REVIEW", "PRAISE", "CIRCULATE_CRITICISM",
        "WRITTEN_SELF_CRITICISM", "ADMONITION", "DIRECT_CHARGE_VIOLATION",
        "COUNTERSIGN_MISSING", "TALK_REMINDER",
    }
    families = Counter(c.family for c in PLANTED_CASES if not c.expect)
    assert set(families) == set(FAMILIES)  # a near miss in every family


def test_readme_names_every_planted_leader() -> None:
    text = render_readme()
    for case in PLANTED_CASES:
        for lid in case.leader_ids:
            assert lid in text
