"""`--year Y` (repeatable) or `--year all`: every year on the workbook's roster, each with its own windows."""
from __future__ import annotations

from typing import Any, Callable

import click


class YearParam(click.ParamType):
    name = "YEAR|all"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | str:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if text.lower() == "all":
            return "all"
        try:
            return int(text)
        except ValueError:
            self.fail(f"“{value}”不是有效的数字：应为年度（如 2025）或 all / {value!r} is not a valid "
                      f"year: expected e.g. 2025, or all", param, ctx)


def year_option(func: Callable) -> Callable:
    return click.option("--year", "years", type=YearParam(), multiple=True,
                        help="考核年度，可重复；all = 干部名册中的每个年度；默认为最新年度 / assessment year(s), "
                             "repeatable; all = every year on the roster; default: the latest")(func)


def resolve_years(workbook: Any, years: tuple[Any, ...]) -> list[int] | None:
    """The years to score: those given, every roster year for `all`, None (= the latest) for none."""
    if "all" not in years:
        return [int(y) for y in years] or None
    roster = workbook.tables.get("roster")
    if roster is None or roster.empty:
        return None  # scoring will say the roster is missing
    return sorted({int(y) for y in roster["year"].dropna().unique()})
