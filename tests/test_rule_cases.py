"""Every rule's own must-fire / must-not-fire cases, run through the real engine (sqlfluff style).

The test id is the rule id plus the case name. Cases live in tests/rule_cases/<RULE_ID>.yaml.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.evaluation.evaluate import evaluate_records
from engine.rules.load import RULES_DIR, load_scorecard, parse_model, read_yaml
from engine.rules.model import RuleCases

CASES_DIR = Path(__file__).parent / "rule_cases"


def _all_cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = parse_model(path, RuleCases, read_yaml(path))
        assert spec.rule == path.stem, f"{path}: rule must equal the file name"
        for case in spec.cases:
            yield pytest.param(spec.rule, case, id=f"{spec.rule}::{case.name}")


@pytest.mark.parametrize(("rule_id", "case"), list(_all_cases()))
def test_rule_case(rule_id, case):
    scorecard = load_scorecard(overrides=case.parameters)
    scope = scorecard.rule(rule_id).rule.scope
    record = {"year": 2025, **case.facts}
    (outcome,) = evaluate_records(scorecard, {scope: [record]}).outcomes[scope]
    fired = {f.rule.id: f for f in outcome.firings}
    assert (rule_id in fired) is case.fires
    if case.fires and case.clauses is not None:
        assert fired[rule_id].clauses == case.clauses


def _rule_ids():
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml"))


@pytest.mark.parametrize("rule_id", _rule_ids())
def test_catalogue_entry_complete(rule_id):
    """Every rule has title, what, why, a verbatim source quote, and firing + non-firing cases."""
    scorecard = load_scorecard()
    rule = scorecard.rule(rule_id).rule  # loading checked the quote is verbatim in the source
    assert rule.title and rule.what and rule.why and rule.source.quote
    cases_path = CASES_DIR / f"{rule_id}.yaml"
    assert cases_path.is_file(), f"{rule_id} has no cases file"
    cases = parse_model(cases_path, RuleCases, read_yaml(cases_path)).cases
    assert any(c.fires for c in cases), f"{rule_id}: no case that must fire"
    assert any(not c.fires for c in cases), f"{rule_id}: no case that must not fire"


def test_every_rule_file_is_in_the_default_scorecard():
    scorecard = load_scorecard()
    assert sorted(r.id for r in scorecard.rules) == _rule_ids()
