"""What every command shares: the click group, exit codes, atomic outputs, --set parsing, option sets.

Exit codes (README): 0 done, 1 input problems, 2 usage, 3 rule-file problems,
4 internal error (trace in a log file, not on screen), 130 interrupted (Ctrl-C),
143 terminated (SIGTERM). click is used for the command tree and its help, typed
options and usage errors; engine.cli.i18n makes click's own words bilingual.

Every help text is "中文 / English", Chinese first (tests/test_cli_clerk.py checks each one).
"""
from __future__ import annotations

import os
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import click
import yaml

from engine.cli import i18n
from engine.rules.load import safe_yaml

i18n.install()  # before any option is declared: click reads some help texts at declaration time

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_RULES, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # the shell's 128 + SIGINT / SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C (so every atomic_path removes its temp file), but is
    never caught by an `except Exception`."""


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


def issue_file_path(workbook: Path) -> Path:
    return workbook.with_name(f"{workbook.stem}_数据问题.xlsx")


def _write_issue_file(issues: list, workbook: Path, lang: str) -> None:
    """The 数据问题.xlsx beside the input; if that folder is read-only, say so and go on."""
    from engine.input.workbook import write_issues_xlsx

    issues_path = issue_file_path(workbook)
    try:
        with atomic_path(issues_path) as tmp:
            write_issues_xlsx(issues, tmp)
    except OutputError as exc:
        _echo_err(f"（问题清单未能写入文件：{exc}）" if lang == "zh" else f"(problem list not written: {exc})")
        return
    _echo_err(f"问题清单已写入 {issues_path}" if lang == "zh" else f"the problem list is in {issues_path}")


def _parse_set(values: tuple[str, ...]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for typed in values:
        # A Chinese input method types ＝ and full-width digits, commas and brackets: read them as meant.
        item = unicodedata.normalize("NFKC", typed)
        if "=" not in item:
            raise click.BadParameter(f"{typed!r}：应写成 参数名=值，如 card.disqualify_awards=5 / "
                                     "expected NAME=VALUE, e.g. card.disqualify_awards=5", param_hint="--set")
        name, raw = item.split("=", 1)
        try:
            value = safe_yaml(raw)
        except yaml.YAMLError as exc:
            raise click.BadParameter(f"{typed!r}：值应为数字、列表或 true/false / "
                                     f"value is not a number, list or true/false ({exc})", param_hint="--set") from exc
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
def _use_home(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        from engine.rules import load

        load.set_project_root(value)
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scorecard")
@click.option("--home", "--rules-dir", "home", type=click.Path(exists=True, file_okay=False, path_type=Path),
              envvar="SCORECARD_HOME", callback=_use_home, expose_value=False, is_eager=True,
              help="含 rules/ 与 scorecards/ 的文件夹（默认：当前项目，或安装包自带的一份）/ folder holding rules/ "
                   "and scorecards/ (default: this checkout, else the copy bundled with the package); "
                   "also $SCORECARD_HOME")
def cli() -> None:
    """监督“一把手”年度考核计分规则引擎。/ Supervision scorecard rule engine.

    \b
    先运行 / start with:  scorecard run 工作簿.xlsx
    每个命令的帮助 / help of a command:  scorecard run -h
    """


def _scorecard_options(func: Callable) -> Callable:
    func = click.option("--set", "set_", multiple=True, metavar="NAME=VALUE",
                        help="覆盖一个参数，如 --set card.disqualify_awards=5（可重复）/ "
                             "override a parameter, e.g. --set card.disqualify_awards=5 (repeatable)")(func)
    func = click.option("--scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="情景文件（scorecards/scenarios/*.yaml）/ scenario file")(func)
    func = click.option("--card", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        default=None, help="评分卡文件（默认 scorecards/county.yaml）/ "
                                           "scorecard file (default scorecards/county.yaml)")(func)
    return func
