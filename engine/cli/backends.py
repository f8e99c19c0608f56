"""--backend and --cross-check: which engine decides the rules, and proof that both agree.

Exit code 5 (README): --cross-check found the durable and vectorized backends disagreeing;
nothing is written. durable_rules can drop firings silently (e.g. when the wall clock jumps
more than 10 s during an action), so a production run can ask for both and fail loudly.
"""
from __future__ import annotations

import difflib
from typing import Any, Callable

import click

from engine.cli.common import _echo_err
from engine.evaluation.evaluate import BACKENDS, DEFAULT_BACKEND

EXIT_BACKENDS_DISAGREE = 5


class BackendsDisagree(click.ClickException):
    exit_code = EXIT_BACKENDS_DISAGREE

    def show(self, file: Any = None) -> None:
        _echo_err(self.message)


def _backend_options(func: Callable) -> Callable:
    func = click.option("--cross-check", is_flag=True,
                        help="用两个规则引擎各算一遍，结果有任何不同即停止（退出码 5）/ evaluate with both backends and stop "
                             "(exit 5) on any difference")(func)
    func = click.option("--backend", type=click.Choice(BACKENDS), default=DEFAULT_BACKEND, show_default=True,
                        help="规则引擎：durable（durable_rules，基准）或 vectorized（列运算）/ rule engine: durable "
                             "(durable_rules, the reference) or vectorized (column masks)")(func)
    return func


def _score_checked(book: Any, scorecard: Any, years: list[int] | None, backend: str, cross_check: bool) -> Any:
    """Score once (or with both backends under --cross-check, comparing the JSON byte for byte)."""
    from engine.evaluation.scoring import prepare

    return evaluate_checked(prepare(book, years, scorecard.values()), scorecard, backend, cross_check)


def evaluate_checked(prepared: Any, scorecard: Any, backend: str, cross_check: bool) -> Any:
    """Evaluate prepared facts (diff sides and sweep values share one preparation), cross-checked on request."""
    from engine.evaluation.scoring import evaluate, to_json

    result = evaluate(prepared, scorecard, backend)
    if cross_check:
        other_backend = next(b for b in BACKENDS if b != backend)
        mine, other = to_json(result), to_json(evaluate(prepared, scorecard, other_backend))
        if mine != other:
            raise BackendsDisagree(_difference(mine, other, backend, other_backend))
    return result


def _difference(a: str, b: str, name_a: str, name_b: str) -> str:
    lines = list(difflib.unified_diff(_split(a), _split(b), name_a, name_b, n=0, lineterm=""))
    shown = "\n".join(lines[:40])
    return (f"【BACKENDS_DISAGREE】两个规则引擎的结果不一致，未写出任何结果。/ the {name_a} and {name_b} backends "
            f"disagree; nothing written. First differences:\n{shown}")


def _split(text: str) -> list[str]:
    # The JSON is compact: one line per leader-year makes the difference readable.
    return text.replace(',{"leader_id"', '\n{"leader_id"').splitlines()
