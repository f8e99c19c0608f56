"""Where `run` writes, and what it says about it.

Default names carry the year(s) and the scenario, so runs under other years or scenarios sit
side by side instead of replacing each other (issue 7, item 2):

    wb.xlsx --year 2025                   -> wb_2025_评分结果.xlsx, wb_2025_results.json
    wb.xlsx --scenario strict.yaml        -> wb_2025_strict_评分结果.xlsx, ...
    wb.xlsx --set card.disqualify_awards=5 -> wb_2025_set-1a2b3c_评分结果.xlsx (a digest of the --set values)

`--out` alone puts the JSON beside the report (same name, .json) and `--json` alone the report
beside the JSON, so one explicit name never leaves the other output silently replacing a file
next to the input. Both must be distinct, must not be the input, and carry their own suffix.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import click

REPORT_SUFFIX, JSON_SUFFIX = ".xlsx", ".json"


def require_xlsx(path: Path, label: str) -> None:
    if path.suffix.lower() != REPORT_SUFFIX:
        raise click.UsageError(f"{label} {path} 应以 .xlsx 结尾（写出的是 Excel 工作簿，不是 {path.suffix or '无扩展名'} "
                               f"文件）/ {label} {path} must end in .xlsx (an Excel workbook is written, not "
                               f"{path.suffix or 'a file without extension'})")


def _require_json(path: Path) -> None:
    if path.suffix.lower() != JSON_SUFFIX:
        raise click.UsageError(f"--json {path} 应以 .json 结尾 / --json {path} must end in .json")


def explicit_targets(workbook: Path, out: Path | None, json_path: Path | None) -> tuple[Path | None, Path | None]:
    """The outputs the user named (the other one derived beside it), checked before any work."""
    if out is not None:
        require_xlsx(out, "--out")
    if json_path is not None:
        _require_json(json_path)
    if out is not None and json_path is None:
        json_path = out.with_suffix(JSON_SUFFIX)
    elif json_path is not None and out is None:
        out = json_path.with_suffix(REPORT_SUFFIX)
    if out is None or json_path is None:
        return out, json_path
    if out.resolve() == json_path.resolve():
        raise click.UsageError(f"--out 与 --json 是同一个文件 {out}，一个会覆盖另一个 / --out and --json name the same "
                               f"file {out}: one would overwrite the other")
    for target in (out, json_path):
        if target.resolve() == workbook.resolve():
            raise click.UsageError(f"输出 {target} 会覆盖输入工作簿 / output {target} would overwrite the input workbook")
    return out, json_path


def _years_part(years: list[int]) -> str:
    ordered = sorted(years)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}"
    return "_".join(str(y) for y in ordered)


def run_tag(years: list[int], scenario_id: str | None, overrides: dict[str, Any]) -> str:
    parts = [_years_part(years)]
    if scenario_id:
        parts.append(scenario_id)
    if overrides:
        digest = hashlib.sha256(json.dumps(overrides, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        parts.append(f"set-{digest[:6]}")
    return "_".join(parts)


def default_report(workbook: Path, tag: str) -> Path:
    return workbook.with_name(f"{workbook.stem}_{tag}_评分结果.xlsx")


def default_json(workbook: Path, tag: str) -> Path:
    return workbook.with_name(f"{workbook.stem}_{tag}_results.json")


def earlier_outputs(workbook: Path, out: Path | None, json_path: Path | None) -> list[Path]:
    """Reports and JSON results of earlier runs of this workbook (named, or under any default name)."""
    named = [p for p in (out, json_path) if p is not None and p.exists()]
    stem = workbook.stem
    found = [p for pattern in (f"{stem}_*评分结果.xlsx", f"{stem}_*results.json")
             for p in sorted(workbook.parent.glob(pattern))]
    return list(dict.fromkeys(named + found))


def remove_stale_issue_file(workbook: Path) -> Path | None:
    """A 数据问题.xlsx from an earlier failed run would sit beside this run's good report as if it
    were current: remove it (this run's problems are in the report's 数据问题 sheet)."""
    from engine.cli.common import issue_file_path

    stale = issue_file_path(workbook)
    try:
        stale.unlink()
    except FileNotFoundError:
        return None
    except OSError as exc:
        click.echo(f"（未能删除以前的 {stale}：{exc.strerror} / could not remove the earlier {stale}）", err=True)
        return None
    return stale


def scenario_words(scorecard: Any, overrides: dict[str, Any], lang: str) -> str:
    """How the summary names what the run was scored under."""
    sets = "，".join(f"{k}={v}" for k, v in overrides.items()) if lang == "zh" else \
        ", ".join(f"{k}={v}" for k, v in overrides.items())
    if scorecard.scenario:
        base = (f"情景“{scorecard.scenario.title}”（{scorecard.scenario.id}）" if lang == "zh"
                else f"scenario {scorecard.scenario.title} ({scorecard.scenario.id})")
    else:
        base = "基准参数" if lang == "zh" else "baseline parameters"
    if sets:
        base += f"，另设 {sets}" if lang == "zh" else f", plus --set {sets}"
    return base


def summary_line(result: Any, book: Any, scorecard: Any, overrides: dict[str, Any], out: Path | None,
                 json_path: Path, lang: str) -> str:
    """The one line `run` prints; `out` None: --json-only, no report."""
    notes = sum(1 for i in result.input_issues if i.severity == "note")
    errors = sum(1 for i in result.input_issues if i.severity == "error")
    skipped = sum(len(rows) for rows in book.skipped_rows.values())
    fired = sum(len(r.consequences) for r in result.results)
    how = scenario_words(scorecard, overrides, lang)
    if lang == "zh":
        years = "、".join(str(y) for y in result.years)
        lenient = f"{errors} 个错误（宽松模式跳过 {skipped} 行，见报告“数据问题”），" if errors or skipped else ""
        report = f"报告 {out}" if out else "未生成报告（--json-only）"
        return (f"{years}年度，{how}：{len(result.results)} 名干部·年度，{fired} 项后果，{lenient}{notes} 条数据提示；"
                f"{report}；JSON {json_path}")
    years = ", ".join(str(y) for y in result.years)
    lenient = (f"{errors} errors ({skipped} rows skipped in lenient mode, see the report's 数据问题 sheet), "
               if errors or skipped else "")
    report = f"report {out}" if out else "no report (--json-only)"
    return (f"{years}, {how}: {len(result.results)} leader-years, {fired} consequences, {lenient}{notes} data notes; "
            f"{report}; JSON {json_path}")
