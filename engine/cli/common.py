"""What every command shares: the click group, exit codes, atomic outputs, --set parsing, option sets.

Exit codes (README): 0 done, 1 input problems, 2 usage, 3 rule-file problems,
4 internal error (trace in a log file, not on screen). click is used for the
command tree and its help, typed options and usage errors.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import click
import yaml

from engine.rules.load import DEFAULT_SCORECARD, safe_yaml

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
