"""The 复核意见 sheet (issue 11): reviewers record, per consequence, 确认 or 撤销 with a reason, their name
and the date. Not an input of the engine: `scorecard review --file` reads it into the store; the blank
template carries it (with a drop-down for 结论), and the reader does not list it as an unknown sheet."""
from __future__ import annotations

from typing import Any

REVIEW_SHEET = "复核意见"
# (header, English alias, help)
REVIEW_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("年度", "year", "考核年度，如 2025"),
    ("干部编号", "leader_id", "与干部名册一致"),
    ("代码", "code", "后果代码，见报告“触发依据”页，如 WITHHOLD_BONUS_50"),
    ("结论", "decision", "确认 或 撤销"),
    ("理由", "reason", "复核理由，必填"),
    ("复核人", "reviewer", "复核人姓名，必填"),
    ("日期", "date", "复核日期，如 2026-03-01"),
)
DECISIONS = ("确认", "撤销")
LAST_ROW = 5000


def write_review_sheet(wb: Any) -> None:
    # openpyxl only here: the reader imports this module for REVIEW_SHEET and must stay light
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from engine.xlsxio import table_sheet

    ws = table_sheet(wb, REVIEW_SHEET, [zh for zh, _, _ in REVIEW_COLUMNS], [])
    ws.auto_filter.ref = None
    for index, (zh, en, help_zh) in enumerate(REVIEW_COLUMNS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 14)
        if en == "decision":
            dv = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=zh, error="请选择：确认 或 撤销")
        else:
            dv = DataValidation(allow_blank=True)
        dv.prompt, dv.promptTitle = help_zh, zh
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.add_data_validation(dv)
