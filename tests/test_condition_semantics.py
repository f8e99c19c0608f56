"""The condition language means what it says: durable_rules agrees with a plain three-valued evaluator.

The core property: for random conditions over a few facts (numbers, booleans and text, each
possibly missing) and random records, a condition fires through the real path
(engine.rules.conditions.parse_condition → engine.rules.compile.compile_condition → engine.evaluation.runtime.Session)
exactly when an independent Kleene evaluator of the same condition says "true". A missing fact
is "unknown": it never makes a condition fire, also under `not`, `!=` and `not in`.

The generator includes `not ... contains_any` and keywords that durable_rules' own regex
matcher got wrong (regex metacharacters, and words whose beginning repeats at their end such as
"aba" or 一对一): the runtime wrapper decides containment itself (engine.evaluation.runtime).

The rest of the file: plain tests of precedence, nulls, numbers, authoring (a rule chain over
three strata, the other scopes, parameter-decided clauses) and determinism (scenario runs,
rule order).
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from projtools import copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.rules.load as load
from engine.rules.compile import compile_condition
from engine.rules.conditions import parse_condition
from engine.evaluation.evaluate import evaluate_records
from engine.evaluation.runtime import RuleSpec, Session

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scorecards" / "samples" / "sample_county.xlsx"

# --------------------------------------------------------------------------- the fact space
FACTS = {"n1": "number", "n2": "number", "b1": "bool", "b2": "bool", "t1": "text"}
NUMBERS = [-1, 0, 1, 1.0, 2, 2.5, 3]
# Overlapping words ("aba", 一对一) and regex metacharacters once slipped through durable's regex.
WORDS = ["财务", "采购", "ab", "b c", "乡镇", "-", "/", "x", "aba", "一对一", "a.b", "(", "%", "a|b", "*"]
SCOPE = "leader_year"

# --------------------------------------------------------------------------- my own tiny AST
# ("cmp", fact, op, ("const", v) | ("param", name))     ("in", fact, ref, negated)
# ("has", fact, ref)   ("truth", fact)   ("ptruth", name)   ("lit", bool)
# ("not", x)   ("and", [x, ...])   ("or", [x, ...])


def _number_cmp(fact: str) -> st.SearchStrategy:
    operand = st.one_of(st.sampled_from(NUMBERS).map(lambda v: ("const", v)), st.just(("param", "p.num")))
    return st.tuples(st.just("cmp"), st.just(fact), st.sampled_from([">=", ">", "<=", "<", "==", "!="]), operand)


def _leaves() -> st.SearchStrategy:
    num_fact = st.sampled_from(["n1", "n2"])
    bool_fact = st.sampled_from(["b1", "b2"])
    num_list = st.one_of(
        st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3).map(lambda v: ("const", tuple(v))),
        st.just(("param", "p.nums")))
    text_list = st.one_of(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(lambda v: ("const", tuple(v))),
        st.just(("param", "p.words")))
    return st.one_of(
        num_fact.flatmap(_number_cmp),
        st.tuples(st.just("cmp"), bool_fact, st.sampled_from(["==", "!="]),
                  st.booleans().map(lambda v: ("const", v))),
        st.tuples(st.just("cmp"), st.just("t1"), st.sampled_from(["==", "!="]),
                  st.sampled_from(WORDS).map(lambda v: ("const", v))),
        st.tuples(st.just("in"), num_fact, num_list, st.booleans()),
        st.tuples(st.just("in"), st.just("t1"), text_list, st.booleans()),
        st.tuples(st.just("has"), st.just("t1"), text_list),
        st.tuples(st.just("truth"), bool_fact),
        st.just(("ptruth", "p.flag")),
        st.booleans().map(lambda v: ("lit", v)),
    )


def _trees() -> st.SearchStrategy:
    return st.recursive(
        _leaves(),
        lambda kids: st.one_of(
            kids.map(lambda k: ("not", k)),
            st.lists(kids, min_size=2, max_size=3).map(lambda ks: ("and", ks)),
            st.lists(kids, min_size=2, max_size=3).map(lambda ks: ("or", ks)),
        ),
        max_leaves=6,
    )


# --------------------------------------------------------------------------- rendering
_PREC = {"or": 1, "and": 2, "not": 3}
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}


def _lit(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _ref(ref: tuple) -> str:
    if ref[0] == "param":
        return ref[1]
    value = ref[1]
    return "[" + ", ".join(_lit(v) for v in value) + "]" if isinstance(value, tuple) else _lit(value)


def render(node: tuple, rnd: random.Random, context: int = 0) -> str:
    """Condition text with only the parentheses precedence needs (sometimes a redundant pair)."""
    kind = node[0]
    if kind == "cmp":
        _, fact, op, operand = node
        text = (f"{_ref(operand)} {_FLIP[op]} {fact}" if rnd.random() < 0.3
                else f"{fact} {op} {_ref(operand)}")
    elif kind == "in":
        _, fact, ref, negated = node
        text = f"{fact} {'not in' if negated else 'in'} {_ref(ref)}"
    elif kind == "has":
        text = f"{node[1]} contains_any {_ref(node[2])}"
    elif kind == "truth":
        text = node[1]
    elif kind == "ptruth":
        text = node[1]
    elif kind == "lit":
        text = _lit(node[1])
    elif kind == "not":
        text = "not " + render(node[1], rnd, _PREC["not"])
    else:
        # a nested and inside and (or inside or) may go without parentheses: same meaning
        text = f" {kind} ".join(render(k, rnd, _PREC[kind]) for k in node[1])
    prec = _PREC.get(kind, 4)
    if prec < context or (prec < 4 and rnd.random() < 0.15):
        text = f"({text})"
    return text


# --------------------------------------------------------------------------- the reference evaluator
def _value(ref: tuple, params: dict[str, Any]) -> Any:
    return params[ref[1]] if ref[0] == "param" else ref[1]


def _python_op(op: str, a: Any, b: Any) -> bool:
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "==": a == b, "!=": a != b}[op]


def truth(node: tuple, rec: dict[str, Any], params: dict[str, Any]) -> bool | None:
    """Kleene three-valued logic; a missing fact is unknown (None)."""
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "ptruth":
        return params[node[1]]
    if kind == "truth":
        v = rec.get(node[1])
        return None if v is None else v is True
    if kind == "cmp":
        v = rec.get(node[1])
        return None if v is None else _python_op(node[2], v, _value(node[3], params))
    if kind == "in":
        v = rec.get(node[1])
        return None if v is None else (v in _value(node[2], params)) != node[3]
    if kind == "has":
        v = rec.get(node[1])
        return None if v is None else any(w in v for w in _value(node[2], params))
    if kind == "not":
        inner = truth(node[1], rec, params)
        return None if inner is None else not inner
    values = [truth(k, rec, params) for k in node[1]]
    if kind == "and":
        return False if False in values else None if None in values else True
    return True if True in values else None if None in values else False


# --------------------------------------------------------------------------- the engine path
def engine_fires(texts: list[str], records: list[dict[str, Any]], params: dict[str, Any]) -> set[tuple[int, int]]:
    """(record index, condition index) pairs that fire, exactly as engine.evaluation.evaluate builds its specs."""
    specs = []
    for i, text in enumerate(texts):
        compiled = compile_condition(parse_condition(text, FACTS, params), params)
        if compiled is False:
            continue
        specs.append(RuleSpec(str(i), SCOPE, {"_scope": SCOPE} if compiled is True else compiled))
    return {(index, int(key)) for index, key in Session().run(specs, records)}


_records = st.lists(
    st.fixed_dictionaries({
        "n1": st.one_of(st.none(), st.sampled_from(NUMBERS)),
        "n2": st.one_of(st.none(), st.sampled_from(NUMBERS)),
        "b1": st.one_of(st.none(), st.booleans()),
        "b2": st.one_of(st.none(), st.booleans()),
        "t1": st.one_of(st.none(), st.just(""),
                        st.lists(st.sampled_from(WORDS + ["其他", "z", "a", "b", "一", "对"]), max_size=4)
                        .map("".join)),
    }),
    min_size=1, max_size=8,
)
_params = st.fixed_dictionaries({
    "p.num": st.sampled_from(NUMBERS),
    "p.nums": st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3),
    "p.words": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    "p.flag": st.booleans(),
})


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(trees=st.lists(_trees(), min_size=1, max_size=4), records=_records, params=_params,
       seed=st.integers(0, 2 ** 16))
def test_durable_rules_agrees_with_a_three_valued_evaluator(trees, records, params, seed):
    rnd = random.Random(seed)
    texts = [render(t, rnd) for t in trees]
    expected = {(r, c) for c, tree in enumerate(trees) for r, rec in enumerate(records)
                if truth(tree, rec, params) is True}
    assert engine_fires(texts, records, params) == expected, texts


# --------------------------------------------------------------------------- plain semantics
P = {"p.num": 2, "p.nums": [1, 2], "p.words": ["财务"], "p.flag": True}


def fires(text: str, *records: dict[str, Any], params: dict[str, Any] | None = None) -> list[int]:
    params = params or P
    return sorted(r for r, _ in engine_fires([text], list(records), params))


@pytest.mark.parametrize(("text", "record", "expected"), [
    ("b1 or b2 and false", {"b1": True, "b2": True}, True),          # or binds loosest
    ("(b1 or b2) and false", {"b1": True, "b2": True}, False),
    ("not b1 and b2", {"b1": False, "b2": True}, True),               # not binds tighter than and
    ("not (b1 and b2)", {"b1": True, "b2": False}, True),
    ("not not b1", {"b1": True}, True),
    ("not n1 > 1", {"n1": 0}, True),                                  # not (n1 > 1)
    ("2 <= n1", {"n1": 2}, True),                                     # constant on the left flips
    ("2 > n1", {"n1": 2}, False),
])
def test_precedence_and_operand_order(text, record, expected):
    assert (fires(text, record) == [0]) is expected


@pytest.mark.parametrize("text", [
    "n1 >= 0", "n1 < 0", "n1 == 0", "n1 != 0", "not (n1 == 0)", "not (n1 >= 0)",
    "n1 in [0, 1]", "n1 not in [0, 1]", "not (n1 in [0, 1])", "not (n1 not in [0, 1])",
    "n1 in p.nums", "n1 not in p.nums",
    "b1", "not b1", "b1 == true", "b1 != true", "b1 == false", "not (b1 == false)",
    't1 == "x"', 't1 != "x"', 'not (t1 == "x")', 't1 in ["x"]', 't1 not in ["x"]',
    't1 contains_any ["财务"]', "t1 contains_any p.words",
    "not (n1 > 0 or b1)", "not (n1 > 0 and n1 < 5)", "not (n1 > 0 and n2 < 0)", "n1 > 0 or not (n1 > 0)",
    "b1 or not b1", "p.flag and not b1",
])
def test_a_missing_fact_never_makes_a_condition_fire(text):
    missing = {"n1": None, "b1": None, "t1": None, "n2": -5}
    assert fires(text, missing, {}) == []


def test_kleene_true_or_unknown_is_true():
    # A parameter or a present fact can decide a clause although another fact is missing.
    assert fires("p.flag or n1 > 0", {}) == [0]
    assert fires("n2 > 0 or n1 > 0", {"n2": 1}) == [0]
    assert fires("not (n2 > 0 and n1 > 0)", {"n2": -1}) == [0]


@pytest.mark.parametrize(("text", "value"), [
    ("n1 in [1]", 1.0), ("n1 in [1.0]", 1), ("n1 == 1", 1.0), ("n1 == 1.0", 1),
    ("n1 not in [2.0]", 2), ("n1 >= 2", 2.0), ("n1 in p.nums", 2.0),
])
def test_int_and_float_are_the_same_number(text, value):
    expected_true = "not in" not in text
    assert (fires(text, {"n1": value}) == [0]) is expected_true


def test_booleans_are_not_numbers_in_conditions():
    from engine.rules.conditions import ConditionError

    for text in ("b1 == 1", "n1 == true", "n1 in [1, true]", "b1 in [0, 1]", "b1 > false"):
        with pytest.raises(ConditionError):
            parse_condition(text, FACTS, P)


def test_booleans_and_numbers_stay_apart_at_run_time():
    assert fires("b1", {"b1": True}, {"b1": False}) == [0]
    assert fires("not b1", {"b1": True}, {"b1": False}) == [1]
    assert fires("n1 == 0", {"n1": 0}, {"n1": 0.0}, {"n1": 1}) == [0, 1]


@pytest.mark.parametrize(("keyword", "text", "hit"), [
    ("财务", "分管财务工作", True), ("财务", "分管财政", False), ("b c", "ab cd", True),
    ("-", "a-b", True), ("/", "会计/出纳", True), ("政府采购", "分管政府采购、物资", True),
    ("财务", "第一行\n财务", True), ("😀", "x😀y", True), ("é", "café", True),
    ("一对一", "一对一对口帮扶", True), ("aba", "ababc", True), ("abab", "abababx", True),
    ("a.b", "axb", False), ("a.b", "a.b", True), ("%", "100%", True), ("(", "a(b", True),
])
def test_contains_any_plain_keywords(keyword, text, hit):
    assert (fires(f't1 contains_any ["{keyword}"]', {"t1": text}) == [0]) is hit


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(words=st.lists(st.text(alphabet="ab一对.%(|*", min_size=1, max_size=5), min_size=1, max_size=3),
       texts=st.lists(st.text(alphabet="ab一对.%(|*x", max_size=10), min_size=1, max_size=6))
def test_contains_any_is_pythons_in(words, texts):
    # No keyword is ever missed: the runtime's containment equals Python's `in` on any text.
    quoted = ", ".join(json.dumps(w, ensure_ascii=False) for w in words)
    got = fires(f"t1 contains_any [{quoted}]", *({"t1": t} for t in texts))
    assert got == [i for i, t in enumerate(texts) if any(w in t for w in words)]
    got_not = fires(f"not (t1 contains_any [{quoted}])", *({"t1": t} for t in texts))
    assert got_not == [i for i, t in enumerate(texts) if not any(w in t for w in words)]


def test_empty_lists_in_the_positive():
    assert fires("n1 in []", {"n1": 1}, {}) == []
    assert fires("t1 contains_any []", {"t1": "x"}, {}) == []


def test_a_long_condition_over_many_facts():
    # 40 comparisons in one conjunction and 40 in one disjunction: no DNF blow-up when flat.
    facts = {f"f{i}": "number" for i in range(40)}
    conj = " and ".join(f"f{i} >= p.num" for i in range(40))
    disj = " or ".join(f"f{i} >= p.num" for i in range(40))
    params = {"p.num": 1}
    rec_all = {f"f{i}": 1 for i in range(40)}
    rec_one = {"f39": 1}
    specs = [RuleSpec(name, SCOPE, compile_condition(parse_condition(text, facts, params), params))
             for name, text in (("conj", conj), ("disj", disj))]
    got = Session().run(specs, [rec_all, rec_one, {}])
    assert got == [(0, "conj"), (0, "disj"), (1, "disj")]


# --------------------------------------------------------------------------- authoring in a temp project
class Project:
    """A throw-away copy of rules/ and scorecards/ that engine.rules.load points at."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.root = root
        copy_project(root, monkeypatch)
        self.base = yaml.safe_load((root / "rules" / "CARD_DEMOTE.yaml").read_text(encoding="utf-8"))

    def rule(self, rule_id: str, then: dict[str, Any], *, condition: str | None = None,
             clauses: list[dict[str, str]] | None = None, parameters: tuple[str, ...] = (),
             scope: str = "leader_year", applies_to: str = "all", **extra: Any) -> None:
        data = {k: self.base[k] for k in ("title", "family", "what", "why", "source")}
        data.update(id=rule_id, scope=scope, applies_to=applies_to, parameters=list(parameters), then=then, **extra)
        if clauses is not None:
            data["clauses"] = clauses
        else:
            data["condition"] = condition
        (self.root / "rules" / f"{rule_id}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def scorecard(self, rules_first: list[str], *, only: bool = False) -> Path:
        path = self.root / "scorecards" / "county.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["rules"] = rules_first if only else rules_first + data["rules"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    return Project(tmp_path / "project", monkeypatch)


def consequence(code: str, label: str = "测试后果") -> dict[str, Any]:
    return {"kind": "consequence", "code": code, "label": label, "severity": "info"}


def conclude(fact: str) -> dict[str, Any]:
    return {"kind": "conclude", "fact": fact, "meaning": f"结论 {fact}"}


def _chain(project: Project, order: list[str]) -> load.Scorecard:
    project.rule("ZZ_A", conclude("pts_a"), condition="deduction_points >= card.disqualify_awards",
                 parameters=("card.disqualify_awards",))
    project.rule("ZZ_B", conclude("pts_b"), condition="pts_a and deduction_points >= card.withhold_bonus",
                 parameters=("card.withhold_bonus",))
    project.rule("ZZ_C", consequence("TALK_REMINDER"), clauses=[
        {"name": "chain", "label": "链式条款", "condition": "pts_b"},
        {"name": "one_year", "label": "一年扣分", "condition": "deduction_points >= card.demote_one_year"},
    ], parameters=("card.demote_one_year",))
    project.scorecard(order)
    return load.load_scorecard()


@pytest.mark.parametrize("order", [["ZZ_C", "ZZ_B", "ZZ_A"], ["ZZ_A", "ZZ_B", "ZZ_C"], ["ZZ_B", "ZZ_C", "ZZ_A"]])
def test_three_strata_in_dependency_order_whatever_the_listing(project, order):
    card = _chain(project, order)
    level = {r.id: i for i, stratum in enumerate(card.strata) for r in stratum}
    assert level["ZZ_A"] < level["ZZ_B"] < level["ZZ_C"]
    records = [{"year": 2025, "leader_id": str(p), "is_top": True, "deduction_points": p} for p in (3, 5, 7, 11)]
    records.append({"year": 2025, "leader_id": "none", "is_top": True, "deduction_points": None})
    outcomes = evaluate_records(card, {"leader_year": records}).outcomes["leader_year"]
    fired = {o.record["leader_id"]: {f.rule.id: f for f in o.firings if f.rule.id.startswith("ZZ_")}
             for o in outcomes}
    assert sorted(fired["3"]) == [] and sorted(fired["5"]) == ["ZZ_A"]
    assert sorted(fired["7"]) == ["ZZ_A", "ZZ_B", "ZZ_C"] and fired["none"] == {}
    # missing deduction_points: the conclusion is unknown (None), not false (Kleene logic)
    assert [o.record["pts_a"] for o in outcomes] == [False, True, True, True, None]
    c7, c11 = fired["7"]["ZZ_C"], fired["11"]["ZZ_C"]
    # Facts and parameters are exactly those the fired clauses read.
    assert c7.clauses == ["chain"] and c7.facts == {"pts_b": True} and c7.parameters == {}
    assert c11.clauses == ["chain", "one_year"]
    assert c11.facts == {"pts_b": True, "deduction_points": 11} or c11.facts == {"deduction_points": 11, "pts_b": True}
    assert c11.parameters == {"card.demote_one_year": 10}
    # One link of the chain: pts_b came from ZZ_B, with ZZ_B's own facts and parameters.
    link = c7.derived["pts_b"]
    assert link["rule_id"] == "ZZ_B" and link["parameters"] == {"card.withhold_bonus": 6}
    assert link["facts"] == {"deduction_points": 7, "pts_a": True}
    b = fired["7"]["ZZ_B"]
    assert b.derived["pts_a"]["rule_id"] == "ZZ_A"
    assert b.derived["pts_a"]["parameters"] == {"card.disqualify_awards": 4}


def test_a_chain_cycle_is_a_rule_file_error(project):
    project.rule("ZZ_A", conclude("pts_a"), condition="pts_b", parameters=())
    project.rule("ZZ_B", conclude("pts_b"), condition="pts_a", parameters=())
    project.scorecard(["ZZ_A", "ZZ_B"])
    with pytest.raises(load.RuleFileError, match="circular"):
        load.load_scorecard()


def test_rules_in_the_other_scopes(project):
    source = {"card.disqualify_awards": None}
    del source
    project.rule("ZZ_PORTFOLIO", conclude("odd_item"), scope="portfolio_item", applies_to="top",
                 condition='portfolio_item contains_any ["会计", "出纳"]')
    project.rule("ZZ_PORTFOLIO2", consequence("DIRECT_CHARGE_VIOLATION"), scope="portfolio_item",
                 applies_to="top", condition="odd_item")
    project.rule("ZZ_SPEND", consequence("COUNTERSIGN_MISSING"), scope="expenditure", applies_to="top",
                 condition="amount >= countersign.amount and countersigned", parameters=("countersign.amount",))
    project.rule("ZZ_IMAGE", consequence("PRAISE"), scope="image_round", applies_to="top",
                 condition="image_rank <= image.praise_top and image_bottom_prev_round <= image.criticise_bottom",
                 parameters=("image.praise_top", "image.criticise_bottom"))
    card = load.load_scorecard(project.scorecard(["ZZ_PORTFOLIO", "ZZ_PORTFOLIO2", "ZZ_SPEND", "ZZ_IMAGE"],
                                                 only=True))
    records = {
        "portfolio_item": [
            {"year": 2025, "leader_id": "1", "is_top": True, "portfolio_item": "会计核算", "row": 2},
            {"year": 2025, "leader_id": "2", "is_top": False, "portfolio_item": "会计核算", "row": 3},
            {"year": 2025, "leader_id": "3", "is_top": None, "portfolio_item": "出纳", "row": 4},
            {"year": 2025, "leader_id": "4", "is_top": True, "portfolio_item": None, "row": 5},
        ],
        "expenditure": [
            {"year": 2025, "unit": "甲", "amount": 3000, "countersigned": True, "row": 2},
            {"year": 2025, "unit": "甲", "amount": 2999.99, "countersigned": True, "row": 3},
            {"year": 2025, "unit": "甲", "amount": None, "countersigned": True, "row": 4},
            {"year": 2025, "unit": "甲", "amount": 5000, "countersigned": None, "row": 5},
        ],
        "image_round": [
            {"year": 2025, "unit": "甲", "image_round": 1, "image_rank": 5, "image_bottom_prev_round": 3},
            {"year": 2025, "unit": "乙", "image_round": 1, "image_rank": 5, "image_bottom_prev_round": None},
            {"year": 2025, "unit": "丙", "image_round": 1, "image_rank": 6, "image_bottom_prev_round": 1},
        ],
    }
    run = evaluate_records(card, records)
    fired = {scope: [[f.rule.id for f in o.firings] for o in outs] for scope, outs in run.outcomes.items()}
    assert fired["portfolio_item"] == [["ZZ_PORTFOLIO", "ZZ_PORTFOLIO2"], [], [], []]
    assert fired["expenditure"] == [["ZZ_SPEND"], [], [], []]
    assert fired["image_round"] == [["ZZ_IMAGE"], [], []]
    # expenditure / image_round rules have no is_top fact: the consequence goes to the unit's 一把手
    assert "is_top" not in run.outcomes["expenditure"][0].firings[0].facts


def test_parameters_that_decide_a_clause(project):
    project.rule("ZZ_CONST", consequence("MANUAL_REVIEW"), clauses=[
        {"name": "never", "label": "永不成立", "condition": "not elimination.require_tenure and deduction_points >= card.demote_one_year"},
        {"name": "always", "label": "恒成立", "condition": "elimination.require_tenure or deduction_points >= card.withhold_bonus"},
        {"name": "real", "label": "看数据", "condition": "deduction_points >= card.disqualify_awards"},
    ], parameters=("elimination.require_tenure", "card.demote_one_year", "card.withhold_bonus",
                   "card.disqualify_awards"))
    card = load.load_scorecard(project.scorecard(["ZZ_CONST"], only=True))
    records = [{"year": 2025, "leader_id": "a", "is_top": False, "deduction_points": 20},
               {"year": 2025, "leader_id": "b", "is_top": False, "deduction_points": None}]
    outs = evaluate_records(card, {"leader_year": records}).outcomes["leader_year"]
    assert [f.clauses for o in outs for f in o.firings] == [["always", "real"], ["always"]]
    # "always" is true by the parameter; it still lists what it reads (the missing fact shows as null)
    assert outs[1].firings[0].facts == {"deduction_points": None}
    assert outs[1].firings[0].parameters == {"card.withhold_bonus": 6, "elimination.require_tenure": True}
    card_off = load.load_scorecard(overrides={"elimination.require_tenure": False})
    outs = evaluate_records(card_off, {"leader_year": records}).outcomes["leader_year"]
    assert [f.clauses for o in outs for f in o.firings] == [["never", "always", "real"]]


def test_clause_names_reused_across_rules(project):
    for rid, param in (("ZZ_ONE", "card.disqualify_awards"), ("ZZ_TWO", "card.withhold_bonus")):
        project.rule(rid, consequence("TALK_REMINDER"), clauses=[
            {"name": "main", "label": "主条款", "condition": f"deduction_points >= {param}"},
            {"name": "other", "label": "另一条款", "condition": "deduction_points_2y >= card.demote_two_years"},
        ], parameters=(param, "card.demote_two_years"))
    card = load.load_scorecard(project.scorecard(["ZZ_ONE", "ZZ_TWO"], only=True))
    records = [{"year": 2025, "leader_id": "a", "deduction_points": 5, "deduction_points_2y": 12}]
    (out,) = evaluate_records(card, {"leader_year": records}).outcomes["leader_year"]
    got = {f.rule.id: (f.clauses, f.parameters) for f in out.firings}
    assert got == {"ZZ_ONE": (["main", "other"], {"card.disqualify_awards": 4, "card.demote_two_years": 12}),
                   "ZZ_TWO": (["other"], {"card.demote_two_years": 12})}


# --------------------------------------------------------------------------- determinism
def _strip_order(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    doc.pop("rules_fingerprint")
    doc["rule_files"] = {k: v for k, v in doc["rule_files"].items() if k != "scorecards/county.yaml"}  # reordered
    doc["rules"] = sorted(doc["rules"], key=lambda r: r["id"])
    for result in doc["results"]:
        result["consequences"] = sorted(result["consequences"], key=lambda c: json.dumps(c, sort_keys=True))
        result["not_evaluated"] = sorted(result["not_evaluated"], key=lambda n: json.dumps(n, sort_keys=True))
    return doc


def test_rule_order_in_the_scorecard_does_not_change_results(project):
    from engine.evaluation.scoring import score, to_json
    from engine.input.workbook import read_workbook

    book = read_workbook(SAMPLE)
    path = project.root / "scorecards" / "county.yaml"
    first = json.loads(to_json(score(book, load.load_scorecard(), years=[2023, 2024, 2025])))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for seed in (1, 2):
        random.Random(seed).shuffle(data["rules"])
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        shuffled = to_json(score(book, load.load_scorecard(), years=[2023, 2024, 2025]))
        assert shuffled == to_json(score(read_workbook(SAMPLE), load.load_scorecard(), years=[2023, 2024, 2025]))
        assert _strip_order(json.loads(shuffled)) == _strip_order(first)


def test_diff_and_sweep_equal_separate_runs(capsys, tmp_path):
    from engine.cli import main
    from engine.evaluation.scoring import score
    from engine.input.workbook import read_workbook
    from engine.output.diff import Side, compare, leaders_per_code, scorecard_codes

    def separate(overrides: dict[str, Any]):
        return score(read_workbook(SAMPLE), load.load_scorecard(overrides=overrides))

    values = ["2", "4", "8"]
    assert main(["sweep", str(SAMPLE), "card.disqualify_awards", *values, "--json", str(tmp_path / "s.json")]) == 0
    swept = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    codes = scorecard_codes(load.load_scorecard())
    assert [r["counts"] for r in swept["rows"]] == [
        {c: leaders_per_code(separate({"card.disqualify_awards": int(v)})).get(c, 0) for c in codes} for v in values]
    overrides = {"five.weak_below": 80, "image.criticise_bottom": 5}
    assert main(["diff", str(SAMPLE), "--set", "five.weak_below=80", "--set", "image.criticise_bottom=5",
                 "--json", str(tmp_path / "d.json")]) == 0
    diffed = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    base_card, other_card = load.load_scorecard(), load.load_scorecard(overrides=overrides)
    expected = compare(Side(separate({}), base_card, "默认评分卡"),
                       Side(separate(overrides), other_card, "默认评分卡，--set five.weak_below=80 image.criticise_bottom=5"))
    assert expected["changes"] and diffed == json.loads(json.dumps(expected, ensure_ascii=False))


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]
