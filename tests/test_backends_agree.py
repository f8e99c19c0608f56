"""Differential test: the durable and vectorized backends give byte-identical JSON.

Random workbooks cover every shipped rule family, the SPEC 4b packs too (dates around the as-of
day, 30-day deadlines and anniversaries; calendar.as_of, rotation.scope, audit.mode and the
off-by-default switch varied): boundary points (3.99/4/6/10/12/14), missing
years (windows incomplete), tied and gapped ranks, both tie rules, header-only and absent
sheets, non-top leaders, units without a 一把手, and portfolio keywords holding regex
metacharacters (the rule copy's word lists get such words too).

Profiles: "ci" (default, short) and "long": SCORECARD_FUZZ=long python3 -m pytest tests/test_backends_agree.py
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.evaluation.scoring import evaluate, prepare, to_json
from engine.input.workbook import read_workbook
from engine.rules.load import load_scorecard
from projtools import copy_project
from engine.input.sheets import SECOND_WAVE
from wbtools import ANNUAL, DEDUCTIONS, EXPENDITURES, FIVE, IMAGE, PORTFOLIOS, ROSTER, header, make_workbook

LONG = os.environ.get("SCORECARD_FUZZ") == "long"
PROFILE = settings(max_examples=1500 if LONG else 25, deadline=None, derandomize=not LONG, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.function_scoped_fixture])

REPO = Path(__file__).resolve().parents[1]
SECOND_WAVE_NAMES = [(spec.zh, spec.en) for spec in SECOND_WAVE]
YEARS = (2022, 2023, 2024, 2025)
UNITS = {"甲镇": "乡镇", "乙镇": "乡镇", "丙镇": "乡镇", "丁局": "县直单位", "戊局": "县直单位", "己局": "县直单位",
         "庚局": "县直单位", "辛办": "其他"}
POINTS = (0.5, 1, 1.25, 2, 2.01, 3.99, 4, 5.99, 6, 9.99, 10, 12, 14)
# Words with regex metacharacters: added to the rule copy's keyword lists and written into portfolios.
META_WORDS = ["a.b", "(财务)", "资[金]", "会*计", "采购+", "^审批$", "x|y", "\\d", "一对一"]
PORTFOLIO_TEXT = st.sampled_from(
    ["财务", "分管 财务、人事", "组织人事", "招投标，政府采购", "资金审批;行政审批", "宣传", "ａ.ｂ", "a.b", "aXb",
     "(财务)", "财务)", "资[金]管理", "资金", "会*计", "会计", "采购+", "采购", "^审批$", "x|y", "\\d", "1",
     "一对一对口帮扶", "工  程招标", "", "、"])


@st.composite
def workbooks(draw):
    leaders = [f"L{i}" for i in range(draw(st.integers(1, 8)))]
    roster, deductions, five, portfolios = [ROSTER], [DEDUCTIONS], [FIVE], [PORTFOLIOS]
    for lid in leaders:
        years = draw(st.sets(st.sampled_from(YEARS), min_size=1))
        home = draw(st.sampled_from(sorted(UNITS)))
        for year in sorted(years):
            unit = home if draw(st.integers(0, 4)) else draw(st.sampled_from(sorted(UNITS)))
            top = draw(st.sampled_from(["是", "是", "否"]))
            roster.append([year, lid, f"干部{lid}", unit, UNITS[unit], "书记", top, dt.date(2019, 7, 1), "普通", "否",
                           None])
            for _ in range(draw(st.integers(0, 3))):
                deductions.append([year, lid, dt.date(year, 3, 5), "违规公务接待", draw(st.sampled_from(POINTS)), None])
            if draw(st.booleans()):
                cells = [draw(st.one_of(st.sampled_from([59.99, 60, 0, 100, 75.5]), st.sampled_from(["好", "较好", "一般", "差"])))
                         for _ in range(5)]
                five.append([year, lid, *cells])
            for _ in range(draw(st.integers(0, 2))):
                portfolios.append([year, lid, draw(PORTFOLIO_TEXT) or "宣传"])
    annual, image, expenditures = [ANNUAL], [IMAGE], [EXPENDITURES]
    for year in YEARS:
        for kind in ("乡镇", "县直单位"):
            units = [u for u in sorted(UNITS) if UNITS[u] == kind and draw(st.integers(0, 5))]
            annual += [[year, u, kind, r] for u, r in zip(units, _ranks(draw, len(units)))]
        for round_ in (1, 2):
            units = [u for u in sorted(UNITS) if draw(st.integers(0, 5))]
            image += [[year, round_, u, r] for u, r in zip(units, _ranks(draw, len(units)))]
        for _ in range(draw(st.integers(0, 3))):
            expenditures.append([year, draw(st.sampled_from(sorted(UNITS))), dt.date(year, 5, 1),
                                 draw(st.sampled_from([2999.99, 3000, 3000.01, 50000])), "采购",
                                 draw(st.sampled_from(["是", "否"]))])
    sheets = {"干部名册": roster, "廉政监督卡": deductions, "综合考核排名": annual, "形象测评": image,
              "分工": portfolios, "大额支出": expenditures, "五个强化": five,
              **_second_wave(draw, [(r[0], r[1], r[3]) for r in roster[1:]])}
    for name in list(sheets)[1:]:
        fate = draw(st.integers(0, 7))
        if fate == 0:
            del sheets[name]            # absent: its families are not evaluated
        elif fate == 1:
            sheets[name] = sheets[name][:1]  # header only
    return sheets


def _day(draw, year: int) -> dt.date:
    """A date near the boundaries that matter: year ends, mid-year, anniversaries, 30-day deadlines."""
    return dt.date(year, 1, 1) + dt.timedelta(days=draw(st.sampled_from([0, 29, 30, 31, 180, 181, 300, 364])))


def _second_wave(draw, leader_years: list[tuple[int, str, str]]) -> dict[str, list[list]]:
    """Rows for the SPEC 4b sheets of the same leaders: dates around as-of days, deadlines and anniversaries."""
    sheets: dict[str, list[list]] = {name: [header(en)] for name, en in SECOND_WAVE_NAMES}
    first: dict[str, tuple[int, str]] = {}
    for year, lid, unit in leader_years:
        first.setdefault(lid, (year, unit))
        if draw(st.booleans()):
            sheets["年度考核等次"].append([year, lid, draw(st.sampled_from(["优秀", "称职", "基本称职", "不称职"]))])
        if draw(st.booleans()):
            sheets["新提拔"].append([year, lid, _day(draw, year), draw(st.sampled_from([None, _day(draw, year)])),
                                  draw(st.sampled_from([None, 59.5, 60, 90])), draw(st.sampled_from(["是", "否", None])),
                                  draw(st.sampled_from(["无问题", "有问题", "未回复"])), draw(st.sampled_from(["是", "否"]))])
        if draw(st.booleans()):
            aspects = [draw(st.sampled_from([59, 60, 95, "差", "好"])) for _ in range(5)]
            sheets["廉政报告"].append([year, lid, draw(st.sampled_from([None, dt.date(year, 12, 20)])), *aspects,
                                   draw(st.sampled_from(["合格", "不合格", None]))])
        if draw(st.booleans()):
            sheets["责任清单"].append([year, lid, "主体责任", draw(st.sampled_from(["措施", None])), "办公室",
                                   draw(st.sampled_from([None, _day(draw, year)])), *(draw(st.sampled_from(["是", "否"]))
                                                                                   for _ in range(3)),
                                   draw(st.sampled_from(["已完成", "未完成"])), None])
    for lid, (year, unit) in sorted(first.items()):
        for _ in range(draw(st.integers(0, 2))):
            start = dt.date(draw(st.sampled_from([2010, 2013, 2016, 2019, 2020])), draw(st.sampled_from([1, 7])), 1)
            end = draw(st.sampled_from([None, None, dt.date(start.year + 3, 6, 30)]))
            sheets["任职经历"].append([lid, unit, draw(st.sampled_from(["甲股", None])), "股长",
                                   draw(st.sampled_from(["普通", "审批", "人财物"])), draw(st.sampled_from(["是", "否"])),
                                   draw(st.sampled_from(["是", "否"])), start, end])
        if draw(st.booleans()):
            end = _day(draw, year)
            sheets["试用期考核"].append([lid, end - dt.timedelta(days=365), end,
                                    draw(st.sampled_from([None, end + dt.timedelta(days=20)])),
                                    draw(st.sampled_from([None, "合格", "不合格"]))])
        for _ in range(draw(st.integers(0, 2))):
            sheets["经济责任审计"].append([lid, unit, "任中", _day(draw, draw(st.sampled_from(YEARS))),
                                     draw(st.sampled_from(["无", "一般", "较多", "严重违纪", "涉嫌犯罪"]))])
        for _ in range(draw(st.integers(0, 2))):
            occurred = _day(draw, draw(st.sampled_from(YEARS)))
            sheets["个人重大事项"].append([lid, "其他", occurred,
                                     draw(st.sampled_from([None, occurred + dt.timedelta(days=30),
                                                           occurred + dt.timedelta(days=31)])),
                                     draw(st.sampled_from(["一致", "不一致", None]))])
        for _ in range(draw(st.integers(0, 3))):
            sheets["谈话记录"].append([lid, _day(draw, draw(st.sampled_from(YEARS))),
                                   draw(st.sampled_from(["任职谈话", "提醒谈话", "其他"])), None])
        if draw(st.booleans()):
            due = _day(draw, year)
            sheets["巡察整改"].append([unit, f"XC-{lid}", "问题", lid, due,
                                   draw(st.sampled_from([None, due, due + dt.timedelta(days=400)]))])
    for name in list(sheets):
        fate = draw(st.integers(0, 5))
        if fate == 0:
            del sheets[name]
        elif fate == 1:
            sheets[name] = sheets[name][:1]
    return sheets


def _ranks(draw, n: int) -> list[int]:
    """Competition ranks (1,2,2,4…) with ties, as a valid 名次 column."""
    scores = [draw(st.integers(0, 3)) for _ in range(n)]
    return [1 + sum(other > s for other in scores) for s in scores]


@st.composite
def scenarios(draw):
    overrides = {}
    if draw(st.booleans()):
        overrides["card.disqualify_awards"] = draw(st.sampled_from([3.99, 4, 6]))
    if draw(st.booleans()):
        overrides["ranking.tie_position"] = "n_minus_rank_plus_1"  # the non-default reading
    if draw(st.booleans()):
        overrides["elimination.require_tenure"] = False
    if draw(st.booleans()):
        overrides["elimination.county_dept.single_year"] = draw(st.sampled_from([[], [1], [1, 2, 3]]))
    if draw(st.booleans()):
        overrides["calendar.as_of"] = draw(st.sampled_from(["06-30", "02-29", "01-01"]))
    if draw(st.booleans()):
        overrides["rotation.scope"] = "all"
    if draw(st.booleans()):
        overrides["audit.mode"] = "every_n_years"
    if draw(st.booleans()):
        overrides["demote_bottom.enabled"] = True
    return draw(st.sampled_from([None, "strict.yaml"])), overrides


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the shipped rules whose keyword lists also hold regex metacharacters."""
    root = tmp_path_factory.mktemp("project")
    copy_project(root)
    for path in sorted((root / "rules").glob("DIRECT_CHARGE_*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name in data.get("lists", {}):
            data["lists"][name] = data["lists"][name] + META_WORDS
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _both(book, card, years=None) -> tuple[str, str]:
    prepared = prepare(book, years, card.values())
    return to_json(evaluate(prepared, card, "durable")), to_json(evaluate(prepared, card, "vectorized"))


def test_sample_workbook_identical_every_year():
    book = read_workbook(REPO / "scorecards" / "samples" / "sample_county.xlsx")
    years = sorted(int(y) for y in book.tables["roster"]["year"].unique())
    durable, vector = _both(book, load_scorecard(), years)
    assert durable == vector
    assert '"code":"DEMOTE_REMOVE_OR_RESIGN"' in durable and '"code":"DIRECT_CHARGE_VIOLATION"' in durable


@PROFILE
@given(workbooks(), scenarios(), st.booleans())
def test_backends_give_byte_identical_json(project, sheets, scenario, all_years):
    from engine.rules import load
    name, overrides = scenario
    with pytest.MonkeyPatch.context() as mp:
        for attr, value in (("PROJECT_ROOT", project), ("RULES_DIR", project / "rules"),
                            ("SOURCES_DIR", project / "rules" / "sources"), ("SCORECARDS_DIR", project / "scorecards"),
                            ("DEFAULT_SCORECARD", project / "scorecards" / "county.yaml")):
            mp.setattr(load, attr, value)
        card = load_scorecard(scenario=project / "scorecards" / "scenarios" / name if name else None,
                              overrides=overrides)
        with tempfile.TemporaryDirectory() as tmp:
            book = read_workbook(make_workbook(Path(tmp), sheets), lenient=True)
            years = sorted(int(y) for y in book.tables["roster"]["year"].unique()) if all_years else None
            durable, vector = _both(book, card, years)
    assert durable == vector
