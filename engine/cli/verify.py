"""`scorecard verify RESULTS.json WORKBOOK`: do stored results still hold (engine.output.verify)."""
from __future__ import annotations

from pathlib import Path

import click

from engine.cli.common import EXIT_INPUT, _parse_set, _scorecard_options, cli
from engine.cli.store import store_option, verify_store_command
from engine.rules.load import load_scorecard


@cli.command()
@click.argument("results", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("workbook", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_scorecard_options
@store_option
def verify(results: Path | None, workbook: Path | None, card: Path | None, scenario: Path | None,
           set_: tuple[str, ...], store_opt: str | None) -> None:
    """核对结果文件是否仍与工作簿、规则、评分卡一致：一致退出码 0，不一致 1，并指出哪个文件、工作表、参数和哪些干部的结果变了。
    / Recompute RESULTS from WORKBOOK and today's rules; exit 0 if everything matches, 1 if not.
    不给结果文件而给 --store：校验存储库的哈希链与各数据版本 / with --store and no RESULTS: check the history store's chain."""
    if results is None:
        return verify_store_command(store_opt)
    if workbook is None:
        raise click.UsageError("请给出 RESULTS.json WORKBOOK，或用 --store 校验存储库 / give RESULTS.json WORKBOOK, "
                               "or --store to check the history store")
    from engine.output.verify import load_results, verify as run_verify

    verdict = run_verify(load_results(results), workbook,
                         load_scorecard(card, scenario=scenario, overrides=_parse_set(set_)))
    click.echo("\n".join(verdict.lines))
    if not verdict.holds:
        raise click.exceptions.Exit(EXIT_INPUT)
