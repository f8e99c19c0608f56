"""Run a scorecard's rules over fact records through durable_rules; collect everything.

Strata (engine.rules.load.stratify) run in order: a rule that concludes a fact runs
before the rules that read it, and its conclusions (with the clauses and facts
behind them) are written into the records the next stratum sees.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.rules.compile import compile_condition
from engine.rules.conditions import And, ContainsAny, Fact, Node, Not, Or, Truth, names_in
from engine.evaluation.facts import SCOPES, fact_spec
from engine.rules.load import LoadedRule, Scorecard
from engine.rules.model import ConcludeAction, ConsequenceAction
from engine.evaluation import kleene, vectorized
from engine.evaluation.runtime import RuleSpec, Session
from engine.evaluation.vectorized import Columns
from engine.input.sheets import SHEETS

SHEET_LABELS = {spec.en: spec.zh for spec in SHEETS}  # sheet key → Chinese name, from the contract


@dataclass
class Firing:
    """One rule firing on one record: which clauses, and the values that made it fire."""

    rule: LoadedRule
    clauses: list[str]
    facts: dict[str, Any]
    parameters: dict[str, Any]
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What the rules concluded for one record."""

    record: dict[str, Any]
    firings: list[Firing] = field(default_factory=list)
    because: dict[str, dict[str, Any]] = field(default_factory=dict)  # concluded fact -> its firing


@dataclass
class RunOutcome:
    """Outcomes per scope, and the rule families that could not be evaluated at all."""

    outcomes: dict[str, list[Outcome]]
    not_evaluated: list[dict[str, str]] = field(default_factory=list)


def required_sheets(rule: LoadedRule, concluded_by: dict[str, LoadedRule],
                    facts: frozenset[str] | set[str] | None = None) -> set[str]:
    """Input sheets a rule (or, with `facts`, one clause of it) needs, through the rules whose
    conclusions it reads."""
    sheets: set[str] = {SCOPES[rule.rule.scope].sheet}
    for name in rule.facts_read if facts is None else facts:
        spec = fact_spec(rule.rule.scope, name)
        if spec:
            sheets.add(spec.sheet)
        elif name in concluded_by:
            sheets |= required_sheets(concluded_by[name], concluded_by)
    return sheets - {"roster"}


def _top_only(rule: LoadedRule) -> bool:
    # Unit-level scopes have no is_top: their consequences attach to the unit's 一把手.
    return rule.rule.applies_to == "top" and fact_spec(rule.rule.scope, "is_top") is not None


def _with_scope(rule: LoadedRule, node: Node) -> Node:
    return And((Truth(Fact("is_top", "bool")), node)) if _top_only(rule) else node


def _specs(rule: LoadedRule, params: dict[str, Any]) -> list[RuleSpec]:
    specs = []
    params = {**params, **rule.local_values}
    for clause, node in rule.clauses:
        compiled = compile_condition(_with_scope(rule, node), params)
        if compiled is False:
            continue  # cannot fire under the parameters in force
        scope = rule.rule.scope
        condition = {"_scope": scope} if compiled is True else compiled
        specs.append(RuleSpec(f"{rule.id}#{clause}", scope, condition))
    return specs


BACKENDS = ("durable", "vectorized")
# The default: vectorized decides the same firings (byte-identical JSON, tests/test_backends_agree.py)
# at about 7–8x durable's CPU speed on the rules stage and 1.8x on a whole 100k run (python -m bench, issue 10 note); durable stays the
# reference, `--backend durable` and `--cross-check` use it.
DEFAULT_BACKEND = "vectorized"


def evaluate_records(scorecard: Scorecard, records: dict[str, list[dict[str, Any]]],
                     sheets_present: set[str] | None = None, backend: str = "durable") -> RunOutcome:
    """Evaluate every rule of the scorecard on every record of its scope; the core of a run.

    `records` maps scope → records. `sheets_present=None` means every sheet is
    there (rule cases use this). `backend` decides which rules fire: "durable"
    (durable_rules, the reference) or "vectorized" (engine.evaluation.vectorized);
    what a firing records is built here for both.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    params = scorecard.values()
    concluded_by = {r.concludes: r for r in scorecard.rules if r.concludes}
    run = RunOutcome({scope: [Outcome(dict(rec)) for rec in records.get(scope, [])] for scope in SCOPES})
    session = Session() if backend == "durable" else None
    columns = {scope: Columns([out.record for out in outs]) for scope, outs in run.outcomes.items()}
    for stratum in scorecard.strata:
        by_scope: dict[str, list[LoadedRule]] = {}
        for rule in stratum:
            runnable = rule if sheets_present is None else _runnable(rule, concluded_by, sheets_present,
                                                                     run.not_evaluated)
            if runnable is not None:
                by_scope.setdefault(rule.rule.scope, []).append(runnable)
        for scope, rules in by_scope.items():
            if session is None:
                _run_stratum_vectorized(rules, run.outcomes[scope], params, columns[scope])
            else:
                _run_stratum(session, rules, run.outcomes[scope], params)
    if session is not None:
        session.close()
    return run


def _runnable(rule: LoadedRule, concluded_by: dict[str, LoadedRule], present: set[str],
              notes: list[dict[str, str]]) -> LoadedRule | None:
    """The rule with only the clauses whose sheets have data; None (and a note) when no clause is left.

    A clause whose data is absent is "not evaluated", never passed (SPEC 3.7): e.g. TALK_OVERDUE's
    promotion clause when the workbook has no 新提拔 sheet, while its other clauses still run."""
    missing = {name: required_sheets(rule, concluded_by, names_in(node)[0]) - present for name, node in rule.clauses}
    if all(missing.values()):
        _mark_not_evaluated(notes, rule, set().union(*missing.values()))
        return None
    dropped = [name for name, sheets in missing.items() if sheets]
    if not dropped:
        return rule
    labels = rule.rule.clause_labels()
    for name in dropped:
        sheets = sorted(missing[name])
        note = {
            "family": rule.rule.family,
            "reason_zh": f"工作簿中没有“{'、'.join(SHEET_LABELS.get(s, s) for s in sheets)}”的数据，"
                         f"{rule.rule.title}的“{labels.get(name, name)}”条款未评估",
            "reason_en": f"no data in {', '.join(sheets)}: clause {name} of {rule.id} not evaluated",
        }
        if note not in notes:
            notes.append(note)
    return replace(rule, clauses=tuple((n, node) for n, node in rule.clauses if not missing[n]))


def _mark_not_evaluated(notes: list[dict[str, str]], rule: LoadedRule, missing: set[str]) -> None:
    sheets = "、".join(SHEET_LABELS.get(s, s) for s in sorted(missing))
    note = {
        "family": rule.rule.family,
        "reason_zh": f"工作簿中没有“{sheets}”的数据（工作表缺失或只有表头），该类规则未评估",
        "reason_en": f"no data in {', '.join(sorted(missing))} (sheet absent or header only): not evaluated",
    }
    if note not in notes:
        notes.append(note)


def _run_stratum(session: Session, rules: list[LoadedRule], outcomes: list[Outcome],
                 params: dict[str, Any]) -> None:
    by_key = {}
    specs = []
    for rule in rules:
        for spec in _specs(rule, params):
            by_key[spec.key] = rule
            specs.append(spec)
    fired = session.run(specs, [out.record for out in outcomes])
    grouped: dict[tuple[int, str], list[str]] = {}
    for index, key in fired:
        grouped.setdefault((index, by_key[key].id), []).append(key.split("#", 1)[1])
    _settle_conclusions(rules, outcomes, params)
    by_id = {rule.id: (i, rule) for i, rule in enumerate(rules)}
    for (index, rule_id), clauses in sorted(grouped.items(), key=lambda kv: (kv[0][0], by_id[kv[0][1]][0])):
        _apply(by_id[rule_id][1], outcomes[index], clauses, params)


def _run_stratum_vectorized(rules: list[LoadedRule], outcomes: list[Outcome], params: dict[str, Any],
                            cols: Columns) -> None:
    """The same stratum decided with whole-column masks; firings applied in the same order."""
    hits: list[tuple[int, int, str]] = []  # (record index, rule position, clause)
    for position, rule in enumerate(rules):
        rule_params = {**params, **rule.local_values}
        masks = [vectorized.evaluate(_with_scope(rule, node), cols, rule_params) for _, node in rule.clauses]
        for (clause, _), (true, _false) in zip(rule.clauses, masks):
            hits.extend((int(i), position, clause) for i in np.flatnonzero(true))
        if rule.concludes:
            values = vectorized.concluded_column(masks, cols.n)
            cols.set(rule.concludes, values)
            for out, value in zip(outcomes, values.tolist()):
                out.record[rule.concludes] = value
    hits.sort(key=lambda h: (h[0], h[1]))
    for (index, position), group in itertools.groupby(hits, key=lambda h: (h[0], h[1])):
        _apply(rules[position], outcomes[index], [clause for _, _, clause in group], params)


def _settle_conclusions(rules: list[LoadedRule], outcomes: list[Outcome], params: dict[str, Any]) -> None:
    """A concluded fact is false where every clause is definitely false, unknown (None) where
    data was missing (Kleene logic, decided per record by engine.evaluation.kleene rather than
    by a "definitely false" rule firing in durable_rules for nearly every record); _apply then
    sets it true where a clause fired."""
    for rule in rules:
        if not rule.concludes:
            continue
        rule_params = {**params, **rule.local_values}
        nodes = [_with_scope(rule, node) for _, node in rule.clauses]
        for out in outcomes:
            false = all(kleene.truth(node, out.record, rule_params) is False for node in nodes)
            out.record[rule.concludes] = False if false else None


_READS: dict[tuple[int, tuple[str, ...]], tuple[list[str], list[str], list[str]]] = {}


def _reads(rule: LoadedRule, clauses: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(clauses in rule order, facts shown, parameters shown) of a firing; the same for every
    record, so worked out once per rule and set of clauses (cached by the rule object's id
    while it lives)."""
    key = (id(rule), tuple(sorted(set(clauses))))
    cached = _READS.get(key)
    if cached is not None and _READ_OWNERS.get(id(rule)) is rule:
        return cached
    clause_order = [name for name, _ in rule.clauses]
    ordered = sorted(set(clauses), key=clause_order.index)
    nodes = dict(rule.clauses)
    facts: set[str] = {"is_top"} if _top_only(rule) else set()
    facts |= set(SCOPES[rule.rule.scope].context) | set(rule.rule.show)
    used_params: set[str] = set(getattr(rule.rule.then, "carry", []))
    for clause in ordered:
        f, p = names_in(nodes[clause])
        facts |= f
        used_params |= p
    if len(_READS) > 10_000:  # many scorecards loaded in one process (a server): start afresh
        _READS.clear()
        _READ_OWNERS.clear()
    _READ_OWNERS[id(rule)] = rule
    _READS[key] = ([c for c in ordered if c], sorted(facts),
                   sorted(p for p in used_params if not p.startswith("lists.")))
    return _READS[key]


_READ_OWNERS: dict[int, LoadedRule] = {}


def _apply(rule: LoadedRule, out: Outcome, clauses: list[str], params: dict[str, Any]) -> None:
    fired, facts, used_params = _reads(rule, clauses)
    firing = Firing(
        rule=rule,
        clauses=list(fired),
        facts={name: out.record.get(name) for name in facts},
        parameters={name: params[name] for name in used_params},
    )
    for name in facts:
        because = out.because.get(name)
        if because:
            firing.derived[name] = because
    if isinstance(rule.rule.then, ConcludeAction):
        out.record[rule.concludes] = True
        out.because[rule.concludes] = {
            "rule_id": rule.id, "meaning": rule.rule.then.meaning, "clauses": firing.clauses,
            "facts": firing.facts, "parameters": firing.parameters,
        }
        if firing.derived:  # a chain of conclusions keeps every link
            out.because[rule.concludes]["derived_from"] = firing.derived
    out.firings.append(firing)


def consequence_firings(out: Outcome) -> list[Firing]:
    return [f for f in out.firings if isinstance(f.rule.rule.then, ConsequenceAction)]


def matched_keywords(rule: LoadedRule, record: dict[str, Any]) -> list[str]:
    """Which words of a contains_any list a record's text holds (for the explanation)."""
    values = rule.local_values
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, ContainsAny):
            words = node.values.value if hasattr(node.values, "value") else values.get(node.values.name, [])
            text = record.get(node.fact.name) or ""
            found.extend(w for w in words if w in text and w not in found)
        elif isinstance(node, (And, Or)):
            for item in node.items:
                walk(item)
        elif isinstance(node, Not):
            walk(node.item)

    for _, node in rule.clauses:
        walk(node)
    return found
