"""The analysts' commands: diff (who flips between two parameter sets, and why) and sweep."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from engine.cli.backends import _backend_options, evaluate_checked as _evaluate
from engine.cli.common import _parse_set, _scorecard_options, atomic_path, cli
from engine.cli.progress import progress
from engine.cli.years import resolve_years, year_option
from engine.rules.load import Scorecard, load_scorecard

_WB = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUT = click.Path(dir_okay=False, path_type=Path)


def _label(scenario: Path | None, sets: tuple[str, ...], card: Path | None) -> str:
    parts = [f"评分卡 {card.name}" if card else "默认评分卡"]
    if scenario:
        parts.append(f"情景 {scenario.name}")
    if sets:
        parts.append("--set " + " ".join(sets))
    return "，".join(parts)


def _check_outputs(workbook: Path, *targets: Path | None) -> None:
    for target in targets:
        if target is not None and target.resolve() == workbook.resolve():
            raise click.UsageError(f"输出 {target} 会覆盖输入工作簿 / output {target} would overwrite the input workbook")


@cli.command()
@click.argument("workbook", type=_WB)
@year_option
@_scorecard_options
@click.option("--base-scenario", type=_WB, default=None,
              help="基线改用此情景（默认为评分卡的默认参数）/ compare against this scenario instead of the "
                   "scorecard's defaults")
@click.option("--json", "json_path", type=_OUT, help="把变化写成 JSON / write the changes as JSON here")
@click.option("--out", type=_OUT, help="把变化写成中文 Excel / write the changes as a Chinese Excel workbook here")
@_backend_options
def diff(workbook: Path, years: tuple[Any, ...], card: Path | None, scenario: Path | None, set_: tuple[str, ...],
         base_scenario: Path | None, json_path: Path | None, out: Path | None, backend: str,
         cross_check: bool) -> None:
    """比较：基线（默认参数或 --base-scenario A）与情景（--scenario B 和/或 --set）下谁的后果变了、为什么。/ Who
    flips, and why: 基线 (defaults, or --base-scenario A) against 情景 (--scenario B and/or --set).

    情景 = 评分卡加 --scenario 与 --set（不叠加在 --base-scenario 上；要改 A 本身：--base-scenario A
    --scenario A --set ...）。/ The 情景 side is the scorecard with --scenario and --set applied.
    """
    from engine.evaluation.scoring import prepare
    from engine.input.workbook import read_workbook
    from engine.output.diff import Side, compare, diff_json, render, write_diff_xlsx

    if not scenario and not set_ and not base_scenario:
        raise click.UsageError("请给出 --scenario 或 --set（可另加 --base-scenario）/ give --scenario and/or --set "
                               "(and optionally --base-scenario) to compare")
    _check_outputs(workbook, json_path, out)
    base_card = load_scorecard(card, scenario=base_scenario)
    other_card = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
    with progress(5, "比较") as steps:
        steps.next("读取工作簿")
        book = read_workbook(workbook)
        prepared = prepare(book, resolve_years(book, years), base_card.values())  # facts derived once
        steps.next("评分：基线")
        base = _evaluate(prepared, base_card, backend, cross_check)
        steps.next("评分：情景")
        other = _evaluate(prepared, other_card, backend, cross_check)
        steps.next("比较")
        doc = compare(Side(base, base_card, _label(base_scenario, (), card)),
                      Side(other, other_card, _label(scenario, set_, card)))
        steps.next("写出结果")
        if json_path:
            with atomic_path(json_path) as tmp:
                tmp.write_text(diff_json(doc), encoding="utf-8")
        if out:
            with atomic_path(out) as tmp:
                write_diff_xlsx(doc, tmp)
    click.echo(render(doc))
    for label, path in (("JSON", json_path), ("Excel", out)):
        if path:
            click.echo(f"{label} 已写入 {path}")


def _sweep_values(name: str, values: tuple[str, ...], range_: str | None) -> list[Any]:
    from engine.output.sweep import RangeError, parse_range

    if bool(values) == bool(range_):
        raise click.UsageError("请给出取值（值1 值2 ...）或 --range 起:止:步长，二者选一 / give the values "
                               "(V1 V2 ...) or --range START:STOP:STEP, not both")
    if range_:
        try:
            return list(parse_range(range_))
        except RangeError as exc:
            raise click.BadParameter(str(exc), param_hint="--range") from exc
    return [_parse_set((f"{name}={raw}",))[name] for raw in values]


@cli.command()
@click.argument("workbook", type=_WB)
@click.argument("name")
@click.argument("values", nargs=-1)
@click.option("--range", "range_", metavar="START:STOP:STEP", help="数值范围，含终点，如 3:5:0.5 / numeric values, STOP included, e.g. 3:5:0.5")
@year_option
@_scorecard_options
@click.option("--json", "json_path", type=_OUT, help="把结果表写成 JSON / write the table as JSON here")
@click.option("--out", type=_OUT, help="把结果表（及折线图）写成 Excel / write the table (and its chart) as an Excel workbook here")
@click.option("--chart", type=_OUT, help="把折线图写成 PNG / write the line chart as PNG here")
@click.option("--no-charts", is_flag=True, help="--out 的 Excel 中不放折线图 / do not put the chart into the --out workbook")
@_backend_options
def sweep(workbook: Path, name: str, values: tuple[str, ...], range_: str | None, years: tuple[Any, ...],
          card: Path | None, scenario: Path | None, set_: tuple[str, ...], json_path: Path | None,
          out: Path | None, chart: Path | None, no_charts: bool, backend: str, cross_check: bool) -> None:
    """参数扫描：参数 NAME 取各个值时各后果的人数。/ Leaders per consequence for each value of one parameter NAME.

    e.g. sweep wb.xlsx card.disqualify_awards 3 4 5, sweep wb.xlsx card.disqualify_awards --range 3:5:0.5,
    sweep wb.xlsx elimination.township.single_year '[1]' '[1,2]'.
    """
    from engine.evaluation.scoring import prepare
    from engine.input.workbook import read_workbook
    from engine.output.diff import scorecard_codes
    from engine.output.sweep import render, sweep_json, sweep_table, write_sweep_xlsx

    chosen_values = _sweep_values(name, values, range_)
    overrides = _parse_set(set_)
    if name in overrides:
        raise click.UsageError(f"{name} 是扫描的参数，不能再用 --set 给出 / {name} is swept: do not also --set it")
    _check_outputs(workbook, json_path, out, chart)
    cards: list[Scorecard] = [load_scorecard(card, scenario=scenario, overrides={**overrides, name: v})
                              for v in chosen_values]
    results = []
    with progress(len(chosen_values) + 2, "参数扫描") as steps:
        steps.next("读取工作簿")
        book = read_workbook(workbook)
        prepared = prepare(book, resolve_years(book, years), cards[0].values())  # facts derived once
        for value, one in zip(chosen_values, cards):
            steps.next(f"评分：{name} = {value}")
            results.append(_evaluate(prepared, one, backend, cross_check))
        steps.next("写出结果")
        doc = sweep_table(name, chosen_values, results, scorecard_codes(*cards))
        png = _sweep_png(doc) if chart or (out and not no_charts) else None
        _write_sweep(doc, png, json_path, out, chart, sweep_json, write_sweep_xlsx)
    click.echo(render(doc))
    for label, path in (("JSON", json_path), ("Excel", out), ("图表", chart)):
        if path:
            click.echo(f"{label} 已写入 {path}")


def _sweep_png(doc: dict[str, Any]) -> bytes:
    from engine.output.charts import ChartFontError, sweep_chart

    try:
        return sweep_chart(doc)
    except ChartFontError as exc:
        raise click.ClickException(str(exc)) from exc


def _write_sweep(doc: dict[str, Any], png: bytes | None, json_path: Path | None, out: Path | None,
                 chart: Path | None, to_json: Any, to_xlsx: Any) -> None:
    if json_path:
        with atomic_path(json_path) as tmp:
            tmp.write_text(to_json(doc), encoding="utf-8")
    if out:
        with atomic_path(out) as tmp:
            to_xlsx(doc, tmp, png)
    if chart and png is not None:
        with atomic_path(chart) as tmp:
            tmp.write_bytes(png)
