"""The results contract (SPEC section 5) as typed models.

`RunResult.model_dump(mode="json")` is what `--json` writes; the Excel report,
the explanation and the scenario diff all read these models, never raw dicts.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from engine.input.issues import InputIssue

SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Model):
    document: str          # seed file name, e.g. 002_2c590592798420cb.txt
    section: str           # e.g. 篇3 5、四是
    quote: str             # verbatim passage


class ConsequenceSource(_Model):
    """Where a consequence's rule comes from; its verbatim quote (and the rule's title) live once
    under the run's top-level `rules`, keyed by rule id (SPEC 5), not in every consequence."""

    document: str
    section: str


class Evidence(_Model):
    """One input row behind a consequence (engine.evaluation.evidence)."""

    sheet: str                     # Chinese sheet name, e.g. 廉政监督卡
    row: int                       # the row number as Excel shows it
    values: dict[str, Any] = {}    # the row's key values, Chinese column name -> value (dates YYYY-MM-DD)
    facts: list[str] = []          # the facts this row feeds


class Consequence(_Model):
    code: str                      # SPEC consequence code, e.g. DEMOTE_REMOVE_OR_RESIGN
    rule_id: str                   # rule file name without .yaml
    label: str                     # Chinese label
    severity: Literal["info", "warning", "serious", "critical"]
    subject: Literal["leader", "unit"] = "leader"
    clauses: list[str] = []        # which named clauses of the rule fired
    facts: dict[str, Any] = {}     # fact name -> value, the numbers that made it fire
    parameters: dict[str, Any] = {}  # parameter name -> value in force
    detail: dict[str, Any] = {}    # aggregated detail (counts, totals, rows, round, reason)
    evidence: list[Evidence] = []  # every input row behind the facts, sorted by sheet and row
    arithmetic: dict[str, str] = {}  # derived fact -> how it was computed, e.g. P(2024)+P(2025) = 6 + 7 = 13
    source: ConsequenceSource        # document and section; the quote: RunResult.rule(rule_id).source.quote


class LeaderResult(_Model):
    leader_id: str
    name: str
    unit: str
    unit_type: str
    title: str
    is_top: bool
    year: int
    scores: dict[str, Any]         # deduction_points, deduction_points_2y, deduction_points_3y,
                                   # five_reinforcements, composite ... (null = not computable)
    consequences: list[Consequence]
    not_evaluated: list[dict[str, str]]  # [{family, reason_zh, reason_en}]
    # open obligations as of calendar.as_of (engine.evaluation.packs.todo): talks, audits, reports, ...
    obligations: list[dict[str, Any]] = []


class ParameterInForce(_Model):
    name: str
    value: Any
    provenance: Literal["source", "local", "scenario"]
    citation: str = ""             # document + section for "source", reason for "local"
    default: Any = None            # the scorecard's value before any scenario override
    meaning: str = ""              # what the number means (from the scorecard), for readers


class RuleInfo(_Model):
    id: str
    title: str
    code: str
    clauses: dict[str, str] = {}   # clause name -> Chinese label
    source: SourceRef
    effective_from: int | None = None   # first assessment year the rule applies to
    effective_to: int | None = None     # last assessment year the rule applies to


class RuleNotInForce(_Model):
    """A rule of the scorecard that did not apply to some years of the run (effective years)."""

    rule_id: str
    title: str
    years: list[int]               # years of the run the rule was not applied to
    reason_zh: str
    reason_en: str


class RunResult(_Model):
    schema_version: int = SCHEMA_VERSION
    engine_version: str = ""       # the scorecard package version that computed the results
    scorecard: str
    scenario: str | None = None
    scenario_title: str | None = None
    years: list[int]
    rules_fingerprint: str
    input_fingerprint: str
    input_file: str
    rule_files: dict[str, str] = {}    # file (relative to the project) -> sha256: which one changed
    input_sheets: dict[str, str] = {}  # sheet key -> sha256 of its rows as read: which sheet changed
    parameters: list[ParameterInForce]
    rules: list[RuleInfo]
    rules_not_in_force: list[RuleNotInForce] = []
    input_issues: list[InputIssue]
    extra_sheets: list[str] = []
    unmatched: dict[str, list[dict[str, Any]]] = {}   # e.g. portfolio items no category matched
    # Families the whole workbook has no data for (sheet absent or header only): stated once here. In
    # memory every LeaderResult.not_evaluated starts with them too; the JSON leaves them out of each
    # result (they would repeat in every leader-year) and loading puts them back (_spread_run_notes).
    not_evaluated: list[dict[str, str]] = []
    # Runs from the history store (engine/store): the chain head the run was made from and the stored
    # versions used. Absent (not null) from the JSON of a run on a workbook alone.
    store: dict[str, Any] | None = None
    results: list[LeaderResult]
    # The scorecard and the evaluated records behind this result (set by scoring.score, never
    # serialised): explanations render conditions and nearest misses from them.
    _trace: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _spread_run_notes(self) -> "RunResult":
        """Results read back from JSON get the run-wide notes in front of their own (as scoring made them)."""
        if self.not_evaluated:
            for leader in self.results:
                if leader.not_evaluated[:len(self.not_evaluated)] != self.not_evaluated:
                    leader.not_evaluated = [*self.not_evaluated, *leader.not_evaluated]
        return self

    def rule(self, rule_id: str) -> RuleInfo:
        """The rule behind a consequence: title, code, clauses, and its source with the quote."""
        found = next((r for r in self.rules if r.id == rule_id), None)
        if found is None:
            raise KeyError(f"no rule {rule_id!r} in these results")
        return found

    def quote(self, rule_id: str) -> str:
        """The verbatim source passage of a consequence's rule ("" for a rule these results lack)."""
        return next((r.source.quote for r in self.rules if r.id == rule_id), "")
