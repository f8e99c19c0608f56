"""Loading rule files, scorecards and scenarios: every error names the file and says why.

Each test builds its own tree in tmp_path (a copy of rules/ including rules/sources/,
and a scorecard yaml written there) and points engine.rules.load's module-level
directories at it, so the real rule files are never touched.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

import engine.rules.load as load
from engine.rules.conditions import Compare, Const, parse_condition
from engine.evaluation.facts import fact_types
from engine.rules.load import RuleFileError, load_scorecard

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- tree helpers
class Tree:
    """A throw-away project root: rules/ (with sources/) and scorecards/county.yaml."""

    def __init__(self, root: Path):
        self.root = root
        self.rules = root / "rules"
        self.sources = self.rules / "sources"
        self.scorecards = root / "scorecards"
        self.scorecard = self.scorecards / "county.yaml"

    def rule_path(self, rule_id: str) -> Path:
        return self.rules / f"{rule_id}.yaml"

    def read_rule(self, rule_id: str) -> dict[str, Any]:
        return yaml.safe_load(self.rule_path(rule_id).read_text(encoding="utf-8"))

    def write_rule(self, rule_id: str, data: dict[str, Any], file_name: str | None = None) -> Path:
        path = self.rules / f"{file_name or rule_id}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def edit_rule(self, rule_id: str, mutate: Callable[[dict[str, Any]], None]) -> Path:
        data = self.read_rule(rule_id)
        mutate(data)
        return self.write_rule(rule_id, data)

    def scorecard_data(self) -> dict[str, Any]:
        return yaml.safe_load(self.scorecard.read_text(encoding="utf-8"))

    def write_scorecard(self, data: dict[str, Any], name: str = "county.yaml") -> Path:
        path = self.scorecards / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path


def _point_at(monkeypatch: pytest.MonkeyPatch, root: Path) -> Tree:
    tree = Tree(root)
    shutil.copytree(REPO / "rules", tree.rules)
    tree.scorecards.mkdir(parents=True)
    shutil.copyfile(REPO / "scorecards" / "county.yaml", tree.scorecard)
    monkeypatch.setattr(load, "PROJECT_ROOT", root)
    monkeypatch.setattr(load, "RULES_DIR", tree.rules)
    monkeypatch.setattr(load, "SOURCES_DIR", tree.sources)
    monkeypatch.setattr(load, "SCORECARDS_DIR", tree.scorecards)
    monkeypatch.setattr(load, "DEFAULT_SCORECARD", tree.scorecard)
    return tree


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tree:
    return _point_at(monkeypatch, tmp_path / "project")


def load_error(tree: Tree, **kwargs: Any) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_scorecard(tree.scorecard, **kwargs)
    return info.value


def assert_names(error: RuleFileError, path: Path) -> None:
    """The message starts with the offending file's path, and .path carries it too."""
    assert error.path == str(path)
    assert str(error).startswith(f"{path}: "), str(error)


# --------------------------------------------------------------------------- the copy itself is fine
def test_copied_tree_loads(tree: Tree):
    scorecard = load_scorecard(tree.scorecard)
    assert scorecard.path == tree.scorecard
    assert {r.path.parent for r in scorecard.rules} == {tree.rules}
    assert len(scorecard.rules) == len(list(tree.rules.glob("*.yaml")))


# --------------------------------------------------------------------------- rule file: model errors
def test_missing_required_field_names_the_field(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS", lambda d: d.pop("why"))
    error = load_error(tree)
    assert_names(error, path)
    assert "why: Field required" in str(error)


def test_missing_source_quote_names_the_nested_field(tree: Tree):
    path = tree.edit_rule("CARD_DEMOTE", lambda d: d["source"].pop("quote"))
    error = load_error(tree)
    assert_names(error, path)
    assert "source.quote: Field required" in str(error)


def test_extra_unknown_key_is_rejected(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS", lambda d: d.update(threshold=4))
    error = load_error(tree)
    assert_names(error, path)
    assert "threshold: Extra inputs are not permitted" in str(error)


def test_extra_key_inside_then_is_rejected(tree: Tree):
    path = tree.edit_rule("CARD_WITHHOLD_BONUS", lambda d: d["then"].update(share=0.5))
    error = load_error(tree)
    assert_names(error, path)
    assert "share: Extra inputs are not permitted" in str(error)


def test_id_must_equal_file_name(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS", lambda d: d.update(id="CARD_AWARDS"))
    error = load_error(tree)
    assert_names(error, path)
    assert "id 'CARD_AWARDS' must equal the file name 'CARD_DISQUALIFY_AWARDS'" in str(error)


def test_unknown_consequence_code(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS", lambda d: d["then"].update(code="NO_AWARDS"))
    error = load_error(tree)
    assert_names(error, path)
    assert "unknown consequence code 'NO_AWARDS'" in str(error)
    assert "DISQUALIFY_AWARDS" in str(error)  # the known codes are listed


@pytest.mark.parametrize("mutate", [
    pytest.param(lambda d: d.update(clauses=[{"name": "one", "label": "条款", "condition": "deduction_points >= 4"}]), id="both"),
    pytest.param(lambda d: d.pop("condition"), id="neither"),
])
def test_exactly_one_of_condition_or_clauses(tree: Tree, mutate):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS", mutate)
    error = load_error(tree)
    assert_names(error, path)
    assert "give exactly one of `condition` or `clauses`" in str(error)


def test_clause_names_must_be_unique(tree: Tree):
    def mutate(d):
        d["clauses"][1]["name"] = d["clauses"][0]["name"]
    path = tree.edit_rule("CARD_DEMOTE", mutate)
    error = load_error(tree)
    assert_names(error, path)
    assert "clauses need unique names" in str(error)


# --------------------------------------------------------------------------- rule file: conditions and parameters
def test_unknown_fact_with_did_you_mean(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS",
                          lambda d: d.update(condition="deduction_point >= card.disqualify_awards"))
    error = load_error(tree)
    assert_names(error, path)
    assert "condition: unknown fact 'deduction_point' at column 1" in str(error)
    assert "did you mean 'deduction_points'" in str(error)


def test_unknown_fact_in_a_clause_names_the_clause(tree: Tree):
    def mutate(d):
        d["clauses"][1]["condition"] = "deduction_points_2z >= card.demote_two_years"
    path = tree.edit_rule("CARD_DEMOTE", mutate)
    error = load_error(tree)
    assert_names(error, path)
    assert "clause 'two_years': unknown fact 'deduction_points_2z'" in str(error)
    assert "did you mean 'deduction_points_2y'" in str(error)


def test_unknown_parameter_in_parameters_with_did_you_mean(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS", lambda d: d.update(parameters=["card.disqualify_award"]))
    error = load_error(tree)
    assert_names(error, path)
    assert "parameter 'card.disqualify_award' has no value in the scorecard" in str(error)
    assert "did you mean card.disqualify_awards?" in str(error)


def test_parameter_used_but_not_declared(tree: Tree):
    # the condition reads a scorecard parameter the rule did not list: not in scope for the parser
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS",
                          lambda d: d.update(condition="deduction_points >= card.withhold_bonus"))
    error = load_error(tree)
    assert_names(error, path)
    assert "unknown parameter 'card.withhold_bonus'" in str(error)


def test_parameter_listed_but_unused(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS",
                          lambda d: d.update(parameters=["card.disqualify_awards", "card.withhold_bonus"]))
    error = load_error(tree)
    assert_names(error, path)
    assert "parameters listed but not used: card.withhold_bonus" in str(error)


def test_carry_must_be_listed(tree: Tree):
    path = tree.edit_rule("CARD_WITHHOLD_BONUS", lambda d: d.update(parameters=["card.withhold_bonus"]))
    error = load_error(tree)
    assert_names(error, path)
    assert "then.carry names parameters not listed in parameters: card.withhold_bonus_share" in str(error)


def test_numeric_literal_parses_but_a_rule_file_may_not_use_one(tree: Tree):
    node = parse_condition("deduction_points >= 4", fact_types("leader_year"), {})
    assert isinstance(node, Compare)
    assert node.op == ">=" and node.fact.name == "deduction_points" and node.value == Const(4)
    # A number in a rule file would bypass the scorecard's provenance (source / local): refused.
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS",
                          lambda d: d.update(condition="deduction_points >= 4", parameters=[]))
    error = load_error(tree)
    assert_names(error, path)
    assert "condition: the number 4 is written into the condition; declare it as a parameter" in str(error)


def test_numeric_literal_in_a_list_is_refused_too(tree: Tree):
    tree.edit_rule("ELIMINATION_SINGLE_YEAR", lambda d: d["clauses"][0].update(
        condition='unit_type == "乡镇" and bottom_position in [1, 2]'))
    assert "clause 'township': the number 1 is written" in str(load_error(tree))


def test_literal_of_the_wrong_type_is_refused(tree: Tree):
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS",
                          lambda d: d.update(condition='deduction_points >= "4"', parameters=[]))
    error = load_error(tree)
    assert_names(error, path)
    assert "fact 'deduction_points' is number but is compared with text '4'" in str(error)


# --------------------------------------------------------------------------- rule file: source
def test_quote_not_verbatim(tree: Tree):
    def mutate(d):
        d["source"]["quote"] = d["source"]["quote"].replace("4分以上", "5分以上")
    path = tree.edit_rule("CARD_DISQUALIFY_AWARDS", mutate)
    error = load_error(tree)
    assert_names(error, path)
    assert "source.quote is not verbatim in 002_2c590592798420cb.txt" in str(error)


def test_quote_may_span_a_line_break_of_the_source(tree: Tree):
    # web pages wrap mid-sentence: line breaks are the one difference tolerated
    def mutate(d):
        quote = d["source"]["quote"]
        d["source"]["quote"] = quote[:20] + "\n" + quote[20:]
    tree.edit_rule("CARD_DISQUALIFY_AWARDS", mutate)
    load_scorecard(tree.scorecard)


def test_source_document_missing(tree: Tree):
    (tree.sources / "002_2c590592798420cb.txt").unlink()
    error = load_error(tree)
    # the first rule of the scorecard cites the deleted document
    assert_names(error, tree.rule_path("CARD_DISQUALIFY_AWARDS"))
    assert "source.document '002_2c590592798420cb.txt' not in rules/sources/" in str(error)
    assert "000_b656f8ec879aeee5.txt" in str(error)  # the documents that do exist are listed


def test_source_document_named_wrongly(tree: Tree):
    path = tree.edit_rule("CARD_DEMOTE", lambda d: d["source"].update(document="002.txt"))
    error = load_error(tree)
    assert_names(error, path)
    assert "source.document '002.txt' not in rules/sources/" in str(error)


# --------------------------------------------------------------------------- rule file: conclusions
def _concluding_rule(tree: Tree, rule_id: str, fact: str, reads: str) -> dict[str, Any]:
    data = tree.read_rule("ELIMINATION_TWO_YEARS")
    data.pop("clauses")
    data.update(id=rule_id, parameters=[], condition=f"{reads} and is_top",
                then={"kind": "conclude", "fact": fact, "meaning": "测试用结论"})
    return data


def test_circular_conclusions(tree: Tree):
    tree.write_rule("LOOP_A", _concluding_rule(tree, "LOOP_A", "loop_a_met", "loop_b_met"))
    tree.write_rule("LOOP_B", _concluding_rule(tree, "LOOP_B", "loop_b_met", "loop_a_met"))
    card = tree.scorecard_data()
    card["rules"] += ["LOOP_A", "LOOP_B"]
    tree.write_scorecard(card)
    error = load_error(tree)
    assert_names(error, tree.rule_path("LOOP_A"))
    assert "circular conclusion: LOOP_A → LOOP_B → LOOP_A" in str(error)


def test_concluded_fact_is_read_by_a_later_stratum(tree: Tree):
    tree.write_rule("CHAIN_A", _concluding_rule(tree, "CHAIN_A", "chain_a_met", "elimination_two_years_met"))
    card = tree.scorecard_data()
    card["rules"] += ["CHAIN_A"]
    tree.write_scorecard(card)
    scorecard = load_scorecard(tree.scorecard)
    level = {r.id: i for i, stratum in enumerate(scorecard.strata) for r in stratum}
    assert level["CHAIN_A"] > level["ELIMINATION_TWO_YEARS"]
    assert level["ELIMINATION_ADJUST_POST"] > level["ELIMINATION_TWO_YEARS"]


def test_concluding_a_workbook_fact_is_refused(tree: Tree):
    path = tree.write_rule("SHADOW", _concluding_rule(tree, "SHADOW", "is_top", "elimination_two_years_met"))
    card = tree.scorecard_data()
    card["rules"] += ["SHADOW"]
    tree.write_scorecard(card)
    error = load_error(tree)
    assert_names(error, path)
    assert "concludes 'is_top', which is a workbook fact; pick a new name" in str(error)


def test_two_rules_concluding_the_same_fact(tree: Tree):
    path = tree.write_rule("TWIN", _concluding_rule(tree, "TWIN", "elimination_two_years_met", "is_top"))
    card = tree.scorecard_data()
    card["rules"] += ["TWIN"]
    tree.write_scorecard(card)
    error = load_error(tree)
    assert_names(error, path)
    assert "fact 'elimination_two_years_met' is already concluded by ELIMINATION_TWO_YEARS" in str(error)


# --------------------------------------------------------------------------- YAML itself
def test_invalid_yaml(tree: Tree):
    path = tree.rule_path("CARD_DISQUALIFY_AWARDS")
    path.write_text("id: [CARD_DISQUALIFY_AWARDS\ntitle: 缺少右括号\n", encoding="utf-8")
    error = load_error(tree)
    assert_names(error, path)
    assert "not valid YAML:" in str(error)


def test_python_tag_is_refused_and_not_executed(tree: Tree, tmp_path: Path):
    marker = tmp_path / "pwned"
    path = tree.rule_path("CARD_DISQUALIFY_AWARDS")
    path.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    error = load_error(tree)
    assert_names(error, path)
    assert "not valid YAML:" in str(error)
    assert "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'" \
        in str(error)
    assert not marker.exists()


def test_python_tag_in_scorecard_is_refused_and_not_executed(tree: Tree, tmp_path: Path):
    marker = tmp_path / "pwned"
    text = tree.scorecard.read_text(encoding="utf-8")
    tree.scorecard.write_text(text.replace("id: county", f'id: !!python/object/apply:os.system ["touch {marker}"]'),
                              encoding="utf-8")
    error = load_error(tree)
    assert_names(error, tree.scorecard)
    assert "not valid YAML:" in str(error)
    assert not marker.exists()


def test_rule_file_that_is_not_a_mapping(tree: Tree):
    path = tree.rule_path("CARD_DISQUALIFY_AWARDS")
    path.write_text("- just\n- a list\n", encoding="utf-8")
    error = load_error(tree)
    assert_names(error, path)
    assert "Input should be a valid dictionary" in str(error)


def test_unreadable_scorecard(tree: Tree):
    missing = tree.scorecards / "nope.yaml"
    with pytest.raises(RuleFileError) as info:
        load_scorecard(missing)
    assert_names(info.value, missing)
    assert "cannot read:" in str(info.value)


# --------------------------------------------------------------------------- scorecard
def test_scorecard_lists_unknown_rule_with_did_you_mean(tree: Tree):
    card = tree.scorecard_data()
    card["rules"].append("CARD_DEMOTES")
    path = tree.write_scorecard(card, "typo.yaml")
    with pytest.raises(RuleFileError) as info:
        load_scorecard(path)
    assert_names(info.value, path)
    assert "rule 'CARD_DEMOTES' not found in rules/; did you mean CARD_DEMOTE?" in str(info.value)


def test_scorecard_lists_a_rule_twice(tree: Tree):
    card = tree.scorecard_data()
    card["rules"].append("CARD_DEMOTE")
    tree.write_scorecard(card)
    error = load_error(tree)
    assert_names(error, tree.scorecard)
    assert "a rule is listed twice" in str(error)


def test_scorecard_parameter_without_provenance(tree: Tree):
    card = tree.scorecard_data()
    del card["parameters"]["countersign.amount"]["provenance"]
    tree.write_scorecard(card)
    error = load_error(tree)
    assert_names(error, tree.scorecard)
    assert "parameters.countersign.amount.provenance: Field required" in str(error)


def test_scorecard_missing_a_parameter_a_rule_needs(tree: Tree):
    card = tree.scorecard_data()
    del card["parameters"]["countersign.amount"]
    tree.write_scorecard(card)
    error = load_error(tree)
    assert_names(error, tree.rule_path("COUNTERSIGN_MISSING"))
    assert "parameter 'countersign.amount' has no value in the scorecard" in str(error)


# --------------------------------------------------------------------------- overrides and scenarios
def test_override_unknown_parameter_with_did_you_mean(tree: Tree):
    error = load_error(tree, overrides={"card.disqualify_award": 5})
    assert_names(error, "--set")
    assert "unknown parameter 'card.disqualify_award'; did you mean card.disqualify_awards?" in str(error)


@pytest.mark.parametrize(("name", "value", "fragment"), [
    ("card.disqualify_awards", [5], "must be a number, got [5]"),
    ("card.disqualify_awards", "5", "must be a number, got '5'"),
    ("card.disqualify_awards", True, "must be a number, got True"),
    ("elimination.township.single_year", 1, "must be a list of number, got 1"),
    ("elimination.township.single_year", ["1"], "must be a list of number, got ['1']"),
    ("elimination.require_tenure", 1, "must be a true/false, got 1"),
    ("elimination.require_tenure", "yes", "must be a true/false, got 'yes'"),
    ("five.grades", [95, 85], "must be a mapping, got [95, 85]"),
])
def test_override_of_the_wrong_type(tree: Tree, name, value, fragment):
    error = load_error(tree, overrides={name: value})
    assert_names(error, "--set")
    assert f"parameter {name!r} {fragment}" in str(error)


def test_override_list_with_a_bad_later_item(tree: Tree):
    error = load_error(tree, overrides={"elimination.township.single_year": [1, "2"]})
    assert_names(error, "--set")
    assert "parameter 'elimination.township.single_year' must be a list of number, got [1, '2']" in str(error)


def test_override_marks_provenance_scenario_and_keeps_default(tree: Tree):
    scorecard = load_scorecard(tree.scorecard, overrides={"card.disqualify_awards": 5,
                                                         "elimination.township.two_years": [2, 3, 4]})
    p = scorecard.params["card.disqualify_awards"]
    assert (p.value, p.provenance, p.default) == (5, "scenario", 4)
    assert p.citation.startswith("002_2c590592798420cb.txt")  # citation and meaning are kept
    band = scorecard.params["elimination.township.two_years"]
    assert (band.value, band.provenance, band.default) == ([2, 3, 4], "scenario", [2, 3])
    untouched = scorecard.params["card.withhold_bonus"]
    assert (untouched.value, untouched.provenance, untouched.default) == (6, "source", 6)
    assert scorecard.params["five.weak_below"].provenance == "local"
    assert scorecard.values()["card.disqualify_awards"] == 5


def test_empty_band_override_is_allowed(tree: Tree):
    scorecard = load_scorecard(tree.scorecard, overrides={"elimination.township.single_year": []})
    assert scorecard.params["elimination.township.single_year"].value == []


def _scenario(tree: Tree, text: str) -> Path:
    (tree.scorecards / "scenarios").mkdir(exist_ok=True)
    path = tree.scorecards / "scenarios" / "strict.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_scenario_file_sets_parameters(tree: Tree):
    path = _scenario(tree, "id: strict\ntitle: 从严\nscorecard: county\nset:\n  card.withhold_bonus: 5\n")
    scorecard = load_scorecard(tree.scorecard, scenario=path)
    p = scorecard.params["card.withhold_bonus"]
    assert (p.value, p.provenance, p.default) == (5, "scenario", 6)
    assert scorecard.scenario is not None and scorecard.scenario.id == "strict"
    assert path in scorecard.files
    assert scorecard.fingerprint != load_scorecard(tree.scorecard).fingerprint


def test_scenario_unknown_parameter_with_did_you_mean(tree: Tree):
    path = _scenario(tree, "id: strict\ntitle: 从严\nscorecard: county\nset:\n  card.withhold_bonuss: 5\n")
    error = load_error(tree, scenario=path)
    assert "unknown parameter 'card.withhold_bonuss'; did you mean card.withhold_bonus" in str(error)


def test_scenario_unknown_parameter_names_the_scenario_file(tree: Tree):
    path = _scenario(tree, "id: strict\ntitle: 从严\nscorecard: county\nset:\n  card.withhold_bonuss: 5\n")
    error = load_error(tree, scenario=path)
    assert_names(error, path)


def test_scenario_wrong_type(tree: Tree):
    path = _scenario(tree, "id: strict\ntitle: 从严\nscorecard: county\nset:\n  card.withhold_bonus: [5]\n")
    error = load_error(tree, scenario=path)
    assert "parameter 'card.withhold_bonus' must be a number, got [5]" in str(error)


def test_scenario_for_another_scorecard(tree: Tree):
    path = _scenario(tree, "id: strict\ntitle: 从严\nscorecard: township\nset: {}\n")
    error = load_error(tree, scenario=path)
    assert_names(error, path)
    assert "scenario is for scorecard 'township', not 'county'" in str(error)


def test_scenario_extra_key(tree: Tree):
    path = _scenario(tree, "id: strict\ntitle: 从严\nscorecard: county\noverrides: {}\n")
    error = load_error(tree, scenario=path)
    assert_names(error, path)
    assert "overrides: Extra inputs are not permitted" in str(error)


def test_five_weights_override_must_have_five_weights(tree: Tree):
    error = load_error(tree, overrides={"five.weights": [1]})
    assert "parameter 'five.weights' must be a list of 5 items, got [1]" in str(error)


def test_five_weights_override_must_add_up_to_one(tree: Tree):
    error = load_error(tree, overrides={"five.weights": [0.3, 0.3, 0.2, 0.2, 0.2]})
    assert "parameter 'five.weights' must add up to 1.0" in str(error)


def test_five_grades_override_must_keep_every_grade(tree: Tree):
    error = load_error(tree, overrides={"five.grades": {"好": 95}})
    assert "parameter 'five.grades' must have exactly the keys ['一般', '好', '差', '较好']" in str(error)


# --------------------------------------------------------------------------- fingerprint
def test_fingerprint_is_stable(tree: Tree):
    first = load_scorecard(tree.scorecard).fingerprint
    assert len(first) == 64 and int(first, 16) >= 0
    assert load_scorecard(tree.scorecard).fingerprint == first


def test_fingerprint_changes_with_a_rule_files_bytes(tree: Tree):
    before = load_scorecard(tree.scorecard).fingerprint
    path = tree.rule_path("CARD_DEMOTE")
    original = path.read_bytes()
    path.write_bytes(original + b"# a comment changes nothing but the bytes\n")
    changed = load_scorecard(tree.scorecard).fingerprint
    assert changed != before
    path.write_bytes(original)
    assert load_scorecard(tree.scorecard).fingerprint == before


def test_fingerprint_changes_with_the_scorecard_bytes(tree: Tree):
    before = load_scorecard(tree.scorecard).fingerprint
    tree.scorecard.write_bytes(tree.scorecard.read_bytes() + b"\n")
    assert load_scorecard(tree.scorecard).fingerprint != before


def test_fingerprint_ignores_rule_files_not_in_the_scorecard(tree: Tree):
    before = load_scorecard(tree.scorecard).fingerprint
    tree.write_rule("UNLISTED", _concluding_rule(tree, "UNLISTED", "unlisted_met", "is_top"))
    assert load_scorecard(tree.scorecard).fingerprint == before


def test_fingerprint_does_not_depend_on_where_the_project_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    one = load_scorecard(_point_at(monkeypatch, tmp_path / "one").scorecard).fingerprint
    two = load_scorecard(_point_at(monkeypatch, tmp_path / "elsewhere" / "two").scorecard).fingerprint
    assert one == two
