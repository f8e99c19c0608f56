"""Evidence: the workbook rows behind every fact a consequence used, and the arithmetic of derived facts.

How it works (and how a new rule pack attaches its own sheets):

* A fact's evidence is **the rows that feed it**. `EVIDENCE` maps (scope, fact) to an
  `EvidenceSpec`: the input sheet (`SheetSpec.en`), a `select` function that turns the
  record the rule ran on into row filters (column → value; one filter per window year,
  e.g. Y-1 and Y for a two-year sum), and optionally an `arithmetic` function that writes
  how the fact was computed from those rows (`P(2024)+P(2025) = 6 + 7 = 13`).
* Defaults need no entry (`spec_for`): records of a scope that come from one row each (分工,
  大额支出, any new per-row sheet) carry `row`, and every fact of that scope is evidenced by that
  row of the scope's sheet (`ScopeSpec.sheet`); a leader-year fact is evidenced by the rows of its
  catalogue sheet (`FactSpec.sheet`) for the same leader and, where the sheet has 年度, the same year.
  Register a spec only for windows (Y-1, Y), other units' rows or arithmetic.
* A new pack registers its facts with `register(scope, fact, EvidenceSpec(...))`, usually
  with the `same_leader` / `same_unit` helpers, next to its facts. Nothing else changes:
  `consequence_evidence` collects the rows for the facts a firing used, in a fixed order,
  and the JSON (`Consequence.evidence`, `Consequence.arithmetic`), `explain`, 触发依据 and
  the 个人评分表 all show them.

Rows are shown by sheet (Chinese name), Excel row, and the row's key values with Chinese
column names, in the sheet's column order; dates as YYYY-MM-DD. Everything is sorted, so
the same inputs give the same evidence.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from engine.evaluation.facts import FACTS, SCOPES
from engine.input.sheets import FIVE_DIMENSIONS, SHEETS_BY_EN

Filter = dict[str, Any]
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class EvidenceSpec:
    """Which rows of which sheet feed one fact."""

    sheet: str                                              # SheetSpec.en
    select: Callable[[dict[str, Any]], list[Filter]]        # record → one filter per group of rows
    columns: tuple[str, ...] = ()                           # key columns shown (default: every column)
    count_by: tuple[str, ...] = ()                          # also show N = rows sharing these columns
    arithmetic: Callable[[dict[str, Any], list[Rows], dict[str, Any]], str] | None = None


EVIDENCE: dict[tuple[str, str], EvidenceSpec] = {}


def register(scope: str, fact: str, spec: EvidenceSpec) -> None:
    EVIDENCE[(scope, fact)] = spec


def same_leader(*offsets: int) -> Callable[[dict[str, Any]], list[Filter]]:
    """Rows of the record's leader in years Y+offset (e.g. -1, 0 for a two-year window)."""
    return lambda rec: [{"year": rec["year"] + o, "leader_id": rec["leader_id"]} for o in offsets]


def same_unit(*offsets: int) -> Callable[[dict[str, Any]], list[Filter]]:
    """Rows of the record's unit in years Y+offset."""
    return lambda rec: [{"year": rec["year"] + o, "unit": rec["unit"]} for o in offsets]


def _same_ranked_unit(offset: int) -> Callable[[dict[str, Any]], list[Filter]]:
    """Ranking rows of the record's unit in year Y+offset, in its category of year Y (how b is looked up)."""
    return lambda rec: [{"year": rec["year"] + offset, "unit": rec["unit"], "unit_type": rec["unit_type"]}]


# --------------------------------------------------------------------------- arithmetic
def num(value: Any) -> str:
    """4.0 → 4, 3.50 → 3.5: numbers as a person writes them."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        value = round(value, 2)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _sum_text(points: list[float]) -> str:
    total = round(sum(points), 2)
    if not points:
        return "0（无扣分记录）"
    if len(points) == 1:
        return num(total)
    return f"{' + '.join(num(p) for p in points)} = {num(total)}"


def _points(rows: Rows) -> list[float]:
    return [float(r["points"]) for r in rows]


def _window_sum(offsets: tuple[int, ...]) -> Callable[[dict[str, Any], list[Rows], dict[str, Any]], str]:
    def arithmetic(rec: dict[str, Any], groups: list[Rows], params: dict[str, Any]) -> str:
        year = rec["year"]
        names = "+".join(f"P({year + o})" for o in offsets)
        if len(offsets) == 1:
            return f"{names} = {_sum_text(_points(groups[0]))}"
        parts = [round(sum(_points(g)), 2) for g in groups]
        return f"{names} = {' + '.join(num(p) for p in parts)} = {num(round(sum(parts), 2))}"
    return arithmetic


def _bottom(offset: int, rank: str = "rank", count: str = "unit_count", fact: str = "bottom_position"
            ) -> Callable[[dict[str, Any], list[Rows], dict[str, Any]], str]:
    def arithmetic(rec: dict[str, Any], groups: list[Rows], params: dict[str, Any]) -> str:
        rows = groups[0]
        if not rows:
            return ""
        row = rows[0]
        n, r, b = row.get("_n"), row[rank], rec.get(fact)
        label = (f"b({rec['year'] + offset})" if offset is not None
                 else f"b({row['year']}年第{row['round']}批次)")
        # Untied (or under n_minus_rank_plus_1) both readings give N − 名次 + 1: show that formula.
        if b == n - r + 1 or params["ranking.tie_position"] == "n_minus_rank_plus_1":
            return f"{label} = N − 名次 + 1 = {n} − {r} + 1 = {num(n - r + 1)}"
        return (f"{label} = 1 + 名次比本单位靠后的单位数 = {num(b)}（N = {n}，名次 {r}，有并列：并列单位共享从末尾数起的"
                f"位次）")
    return arithmetic


def _five_weighted(rec: dict[str, Any], groups: list[Rows], params: dict[str, Any]) -> str:
    weights = params["five.weights"]  # a rule or the composite read five_weighted: the scorecard defines it
    scores = [rec.get(f"five_{d.en}") for d in FIVE_DIMENSIONS]
    if None in scores:
        return ""
    terms = " + ".join(f"{num(w)}×{num(s)}" for w, s in zip(weights, scores))
    return f"加权分 = {terms} = {num(rec.get('five_weighted'))}"


_RANKING_COLUMNS = ("year", "unit", "unit_type", "rank")
_IMAGE_COLUMNS = ("year", "round", "unit", "rank")


def _image_round(rec: dict[str, Any]) -> list[Filter]:
    return [{"year": rec["year"], "round": rec["image_round"], "unit": rec["unit"]}]


def _image_prev_round(rec: dict[str, Any]) -> list[Filter]:
    year, rnd = (rec["year"], 1) if rec["image_round"] == 2 else (rec["year"] - 1, 2)
    return [{"year": year, "round": rnd, "unit": rec["unit"]}]


def _leader_at_prev_round(rec: dict[str, Any]) -> list[Filter]:
    """The leader's roster rows for the year of the round before and for this year."""
    years = sorted({rec["year"] if rec["image_round"] == 2 else rec["year"] - 1, rec["year"]})
    return [{"year": y, "leader_id": rec["leader_id"]} for y in years]


def _register_builtin() -> None:
    card = ("year", "date", "item", "points")
    for fact, offsets in (("deduction_points", (0,)), ("deduction_points_prev", (-1,)),
                          ("deduction_points_2y", (-1, 0)), ("deduction_points_3y", (-2, -1, 0))):
        register("leader_year", fact, EvidenceSpec("deductions", same_leader(*offsets), card,
                                                   arithmetic=_window_sum(offsets)))
    register("leader_year", "deduction_count", EvidenceSpec("deductions", same_leader(0), card))
    roster = ("year", "unit", "title", "is_top")
    for fact in ("is_top", "unit_type", "title"):
        register("leader_year", fact, EvidenceSpec("roster", same_leader(0), roster + ("unit_type",)))
    for fact in ("held_top_post_2y", "assessed_prev_year"):
        register("leader_year", fact, EvidenceSpec("roster", same_leader(-1, 0), roster))
    for fact in ("unit_rank", "unit_count"):
        register("leader_year", fact, EvidenceSpec("annual_ranking", _same_ranked_unit(0), _RANKING_COLUMNS,
                                                   count_by=("year", "unit_type")))
    register("leader_year", "bottom_position", EvidenceSpec(
        "annual_ranking", _same_ranked_unit(0), _RANKING_COLUMNS, ("year", "unit_type"), _bottom(0)))
    register("leader_year", "bottom_position_prev", EvidenceSpec(
        "annual_ranking", _same_ranked_unit(-1), _RANKING_COLUMNS, ("year", "unit_type"),
        _bottom(-1, fact="bottom_position_prev")))
    for d in FIVE_DIMENSIONS:
        register("leader_year", f"five_{d.en}", EvidenceSpec("five_reinforcements", same_leader(0)))
    register("leader_year", "five_weighted", EvidenceSpec("five_reinforcements", same_leader(0),
                                                          arithmetic=_five_weighted))
    for fact in ("image_round", "image_rank", "image_count"):
        register("image_round", fact, EvidenceSpec("image_ranking", _image_round, _IMAGE_COLUMNS,
                                                   count_by=("year", "round")))
    register("image_round", "image_bottom", EvidenceSpec(
        "image_ranking", _image_round, _IMAGE_COLUMNS, ("year", "round"),
        _bottom(None, fact="image_bottom")))  # type: ignore[arg-type]
    for fact in ("image_prev_round", "image_bottom_prev_round"):
        register("image_round", fact, EvidenceSpec(
            "image_ranking", _image_prev_round, _IMAGE_COLUMNS, ("year", "round"),
            _bottom(None, fact="image_bottom_prev_round") if fact == "image_bottom_prev_round" else None))  # type: ignore[arg-type]
    # image_round_top: the same rows, and the roster rows that make the leader the unit's 一把手
    for (scope, fact), spec in list(EVIDENCE.items()):
        if scope == "image_round":
            register("image_round_top", fact, spec)
    register("image_round_top", "is_top", EvidenceSpec("roster", same_leader(0), roster))
    register("image_round_top", "held_top_post_prev_round", EvidenceSpec("roster", _leader_at_prev_round, roster))


def _own_row(sheet: str, when: str | None = None) -> EvidenceSpec:
    """The record's own row of `sheet` (only where the bool fact `when` is true)."""
    return EvidenceSpec(sheet, lambda r: [{"_row": r["row"]}] if when is None or r.get(when) else [])


def _register_packs() -> None:
    """Second-wave packs (engine.evaluation.packs): roster facts by the roster rows, talk triggers by
    the row of the sheet the trigger comes from and the leader's talks."""
    roster = ("year", "unit", "title", "is_top", "post_since")
    for fact in ("post_since", "unit_tenure_years"):
        register("leader_year", fact, EvidenceSpec("roster", same_leader(0), roster))
    for fact in ("was_top_prev_year", "changed_post"):
        register("leader_year", fact, EvidenceSpec("roster", same_leader(-1, 0), roster))
    for scope in ("probation", "promotion", "audit", "personal_matter", "talk_trigger", "responsibility",
                  "rectification"):
        register(scope, "is_top", EvidenceSpec("roster", same_leader(0), roster))
    register("promotion", "card_points", EvidenceSpec("deductions", same_leader(0), ("year", "date", "item", "points")))
    for fact in ("year", "leader_id", "row", "trigger_sheet", "trigger_row", "trigger_ref", "trigger_on", "trigger_what",
                 "talk_kinds_needed"):
        register("talk_trigger", fact, EvidenceSpec("talks", lambda r: []))  # shown by the trigger's own row
    for fact, sheet in (("promotion_trigger", "promotions"), ("card_trigger", "deductions"),
                        ("personal_trigger", "personal_matters")):
        register("talk_trigger", fact, _own_row(sheet, when=fact))
    for fact in ("talk_found", "talk_on", "talk_delay_days", "days_open"):
        register("talk_trigger", fact, EvidenceSpec("talks", lambda r: [{"leader_id": r["leader_id"]}]))


_register_builtin()
_register_packs()


# --------------------------------------------------------------------------- index
class EvidenceIndex:
    """The input tables, looked up by filter; each (sheet, columns) index is built once, on first use."""

    def __init__(self, tables: dict[str, pd.DataFrame], params: dict[str, Any] | None = None):
        self.tables = tables
        self.params = params or {}
        self._indexes: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], Rows]] = {}
        self._records: dict[str, Rows] = {}

    def _rows(self, sheet: str) -> Rows:
        if sheet not in self._records:
            table = self.tables.get(sheet)
            self._records[sheet] = [] if table is None else table.to_dict("records")
        return self._records[sheet]

    def _index(self, sheet: str, columns: tuple[str, ...]) -> dict[tuple[Any, ...], Rows]:
        key = (sheet, columns)
        if key not in self._indexes:
            index: dict[tuple[Any, ...], Rows] = {}
            for row in self._rows(sheet):
                index.setdefault(tuple(_plain(row.get(c)) for c in columns), []).append(row)
            self._indexes[key] = index
        return self._indexes[key]

    def find(self, sheet: str, where: Filter) -> Rows:
        columns = tuple(sorted(where))
        return self._index(sheet, columns).get(tuple(_plain(where[c]) for c in columns), [])

    def count(self, sheet: str, row: dict[str, Any], by: tuple[str, ...]) -> int:
        return len(self.find(sheet, {c: row.get(c) for c in by}))


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _cell(value: Any) -> Any:
    value = _plain(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    return value


_SHOWN_COLUMNS: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, str], ...]] = {}
# Chinese column name -> position, per sheet: evidence values are listed in the sheet's column order.
_COLUMN_ORDER: dict[str, dict[str, int]] = {en: {c.zh: i for i, c in enumerate(s.columns)}
                                            for en, s in SHEETS_BY_EN.items()}


def _shown_columns(sheet: str, columns: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(en, zh) of the columns shown for `sheet`, in the sheet's order (worked out once per sheet and choice)."""
    key = (sheet, columns)
    if key not in _SHOWN_COLUMNS:
        spec = SHEETS_BY_EN.get(sheet)
        wanted = columns or (tuple(c.en for c in spec.columns) if spec else ())
        _SHOWN_COLUMNS[key] = tuple((c.en, c.zh) for c in (spec.columns if spec else ()) if c.en in wanted)
    return _SHOWN_COLUMNS[key]


def _shown(sheet: str, row: dict[str, Any], columns: tuple[str, ...], n: int | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for en, zh in _shown_columns(sheet, columns):
        if en in row:
            value = _cell(row[en])
            if value is not None:
                values[zh] = value
    if n is not None:
        values["N"] = n
    return values


# --------------------------------------------------------------------------- collecting
def consequence_evidence(index: EvidenceIndex | None,
                         members: Iterable[tuple[str, Iterable[str], dict[str, Any]]]
                         ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(evidence rows, arithmetic per fact) for the facts each member (scope, facts, record) used.

    An evidence row: {"sheet": 中文表名, "row": Excel 行号, "values": {列名: 值}, "facts": [fact, ...]};
    sorted by the contract's sheet order, then row.
    """
    if index is None:
        return [], {}
    by_row: dict[tuple[str, int], dict[str, Any]] = {}
    arithmetic: dict[str, str] = {}
    for scope, facts, rec in members:
        for fact in sorted(set(facts)):
            spec = spec_for(scope, fact, rec)
            if spec is None:
                continue  # a concluded fact: the facts it was concluded from carry the evidence
            groups = [index.find(spec.sheet, where) for where in spec.select(rec)]
            if spec.count_by:
                groups = [[{**row, "_n": index.count(spec.sheet, row, spec.count_by)} for row in g] for g in groups]
            for rows in groups:
                for row in rows:
                    _add(by_row, spec, row, fact)
            if spec.arithmetic and fact not in arithmetic:
                text = spec.arithmetic(rec, groups, index.params)
                if text:
                    arithmetic[fact] = text
    order = {en: i for i, en in enumerate(SHEETS_BY_EN)}
    rows = sorted(by_row.values(), key=lambda e: (order.get(e["_sheet"], len(order)), e["_sheet"], e["row"]))
    return [{k: v for k, v in e.items() if k != "_sheet"} for e in rows], dict(sorted(arithmetic.items()))


def spec_for(scope: str, fact: str, rec: dict[str, Any]) -> EvidenceSpec | None:
    """The registered spec, else the defaults: a per-row record's own row; a leader-year fact's
    sheet rows for the same leader (and year, where the sheet has a year)."""
    spec = EVIDENCE.get((scope, fact))
    if spec is not None:
        return spec
    scope_spec = SCOPES.get(scope)
    if scope != "leader_year" and rec.get("row") is not None and scope_spec is not None:
        return EvidenceSpec(scope_spec.sheet, lambda r: [{"_row": r["row"]}])
    fact_spec = FACTS.get((scope, fact))
    sheet = SHEETS_BY_EN.get(fact_spec.sheet) if fact_spec else None
    if scope != "leader_year" or sheet is None or sheet.en == "roster":
        return None
    columns = {c.en for c in sheet.columns}
    if "leader_id" not in columns:
        return None
    keys = [k for k in ("year", "leader_id") if k in columns]
    return EvidenceSpec(sheet.en, lambda r: [{k: r[k] for k in keys}])


def _add(by_row: dict[tuple[str, int], dict[str, Any]], spec: EvidenceSpec, row: dict[str, Any], fact: str) -> None:
    key = (spec.sheet, int(row["_row"]))
    entry = by_row.get(key)
    if entry is None:
        sheet = SHEETS_BY_EN.get(spec.sheet)
        entry = by_row[key] = {"_sheet": spec.sheet, "sheet": sheet.zh if sheet else spec.sheet,
                               "row": int(row["_row"]), "values": {}, "facts": []}
    added = _shown(spec.sheet, row, spec.columns, row.get("_n") if spec.count_by else None)
    if not entry["values"]:
        entry["values"] = added   # already in the sheet's column order (N last)
    else:
        order = _COLUMN_ORDER.get(spec.sheet, {})
        shown = {**entry["values"], **added}
        entry["values"] = dict(sorted(shown.items(), key=lambda kv: order.get(kv[0], len(order))))
    if fact not in entry["facts"]:
        entry["facts"] = sorted([*entry["facts"], fact])
