"""The report's 待办 sheet (issue 14): every leader's open obligations as of calendar.as_of.

What the department acts on next — talks owed, audits due, reports and rectifications outstanding,
responsibility items and probation assessments — each with the date it falls due; overdue rows
stand out. Read from LeaderResult.obligations (engine.evaluation.packs.todo).
"""
from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from engine.evaluation.results import LeaderResult, RunResult
from engine.xlsxio import table_sheet

TODO_HEADERS = ("年度", "干部编号", "姓名", "单位", "事项类别", "待办事项", "到期日", "状态", "依据", "逾期后适用的规则")
_OVERDUE_FILL = PatternFill("solid", fgColor="FCE4D6")


def status_text(item: dict[str, Any]) -> str:
    """已逾期 N 天 / 未到期 (falls due on or after the as-of day)."""
    return f"已逾期{item['days_overdue']}天" if item["status"] == "overdue" else "未到期"


def where_text(item: dict[str, Any]) -> str:
    return f"{item['sheet']}第{item['row']}行" if item.get("row") else item["sheet"]


def todo_rows(result: RunResult) -> list[list[Any]]:
    titles = {rule.id: rule.title for rule in result.rules}   # the rule by its Chinese title, not its id
    rows = []
    for leader in result.results:
        rows += [_row(leader, item, titles) for item in leader.obligations]
    return rows


def _row(leader: LeaderResult, item: dict[str, Any], titles: dict[str, str]) -> list[Any]:
    return [leader.year, leader.leader_id, leader.name, leader.unit, item["kind_zh"], item["what"],
            item["due"] or "（未填）", status_text(item), where_text(item), titles.get(item["rule_id"], item["rule_id"])]


def write_todo_sheet(wb: Workbook, result: RunResult) -> None:
    """The 待办 sheet, when any leader has an open obligation."""
    rows = todo_rows(result)
    if not rows:
        return
    ws = table_sheet(wb, "待办", TODO_HEADERS, rows, wrap_cols=(6,))
    for row_no, row in enumerate(rows, start=2):
        if row[7].startswith("已逾期"):
            for col_no in range(1, len(TODO_HEADERS) + 1):
                ws.cell(row=row_no, column=col_no).fill = _OVERDUE_FILL
