"""Rule files and scorecard files: typed models, strict (extra="forbid").

A rule file is data an auditor reads: what it does, why, the verbatim source
passage, the condition and the consequence. Pydantic rejects a file missing any
of them; `scorecard schema` publishes the JSON Schema for editors.
"""
from __future__ import annotations

import datetime

import math
import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Consequence codes are the public contract between rules, reports and tests
# (SPEC section 3). A new rule adds a code; a code never changes meaning.
CONSEQUENCE_CODES: dict[str, str] = {
    "DISQUALIFY_AWARDS": "取消该年度评比各类先进资格",
    # The share withheld is card.withhold_bonus_share (扣发该年度30%… under a 0.3 scenario; code_label
    # fills it). The code keeps its name: codes are a public API.
    "WITHHOLD_BONUS_50": "扣发该年度{card.withhold_bonus_share:%}目标考核奖",
    "DEMOTE_REMOVE_OR_RESIGN": "给予降职、免职或责令辞职",
    "ELIMINATION_ADJUST_POST": "视为不称职，实行末位淘汰，调整其职务",
    "MANUAL_REVIEW": "需人工复核",
    "PRAISE": "表扬",
    "CIRCULATE_CRITICISM": "通报批评",
    "WRITTEN_SELF_CRITICISM": "向县委、县政府写出深刻检查",
    "ADMONITION": "诫勉",
    "DIRECT_CHARGE_VIOLATION": "违反“五个不直接分管”",
    "COUNTERSIGN_MISSING": "大额支出未经领导班子会签",
    "TALK_REMINDER": "谈话提醒",
    "ROTATION_DUE": "应轮岗交流",
    "ECONOMIC_AUDIT_DUE": "应进行经济责任审计",
    "PROBATION_CONFIRM": "试用期满考核合格，正式任职",
    "PROBATION_REMOVE": "试用期满考核不合格，免去试任职务",
    "PROMOTION_VETO": "党风廉政一票否决",
    "DEMOTE_OR_REMOVE": "降职或免职",
    "INTEGRITY_REVIEW_FAILED": "年度考廉不合格，予以调整",
    "RESPONSIBILITY_LIST_INCOMPLETE": "责任清单不完整",
    "PROBATION_OVERDUE": "试用期已满，应尽快进行期满考核",
    "PROMOTION_INTEGRITY_STEPS_MISSING": "新提拔廉洁自律三项制度未落实",
    "UNFIT_ADJUST": "年度考核不称职，及时进行调整",
    "ECONOMIC_AUDIT_MISSING_ON_CHANGE": "职务变动时未进行经济责任审计",
    "TALK_EDUCATION": "组织谈话教育",
    "REFER_DISCIPLINE": "交纪检监察机关立案查处",
    "REFER_JUDICIARY": "交司法机关处理",
    "PERSONAL_MATTER_UNREPORTED": "个人重大事项未按规定报告",
    "PERSONAL_MATTER_MISMATCH": "所报告个人重大事项与事实不符",
    "PERSONAL_MATTER_CIRCULATE": "个人重大事项反复出现问题，通报批评",
    "INTEGRITY_REPORT_MISSING": "未报送年度个人廉政情况报告",
    "TALK_OVERDUE": "必谈事由发生后未按时谈话",
    "RESPONSIBILITY_INTERVIEW": "责任落实不到位，约谈",
    "RECTIFICATION_OVERDUE": "巡察整改逾期",
}

MAX_LIST = 200  # durable_rules loops or fails on very long OR lists (`in` compiles to one)
RULE_ID = re.compile(r"^[A-Z][A-Z0-9_]{2,63}$")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the rule comes from: a seed document and its verbatim passage."""

    document: str = Field(pattern=r"^[^/\\]+\.txt$", description="source document file name in rules/sources/")
    section: str = Field(min_length=1, description="section within the document, e.g. 篇3 5、四是")
    quote: str = Field(min_length=8, description="the passage, verbatim")


class Clause(_Strict):
    """One named way for the rule to fire; the result names the clauses that fired."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=2, description="Chinese label shown in reports, e.g. 一年扣分10分以上")
    condition: str = Field(min_length=1)


# A rule's title or consequence label may state a parameter's value: "{card.withhold_bonus_share:%}"
# (0.5 → 50%, 0.3 → 30%) or "{name}" (as written). Filled when the scorecard loads (engine.rules.load).
LABEL_PARAM = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)(:%)?\}")


def fill_params(text: str, values: dict[str, Any]) -> str:
    """`text` with every {parameter} / {parameter:%} replaced by the value in force."""
    def one(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        if match.group(2):
            value = round(value * 100, 6)
        shown = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return shown + ("%" if match.group(2) else "")
    return LABEL_PARAM.sub(one, text)


def code_label(code: str, values: dict[str, Any] | None = None) -> str:
    """A code's catalogue label with the parameters in force filled in; without them (a comparison of
    scenarios that differ) the number is left out: 扣发该年度目标考核奖."""
    label = CONSEQUENCE_CODES.get(code, code)
    names = {m.group(1) for m in LABEL_PARAM.finditer(label)}
    if values is not None and names <= set(values):
        return fill_params(label, values)
    return LABEL_PARAM.sub("", label)


class ConsequenceAction(_Strict):
    """The rule's outcome: a consequence code attached to the leader-year."""

    kind: Literal["consequence"]
    code: str
    label: str = Field(min_length=1, description="Chinese label shown in reports; {parameter:%} states a carried "
                                                  "parameter's value, e.g. 扣发该年度{card.withhold_bonus_share:%}目标考核奖")
    severity: Literal["info", "warning", "serious", "critical"]
    subject: Literal["leader", "unit"] = "leader"
    detail: dict[str, str] = Field(default_factory=dict, description="fixed text carried into the result")
    carry: list[str] = Field(default_factory=list,
                             description="parameters whose values the result carries, e.g. the share withheld")

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str) -> str:
        if code not in CONSEQUENCE_CODES:
            raise ValueError(f"unknown consequence code {code!r}; known: {', '.join(CONSEQUENCE_CODES)}")
        return code


class ConcludeAction(_Strict):
    """Forward chaining: the rule sets a true/false fact that later rules read."""

    kind: Literal["conclude"]
    fact: str = Field(pattern=FACT_NAME.pattern)
    meaning: str = Field(min_length=1, description="what the concluded fact means, Chinese")


Action = Annotated[Union[ConsequenceAction, ConcludeAction], Field(discriminator="kind")]


class Rule(_Strict):
    """One rule file: rules/<id>.yaml."""

    id: str = Field(pattern=RULE_ID.pattern, description="equals the file name without .yaml")
    title: str = Field(min_length=2, description="Chinese title")
    family: str = Field(min_length=2, description="rule family, e.g. card, elimination")
    scope: Literal["leader_year", "portfolio_item", "expenditure", "image_round", "image_round_top", "probation",
                   "promotion", "audit", "personal_matter", "talk_trigger", "responsibility", "rectification"] = Field(
        "leader_year", description="the records it runs over (see `scorecard facts`)")
    applies_to: Literal["all", "top"] = Field(description="all leaders, or only 党政一把手 (是否一把手=是)")
    what: str = Field(min_length=4, description="what it does")
    why: str = Field(min_length=4, description="why: the policy intent")
    source: Source
    parameters: list[str] = Field(default_factory=list, description="parameter names the conditions use")
    lists: dict[str, list[str]] = Field(
        default_factory=dict,
        description="named word lists the conditions use as lists.<name> (e.g. synonyms an auditor may extend)")
    condition: str | None = None
    clauses: list[Clause] | None = None
    show: list[str] = Field(default_factory=list,
                            description="facts the result shows besides those the condition reads (for the reader)")
    effective_from: int | None = Field(None, ge=1949, le=2100,
                                       description="first assessment year the rule applies to (inclusive)")
    effective_to: int | None = Field(None, ge=1949, le=2100,
                                     description="last assessment year the rule applies to (inclusive)")
    then: Action

    def in_force(self, year: int) -> bool:
        return (self.effective_from is None or year >= self.effective_from) and \
            (self.effective_to is None or year <= self.effective_to)

    @field_validator("parameters")
    @classmethod
    def _param_names(cls, names: list[str]) -> list[str]:
        for name in names:
            if not PARAM_NAME.match(name):
                raise ValueError(f"parameter name {name!r} must look like family.name")
        if len(set(names)) != len(names):
            raise ValueError("a parameter is listed twice")
        return names

    @field_validator("lists")
    @classmethod
    def _list_names(cls, lists: dict[str, list[str]]) -> dict[str, list[str]]:
        out = {}
        for name, words in lists.items():
            if not re.match(r"^[a-z][a-z0-9_]*$", name):
                raise ValueError(f"list name {name!r} must be lower_snake_case")
            if not words or any(not w.strip() for w in words):
                raise ValueError(f"list {name!r} must hold non-empty words")
            if len(words) > MAX_LIST:
                raise ValueError(f"list {name!r} has {len(words)} words; at most {MAX_LIST}")
            out[name] = words
        return out

    @model_validator(mode="after")
    def _one_condition_form(self) -> "Rule":
        if (self.condition is None) == (self.clauses is None):
            raise ValueError("give exactly one of `condition` or `clauses`")
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise ValueError(f"effective_from {self.effective_from} is after effective_to {self.effective_to}")
        if self.clauses is not None:
            names = [c.name for c in self.clauses]
            if not names or len(set(names)) != len(names):
                raise ValueError("clauses need unique names and at least one clause")
        return self

    def clause_labels(self) -> dict[str, str]:
        return {c.name: c.label for c in self.clauses or []}

    def named_conditions(self) -> list[tuple[str, str]]:
        if self.clauses is not None:
            return [(c.name, c.condition) for c in self.clauses]
        return [("", self.condition or "")]


def effective_window_zh(start: int | None, end: int | None) -> str:
    """生效年度 as an auditor reads it: 2021年起 / 至2024年 / 2021–2024年 / 长期有效."""
    if start and end:
        return f"{start}–{end}年"
    return f"{start}年起" if start else f"至{end}年" if end else "长期有效"


class ParameterDef(_Strict):
    """A parameter value in a scorecard, with where it comes from."""

    value: Any
    provenance: Literal["source", "local"]
    citation: str = Field(min_length=2, description="document + section for source; the reason for local")
    meaning: str = Field(min_length=2, description="what the number means, Chinese")
    length: int | None = Field(None, description="a list value must have exactly this many items")
    sums_to: float | None = Field(None, description="a list value must add up to this (within 1e-9)")
    choices: list[Any] | None = Field(None, description="the value must be one of these")
    minimum: float | None = Field(None, description="every number in the value must be at least this")
    maximum: float | None = Field(None, description="every number in the value must be at most this")
    format: Literal["month_day"] | None = Field(None, description="month_day: a day of the year as MM-DD (12-31)")

    @model_validator(mode="after")
    def _value_fits(self) -> "ParameterDef":
        problem = constraint_problem(self, self.value)
        if problem:
            raise ValueError(problem)
        return self


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [value]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    return []


def parse_month_day(text: Any) -> tuple[int, int] | None:
    """"12-31" / "6-30" → (month, day); None when it is not a day of the year (02-29 is one)."""
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(text).strip())
    if not match:
        return None
    try:
        day = datetime.date(2024, int(match.group(1)), int(match.group(2)))   # a leap year
    except ValueError:
        return None
    return day.month, day.day


def constraint_problem(definition: "ParameterDef", value: Any) -> str | None:
    """Why a value breaks the parameter's declared constraints, or None."""
    if definition.format == "month_day" and parse_month_day(value) is None:
        return f"must be a day of the year as MM-DD (e.g. 12-31, 06-30), got {value!r}"
    numbers = _numbers(value)
    if any(not math.isfinite(n) for n in numbers):
        return f"must hold finite numbers, got {value!r}"
    if definition.minimum is not None and any(n < definition.minimum for n in numbers):
        return f"must be at least {definition.minimum}, got {value!r}"
    if definition.maximum is not None and any(n > definition.maximum for n in numbers):
        return f"must be at most {definition.maximum}, got {value!r}"
    if isinstance(value, list) and len(value) > MAX_LIST:
        return f"may hold at most {MAX_LIST} items, got {len(value)}"
    if definition.choices is not None and value not in definition.choices:
        return f"must be one of {definition.choices}, got {value!r}"
    if definition.length is not None and (not isinstance(value, list) or len(value) != definition.length):
        return f"must be a list of {definition.length} items, got {value!r}"
    if definition.sums_to is not None and abs(sum(value) - definition.sums_to) > 1e-9:
        return f"must add up to {definition.sums_to}, got {sum(value)}"
    if isinstance(definition.value, dict) and isinstance(value, dict) and set(value) != set(definition.value):
        return f"must have exactly the keys {sorted(definition.value)}, got {sorted(value)}"
    return None


class CompositePart(_Strict):
    """One term of the headline score: sign × a numeric score."""

    score: str
    sign: Literal[1, -1] = 1


class Composite(_Strict):
    """How the headline score is formed from the parts (declarative)."""

    provenance: Literal["source", "local"]
    citation: str
    parts: list[CompositePart]


class Ladder(_Strict):
    """Parameters that together form one scale, checked by `scorecard lint`.

    `increasing`: numeric thresholds, each strictly above the one before (评先 4 < 扣奖 6 < 降免 10).
    `bands`: lists of bottom positions that must not overlap and must leave no gap from 1 up
    (乡镇 single-year [1], two-year [2, 3]).
    """

    name: str = Field(min_length=2, description="Chinese name shown in lint messages")
    kind: Literal["increasing", "bands"]
    parameters: list[str] = Field(min_length=2)


class DeductionItem(_Strict):
    """One entry of a scorecard's 廉政监督卡 deduction-item catalogue (SPEC 3.1: the seeds name the
    behaviours, not the points, so every entry is local)."""

    item: str = Field(min_length=2, description="扣分事项, as clerks enter it in 廉政监督卡")
    points: float = Field(gt=0, description="standard points deducted")
    provenance: Literal["local"] = "local"
    citation: str = Field(min_length=2, description="why this item and these points (local decision, behaviour's source)")


class ScorecardDef(_Strict):
    """scorecards/<id>.yaml: which rules run, with which parameter values."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""
    rules: list[Annotated[str, Field(pattern=RULE_ID.pattern)]] = Field(min_length=1)
    parameters: dict[str, ParameterDef]
    composite: Composite | None = None
    ladders: list[Ladder] = Field(default_factory=list, description="scales that lint checks for overlaps and gaps")
    deduction_items: list[DeductionItem] = Field(
        default_factory=list, description="廉政监督卡 deduction-item catalogue: the template's drop-down; items outside "
                                          "it are scored as entered and noted (DEDUCTION_ITEM_UNKNOWN)")

    @model_validator(mode="after")
    def _items_unique(self) -> "ScorecardDef":
        names = [d.item for d in self.deduction_items]
        if len(set(names)) != len(names):
            raise ValueError("deduction_items lists an item twice")
        return self


class ScenarioDef(_Strict):
    """scorecards/scenarios/<id>.yaml: a scorecard plus parameter overrides."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""
    scorecard: str
    set: dict[str, Any] = Field(default_factory=dict)


class RuleCase(_Strict):
    """One must-fire / must-not-fire example for a rule (tests/rule_cases/<id>.yaml)."""

    name: str
    facts: dict[str, Any]
    fires: bool
    clauses: list[str] | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)


class RuleCases(_Strict):
    rule: str
    cases: list[RuleCase] = Field(min_length=2)
