"""Commands for the rule files themselves: `lint` (engine.rules.lint) and the `rules` catalogue
(engine.output.catalogue)."""
from __future__ import annotations

from pathlib import Path

import click

from engine.cli.common import EXIT_RULES, _parse_set, _scorecard_options, atomic_path, cli
from engine.rules.load import load_scorecard


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint(paths: tuple[Path, ...]) -> None:
    """检查规则与评分卡文件（默认 rules/ 和 scorecards/），逐条给出文件与行号；有错误时退出码 3。
    / Check rule and scorecard files (default rules/ and scorecards/); exit 3 on any error."""
    from engine.rules.lint import lint as run_lint

    findings = run_lint(list(paths) or None)
    for finding in findings:
        click.echo(finding.render())
    errors = sum(f.severity == "error" for f in findings)
    click.echo(f"{errors} 个错误，{len(findings) - errors} 条提示。/ {errors} errors, {len(findings) - errors} warnings.")
    if errors:
        raise click.exceptions.Exit(EXIT_RULES)


@cli.command()
@_scorecard_options
@click.option("--format", "fmt", type=click.Choice(["md", "xlsx"]), default="md", show_default=True,
              help="目录格式 / catalogue format")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（xlsx 必须给出）/ write to a file (required for xlsx)")
def rules(card: Path | None, scenario: Path | None, set_: tuple[str, ...], fmt: str, out: Path | None) -> None:
    """规则目录：每条规则的说明、中文条件、参数（取值、来源性质、含义）、后果代码与来源原文，按类别分组。
    The rule catalogue of a scorecard, generated from the rule files (Markdown or Excel)."""
    from engine.output.catalogue import markdown, write_xlsx

    scorecard = load_scorecard(card, scenario=scenario, overrides=_parse_set(set_))
    if fmt == "xlsx":
        if out is None:
            raise click.UsageError("--format xlsx 需要 -o 文件.xlsx / --format xlsx needs -o FILE.xlsx")
        with atomic_path(out) as tmp:
            write_xlsx(scorecard, tmp)
    elif out is not None:
        with atomic_path(out) as tmp:
            tmp.write_text(markdown(scorecard), encoding="utf-8")
    else:
        click.echo(markdown(scorecard), nl=False)
        return
    click.echo(f"规则目录已写入 {out}")
