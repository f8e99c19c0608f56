"""Score a workbook: read → derive facts → evaluate rules → results (SPEC section 5).

This is the small public API the CLI and tests drive:

    result = score_workbook("assessment.xlsx", years=[2025])
    result.model_dump(mode="json")
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from engine.evaluation.evaluate import (DEFAULT_BACKEND, SHEET_LABELS, Firing, Outcome, RunOutcome, consequence_firings, evaluate_records,
                       matched_keywords)
from engine.evaluation import packs
from engine.evaluation.packs.todo import obligations
from engine.evaluation.evidence import EvidenceIndex, consequence_evidence, num
from engine.evaluation.facts import SCOPES, ScopeSpec, derive_facts, window_notes
from engine.input.sheets import FIVE_DIMENSIONS
from engine.input.issues import InputError, InputIssue
from engine.rules.load import Scorecard, file_digests, load_scorecard
from engine.rules.model import ConsequenceAction, effective_window_zh
from engine.evaluation.results import (Consequence, ConsequenceSource, LeaderResult, ParameterInForce, RuleInfo,
                                       RuleNotInForce, RunResult,
                      SourceRef)
from engine.input.workbook import Workbook, read_workbook
from engine.input.catalogue import catalogue_notes
from engine.input.issue_table import sort_issues

SCORE_FACTS = ("deduction_points", "deduction_points_2y", "deduction_points_3y",
               "unit_rank", "unit_count", "bottom_position", "bottom_position_prev")


def score_workbook(path: str | Path, *, scorecard: Scorecard | None = None, years: list[int] | None = None,
                   lenient: bool = False) -> RunResult:
    """Read and score one workbook. Strict mode raises InputError listing every problem."""
    workbook = read_workbook(path, lenient=lenient)
    return score(workbook, scorecard or load_scorecard(), years=years)


# Parameters the fact derivation reads (engine.evaluation.facts): facts prepared under one
# set of their values are reused by any scorecard that agrees on them, re-derived otherwise.
FACT_PARAMS = ("five.grades", "five.weights", "ranking.tie_position") + packs.FACT_PARAMS


@dataclass
class PreparedFacts:
    """A workbook read, its facts derived and its records laid out once, for many evaluations.

    Reuse it across the values of a sweep and both sides of a diff: `evaluate` copies the
    records it writes into, so one PreparedFacts serves any number of runs (not thread-safe).
    """

    workbook: Workbook
    years: list[int]
    fact_params: dict[str, Any]
    frames: dict[str, pd.DataFrame]
    records: dict[str, list[dict[str, Any]]]
    with_data: set[str]
    input_sheets: dict[str, str]
    _evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def leader_years(self) -> int:
        return len(self.records["leader_year"])


def prepare(workbook: Workbook, years: list[int] | None = None, params: dict[str, Any] | None = None
            ) -> PreparedFacts:
    """Derive every fact of `workbook` once. `years=None` → the latest year on the roster.

    `params` are the scorecard's values (`scorecard.values()`, default: the default
    scorecard's); only FACT_PARAMS matter here, and `evaluate` re-derives if a scorecard
    disagrees with them. Raises InputError
    without a roster and YearNotInWorkbook for a year the roster lacks.
    """
    if "roster" not in workbook.tables or workbook.tables["roster"].empty:
        raise InputError(workbook.issues + [_no_roster()])
    params = load_scorecard().values() if params is None else params
    fact_params = {name: params[name] for name in FACT_PARAMS if name in params}
    facts = derive_facts(workbook.tables, fact_params)
    available = sorted(int(y) for y in facts["leader_year"]["year"].unique())
    years = sorted(set(years)) if years else available[-1:]
    unknown = [y for y in years if y not in available]
    if unknown:
        raise YearNotInWorkbook(unknown, available)
    records = {scope: frame_records(frame[frame["year"].isin(years)]) for scope, frame in facts.items()}
    # A sheet with only its header (the blank template as shipped) holds no data, like an absent one.
    with_data = {name for name, table in workbook.tables.items() if len(table)}
    return PreparedFacts(workbook, years, fact_params, facts, records, with_data,
                         {name: sheet_digest(table) for name, table in sorted(workbook.tables.items())})


def evaluate(prepared: PreparedFacts, scorecard: Scorecard, backend: str = DEFAULT_BACKEND) -> RunResult:
    """Score prepared facts under one scorecard (a scenario, a sweep value, a diff side).

    backend: "durable" (durable_rules, the reference) or "vectorized" (whole-column masks
    over the same condition trees); both give byte-identical JSON (tests/test_backends_agree.py).
    """
    params = scorecard.values()
    wanted = {name: params[name] for name in FACT_PARAMS if name in params}
    if wanted != prepared.fact_params:
        prepared = prepare(prepared.workbook, prepared.years, params)
    workbook = prepared.workbook
    run = evaluate_records(scorecard, prepared.records, prepared.with_data, backend=backend)
    evidence_key = repr(sorted(params.items()))
    if evidence_key not in prepared._evidence:
        prepared._evidence.clear()  # one at a time: it indexes the input rows, large at scale
        prepared._evidence[evidence_key] = EvidenceIndex(workbook.tables, params)
    results, unmatched = assemble(scorecard, run, prepared.with_data, prepared._evidence[evidence_key])
    _note_skipped_rows(workbook, results, unmatched)
    result = RunResult(
        engine_version=engine_version(),
        scorecard=scorecard.definition.id,
        scenario=scorecard.scenario.id if scorecard.scenario else None,
        scenario_title=scorecard.scenario.title if scorecard.scenario else None,
        years=prepared.years,
        rules_fingerprint=scorecard.fingerprint,
        input_fingerprint=workbook.fingerprint,
        input_file=Path(workbook.path).name,
        rule_files=file_digests(scorecard.files),
        input_sheets=dict(prepared.input_sheets),
        parameters=parameters_in_force(scorecard),
        rules=[_rule_info(r) for r in scorecard.rules if isinstance(r.rule.then, ConsequenceAction)],
        rules_not_in_force=_not_in_force(scorecard, prepared.years),
        input_issues=sort_issues([*workbook.issues, *catalogue_notes(workbook, scorecard)]),
        extra_sheets=list(workbook.extra_sheets),
        unmatched=unmatched,
        not_evaluated=list(run.not_evaluated),
        results=results,
    )
    result._trace = (scorecard, run)
    return result


def score(workbook: Workbook, scorecard: Scorecard, *, years: list[int] | None = None,
          backend: str = DEFAULT_BACKEND) -> RunResult:
    """Read facts and evaluate in one go: `evaluate(prepare(workbook, years), scorecard)`."""
    return evaluate(prepare(workbook, years, scorecard.values()), scorecard, backend)


def engine_version() -> str:
    try:
        return metadata.version("scorecard")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def sheet_digest(table: pd.DataFrame) -> str:
    """sha256 over a sheet's rows as read (values, Excel row numbers, column names)."""
    digest = hashlib.sha256("\0".join(map(str, table.columns)).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(table.astype(str), index=False).values.tobytes())
    return digest.hexdigest()


def parameters_in_force(scorecard: Scorecard) -> list[ParameterInForce]:
    return [ParameterInForce(name=p.name, value=p.value, provenance=p.provenance,
                             citation=p.citation, default=p.default, meaning=p.meaning)
            for p in scorecard.params.values()]


def _rule_info(loaded: Any) -> RuleInfo:
    rule = loaded.rule
    return RuleInfo(id=rule.id, title=rule.title, code=rule.then.code, clauses=rule.clause_labels(),
                    source=SourceRef(**rule.source.model_dump()),
                    effective_from=rule.effective_from, effective_to=rule.effective_to)


def _not_in_force(scorecard: Scorecard, years: list[int]) -> list[RuleNotInForce]:
    out = []
    for loaded in scorecard.rules:
        rule = loaded.rule
        outside = [y for y in years if not rule.in_force(y)]
        if outside:
            window = effective_window_zh(rule.effective_from, rule.effective_to)
            out.append(RuleNotInForce(
                rule_id=rule.id, title=rule.title, years=outside,
                reason_zh=f"规则生效年度：{window}；{'、'.join(map(str, outside))}年度不适用，未评估",
                reason_en=f"in force {rule.effective_from or '…'}–{rule.effective_to or '…'}; "
                          f"not applied to {', '.join(map(str, outside))}"))
    return out


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts of JSON values (what _native makes of each row), built column by column."""
    names = list(frame.columns)
    columns = [_native_column(frame[name]) for name in names]
    return [dict(zip(names, row)) for row in zip(*columns)]


_PLAIN = (str, int, bool, type(None))


def _native_column(column: pd.Series) -> list[Any]:
    values = column.tolist()   # numeric dtypes come back as Python ints / floats / bools
    if column.dtype.kind in "iub":
        return values
    return [v if type(v) in _PLAIN else None if type(v) is float and v != v else
            v if type(v) is float else _native({"v": v})["v"] for v in values]


def _native(row: dict[str, Any]) -> dict[str, Any]:
    """pandas/numpy scalars → plain JSON values; NaN/NA → None."""
    out = {}
    for key, value in row.items():
        if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
            out[key] = None
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def assemble(scorecard: Scorecard, run: RunOutcome, sheets_present: set[str], evidence: EvidenceIndex | None = None
             ) -> tuple[list[LeaderResult], dict[str, list[dict[str, Any]]]]:
    """Attach every firing to its leader-year (unit-level ones to the unit's 一把手), then group.

    With `evidence` (the input tables), each consequence lists the rows behind its facts."""
    leaders = {(r.record["year"], r.record["leader_id"]): r.record for r in run.outcomes["leader_year"]}
    tops: dict[tuple[int, str], list[str]] = {}
    for (year, lid), rec in sorted(leaders.items()):
        if rec.get("is_top"):
            tops.setdefault((year, rec["unit"]), []).append(lid)
    groups: dict[tuple[Any, ...], list[tuple[Firing, dict[str, Any]]]] = {}
    unmatched: dict[str, list[dict[str, Any]]] = {}
    for scope, outcomes in run.outcomes.items():
        spec = SCOPES[scope]
        for out in outcomes:
            rec = out.record
            firings = consequence_firings(out)
            if scope == "portfolio_item" and rec.get("is_top") and not firings:
                unmatched.setdefault("portfolio", []).append(_portfolio_row(rec, leaders))
            for firing in firings:
                targets = ([rec["leader_id"]] if spec.attach == "leader"
                           else tops.get((rec["year"], rec["unit"]), []))
                if not targets:
                    unmatched.setdefault("unit_without_top_leader", []).append(
                        {"year": rec["year"], "unit": rec["unit"], "rule_id": firing.rule.id,
                         "code": firing.rule.rule.then.code})
                group = rec.get(spec.group_by) if spec.group_by else None
                for lid in targets:
                    groups.setdefault((rec["year"], lid, firing.rule.id, group), []).append((firing, rec))
    order = {r.id: i for i, r in enumerate(scorecard.rules)}
    by_leader: dict[tuple[int, str], list[Consequence]] = {}
    for key in sorted(groups, key=lambda k: (k[0], k[1], order[k[2]], k[3] if k[3] is not None else -1)):
        scope = scorecard.rule(key[2]).rule.scope
        by_leader.setdefault((key[0], key[1]), []).append(
            _consequence(groups[key], SCOPES[scope], evidence, (key[0], key[1])))
    todo = obligations({scope: [o.record for o in outs] for scope, outs in run.outcomes.items()},
                       scorecard.values())
    results = [leader_result(out, by_leader.get((out.record["year"], out.record["leader_id"]), []),
                             run.not_evaluated, scorecard, sheets_present,
                             todo.get((out.record["year"], out.record["leader_id"]), []))
               for out in run.outcomes["leader_year"]]
    return results, unmatched


def _portfolio_row(rec: dict[str, Any], leaders: dict) -> dict[str, Any]:
    name = leaders.get((rec["year"], rec["leader_id"]), {}).get("name", "")
    return {"year": rec["year"], "leader_id": rec["leader_id"], "name": name,
            "item": rec["portfolio_item"], "raw": rec["portfolio_raw"], "row": rec["row"]}


def leader_result(outcome: Outcome, consequences: list[Consequence], family_notes: list[dict[str, str]],
                  scorecard: Scorecard, sheets_present: set[str],
                  todo: list[dict[str, Any]] | None = None) -> LeaderResult:
    rec = outcome.record
    scores: dict[str, Any] = {name: rec.get(name) for name in SCORE_FACTS}
    scores["five_reinforcements"] = _five(rec)
    scores["composite"] = composite_score(scorecard, rec)
    return LeaderResult(
        leader_id=str(rec["leader_id"]), name=str(rec["name"]), unit=str(rec["unit"]),
        unit_type=str(rec["unit_type"]), title=str(rec["title"]), is_top=bool(rec["is_top"]),
        year=int(rec["year"]),
        scores=scores,
        consequences=consequences,
        not_evaluated=family_notes + window_notes(rec, sheets_present, scorecard.values())
        + list(rec.get("__pack_notes") or []),
        obligations=todo or [],
    )


def _five(rec: dict[str, Any]) -> dict[str, Any] | None:
    if rec.get("five_weighted") is None:
        return None
    five = {"weighted": rec["five_weighted"],
            "dimensions": {d.en: rec[f"five_{d.en}"] for d in FIVE_DIMENSIONS}}
    if rec.get("__five_grades"):
        five["grades"] = rec["__five_grades"]  # the dimensions typed as 好/较好/一般/差
    return five


def composite_score(scorecard: Scorecard, rec: dict[str, Any]) -> float | None:
    """The headline score as the scorecard defines it; null when a part is missing."""
    composite = scorecard.definition.composite
    if composite is None:
        return None
    values = [rec.get(part.score) for part in composite.parts]
    if any(v is None for v in values):
        return None
    return round(sum(part.sign * v for part, v in zip(composite.parts, values)), 2)


def _consequence(members: list[tuple[Firing, dict[str, Any]]], scope: ScopeSpec,
                 index: EvidenceIndex | None = None, leader: tuple[int, str] | None = None) -> Consequence:
    firing = members[0][0]
    then = firing.rule.rule.then
    detail: dict[str, Any] = dict(then.detail)
    facts = dict(firing.facts)
    parameters = dict(firing.parameters)
    if scope.group_by:
        facts[scope.group_by] = members[0][1].get(scope.group_by)
    if scope.name in ("portfolio_item", "expenditure"):
        facts = {"count": len(members)}
        for name in scope.sum_fields:
            facts[f"{name}_total"] = round(sum(rec[name] for _, rec in members), 2)
        detail["rows"] = [_row_detail(f, rec, scope) for f, rec in members]
        if scope.name == "portfolio_item":
            # What an auditor asks first: which portfolio text, and which listed word matched it.
            facts["portfolio_raw"] = [row["raw"] for row in detail["rows"]]
            facts["matched_keywords"] = sorted({w for row in detail["rows"] for w in row["matched"]})
    if firing.derived:
        detail["derived_from"] = firing.derived
        # The numbers behind a concluded fact belong to "the numbers that made it fire" (SPEC 5).
        for chain in _links(firing.derived):
            for name, value in chain["facts"].items():
                facts.setdefault(name, value)
            for name, value in chain["parameters"].items():
                parameters.setdefault(name, value)
        facts = dict(sorted(facts.items()))
    used = [(scope.name, _used_facts(f), rec) for f, rec in members]
    if scope.attach == "unit_top" and leader:  # why this person: the roster row making them the unit's 一把手
        used.append(("leader_year", ["is_top"], {"year": leader[0], "leader_id": leader[1]}))
    evidence, arithmetic = consequence_evidence(index, used)
    for name in scope.sum_fields:
        if len(members) > 1:
            arithmetic[f"{name}_total"] = (f"{' + '.join(num(rec[name]) for _, rec in members)} = "
                                           f"{num(facts[f'{name}_total'])}")
    return Consequence(
        code=then.code, rule_id=firing.rule.id, label=then.label, severity=then.severity,
        subject=then.subject, clauses=firing.clauses, facts=facts,
        parameters=dict(sorted(parameters.items())), detail=detail,
        evidence=evidence, arithmetic=dict(sorted(arithmetic.items())),
        source=ConsequenceSource(document=firing.rule.rule.source.document,
                                 section=firing.rule.rule.source.section),
    )


def _used_facts(firing: Firing) -> list[str]:
    """The facts a firing read, through the conclusions it read."""
    names = list(firing.facts)
    for chain in _links(firing.derived):
        names += list(chain["facts"])
    return names


def _links(derived: dict[str, Any]) -> list[dict[str, Any]]:
    """Every link of the conclusion chains behind a consequence, nearest first."""
    out = []
    for chain in derived.values():
        out.append(chain)
        out += _links(chain.get("derived_from", {}))
    return out


def _row_detail(firing: Firing, rec: dict[str, Any], scope: ScopeSpec) -> dict[str, Any]:
    row = {"sheet": SHEET_LABELS[scope.sheet], "row": rec["row"]}
    row.update({k: v for k, v in firing.facts.items() if k not in ("is_top", "row")})
    if scope.name == "portfolio_item":
        row["raw"] = rec["portfolio_raw"]
        row["matched"] = matched_keywords(firing.rule, rec)
    else:
        row["item"] = rec.get("item")
    return row


# Which results a skipped row (lenient mode) leaves incomplete: the rule family, the
# years it feeds (a deduction also feeds the next two years' windows), and whose results.
SKIP_EFFECTS: dict[str, tuple[str, tuple[int, ...], str]] = {
    "deductions": ("card", (0, 1, 2), "leader"),
    "portfolios": ("direct_charge", (0,), "leader"),
    "five_reinforcements": ("five", (0,), "leader"),
    "annual_ranking": ("elimination", (0, 1), "unit"),
    "image_ranking": ("image", (0, 1), "unit"),
    "expenditures": ("countersign", (0,), "unit"),
    "promotions": ("promotion", (0,), "leader"),
    "assessment_grades": ("assessment", (0,), "leader"),
    "integrity_reviews": ("integrity", (0,), "leader"),
    "responsibilities": ("responsibility", (0,), "leader"),
    # sheets without 年度 (任职经历, 试用期考核, 经济责任审计, 个人重大事项, 谈话记录, 巡察整改) feed several
    # years: a skipped row is listed as unattributed (unmatched.skipped_rows_unattributed) for the reader
}


def _note_skipped_rows(workbook: Workbook, results: list[LeaderResult],
                       unmatched: dict[str, list[dict[str, Any]]]) -> None:
    """Lenient mode: say on each affected leader-year which skipped row may have changed it."""
    by_leader = {(r.year, r.leader_id): r for r in results}
    by_unit: dict[tuple[int, str], list[LeaderResult]] = {}
    for r in results:
        by_unit.setdefault((r.year, r.unit), []).append(r)
    for sheet_en, rows in sorted(workbook.skipped_keys.items()):
        if sheet_en not in SKIP_EFFECTS:
            continue  # a skipped roster row removes the leader-year itself; the issue list says so
        family, offsets, whose = SKIP_EFFECTS[sheet_en]
        label = SHEET_LABELS[sheet_en]
        for keys in rows:
            key = keys.get("leader_id") if whose == "leader" else keys.get("unit")
            if "year" not in keys or key is None:
                unmatched.setdefault("skipped_rows_unattributed", []).append({"sheet": label, "row": keys["row"]})
                continue
            for offset in offsets:
                year = keys["year"] + offset
                targets = ([by_leader[(year, key)]] if (year, key) in by_leader else []) if whose == "leader" \
                    else by_unit.get((year, key), [])
                for result in targets:
                    result.not_evaluated.append({
                        "family": family,
                        "reason_zh": f"“{label}”第{keys['row']}行有错误，宽松模式下已跳过（{keys['year']}年度），"
                                     f"本项结果可能不完整",
                        "reason_en": f"{sheet_en} row {keys['row']} ({keys['year']}) was skipped in lenient mode; "
                                     f"this result may be incomplete",
                        "sheet": label, "row": str(keys["row"]),
                    })


def _no_roster() -> InputIssue:
    return InputIssue(
        code="MISSING_SHEET", severity="error", sheet="干部名册", expected="干部名册 [roster] 工作表，至少一行数据",
        message_zh="【MISSING_SHEET】工作簿中没有“干部名册”工作表或该表没有数据：无法确定参加考核的干部。",
        message_en="[MISSING_SHEET] the roster sheet (干部名册) is absent or empty: nobody to assess.",
    )


class YearNotInWorkbook(ValueError):
    """--year asked for a year the roster does not have: a usage problem, not bad data."""

    def __init__(self, unknown: list[int], available: list[int]):
        self.unknown, self.available = unknown, available
        super().__init__(f"【YEAR_NOT_IN_WORKBOOK】干部名册中没有 {'、'.join(map(str, unknown))} 年度的数据；"
                         f"可选年度：{'、'.join(map(str, available))}。/ no roster rows for {unknown}; "
                         f"available: {available}.")


def json_chunks(result: RunResult) -> Iterator[str]:
    """The results JSON in pieces, each encoded by json's C encoder (compact separators;
    `indent` would force the pure-Python encoder). One leader-year at a time, so writing
    never holds the whole document: peak memory does not grow with the JSON."""
    skip = {"results"} if result.store is not None else {"results", "store"}   # no store block: no key
    head = json.dumps(result.model_dump(mode="json", exclude=skip), ensure_ascii=False,
                      separators=(",", ":"))
    yield head[:-1] + ',"results":['   # `results` is the model's last field
    shared = len(result.not_evaluated)   # the run-wide notes every result starts with: stated once, above
    for i, item in enumerate(result.results):
        data = item.model_dump(mode="json")
        if shared and data["not_evaluated"][:shared] == result.not_evaluated:
            data["not_evaluated"] = data["not_evaluated"][shared:]
        yield ("," if i else "") + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    yield "]}\n"


def to_json(result: RunResult) -> str:
    """Byte-stable JSON: fixed key order from the models, UTF-8, no timestamps."""
    return "".join(json_chunks(result))


def write_json(result: RunResult, path: str | Path) -> None:
    """Stream the results JSON to `path` (the same bytes as to_json)."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        batch: list[str] = []
        for chunk in json_chunks(result):
            batch.append(chunk)
            if len(batch) >= 1000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
