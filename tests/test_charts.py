"""Charts in the report (issue 9, item 3): embedded and beside it, byte-stable, drawn from the parameters."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from engine.evaluation.scoring import score
from engine.input.workbook import read_workbook
from engine.output import charts
from engine.rules.load import load_scorecard

SAMPLE = Path(__file__).resolve().parent.parent / "scorecards" / "samples" / "sample_county.xlsx"
KEYS = ("扣分分布", "各单位后果", "单位排名", "五个强化")


@pytest.fixture(scope="module")
def book():
    return read_workbook(SAMPLE)


def test_report_embeds_the_charts_and_writes_them_beside_it_byte_for_byte(tmp_path):
    outputs = []
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        shutil.copy(SAMPLE, folder / "s.xlsx")
        assert main(["run", str(folder / "s.xlsx"), "--year", "all", "--out", str(folder / "s_评分结果.xlsx")]) == 0
        outputs.append(folder)
    wb = openpyxl.load_workbook(outputs[0] / "s_评分结果.xlsx")
    assert wb.sheetnames[-1] == "图表" and len(wb["图表"]._images) == len(KEYS)
    assert [wb["图表"].cell(row=c.anchor._from.row, column=1).value for c in wb["图表"]._images] == \
        [title for _, title, _ in charts.REPORT_CHARTS]
    for name in ["s_评分结果.xlsx", "s_评分结果.json", *(f"s_评分结果_{k}.png" for k in KEYS)]:
        first, second = ((folder / name).read_bytes() for folder in outputs)
        assert first == second, f"{name} differs between two runs"
    assert (outputs[0] / "s_评分结果_扣分分布.png").read_bytes().startswith(b"\x89PNG")


def test_no_charts_means_none(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "s.xlsx")
    assert main(["run", str(tmp_path / "s.xlsx"), "--no-charts", "--out", str(tmp_path / "s_评分结果.xlsx")]) == 0
    assert "图表" not in openpyxl.load_workbook(tmp_path / "s_评分结果.xlsx").sheetnames
    assert not list(tmp_path.glob("*.png"))


def test_threshold_lines_come_from_the_parameters(book):
    def lines(overrides):
        fig = charts._distribution(score(book, load_scorecard(overrides=overrides)))
        ax = fig.axes[0]
        return [line.get_xdata()[0] for line in ax.lines], [t.get_text() for t in ax.texts]

    assert lines({}) == ([4, 6, 10], [" 取消评先 ≥ 4", " 扣发50%目标考核奖 ≥ 6", " 降职、免职或责令辞职 ≥ 10"])
    moved = lines({"card.disqualify_awards": 3.5, "card.withhold_bonus_share": 0.3, "card.demote_one_year": 9})
    assert moved == ([3.5, 6, 9], [" 取消评先 ≥ 3.5", " 扣发30%目标考核奖 ≥ 6", " 降职、免职或责令辞职 ≥ 9"])


def test_elimination_bands_come_from_the_parameters(book):
    def shaded(overrides):
        fig = charts._ranking(score(book, load_scorecard(overrides=overrides)))
        township, county = fig.axes[:2]
        return [len(ax.patches) - len(ax.containers[0]) for ax in (township, county)], \
            [t.get_text() for t in county.texts]

    assert shaded({}) == ([3, 5], ["浅红：单年末位淘汰档（倒数第1、2名）；浅橙：连续二年档（倒数第3、4、5名）"])
    # 县自然资源局 and 县住建局 tie for last in 2025: both b = 1, both in the narrowed single-year band.
    assert shaded({"elimination.county_dept.single_year": [1], "elimination.township.two_years": [2]}) == \
        ([2, 5], ["浅红：单年末位淘汰档（倒数第1名）；浅橙：连续二年档（倒数第3、4、5名）"])


def test_five_reinforcements_mark_the_weak_threshold_from_the_parameters(book):
    fig = charts._five(score(book, load_scorecard(overrides={"five.weak_below": 75})))
    ax = fig.axes[0]
    weak = [t.get_text() for t in ax.texts if t.get_color() == "#8B0000"]
    assert weak and all(float(v) < 75 for v in weak)
    assert "75" in fig.axes[-1].get_ylabel()


def test_no_cjk_font_is_a_clear_error_and_no_report(tmp_path, monkeypatch, capsys):
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    with pytest.raises(charts.ChartFontError):
        charts.cjk_font()
    shutil.copy(SAMPLE, tmp_path / "s.xlsx")
    assert main(["run", str(tmp_path / "s.xlsx")]) == 2
    assert "fonts-noto-cjk" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]  # no report, no JSON
    assert main(["run", str(tmp_path / "s.xlsx"), "--no-charts", "--out", str(tmp_path / "s_评分结果.xlsx")]) == 0
