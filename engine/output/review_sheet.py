"""The report's store and 复核 parts (issue 11): the chain head and data versions a run was made from
(汇总), each consequence's reviewed decision beside the engine's result (结果明细 gains 复核结论 /
复核人 / 理由), the counts pending / confirmed / withdrawn, and every decision in a 复核记录 sheet.
Called by engine.output.report.build_report for runs from the store; the result itself is not touched."""
from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from engine.evaluation.results import RunResult
from engine.rules.model import code_label as catalogue_label
from engine.output.printing import fit_row_heights, wrap_all
from engine.xlsxio import cell_value, table_ref, table_sheet, write_header

REVIEW_HEADERS = ("复核结论", "复核人", "理由")
REVIEW_WIDTHS = (28, 12, 36)
RECORD_HEADERS = ("年度", "干部编号", "姓名", "后果", "代码", "结论", "理由", "复核人", "日期", "状态", "日志序号")
STATUS_ZH = {"pending": "待复核", "确认": "确认", "撤销": "撤销"}
_BOLD = Font(bold=True)


def add_store_and_review(wb: Workbook, result: RunResult, review: Any) -> None:
    summary = wb["汇总"]
    first = row = summary.max_row + 2
    if result.store is not None:
        row = _block(summary, row, "数据来源（历史存储库）", _store_lines(result.store))
    if review is not None:
        counts = review.counts
        _block(summary, row, "复核情况（按后果计）", [
            ("待复核", counts.get("pending", 0)), ("已确认", counts.get("确认", 0)), ("已撤销", counts.get("撤销", 0)),
            ("失效的复核意见（数据更正后该后果已不再触发）", len(review.stale)),
            ("针对未触发后果的复核意见", len(review.unmatched)),
        ])
        _detail_columns(wb["结果明细"], result, review)
        table_sheet(wb, "复核记录", RECORD_HEADERS, _record_rows(result, review))
    wrap_all(summary, first_row=first)       # the 汇总 sheet has fixed widths: long values wrap
    fit_row_heights(summary, first_row=first)


def _store_lines(store: dict[str, Any]) -> list[tuple[str, Any]]:
    used = "、".join(
        (f"{v['year']}年度" if v["year"] is not None else "不分年度数据")
        + (f"第{v['version']}版" if v["version"] else f"（来自 {v['source']}）") for v in store["versions_used"])
    return [("存储库", store["name"]), ("数据链头（本报告所依据）", store["chain_head"]),
            ("链上记录数", store["chain_seq"]), ("所用数据版本", used)]


def _block(ws: Any, row: int, title: str, lines: list[tuple[str, Any]]) -> int:
    ws.cell(row=row, column=1, value=title).font = _BOLD
    for label, value in lines:
        row += 1
        ws.cell(row=row, column=1, value=label).font = _BOLD
        ws.cell(row=row, column=2, value=cell_value(value))
    return row + 2


def _label(code: str) -> str:
    return catalogue_label(code)  # across scenarios: no parameter-dependent number


def _detail_columns(ws: Any, result: RunResult, review: Any) -> None:
    """Three columns beside each leader-year: the decision per consequence, who decided, and why."""
    first = ws.max_column + 1
    write_header(ws, 1, REVIEW_HEADERS, col=first)
    for row, leader in enumerate(result.results, start=2):
        codes = list(dict.fromkeys(c.code for c in leader.consequences))
        decided = [(code, review.current.get((leader.year, leader.leader_id, code))) for code in codes]
        if not codes:
            continue
        ws.cell(row=row, column=first, value=cell_value("；".join(
            f"{_label(code)}：{STATUS_ZH[d['decision'] if d else 'pending']}" for code, d in decided)))
        people = list(dict.fromkeys(d["reviewer"] for _, d in decided if d))
        reasons = [f"{_label(code)}：{d['reason']}" for code, d in decided if d]
        ws.cell(row=row, column=first + 1, value=cell_value("、".join(people)) if people else None)
        ws.cell(row=row, column=first + 2, value=cell_value("；".join(reasons)) if reasons else None)
    ws.auto_filter.ref = table_ref(1, len(result.results) + 1, first + 2)
    for offset, width in enumerate(REVIEW_WIDTHS):
        ws.column_dimensions[ws.cell(row=1, column=first + offset).column_letter].width = width
    wrap_all(ws)
    fit_row_heights(ws)


def _record_rows(result: RunResult, review: Any) -> list[list[Any]]:
    names = {(r.year, r.leader_id): r.name for r in result.results}
    tagged = ([(d, "有效") for d in review.current.values()]
              + [(d, "已被后来的意见取代") for d in review.superseded]
              + [(d, "失效：数据更正后该后果已不再触发") for d in review.stale]
              + [(d, "无此后果：复核时该后果未触发") for d in review.unmatched])
    tagged.sort(key=lambda t: (t[0]["year"], t[0]["leader_id"], t[0]["code"], t[0]["seq"]))
    return [[d["year"], d["leader_id"], names.get((d["year"], d["leader_id"])), _label(d["code"]), d["code"],
             d["decision"], d["reason"], d["reviewer"], d["date"], status, d["seq"]] for d, status in tagged]
