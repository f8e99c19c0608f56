"""Second-wave rule packs (SPEC 3.7): their scopes, facts and derivations, registered here.

engine.evaluation.facts adds these scopes and facts to the catalogue and calls `leader_year_facts`
and `scope_records` once per run. A pack whose parameters the scorecard does not define derives
nothing (no defaults in Python); its rules are then refused when the scorecard loads.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from engine.evaluation.packs import integrity, personnel
from engine.evaluation.packs.catalogue import FACTS, SCOPES
from engine.evaluation.packs.common import data, empty

# Parameters the derivations read: facts are re-derived when a scenario changes one of them.
FACT_PARAMS = ("calendar.as_of", "audit.mode", "audit.tenure_years", "personal.report_days",
               "personal.repeat_window_years", "integrity.grades", "integrity.aspect_pass", "talk.kinds")

LEADER_YEAR_FACTS = tuple(f.name for f in FACTS if f.scope == "leader_year")
__all__ = ["FACTS", "SCOPES", "FACT_PARAMS", "leader_year_facts", "scope_records"]


def _has(params: dict[str, Any], *names: str) -> bool:
    return all(name in params for name in names)


def leader_year_facts(base: pd.DataFrame, tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> pd.DataFrame:
    """The packs' leader-year facts as columns of `base`, and `__pack_notes` (why a pack could not be
    evaluated for a leader-year) as a list per row."""
    for name in LEADER_YEAR_FACTS:
        base[name] = None
    base["__pack_notes"] = None
    if not _has(params, "calendar.as_of"):
        return base
    roster = tables["roster"]
    if "post_since" in roster:
        since = base[["year", "leader_id"]].merge(roster[["year", "leader_id", "post_since"]], how="left",
                                                  on=["year", "leader_id"])["post_since"]
        base["__post_since"] = since.to_numpy()
    else:
        base["__post_since"] = None
    notes = personnel.rotation_facts(base, data(tables, "posts"), params["calendar.as_of"])
    notes += personnel.grade_facts(base, data(tables, "assessment_grades"))
    if _has(params, "audit.mode", "audit.tenure_years"):
        notes += personnel.audit_facts(base, roster, data(tables, "audits"), params)
    if _has(params, "integrity.grades", "integrity.aspect_pass"):
        integrity.integrity_facts(base, data(tables, "integrity_reviews"), params)
    base = base.drop(columns=["__post_since"])
    if notes:   # few: placed by the index of each leader-year, no loop over every row
        by_key: dict[tuple[int, str], list[dict[str, str]]] = {}
        for year, lid, note in notes:
            by_key.setdefault((int(year), str(lid)), []).append(note)
        index = pd.MultiIndex.from_arrays([base["year"], base["leader_id"]])
        column = np.full(len(base), None, dtype=object)
        for key, items in by_key.items():
            column[index.get_indexer([key])[0]] = items
        base["__pack_notes"] = column
    return base


def scope_records(tables: dict[str, pd.DataFrame], params: dict[str, Any], leader_year: pd.DataFrame
                  ) -> dict[str, pd.DataFrame]:
    """Records of every pack scope (empty where the sheet is absent or a parameter undefined)."""
    out = {scope.name: empty(["year", "leader_id", "is_top", "row"]) for scope in SCOPES}
    roster = tables["roster"]
    if not _has(params, "calendar.as_of"):
        return out
    as_of = params["calendar.as_of"]
    out["audit"] = personnel.audit_records(data(tables, "audits"), roster, as_of)
    out["promotion"] = personnel.promotion_records(data(tables, "promotions"), roster, leader_year, as_of)
    out["probation"] = personnel.probation_records(data(tables, "probation"), roster, as_of)
    out["responsibility"] = integrity.responsibility_records(data(tables, "responsibilities"), roster, as_of)
    out["rectification"] = integrity.rectification_records(data(tables, "rectifications"), roster, as_of)
    if _has(params, "personal.report_days", "personal.repeat_window_years"):
        out["personal_matter"] = integrity.personal_matter_records(data(tables, "personal_matters"), roster, params)
    if _has(params, "talk.kinds"):
        sheets = {name: data(tables, name) for name in ("talks", "promotions", "deductions", "personal_matters")}
        out["talk_trigger"] = integrity.talk_trigger_records(sheets, roster, params)
    return out
