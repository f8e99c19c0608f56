"""The `scorecard` command: a thin layer over engine.evaluation.scoring, engine.output.report and friends.

Exit codes (README): 0 done, 1 input problems, 2 usage, 3 rule-file problems,
4 internal error (trace in a log file, not on screen). click is used for the
command tree and its help, typed options and usage errors.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import click
import yaml

from engine.input.issues import InputError
from engine.rules.load import DEFAULT_SCORECARD, RuleFileError, load_scorecard, safe_yaml
from engine.evaluation.scoring import YearNotInWorkbook

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_RULES, EXIT_INTERNAL = 0, 1, 2, 3, 4


# ---------------------------------------------------------------- output helpers
@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside target; rename into place only if the block succeeds."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise OutputError(target, exc) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; colleagues on a share must read it
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except OSError as exc:
        raise OutputError(target, exc) from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class OutputError(Exception):
    """An output cannot be written where it was asked to go: the user's to fix, not a bug."""

    def __init__(self, target: Path, exc: OSError):
        self.target = target
        super().__init__(f"无法写入 {target}：{exc.strerror or exc} / cannot write {target}: {exc.strerror or exc}")


def _write_issue_file(issues: list, workbook: Path, lang: str) -> None:
    """The 数据问题.xlsx beside the input; if that folder is read-only, say so and go on."""
    from engine.input.workbook import write_issues_xlsx

    issues_path = workbook.with_name(f"{workbook.stem}_数据问题.xlsx")
    try:
        with atomic_path(issues_path) as tmp:
            write_issues_xlsx(issues, tmp)
    except OutputError as exc:
        _echo_err(f"（问题清单未能写入文件：{exc}）" if lang == "zh" else f"(problem list not written: {exc})")
        return
    _echo_err(f"问题清单已写入 {issues_path}" if lang == "zh" else f"the problem list is in {issues_path}")


def _parse_set(values: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE, e.g. card.disqualify_awards=5", param_hint="--set")
        name, raw = item.split("=", 1)
        try:
            value = safe_yaml(raw)
        except yaml.YAMLError as exc:
            raise click.BadParameter(f"{item!r}: value is not a number, list or true/false ({exc})",
                                     param_hint="--set") from exc
        overrides[name.strip()] = _number_or(value)
    return overrides


def _number_or(value: Any) -> Any:
    # YAML 1.1 reads 1e16 (no decimal point) as text; a user typing it means the number.
    if isinstance(value, str):
        try:
            return float(value) if any(c.isdigit() for c in value) else value
        except ValueError:
            return value
    return value


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


# ---------------------------------------------------------------- commands
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scorecard")
def cli() -> None:
    """监督“一把手”年度考核计分规则引擎 / supervision scorecard rule engine."""


def _scorecard_options(func: Callable) -> Callable:
    func = click.option("--set", "set_", multiple=True, metavar="NAME=VALUE",
                        help="override a parameter, e.g. --set card.disqualify_awards=5")(func)
    func = click.option("--scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="scenario file (scorecards/scenarios/*.yaml)")(func)
    func = click.option("--card", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        default=None, help=f"scorecard file (default {DEFAULT_SCORECARD.name})")(func)
    return func


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", "years", type=int, multiple=True, help="assessment year(s); default: the latest")
@_scorecard_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Excel report path")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="JSON results path")
@click.option("--lenient", is_flag=True, help="skip bad rows (listed in the report) instead of stopping")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="language of problem messages")
def run(workbook: Path, years: tuple[int, ...], card: Path | None, scenario: Path | None, set_: tuple[str, ...],
        out: Path | None, json_path: Path | None, lenient: bool, lang: str) -> None:
    """Score WORKBOOK and write the Excel report and JSON results next to it."""
    from engine.output.report import write_report
    from engine.evaluation.scoring import score, to_json
    from engine.input.workbook import format_issues, read_workbook

    out = out or workbook.with_name(f"{workbook.stem}_评分结果.xlsx")
    json_path = json_path or workbook.with_name(f"{workbook.stem}_results.json")
    for target in (out, json_path):
        if target.resolve() == workbook.resolve():
            raise click.UsageError(f"output {target} would overwrite the input workbook")
    scorecard = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
    try:
        book = read_workbook(workbook, lenient=lenient)
        result = score(book, scorecard, years=list(years) or None)
    except InputError as exc:
        _echo_err(format_issues(exc.issues, lang))
        _echo_err("输入数据有问题，未生成报告。" if lang == "zh" else "input problems: no report written.")
        _write_issue_file(exc.issues, workbook, lang)
        _warn_stale(out, json_path, lang)
        exc.shown = True
        raise
    with atomic_path(json_path) as tmp_json, atomic_path(out) as tmp_xlsx:
        tmp_json.write_text(to_json(result), encoding="utf-8")
        write_report(result, tmp_xlsx)
    notes = sum(1 for i in result.input_issues if i.severity == "note")
    errors = sum(1 for i in result.input_issues if i.severity == "error")
    skipped = sum(len(rows) for rows in book.skipped_rows.values())
    fired = sum(len(r.consequences) for r in result.results)
    lenient_part = f"{errors} 个错误（宽松模式跳过 {skipped} 行，见报告“数据问题”），" if errors or skipped else ""
    click.echo(f"{len(result.results)} 名干部·年度，{fired} 项后果，{lenient_part}{notes} 条数据提示；"
               f"报告 {out}；JSON {json_path}")


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
@click.option("--leader", "leader_ids", multiple=True, help="leader id(s); default: every leader with a consequence")
@click.option("--year", "years", type=int, multiple=True)
@_scorecard_options
def explain(workbook: Path, leader_ids: tuple[str, ...], years: tuple[int, ...], card: Path | None,
            scenario: Path | None, set_: tuple[str, ...]) -> None:
    """Explain, per leader, which rules fired, on which facts and numbers, from which source."""
    from engine.output.explain import explain_leader
    from engine.evaluation.scoring import score_workbook

    scorecard = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
    result = score_workbook(workbook, scorecard=scorecard, years=list(years) or None)
    chosen = [r for r in result.results
              if (r.leader_id in leader_ids) or (not leader_ids and (r.consequences or r.not_evaluated))]
    if leader_ids and not chosen:
        raise click.UsageError(f"no leader {', '.join(leader_ids)} in {result.years}")
    click.echo("\n\n".join(explain_leader(result, r) for r in chosen))


@cli.command()
def facts() -> None:
    """Print the facts catalogue: every fact a rule may read, and how it is derived."""
    from engine.output.explain import fact_catalogue

    click.echo(fact_catalogue())


@cli.command()
@_scorecard_options
def rules(card: Path | None, scenario: Path | None, set_: tuple[str, ...]) -> None:
    """Check and print the rule catalogue of a scorecard (generated from the rule files)."""
    from engine.output.explain import rule_catalogue

    click.echo(rule_catalogue(load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))))


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="folder for the JSON Schemas (default rules/schema)")
def schema(out: Path | None) -> None:
    """Write JSON Schemas for rule, scorecard, scenario and results files (for editors)."""
    from engine.output.schemas import write_schemas

    for path in write_schemas(out):
        click.echo(str(path))


# ---------------------------------------------------------------- entry point
def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="scorecard", standalone_mode=False)
        return EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        return EXIT_USAGE
    except InputError as exc:
        if not getattr(exc, "shown", False):  # explain, diff, sweep: list the problems too
            from engine.input.workbook import format_issues

            _echo_err(format_issues(exc.issues))
            _echo_err("输入数据有问题。/ input problems.")
        return EXIT_INPUT
    except OutputError as exc:
        _echo_err(str(exc))
        return EXIT_USAGE
    except YearNotInWorkbook as exc:
        _echo_err(f"用法错误 / usage: {exc}")
        return EXIT_USAGE
    except RuleFileError as exc:
        _echo_err(f"规则文件有误 / rule file problem: {exc}")
        return EXIT_RULES
    except Exception:  # the last resort: never a traceback on screen
        log = Path(tempfile.gettempdir()) / "scorecard-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        _echo_err(f"内部错误，请将 {log} 连同输入文件报告给维护者。/ internal error: please report {log}.")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
