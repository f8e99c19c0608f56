"""`scorecard lint`: the shipped files pass; each seeded defect is named with its file and line."""
from __future__ import annotations

from pathlib import Path

import pytest
from projtools import copy_project

from engine.cli import main
from engine.rules.lint import lint
from engine.rules.numbers import numbers_in_text


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    copy_project(tmp_path, monkeypatch)
    return tmp_path


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (once) and return the 1-based line the new text starts on."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def found(home: Path, code: str) -> list[tuple[str, int, str]]:
    return [(Path(f.path).relative_to(home).as_posix(), f.line, f.message) for f in lint() if f.code == code]


def test_the_shipped_rules_and_scorecards_have_no_errors():
    errors = [f.render() for f in lint() if f.severity == "error"]
    assert errors == []


def test_cli_exits_3_on_an_error_and_0_on_the_shipped_files(home, capsys):
    assert main(["lint"]) == 0
    edit(home / "rules" / "CARD_DEMOTE.yaml", "family: card", "family: card\nflavour: x")
    assert main(["lint"]) == 3
    assert "rules/CARD_DEMOTE.yaml:" in capsys.readouterr().out


def test_schema_error_names_the_line(home):
    line = edit(home / "rules" / "CARD_DEMOTE.yaml", "family: card", "family: card\nflavour: x") + 1
    assert found(home, "SCHEMA") == [("rules/CARD_DEMOTE.yaml", line, "格式错误 flavour: Extra inputs are not permitted")]


def test_missing_quote_and_not_verbatim_quote(home):
    path = home / "rules" / "CARD_WITHHOLD_BONUS.yaml"
    text = path.read_text(encoding="utf-8")
    quote_line = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip().startswith("quote:"))
    edit(path, "50%目标考核奖,一年扣分", "60%目标考核奖,一年扣分")
    assert [(p, ln) for p, ln, _ in found(home, "QUOTE_NOT_VERBATIM")] == [("rules/CARD_WITHHOLD_BONUS.yaml", quote_line)]


def test_unknown_fact_and_parameter_get_did_you_mean(home):
    path = home / "rules" / "CARD_DISQUALIFY_AWARDS.yaml"
    line = edit(path, "condition: deduction_points >=", "condition: deduction_pionts >=")
    (hit,) = found(home, "CONDITION")
    assert hit[:2] == ("rules/CARD_DISQUALIFY_AWARDS.yaml", line) and "deduction_points" in hit[2]
    line = edit(path, "parameters: [card.disqualify_awards]", "parameters: [card.disqualify_award]")
    (hit,) = found(home, "UNKNOWN_PARAMETER")
    assert hit[:2] == ("rules/CARD_DISQUALIFY_AWARDS.yaml", line) and "card.disqualify_awards" in hit[2]


def test_one_code_two_meanings(home):
    line = edit(home / "rules" / "IMAGE_PRAISE.yaml", "code: PRAISE", "code: ADMONITION")
    hits = found(home, "CODE_MEANINGS")
    assert ("rules/IMAGE_PRAISE.yaml", line) in [(p, ln) for p, ln, _ in hits]
    assert any(p == "rules/IMAGE_ADMONITION.yaml" for p, _, _ in hits)


def test_a_source_parameter_whose_number_the_documents_do_not_say(home):
    line = edit(home / "scorecards" / "county.yaml", "card.disqualify_awards:\n    value: 4",
                "card.disqualify_awards:\n    value: 5") + 1
    assert found(home, "SOURCE_NUMBER_NOT_CITED") == [
        ("scorecards/county.yaml", line, "card.disqualify_awards 标为文件依据，但 5 既不在其引文中，也不在使用它的规则原文中："
                                        "请引用说出这个数的原文，或改标为本地参数（local）")]


@pytest.mark.parametrize(("band", "code", "words"), [
    ("[1, 2]", "LADDER_OVERLAP", "倒数第 1 名同时在"), ("[3]", "LADDER_GAP", "倒数第 2 名不在任何档内"),
])
def test_ladders_that_overlap_or_leave_gaps(home, band, code, words):
    card = home / "scorecards" / "county.yaml"
    edit(card, "elimination.township.two_years:\n    value: [2, 3]", f"elimination.township.two_years:\n    value: {band}")
    edit(card, "连续二年倒数第二、三名的乡镇", "连续二年倒数第一、二、三名的乡镇")  # keep the numbers cited
    ladder_line = next(i for i, l in enumerate(card.read_text(encoding="utf-8").splitlines(), 1) if l == "ladders:")
    hits = found(home, code)
    assert [(p, ln) for p, ln, _ in hits] == [("scorecards/county.yaml", ladder_line)] and words in hits[0][2]


def test_a_scenario_that_breaks_a_ladder(home):
    scenario = home / "scorecards" / "scenarios" / "strict.yaml"
    line = edit(scenario, "  card.withhold_bonus: 5", "  card.withhold_bonus: 3")
    hits = found(home, "LADDER_OVERLAP")
    assert [(p, ln) for p, ln, _ in hits] == [("scorecards/scenarios/strict.yaml", line - 2)]
    assert "card.disqualify_awards = 3 不低于 card.withhold_bonus = 3" in hits[0][2]


def test_unreachable_and_subsumed_clauses(home):
    path = home / "rules" / "CARD_DEMOTE.yaml"
    text = path.read_text(encoding="utf-8")
    old = "condition: deduction_points_3y >= card.demote_three_years"
    line = text[: text.index(old)].count("\n") + 1
    edit(path, old, "condition: deduction_points_3y >= card.demote_three_years and "
                    "deduction_points_3y < card.demote_two_years")
    assert [(p, ln) for p, ln, _ in found(home, "CLAUSE_UNREACHABLE")] == [("rules/CARD_DEMOTE.yaml", line)]
    edit(path, "deduction_points_3y >= card.demote_three_years and deduction_points_3y < card.demote_two_years",
         "deduction_points_3y >= card.demote_three_years and deduction_points >= card.demote_one_year")
    hits = [h for h in found(home, "CLAUSE_SUBSUMED") if h[0] == "rules/CARD_DEMOTE.yaml"]
    assert [(p, ln) for p, ln, _ in hits] == [("rules/CARD_DEMOTE.yaml", line)] and "one_year" in hits[0][2]


def test_rotation_key_post_is_shown_to_add_nothing_beyond_same_post(home):
    """Issue 13: key_post (10 years) can only fire where same_post (6 years) already did; lint says so."""
    hits = {msg for p, _, msg in found(home, "CLAUSE_SUBSUMED") if p == "rules/ROTATION_DUE.yaml"}
    assert hits == {"条款 key_post不会增加任何触发：凡它成立之处，条款 same_post 也成立",
                    "条款 planned_exchange不会增加任何触发：凡它成立之处，条款 same_post 也成立"}


def test_keyword_that_repeats_or_can_never_add_a_match(home):
    path = home / "rules" / "DIRECT_CHARGE_FINANCE.yaml"
    text = path.read_text(encoding="utf-8")
    keywords_line = next(i for i, l in enumerate(text.splitlines(), 1) if "keywords:" in l)
    edit(path, "keywords: [", "keywords: [财务, 分管财务, ")
    got = {(f.code, Path(f.path).name) for f in lint() if f.code.startswith("KEYWORD_")}
    assert {("KEYWORD_REPEATED", "DIRECT_CHARGE_FINANCE.yaml"), ("KEYWORD_REDUNDANT", "DIRECT_CHARGE_FINANCE.yaml")} <= got
    assert all(f.line == keywords_line for f in lint() if f.code == "KEYWORD_REPEATED")


@pytest.mark.parametrize(("text", "numbers"), [
    ("年度扣分在4分以上", {4.0}), ("连续二年倒数第二、三名", {2.0, 3.0}), ("倒数第三至五名", {3.0, 4.0, 5.0}),
    ("扣发该年度50%目标考核奖", {50.0, 0.5}), ("满十二年", {12.0}), ("3000元以上", {3000.0}),
])
def test_numbers_a_passage_states(text, numbers):
    assert numbers <= numbers_in_text(text)
