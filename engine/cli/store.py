"""The history-store commands (issue 11): import, history, runs, review, verify --store; and the store
half of `run --store` (called from engine/cli/commands.py)."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

import click

from engine.cli.common import _echo_err, _write_issue_file, atomic_path, cli
from engine.input.issues import InputError

STORE_HELP = ("存储库：SQLite 文件路径或 postgresql+psycopg://… 地址；默认 $SCORECARD_STORE，否则当前目录的 "
              "scorecard.db / the store: a SQLite file or a postgresql+psycopg:// URL")
BY_HELP = "操作人（默认为当前系统用户）/ who did it (default: the OS user)"
MAX_DIFF_LINES = 200

store_option = click.option("--store", "store_opt", metavar="PATH|URL", default=None, help=STORE_HELP)

def store_errors(func: Callable) -> Callable:
    """A store the user can fix (path, URL, conflict) is a usage error (exit 2), never a trace."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import OperationalError

        from engine.store.db import StoreError
        try:
            return func(*args, **kwargs)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        except OperationalError as exc:
            raise click.ClickException(f"无法打开存储库 / cannot open the store: {exc.orig}") from exc
    return wrapper


def _open(store_opt: str | None, *, create: bool):
    from engine.store import open_store
    return open_store(store_opt, create=create)


def _read(workbook: Path, lenient: bool, lang: str):
    """Read with the same rules and messages as `validate`; on errors list them and stop (exit 1)."""
    from engine.input.workbook import format_issues, read_workbook
    try:
        return read_workbook(workbook, lenient=lenient)
    except InputError as exc:
        _echo_err(format_issues(exc.issues, lang))
        _echo_err("输入数据有问题，未写入存储库。" if lang == "zh" else "input problems: nothing stored.")
        _write_issue_file(exc.issues, workbook, lang)
        exc.shown = True
        raise


def _dataset_label(name: str) -> str:
    return "不分年度数据" if name == "-" else f"{name} 年度"


# ------------------------------------------------------------------ import
@cli.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", "years", type=int, multiple=True, help="只导入这些年度 / import only these years")
@click.option("--note", default="", help="备注 / a note kept with the import")
@click.option("--replace", is_flag=True, help="确认用新版本替换已存储的年度（旧版本保留）/ confirm a new version")
@click.option("--by", "by", default=None, help=BY_HELP)
@store_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh",
              help="问题清单的语言 / language of problem messages")
@store_errors
def import_(workbook: Path, years: tuple[int, ...], note: str, replace: bool, by: str | None,
            store_opt: str | None, lang: str) -> None:
    """导入工作簿到存储库（每个年度一个版本）/ Validate WORKBOOK and store the years it holds."""
    from engine.store.chain import os_user
    from engine.store.imports import commit_import, describe_change, plan_import

    book = _read(workbook, lenient=False, lang=lang)
    store = _open(store_opt, create=True)
    plan = plan_import(store, book, list(years) or None)
    for d in plan.datasets:
        label = _dataset_label(d.new.name)
        rows = sum(d.new.counts().values())
        if d.status == "new":
            click.echo(f"{label}：新导入，第 1 版（{rows} 行）")
        elif d.status == "same":
            click.echo(f"{label}：与已存储的第 {d.base['version']} 版相同，不新建版本")
        else:
            added = sum(c["change"] == "added" for c in d.changes)
            removed = sum(c["change"] == "removed" for c in d.changes)
            changed = sum(c["change"] == "changed" for c in d.changes)
            verb = "补充" if d.status == "extended" else "不同于"
            click.echo(f"{label}：{verb}已存储的第 {d.base['version']} 版（新版本为第 {d.version} 版）："
                       f"新增 {added} 行，删除 {removed} 行，修改 {changed} 处")
            for change in d.changes[:MAX_DIFF_LINES]:
                click.echo(describe_change(change))
            if len(d.changes) > MAX_DIFF_LINES:
                click.echo(f"  …… 另有 {len(d.changes) - MAX_DIFF_LINES} 处差异")
    pending = plan.needs_replace()
    if pending and not replace:
        names = "、".join(_dataset_label(d.new.name) for d in pending)
        _echo_err(f"{names}已存储；如确认以本文件为新版本（旧版本保留），请加 --replace 重新执行。未写入任何数据。"
                  f" / already stored: re-run with --replace to store a new version (nothing written).")
        raise click.exceptions.Exit(2)
    if not plan.to_store():
        click.echo("没有需要写入的新数据。/ nothing new to store.")
        return
    seq, stored = commit_import(store, plan, by=by or os_user(), note=note)
    parts = "、".join(f"{_dataset_label(d.new.name)}第 {d.version} 版" for d in stored)
    click.echo(f"已导入 {store.name}：{parts}（日志第 {seq} 条）")


# ------------------------------------------------------------------ history, runs
@cli.command()
@click.option("--year", type=int, default=None, help="只看这个年度 / only this year")
@store_option
@store_errors
def history(year: int | None, store_opt: str | None) -> None:
    """列出导入记录：版本、时间、导入人、文件、sha256、行数、备注 / list the imports."""
    from engine.store.imports import history as import_history

    store = _open(store_opt, create=False)
    lines = import_history(store, year)
    if not lines:
        click.echo("没有导入记录。/ no imports.")
        return
    click.echo("日志  年度    版本  时间                       导入人      文件                  sha256        行数  备注")
    for h in lines:
        rows = h.get("rows") or {}
        total = sum(rows.values())
        roster = rows.get("roster")
        count = f"{total}" + (f"（名册 {roster}）" if roster is not None else "")
        click.echo(f"{h['seq']:<5} {_dataset_label(h['dataset']) if h['dataset'] else '（无变化）':<8} "
                   f"{'第' + str(h['version']) + '版' if h['version'] else '':<5} {h['at']:<26} {h['by']:<10} "
                   f"{h['file']:<20} {h['sha256'][:12]}  {count}  {h['note']}")


@cli.command()
@store_option
@store_errors
def runs(store_opt: str | None) -> None:
    """列出运行记录：编号、时间、评分卡与情景、所用版本、输出文件 / list the recorded runs."""
    from engine.store.runs import list_runs

    store = _open(store_opt, create=False)
    entries = list_runs(store)
    if not entries:
        click.echo("没有运行记录。/ no runs.")
        return
    for e in entries:
        b = e["body"]
        used = "、".join(f"{v['year'] if v['year'] is not None else '不分年度'}"
                        + (f" 第{v['version']}版" if v["version"] else f"（{v['source']}）")
                        for v in b["store"]["versions_used"])
        click.echo(f"#{e['seq']} {e['at']} {e['actor']} 评分卡 {b['scorecard']}"
                   f"{' 情景 ' + b['scenario'] if b['scenario'] else ''} 年度 {'、'.join(map(str, b['years']))}；"
                   f"所用版本 {used}；规则指纹 {b['rules_fingerprint'][:12]} 输入指纹 {b['input_fingerprint'][:12]}；"
                   f"报告 {b['outputs'].get('report')} JSON {b['outputs'].get('json')}")


# ------------------------------------------------------------------ verify --store
def verify_store_command(store_opt: str | None) -> None:
    """`scorecard verify --store S` (the command lives in engine/cli/verify.py): walk the chain, recompute
    every stored version's hash, name the first entry that no longer matches (exit 1)."""
    _verify_store_command(store_opt)


@store_errors
def _verify_store_command(store_opt: str | None) -> None:
    from engine.store.verify import verify_store

    store = _open(store_opt, create=False)
    report = verify_store(store)
    if report.ok:
        click.echo(f"存储库 {store.name} 完整：{report.entries} 条日志、{report.versions} 个数据版本均与记录一致；"
                   f"链头 {report.head}")
        return
    _echo_err(f"存储库 {store.name} 已被改动：{len(report.problems)} 处不一致。首个不一致：{report.first_bad.line()}")
    for problem in report.problems[1:]:
        _echo_err(f"  {problem.line()}")
    raise click.exceptions.Exit(1)


# ------------------------------------------------------------------ review
@cli.command()
@click.argument("target")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="复核意见.xlsx（“复核意见”工作表）/ the decisions workbook")
@click.option("--year", type=int, default=None, help="考核年度 / assessment year")
@click.option("--leader", default=None, help="干部编号 / leader id")
@click.option("--code", default=None, help="后果代码 / consequence code")
@click.option("--decision", type=click.Choice(["确认", "撤销"]), default=None, help="结论：确认 或 撤销 / decision")
@click.option("--reason", default=None, help="理由（必填）/ reason (required)")
@click.option("--reviewer", default=None, help="复核人（必填）/ reviewer (required)")
@click.option("--date", default=None, help="复核日期，默认今天 / date, default today")
@click.option("--by", "by", default=None, help=BY_HELP)
@store_option
@store_errors
def review(target: str, file: Path | None, year: int | None, leader: str | None, code: str | None,
           decision: str | None, reason: str | None, reviewer: str | None, date: str | None, by: str | None,
           store_opt: str | None) -> None:
    """记录复核意见（确认 / 撤销）。TARGET 为运行编号（或 latest）或工作簿 / record reviewed decisions
    about the consequences of TARGET: a run number (or latest) or a workbook."""
    import datetime as dt

    from engine.input.workbook import format_issues
    from engine.store import review as rv
    from engine.store.chain import os_user

    store = _open(store_opt, create=False)
    fired, on = _review_target(store, target)
    if file is not None:
        decisions, problems = rv.read_review_file(file)
    elif code or leader or decision:
        one, problems = rv.check_decision({"year": year, "leader_id": leader, "code": code, "decision": decision,
                                           "reason": reason, "reviewer": reviewer,
                                           "date": date or dt.date.today().isoformat()})
        decisions = [] if problems else [one]
    else:
        raise click.UsageError("give --file 复核意见.xlsx, or --year --leader --code --decision --reason --reviewer")
    if problems:
        _echo_err(format_issues(problems))
        _echo_err("复核意见有误，未记录任何意见。/ problems in the decisions: nothing recorded.")
        raise click.exceptions.Exit(1)
    flags = rv.not_fired(decisions, fired)
    if flags:
        _echo_err(format_issues(flags))
    seqs = rv.record(store, decisions, target=on, fired=fired, by=by or os_user())
    counts = {d: sum(x["decision"] == d for x in decisions) for d in rv.DECISIONS}
    where = f"日志第 {seqs[0]}–{seqs[-1]} 条" if len(seqs) > 1 else f"日志第 {seqs[0]} 条" if seqs else "无"
    click.echo(f"已记录 {len(seqs)} 条复核意见（确认 {counts['确认']}，撤销 {counts['撤销']}；{where}）"
               + (f"；其中 {len(flags)} 条针对未触发的后果，已标记" if flags else ""))


def _review_target(store: Any, target: str) -> tuple[set[tuple[int, str, str]], dict[str, Any]]:
    """What the decisions are about: a recorded run, or a workbook scored now (earlier years from the store)."""
    from engine.store.runs import get_run

    path = Path(target)
    if path.is_file():
        from engine.evaluation.scoring import score
        from engine.rules.load import load_scorecard
        from engine.store.runs import fired as fired_of
        from engine.store.runs import store_workbook

        book = _read(path, lenient=False, lang="zh")
        merged, years, _ = store_workbook(store, None, book)
        result = score(merged, load_scorecard(), years=years)
        return {tuple(f) for f in fired_of(result)}, {"workbook": path.name, "sha256": book.fingerprint}
    if target != "latest" and not target.lstrip("#").isdigit():
        raise click.UsageError(f"{target}: not a workbook, a run number or 'latest'")
    run = get_run(store, None if target == "latest" else int(target.lstrip("#")))
    return {tuple(f) for f in run["body"]["fired"]}, {"run": run["seq"]}


# ------------------------------------------------------------------ run --store
def run_from_store(store_opt: str | None, workbook: Path | None, years: tuple[int, ...], scorecard: Any,
                   out: Path | None, json_path: Path | None, lenient: bool, lang: str) -> None:
    """`scorecard run [NEW.xlsx] --store S`: the new year from the workbook (if any), the earlier years of
    the windows from the store; the run is recorded in the store's log."""
    _run_from_store(store_opt, workbook, years, scorecard, out, json_path, lenient, lang)


@store_errors
def _run_from_store(store_opt: str | None, workbook: Path | None, years: tuple[int, ...], scorecard: Any,
                    out: Path | None, json_path: Path | None, lenient: bool, lang: str) -> None:
    from engine.evaluation.scoring import score, to_json
    from engine.output.report import write_report
    from engine.store import chain
    from engine.store.review import decisions_for, review_view
    from engine.store.runs import run_body, store_workbook

    store = _open(store_opt, create=False)
    book = _read(workbook, lenient, lang) if workbook is not None else None
    merged, chosen, info = store_workbook(store, list(years) or None, book)
    result = score(merged, scorecard, years=chosen)
    result.store = info
    tag = "、".join(map(str, result.years)) if len(result.years) > 1 else str(result.years[0])
    folder = workbook.parent if workbook is not None else Path.cwd()
    stem = workbook.stem if workbook is not None else "scorecard"
    out = out or folder / f"{stem}_{tag}_评分结果.xlsx"
    json_path = json_path or folder / f"{stem}_{tag}_results.json"
    view = review_view(decisions_for(store, result.years), result)
    text = to_json(result)
    with store.engine.begin() as conn:   # the run is logged only if both outputs were written
        seq, _ = chain.append(conn, "run", chain.os_user(), run_body(
            result, {"report": str(out), "json": str(json_path)}, text))
        with atomic_path(json_path) as tmp_json, atomic_path(out) as tmp_xlsx:
            tmp_json.write_text(text, encoding="utf-8")
            write_report(result, tmp_xlsx, review=view)
    used = "、".join(f"{v['year'] if v['year'] is not None else '不分年度'}"
                    + (f" 第{v['version']}版" if v["version"] else f"（{v['source']}）") for v in info["versions_used"])
    fired = sum(len(r.consequences) for r in result.results)
    notes = sum(1 for i in result.input_issues if i.severity == "note")
    click.echo(f"{len(result.results)} 名干部·年度，{fired} 项后果，{notes} 条数据提示；所用数据版本：{used}；"
               f"链头 {info['chain_head'][:16]}…；运行记录 #{seq}；报告 {out}；JSON {json_path}")
