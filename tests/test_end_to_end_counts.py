"""End to end, tightened (issue 7, item 24): consequence COUNTS per leader-year, every year.

The older end-to-end test compares, for 2025 only, each leader's set of codes with the planted
cases. Here the sample is scored for all three years and every leader-year's consequences are
compared as {code: count} with tests/sample_consequence_counts.json: a consequence that fires
twice instead of once (an image round counted twice, a countersign per row instead of per
unit-year) or a leader-year that gains or loses one now fails.

The file was written from this engine's output and checked: 2025 agrees with the planted cases
(asserted below), image consequences fire once per round, CIRCULATE_CRITICISM lands on each of
the unit's top leaders. After a deliberate change to the sample or the rules, check the
difference by hand, then rewrite it with the command in `_regenerate` below.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from engine import load_scorecard, read_workbook, score
from engine.input.sample_packs import PACK_CASES
from engine.input.sample import YEARS, expected_2025

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "scorecards" / "samples" / "sample_county.xlsx"
EXPECTED = Path(__file__).with_name("sample_consequence_counts.json")


def _counts(result) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for leader in result.results:
        codes = Counter(c.code for c in leader.consequences)
        out.setdefault(str(leader.year), {})[leader.leader_id] = dict(sorted(codes.items()))
    return out


@pytest.fixture(scope="module")
def counts() -> dict[str, dict[str, dict[str, int]]]:
    return _counts(score(read_workbook(SAMPLE), load_scorecard(), years=list(YEARS)))


def test_every_leader_year_of_every_year_has_exactly_its_consequence_counts(counts):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert sorted(counts) == sorted(expected) == [str(y) for y in YEARS]
    for year in expected:
        assert counts[year] == expected[year], year


def test_the_expected_counts_agree_with_the_planted_cases(counts):
    planted = expected_2025()
    scorecard = load_scorecard()
    for case in PACK_CASES:   # second-wave packs: rule ids (and clauses) → their codes
        planted.setdefault(case.leader_id, set()).update(
            scorecard.rule(e.split(":")[0]).rule.then.code for e in case.expect)
    fired = {lid: set(codes) for lid, codes in counts["2025"].items() if codes}
    assert fired == {lid: codes for lid, codes in planted.items() if codes}


def _regenerate() -> None:  # pragma: no cover - run by hand, see the module doc
    """python3 -c "import sys; sys.path.insert(0, 'tests'); import test_end_to_end_counts as t; t._regenerate()" """
    data = _counts(score(read_workbook(SAMPLE), load_scorecard(), years=list(YEARS)))
    lines = ["{"]
    for yi, year in enumerate(sorted(data)):
        items = sorted(data[year].items())
        lines.append(f'  "{year}": {{')
        lines += [f'    "{lid}": {json.dumps(codes, ensure_ascii=False)}{"," if i < len(items) - 1 else ""}'
                  for i, (lid, codes) in enumerate(items)]
        lines.append("  }" + ("," if yi < len(data) - 1 else ""))
    EXPECTED.write_text("\n".join(lines + ["}"]) + "\n", encoding="utf-8")
