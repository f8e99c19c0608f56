"""The `scorecard` command: a thin layer over the engine's public API.

Each group of commands lives in its own module and registers itself on the one click group
(`engine.cli.common.cli`); importing the module is what adds its commands.
"""
from __future__ import annotations

import tempfile
import traceback
from pathlib import Path

import click

from engine.cli import commands, lint, verify  # noqa: F401  (each module registers its commands)
from engine.cli import web  # noqa: F401  (scorecard serve, scorecard users)
from engine.cli.common import (EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_RULES, EXIT_USAGE, OutputError, _echo_err,
                               cli)
from engine.evaluation.scoring import YearNotInWorkbook
from engine.input.issues import InputError
from engine.rules.load import RuleFileError

__all__ = ["cli", "main"]


# ---------------------------------------------------------------- entry point
def main(argv: list[str] | None = None) -> int:
    try:
        code = cli.main(args=argv, prog_name="scorecard", standalone_mode=False)
        return code if isinstance(code, int) else EXIT_OK  # a command's click Exit(code) comes back here
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
