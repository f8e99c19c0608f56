"""The scoring commands: run, validate, template, explain, facts, rules, schema (diff and sweep: analysis)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from engine.cli import outputs
from engine.cli.backends import _backend_options, _score_checked
from engine.cli.common import (_echo_err, _parse_set, _scorecard_options, _write_issue_file, atomic_path, cli)
from engine.cli.progress import progress
from engine.cli.report_charts import report_charts_or_fail, write_chart_files
from engine.cli.years import resolve_years, year_option
from engine.cli.store import run_from_store, store_option
from engine.input.issues import InputError
from engine.rules.load import load_scorecard


WORKBOOK_ARG = click.Path(exists=True, dir_okay=False, path_type=Path)
LANG_HELP = "提示信息与汇总行的语言 / language of messages and of the summary line"


@cli.command()
@click.argument("workbook", required=False, type=WORKBOOK_ARG)
@year_option
@_scorecard_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Excel 报告路径（.xlsx）；只给 --out 时 JSON 写在它旁边（同名 .json）/ "
                   "Excel report path (.xlsx); alone, the JSON goes beside it (same name, .json)")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON 结果路径（.json）；只给 --json 时报告写在它旁边（同名 .xlsx）/ "
                   "JSON results path (.json); alone, the report goes beside it (same name, .xlsx)")
@click.option("--lenient", is_flag=True,
              help="宽松模式：跳过有问题的行（在报告中逐行列出），不中止 / skip bad rows (listed in the report) "
                   "instead of stopping")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help=LANG_HELP)
@_backend_options
@click.option("--json-only", "--no-report", "json_only", is_flag=True,
              help="只写 JSON 结果，不生成 Excel 报告（批量使用）/ write the JSON results only, no Excel report "
                   "(batch use)")
@click.option("--no-charts", is_flag=True, help="报告不带图表，也不在旁边写 PNG / no charts in the report and no "
                                                "PNG files beside it")
@store_option
def run(workbook: Path | None, years: tuple[Any, ...], card: Path | None, scenario: Path | None, set_: tuple[str, ...],
        out: Path | None, json_path: Path | None, lenient: bool, lang: str, backend: str, cross_check: bool,
        json_only: bool, no_charts: bool, store_opt: str | None) -> None:
    """计分：在工作簿旁写出 Excel 报告和 JSON 结果（文件名含年度与情景）。/ Score WORKBOOK and write the Excel
    report and JSON results next to it (names carry the year(s) and scenario)."""
    if store_opt is not None or workbook is None:   # the history store (engine/cli/store.py)
        scorecard = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
        wanted = tuple(int(y) for y in years if str(y).isdigit())
        return run_from_store(store_opt, workbook, wanted, scorecard, out, json_path, lenient, lang)
    from engine.output.report import write_report
    from engine.evaluation.scoring import write_json
    from engine.input.workbook import format_issues, read_workbook

    out, json_path = outputs.explicit_targets(workbook, out, json_path)
    overrides = _parse_set(set_)
    scorecard = load_scorecard(card, scenario=scenario, overrides=overrides)
    no_charts = no_charts or json_only
    with progress(3 if no_charts else 4, "评分") as steps:
        try:
            steps.next("读取工作簿")
            book = read_workbook(workbook, lenient=lenient)
            steps.next("评分")
            result = _score_checked(book, scorecard, resolve_years(book, years), backend, cross_check)
        except InputError as exc:
            _echo_err(format_issues(exc.issues, lang))
            _echo_err("输入数据有问题，未生成报告。" if lang == "zh" else "input problems: no report written.")
            _write_issue_file(exc.issues, workbook, lang)
            _warn_stale(outputs.earlier_outputs(workbook, out, json_path), lang)
            exc.shown = True
            raise
        if not no_charts:
            steps.next("绘制图表")
        charts = [] if no_charts else report_charts_or_fail(result)
        steps.next("写出结果")
        tag = outputs.run_tag(result.years, scorecard.scenario.id if scorecard.scenario else None, overrides)
        out = None if json_only else out or outputs.default_report(workbook, tag)
        json_path = json_path or outputs.default_json(workbook, tag)
        replaced = [p for p in (out, json_path) if p is not None and p.exists()]
        if out is None:
            with atomic_path(json_path) as tmp_json:
                write_json(result, tmp_json)
        else:
            with atomic_path(json_path) as tmp_json, atomic_path(out) as tmp_xlsx:
                write_json(result, tmp_json)
                write_report(result, tmp_xlsx, charts=charts)
        chart_files = write_chart_files(charts, out) if out is not None else []
    click.echo(outputs.summary_line(result, book, scorecard, overrides, out, json_path, lang))
    if chart_files:
        click.echo(f"图表 {len(chart_files)} 张：{out.stem}_*.png（已嵌入报告“图表”工作表）" if lang == "zh" else
                   f"{len(chart_files)} charts: {out.stem}_*.png (also in the report's 图表 sheet)")
    for old in replaced:
        click.echo(f"（已替换同名的旧文件 {old}）" if lang == "zh" else f"(replaced the earlier file {old})")
    stale = outputs.remove_stale_issue_file(workbook)
    if stale:
        click.echo(f"已删除以前运行留下的 {stale}（本次的数据问题见报告“数据问题”工作表）" if lang == "zh" else
                   f"removed {stale} left by an earlier run (this run's data problems are in the report's "
                   "数据问题 sheet)")


@cli.command()
@click.argument("workbook", type=WORKBOOK_ARG)
@click.option("--json", "as_json", is_flag=True, help="在标准输出打印 JSON 格式的问题清单 / print the problem list "
                                                       "as JSON on standard output")
@click.option("--lenient", is_flag=True, help="按宽松模式检查：列出将被跳过的行（没有其他问题时退出码为 0）/ report "
                                              "what --lenient would skip (exit 0 if nothing else is wrong)")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help=LANG_HELP)
def validate(workbook: Path, as_json: bool, lenient: bool, lang: str) -> None:
    """只检查输入：列出全部问题与提示，有问题时在旁边写 数据问题.xlsx。/ Check WORKBOOK only: list every problem
    and note; write 数据问题.xlsx beside it if any."""
    from engine.input.workbook import format_issues, read_workbook

    try:
        issues = read_workbook(workbook, lenient=lenient).issues
        failed = None
    except InputError as exc:
        issues, failed = exc.issues, exc
    if as_json:
        click.echo(json.dumps([i.model_dump(mode="json") for i in issues], ensure_ascii=False, indent=2))
    elif issues:
        click.echo(format_issues(issues, lang))
    else:
        click.echo("未发现问题。/ No problems found.")
    if issues:
        _write_issue_file(issues, workbook, lang)
    if failed:
        failed.shown = True
        raise failed


def _warn_stale(earlier: list[Path], lang: str) -> None:
    # A report from an earlier run may still sit beside the workbook; it is not this run's.
    for old in earlier:
        _echo_err(f"注意：{old} 是以前运行的结果，不是本次结果。" if lang == "zh"
                  else f"note: {old} is from an earlier run, not this one.")


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--card", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="评分卡文件，其扣分事项目录用作下拉列表（默认 scorecards/county.yaml）/ scorecard whose "
                   "deduction-item catalogue fills the drop-down (default scorecards/county.yaml)")
@click.option("--force", is_flag=True, help="覆盖已有的文件（其中的数据会丢失）/ overwrite an existing file "
                                            "(its data is lost)")
def template(out: Path, card: Path | None, force: bool) -> None:
    """生成空白录入模板：全部工作表、说明页、下拉框。/ Write a blank input workbook with every sheet,
    a 说明 (guide) sheet and drop-downs."""
    from engine.input.template import write_template

    outputs.require_xlsx(out, "OUT")
    if out.exists() and not force:
        raise click.UsageError(f"{out} 已存在，不会用空白模板覆盖它（其中的数据会丢失）；请换一个文件名，"
                               f"或加 --force 覆盖 / {out} exists: a blank template would replace it and its "
                               "data; choose another name, or add --force to overwrite")
    scorecard = load_scorecard(card) if card else None
    with atomic_path(out) as tmp:
        write_template(tmp, scorecard)
    click.echo(f"模板已写入 {out} / template written to {out}")


@cli.command()
@click.argument("workbook", type=WORKBOOK_ARG)
@click.option("--leader", "leader_ids", multiple=True,
              help="干部编号（不分大小写）或姓名，可重复；默认为所有有后果或“未评估”条目的干部 / leader id (any case) "
                   "or name; default: every leader with a consequence or a 未评估 note")
@click.option("--all", "everyone", is_flag=True, help="所有干部·年度（配合 --out：每人一页）/ every leader-year "
                                                      "(for --out: one page each)")
@year_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="把个人评分表（每名干部·年度一页，可打印）写入此 .xlsx / write the 个人评分表 (one printable page "
                   "per leader-year) to this .xlsx")
@click.option("--pdf", is_flag=True, help="配合 --out：另在旁边写一份 PDF（需要 LibreOffice）/ with --out: also write "
                                          "a PDF beside it (needs LibreOffice)")
@_scorecard_options
def explain(workbook: Path, leader_ids: tuple[str, ...], everyone: bool, years: tuple[Any, ...], out: Path | None,
            pdf: bool, card: Path | None, scenario: Path | None, set_: tuple[str, ...]) -> None:
    """逐人说明：哪条规则、依据哪些事实和数值、来源原文。/ Explain, per leader, which rules fired, on which facts
    and numbers, from which source."""
    from engine.output.explain import AmbiguousLeader, explain_leader, select_leaders
    from engine.evaluation.scoring import score
    from engine.input.workbook import read_workbook

    if pdf and not out:
        raise click.UsageError("--pdf 需要同时给出 --out 文件.xlsx / --pdf needs --out FILE.xlsx")
    if out and out.resolve() == workbook.resolve():
        raise click.UsageError(f"输出 {out} 会覆盖输入工作簿 / output {out} would overwrite the input workbook")
    scorecard = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
    with progress(2, "解释") as steps:
        steps.next("读取工作簿")
        book = read_workbook(workbook)
        steps.next("评分")
        result = score(book, scorecard, years=resolve_years(book, years))
    try:
        chosen = select_leaders(result, leader_ids, everyone)
    except AmbiguousLeader as exc:
        raise click.UsageError(str(exc)) from exc
    if out is None:
        click.echo("\n\n".join(explain_leader(result, r) for r in chosen))
        return
    _write_personal(result, chosen, out, pdf)


def _write_personal(result, chosen: list, out: Path, pdf: bool) -> None:
    from engine.output.pdf import NoConverter, to_pdf
    from engine.output.personal import write_personal

    with atomic_path(out) as tmp:
        write_personal(result, chosen, tmp)
    click.echo(f"个人评分表 {len(chosen)} 页已写入 {out}")
    if pdf:
        target = out.with_suffix(".pdf")
        try:
            with atomic_path(target) as tmp:
                to_pdf(out, tmp)
        except NoConverter as exc:
            _echo_err(str(exc))
            return
        click.echo(f"PDF 已写入 {target}")


@cli.command()
def facts() -> None:
    """事实目录：规则可以读取的每个事实及其计算方法。/ Print the facts catalogue: every fact a rule may read, and
    how it is derived."""
    from engine.output.explain import fact_catalogue

    click.echo(fact_catalogue())


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="JSON Schema 的输出文件夹（默认 rules/schema）/ folder for the JSON Schemas (default rules/schema)")
def schema(out: Path | None) -> None:
    """为编辑器生成规则、评分卡、情景与结果文件的 JSON Schema。/ Write JSON Schemas for rule, scorecard, scenario
    and results files (for editors)."""
    from engine.output.schemas import write_schemas

    for path in write_schemas(out):
        click.echo(str(path))
