"""The formatted Chinese Excel report (SPEC section 1: organization department, auditors).

`write_report` renders a RunResult into one workbook: a summary, one row per
leader-year, one row per consequence with its rule, facts and source quote, the
parameters in force, the input issues, and the optional 五个强化 / 未匹配分工 sheets.

Every text cell passes through `safe_cell` (formula injection, SPEC section 6) and
the workbook is saved with fixed timestamps, so the same RunResult gives the same
bytes. `save_workbook_stable` is shared with the template and the sample writer.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from engine.rules.model import CONSEQUENCE_CODES, code_label
from engine.evaluation.results import Consequence, LeaderResult, RunResult
from engine.output.report_rules import write_rules_sheet
from engine.output.report_todo import write_todo_sheet
from engine.input.issue_table import ERROR_FILL_RGB, ISSUE_SHEET_HEADERS
from engine.input.sheets import FIVE_DIMENSIONS, SHEETS, UNIT_TYPES
from engine.output.printing import fit_row_heights, print_setup, set_widths, wrap_all
from engine.output.report_basis import BASIS_HEADERS, write_basis
from engine.output.trace import Trace
from engine.xlsxio import (cell_value, compact_json, fit_columns, format_value, readable_parameter,
                           save_workbook_stable, table_ref, table_sheet, write_header, write_rows)


_TITLE_FONT = Font(bold=True, size=14)
_LABEL_FONT = Font(bold=True)
_WEAK_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
_SCENARIO_FILL = PatternFill("solid", fgColor="FFF2CC")


# Report order of the SPEC codes; codes not listed here follow, sorted.
CODE_ORDER: tuple[str, ...] = (
    "DISQUALIFY_AWARDS", "WITHHOLD_BONUS_50", "DEMOTE_REMOVE_OR_RESIGN",
    "ELIMINATION_ADJUST_POST", "MANUAL_REVIEW",
    "PRAISE", "CIRCULATE_CRITICISM", "WRITTEN_SELF_CRITICISM", "ADMONITION",
    "DIRECT_CHARGE_VIOLATION", "COUNTERSIGN_MISSING", "TALK_REMINDER",
    "ROTATION_DUE", "ECONOMIC_AUDIT_DUE", "PROBATION_CONFIRM", "PROBATION_REMOVE",
    "PROMOTION_VETO", "DEMOTE_OR_REMOVE", "INTEGRITY_REVIEW_FAILED",
    "RESPONSIBILITY_LIST_INCOMPLETE",
)

PROVENANCE_ZH = {"source": "文件依据", "local": "本地参数", "scenario": "情景覆盖"}
SEVERITY_ZH = {"info": "提示", "warning": "关注", "serious": "严重", "critical": "特别严重"}
SUBJECT_ZH = {"leader": "干部", "unit": "单位"}
ISSUE_LEVEL_ZH = {"error": "错误", "note": "提示"}
# Rule family names for the 未评估 column; a family not listed falls back to its sheet name.
FAMILY_ZH: dict[str, str] = {s.family: s.zh for s in SHEETS if s.family} | {
    "card": "廉政监督卡", "elimination": "末位淘汰", "image": "形象测评",
    "direct_charge": "五个不直接分管", "countersign": "大额支出会签", "five": "五个强化",
    "card.two_years": "连续两年累计扣分", "card.three_years": "连续三年累计扣分",
    "elimination.two_years": "末位淘汰连续二年条款",
}

DETAIL_HEADERS = (
    "年度", "干部编号", "姓名", "单位", "单位类别", "职务", "是否一把手",
    "当年扣分", "连续两年累计扣分", "连续三年累计扣分", "五个强化加权分", "综合得分",
    "触发后果", "未评估",
)
PARAMETER_HEADERS = ("参数名", "含义", "取值", "来源性质", "依据/说明", "默认值", "命令行写法（--set）")
PARAMETER_WIDTHS = (28, 26, 12, 9, 36, 12, 26)
ISSUE_HEADERS = ISSUE_SHEET_HEADERS  # the same columns as the standalone 数据问题.xlsx
UNMATCHED_HEADERS = ("年度", "干部编号", "姓名", "分管事项")
_UNMATCHED_KEYS = ("year", "leader_id", "name", "item")
COUNT_HEADERS = ("代码", "后果", "人数")
SUMMARY_WIDTHS = (26, 36, 10, 9)   # 汇总: label / code, value / 单位, 单位类别, 干部人数
SUMMARY_CODE_WIDTH = 9             # one column per consequence in the per-unit table
DETAIL_WIDTHS = (6, 8, 8, 14, 8, 10, 6, 8, 9, 9, 9, 8, 32, 24)
SUMMARY_TITLE = "监督“一把手”年度考核结果汇总"


# --------------------------------------------------------------------------- lookups

def ordered_codes(codes: Iterable[str]) -> list[str]:
    present = set(codes)
    known = [c for c in CODE_ORDER if c in present]
    return known + sorted(present - set(CODE_ORDER))


def code_labels(result: RunResult) -> dict[str, str]:
    """The catalogue label per code (a rule's own label may name one case, e.g. one category)."""
    labels: dict[str, str] = {}
    values = {p.name: p.value for p in result.parameters}
    for leader in result.results:
        for cons in leader.consequences:
            # the share a label states is among the parameters the consequence carries
            labels.setdefault(cons.code, code_label(cons.code, {**values, **cons.parameters})
                              if cons.code in CONSEQUENCE_CODES else cons.label)
    return labels


def weak_threshold(result: RunResult) -> float | None:
    """five.weak_below in force; None (no highlighting) when the scorecard does not define it."""
    for param in result.parameters:
        if param.name == "five.weak_below" and isinstance(param.value, (int, float)):
            return float(param.value)
    return None


def _joined_labels(consequences: Sequence[Consequence]) -> str:
    counts: dict[str, int] = {}
    for cons in consequences:
        counts[cons.label] = counts.get(cons.label, 0) + 1
    return "；".join(label if n == 1 else f"{label}×{n}" for label, n in counts.items())


def _joined_not_evaluated(entries: Sequence[dict[str, str]]) -> str:
    names: list[str] = []
    for entry in entries:
        family = entry.get("family", "")
        name = FAMILY_ZH.get(family, family)
        if name and name not in names:
            names.append(name)
    return "、".join(names)


def _five(leader: LeaderResult) -> dict[str, Any] | None:
    five = leader.scores.get("five_reinforcements")
    return five if isinstance(five, dict) else None


# --------------------------------------------------------------------------- sheets

def _summary_block(result: RunResult) -> list[tuple[str, Any]]:
    errors = sum(1 for i in result.input_issues if i.severity == "error")
    notes = len(result.input_issues) - errors
    return [
        ("评分卡", result.scorecard),
        ("情景", f"{result.scenario_title}（{result.scenario}）" if result.scenario_title
                 else result.scenario or "无（基准参数）"),
        ("年度", result.years[0] if len(result.years) == 1 else "、".join(str(y) for y in result.years)),
        ("输入文件", result.input_file),
        ("规则指纹", result.rules_fingerprint),
        ("输入指纹", result.input_fingerprint),
        ("干部人数", len({r.leader_id for r in result.results})),
        ("考核记录数（人·年）", len(result.results)),
        ("数据问题", f"错误 {errors} 条，提示 {notes} 条"),
    ]


def _code_count_rows(result: RunResult, codes: list[str], labels: dict[str, str]) -> list[list[Any]]:
    """Distinct leaders per code, overall and (for several years) per year."""
    multi_year = len(result.years) > 1
    rows = []
    for code in codes:
        hits = {(r.year, r.leader_id) for r in result.results
                for c in r.consequences if c.code == code}
        row: list[Any] = [code, labels[code], len({lid for _, lid in hits})]
        if multi_year:
            row += [sum(1 for y, _ in hits if y == year) for year in result.years]
        rows.append(row)
    return rows


def _unit_rows(result: RunResult, codes: list[str]) -> list[list[Any]]:
    """One row per (year, unit): leaders assessed and distinct leaders per code."""
    groups: dict[tuple[int, str, str], list[LeaderResult]] = {}
    for leader in result.results:
        groups.setdefault((leader.year, leader.unit, leader.unit_type), []).append(leader)

    def order(key: tuple[int, str, str]) -> tuple[int, int, str]:
        year, unit, unit_type = key
        rank = UNIT_TYPES.index(unit_type) if unit_type in UNIT_TYPES else len(UNIT_TYPES)
        return (year, rank, unit)

    rows = []
    for key in sorted(groups, key=order):
        leaders = groups[key]
        counts = [sum(1 for r in leaders if any(c.code == code for c in r.consequences))
                  for code in codes]
        rows.append([key[0], key[1], key[2], len({r.leader_id for r in leaders}), *counts])
    return rows


def _write_summary(wb: Workbook, result: RunResult) -> None:
    ws = wb.create_sheet("汇总")
    ws.cell(row=1, column=1, value=SUMMARY_TITLE).font = _TITLE_FONT
    row = 3
    for label, value in _summary_block(result):
        ws.cell(row=row, column=1, value=label).font = _LABEL_FONT
        ws.cell(row=row, column=2, value=cell_value(value))
        row += 1

    labels = code_labels(result)
    codes = ordered_codes(labels)
    row += 1
    ws.cell(row=row, column=1, value="按后果统计").font = _LABEL_FONT
    count_headers = list(COUNT_HEADERS)
    if len(result.years) > 1:
        count_headers += [f"{year}年人数" for year in result.years]
    write_header(ws, row + 1, count_headers)
    row = write_rows(ws, row + 2, _code_count_rows(result, codes, labels)) + 2

    ws.cell(row=row, column=1, value="按单位统计（人数）").font = _LABEL_FONT
    unit_headers = ["年度", "单位", "单位类别", "干部人数", *(labels[c] for c in codes)]
    write_header(ws, row + 1, unit_headers)
    last = write_rows(ws, row + 2, _unit_rows(result, codes))
    ws.auto_filter.ref = table_ref(row + 1, last, len(unit_headers))
    # Fixed widths so the sheet prints one page wide: long values wrap instead of widening a column.
    set_widths(ws, SUMMARY_WIDTHS + (SUMMARY_CODE_WIDTH,) * max(len(unit_headers) - len(SUMMARY_WIDTHS), 0))
    wrap_all(ws, first_row=2)
    fit_row_heights(ws, first_row=2)


def _detail_row(leader: LeaderResult) -> list[Any]:
    scores = leader.scores
    five = _five(leader)
    return [
        leader.year, leader.leader_id, leader.name, leader.unit, leader.unit_type, leader.title,
        leader.is_top,
        scores.get("deduction_points"), scores.get("deduction_points_2y"),
        scores.get("deduction_points_3y"),
        five.get("weighted") if five else None, scores.get("composite"),
        _joined_labels(leader.consequences) or None,
        _joined_not_evaluated(leader.not_evaluated) or None,
    ]


def _write_parameters(wb: Workbook, result: RunResult) -> None:
    rows = [[p.name, p.meaning or None, readable_parameter(p.value), PROVENANCE_ZH.get(p.provenance, p.provenance),
             p.citation or None, readable_parameter(p.default) if p.default is not None else None,
             f"{p.name}={compact_json(p.value)}"] for p in result.parameters]
    ws = table_sheet(wb, "参数", PARAMETER_HEADERS, rows, wrap_cols=(2, 5))
    set_widths(ws, PARAMETER_WIDTHS)  # one landscape page wide at a legible size; long text wraps
    # Analysts must see at a glance which numbers a scenario changed.
    for row_no, param in enumerate(result.parameters, start=2):
        if param.provenance == "scenario":
            for col_no in range(1, len(PARAMETER_HEADERS) + 1):
                ws.cell(row=row_no, column=col_no).fill = _SCENARIO_FILL


def _issue_rows(result: RunResult) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [ISSUE_LEVEL_ZH.get(i.severity, i.severity), i.code, i.sheet, i.row, i.column, i.value,
         i.expected or None, i.message_zh or None, i.message_en or None]
        for i in result.input_issues
    ]
    # Lenient mode: every result a skipped row may have changed, named on its own row.
    for leader in result.results:
        for note in leader.not_evaluated:
            if "row" in note:
                rows.append(["受影响", "AFFECTED_BY_SKIPPED_ROW", note.get("sheet"), int(note["row"]), None,
                             f"{leader.year} {leader.leader_id} {leader.name}", None,
                             f"{leader.year}年度 {leader.name}（{leader.leader_id}）的"
                             f"“{FAMILY_ZH.get(note['family'], note['family'])}”类结果："
                             f"{note['reason_zh']}", note.get("reason_en")])
    for item in result.unmatched.get("unit_without_top_leader", []):
        rows.append(["受影响", "UNIT_WITHOUT_TOP_LEADER", None, None, "单位", item["unit"], None,
                     f"{item['year']}年度“{item['unit']}”触发 {item['code']}（规则 {item['rule_id']}），"
                     f"但干部名册中该单位当年没有党政一把手，后果无法落到人，请人工处理",
                     f"{item['unit']} ({item['year']}) triggered {item['code']} ({item['rule_id']}) but has no "
                     f"top leader on the roster that year; handle by hand"])
    for item in result.unmatched.get("skipped_rows_unattributed", []):
        rows.append(["受影响", "SKIPPED_ROW_UNATTRIBUTED", item["sheet"], item["row"], None, None, None,
                     "该行的年度或编号无法识别，无法判断影响哪些干部的结果，请人工核对",
                     "the row's year or id is unreadable: cannot tell which results it affects"])
    # The reader may already have listed an ignored sheet; do not say it twice.
    listed = {i.sheet for i in result.input_issues if i.code == "EXTRA_SHEET"}
    for name in result.extra_sheets:
        if name not in listed:
            rows.append(["提示", "EXTRA_SHEET", name, None, None, None, None,
                         f"工作表“{name}”不在输入规范内，已忽略",
                         f"sheet '{name}' is not part of the input contract; ignored"])
    return rows


_ERROR_FILL = PatternFill("solid", fgColor=ERROR_FILL_RGB, bgColor=ERROR_FILL_RGB)


def _write_issues(wb: Workbook, result: RunResult) -> None:
    rows = _issue_rows(result)
    ws = table_sheet(wb, "数据问题", ISSUE_HEADERS, rows)
    for row_no, row in enumerate(rows, start=2):  # errors (and the results they touch) stand out
        if row[0] in (ISSUE_LEVEL_ZH["error"], "受影响"):
            for col_no in range(1, len(ISSUE_HEADERS) + 1):
                ws.cell(row=row_no, column=col_no).fill = _ERROR_FILL


def _five_rows(result: RunResult) -> list[list[Any]]:
    rows = []
    for leader in result.results:
        five = _five(leader)
        if five is None:
            continue
        dims = five.get("dimensions") or {}
        rows.append([leader.year, leader.leader_id, leader.name, leader.unit,
                     *(dims.get(d.en) for d in FIVE_DIMENSIONS), five.get("weighted")])
    return rows


def _write_five(wb: Workbook, result: RunResult) -> None:
    headers = ["年度", "干部编号", "姓名", "单位", *(d.zh for d in FIVE_DIMENSIONS), "加权分"]
    rows = _five_rows(result)
    ws = table_sheet(wb, "五个强化", headers, rows)
    weak = weak_threshold(result)
    if not rows or weak is None:
        return
    first_col = get_column_letter(5)
    last_col = get_column_letter(4 + len(FIVE_DIMENSIONS))
    threshold = format_value(weak)
    # ISNUMBER keeps blank cells (which Excel reads as 0) from turning red.
    rule = FormulaRule(formula=[f"AND(ISNUMBER({first_col}2),{first_col}2<{threshold})"],
                       fill=_WEAK_FILL)
    ws.conditional_formatting.add(f"{first_col}2:{last_col}{len(rows) + 1}", rule)


def _write_unmatched(wb: Workbook, items: list[dict[str, Any]]) -> None:
    rows = [[item.get(key) for key in _UNMATCHED_KEYS] for item in items]
    table_sheet(wb, "未匹配分工", UNMATCHED_HEADERS, rows)


def _write_details(wb: Workbook, result: RunResult) -> None:
    ws = table_sheet(wb, "结果明细", DETAIL_HEADERS, (_detail_row(r) for r in result.results))
    set_widths(ws, DETAIL_WIDTHS)
    wrap_all(ws)
    fit_row_heights(ws)


def _printable(wb: Workbook, result: RunResult) -> None:
    """Every sheet prints: landscape A4 one page wide, header repeated, footer with fingerprints.
    Sheets without fixed widths get wrapped cells capped at the fitted width, rows grown to fit."""
    fingerprints = (result.rules_fingerprint, result.input_fingerprint)
    for ws in wb.worksheets:
        if ws.title not in _LAID_OUT:
            wrap_all(ws, first_row=2)
            fit_row_heights(ws, first_row=2)
        print_setup(ws, fingerprints, title_rows=0 if ws.title == "汇总" else 1)


_LAID_OUT = {"汇总", "结果明细", "触发依据"}   # sheets that set their own widths and row heights


def build_report(result: RunResult, trace: Trace | None = None, review: Any = None) -> Workbook:
    """review: the 复核 decisions beside this result (engine.store.review.ReviewView), runs from the store."""
    wb = Workbook()
    wb.remove(wb.active)
    _write_summary(wb, result)
    _write_details(wb, result)
    write_todo_sheet(wb, result)
    write_basis(wb, result, trace)
    _write_parameters(wb, result)
    write_rules_sheet(wb, result)
    _write_issues(wb, result)
    if any(_five(r) is not None for r in result.results):
        _write_five(wb, result)
    unmatched = result.unmatched.get("portfolio")
    if unmatched:
        _write_unmatched(wb, unmatched)
    if result.store is not None or review is not None:
        from engine.output.review_sheet import add_store_and_review
        add_store_and_review(wb, result, review)
    _printable(wb, result)
    return wb


def write_report(result: RunResult, path: Path, charts: Sequence[Any] = (), review: Any = None) -> None:
    """Write the Chinese Excel report for `result` to exactly `path`; `charts` (engine.output.charts,
    drawn by the caller) go on their own 图表 sheet."""
    wb = build_report(result, review=review)
    if charts:
        from engine.output.charts import add_charts

        sheet, area = add_charts(wb, list(charts)) or (None, "")
        print_setup(sheet, (result.rules_fingerprint, result.input_fingerprint), title_rows=0)
        sheet.print_area = area
    save_workbook_stable(wb, Path(path))
