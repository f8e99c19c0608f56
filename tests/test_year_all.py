"""--year all on run, diff, sweep and explain equals running each year alone (issue 9, item 4)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "scorecards" / "samples" / "sample_county.xlsx"
YEARS = (2023, 2024, 2025)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_run_all_equals_each_year_alone(tmp_path):
    def run(tag: str, year: str) -> dict:
        assert main(["run", str(SAMPLE), "--year", year, "--no-charts", "--out", str(tmp_path / f"{tag}.xlsx"),
                     "--json", str(tmp_path / f"{tag}.json")]) == 0
        return _json(tmp_path / f"{tag}.json")

    every = run("all", "all")
    alone = [run(str(y), str(y)) for y in YEARS]
    assert every["years"] == list(YEARS)
    assert every["results"] == [r for one in alone for r in one["results"]]
    # Each year keeps its own windows: 2023 has no complete two-year window, 2025 has three-year ones.
    by_year = {y: [r["scores"]["deduction_points_3y"] for r in every["results"] if r["year"] == y] for y in YEARS}
    assert all(v is None for v in by_year[2023]) and any(v is not None for v in by_year[2025])


def test_diff_all_equals_each_year_alone(tmp_path):
    def diff(year: str) -> dict:
        out = tmp_path / f"d{year}.json"
        assert main(["diff", str(SAMPLE), "--set", "card.withhold_bonus=5", "--set", "image.praise_top=4",
                     "--year", year, "--json", str(out)]) == 0
        return _json(out)

    every = diff("all")
    alone = [diff(str(y)) for y in YEARS]
    assert every["changes"] == [c for one in alone for c in one["changes"]]
    assert {y for y in YEARS if any(c["year"] == y for c in every["changes"])} == set(YEARS)
    assert [c["before"] for c in every["counts"]] == [sum(c) for c in zip(*([x["before"] for x in one["counts"]]
                                                                              for one in alone))]


def test_sweep_all_equals_each_year_alone(tmp_path):
    def sweep(year: str) -> dict:
        out = tmp_path / f"s{year}.json"
        assert main(["sweep", str(SAMPLE), "card.disqualify_awards", "3", "4", "--year", year,
                     "--json", str(out)]) == 0
        return _json(out)

    every = sweep("all")
    assert every["rows"] == [r for y in YEARS for r in sweep(str(y))["rows"]]


def test_explain_all_equals_each_year_alone(capsys):
    assert main(["explain", str(SAMPLE), "--year", "all"]) == 0
    every = capsys.readouterr().out
    parts = []
    for year in YEARS:
        assert main(["explain", str(SAMPLE), "--year", str(year)]) == 0
        parts.append(capsys.readouterr().out.strip())
    assert every.strip() == "\n\n".join(parts)


def test_a_year_that_is_not_a_year(capsys):
    assert main(["run", str(SAMPLE), "--year", "alle"]) == 2
    assert "all" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["explain"], ["diff", "--set", "card.disqualify_awards=3"]])
def test_all_mixed_with_a_year_is_still_every_year(capsys, command):
    assert main([command[0], str(SAMPLE), *command[1:], "--year", "all", "--year", "2024"]) == 0
    assert "2023" in capsys.readouterr().out
