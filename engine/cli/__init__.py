"""The `scorecard` command: a thin layer over the engine's public API.

Each group of commands lives in its own module and registers itself on the one click group
(`engine.cli.common.cli`); importing the module is what adds its commands.
"""
from __future__ import annotations

import os
import signal
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from engine.cli import analysis, commands, lint, store, verify  # noqa: F401  (each module registers its commands)
from engine.cli import web  # noqa: F401  (scorecard serve, scorecard users)
from engine.cli.common import (EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_RULES, EXIT_TERMINATED,
                               EXIT_USAGE, OutputError, Terminated, _echo_err, cli)
from engine.cli.terminal import escaped_terminal
from engine.evaluation.scoring import YearNotInWorkbook
from engine.input.issues import InputError
from engine.rules.load import RuleFileError

__all__ = ["cli", "main"]


# ---------------------------------------------------------------- entry point
INTERRUPTED_MSG = "已中断，未写入任何结果（临时文件已清理）。/ interrupted: nothing written (temporary files removed)."


def main(argv: list[str] | None = None) -> int:
    with escaped_terminal(), _sigterm_unwinds():   # cell text never reaches the terminal raw (ESC, BEL, ...)
        try:
            return _main(argv)
        except Terminated:
            _echo_err(INTERRUPTED_MSG)
            return EXIT_TERMINATED


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises Terminated, so the stack unwinds through every atomic_path (which removes
    its temp file) instead of the process vanishing with hidden files left beside the output."""
    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (a web server's worker): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    try:
        code = cli.main(args=argv, prog_name="scorecard", standalone_mode=False)
        return code if isinstance(code, int) else EXIT_OK  # a command's click Exit(code) comes back here
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort as exc:  # click turns Ctrl-C (and end of input at a prompt) into Abort
        if isinstance(exc.__cause__, KeyboardInterrupt):
            _echo_err(INTERRUPTED_MSG)
            return EXIT_INTERRUPTED
        return EXIT_USAGE
    except KeyboardInterrupt:
        _echo_err(INTERRUPTED_MSG)
        return EXIT_INTERRUPTED
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
        if exc.path == "--set":  # typed on the command line, not in a file
            _echo_err(f"参数有误（命令行 --set）/ parameter problem (command line): {exc}")
        else:
            _echo_err(f"规则文件有误 / rule file problem: {exc}")
        return EXIT_RULES
    except Exception:  # the last resort: never a traceback on screen
        log = write_error_log(traceback.format_exc())
        _echo_err(f"内部错误，请将 {log} 连同输入文件报告给维护者。/ internal error: please report {log}.")
        return EXIT_INTERNAL


def write_error_log(text: str) -> Path:
    """The trace, in a new private folder (mkdtemp: unique name, mode 0700), opened with O_EXCL and
    O_NOFOLLOW: nobody else can predict the name, pre-create it or plant a link there."""
    folder = Path(tempfile.mkdtemp(prefix="scorecard-error-"))
    log = folder / "error.log"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return log
