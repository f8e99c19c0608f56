"""Issue 7, the clerk's side of the CLI: nothing lost, nothing silently replaced, Chinese first.

Each test failed before its fix (item numbers are the issue's).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import openpyxl
import pytest

import engine.cli as cli_pkg
from engine.cli import main
from engine.cli.common import cli
from wbtools import DEDUCTIONS, ROSTER, deduction_row, make_workbook, roster_row

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "scorecards" / "samples" / "sample_county.xlsx"
STRICT = ROOT / "scorecards" / "scenarios" / "strict.yaml"


def _two_year_book(folder: Path, bad: bool = False) -> Path:
    rows = [[ROSTER, roster_row(2024), roster_row(2025)],
            [DEDUCTIONS, deduction_row(2024, points=5), deduction_row(2025, points=-1 if bad else 7)]]
    return make_workbook(folder, {"干部名册": rows[0], "廉政监督卡": rows[1]}, name="wb.xlsx")


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ---------------------------------------------------------------- item 1: template never overwrites
def test_template_refuses_to_overwrite_a_filled_workbook(tmp_path, capsys):
    filled = _two_year_book(tmp_path)
    before = filled.read_bytes()
    assert main(["template", str(filled)]) == 2
    err = capsys.readouterr().err
    assert filled.read_bytes() == before
    assert "已存在" in err and "--force" in err
    assert main(["template", str(filled), "--force"]) == 0
    assert openpyxl.load_workbook(filled).sheetnames[0] == "说明"


def test_template_must_be_xlsx(tmp_path, capsys):
    assert main(["template", str(tmp_path / "t.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err and not (tmp_path / "t.csv").exists()


# ---------------------------------------------------------------- item 2: runs never replace each other
def test_default_names_carry_year_and_scenario(tmp_path, capsys):
    book = _two_year_book(tmp_path)
    for args in ([], ["--scenario", str(STRICT)], ["--year", "2024"], ["--year", "2024", "--year", "2025"],
                 ["--set", "card.disqualify_awards=5"]):
        assert main(["run", str(book), *args, "--no-charts"]) == 0  # chart PNGs: tests/test_charts.py
    out = capsys.readouterr().out.splitlines()
    digest = [name for name in _files(tmp_path) if "_set-" in name]
    assert len(digest) == 2
    tag = digest[0].split("_")[2]
    assert _files(tmp_path) == {
        "wb.xlsx",
        "wb_2025_评分结果.xlsx", "wb_2025_results.json",
        "wb_2025_strict_评分结果.xlsx", "wb_2025_strict_results.json",
        "wb_2024_评分结果.xlsx", "wb_2024_results.json",
        "wb_2024_2025_评分结果.xlsx", "wb_2024_2025_results.json",
        f"wb_2025_{tag}_评分结果.xlsx", f"wb_2025_{tag}_results.json",
    }
    # the summary names the year(s) and what the run was scored under
    assert out[0].startswith("2025年度，基准参数：")
    assert out[1].startswith("2025年度，情景“从严情景”（strict）：")
    assert out[2].startswith("2024年度，基准参数：")
    assert out[3].startswith("2024、2025年度，基准参数：")
    assert out[4].startswith("2025年度，基准参数，另设 card.disqualify_awards=5：")


def test_rerun_says_it_replaced_the_earlier_file(tmp_path, capsys):
    book = _two_year_book(tmp_path)
    assert main(["run", str(book)]) == 0
    capsys.readouterr()
    assert main(["run", str(book)]) == 0
    assert "已替换同名的旧文件" in capsys.readouterr().out


def test_out_alone_puts_the_json_beside_it(tmp_path, capsys):
    book = _two_year_book(tmp_path)
    (tmp_path / "wb_2025_results.json").write_text("keep me", encoding="utf-8")
    assert main(["run", str(book), "--out", str(tmp_path / "r.xlsx")]) == 0
    assert (tmp_path / "wb_2025_results.json").read_text(encoding="utf-8") == "keep me"
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["years"] == [2025]
    assert f"JSON {tmp_path / 'r.json'}" in capsys.readouterr().out


def test_json_alone_puts_the_report_beside_it(tmp_path):
    book = _two_year_book(tmp_path)
    assert main(["run", str(book), "--json", str(tmp_path / "r.json")]) == 0
    assert _files(tmp_path) == {"wb.xlsx", "r.json", "r.xlsx", "r_扣分分布.png", "r_各单位后果.png"}  # charts too


def test_same_path_for_out_and_json_is_refused(tmp_path, capsys):
    book = _two_year_book(tmp_path)
    rc = main(["run", str(book), "--out", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.xlsx")])
    assert rc == 2
    assert _files(tmp_path) == {"wb.xlsx"}
    assert "--json" in capsys.readouterr().err


def test_report_and_json_resolving_to_one_file_are_refused(tmp_path, capsys):
    # Different names, one file (a link): still one output written over the other.
    book = _two_year_book(tmp_path)
    (tmp_path / "r.json").symlink_to(tmp_path / "r.xlsx")
    assert main(["run", str(book), "--out", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.json")]) == 2
    assert "同一个文件" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()


# ---------------------------------------------------------------- item 19: outputs carry their real type
@pytest.mark.parametrize("args", [["--out", "r.csv"], ["--out", "r"], ["--json", "r.xlsx"]])
def test_output_suffix_must_match_what_is_written(tmp_path, capsys, args):
    book = _two_year_book(tmp_path)
    rc = main(["run", str(book), args[0], str(tmp_path / args[1])])
    assert rc == 2
    assert _files(tmp_path) == {"wb.xlsx"}
    err = capsys.readouterr().err
    assert ("应以 .xlsx 结尾" in err) or ("应以 .json 结尾" in err)


# ---------------------------------------------------------------- item 3: a stale problem file
def test_a_successful_run_removes_the_stale_problem_file(tmp_path, capsys):
    _two_year_book(tmp_path, bad=True)
    book = tmp_path / "wb.xlsx"
    assert main(["run", str(book)]) == 1
    assert (tmp_path / "wb_数据问题.xlsx").exists()
    _two_year_book(tmp_path)  # the clerk fixes the cell
    capsys.readouterr()
    assert main(["run", str(book)]) == 0
    assert not (tmp_path / "wb_数据问题.xlsx").exists()
    assert "已删除以前运行留下的" in capsys.readouterr().out


def test_a_failed_run_names_earlier_reports_under_any_default_name(tmp_path, capsys):
    book = _two_year_book(tmp_path)
    assert main(["run", str(book), "--scenario", str(STRICT)]) == 0
    _two_year_book(tmp_path, bad=True)
    capsys.readouterr()
    assert main(["run", str(book)]) == 1
    err = capsys.readouterr().err
    assert "wb_2025_strict_评分结果.xlsx 是以前运行的结果" in err


# ---------------------------------------------------------------- item 14: interruption
_INTERRUPT = textwrap.dedent("""
    import os, signal, sys
    import engine.output.report as report
    real = report.write_report
    def slow(result, path, **kwargs):
        real(result, path, **kwargs)  # the temp file is written, the rename has not happened
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    report.write_report = slow
    from engine.cli import main
    sys.exit(main(["run", sys.argv[1]]))
""")


@pytest.mark.parametrize("sig,code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_interruption_has_its_own_exit_code_and_leaves_no_temp_files(tmp_path, sig, code):
    book = _two_year_book(tmp_path)
    proc = subprocess.run([sys.executable, "-c", _INTERRUPT, str(book), sig], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == code, proc.stderr
    assert "已中断" in proc.stderr and "Traceback" not in proc.stderr
    assert _files(tmp_path) == {"wb.xlsx"}  # no report, no JSON, no hidden .wb_… temp file


# ---------------------------------------------------------------- item 23: the error log
def test_error_log_is_private_unique_and_never_follows_a_link(tmp_path, capsys, monkeypatch):
    import importlib
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "scorecard-error.log").symlink_to(victim)  # the old fixed name, planted

    def broken(*args, **kwargs):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(importlib.import_module("engine.output.report"), "write_report", broken)
    book = _two_year_book(tmp_path)
    logs = []
    for _ in range(2):
        assert main(["run", str(book)]) == 4
        err = capsys.readouterr().err
        logs.append(Path(re.search(r"请将 (\S+) 连同", err).group(1)))
    assert victim.read_text(encoding="utf-8") == "precious"
    assert logs[0] != logs[1]
    for log in logs:
        assert not log.is_symlink() and "ZeroDivisionError" in log.read_text(encoding="utf-8")
        assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(log.stat().st_mode) == 0o600


# ---------------------------------------------------------------- item 18: Chinese first, English too
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{3,}")


def _first_cjk_before_latin(text: str) -> bool:
    """"中文 / English" (or a Chinese line, then the English): Chinese before the first "/ " or line
    break, English words after it."""
    zh, sep, en = (re.split(r"(/ |\n)", text.strip(), maxsplit=1) + ["", ""])[:3]
    return bool(sep and _CJK.search(zh) and _LATIN.search(en))


def _commands(group: click.Group, ctx: click.Context):
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        yield name, command
        if isinstance(command, click.Group):
            yield from _commands(command, click.Context(command, info_name=name, parent=ctx))


def test_every_help_text_is_chinese_first_and_english_too():
    # the group's own context settings (-h): a help option cached from a bare context would lack -h
    ctx = click.Context(cli, info_name="scorecard", **cli.context_settings)
    texts = {"scorecard": cli.help or ""}
    for opt in cli.params:
        texts[f"scorecard {opt.name}"] = getattr(opt, "help", "") or ""
    for name, command in _commands(cli, ctx):
        texts[name] = command.help or ""
        for param in command.get_params(click.Context(command, info_name=name, parent=ctx)):
            if isinstance(param, click.Option):
                texts[f"{name} {'/'.join(param.opts)}"] = param.help or ""
    missing = sorted(where for where, text in texts.items() if not _first_cjk_before_latin(text))
    assert missing == [], "help texts must read 中文 / English, Chinese first"


def test_help_headings_and_click_errors_are_bilingual(tmp_path, capsys):
    assert main(["run", "-h"]) == 0
    out = capsys.readouterr().out
    assert "用法 / Usage:" in out and "选项 / Options:" in out and "显示本帮助并退出" in out
    assert main(["run", str(tmp_path / "missing.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "找不到" in err and "does not exist" in err
    assert main(["run", "--bogus"]) == 2
    assert "没有选项 '--bogus'" in capsys.readouterr().err
    assert main(["runn"]) == 2
    err = capsys.readouterr().err
    # `runs` (the store's run log) is close too: click then offers both
    assert "没有命令 'runn'" in err and "是否想写其中之一：'run', 'runs'" in err
    assert main(["run", str(SAMPLE), "--lang", "fr"]) == 2
    assert "不是" in capsys.readouterr().err
    assert main(["run", str(SAMPLE), "--year", "abc"]) == 2
    assert "不是有效的数字" in capsys.readouterr().err


def test_messages_of_our_own_are_bilingual(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["explain", str(book), "--leader", "QH999"]) == 2
    err = capsys.readouterr().err
    assert "年度没有编号或姓名为“QH999”的干部" in err and "no leader 'QH999'" in err
    assert main(["run", str(book), "--out", str(book)]) == 2
    err = capsys.readouterr().err
    assert "会覆盖输入工作簿" in err and "would overwrite the input workbook" in err


def test_set_typo_is_a_parameter_problem_not_a_rule_file_problem(tmp_path, capsys):
    book = _two_year_book(tmp_path)
    assert main(["run", str(book), "--set", "card.disqualify_award=5"]) == 3
    err = capsys.readouterr().err
    assert "参数有误" in err and "规则文件有误" not in err
    assert "没有参数 'card.disqualify_award'" in err and "是否想写 card.disqualify_awards" in err


def test_full_width_equals_sign_and_digits_are_accepted(tmp_path):
    book = _two_year_book(tmp_path)
    assert main(["run", str(book), "--set", "card.disqualify_awards＝１０", "--json", str(tmp_path / "r.json")]) == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (param,) = [p for p in data["parameters"] if p["name"] == "card.disqualify_awards"]
    assert param["value"] == 10 and param["provenance"] == "scenario"


def test_lang_en_makes_the_summary_line_english(tmp_path, capsys):
    book = _two_year_book(tmp_path)
    assert main(["run", str(book), "--lang", "en", "--scenario", str(STRICT)]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("2025, scenario 从严情景 (strict): 1 leader-years, ")
    assert not _CJK.search(line.replace("从严情景", "").replace("评分结果", ""))


# ---------------------------------------------------------------- item 22: one wording, errors stand out
def test_problem_file_and_report_sheet_share_headers_and_highlight_errors(tmp_path):
    _two_year_book(tmp_path, bad=True)
    book = tmp_path / "wb.xlsx"
    assert main(["run", str(book)]) == 1
    standalone = openpyxl.load_workbook(tmp_path / "wb_数据问题.xlsx")["数据问题"]
    assert main(["run", str(book), "--lenient", "--out", str(tmp_path / "r.xlsx")]) == 0
    report = openpyxl.load_workbook(tmp_path / "r.xlsx")["数据问题"]
    heads = [c.value for c in standalone[1]]
    assert heads == [c.value for c in report[1]]
    assert heads == ["级别", "代码", "工作表", "行", "列", "值", "应为", "说明", "说明（英文）"]
    for sheet in (standalone, report):
        fills = {row[1].value: (row[0].value, row[1].fill.fgColor.rgb) for row in sheet.iter_rows(min_row=2)}
        assert fills["NEGATIVE_POINTS"] == ("错误", "00FFC7CE")
        notes = [rgb for level, rgb in fills.values() if level == "提示"]
        assert notes and all(rgb != "00FFC7CE" for rgb in notes)


# ---------------------------------------------------------------- item 20: the 参数 and 汇总 sheets read as text
def test_parameters_sheet_says_what_each_number_means(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["run", str(book), "--scenario", str(STRICT), "--out", str(tmp_path / "r.xlsx")]) == 0
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    rows = {r[0]: r for r in wb["参数"].iter_rows(min_row=2, values_only=True)}
    heads = [c.value for c in wb["参数"][1]]
    assert heads[:3] == ["参数名", "含义", "取值"]
    assert rows["card.demote_one_year"][1] == "降职、免职或责令辞职的一年扣分下限（含本数）"
    assert rows["five.grades"][2] == "好 95；较好 85；一般 70；差 50"
    assert rows["elimination.county_dept.two_years"][2:4] == ("3、4、5、6", "情景覆盖")
    assert rows["elimination.county_dept.two_years"][5] == "3、4、5"
    assert all(not str(r[2]).startswith(("[", "{")) for r in rows.values())
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=3, max_col=2, values_only=True) if r[0]}
    assert summary["情景"] == "从严情景（strict）"


# ---------------------------------------------------------------- item 19: the real file type, and the steps
@pytest.mark.parametrize("name,content,says", [
    ("a.csv", "年度,干部编号\n2025,1001\n".encode(), "这是 CSV 文本文件（.csv）"),
    ("a.xlsx", "年度,干部编号\n2025,1001\n".encode(), "这是文本/CSV 文件，只是扩展名是 .xlsx"),
    ("a.xls", None, "这是旧版 Excel 97-2003 工作簿（.xls，BIFF 格式）"),
    ("a.et", None, "这是 WPS 表格文件（.et）"),
    ("a.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "这是 PDF 文件"),
])
def test_input_names_its_real_type_and_how_to_save_as_xlsx(tmp_path, capsys, name, content, says):
    from wbtools import xls_ole_bytes

    path = tmp_path / name
    path.write_bytes(content if content is not None else xls_ole_bytes())
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert says in text and "NOT_XLSX" in text
    assert name != "a.csv" or "扩展名" not in text   # a .csv is not a renamed workbook
    if name != "a.pdf":
        assert "另存为" in text and "Excel 工作簿（*.xlsx）" in text
