"""Progress on a terminal only: a tqdm bar on standard error, nothing when stderr is not a terminal.

tqdm (not rich) because it is one small pure-Python package and measures wide (Chinese)
characters correctly; the bar never touches standard output, so JSON printed there stays clean.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Iterator


def on_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Steps:
    """A bar over named steps: `steps.next("评分")` says what runs now and advances when it ends."""

    def __init__(self, bar: Any):
        self.bar = bar
        self.started = False

    def next(self, what: str) -> None:
        if self.bar is None:
            return
        if self.started:
            self.bar.update(1)
        self.started = True
        self.bar.set_description_str(what)


@contextmanager
def progress(total: int, title: str) -> Iterator[Steps]:
    if not on_terminal():
        yield Steps(None)
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=title, file=sys.stderr, leave=False, dynamic_ncols=True,
               bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]")
    try:
        yield Steps(bar)
        bar.update(total - bar.n)
    finally:
        bar.close()
