"""A realistic, fictional sample workbook: 清河县, assessment years 2023–2025.

Everything is spelled out or derived by fixed arithmetic (no randomness, no "now"),
so `write_sample` always produces the same file. The data is background (clean
leaders and units) plus planted cases that, in 2025, fire every consequence code of
SPEC 3.1–3.5 or just miss it; PLANTED_CASES lists them and `render_readme` turns
that list into scorecards/samples/README.md. The second-wave sheets (SPEC 4b) and their
planted cases (PACK_CASES) live in engine/input/sample_packs.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from engine.xlsxio import fit_columns, save_workbook_stable, write_header, write_rows
from engine.input.sheets import FIVE_DIMENSIONS, SHEETS, Kind
from engine.input.sample_packs import MIDDLE_POSTS, PACK_CASES, PACK_FAMILY_TITLES, PackCase, pack_rows

COUNTY = "清河县"
YEARS: tuple[int, ...] = (2023, 2024, 2025)
LATEST = 2025

# ----------------------------------------------------------------------------- units

TOWNSHIPS = ("城关镇", "柳河镇", "桃源镇", "石桥镇", "白沙镇", "青山乡", "杏林镇", "双河乡")
DEPARTMENTS = ("县发改局", "县财政局", "县教育局", "县人社局", "县市场监管局",
               "县交通运输局", "县卫健局", "县农业农村局", "县自然资源局", "县住建局")
OTHERS = ("县供销合作社", "县城投集团")


def unit_type(unit: str) -> str:
    if unit in TOWNSHIPS:
        return "乡镇"
    if unit in DEPARTMENTS:
        return "县直单位"
    return "其他"


ALL_UNITS: tuple[str, ...] = TOWNSHIPS + DEPARTMENTS + OTHERS

# ----------------------------------------------------------------------------- leaders


@dataclass(frozen=True)
class Post:
    """One person in one post over some years (a promotion is a second Post)."""

    leader_id: str
    name: str
    unit: str
    title: str
    is_top: bool
    since: date
    portfolio: tuple[str, ...]     # one cell per 分工 row
    years: tuple[int, ...] = YEARS
    probation_end: date | None = None


def _p(leader_id: str, name: str, unit: str, title: str, is_top: bool, since: str,
       *portfolio: str, years: tuple[int, ...] = YEARS, probation: str | None = None) -> Post:
    return Post(leader_id, name, unit, title, is_top, date.fromisoformat(since), portfolio,
                years, date.fromisoformat(probation) if probation else None)


T, F = True, False
POSTS: tuple[Post, ...] = (
    # 乡镇
    _p("QH001", "王建国", "城关镇", "党委书记", T, "2019-11-20", "主持党委全面工作", "党风廉政建设"),
    _p("QH002", "李卫东", "城关镇", "镇长", T, "2021-03-15", "主持政府全面工作"),
    _p("QH003", "张丽华", "城关镇", "副镇长", F, "2020-06-08", "农业农村、乡村振兴"),
    _p("QH004", "刘志强", "城关镇", "副镇长", F, "2022-01-10", "城乡建设", "安全生产"),
    _p("QH005", "陈文斌", "柳河镇", "党委书记", T, "2020-04-01", "主持党委全面工作"),
    _p("QH006", "周海涛", "柳河镇", "镇长", T, "2020-09-01", "主持政府全面工作", years=(2023, 2024)),
    _p("QH007", "杨晓明", "柳河镇", "副镇长", F, "2021-06-01", "财务、招商引资", years=(2023, 2024)),
    _p("QH007", "杨晓明", "柳河镇", "镇长", T, "2025-01-10", "主持政府全面工作",
       years=(2025,), probation="2026-01-09"),
    _p("QH008", "赵春燕", "柳河镇", "副镇长", F, "2019-08-15", "社会事务、民政"),
    _p("QH009", "黄志刚", "桃源镇", "党委书记", T, "2018-12-03", "主持党委全面工作"),
    _p("QH010", "吴国平", "桃源镇", "镇长", T, "2021-09-06", "主持政府全面工作"),
    _p("QH011", "徐敏", "桃源镇", "副镇长", F, "2022-03-01", "财务、审计"),
    _p("QH012", "孙立新", "石桥镇", "党委书记", T, "2020-01-06", "主持党委全面工作"),
    _p("QH013", "马红梅", "石桥镇", "镇长", T, "2022-05-20", "主持政府全面工作"),
    _p("QH014", "朱建华", "石桥镇", "副镇长", F, "2017-07-01", "城建、交通"),
    _p("QH015", "胡永军", "白沙镇", "党委书记", T, "2019-03-11", "主持党委全面工作"),
    _p("QH016", "郭淑芬", "白沙镇", "镇长", T, "2021-12-01", "主持政府全面工作"),
    _p("QH017", "何俊峰", "白沙镇", "副镇长", F, "2018-10-15", "物资采购、工程招标"),
    _p("QH018", "高建平", "青山乡", "党委书记", T, "2021-04-12", "主持党委全面工作"),
    _p("QH019", "林秀英", "青山乡", "乡长", T, "2022-08-29", "主持政府全面工作"),
    _p("QH020", "罗明亮", "青山乡", "副乡长", F, "2019-05-06", "林业、水利"),
    _p("QH021", "郑宏伟", "杏林镇", "党委书记", T, "2020-11-02", "主持党委全面工作"),
    _p("QH022", "梁玉兰", "杏林镇", "镇长", T, "2021-07-19", "主持政府全面工作"),
    _p("QH023", "宋家豪", "杏林镇", "副镇长", F, "2020-02-24", "行政审批、营商环境"),
    _p("QH024", "谢德明", "双河乡", "党委书记", T, "2019-06-17", "主持党委全面工作"),
    _p("QH025", "韩桂芝", "双河乡", "乡长", T, "2020-10-26", "主持政府全面工作"),
    _p("QH026", "唐文军", "双河乡", "副乡长", F, "2016-09-05", "人事、财务"),
    # 县直单位
    _p("QH027", "冯振华", "县发改局", "党组书记", T, "2019-02-18", "主持党组全面工作"),
    _p("QH028", "于海燕", "县发改局", "局长", T, "2020-07-13", "主持全面工作"),
    _p("QH029", "董建设", "县发改局", "副局长", F, "2018-04-09", "项目审批", "重点项目"),
    _p("QH030", "萧国栋", "县财政局", "党组书记", T, "2021-01-04", "主持党组全面工作"),
    _p("QH031", "程丽娟", "县财政局", "局长", T, "2021-01-04", "主持全面工作"),
    _p("QH032", "曹永强", "县财政局", "副局长", F, "2017-03-20", "财务、人事"),
    _p("QH033", "袁晓东", "县财政局", "副局长", F, "2022-06-06", "国库、政府采购"),
    _p("QH066", "廖国华", "县财政局", "副局长", F, "2015-05-01", "预算编制", years=(2023,)),
    _p("QH034", "邓志明", "县教育局", "党组书记", T, "2019-09-02", "主持党组全面工作"),
    _p("QH035", "许文华", "县教育局", "局长", T, "2020-03-16", "主持全面工作"),
    _p("QH036", "傅春生", "县教育局", "副局长", F, "2018-08-27", "基础教育、招生考试"),
    _p("QH037", "沈雅琴", "县教育局", "副局长", F, "2024-03-01", "财务、后勤", years=(2024, 2025)),
    _p("QH038", "曾庆丰", "县人社局", "党组书记", T, "2020-05-11", "主持党组全面工作"),
    _p("QH039", "彭晓燕", "县人社局", "局长", T, "2022-02-14", "主持全面工作"),
    _p("QH040", "吕德胜", "县人社局", "副局长", F, "2019-11-04", "人事、社会保险"),
    _p("QH041", "苏振东", "县市场监管局", "党组书记", T, "2018-06-25", "主持党组全面工作"),
    _p("QH042", "卢美玲", "县市场监管局", "局长", T, "2021-10-18", "主持全面工作"),
    _p("QH043", "蒋立军", "县市场监管局", "副局长", F, "2020-12-07", "行政审批、食品安全"),
    _p("QH044", "蔡宏亮", "县交通运输局", "党组书记", T, "2019-04-22", "主持党组全面工作"),
    _p("QH045", "贾世平", "县交通运输局", "局长", T, "2020-08-03", "主持全面工作"),
    _p("QH046", "丁晓峰", "县交通运输局", "副局长", F, "2017-11-13", "工程招标、质量监督"),
    _p("QH047", "魏光明", "县卫健局", "党组书记", T, "2021-05-24", "主持党组全面工作"),
    _p("QH048", "薛红霞", "县卫健局", "局长", T, "2019-12-16", "主持全面工作"),
    _p("QH049", "叶承志", "县卫健局", "副局长", F, "2018-02-26", "医政管理、疾病预防"),
    _p("QH050", "阎建军", "县农业农村局", "党组书记", T, "2020-06-29", "主持党组全面工作"),
    _p("QH051", "余秀兰", "县农业农村局", "局长", T, "2021-08-09", "主持全面工作"),
    _p("QH052", "潘国强", "县农业农村局", "副局长", F, "2016-04-18", "财务、农田水利"),
    _p("QH053", "杜卫平", "县自然资源局", "党组书记", T, "2019-10-14", "主持党组全面工作"),
    _p("QH054", "戴小红", "县自然资源局", "局长", T, "2020-11-30", "主持全面工作"),
    _p("QH055", "夏志远", "县自然资源局", "副局长", F, "2018-09-10", "土地审批、不动产登记"),
    _p("QH056", "钟永福", "县住建局", "党组书记", T, "2018-03-05", "主持党组全面工作", years=(2023, 2024)),
    # a new 党组书记 from February 2025: not the unit's 一把手 at the 2024 round 2 image evaluation
    _p("QH067", "严立诚", "县住建局", "党组书记", T, "2025-02-10", "主持党组全面工作", years=(2025,)),
    _p("QH057", "汪建峰", "县住建局", "局长", T, "2020-02-17", "主持全面工作"),
    _p("QH058", "田晓琳", "县住建局", "副局长", F, "2019-07-22", "工程招标、建筑市场"),
    _p("QH059", "任鹏飞", "县住建局", "副局长", F, "2024-07-01", "城市管理",
       years=(2024, 2025), probation="2025-06-30"),
    # 其他
    _p("QH060", "姜德华", "县供销合作社", "党组书记", T, "2019-01-14", "主持党组全面工作"),
    _p("QH061", "范明轩", "县供销合作社", "主任", T, "2021-04-06", "主持全面工作", years=(2023, 2024)),
    # a change of post in 2025 with no audit (ECONOMIC_AUDIT_MISSING_ON_CHANGE); QH064 changes too, audited
    _p("QH061", "范明轩", "县供销合作社", "党组副书记、主任", T, "2025-01-06", "主持全面工作", years=(2025,)),
    _p("QH062", "方玉珍", "县供销合作社", "副主任", F, "2018-05-21", "财务、资产管理"),
    _p("QH063", "石文涛", "县城投集团", "党委书记、董事长", T, "2020-09-21", "主持党委和董事会全面工作"),
    _p("QH064", "姚志宏", "县城投集团", "总经理", T, "2021-06-28", "主持经营管理全面工作", years=(2023, 2024)),
    _p("QH064", "姚志宏", "县城投集团", "党委副书记、总经理", T, "2025-01-08", "主持经营管理全面工作", years=(2025,)),
    _p("QH065", "谭丽萍", "县城投集团", "副总经理", F, "2019-03-25", "融资、工程招标"),
    # 中层 (股长) whose post history feeds 轮岗交流 (engine/input/sample_packs.py MIDDLE_POSTS)
    _p("QH068", "周文静", "县财政局", "预算股股长", F, "2019-12-31", "预算编制"),
    _p("QH069", "陈立新", "县财政局", "国库股副股长", F, "2020-01-01", "国库集中支付"),
    _p("QH070", "李秀梅", "县人社局", "社保股股长", F, "2020-06-01", "社会保险经办"),
    _p("QH071", "王志军", "县自然资源局", "审批股股长", F, "2018-03-01", "用地审批"),
    _p("QH072", "赵敏", "县市场监管局", "登记股股长", F, "2018-01-01", "市场主体登记"),
    _p("QH073", "孙海燕", "县教育局", "教育股股长", F, "2024-09-01", "义务教育管理",
       years=(2024, 2025), probation="2025-08-31"),
)
MIDDLE_LEVEL = frozenset(MIDDLE_POSTS)

# 2025 分工 that replace a post's usual cells: the planted 五个不直接分管 cases.
PORTFOLIO_2025: dict[str, tuple[str, ...]] = {
    "QH031": ("主持全面工作", "财务、人事"),            # 局长 directly in charge of two categories
    "QH035": ("主持全面工作", "政府采购"),              # synonym of 物资采购
    "QH002": ("主持政府全面工作，行政审批\u3000",),      # full-width comma + full-width space
    "QH010": ("主持政府全面工作", "工程招投标"),         # synonym of 工程招标
    "QH022": ("主持全面工作",),                         # only 主持全面工作: no violation
    "QH048": ("主持全面工作", "財務管理"),               # traditional characters: 財務 matches 财务
    "QH028": ("主持全面工作", "联系财政工作"),           # 联系 wording: not 直接分管 (exclusion list)
}

# ----------------------------------------------------------------------------- 廉政监督卡

# Sample catalogue (本地参数: the seeds name the behaviours, not the points).
CARD_CATALOGUE: dict[str, tuple[float, str]] = {
    "违规公务接待": (1, "超标准接待上级检查组，已退赔"),
    "公款吃喝": (1, "以开会名义公款聚餐"),
    "工作日饮酒": (0.5, "工作日午间饮酒"),
    "公车私用": (1.5, "节假日公车私用"),
    "个人有关事项未如实报告": (1.5, "漏报房产一处"),
    "违规配用交通工具": (2, "超标准配备公务用车"),
    "违规发放津补贴": (2, "自行提高加班补贴标准"),
    "违规操办婚丧喜庆事宜": (2, "操办子女婚宴超规模"),
    "收受礼金礼品": (3, "春节期间收受管理服务对象礼品"),
    "插手工程承包": (3, "为亲属承揽辖区工程打招呼"),
}

# (leader_id, year) -> items; points come from the catalogue.
DEDUCTIONS: dict[tuple[str, int], tuple[str, ...]] = {
    # planted card cases (see PLANTED_CASES)
    ("QH003", 2023): ("公款吃喝",),
    ("QH003", 2024): ("违规发放津补贴",),
    ("QH003", 2025): ("违规公务接待", "个人有关事项未如实报告", "公车私用"),            # 4
    ("QH004", 2025): ("违规配用交通工具", "公车私用"),                                  # 3.5
    ("QH011", 2024): ("违规公务接待",),
    ("QH011", 2025): ("收受礼金礼品", "违规发放津补贴", "公款吃喝"),                    # 6
    ("QH014", 2025): ("插手工程承包", "收受礼金礼品", "违规操办婚丧喜庆事宜", "违规配用交通工具"),  # 10
    ("QH017", 2024): ("收受礼金礼品", "违规发放津补贴"),                                # 5
    ("QH017", 2025): ("插手工程承包", "违规配用交通工具", "个人有关事项未如实报告", "工作日饮酒"),  # 7
    ("QH020", 2023): ("公款吃喝",),                                                     # 1
    ("QH020", 2024): ("收受礼金礼品", "违规操办婚丧喜庆事宜", "违规公务接待"),          # 6
    ("QH020", 2025): ("插手工程承包", "公车私用", "违规公务接待"),                      # 5.5
    ("QH023", 2024): ("收受礼金礼品", "违规配用交通工具", "工作日饮酒"),                # 5.5
    ("QH023", 2025): ("违规发放津补贴", "违规操办婚丧喜庆事宜", "违规公务接待", "公款吃喝"),  # 6
    ("QH026", 2023): ("收受礼金礼品", "违规配用交通工具"),                              # 5
    ("QH026", 2024): ("违规发放津补贴", "违规公务接待", "公款吃喝"),                    # 4
    ("QH026", 2025): ("插手工程承包", "违规操办婚丧喜庆事宜"),                          # 5
    ("QH029", 2023): ("违规配用交通工具", "违规发放津补贴"),                            # 4
    ("QH029", 2024): ("收受礼金礼品", "违规操办婚丧喜庆事宜"),                          # 5
    ("QH029", 2025): ("插手工程承包", "个人有关事项未如实报告"),                        # 4.5
    ("QH037", 2024): ("收受礼金礼品", "违规发放津补贴", "公款吃喝"),                    # 6
    ("QH037", 2025): ("插手工程承包", "违规配用交通工具", "违规操办婚丧喜庆事宜"),      # 7
    # background: small deductions that trigger nothing
    ("QH002", 2024): ("违规公务接待",),
    ("QH006", 2024): ("违规公务接待", "公款吃喝"),
    ("QH010", 2025): ("工作日饮酒",),
    ("QH019", 2025): ("违规发放津补贴",),
    ("QH028", 2023): ("违规配用交通工具",),
    ("QH040", 2025): ("违规公务接待", "公款吃喝"),
    ("QH045", 2025): ("公车私用",),
    ("QH049", 2023): ("公款吃喝",),
    ("QH052", 2025): ("工作日饮酒",),
    ("QH057", 2024): ("违规发放津补贴",),
    ("QH057", 2025): ("违规公务接待",),
    ("QH063", 2025): ("违规配用交通工具",),
    ("QH065", 2024): ("公车私用",),
    ("QH066", 2023): ("个人有关事项未如实报告",),
}

# ----------------------------------------------------------------------------- rankings


def _ranked(*units: str, ties: dict[str, int] | None = None) -> tuple[tuple[str, int], ...]:
    """Units best first; rank = position unless `ties` gives a shared rank."""
    ties = ties or {}
    return tuple((unit, ties.get(unit, pos)) for pos, unit in enumerate(units, start=1))


# year -> category -> (unit, rank); bottom position b = N - rank + 1 (tied units: see ranking.tie_position).
ANNUAL_RANKING: dict[int, dict[str, tuple[tuple[str, int], ...]]] = {
    2023: {
        "乡镇": _ranked("城关镇", "石桥镇", "桃源镇", "白沙镇", "双河乡", "青山乡", "杏林镇", "柳河镇",
                      ties={"白沙镇": 3}),
        "县直单位": _ranked("县财政局", "县发改局", "县教育局", "县人社局", "县卫健局", "县住建局",
                        "县交通运输局", "县市场监管局", "县农业农村局", "县自然资源局"),
        "其他": _ranked("县供销合作社", "县城投集团"),
    },
    2024: {
        "乡镇": _ranked("桃源镇", "城关镇", "双河乡", "石桥镇", "杏林镇", "白沙镇", "柳河镇", "青山乡"),
        "县直单位": _ranked("县财政局", "县发改局", "县卫健局", "县教育局", "县农业农村局",
                        "县市场监管局", "县交通运输局", "县人社局", "县住建局", "县自然资源局"),
        "其他": _ranked("县城投集团", "县供销合作社"),
    },
    2025: {
        "乡镇": _ranked("城关镇", "桃源镇", "石桥镇", "杏林镇", "白沙镇", "柳河镇", "青山乡", "双河乡"),
        # 县自然资源局 and 县住建局 tied for last (9, 9): both 倒数第一 (SPEC 2, ranking.tie_position).
        "县直单位": _ranked("县发改局", "县财政局", "县教育局", "县人社局", "县市场监管局",
                        "县交通运输局", "县卫健局", "县农业农村局", "县自然资源局", "县住建局",
                        ties={"县住建局": 9}),
        "其他": _ranked("县供销合作社", "县城投集团"),
    },
}

# (year, round) -> (unit, rank); only 县直单位 (行政机关、经济管理部门) are evaluated.
IMAGE_RANKING: dict[tuple[int, int], tuple[tuple[str, int], ...]] = {
    (2023, 1): _ranked("县财政局", "县教育局", "县发改局", "县人社局", "县卫健局", "县交通运输局",
                       "县市场监管局", "县住建局", "县农业农村局", "县自然资源局",
                       ties={"县交通运输局": 5}),
    (2023, 2): _ranked("县教育局", "县财政局", "县发改局", "县交通运输局", "县人社局", "县卫健局",
                       "县住建局", "县市场监管局", "县自然资源局", "县农业农村局"),
    (2024, 1): _ranked("县财政局", "县发改局", "县教育局", "县卫健局", "县人社局", "县市场监管局",
                       "县交通运输局", "县农业农村局", "县住建局", "县自然资源局"),
    (2024, 2): _ranked("县发改局", "县教育局", "县财政局", "县人社局", "县卫健局", "县交通运输局",
                       "县自然资源局", "县农业农村局", "县市场监管局", "县住建局"),
    (2025, 1): _ranked("县发改局", "县财政局", "县教育局", "县交通运输局", "县自然资源局",
                       "县市场监管局", "县农业农村局", "县卫健局", "县人社局", "县住建局"),
    # 县市场监管局 and 县交通运输局 tied 7th of 10 (the 4th and 3rd from the bottom): both 倒数第三 by default.
    (2025, 2): _ranked("县财政局", "县教育局", "县发改局", "县卫健局", "县农业农村局", "县住建局",
                       "县市场监管局", "县交通运输局", "县自然资源局", "县人社局", ties={"县交通运输局": 7}),
}

# ----------------------------------------------------------------------------- 大额支出

_SPEND_ITEMS = ("办公楼维修", "信息化设备购置", "业务培训", "宣传印刷", "会议费", "车辆维修",
                "办公用品", "差旅费")

# Planted 2025 rows: (unit, date, amount, item, countersigned).
EXPENDITURES_2025: tuple[tuple[str, str, float, str, bool], ...] = (
    ("县卫健局", "2025-06-18", 3000, "医疗设备维修", False),            # exactly 3000: fires
    ("白沙镇", "2025-04-09", 2999.99, "防汛物资采购", False),           # 2999.99: does not fire
    ("县农业农村局", "2025-03-12", 15800, "农业技术培训", False),       # fires
    ("县农业农村局", "2025-08-21", 42000, "高标准农田项目设计费", False),  # fires
    ("县农业农村局", "2025-10-15", 2500, "办公用品", False),            # below 3000: not counted
    ("县城投集团", "2025-05-27", 86000, "道路养护工程款", True),        # countersigned: fine
)

# ----------------------------------------------------------------------------- 五个强化

# Planted 2025 rows, dimensions in FIVE_DIMENSIONS order.
FIVE_2025: dict[str, tuple[float | str, ...]] = {
    "QH013": (88, 85, 59.5, 80, 86),                 # one dimension just below 60
    "QH012": (60, 75, 82, 60, 90),                   # exactly 60: not below
    "QH055": ("较好", "好", 78, "差", 80),            # 差 = 50 under the default grade map
    "QH049": ("一般", "一般", "一般", "一般", "一般"),  # 一般 = 70
    "QH064": (72, 55, 58, 75, 80),                   # two weak dimensions
}
_BACKGROUND_GRADES = ("好", "较好", "一般")


def _number(leader_id: str) -> int:
    return int(leader_id[2:])


def _background_five(leader_id: str, year: int) -> tuple[float | str, ...]:
    """Scores 65–97.5 or grades 好/较好/一般, mixed within a row; never weak."""
    n = _number(leader_id)
    cells: list[float | str] = []
    for d in range(len(FIVE_DIMENSIONS)):
        key = n * 7 + year * 3 + d * 11
        if (n + year + d) % 5 == 0:
            cells.append(_BACKGROUND_GRADES[key % 3])
        else:
            cells.append(65 + key % 33 + (0.5 if key % 4 == 0 else 0))
    return tuple(cells)


# ----------------------------------------------------------------------------- rows


def posts_in(year: int) -> list[Post]:
    return sorted((p for p in POSTS if year in p.years), key=lambda p: p.leader_id)


def _post_kind(post: Post) -> str:
    text = "、".join(post.portfolio)
    if any(word in text for word in ("财务", "人事", "采购", "招标")):
        return "人财物"
    return "审批" if "审批" in text else "普通"


def roster_rows() -> list[dict[str, Any]]:
    return [
        {"year": year, "leader_id": p.leader_id, "name": p.name, "unit": p.unit,
         "unit_type": unit_type(p.unit), "title": p.title, "is_top": "是" if p.is_top else "否",
         "post_since": p.since, "post_kind": _post_kind(p),
         "middle_level": "是" if p.leader_id in MIDDLE_LEVEL else "否",
         "probation_end": p.probation_end}
        for year in YEARS for p in posts_in(year)
    ]


def deduction_rows() -> list[dict[str, Any]]:
    rows = []
    for (leader_id, year), items in sorted(DEDUCTIONS.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for k, item in enumerate(items):
            points, note = CARD_CATALOGUE[item]
            day = 8 + _number(leader_id) % 17
            rows.append({"year": year, "leader_id": leader_id, "date": date(year, 2 + 3 * k, day),
                         "item": item, "points": points, "note": note})
    return rows


def annual_ranking_rows() -> list[dict[str, Any]]:
    return [{"year": year, "unit": unit, "unit_type": category, "rank": rank}
            for year in YEARS for category, ranking in ANNUAL_RANKING[year].items()
            for unit, rank in ranking]


def image_ranking_rows() -> list[dict[str, Any]]:
    return [{"year": year, "round": rnd, "unit": unit, "rank": rank}
            for (year, rnd), ranking in sorted(IMAGE_RANKING.items()) for unit, rank in ranking]


def portfolio_rows() -> list[dict[str, Any]]:
    rows = []
    for year in YEARS:
        for post in posts_in(year):
            cells = PORTFOLIO_2025.get(post.leader_id, post.portfolio) if year == LATEST \
                else post.portfolio
            rows += [{"year": year, "leader_id": post.leader_id, "portfolio": c} for c in cells]
    return rows


def _background_spending(u: int, year: int) -> list[dict[str, Any]]:
    """Per unit and year: one large countersigned payment, one small one (< 3000)."""
    unit = ALL_UNITS[u]
    large = 3000 + ((u * 1379 + year * 17) % 90) * 500
    small = 500 + ((u * 613 + year * 7) % 24) * 100
    return [
        {"year": year, "unit": unit, "date": date(year, 1 + (u + 2) % 12, 5 + u),
         "amount": large, "item": _SPEND_ITEMS[(u + year) % len(_SPEND_ITEMS)], "countersigned": "是"},
        {"year": year, "unit": unit, "date": date(year, 1 + (u + 7) % 12, 6 + u),
         "amount": small, "item": _SPEND_ITEMS[(u + year + 3) % len(_SPEND_ITEMS)],
         "countersigned": "是" if (u + year) % 2 else "否"},
    ]


def expenditure_rows() -> list[dict[str, Any]]:
    rows = [r for year in YEARS for u in range(len(ALL_UNITS)) for r in _background_spending(u, year)]
    rows += [{"year": LATEST, "unit": unit, "date": date.fromisoformat(day), "amount": amount,
              "item": item, "countersigned": "是" if signed else "否"}
             for unit, day, amount, item, signed in EXPENDITURES_2025]
    return sorted(rows, key=lambda r: (r["year"], ALL_UNITS.index(r["unit"]), r["date"]))


def five_rows() -> list[dict[str, Any]]:
    rows = []
    for year in YEARS:
        for post in posts_in(year):
            cells = FIVE_2025.get(post.leader_id) if year == LATEST else None
            cells = cells or _background_five(post.leader_id, year)
            row: dict[str, Any] = {"year": year, "leader_id": post.leader_id}
            row.update({dim.en: cell for dim, cell in zip(FIVE_DIMENSIONS, cells)})
            rows.append(row)
    return rows


def build_sample() -> dict[str, list[dict[str, Any]]]:
    """Sheet (English name) -> rows keyed by ColumnSpec.en; every column present."""
    raw = {
        "roster": roster_rows(),
        "deductions": deduction_rows(),
        "annual_ranking": annual_ranking_rows(),
        "image_ranking": image_ranking_rows(),
        "portfolios": portfolio_rows(),
        "expenditures": expenditure_rows(),
        "five_reinforcements": five_rows(),
    }
    raw.update(pack_rows(list(POSTS), raw["roster"], raw["deductions"], _post_kind))
    return {spec.en: [{c.en: row.get(c.en) for c in spec.columns} for row in raw[spec.en]]
            for spec in SHEETS}


def write_sample(path: Path) -> None:
    """Write the sample workbook (Chinese headers, all seven sheets) to exactly `path`."""
    data = build_sample()
    wb = Workbook()
    wb.remove(wb.active)
    for spec in SHEETS:
        ws = wb.create_sheet(spec.zh)
        write_header(ws, 1, [c.zh for c in spec.columns])
        write_rows(ws, 2, ([row[c.en] for c in spec.columns] for row in data[spec.en]))
        for col, column in enumerate(spec.columns, start=1):
            if column.kind is Kind.DATE:
                for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        fit_columns(ws)
    save_workbook_stable(wb, Path(path))


# ----------------------------------------------------------------------------- planted cases


@dataclass(frozen=True)
class PlantedCase:
    """What the sample should produce in 2025 for some leaders in one rule family."""

    family: str                     # card / elimination / image / direct_charge / countersign / five
    leader_ids: tuple[str, ...]
    expect: tuple[str, ...]         # consequence codes of this family in 2025; () = must not fire
    why_zh: str
    why_en: str


def _c(family: str, ids: str, expect: str, why_zh: str, why_en: str) -> PlantedCase:
    return PlantedCase(family, tuple(ids.split()), tuple(expect.split()), why_zh, why_en)


DA, WB, DM = "DISQUALIFY_AWARDS", "WITHHOLD_BONUS_50", "DEMOTE_REMOVE_OR_RESIGN"
PLANTED_CASES: tuple[PlantedCase, ...] = (
    # 3.1 廉政监督卡 (以上 = >=)
    _c("card", "QH003", DA, "2025年扣4分（恰好4分，含本数）；2024年2分、2023年1分",
       "exactly 4 points in 2025 (inclusive); 2024: 2, 2023: 1"),
    _c("card", "QH004", "", "2025年扣3.5分，不足4分", "3.5 points in 2025, below 4"),
    _c("card", "QH011", f"{DA} {WB}", "2025年扣6分（恰好6分）；两年合计7分", "exactly 6 points in 2025; 7 over two years"),
    _c("card", "QH014", f"{DA} {WB} {DM}", "2025年一年扣10分（条款 one_year）；2023、2024年为0",
       "10 points in one year (clause one_year); 0 in 2023 and 2024"),
    _c("card", "QH017", f"{DA} {WB} {DM}", "2024年5分+2025年7分=12分（条款 two_years，恰好12分）；三年合计12分",
       "2024: 5 + 2025: 7 = 12 (clause two_years, exactly 12); three years 12"),
    _c("card", "QH020", DA, "2024年6分+2025年5.5分=11.5分，不足12分；三年12.5分；2025年5.5分只够取消评先",
       "2024: 6 + 2025: 5.5 = 11.5 < 12; three years 12.5; 5.5 in 2025 is >=4 but <6"),
    _c("card", "QH023", f"{DA} {WB}", "2024年5.5分+2025年6分=11.5分，不足12分；2025年恰好6分",
       "2024: 5.5 + 2025: 6 = 11.5 < 12; exactly 6 in 2025"),
    _c("card", "QH026", f"{DA} {DM}", "2023年5分+2024年4分+2025年5分=14分（条款 three_years，恰好14分）；两年9分",
       "5 + 4 + 5 = 14 over 2023–2025 (clause three_years, exactly 14); two years 9"),
    _c("card", "QH029", DA, "2023年4分+2024年5分+2025年4.5分=13.5分，不足14分；两年9.5分",
       "4 + 5 + 4.5 = 13.5 < 14; two years 9.5"),
    _c("card", "QH037", f"{DA} {WB} {DM}",
       "2024年调入，2023年不在名册：2024年6分+2025年7分=13分（条款 two_years）；连续三年窗口不完整，三年累计为空（null）",
       "joined in 2024 (not on the 2023 roster): 6 + 7 = 13 (clause two_years); three-year window incomplete, "
       "deduction_points_3y is null"),
    # 3.2 末位淘汰 (b = N - rank + 1; units tied for last are all b = 1)
    _c("elimination", "QH024 QH025", "ELIMINATION_ADJUST_POST", "双河乡2025年排名第8/8，倒数第一（单年条款）",
       "双河乡 ranked 8 of 8 townships in 2025: b = 1 (single-year clause)"),
    _c("elimination", "QH005", "ELIMINATION_ADJUST_POST", "柳河镇2024年倒数第二、2025年倒数第三（连续二年条款）；党委书记两年均在任",
       "柳河镇 b = 2 in 2024 and b = 3 in 2025 (two-year clause); party secretary in post both years"),
    _c("elimination", "QH007", "MANUAL_REVIEW", "同上单位；杨晓明2024年是副镇长，2025年1月任镇长，任职未覆盖两年窗口 → 需人工复核",
       "same unit; 杨晓明 was deputy in 2024 and became 镇长 in January 2025, so not in the top post for the "
       "whole window → manual review instead of elimination"),
    _c("elimination", "QH018 QH019", "",
       "青山乡2024年倒数第一、2025年倒数第二：按字面（默认），2025年不满足连续二年条款（2024年适用单年条款）；"
       "情景 elimination_cumulative（两档合并读法）下认定",
       "青山乡 b = 1 in 2024, b = 2 in 2025: read literally (the default), not the two-year clause in 2025; "
       "caught under the elimination_cumulative scenario"),
    _c("elimination", "QH053 QH054", "ELIMINATION_ADJUST_POST",
       "县自然资源局2025年与县住建局并列第9名（共10个）：并列最后的单位都是倒数第一（单年条款）",
       "tied 9th of 10 with 县住建局 in 2025: the units tied for last are all b = 1 (single-year clause)"),
    _c("elimination", "QH057 QH067", "ELIMINATION_ADJUST_POST",
       "县住建局2025年与县自然资源局并列第9名，并列最后，倒数第一（单年条款；按另一种读法 b = 2，也在单年档内）",
       "tied for last (9th of 10): b = 1 (single-year clause; b = 2 under the other tie reading, still in the band)"),
    _c("elimination", "QH044 QH045", "ELIMINATION_ADJUST_POST", "县交通运输局2024年倒数第四、2025年倒数第五（连续二年条款）",
       "b = 4 in 2024 and b = 5 in 2025 (two-year clause)"),
    _c("elimination", "QH041 QH042", "", "县市场监管局2025年倒数第六，不在档内（2024年倒数第五）",
       "b = 6 in 2025, outside the bands (b = 5 in 2024)"),
    _c("elimination", "QH050 QH051", "", "县农业农村局2025年倒数第三，但2024年倒数第六：不满足连续二年",
       "b = 3 in 2025 but b = 6 in 2024: not two consecutive years"),
    # 3.3 形象测评 (10 units per round; bottom 3 = rank 8–10)
    _c("image", "QH027 QH028 QH030 QH031 QH034 QH035", "PRAISE",
       "县发改局、县财政局、县教育局两次测评均居前3名：两批次各表扬一次",
       "top 3 in both 2025 rounds: praised once per round"),
    _c("image", "QH053 QH054", "PRAISE CIRCULATE_CRITICISM WRITTEN_SELF_CRITICISM",
       "县自然资源局第1批次第5名（恰好第5，表扬）；第2批次第9名（倒数第二，通报批评、写出深刻检查）；第1批次不在后3名，不诫勉",
       "round 1 rank 5 (exactly 5: praise); round 2 rank 9 (b = 2: criticism + self-criticism); "
       "round 1 not bottom 3, so no admonition"),
    _c("image", "QH050 QH051", "PRAISE", "县农业农村局第1批次第7名（倒数第四，不批评）；第2批次第5名（表扬）",
       "round 1 rank 7 (b = 4: no criticism); round 2 rank 5 (praise)"),
    _c("image", "QH041 QH042", "CIRCULATE_CRITICISM WRITTEN_SELF_CRITICISM",
       "县市场监管局第1批次第6名（不表扬）；第2批次与县交通运输局并列第7名（共10个）：并列单位共享从末尾数起的位次，"
       "两者都是倒数第三 → 通报批评、写出深刻检查（按另一种读法两者都是倒数第四，都不批评）；第1批次倒数第五，不诫勉",
       "round 1 rank 6 (no praise); round 2 tied 7th of 10 with 县交通运输局: tied units share the position "
       "counted from the bottom, both b = 3 → criticism (b = 4 for both under the other reading); no admonition"),
    _c("image", "QH047 QH048", "CIRCULATE_CRITICISM WRITTEN_SELF_CRITICISM PRAISE",
       "县卫健局第1批次第8名（倒数第三，恰好在后3名）；第2批次第4名（表扬）；2024年第2批次第5名，不诫勉",
       "round 1 rank 8 (b = 3: criticism); round 2 rank 4 (praise); 2024 round 2 rank 5: no admonition"),
    _c("image", "QH043", "", "县市场监管局副局长：单位第2批次并列倒数第三被通报批评，但形象测评的后果只记在党政一把手名下",
       "deputy of 县市场监管局: the unit is criticised in round 2, but image consequences attach to its 一把手 only"),
    _c("image", "QH044 QH045", "PRAISE CIRCULATE_CRITICISM WRITTEN_SELF_CRITICISM",
       "县交通运输局第1批次第4名（表扬）；第2批次与县市场监管局并列第7名（倒数第三，批评）；不连续，不诫勉",
       "round 1 rank 4 (praise); round 2 tied 7th (b = 3: criticism); not consecutive"),
    _c("image", "QH057", "CIRCULATE_CRITICISM WRITTEN_SELF_CRITICISM ADMONITION",
       "县住建局2024年第2批次、2025年第1批次均列最后一名（跨年连续二次后三名，局长两年均在任 → 诫勉）；2025年第2批次第6名（不表扬）",
       "last in 2024 round 2 and 2025 round 1 (two consecutive rounds across years, 局长 in post both years → "
       "admonition); 2025 round 2 rank 6 (no praise)"),
    _c("image", "QH067", "CIRCULATE_CRITICISM WRITTEN_SELF_CRITICISM MANUAL_REVIEW",
       "同上单位；严立诚2025年2月才任党组书记，2024年第2批次时不是本单位一把手：不为前任任内的排位诫勉，转人工复核"
       "（image.require_tenure）；2025年第1批次最后一名照常通报批评、写出深刻检查",
       "same unit; 严立诚 became party secretary in February 2025 and was not its 一把手 at 2024 round 2: no "
       "admonition for the predecessor's round, manual review instead (image.require_tenure); criticised for 2025 round 1"),
    _c("image", "QH038 QH039", "CIRCULATE_CRITICISM WRITTEN_SELF_CRITICISM ADMONITION",
       "县人社局2025年第1批次第9名、第2批次第10名（同年连续二次后三名 → 诫勉；两批次各批评一次）",
       "2025 round 1 rank 9 and round 2 rank 10 (two consecutive rounds in one year → admonition; "
       "criticised in each round)"),
    # 3.4 五个不直接分管 / 会签
    _c("direct_charge", "QH031", "DIRECT_CHARGE_VIOLATION", "县财政局局长分管“财务、人事”（一格两项）：财务、干部人事各一条",
       "局长 in charge of “财务、人事” (two items in one cell): one violation each for 财务 and 干部人事"),
    _c("direct_charge", "QH035", "DIRECT_CHARGE_VIOLATION", "县教育局局长分管“政府采购”（同义词 → 物资采购）",
       "“政府采购” is a synonym of 物资采购"),
    _c("direct_charge", "QH002", "DIRECT_CHARGE_VIOLATION", "城关镇镇长“主持政府全面工作，行政审批　”（全角逗号分隔、末尾全角空格）→ 行政审批",
       "full-width comma separator and trailing full-width space; “行政审批” → 行政审批"),
    _c("direct_charge", "QH010", "DIRECT_CHARGE_VIOLATION", "桃源镇镇长分管“工程招投标”（招投标 → 工程招标）",
       "“工程招投标” (招投标 → 工程招标)"),
    _c("direct_charge", "QH022", "", "杏林镇镇长只“主持全面工作”，不违反", "only “主持全面工作”: no violation"),
    _c("direct_charge", "QH048", "DIRECT_CHARGE_VIOLATION", "县卫健局局长分管“財務管理”（繁体字，转为简体后是“财务管理” → 财务）",
       "“財務管理” in traditional characters: folded to 财务管理 → 财务"),
    _c("direct_charge", "QH028", "", "县发改局局长“联系财政工作”：联系不是直接分管（排除词“联系”），不违反",
       "“联系财政工作”: liaising is not being directly in charge (exclusion word 联系)"),
    _c("direct_charge", "QH032", "", "县财政局副局长分管“财务、人事”：不是一把手，不适用",
       "a deputy in charge of “财务、人事”: the rule is for 一把手 only"),
    _c("countersign", "QH047 QH048", "COUNTERSIGN_MISSING", "县卫健局一笔恰好3000元的支出未会签（3000元以上含本数）：1笔、合计3000元",
       "one payment of exactly 3000 not countersigned (inclusive): count 1, total 3000"),
    _c("countersign", "QH050 QH051", "COUNTERSIGN_MISSING", "县农业农村局15800元、42000元未会签：2笔、合计57800元（另一笔2500元不计）",
       "15800 and 42000 not countersigned: count 2, total 57800 (a 2500 payment is not counted)"),
    _c("countersign", "QH015 QH016", "", "白沙镇一笔2999.99元未会签：不足3000元", "2999.99 not countersigned: below 3000"),
    _c("countersign", "QH063 QH064", "", "县城投集团86000元支出已会签", "86000 payment countersigned"),
    # 3.5 五个强化 (default grade map 好95 较好85 一般70 差50; weak = below 60)
    _c("five", "QH013", "TALK_REMINDER", "推动高质量发展59.5分，低于60", "推动高质量发展 59.5, below 60"),
    _c("five", "QH012", "", "对党忠诚、落实主体责任恰好60分，不低于60", "two dimensions exactly 60: not below"),
    _c("five", "QH055", "TALK_REMINDER", "落实主体责任等次“差”（折合50分）", "落实主体责任 graded 差 (= 50)"),
    _c("five", "QH049", "", "五项均为“一般”（折合70分）", "all five graded 一般 (= 70)"),
    _c("five", "QH064", "TALK_REMINDER", "贯彻决策部署55分、推动高质量发展58分，两项低于60",
       "two dimensions below 60 (55 and 58)"),
)

FAMILY_TITLES: dict[str, tuple[str, str]] = {
    "card": ("廉政监督卡", "integrity supervision card (SPEC 3.1)"),
    "elimination": ("末位淘汰", "bottom-ranking elimination (SPEC 3.2)"),
    "image": ("形象测评", "public image evaluation (SPEC 3.3)"),
    "direct_charge": ("五个不直接分管", "five areas a top leader must not run directly (SPEC 3.4)"),
    "countersign": ("大额支出会签", "countersigning of payments >= 3000 (SPEC 3.4)"),
    "five": ("五个强化", "five reinforcements (SPEC 3.5)"),
}


def leader_names(year: int = LATEST) -> dict[str, tuple[str, str, str]]:
    """leader_id -> (name, unit, title) in `year`."""
    return {p.leader_id: (p.name, p.unit, p.title) for p in posts_in(year)}


def expected_2025() -> dict[str, set[str]]:
    """leader_id -> every consequence code the planted cases expect in 2025."""
    expected: dict[str, set[str]] = {}
    for case in PLANTED_CASES:
        for leader_id in case.leader_ids:
            expected.setdefault(leader_id, set()).update(case.expect)
    return expected


_README_HEAD = """# 样例工作簿 sample_county.xlsx / Sample workbook

虚构的{county}，考核年度 2023–2025：8 个乡镇、10 个县直单位、2 个其他单位，{leaders} 名干部
（每个单位党委/党组书记和行政正职为“一把手”，另有 1–2 名副职和 6 名中层股长）。十七个工作表齐全（SPEC 第 4 节七个、第 4b 节十个）。
文件由 `engine/sample.py` 生成（不含随机数），重新生成：

A fictional county ({county}), assessment years 2023–2025: 8 townships, 10 county departments,
2 other units, {leaders} leaders (each unit's party secretary and administrative head are 一把手,
plus 1–2 deputies and 6 middle-level section chiefs). All seventeen input sheets (SPEC 4 and 4b). Generated by `engine/sample.py` (no randomness):

```
python3 -c "from engine.input.sample import write_sample; from pathlib import Path; write_sample(Path('scorecards/samples/sample_county.xlsx'))"
python3 -c "from engine.input.sample import write_readme; from pathlib import Path; write_readme(Path('scorecards/samples/README.md'))"
```

下表列出 2025 年度（按 SPEC 第 3.1–3.5 节默认参数）预期的全部后果：表外的干部在这些规则族中
2025 年不应触发任何后果。“—”表示刻意设置的“差一点”案例，不应触发。形象测评的后果按批次
各计一次；`CIRCULATE_CRITICISM` 的对象是单位，记在其一把手名下。

The tables list every consequence expected in 2025 under the SPEC 3.1–3.5 defaults: a leader not
listed should trigger nothing in these families in 2025. "—" marks a deliberate near miss.
Image-evaluation consequences fire once per round; `CIRCULATE_CRITICISM` targets the unit and is
listed under its 一把手.
"""


def _case_row(case: PlantedCase, names: dict[str, tuple[str, str, str]]) -> str:
    people = "、".join(f"{lid} {names[lid][0]}（{names[lid][2]}）" for lid in case.leader_ids)
    unit = names[case.leader_ids[0]][1]
    expect = "<br>".join(f"`{code}`" for code in case.expect) or "—"
    return f"| {people} | {unit} | {expect} | {case.why_zh} | {case.why_en} |"


def render_readme() -> str:
    names = leader_names()
    parts = [_README_HEAD.format(county=COUNTY, leaders=len({p.leader_id for p in POSTS}))]
    for family, (zh, en) in FAMILY_TITLES.items():
        parts.append(f"\n## {zh} / {en}\n")
        parts.append("| 干部 Leader | 单位 Unit | 2025 应触发 Expected | 原因 | Why |")
        parts.append("|---|---|---|---|---|")
        parts += [_case_row(c, names) for c in PLANTED_CASES if c.family == family]
    parts.append(_PACKS_HEAD)
    for family, (zh, en) in PACK_FAMILY_TITLES.items():
        parts.append(f"\n## {zh} / {en}\n")
        parts.append("| 干部 Leader | 单位 Unit | 2025 应触发（规则:条款） Expected (rule:clauses) | 原因 |")
        parts.append("|---|---|---|---|")
        parts += [_pack_row(c, names) for c in PACK_CASES if c.family == family]
    return "\n".join(parts) + "\n"


_PACKS_HEAD = """
# 第二批规则包 / Second-wave packs (SPEC 3.7)

十个新工作表（任职经历、试用期考核、新提拔、年度考核等次、经济责任审计、个人重大事项、廉政报告、谈话记录、
责任清单、巡察整改）。日期按 2025-12-31（calendar.as_of = 12-31）计算；下表按规则编号列出 2025 年度的预期，
冒号后是成立的条款。表外的干部在这些规则包中 2025 年不应触发任何后果。

Ten new sheets; durations as of 2025-12-31. Expected 2025 firings by rule id (clauses after the colon);
nobody outside these tables should fire in these packs in 2025.
"""


def _pack_row(case: PackCase, names: dict[str, tuple[str, str, str]]) -> str:
    name, unit, title = names[case.leader_id]
    expect = "<br>".join(f"`{e}`" for e in case.expect) or "—"
    return f"| {case.leader_id} {name}（{title}） | {unit} | {expect} | {case.why_zh} |"


def write_readme(path: Path) -> None:
    Path(path).write_text(render_readme(), encoding="utf-8")
