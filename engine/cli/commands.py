"""The scoring commands: run, validate, diff, sweep, template, explain, facts, rules, schema."""
from __future__ import annotations

import json
from pathlib import Path

import click

from engine.cli.backends import _backend_options, _score_checked
from engine.cli.common import (_echo_err, _parse_set, _scorecard_options, _write_issue_file, atomic_path, cli)
from engine.input.issues import InputError
from engine.rules.load import load_scorecard


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", "years", type=int, multiple=True, help="assessment year(s); default: the latest")
@_scorecard_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Excel report path")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="JSON results path")
@click.option("--lenient", is_flag=True, help="skip bad rows (listed in the report) instead of stopping")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="language of problem messages")
@_backend_options
@click.option("--json-only", "--no-report", "json_only", is_flag=True,
              help="write the JSON results only, no Excel report (batch use)")
def run(workbook: Path, years: tuple[int, ...], card: Path | None, scenario: Path | None, set_: tuple[str, ...],
        out: Path | None, json_path: Path | None, lenient: bool, lang: str, backend: str, cross_check: bool,
        json_only: bool) -> None:
    """Score WORKBOOK and write the Excel report and JSON results next to it."""
    from engine.output.report import write_report
    from engine.evaluation.scoring import write_json
    from engine.input.workbook import format_issues, read_workbook

    out = out or workbook.with_name(f"{workbook.stem}_评分结果.xlsx")
    json_path = json_path or workbook.with_name(f"{workbook.stem}_results.json")
    for target in (out, json_path):
        if target.resolve() == workbook.resolve():
            raise click.UsageError(f"output {target} would overwrite the input workbook")
    scorecard = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
    try:
        book = read_workbook(workbook, lenient=lenient)
        result = _score_checked(book, scorecard, list(years) or None, backend, cross_check)
    except InputError as exc:
        _echo_err(format_issues(exc.issues, lang))
        _echo_err("输入数据有问题，未生成报告。" if lang == "zh" else "input problems: no report written.")
        _write_issue_file(exc.issues, workbook, lang)
        _warn_stale(out, json_path, lang)
        exc.shown = True
        raise
    if json_only:
        with atomic_path(json_path) as tmp_json:
            write_json(result, tmp_json)
    else:
        with atomic_path(json_path) as tmp_json, atomic_path(out) as tmp_xlsx:
            write_json(result, tmp_json)
            write_report(result, tmp_xlsx)
    notes = sum(1 for i in result.input_issues if i.severity == "note")
    errors = sum(1 for i in result.input_issues if i.severity == "error")
    skipped = sum(len(rows) for rows in book.skipped_rows.values())
    fired = sum(len(r.consequences) for r in result.results)
    lenient_part = f"{errors} 个错误（宽松模式跳过 {skipped} 行，见报告“数据问题”），" if errors or skipped else ""
    report_part = "未生成报告（--json-only）" if json_only else f"报告 {out}"
    click.echo(f"{len(result.results)} 名干部·年度，{fired} 项后果，{lenient_part}{notes} 条数据提示；"
               f"{report_part}；JSON {json_path}")


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the problem list as JSON on standard output")
@click.option("--lenient", is_flag=True, help="report what --lenient would skip (exit 0 if nothing else is wrong)")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def validate(workbook: Path, as_json: bool, lenient: bool, lang: str) -> None:
    """Check WORKBOOK only: list every problem and note; write 数据问题.xlsx beside it if any."""
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


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", "years", type=int, multiple=True)
@_scorecard_options
def diff(workbook: Path, years: tuple[int, ...], card: Path | None, scenario: Path | None,
         set_: tuple[str, ...]) -> None:
    """Who flips: the scorecard's defaults against a scenario and/or --set overrides."""
    from engine.output.compare import flips, render_flips
    from engine.evaluation.scoring import score
    from engine.input.workbook import read_workbook

    if not scenario and not set_:
        raise click.UsageError("give --scenario and/or --set to compare against the defaults")
    book = read_workbook(workbook)
    base = score(book, load_scorecard(card), years=list(years) or None)
    other = score(book, load_scorecard(card, scenario=scenario, overrides=_parse_set(set_)),
                  years=list(years) or None)
    click.echo(render_flips(flips(base, other)))


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("name")
@click.argument("values", nargs=-1, required=True)
@click.option("--year", "years", type=int, multiple=True)
@click.option("--card", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
def sweep(workbook: Path, name: str, values: tuple[str, ...], years: tuple[int, ...], card: Path | None) -> None:
    """Leaders per consequence for each value of one parameter, e.g. sweep wb.xlsx card.disqualify_awards 3 4 5."""
    from engine.output.compare import counts, render_sweep
    from engine.evaluation.scoring import score
    from engine.input.workbook import read_workbook

    book = read_workbook(workbook)
    table = []
    for raw in values:
        value = _parse_set((f"{name}={raw}",))[name]
        result = score(book, load_scorecard(card, overrides={name: value}), years=list(years) or None)
        table.append((value, counts(result)))
    click.echo(render_sweep(name, table))


def _warn_stale(out: Path, json_path: Path, lang: str) -> None:
    # A report from an earlier run may still sit beside the workbook; it is not this run's.
    for old in (p for p in (out, json_path) if p.exists()):
        _echo_err(f"注意：{old} 是以前运行的结果，不是本次结果。" if lang == "zh"
                  else f"note: {old} is from an earlier run, not this one.")


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def template(out: Path) -> None:
    """Write a blank input workbook with every sheet, a 说明 sheet and drop-downs."""
    from engine.input.template import write_template

    with atomic_path(out) as tmp:
        write_template(tmp)
    click.echo(f"模板已写入 {out}")


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--leader", "leader_ids", multiple=True,
              help="leader id (any case) or name; default: every leader with a consequence or a 未评估 note")
@click.option("--all", "everyone", is_flag=True, help="every leader-year (for --out: one page each)")
@click.option("--year", "years", type=int, multiple=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="write the 个人评分表 (one printable page per leader-year) to this .xlsx")
@click.option("--pdf", is_flag=True, help="with --out: also write a PDF beside it (needs LibreOffice)")
@_scorecard_options
def explain(workbook: Path, leader_ids: tuple[str, ...], everyone: bool, years: tuple[int, ...], out: Path | None,
            pdf: bool, card: Path | None, scenario: Path | None, set_: tuple[str, ...]) -> None:
    """Explain, per leader, which rules fired, on which facts and numbers, from which source."""
    from engine.output.explain import AmbiguousLeader, explain_leader, select_leaders
    from engine.evaluation.scoring import score_workbook

    if pdf and not out:
        raise click.UsageError("--pdf needs --out FILE.xlsx")
    if out and out.resolve() == workbook.resolve():
        raise click.UsageError(f"output {out} would overwrite the input workbook")
    scorecard = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
    result = score_workbook(workbook, scorecard=scorecard, years=list(years) or None)
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
    """Print the facts catalogue: every fact a rule may read, and how it is derived."""
    from engine.output.explain import fact_catalogue

    click.echo(fact_catalogue())


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="folder for the JSON Schemas (default rules/schema)")
def schema(out: Path | None) -> None:
    """Write JSON Schemas for rule, scorecard, scenario and results files (for editors)."""
    from engine.output.schemas import write_schemas

    for path in write_schemas(out):
        click.echo(str(path))
