"""Sweeps: leaders per consequence for each value of one parameter (SPEC 1: analysts).

Columns are every code the scorecard can produce, whether or not it fires, so two sweeps
(or two years) always line up. Each row also names the leaders newly affected compared
with the previous value: a code they did not have before.
"""
from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from engine.evaluation.results import RunResult
from engine.output.diff import code_label
from engine.xlsxio import display_width, format_value, save_workbook_stable, table_sheet


class RangeError(ValueError):
    """--range text that is not START:STOP:STEP with STEP > 0."""


def parse_range(text: str) -> list[int | float]:
    """START:STOP:STEP, STOP included when the steps land on it: 3:5:0.5 → 3, 3.5, 4, 4.5, 5.

    Decimal arithmetic, so 0.1 steps do not drift (0.30000000000000004)."""
    parts = text.split(":")
    try:
        start, stop, step = (Decimal(p.strip()) for p in parts) if len(parts) == 3 else (None,) * 3
    except InvalidOperation:
        start = None
    if start is None or stop is None or step is None or step <= 0 or stop < start:
        raise RangeError(f"--range {text!r}：应为 起点:终点:步长，步长大于 0、终点不小于起点，例如 3:5:0.5 "
                         f"/ expected START:STOP:STEP with STEP > 0 and STOP >= START")
    values: list[int | float] = []
    value = start
    while value <= stop:
        values.append(int(value) if value == value.to_integral_value() else float(value))
        value += step
        if len(values) > 1000:
            raise RangeError(f"--range {text!r}：取值超过 1000 个 / more than 1000 values")
    return values


def _codes_by_leader(result: RunResult, year: int) -> dict[str, tuple[Any, set[str]]]:
    return {r.leader_id: (r, {c.code for c in r.consequences}) for r in result.results if r.year == year}


def _moved(now: dict[str, tuple[Any, set[str]]], before: dict[str, tuple[Any, set[str]]],
           codes: list[str]) -> list[dict[str, Any]]:
    """Leaders with a code in `now` that they did not have in `before`."""
    out = []
    for lid in sorted(now):
        leader, got = now[lid]
        gained = [c for c in codes if c in got and c not in before.get(lid, (None, set()))[1]]
        if gained:
            out.append({"leader_id": lid, "name": leader.name, "unit": leader.unit, "codes": gained})
    return out


def sweep_table(name: str, values: list[Any], results: list[RunResult], codes: list[str]) -> dict[str, Any]:
    """Rows per (year, value), in the order of the years then the values as given."""
    years = results[0].years if results else []
    rows = []
    for year in years:
        previous: dict[str, tuple[Any, set[str]]] | None = None
        for value, result in zip(values, results):
            now = _codes_by_leader(result, year)
            counts = {code: sum(1 for _, got in now.values() if code in got) for code in codes}
            rows.append({"year": year, "value": value, "counts": counts,
                         "newly_affected": _moved(now, previous, codes) if previous is not None else None,
                         "no_longer_affected": _moved(previous, now, codes) if previous is not None else None})
            previous = now
    return {"parameter": name, "values": values, "years": years,
            "codes": [{"code": c, "label": code_label(c)} for c in codes], "rows": rows}


def sweep_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def value_text(value: Any) -> str:
    return format_value(value)


def _moved_text(row: dict[str, Any], key: str) -> str:
    return "—" if row[key] is None else str(len(row[key]))


MOVES = (("newly_affected", "较上一取值新增受影响人数", "新增"), ("no_longer_affected", "较上一取值不再受影响人数", "不再"))


def render(doc: dict[str, Any]) -> str:
    """A narrow terminal table: one line per consequence, one column per value (per year)."""
    out = [f"参数 {doc['parameter']} 各取值下触发各项后果的人数"]
    for year in doc["years"]:
        rows = [r for r in doc["rows"] if r["year"] == year]
        header = [f"{year}年度 后果 \\ 取值", *(value_text(r["value"]) for r in rows)]
        table = [[c["label"], *(str(r["counts"][c["code"]]) for r in rows)] for c in doc["codes"]]
        table += [[words, *(_moved_text(r, key) for r in rows)] for key, words, _ in MOVES]
        out.append(_aligned([header] + table))
        for r in rows:
            for key, _, verb in MOVES:
                for item in r[key] or []:
                    codes = "、".join(code_label(c) for c in item["codes"])
                    out.append(f"  取值 {value_text(r['value'])}：{item['name']}（{item['leader_id']}，{item['unit']}）"
                               f"{verb} {codes}")
    return "\n".join(out)


def _aligned(table: list[list[str]]) -> str:
    widths = [max(display_width(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for row in table:
        cells = [cell + " " * (w - display_width(cell)) if i == 0 else " " * (w - display_width(cell)) + cell
                 for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def write_sweep_xlsx(doc: dict[str, Any], path: Path, chart_png: bytes | None = None) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    headers = ["年度", f"参数 {doc['parameter']} 取值", *(c["label"] for c in doc["codes"]), *(w for _, w, _ in MOVES)]
    rows = [[r["year"], value_text(r["value"]), *(r["counts"][c["code"]] for c in doc["codes"]),
             *(None if r[key] is None else len(r[key]) for key, _, _ in MOVES)] for r in doc["rows"]]
    table_sheet(wb, "各取值人数", headers, rows)
    detail = [[r["year"], value_text(r["value"]), verb, item["leader_id"], item["name"], item["unit"],
               "、".join(code_label(c) for c in item["codes"])]
              for r in doc["rows"] for key, _, verb in MOVES for item in r[key] or []]
    table_sheet(wb, "较上一取值的变化", ("年度", "取值", "变化", "干部编号", "姓名", "单位", "后果"), detail)
    table_sheet(wb, "后果代码", ("后果", "代码"), [[c["label"], c["code"]] for c in doc["codes"]])
    if chart_png is not None:
        from engine.output.charts import Chart, add_charts

        add_charts(wb, [Chart("sweep", "参数扫描", chart_png)])
    save_workbook_stable(wb, Path(path))
