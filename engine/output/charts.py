"""Charts for the report and for sweeps (matplotlib, Agg, a CJK font found on the machine).

Every threshold, band and weight drawn comes from the parameters in force (`result.parameters`),
never from numbers typed here: a scenario that moves 取消评先 to 3.5 moves the line too.

PNG bytes are deterministic (no software/date metadata, no randomness), so the report that
embeds them keeps its byte-identity guarantee. Only the object-oriented API is used (Figure +
FigureCanvasAgg): no pyplot global state.
"""
from __future__ import annotations

import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from engine.evaluation.results import RunResult
from engine.input.sheets import FIVE_DIMENSIONS
from engine.rules.model import CONSEQUENCE_CODES, code_label

# Families tried first (Simplified Chinese faces), then anything whose name says CJK/Chinese.
PREFERRED_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN",
                   "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN", "SimHei", "Microsoft YaHei")
FONT_HINT = ("未找到可显示中文的字体，无法生成图表。请安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk），"
             "或加 --no-charts 跳过图表。/ no CJK font found: install fonts-noto-cjk, or pass --no-charts.")

# Which yearly-points parameters are drawn on the distribution, with the words for each line.
CARD_LINES = (("card.disqualify_awards", "取消评先"), ("card.withhold_bonus", "扣发目标考核奖"),
              ("card.demote_one_year", "降职、免职或责令辞职"))
# The elimination bands of each unit category (SPEC 7 names).
BAND_PARAMS = {"乡镇": "elimination.township", "县直单位": "elimination.county_dept"}
MAX_UNITS = 25
DPI = 110


class ChartFontError(RuntimeError):
    """No font on this machine can draw Chinese."""

    def __init__(self) -> None:
        super().__init__(FONT_HINT)


@dataclass(frozen=True)
class Chart:
    key: str      # file-name part, e.g. 扣分分布
    title: str
    png: bytes


def cjk_font() -> str:
    """The family name of an installed font that draws Chinese; ChartFontError if none."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    fallback = sorted(n for n in names if "CJK" in n or "Hei" in n or "Han Sans" in n)
    if fallback:
        return fallback[0]
    raise ChartFontError()


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _png(fig: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _styled(draw: Any) -> Any:
    """Run a drawing function with the CJK font and fixed settings; return PNG bytes or None."""
    import matplotlib

    font = cjk_font()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"],
                                "axes.unicode_minus": False, "svg.hashsalt": "scorecard",
                                "path.simplify": True}):
        fig = draw()
        return None if fig is None else _png(fig)


def _params(result: RunResult) -> dict[str, Any]:
    return {p.name: p.value for p in result.parameters}


def _num(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# --------------------------------------------------------------------------- report charts

def _distribution(result: RunResult) -> Any:
    params = _params(result)
    lines = [(params[name], words) for name, words in CARD_LINES if isinstance(params.get(name), (int, float))]
    share = params.get("card.withhold_bonus_share")
    if isinstance(share, (int, float)):
        lines = [(v, f"扣发{_num(round(share * 100, 2))}%目标考核奖" if w == "扣发目标考核奖" else w) for v, w in lines]
    years = result.years
    points = {y: [r.scores.get("deduction_points") or 0 for r in result.results if r.year == y] for y in years}
    top = max([p for ps in points.values() for p in ps] + [v for v, _ in lines] + [1])
    bins = list(range(0, int(math.ceil(top)) + 2))
    fig = _figure(8, 2.6 * len(years) + 0.8)
    axes = fig.subplots(len(years), 1, squeeze=False, sharex=True)[:, 0]
    for ax, year in zip(axes, years):
        ax.hist(points[year], bins=bins, color="#4C72B0", edgecolor="white")
        ax.set_ylabel("人数")
        ax.set_title(f"{year}年度 廉政监督卡年度扣分分布（{len(points[year])} 人，含未扣分者）", fontsize=11)
        for i, (value, words) in enumerate(lines):
            color = ("#E69F00", "#D55E00", "#A00000")[i % 3]
            ax.axvline(value, color=color, linestyle="--", linewidth=1.6)
            ax.text(value, 0.97 - 0.12 * i, f" {words} ≥ {_num(value)}", color=color, fontsize=9,
                    transform=ax.get_xaxis_transform(), va="top", ha="left")
    axes[-1].set_xlabel("年度扣分 P(Y)（每格 1 分，左闭右开）")
    axes[-1].set_xticks(bins)
    return fig


def _codes_present(result: RunResult) -> list[str]:
    present = {c.code for r in result.results for c in r.consequences}
    return [c for c in CONSEQUENCE_CODES if c in present] + sorted(present - set(CONSEQUENCE_CODES))


def _per_unit(result: RunResult) -> Any:
    codes = _codes_present(result)
    if not codes:
        return None
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in result.results:
        for code in {c.code for c in r.consequences}:
            counts[r.unit][code] += 1
    units = sorted(counts, key=lambda u: (-sum(counts[u].values()), u))
    shown = units[:MAX_UNITS][::-1]
    fig = _figure(10, 0.32 * len(shown) + 2.2)
    ax = fig.subplots()
    left = [0] * len(shown)
    from matplotlib import colormaps

    palette = colormaps["tab20"]
    for i, code in enumerate(codes):
        widths = [counts[u][code] for u in shown]
        ax.barh(shown, widths, left=left, color=palette(i % 20), label=code_label(code, _params(result)))
        left = [a + b for a, b in zip(left, widths)]
    span = "、".join(map(str, result.years))
    more = f"，仅列后果最多的 {MAX_UNITS} 个单位" if len(units) > MAX_UNITS else ""
    ax.set_title(f"各单位触发的后果（{span}年度，人·年{more}）", fontsize=11)
    ax.set_xlabel("人·年")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def _units(result: RunResult, year: int, unit_type: str) -> list[tuple[str, int, int, int, set[str]]]:
    """(unit, rank, N, bottom position, codes of its leaders) in rank order."""
    units: dict[str, tuple[int, int, int]] = {}
    codes: dict[str, set[str]] = defaultdict(set)
    for r in result.results:
        s = r.scores
        if r.year != year or r.unit_type != unit_type or s.get("unit_rank") is None:
            continue
        units[r.unit] = (int(s["unit_rank"]), int(s["unit_count"]), int(s["bottom_position"]))
        codes[r.unit] |= {c.code for c in r.consequences}
    return sorted(((u, *units[u], codes[u]) for u in units), key=lambda t: (t[1], t[0]))


def _band_label(words: str, band: Iterable[Any]) -> str:
    return f"{words}（倒数第{'、'.join(_num(b) for b in band)}名）"


def _ranking(result: RunResult) -> Any:
    params = _params(result)
    panels = [(y, t) for y in result.years for t in BAND_PARAMS if _units(result, y, t)]
    if not panels:
        return None
    from matplotlib.patches import Patch

    tallest = max(len(_units(result, y, t)) for y, t in panels)
    fig = _figure(11, (0.3 * tallest + 1.6) * len(result.years) + 0.6)
    cols = sorted({t for _, t in panels}, key=list(BAND_PARAMS).index)
    axes = fig.subplots(len(result.years), len(cols), squeeze=False)
    for row, year in enumerate(result.years):
        for col, unit_type in enumerate(cols):
            ax = axes[row][col]
            units = _units(result, year, unit_type)
            if not units:
                ax.set_axis_off()
                continue
            single = params.get(f"{BAND_PARAMS[unit_type]}.single_year") or []
            double = params.get(f"{BAND_PARAMS[unit_type]}.two_years") or []
            rows = units[::-1]  # worst at the bottom
            for y, (_, _, _, b, _) in enumerate(rows):
                if b in single:
                    ax.axhspan(y - 0.5, y + 0.5, color="#F4A6A6", zorder=0)
                elif b in double:
                    ax.axhspan(y - 0.5, y + 0.5, color="#FBD9A0", zorder=0)
            colors = ["#B22222" if "ELIMINATION_ADJUST_POST" in c else "#E69F00" if "MANUAL_REVIEW" in c
                      else "#4C72B0" for *_, c in rows]
            ax.barh(range(len(rows)), [n - rank + 1 for _, rank, n, _, _ in rows], color=colors, zorder=2)
            ax.set_yticks(range(len(rows)), [f"{u}（第{rank}名）" for u, rank, *_ in rows], fontsize=8)
            ax.set_xticks([])
            ax.set_title(f"{year}年度 {unit_type}综合考核排名（共 {rows[0][2]} 个）", fontsize=10)
            ax.set_xlabel("条越长名次越靠前", fontsize=8, loc="left")
            ax.text(1.0, -0.1, f"浅红：{_band_label('单年末位淘汰档', single)}；浅橙：{_band_label('连续二年档', double)}",
                    transform=ax.transAxes, ha="right", va="top", fontsize=8)
    handles = [Patch(color="#F4A6A6", label="单年末位淘汰档"), Patch(color="#FBD9A0", label="连续二年末位淘汰档"),
               Patch(color="#B22222", label="一把手被末位淘汰"), Patch(color="#E69F00", label="一把手需人工复核"),
               Patch(color="#4C72B0", label="其他单位")]
    fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=8, frameon=False)
    return fig


def _five_means(result: RunResult, year: int) -> dict[str, list[float]]:
    sums: dict[str, list[list[float]]] = defaultdict(list)
    for r in result.results:
        five = r.scores.get("five_reinforcements")
        if r.year == year and isinstance(five, dict) and five.get("dimensions"):
            sums[r.unit].append([five["dimensions"].get(d.en) for d in FIVE_DIMENSIONS])
    return {u: [round(sum(v[i] for v in rows) / len(rows), 1) for i in range(len(FIVE_DIMENSIONS))]
            for u, rows in sorted(sums.items()) if all(x is not None for v in rows for x in v)}


def _five(result: RunResult) -> Any:
    per_year = {y: _five_means(result, y) for y in result.years}
    per_year = {y: m for y, m in per_year.items() if m}
    if not per_year:
        return None
    weak = _params(result).get("five.weak_below")
    tallest = max(len(m) for m in per_year.values())
    fig = _figure(4.6 * len(per_year) + 1.2, 0.34 * tallest + 2.4)
    axes = fig.subplots(1, len(per_year), squeeze=False)[0]
    image = None
    for ax, (year, means) in zip(axes, per_year.items()):
        units = list(means)
        data = [means[u] for u in units]
        low = min([x for row in data for x in row] + ([weak] if isinstance(weak, (int, float)) else []))
        image = ax.imshow(data, cmap="RdYlGn", vmin=min(low, 100) - 5, vmax=100, aspect="auto")
        for i, row in enumerate(data):
            for j, value in enumerate(row):
                is_weak = isinstance(weak, (int, float)) and value < weak
                ax.text(j, i, _num(value), ha="center", va="center", fontsize=7,
                        color="#8B0000" if is_weak else "black", fontweight="bold" if is_weak else "normal")
        ax.set_xticks(range(len(FIVE_DIMENSIONS)), [d.zh for d in FIVE_DIMENSIONS], rotation=30, ha="right",
                      fontsize=8)
        ax.set_yticks(range(len(units)), units, fontsize=8)
        ax.set_title(f"{year}年度 五个强化各维度（单位平均分）", fontsize=10)
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes), shrink=0.8)
        if isinstance(weak, (int, float)):
            bar.ax.axhline(weak, color="#8B0000", linewidth=2)
            bar.set_label(f"分数（红线 = 薄弱标准 {_num(weak)} 分，低于者红字）")
    return fig


REPORT_CHARTS = (("扣分分布", "廉政监督卡年度扣分分布", _distribution),
                 ("各单位后果", "各单位触发的后果", _per_unit),
                 ("单位排名", "综合考核排名与末位淘汰档", _ranking),
                 ("五个强化", "五个强化各维度（按单位）", _five))


def report_charts(result: RunResult) -> list[Chart]:
    """The report's charts that have data behind them, in a fixed order."""
    charts = []
    for key, title, draw in REPORT_CHARTS:
        png = _styled(lambda: draw(result))
        if png is not None:
            charts.append(Chart(key, title, png))
    return charts


# --------------------------------------------------------------------------- sweep chart

def sweep_chart(doc: dict[str, Any]) -> bytes:
    """Leaders per consequence against the swept value; one panel per year."""
    def draw() -> Any:
        from matplotlib import colormaps

        years = doc["years"]
        fig = _figure(10, 3.6 * len(years) + 0.6)
        axes = fig.subplots(len(years), 1, squeeze=False)[:, 0]
        palette = colormaps["tab20"]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in doc["values"])
        for ax, year in zip(axes, years):
            rows = [r for r in doc["rows"] if r["year"] == year]
            xs = [r["value"] for r in rows] if numeric else list(range(len(rows)))
            for i, code in enumerate(doc["codes"]):
                ys = [r["counts"][code["code"]] for r in rows]
                if not any(ys):
                    continue
                if len(set(ys)) == 1:  # flat lines would hide the ones that move: draw them faint
                    ax.plot(xs, ys, color=palette(i % 20), linestyle=":", linewidth=1,
                            label=f"{code['label']}（不随取值变化）")
                else:
                    ax.plot(xs, ys, marker="o", color=palette(i % 20), linewidth=2.4, label=code["label"])
            ax.set_ylim(bottom=0)
            if not numeric:
                from engine.xlsxio import format_value

                ax.set_xticks(xs, [format_value(r["value"]) for r in rows])
            ax.set_title(f"{year}年度：参数 {doc['parameter']} 各取值下触发各项后果的人数", fontsize=11)
            ax.set_xlabel(f"{doc['parameter']} 取值")
            ax.set_ylabel("人数")
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.grid(alpha=0.3)
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
        return fig

    return _styled(draw)


# --------------------------------------------------------------------------- into a workbook

def add_charts(wb: Any, charts: list[Chart], title: str = "图表") -> tuple[Any, str] | None:
    """A sheet with the charts one below the other, each under its title and on its own printed page.

    Returns the sheet and its print area (to set again after any generic print setup, which
    would only see the title cells in column A)."""
    if not charts:
        return None
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font
    from openpyxl.worksheet.pagebreak import Break

    ws = wb.create_sheet(title)
    row, widest = 1, 0
    for chart in charts:
        if row > 1:
            ws.row_breaks.append(Break(id=row - 1))
        ws.cell(row=row, column=1, value=chart.title).font = Font(bold=True, size=12)
        image = Image(io.BytesIO(chart.png))
        ws.add_image(image, f"A{row + 1}")
        row += 3 + int(math.ceil(image.height / 20))
        widest = max(widest, image.width)
    # The print area must span the pictures, not only the title cells in column A (default columns ~64 px).
    from openpyxl.utils import get_column_letter

    area = f"A1:{get_column_letter(int(math.ceil(widest / 64)) + 1)}{row}"
    ws.print_area = area
    return ws, area
