"""Rules with effective years: a run for year Y applies only the rules in force in Y, and says
which were skipped and why (JSON rules_not_in_force, the report's 规则 sheet)."""
from __future__ import annotations

from pathlib import Path

import pytest
from projtools import copy_project

from engine.evaluation.scoring import score
from engine.input.workbook import read_workbook
from engine.output.report import build_report
from engine.rules import load

SAMPLE = Path(__file__).resolve().parents[1] / "scorecards" / "samples" / "sample_county.xlsx"


def codes_per_year(result, code: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for r in result.results:
        out[r.year] = out.get(r.year, 0) + sum(c.code == code for c in r.consequences)
    return out


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    copy_project(tmp_path, monkeypatch)
    return tmp_path


def set_years(home: Path, rule_id: str, text: str) -> None:
    path = home / "rules" / f"{rule_id}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nthen:", f"\n{text}\nthen:", 1), encoding="utf-8")


def test_a_rule_applies_only_in_its_effective_years(home):
    book = read_workbook(SAMPLE)
    before = codes_per_year(score(book, load.load_scorecard(), years=[2024, 2025]), "DISQUALIFY_AWARDS")
    assert before[2024] > 0 and before[2025] > 0
    set_years(home, "CARD_DISQUALIFY_AWARDS", "effective_from: 2025")
    result = score(book, load.load_scorecard(), years=[2024, 2025])
    assert codes_per_year(result, "DISQUALIFY_AWARDS") == {2024: 0, 2025: before[2025]}
    (skipped,) = result.rules_not_in_force
    assert (skipped.rule_id, skipped.years) == ("CARD_DISQUALIFY_AWARDS", [2024])
    assert skipped.reason_zh == "规则生效年度：2025年起；2024年度不适用，未评估"
    info = next(r for r in result.rules if r.id == "CARD_DISQUALIFY_AWARDS")
    assert (info.effective_from, info.effective_to) == (2025, None)
    sheet = build_report(result)["规则"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "CARD_DISQUALIFY_AWARDS")
    assert row[3:5] == ("2025年起", "规则生效年度：2025年起；2024年度不适用，未评估")


def test_a_concluding_rule_out_of_force_stops_the_chain(home):
    book = read_workbook(SAMPLE)
    before = codes_per_year(score(book, load.load_scorecard(), years=[2025]), "ELIMINATION_ADJUST_POST")
    assert before[2025] > 0
    set_years(home, "ELIMINATION_SINGLE_YEAR", "effective_to: 2024")
    set_years(home, "ELIMINATION_TWO_YEARS", "effective_to: 2024")
    result = score(book, load.load_scorecard(), years=[2025])
    assert codes_per_year(result, "ELIMINATION_ADJUST_POST") == {2025: 0}
    assert sorted(s.rule_id for s in result.rules_not_in_force) == ["ELIMINATION_SINGLE_YEAR", "ELIMINATION_TWO_YEARS"]
    assert result.rules_not_in_force[0].reason_zh == "规则生效年度：至2024年；2025年度不适用，未评估"


def test_effective_years_in_the_wrong_order_are_refused(home):
    set_years(home, "CARD_DEMOTE", "effective_from: 2025\neffective_to: 2020")
    with pytest.raises(load.RuleFileError, match="effective_from 2025 is after effective_to 2020"):
        load.load_scorecard()
