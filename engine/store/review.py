"""复核: reviewed decisions about the consequences the engine found. Each decision (确认 / 撤销, with a
reason, a reviewer and a date) is one entry of the append-only log; a later decision about the same
consequence supersedes the earlier one, which stays visible. The engine's result is never altered:
the report shows it and the decision side by side."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.input.headers import match_key
from engine.input.issues import InputIssue
from engine.input.review_form import DECISIONS, REVIEW_COLUMNS, REVIEW_SHEET
from engine.rules.model import CONSEQUENCE_CODES
from engine.store import chain
from engine.store.db import Store

STATUS_ZH = {"pending": "待复核", "确认": "已确认", "撤销": "已撤销"}


# ------------------------------------------------------------------ reading and checking decisions
def read_review_file(path: Path) -> tuple[list[dict[str, Any]], list[InputIssue]]:
    """The decisions in the 复核意见 sheet of PATH, and every problem with them (sheet, row, column)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = next((wb[n] for n in wb.sheetnames if match_key(n) in (match_key(REVIEW_SHEET), "review")), None)
        if ws is None:
            return [], [_issue("REVIEW_SHEET_MISSING", None, None, None,
                               f"文件中没有“{REVIEW_SHEET}”工作表", "no 复核意见 sheet in the file")]
        lines = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not lines:
        return [], [_issue("REVIEW_SHEET_EMPTY", None, None, None, "“复核意见”表是空的", "the 复核意见 sheet is empty")]
    header = {match_key(str(h)): j for j, h in enumerate(lines[0]) if h is not None}
    columns, problems = {}, []
    for zh, en, _ in REVIEW_COLUMNS:
        j = header.get(match_key(zh), header.get(match_key(en)))
        if j is None:
            problems.append(_issue("REVIEW_MISSING_COLUMN", None, zh, None, f"缺少“{zh}”列", f"column {zh} ({en}) missing"))
        columns[en] = j
    if problems:
        return [], problems
    decisions = []
    for number, line in enumerate(lines[1:], start=2):
        raw = {key: (line[j] if j < len(line) else None) for key, j in columns.items()}
        if all(_blank(v) for v in raw.values()):
            continue
        decision, found = check_decision(raw, row=number, source=Path(path).name)
        problems += found
        if not found:
            decisions.append(decision)
    return decisions, problems


def check_decision(raw: dict[str, Any], *, row: int | None = None, source: str = "命令行"
                   ) -> tuple[dict[str, Any], list[InputIssue]]:
    """One decision normalised, or the problems that make it unusable (each naming the column)."""
    problems: list[InputIssue] = []

    def bad(code: str, column: str, value: Any, zh: str, en: str) -> None:
        problems.append(_issue(code, row, column, value, zh, en))

    year = _year(raw.get("year"))
    if year is None:
        bad("REVIEW_BAD_YEAR", "年度", raw.get("year"), "年度应为四位整数", "year must be a 4-digit integer")
    leader = _text(raw.get("leader_id"))
    if not leader:
        bad("REVIEW_LEADER_MISSING", "干部编号", raw.get("leader_id"), "缺少干部编号", "leader id missing")
    code = _text(raw.get("code")).upper()
    if code not in CONSEQUENCE_CODES:
        bad("REVIEW_UNKNOWN_CODE", "代码", raw.get("code"), "不是已知的后果代码（见报告“触发依据”页）",
            "not a known consequence code")
    decision = _text(raw.get("decision"))
    if decision not in DECISIONS:
        bad("REVIEW_BAD_DECISION", "结论", raw.get("decision"), "结论应为“确认”或“撤销”", "decision must be 确认 or 撤销")
    reason, reviewer = _text(raw.get("reason")), _text(raw.get("reviewer"))
    if not reason:
        bad("REVIEW_REASON_MISSING", "理由", None, "复核结论必须写明理由", "a decision needs a reason")
    if not reviewer:
        bad("REVIEW_REVIEWER_MISSING", "复核人", None, "复核结论必须写明复核人", "a decision needs a reviewer")
    date = _date(raw.get("date"))
    if date is None:
        bad("REVIEW_BAD_DATE", "日期", raw.get("date"), "日期应为如 2026-03-01 的日期", "date must be like 2026-03-01")
    return ({"year": year, "leader_id": leader, "code": code, "decision": decision, "reason": reason,
             "reviewer": reviewer, "date": date, "source": source, "row": row}, problems)


def not_fired(decisions: list[dict[str, Any]], fired: set[tuple[int, str, str]]) -> list[InputIssue]:
    """Flags: decisions about a consequence the run being reviewed did not find."""
    return [_issue("REVIEW_NOT_FIRED", d["row"], "代码", d["code"],
                   f"{d['year']}年度 {d['leader_id']} 没有触发 {d['code']}：该复核意见针对的后果不存在",
                   f"{d['leader_id']} ({d['year']}) has no {d['code']} in the reviewed run", severity="note")
            for d in decisions if (d["year"], d["leader_id"], d["code"]) not in fired]


def record(store: Store, decisions: list[dict[str, Any]], *, target: dict[str, Any],
           fired: set[tuple[int, str, str]], by: str) -> list[int]:
    """Append each decision as one log entry, in one transaction. Returns their log numbers."""
    seqs = []
    with store.engine.begin() as conn:
        for d in decisions:
            body = {**{k: v for k, v in d.items() if k != "row"}, "on": target,
                    "fired": (d["year"], d["leader_id"], d["code"]) in fired}
            seqs.append(chain.append(conn, "review", by, body)[0])
    return seqs


def decisions_for(store: Store, years: list[int]) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [{**e["body"], "seq": e["seq"], "at": e["at"], "by": e["actor"]}
                for e in chain.entries(conn, "review") if e["body"]["year"] in years]


# ------------------------------------------------------------------ decisions beside a result
@dataclass
class ReviewView:
    """Per consequence of a result, the decision in force; and what no longer fits the data."""
    current: dict[tuple[int, str, str], dict[str, Any]] = field(default_factory=dict)
    superseded: list[dict[str, Any]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)       # consequence gone after a correction
    unmatched: list[dict[str, Any]] = field(default_factory=list)   # decided while it had not fired
    counts: dict[str, int] = field(default_factory=dict)            # pending / 确认 / 撤销 over the result


def review_view(decisions: list[dict[str, Any]], result: Any) -> ReviewView:
    fired = {(r.year, r.leader_id, c.code) for r in result.results for c in r.consequences}
    view = ReviewView()
    latest: dict[tuple[int, str, str], dict[str, Any]] = {}
    for d in sorted(decisions, key=lambda d: d["seq"]):
        key = (d["year"], d["leader_id"], d["code"])
        if key in latest:
            view.superseded.append(latest[key])
        latest[key] = d
    for key, d in latest.items():
        if key in fired:
            view.current[key] = d
        elif d.get("fired"):
            view.stale.append(d)
        else:
            view.unmatched.append(d)
    view.counts = {"pending": 0, "确认": 0, "撤销": 0}
    for key in fired:
        view.counts[view.current[key]["decision"] if key in view.current else "pending"] += 1
    return view


# ------------------------------------------------------------------ small helpers
def _issue(code: str, row: int | None, column: str | None, value: Any, zh: str, en: str,
           severity: str = "error") -> InputIssue:
    where = f"“{REVIEW_SHEET}”" + (f"第{row}行" if row else "") + (f"“{column}”列" if column else "")
    return InputIssue(code=code, severity=severity, sheet=REVIEW_SHEET, row=row, column=column,
                      value=None if _blank(value) else str(value), expected=zh,
                      message_zh=f"【{code}】{where}：{zh}", message_en=f"[{code}] {REVIEW_SHEET} row {row}: {en}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _year(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() and 1990 <= int(text) <= 2100 else None


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(_text(value).replace("/", "-")).isoformat()
    except ValueError:
        return None
