"""`scorecard lint`: check rule and scorecard files the way an auditor would (engine.rules.lint)."""
from __future__ import annotations

from pathlib import Path

import click

from engine.cli.common import EXIT_RULES, cli


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint(paths: tuple[Path, ...]) -> None:
    """检查规则与评分卡文件（默认 rules/ 和 scorecards/），逐条给出文件与行号；有错误时退出码 3。
    Check rule and scorecard files (default rules/ and scorecards/); exit 3 on any error."""
    from engine.rules.lint import lint as run_lint

    findings = run_lint(list(paths) or None)
    for finding in findings:
        click.echo(finding.render())
    errors = sum(f.severity == "error" for f in findings)
    click.echo(f"{errors} 个错误，{len(findings) - errors} 条提示。/ {errors} errors, {len(findings) - errors} warnings.")
    if errors:
        raise click.exceptions.Exit(EXIT_RULES)
