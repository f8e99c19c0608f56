"""Regression tests from the third review (rule engine core): each failed before its fix.

Tests that could hang run the engine in a subprocess with a timeout.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from projtools import copy_project

import engine.rules.load as load
from engine.rules.compile import compile_condition
from engine.rules.conditions import parse_condition
from engine.evaluation.evaluate import evaluate_records
from engine.evaluation.facts import split_portfolio
from engine.evaluation.runtime import RuleSpec, Session

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scorecards" / "samples" / "sample_county.xlsx"
FACTS = {"n1": "number", "t1": "text"}


def engine_matches(text: str, params: dict[str, Any], records: list[dict[str, Any]]) -> list[int]:
    compiled = compile_condition(parse_condition(text, FACTS, params), params)
    if compiled is False:
        return []
    condition = {"_scope": "leader_year"} if compiled is True else compiled
    return [i for i, _ in Session().run([RuleSpec("k", "leader_year", condition)], records)]


# --------------------------------------------------------------------------- project copy
class Project:
    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch | None = None):
        self.root = root
        copy_project(root, monkeypatch)

    def edit(self, rule_id: str, **changes: Any) -> Path:
        path = self.root / "rules" / f"{rule_id}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def new_rule(self, rule_id: str, **fields: Any) -> Path:
        base = yaml.safe_load((self.root / "rules" / "CARD_DEMOTE.yaml").read_text(encoding="utf-8"))
        data = {k: base[k] for k in ("title", "family", "what", "why", "source")}
        data.update(id=rule_id, applies_to="all", **fields)
        path = self.root / "rules" / f"{rule_id}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def list_rules(self, rules: list[str], *, only: bool = False) -> Path:
        path = self.root / "scorecards" / "county.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["rules"] = rules if only else rules + data["rules"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    return Project(tmp_path / "project", monkeypatch)


def cli_in(home: Path, args: list[str], timeout: float) -> subprocess.Popen:
    env = {**os.environ, "SCORECARD_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "engine.cli", *args], env=env, cwd=str(home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen, deadline: float) -> int | None:
    """Exit code, or None when the process is still running at the deadline (then it is killed)."""
    try:
        proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        return proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


# ===========================================================================
# 1. HIGH — contains_any escapes keywords with "\", but durable_rules' regex escape is "%"
#    (durable_rules 2.0.28 src/rules/regex.c readEscapedSymbol; "\" is a literal there).
#    "|" / "%" keywords match (nearly) everything → false DIRECT_CHARGE_VIOLATION;
#    "(" "." "+" "[" keywords never match; "{n}" makes durable reject the ruleset (exit 4).
#    Fix: engine/compile.py _escape → re.sub(r"([.|?*+()\[\]{}%])", r"%\1", keyword).
# ===========================================================================
TEXTS = ["分管财务", "资金(专项)审批", "财务.会计", "1000元", "100%", "A|B", "C++", "会计[出纳]", "a{2}", "a\\b",
         "^x$", "政府采购", ""]


@pytest.mark.parametrize("keyword", ["资金(专项)", "财务.会计", "100%", "A|B", "C++", "会计[出纳]", "a{2}", "a\\b", "^x$"])
def test_contains_any_keyword_is_a_plain_substring(keyword):
    params = {"p.words": [keyword]}
    records = [{"t1": t} for t in TEXTS]
    assert engine_matches("t1 contains_any p.words", params, records) == [
        i for i, t in enumerate(TEXTS) if keyword in t]


# ===========================================================================
# 2. HIGH — a contains_any list of >= 512 keywords makes `scorecard run` spin forever inside
#    durable_rules' C code (no exit, Ctrl-C ignored); an `in` list of ~500 gives error 303 (exit 4).
#    The rule file loads fine (`scorecard rules` exit 0). Fix: split large OR lists into several
#    durable rules with the same key (firings are a set), or cap list sizes at load (exit 3).
# ===========================================================================
def test_a_long_synonym_list_runs_or_is_rejected_cleanly(tmp_path):
    home = tmp_path / "home"
    project = Project(home)
    words = ["财务", "资金审批", "财政资金", "会计", "经费审批"] + [f"财务同义词{i}" for i in range(600)]
    project.edit("DIRECT_CHARGE_FINANCE", lists={"keywords": words})
    proc = cli_in(home, ["run", str(SAMPLE), "--out", str(tmp_path / "o.xlsx"), "--json", str(tmp_path / "o.json")],
                  timeout=25)
    code = finish(proc, time.monotonic() + 25)
    assert code in (0, 3), f"exit {code} (None = still running after 25 s)"


def test_a_long_band_list_runs_or_is_a_parameter_error(tmp_path):
    from engine.cli import main

    band = "[" + ",".join(str(i) for i in range(1, 601)) + "]"
    code = main(["run", str(SAMPLE), "--set", f"elimination.township.single_year={band}",
                 "--out", str(tmp_path / "o.xlsx"), "--json", str(tmp_path / "o.json")])
    assert code in (0, 3)


# ===========================================================================
# 3. MEDIUM — conditions the engine cannot run pass loading (`scorecard rules`, `validate`-time
#    checks) and fail only in `run` with exit 4 "internal error, report to the maintainer" instead
#    of exit 3 naming the rule file: `not ... contains_any` (ConditionError raised by compile at run
#    time), an and-of-ors durable rejects (error 113), deep nesting (RecursionError in the parser).
#    Fix: in load_rule, compile every clause (compile_condition) and register it once in a
#    throw-away Session; catch RecursionError in parse_condition; map all to RuleFileError.
# ===========================================================================
@pytest.mark.parametrize("condition", [
    " and ".join(f'(portfolio_item == "a{i}" or portfolio_raw == "b{i}")' for i in range(14)),
    "(" * 400 + "portfolio_item contains_any lists.keywords" + ")" * 400,
], ids=["and-of-14-ors", "400-parentheses"])
def test_a_condition_that_cannot_run_is_a_rule_file_error(project, condition):
    path = project.edit("DIRECT_CHARGE_FINANCE", condition=condition)
    with pytest.raises(load.RuleFileError) as info:
        card = load.load_scorecard()
        record = {"year": 2025, "leader_id": "1", "is_top": True, "portfolio_item": "财务", "portfolio_raw": "财务",
                  "row": 2}
        evaluate_records(card, {"portfolio_item": [record]})
    assert info.value.path == str(path)


# ===========================================================================
# 4. MEDIUM — YAML alias bombs ("billion laughs") in a scenario file, a scorecard's parameter
#    value or a --set value hang the CLI (exponential walk in load._check_same_shape /
#    model._numbers). Rule files are safe (pydantic rejects the nesting first).
#    Fix: a SafeLoader that refuses aliases (or counts nodes) in read_yaml and cli._parse_set;
#    reject nested lists in parameter values before walking them.
# ===========================================================================
BOMB = ("&i9 [&i8 [&i7 [&i6 [&i5 [&i4 [&i3 [&i2 [&i1 [1,1,1,1,1,1,1,1,1]"
        + "".join(f",*i{i}" * 8 + "]" for i in range(1, 9)))


def test_yaml_alias_bombs_fail_fast_with_exit_3(tmp_path):
    home = tmp_path / "home"
    Project(home)
    yaml.safe_load(BOMB)  # the bomb is valid YAML (references, cheap to load)
    scenario = home / "scorecards" / "scenarios" / "bomb.yaml"
    scenario.write_text(f"id: bomb\ntitle: bomb\nscorecard: county\nset:\n"
                        f"  elimination.township.single_year: {BOMB}\n", encoding="utf-8")
    card = home / "scorecards" / "county.yaml"
    text = card.read_text(encoding="utf-8")
    bomb_card = home / "scorecards" / "bomb_card.yaml"
    bomb_card.write_text(text.replace("  card.disqualify_awards:\n    value: 4",
                                      f"  card.disqualify_awards:\n    value: {BOMB}"), encoding="utf-8")
    assert bomb_card.read_text(encoding="utf-8") != text
    deadline = time.monotonic() + 20
    procs = [cli_in(home, ["rules", "--scenario", str(scenario)], 20),
             cli_in(home, ["rules", "--card", str(bomb_card)], 20),
             cli_in(home, ["rules", "--set", f"elimination.township.single_year={BOMB}"], 20)]
    codes = [finish(p, deadline) for p in procs]
    # a scenario or scorecard file: rule-file problem (3); a --set value: usage problem (2)
    assert codes == [3, 3, 2], f"exit codes {codes} (None = still running after 20 s)"


# ===========================================================================
# 5. MEDIUM — `x not in []` (also `not (x in [])`, and `x not in p` after --set p=[]) is folded to
#    the constant true, so it fires for records where x is missing — the one place where a missing
#    fact makes a condition fire. Fix: compile.py In branch: with no values, the negated form is
#    "x is present", e.g. {"$or": [{"$gte": {x: <min>}}, ...]} or, simpler, `x == x`-style
#    presence test via {"$nex": {x: 1}} (durable's $ex / $nex existence operators).
# ===========================================================================
@pytest.mark.parametrize("text", ["n1 not in []", "not (n1 in [])", "n1 not in p.band", "not (n1 in p.band)"])
def test_not_in_an_empty_list_needs_the_fact(text):
    records = [{"n1": None}, {"n1": 3}, {}]
    assert engine_matches(text, {"p.band": []}, records) == [1]


# ===========================================================================
# 6. MEDIUM — a concluded fact is closed-world false: when the concluding rule's condition is
#    unknown (its fact is missing), a later `not <concluded>` fires. Example: "no high 2-year
#    total" fires for a leader whose 2-year window is incomplete (deduction_points_2y null).
#    Fix (evaluate._run_stratum): set the concluded fact False only where the *negated* condition
#    fires (compile_condition(Not(node)) is exactly "definitely false" under Kleene logic), None
#    elsewhere.
# ===========================================================================
def test_not_of_a_conclusion_on_missing_data_does_not_fire(project):
    project.new_rule("ZZ_HIGH", parameters=["card.demote_two_years"],
                     condition="deduction_points_2y >= card.demote_two_years",
                     then={"kind": "conclude", "fact": "high_2y", "meaning": "两年累计扣分达到降免档"})
    project.new_rule("ZZ_CLEAN", condition="not high_2y",
                     then={"kind": "consequence", "code": "PRAISE", "label": "两年扣分未达档", "severity": "info"})
    card = load.load_scorecard(project.list_rules(["ZZ_HIGH", "ZZ_CLEAN"], only=True))
    records = [{"year": 2025, "leader_id": "a", "deduction_points_2y": 3},
               {"year": 2025, "leader_id": "b", "deduction_points_2y": None}]
    outs = evaluate_records(card, {"leader_year": records}).outcomes["leader_year"]
    assert [[f.rule.id for f in o.firings] for o in outs] == [["ZZ_CLEAN"], []]


# ===========================================================================
# 7. MEDIUM — chains of chains lose provenance: a consequence reading b (concluded by B from a,
#    concluded by A) has derived_from = {b: B} only; A's rule id and parameter never reach the
#    result/explain, although a's value is merged into the consequence's facts.
#    Fix: evaluate._apply: store the nested `derived` of each link in out.because[...]
#    (or flatten every link into derived_from).
# ===========================================================================
def test_derived_from_covers_every_link_of_a_chain(project):
    project.new_rule("ZZ_A", parameters=["card.disqualify_awards"], condition="deduction_points >= card.disqualify_awards",
                     then={"kind": "conclude", "fact": "pts_a", "meaning": "A"})
    project.new_rule("ZZ_B", parameters=["card.withhold_bonus"], condition="pts_a and deduction_points >= card.withhold_bonus",
                     then={"kind": "conclude", "fact": "pts_b", "meaning": "B"})
    project.new_rule("ZZ_C", condition="pts_b",
                     then={"kind": "consequence", "code": "TALK_REMINDER", "label": "链式", "severity": "info"})
    card = load.load_scorecard(project.list_rules(["ZZ_C", "ZZ_B", "ZZ_A"], only=True))
    (out,) = evaluate_records(card, {"leader_year": [{"year": 2025, "leader_id": "a", "deduction_points": 7}]}
                              ).outcomes["leader_year"]
    (firing,) = [f for f in out.firings if f.rule.id == "ZZ_C"]
    text = json.dumps(firing.derived, ensure_ascii=False)
    assert "ZZ_B" in text and "ZZ_A" in text and "card.disqualify_awards" in text


# ===========================================================================
# 8. MEDIUM — contains_any keywords are not normalised the way portfolio items are (NFKC,
#    white space removed, engine.evaluation.facts.split_portfolio), so a synonym an auditor types with a
#    full-width bracket or letter, or with a space, never matches anything — silently.
#    Fix: normalise lists.<name> words the same way at load (or reject unnormalised words, exit 3).
# ===========================================================================
@pytest.mark.parametrize(("keyword", "cell"), [("政府 采购", "分管政府 采购"), ("ＰＰＰ项目", "分管ＰＰＰ项目"),
                                               ("专项资金（审批）", "专项资金（审批）")])
def test_keywords_match_the_normalised_portfolio_text(project, keyword, cell):
    project.edit("DIRECT_CHARGE_PROCUREMENT", lists={"keywords": [keyword]})
    try:
        card = load.load_scorecard()
    except load.RuleFileError:
        return  # rejecting the unnormalised keyword at load time is a fine fix too
    records = [{"year": 2025, "leader_id": "1", "is_top": True, "portfolio_item": item, "portfolio_raw": cell,
                "row": 2} for item in split_portfolio(cell)]
    (out,) = evaluate_records(card, {"portfolio_item": records}).outcomes["portfolio_item"]
    assert "DIRECT_CHARGE_PROCUREMENT" in [f.rule.id for f in out.firings]


# ===========================================================================
# 9. LOW — a scorecard's `rules:` entries are joined to rules/ as paths: "./CARD_DEMOTE" loads
#    CARD_DEMOTE a second time (the "listed twice" check compares strings), and
#    "../elsewhere/X" loads a rule file from outside rules/. Fix: ScorecardDef.rules items must
#    match model.RULE_ID.
# ===========================================================================
@pytest.mark.parametrize("entry", ["./CARD_DEMOTE", "../rules/CARD_DEMOTE"])
def test_scorecard_rule_entries_are_rule_ids(project, entry):
    project.list_rules([entry])
    with pytest.raises(load.RuleFileError):
        load.load_scorecard()


# ===========================================================================
# 10. LOW — source.document is joined to rules/sources/ as a path: "../x.txt" or an absolute path
#     cites a file outside rules/sources/ (and outside the rules fingerprint), as long as the
#     quote is in it. Fix: require a bare file name (Path(document).name == document).
# ===========================================================================
@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_source_document_must_be_in_rules_sources(project, tmp_path, where):
    rule = yaml.safe_load((project.root / "rules" / "CARD_DEMOTE.yaml").read_text(encoding="utf-8"))
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("别的文件。" + rule["source"]["quote"], encoding="utf-8")
    document = os.path.relpath(outside, project.root / "rules" / "sources") if where == "relative" else str(outside)
    project.edit("CARD_DEMOTE", source={**rule["source"], "document": document})
    with pytest.raises(load.RuleFileError):
        load.load_scorecard()
