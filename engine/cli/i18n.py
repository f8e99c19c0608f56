"""Chinese first, English beside it: click's own words (help headings, usage errors) in both languages.

click builds every message it prints from English templates passed through `gettext`
(`from gettext import gettext as _` in each of its modules). Rather than re-implement its
parser errors, `install()` points those module-level names at a lookup that returns a
"中文 / English" template for each message a clerk can meet, and the English template
unchanged for the rest (developer errors such as a badly declared option). The templates keep
click's own placeholders, so click formats them as before.

Only the `scorecard` command imports this; other programs using click in the same process
would see the bilingual texts too, which is harmless.
"""
from __future__ import annotations

import gettext as _gettext
from typing import Callable

# English template (exactly as click passes it to gettext) -> bilingual template.
MESSAGES: dict[str, str] = {
    "Usage:": "用法 / Usage:",
    "Options": "选项 / Options",
    "Commands": "命令 / Commands",
    "Show this message and exit.": "显示本帮助并退出。/ Show this message and exit.",
    "Show the version and exit.": "显示版本号并退出。/ Show the version and exit.",
    "%(prog)s, version %(version)s": "%(prog)s 版本 / version %(version)s",
    "Error: {message}": "错误 / Error: {message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。/ Try '{command} {option}' for help.",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效 / invalid value for {param_hint}: {message}",
    "Invalid value: {message}": "值无效 / invalid value: {message}",
    "Missing argument": "缺少参数 / missing argument",
    "Missing option": "缺少选项 / missing option",
    "Missing parameter": "缺少参数 / missing parameter",
    "Missing {param_type}": "缺少 {param_type} / missing {param_type}",
    "Missing parameter: {param_name}": "缺少参数 / missing parameter: {param_name}",
    "Missing command.": "缺少命令（见下方命令列表）。/ missing command.",
    "No such option {name!r}.": "没有选项 {name!r}。/ no such option {name!r}.",
    "No such command {name!r}.": "没有命令 {name!r}。/ no such command {name!r}.",
    "Did you mean {possibility}?": "是否想写 {possibility}？/ did you mean {possibility}?",
    "(Did you mean one of: {possibilities}?)":
        "（是否想写其中之一：{possibilities}？/ did you mean one of: {possibilities}?）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）/ got unexpected extra argument ({args})",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）/ got unexpected extra arguments ({args})",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面需要一个值。/ option {name!r} requires an argument.",
    "Option {name!r} requires {nargs} arguments.":
        "选项 {name!r} 后面需要 {nargs} 个值。/ option {name!r} requires {nargs} arguments.",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。/ option {name!r} does not take a value.",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。/ argument {name!r} takes {nargs} values.",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。/ takes {nargs} values but 1 was given.",
    "Takes {nargs} values but {len} were given.":
        "需要 {nargs} 个值，给了 {len} 个。/ takes {nargs} values but {len} were given.",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。/ {value!r} is not {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。/ {value!r} is not one of {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。/ {value!r} is not a valid {number_type}.",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。/ {value} is not in the range {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} 不是是/否值，可用：{states} / {value!r} is not a valid boolean. Recognized values: {states}",
    "{name} {filename!r} does not exist.":
        "找不到 {filename!r}（请检查路径和文件名）。/ {name} {filename!r} does not exist.",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹，这里要的是文件。/ {name} {filename!r} is a directory.",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，这里要的是文件夹。/ {name} {filename!r} is a file.",
    "{name} {filename!r} is not readable.": "没有权限读取 {filename!r}。/ {name} {filename!r} is not readable.",
    "{name} {filename!r} is not writable.": "没有权限写入 {filename!r}。/ {name} {filename!r} is not writable.",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message} / could not open file {filename!r}: {message}",
    "unknown error": "未知错误 / unknown error",
    "Aborted!": "已中断。/ Aborted!",
    "Value must be an iterable.": "值必须是列表。/ Value must be an iterable.",
    "env var: {var}": "环境变量 / env var: {var}",
    "default: {default}": "默认 / default: {default}",
}

_CLICK_MODULES = ("core", "exceptions", "types", "parser", "formatting", "decorators", "termui")


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate(_gettext.ngettext(singular, plural, n))


def install() -> None:
    """Point click's gettext names at the bilingual table (idempotent)."""
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        patches: dict[str, Callable] = {"_": translate, "ngettext": _ngettext}
        for attr, func in patches.items():
            if hasattr(module, attr):
                setattr(module, attr, func)
