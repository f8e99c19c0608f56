"""scorecard sweep: leaders per consequence per value, saved and charted (issue 9, item 2)."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from engine.output.sweep import RangeError, parse_range
from engine.rules.load import load_scorecard
from engine.rules.model import CONSEQUENCE_CODES, code_label  # code_label: no parameter-dependent number across sweep values

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "scorecards" / "samples" / "sample_county.xlsx"
STRICT = ROOT / "scorecards" / "scenarios" / "strict.yaml"
PNG = b"\x89PNG\r\n\x1a\n"


def _codes() -> list[str]:
    card = load_scorecard()
    made = {r.rule.then.code for r in card.rules if hasattr(r.rule.then, "code")}
    return [c for c in CONSEQUENCE_CODES if c in made]


def test_range_includes_stop_and_does_not_drift():
    assert parse_range("3:5:0.5") == [3, 3.5, 4, 4.5, 5]
    assert parse_range("0.1:0.3:0.1") == [0.1, 0.2, 0.3]
    assert parse_range("1:2:5") == [1]
    for bad in ("3:5", "5:3:1", "3:5:0", "a:b:c", "1:2:-1"):
        with pytest.raises(RangeError):
            parse_range(bad)


def test_sweep_writes_json_xlsx_and_chart_with_a_stable_column_set(tmp_path, capsys):
    args = ["sweep", str(SAMPLE), "card.disqualify_awards", "--range", "3:5:0.5", "--year", "all",
            "--json", str(tmp_path / "s.json"), "--out", str(tmp_path / "s.xlsx"), "--chart", str(tmp_path / "s.png")]
    assert main(args) == 0
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    codes = _codes()
    assert [c["code"] for c in doc["codes"]] == codes
    assert [(r["year"], r["value"]) for r in doc["rows"]] == [(y, v) for y in (2023, 2024, 2025)
                                                              for v in (3, 3.5, 4, 4.5, 5)]
    assert all(list(r["counts"]) == codes for r in doc["rows"])  # every code, even those that never fire
    rows_2025 = [r for r in doc["rows"] if r["year"] == 2025]
    assert [r["counts"]["DISQUALIFY_AWARDS"] for r in rows_2025] == [10, 10, 9, 8, 7]
    assert rows_2025[0]["newly_affected"] is None
    assert [(m["leader_id"], m["codes"]) for m in rows_2025[2]["no_longer_affected"]] == \
        [("QH004", ["DISQUALIFY_AWARDS"])]
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb.sheetnames == ["各取值人数", "较上一取值的变化", "后果代码", "图表"]
    header = [c.value for c in wb["各取值人数"][1]]
    assert header == ["年度", "参数 card.disqualify_awards 取值", *(code_label(c) for c in codes),
                      "较上一取值新增受影响人数", "较上一取值不再受影响人数"]
    assert len(wb["图表"]._images) == 1
    assert (tmp_path / "s.png").read_bytes().startswith(PNG)
    out = capsys.readouterr().out
    assert "取消该年度评比各类先进资格" in out and "DISQUALIFY_AWARDS" not in out


def test_sweep_newly_affected_and_list_valued_bands(tmp_path):
    out = tmp_path / "s.json"
    assert main(["sweep", str(SAMPLE), "elimination.township.single_year", "[1]", "[1,2]", "--year", "2025",
                 "--json", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [r["value"] for r in doc["rows"]] == [[1], [1, 2]]
    assert [r["counts"]["ELIMINATION_ADJUST_POST"] for r in doc["rows"]] == [9, 11]
    assert [(m["leader_id"], m["name"], m["codes"]) for m in doc["rows"][1]["newly_affected"]] == [
        ("QH018", "高建平", ["ELIMINATION_ADJUST_POST"]), ("QH019", "林秀英", ["ELIMINATION_ADJUST_POST"])]


def test_sweep_takes_scenario_and_set(tmp_path):
    out = tmp_path / "s.json"
    assert main(["sweep", str(SAMPLE), "card.withhold_bonus", "5", "6", "--scenario", str(STRICT),
                 "--set", "card.disqualify_awards=10", "--json", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [r["counts"]["DISQUALIFY_AWARDS"] for r in doc["rows"]] == [1, 1]  # the --set is in force
    assert main(["sweep", str(SAMPLE), "card.withhold_bonus", "5", "--set", "card.withhold_bonus=3"]) == 2


def test_values_or_range_not_both(capsys):
    assert main(["sweep", str(SAMPLE), "card.disqualify_awards"]) == 2
    assert main(["sweep", str(SAMPLE), "card.disqualify_awards", "3", "--range", "3:4:1"]) == 2
    assert main(["sweep", str(SAMPLE), "card.disqualify_awards", "--range", "4:3:1"]) == 2
    assert "START:STOP:STEP" in capsys.readouterr().err


def test_sweep_and_diff_run_on_facts_derived_once_with_either_backend(tmp_path):
    docs = []
    for backend in ("vectorized", "durable"):
        out = tmp_path / f"{backend}.json"
        assert main(["sweep", str(SAMPLE), "image.praise_top", "3", "5", "--backend", backend, "--cross-check",
                     "--json", str(out)]) == 0
        docs.append(out.read_bytes())
    assert docs[0] == docs[1]
    assert main(["diff", str(SAMPLE), "--set", "ranking.tie_position=n_minus_rank_plus_1", "--year", "all",
                 "--cross-check", "--json", str(tmp_path / "d.json")]) == 0  # a parameter that changes facts
