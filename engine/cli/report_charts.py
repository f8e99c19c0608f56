"""The report's charts for `run`: drawn once, embedded in the xlsx and written as PNG beside it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from engine.cli.common import atomic_path


def report_charts_or_fail(result: Any) -> list[Any]:
    from engine.output.charts import ChartFontError, report_charts

    try:
        return report_charts(result)
    except ChartFontError as exc:
        raise click.ClickException(str(exc)) from exc


def chart_path(out: Path, key: str) -> Path:
    return out.with_name(f"{out.stem}_{key}.png")


def write_chart_files(charts: list[Any], out: Path) -> list[Path]:
    paths = []
    for chart in charts:
        path = chart_path(out, chart.key)
        with atomic_path(path) as tmp:
            tmp.write_bytes(chart.png)
        paths.append(path)
    return paths
