"""The page's seam to the engine: small functions over the engine's public API.

Everything the page shows comes through here, so when the engine grows (the store and its
reviews, the auditor's trail, the analyst's diff and charts) only this module changes.
The page never computes a consequence itself: it shows what `score`, `explain` and the
scenario comparison produce, and the downloads are the CLI's own writers.
"""
from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from engine.evaluation.results import LeaderResult, RunResult
from engine.evaluation.scoring import YearNotInWorkbook, score, to_json
from engine.input.issues import InputError, InputIssue
from engine.input.workbook import read_workbook
from engine.output.explain import explain_leader
from engine.rules.load import PROJECT_ROOT, RuleFileError, Scorecard, load_scorecard, read_yaml
from engine.rules.model import ConsequenceAction, parse_month_day
from engine.rules.model import code_label as catalogue_label

SCENARIO_DIR = PROJECT_ROOT / "scorecards" / "scenarios"
PROVENANCE_ZH = {"source": "文件依据", "local": "本地参数", "scenario": "情景覆盖"}
PROVENANCE_EN = {"source": "source document", "local": "local choice", "scenario": "scenario override"}


class InputProblems(Exception):
    """The workbook (or the choice of years/scenario) cannot be scored; `issues` is the failure table."""

    def __init__(self, issues: list[InputIssue], summary: str):
        self.issues, self.summary = issues, summary
        super().__init__(summary)


# ---------------------------------------------------------------- scoring
def scenarios() -> list[dict[str, str]]:
    """The shipped scenarios: id and title, for the upload form."""
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = read_yaml(path)
        if isinstance(data, dict) and "id" in data:
            out.append({"id": str(data["id"]), "title": str(data.get("title", data["id"])),
                        "description": str(data.get("description", ""))})
    return out


def scenario_path(scenario_id: str | None) -> Path | None:
    """A scenario id from the form → its file; only the shipped ids are accepted (no paths)."""
    if not scenario_id:
        return None
    for path in SCENARIO_DIR.glob("*.yaml"):
        data = read_yaml(path)
        if isinstance(data, dict) and data.get("id") == scenario_id:
            return path
    raise InputProblems([], f"没有名为“{scenario_id}”的情景。/ no scenario {scenario_id!r}.")


def scorecard_for(scenario: str | None, overrides: dict[str, Any] | None = None) -> Scorecard:
    return load_scorecard(scenario=scenario_path(scenario), overrides=overrides or {})


def read_and_score(path: Path, *, years: list[int], scenario: str | None,
                   phase: Callable[[str], None] = lambda _: None, store: Any = None, by: str = ""
                   ) -> tuple[Any, RunResult, Any]:
    """Read (with the CLI's reader and all its defences) and score; problems → InputProblems.

    With a store: as `scorecard run WORKBOOK --store`, after importing what is new (engine/web/stored.py);
    returns (the workbook scored, the result, what the store recorded)."""
    stored = None
    try:
        phase("读取并检查工作簿")
        book = read_workbook(path)
        card = scorecard_for(scenario)
        if store is not None:
            from engine.web import stored as history

            phase("写入历史库并计分")
            book, result, stored = history.import_and_score(store, book, card, years, by)
        else:
            phase("计分")
            result = score(book, card, years=years or None)
    except InputError as exc:
        errors = sum(1 for i in exc.issues if i.severity == "error")
        raise InputProblems(exc.issues, f"工作簿有 {errors} 处错误，未计分，未保存。/ "
                                        f"{errors} error(s): nothing scored, nothing stored.") from None
    except YearNotInWorkbook as exc:
        raise InputProblems([], str(exc)) from None
    except RuleFileError as exc:
        raise InputProblems([], f"参数或情景有误：{exc} / scenario or parameter problem.") from None
    except Exception as exc:
        if type(exc).__name__ == "StoreError":  # the store's own words: year missing, changed meanwhile ...
            raise InputProblems([], str(exc)) from None
        raise
    return book, result, stored


def os_user() -> str:
    """Who runs the server, for the log when nobody is logged in (as the CLI names its user)."""
    import getpass
    import os

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def describe_failure(exc: Exception) -> str:
    return f"内部错误，请联系维护者（{type(exc).__name__}）。/ internal error ({type(exc).__name__})."


def report_bytes(result: RunResult, review: Any = None) -> bytes:
    """The CLI's report writer, byte for byte (it saves with fixed timestamps); with a store, the
    复核 decisions in force beside the results, as `run --store` writes them."""
    from engine.output.charts import ChartFontError, report_charts
    from engine.output.report import write_report

    try:
        charts = report_charts(result)  # the CLI's report carries its charts too
    except ChartFontError:
        charts = []
    with tempfile.TemporaryDirectory(prefix="scorecard-report-") as folder:
        path = Path(folder) / "report.xlsx"
        write_report(result, path, charts=charts, review=review)
        return path.read_bytes()


def results_json(result: RunResult) -> str:
    return to_json(result)


def leader_sheet(result: RunResult, leader_id: str) -> bytes | None:
    """The 个人评分表 of one leader (every year of the run), as `explain --leader ID --out` writes it."""
    from engine.output.personal import write_personal

    leaders = [r for r in result.results if r.leader_id == leader_id]
    if not leaders:
        return None
    with tempfile.TemporaryDirectory(prefix="scorecard-sheet-") as folder:
        path = Path(folder) / "sheet.xlsx"
        write_personal(result, leaders, path)
        return path.read_bytes()


def template_bytes() -> bytes:
    """The blank input workbook, as `scorecard template` writes it."""
    from engine.input.template import write_template

    with tempfile.TemporaryDirectory(prefix="scorecard-template-") as folder:
        path = Path(folder) / "template.xlsx"
        write_template(path)
        return path.read_bytes()


def report_name(result: RunResult) -> str:
    """The CLI's default report name for this workbook."""
    return f"{Path(result.input_file).stem}_评分结果.xlsx"


def json_name(result: RunResult) -> str:
    return f"{Path(result.input_file).stem}_results.json"


# ---------------------------------------------------------------- summary and table
def code_label(code: str, result: RunResult | None = None) -> str:
    return catalogue_label(code, {p.name: p.value for p in result.parameters} if result else None)


def summary(result: RunResult) -> dict[str, Any]:
    """The counts `scorecard run` prints, then leaders per consequence and per unit (as the report's 汇总)."""
    from engine.output.report import ordered_codes

    per_code = Counter()
    for leader in result.results:
        for code in {c.code for c in leader.consequences}:
            per_code[code] += 1
    codes = ordered_codes(per_code)
    units: dict[tuple[int, str, str], list[LeaderResult]] = {}
    for leader in result.results:
        units.setdefault((leader.year, leader.unit, leader.unit_type), []).append(leader)
    unit_rows = [{"year": y, "unit": u, "unit_type": t, "leaders": len(ls),
                  "with": sum(1 for x in ls if x.consequences),
                  "consequences": sum(len(x.consequences) for x in ls)}
                 for (y, u, t), ls in sorted(units.items())]
    errors = sum(1 for i in result.input_issues if i.severity == "error")
    return {
        "leader_years": len(result.results),
        "consequences": sum(len(r.consequences) for r in result.results),
        "notes": sum(1 for i in result.input_issues if i.severity == "note"),
        "errors": errors,
        "per_code": [{"code": c, "label": code_label(c, result), "leaders": per_code[c]} for c in codes],
        "max_code": max(per_code.values(), default=0),
        "units": unit_rows,
    }


@dataclass
class Filters:
    unit: str = ""
    unit_type: str = ""
    code: str = ""
    q: str = ""
    sort: str = "leader_id"
    desc: bool = False

    SORTS = ("year", "leader_id", "name", "unit", "unit_type", "points", "five", "consequences")

    def query(self, **changes: Any) -> dict[str, Any]:
        values = {"unit": self.unit, "unit_type": self.unit_type, "code": self.code, "q": self.q,
                  "sort": self.sort, "desc": "1" if self.desc else ""}
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def _five(leader: LeaderResult) -> float | None:
    five = leader.scores.get("five_reinforcements")
    return five.get("weighted") if isinstance(five, dict) else None


def table_rows(result: RunResult, f: Filters) -> list[dict[str, Any]]:
    """One row per leader-year, filtered and sorted as asked."""
    q = f.q.strip().lower()
    rows = []
    for r in result.results:
        codes = [c.code for c in r.consequences]
        if f.unit and r.unit != f.unit or f.unit_type and r.unit_type != f.unit_type:
            continue
        if f.code and f.code not in codes:
            continue
        if q and q not in r.leader_id.lower() and q not in r.name.lower():
            continue
        rows.append({"year": r.year, "leader_id": r.leader_id, "name": r.name, "unit": r.unit,
                     "unit_type": r.unit_type, "title": r.title, "is_top": r.is_top,
                     "points": r.scores.get("deduction_points"), "five": _five(r),
                     "labels": _labels(r), "consequences": len(codes),
                     "not_evaluated": len(r.not_evaluated)})
    key = f.sort if f.sort in Filters.SORTS else "leader_id"
    rows.sort(key=lambda row: (row[key] is None, row[key] if row[key] is not None else 0, row["year"],
                               row["leader_id"]), reverse=f.desc)
    return rows


def _labels(leader: LeaderResult) -> list[str]:
    counts: dict[str, int] = {}
    for c in leader.consequences:
        counts[c.label] = counts.get(c.label, 0) + 1
    return [label if n == 1 else f"{label}×{n}" for label, n in counts.items()]


def choices(result: RunResult) -> dict[str, list[str]]:
    return {"units": sorted({r.unit for r in result.results}),
            "unit_types": sorted({r.unit_type for r in result.results}),
            "codes": [c["code"] for c in summary(result)["per_code"]]}


# ---------------------------------------------------------------- a leader's explanation
@dataclass
class Line:
    """One line of `explain`, with the lines indented under it."""

    text: str
    children: list["Line"] = field(default_factory=list)

    @property
    def label(self) -> str:
        head, sep, _ = self.text.partition("：")
        return head + sep if sep and len(head) <= 12 else ""

    @property
    def rest(self) -> str:
        return self.text[len(self.label):]


def explain_tree(result: RunResult, leader: LeaderResult) -> tuple[list[Line], list[Line]]:
    """`explain`'s text for one leader-year as a tree by indentation: (consequence blocks, other blocks).

    The page shows exactly what `scorecard explain` prints (one source of truth), laid out by
    the structure of its lines; the score line is left to the page's own score table.
    """
    text = explain_leader(result, leader)
    roots: list[Line] = []
    stack: list[tuple[int, Line]] = []
    for raw in text.split("\n")[1:]:  # the first line is the heading the page shows itself
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        line = Line(raw.strip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(line)
        stack.append((indent, line))
    blocks = [r for r in roots if r.text.startswith("▶")]
    others = [r for r in roots if not r.text.startswith("▶") and not _is_score_line(r.text)]
    return blocks, others


def _is_score_line(text: str) -> bool:
    return text.startswith("得分")


def score_rows(leader: LeaderResult) -> list[tuple[str, str]]:
    """The leader's scores in words, as `explain` words them: (label, value)."""
    from engine.output.trace import score_items

    return score_items(leader)


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "—" if value is None else str(value)


# ---------------------------------------------------------------- what-if
@dataclass
class ParamField:
    name: str
    value: Any
    kind: str            # number | bool | choice | list | mapping | month_day | fixed (edited in the scorecard only)
    provenance: str
    citation: str
    meaning: str
    choices: list[Any] | None = None

    def shown(self, value: Any = None) -> str:
        value = self.value if value is None else value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ", ".join(_num(v) for v in value)
        if isinstance(value, dict) and self.kind == "fixed":
            return "；".join(f"{k}: {'、'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in value.items())
        if isinstance(value, dict):
            return ", ".join(f"{k}: {_num(v)}" for k, v in value.items())
        return _num(value)


# Words for the choices of choice parameters (the scorecard gives their meaning in the citation).
CHOICE_LABELS = {
    "n_minus_rank_plus_1": "并列名次位次相同（倒数位次 = 单位数 − 名次 + 1）",
    "shared_from_bottom": "并列单位共享更靠后的位次（并列最后都算倒数第一）",
    "literal": "按字面：两年都在连续二年档内",
    "cumulative": "两档合并：两年都在单年档与连续二年档之并内",
    "top": "记在本单位党政一把手名下",
    "unit": "记为单位问题",
    "once_per_tenure": "每个任期审计一次",
    "every_n_years": "每满 N 年审计一次",
    "中层": "只对中层干部",
    "all": "对所有干部",
}


def choice_label(value: Any) -> str:
    return CHOICE_LABELS.get(str(value), str(value))


def parameter_fields(scorecard: Scorecard) -> list[ParamField]:
    out = []
    for p in scorecard.params.values():
        definition = scorecard.definition.parameters.get(p.name)
        options = getattr(definition, "choices", None)
        kind = ("bool" if isinstance(p.value, bool) else "choice" if options
                else "number" if isinstance(p.value, (int, float)) else "list" if isinstance(p.value, list)
                else "mapping" if isinstance(p.value, dict) and all(isinstance(v, (int, float))
                                                                     for v in p.value.values())
                else "month_day" if getattr(definition, "format", None) == "month_day" else "fixed")
        out.append(ParamField(p.name, p.value, kind, p.provenance, p.citation, p.meaning, options))
    return out


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_value(field_: ParamField, raw: str) -> Any:  # noqa: C901 - one branch per kind of field
    """The typed value of a form input; ValueError with a message in Chinese when it is not one."""
    text = raw.strip().replace("，", ",").replace("：", ":")
    if field_.kind == "bool":
        if text in ("true", "false"):
            return text == "true"
        raise ValueError("请选择“是”或“否”")
    if field_.kind == "choice":
        if text in [str(c) for c in field_.choices or []]:
            return next(c for c in field_.choices or [] if str(c) == text)
        raise ValueError(f"可选值：{'、'.join(map(str, field_.choices or []))}")
    if field_.kind == "number":
        return _number(text)
    if field_.kind == "fixed":   # word lists by kind (talk.kinds): edited in the scorecard or a scenario file
        return field_.value
    if field_.kind == "month_day":
        if parse_month_day(text) is None:
            raise ValueError("应为“月-日”，如 12-31、06-30")
        return text
    if field_.kind == "list":
        return [_number(part) for part in text.split(",") if part.strip()] if text else []
    if field_.kind == "mapping":
        out = {}
        for part in (p for p in text.split(",") if p.strip()):
            key, sep, value = part.partition(":")
            if not sep:
                raise ValueError("格式应为“名称: 数值, 名称: 数值”")
            out[key.strip()] = _number(value)
        return out
    return text


def value_problem(scorecard: Scorecard, name: str, value: Any) -> str | None:
    """Why the scorecard refuses this value for the parameter, in Chinese (None: acceptable)."""
    from engine.rules.model import _numbers, constraint_problem

    definition = scorecard.definition.parameters[name]
    problem = constraint_problem(definition, value)
    if problem is None:
        return None
    numbers = _numbers(value)
    if definition.minimum is not None and any(n < definition.minimum for n in numbers):
        return f"不能小于 {_num(definition.minimum)}"
    if definition.maximum is not None and any(n > definition.maximum for n in numbers):
        return f"不能大于 {_num(definition.maximum)}"
    if definition.length is not None and (not isinstance(value, list) or len(value) != definition.length):
        return f"应为 {definition.length} 个数"
    if definition.sums_to is not None:
        return f"各数之和应为 {_num(definition.sums_to)}"
    if isinstance(definition.value, dict):
        return f"应包含且只包含：{'、'.join(definition.value)}"
    return f"取值不符合评分卡的要求（{problem}）"


def _number(text: str) -> int | float:
    text = text.strip()
    if not _NUMBER.match(text):
        raise ValueError(f"“{text}”不是数字")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def whatif(book: Any, result: RunResult, scenario: str | None, overrides: dict[str, Any]) -> dict[str, Any]:
    """Score the same workbook with the overrides and list who flips (`scorecard diff`'s content)."""
    from engine.output.diff import Side, compare

    try:
        card = scorecard_for(scenario, overrides)
    except RuleFileError as exc:
        raise InputProblems([], f"参数或情景有误：{exc} / scenario or parameter problem.") from None
    other = score(book, card, years=result.years)
    changes = compare(Side(result, scorecard_for(scenario), "基线"), Side(other, card, "情景"))["changes"]
    rows = [{"year": c["year"], "leader_id": c["leader_id"], "name": c["name"], "gained": c["added"],
             "lost": c["removed"], "why": "；".join(line for w in c["why"] for line in w["lines"])} for c in changes]
    for row in rows:
        row["gained_labels"] = [code_label(c) for c in row["gained"]]
        row["lost_labels"] = [code_label(c) for c in row["lost"]]
    before, after = summary(result), summary(other)
    codes = sorted({c["code"] for c in before["per_code"]} | {c["code"] for c in after["per_code"]},
                   key=lambda c: [x["code"] for x in before["per_code"] + after["per_code"]].index(c))
    b = {c["code"]: c["leaders"] for c in before["per_code"]}
    a = {c["code"]: c["leaders"] for c in after["per_code"]}
    return {"flips": rows, "counts": [{"code": c, "label": code_label(c), "before": b.get(c, 0),
                                       "after": a.get(c, 0)} for c in codes]}


# ---------------------------------------------------------------- rule catalogue
def rule_catalogue(scorecard: Scorecard) -> list[dict[str, Any]]:
    out = []
    for loaded in scorecard.rules:
        rule = loaded.rule
        then = rule.then
        out.append({
            "id": rule.id, "title": rule.title, "family": rule.family,
            "applies_to": rule.applies_to, "what": rule.what, "why": rule.why,
            "result": (f"{then.label}（{then.code}）" if isinstance(then, ConsequenceAction)
                       else f"得出结论：{then.meaning}（{then.fact}）"),
            "conditions": [(name, " ".join(text.split())) for name, text in rule.named_conditions()],
            "parameters": [{"name": n, "value": scorecard.params[n].value,
                            "provenance": scorecard.params[n].provenance,
                            "citation": scorecard.params[n].citation} for n in rule.parameters],
            "source": rule.source,
        })
    return out


# ---------------------------------------------------------------- charts
def run_charts(run: Any) -> list[tuple[str, bytes]]:
    """The run's charts, drawn once and kept with the run."""
    if run.charts is None:
        run.charts = charts(run.result)
    return run.charts


def charts_count(run: Any) -> list[str]:
    return [title for title, _ in run_charts(run)]


def charts(result: RunResult) -> list[tuple[str, bytes]]:
    """The report's charts (title, PNG) when the engine draws them (issue 9); none until then."""
    try:
        from engine.output.charts import report_charts  # type: ignore[import-not-found]
    except ImportError:
        return []
    try:
        return [(chart.title, chart.png) for chart in report_charts(result)]
    except RuntimeError:  # no CJK font on this machine: the page's own count bars still show
        return []


# ---------------------------------------------------------------- the store (issue 11)
def open_store(where: str) -> Any:
    from engine.web import stored

    return stored.open_store(where)
