"""The input workbook contract (SPEC section 4): sheets, columns, value kinds.

One table drives the reader, the validator, the blank template and the docs, so
they cannot drift apart. Headers are Chinese; the English alias is accepted too.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """What a cell must hold. The reader normalises to the Python type noted."""

    YEAR = "year"            # int, 1990..2100
    TEXT = "text"            # str, stripped
    UNIT = "unit"            # str, stripped, and white space inside removed (units are matched across sheets)
    ID = "id"                # str; numbers typed as 1001 or 1001.0 become "1001"
    FLAG = "flag"            # bool from 是/否 (Y/N/✓/√/× noted)
    DATE = "date"            # datetime.date
    POINTS = "points"        # float > 0, at most 2 decimals
    AMOUNT = "amount"        # float >= 0 (元)
    RANK = "rank"            # int >= 1 ("第3名" noted)
    ROUND = "round"          # int 1 or 2
    CHOICE = "choice"        # str, one of ColumnSpec.choices
    SCORE_OR_GRADE = "score_or_grade"  # float 0..100 or one of 好/较好/一般/差
    SCORE = "score"          # float 0..100 (a test score: grades are not accepted)


GRADES = ("好", "较好", "一般", "差")
UNIT_TYPES = ("乡镇", "县直单位", "其他")
POST_KINDS = ("普通", "审批", "人财物")
ASSESSMENT_GRADES = ("优秀", "称职", "基本称职", "不称职")
PASS_FAIL = ("合格", "不合格")
CLEARANCES = ("无问题", "有问题", "未回复")
AUDIT_KINDS = ("任中", "离任", "任期")
AUDIT_FINDINGS = ("无", "一般", "较多", "严重违纪", "涉嫌犯罪")
MATTER_KINDS = ("婚丧嫁娶", "出国出境", "经商办企业", "住房变动", "其他")
VERIFICATIONS = ("一致", "不一致", "未核实")
TALK_KINDS = ("任职谈话", "廉政谈话", "提醒谈话", "诫勉谈话", "其他")
DONE_STATES = ("已完成", "未完成")
INTEGRITY_ASPECTS = (("公务接待", "reception"), ("配用交通工具", "vehicles"), ("民主作风", "democracy"),
                     ("不以权谋私", "no_abuse"), ("收受礼金礼品", "gifts"))


@dataclass(frozen=True)
class ColumnSpec:
    zh: str
    en: str
    kind: Kind
    required: bool = True          # column must exist and every cell must be filled
    choices: tuple[str, ...] = ()  # for Kind.CHOICE
    help_zh: str = ""              # one line for the template's 说明 sheet


@dataclass(frozen=True)
class SheetSpec:
    zh: str
    en: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()      # English column names that must be unique together
    help_zh: str = ""
    family: str = ""               # rule family that needs it ("not evaluated" when absent)

    def column(self, en: str) -> ColumnSpec:
        for col in self.columns:
            if col.en == en:
                return col
        raise KeyError(en)


_YEAR = ColumnSpec("年度", "year", Kind.YEAR, help_zh="考核年度，四位整数，如 2025")
_LEADER = ColumnSpec("干部编号", "leader_id", Kind.ID, help_zh="干部唯一编号，与干部名册一致")
_UNIT = ColumnSpec("单位", "unit", Kind.UNIT, help_zh="单位全称，与干部名册一致（名称中的空格会被去除）")
_UNIT_TYPE = ColumnSpec("单位类别", "unit_type", Kind.CHOICE, choices=UNIT_TYPES,
                        help_zh="乡镇 / 县直单位 / 其他")
_RANK = ColumnSpec("名次", "rank", Kind.RANK, help_zh="名次，1 为最好；并列名次相同")

FIVE_DIMENSIONS: tuple[ColumnSpec, ...] = (
    ColumnSpec("对党忠诚", "loyalty", Kind.SCORE_OR_GRADE,
               help_zh="对党忠诚、践行宗旨：0–100 分或 好/较好/一般/差"),
    ColumnSpec("贯彻决策部署", "implementation", Kind.SCORE_OR_GRADE,
               help_zh="贯彻决策部署、践行“两个维护”：0–100 分或等次"),
    ColumnSpec("推动高质量发展", "development", Kind.SCORE_OR_GRADE,
               help_zh="推动高质量发展：0–100 分或等次"),
    ColumnSpec("落实主体责任", "accountability", Kind.SCORE_OR_GRADE,
               help_zh="落实管党治党主体责任和监督责任：0–100 分或等次"),
    ColumnSpec("民主集中廉洁自律", "integrity", Kind.SCORE_OR_GRADE,
               help_zh="民主集中制、依规依法用权、担当作为、廉洁自律：0–100 分或等次"),
)

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "干部名册", "roster",
        (
            _YEAR, _LEADER,
            ColumnSpec("姓名", "name", Kind.TEXT, help_zh="干部姓名"),
            _UNIT, _UNIT_TYPE,
            ColumnSpec("职务", "title", Kind.TEXT, help_zh="现任职务，如 党委书记、局长"),
            ColumnSpec("是否一把手", "is_top", Kind.FLAG,
                       help_zh="是否党政一把手（党委/党组书记或行政正职）：是/否"),
            ColumnSpec("任现职时间", "post_since", Kind.DATE, required=False,
                       help_zh="任现职日期，如 2021-03-15"),
            ColumnSpec("岗位类别", "post_kind", Kind.CHOICE, required=False, choices=POST_KINDS,
                       help_zh="普通 / 审批 / 人财物"),
            ColumnSpec("是否中层", "middle_level", Kind.FLAG, required=False,
                       help_zh="是否中层干部：是/否"),
            ColumnSpec("试用期满日期", "probation_end", Kind.DATE, required=False,
                       help_zh="新提拔干部试用期满日期，可空"),
        ),
        key=("year", "leader_id"),
        help_zh="每名干部每个考核年度一行；（年度, 干部编号）不得重复",
        family="roster",
    ),
    SheetSpec(
        "廉政监督卡", "deductions",
        (
            _YEAR, _LEADER,
            ColumnSpec("日期", "date", Kind.DATE, required=False, help_zh="扣分事项发生日期"),
            ColumnSpec("扣分事项", "item", Kind.TEXT, help_zh="扣分事项，如 违规公务接待"),
            ColumnSpec("扣分", "points", Kind.POINTS, help_zh="扣分，正数，最多两位小数"),
            ColumnSpec("说明", "note", Kind.TEXT, required=False, help_zh="情况说明，可空"),
        ),
        help_zh="廉政监督卡扣分记录，每条扣分一行",
        family="card",
    ),
    SheetSpec(
        "综合考核排名", "annual_ranking",
        (_YEAR, _UNIT, _UNIT_TYPE, _RANK),
        key=("year", "unit"),
        help_zh="年度综合考核排名，每个单位每年一行；名次在同类别单位中排列",
        family="elimination",
    ),
    SheetSpec(
        "形象测评", "image_ranking",
        (
            _YEAR,
            ColumnSpec("批次", "round", Kind.ROUND, help_zh="每年两次测评：1 或 2"),
            _UNIT, _RANK,
        ),
        key=("year", "round", "unit"),
        help_zh="形象测评排名，每批次每个单位一行",
        family="image",
    ),
    SheetSpec(
        "分工", "portfolios",
        (
            _YEAR, _LEADER,
            ColumnSpec("分管事项", "portfolio", Kind.TEXT,
                       help_zh="分管事项，一行一项，或用 、，,;； 分隔多项"),
        ),
        help_zh="领导班子成员分工",
        family="direct_charge",
    ),
    SheetSpec(
        "大额支出", "expenditures",
        (
            _YEAR, _UNIT,
            ColumnSpec("日期", "date", Kind.DATE, required=False, help_zh="支出日期"),
            ColumnSpec("金额", "amount", Kind.AMOUNT, help_zh="金额（元）"),
            ColumnSpec("事项", "item", Kind.TEXT, help_zh="支出事项"),
            ColumnSpec("是否会签", "countersigned", Kind.FLAG, help_zh="是否经领导班子会签：是/否"),
        ),
        help_zh="财政支出审批记录",
        family="countersign",
    ),
    SheetSpec(
        "五个强化", "five_reinforcements",
        (_YEAR, _LEADER) + FIVE_DIMENSIONS,
        key=("year", "leader_id"),
        help_zh="五个强化政治监督评价，每名干部每年一行",
        family="five",
    ),
)



def _date(zh: str, en: str, help_zh: str, required: bool = True) -> ColumnSpec:
    return ColumnSpec(zh, en, Kind.DATE, required=required, help_zh=help_zh + "，如 2025-03-01")


def _choice(zh: str, en: str, choices: tuple[str, ...], required: bool = True, help_zh: str = "") -> ColumnSpec:
    return ColumnSpec(zh, en, Kind.CHOICE, required=required, choices=choices,
                      help_zh=help_zh or " / ".join(choices))


def _flag(zh: str, en: str, help_zh: str, required: bool = True) -> ColumnSpec:
    return ColumnSpec(zh, en, Kind.FLAG, required=required, help_zh=help_zh + "：是/否")


# Second-wave sheets (SPEC 4b): the personnel cycle (issue 13) and integrity and accountability (issue 14).
SECOND_WAVE: tuple[SheetSpec, ...] = (
    SheetSpec(
        "任职经历", "posts",
        (
            _LEADER, _UNIT,
            ColumnSpec("科室", "office", Kind.TEXT, required=False, help_zh="所在科室（股室），单位领导可空"),
            ColumnSpec("岗位", "post", Kind.TEXT, help_zh="岗位名称，如 审批股股长"),
            _choice("岗位类别", "post_kind", POST_KINDS, help_zh="普通 / 审批 / 人财物（掌管人、财、物的重要岗位）"),
            _flag("是否中层", "middle_level", "是否中层干部"),
            _flag("是否科室正副职", "office_head", "是否担任科室正职或副职"),
            _date("任职开始", "start", "任该岗位的开始日期"),
            _date("任职结束", "end", "离开该岗位的日期；现任岗位留空", required=False),
        ),
        help_zh="每段任职经历一行；同一岗位连续的几段（无间断）合并计算任职年限",
        family="rotation",
    ),
    SheetSpec(
        "试用期考核", "probation",
        (
            _LEADER,
            _date("试用期开始", "start", "试用期开始日期"),
            _date("试用期满日期", "end", "试用期满日期"),
            _date("考核日期", "assessed_on", "试用期满考核日期；未考核留空", required=False),
            _choice("考核结果", "result", PASS_FAIL, required=False, help_zh="合格 / 不合格；未考核留空"),
        ),
        help_zh="新提拔干部试用期，每段试用期一行",
        family="probation",
    ),
    SheetSpec(
        "新提拔", "promotions",
        (
            _YEAR, _LEADER,
            _date("提拔日期", "promoted_on", "提拔任职日期"),
            _date("廉政谈话日期", "talk_on", "任前廉政谈话日期；未谈话留空", required=False),
            ColumnSpec("廉政知识测试成绩", "test_score", Kind.SCORE, required=False,
                       help_zh="党风廉政知识测试成绩 0–100；未测试留空"),
            _flag("廉洁自律承诺", "pledge", "是否签订廉洁自律承诺", required=False),
            _choice("廉政意见", "clearance", CLEARANCES, help_zh="纪委（监委）党风廉政意见：无问题 / 有问题 / 未回复"),
            _flag("正在接受审查", "under_investigation", "是否正在接受纪律审查或监察调查"),
        ),
        key=("year", "leader_id"),
        help_zh="当年新提拔（含拟提拔人选）干部，每人每年一行",
        family="promotion",
    ),
    SheetSpec(
        "年度考核等次", "assessment_grades",
        (_YEAR, _LEADER, _choice("等次", "grade", ASSESSMENT_GRADES)),
        key=("year", "leader_id"),
        help_zh="年度考核等次，每名干部每年一行",
        family="assessment",
    ),
    SheetSpec(
        "经济责任审计", "audits",
        (
            _LEADER, _UNIT,
            _choice("审计类型", "kind", AUDIT_KINDS, help_zh="任中 / 离任 / 任期"),
            _date("审计日期", "audited_on", "审计（报告）日期"),
            _choice("发现问题等次", "finding", AUDIT_FINDINGS,
                    help_zh="无 / 一般 / 较多 / 严重违纪 / 涉嫌犯罪"),
        ),
        help_zh="经济责任审计，每次审计一行",
        family="audit",
    ),
    SheetSpec(
        "个人重大事项", "personal_matters",
        (
            _LEADER,
            _choice("事项类别", "kind", MATTER_KINDS),
            _date("发生日期", "occurred_on", "事项发生日期"),
            _date("报告日期", "reported_on", "向组织报告的日期；未报告留空", required=False),
            _choice("核实结果", "verified", VERIFICATIONS, required=False, help_zh="一致 / 不一致 / 未核实"),
        ),
        help_zh="领导干部个人重大事项，每个事项一行",
        family="personal",
    ),
    SheetSpec(
        "廉政报告", "integrity_reviews",
        (
            _YEAR, _LEADER,
            _date("报告日期", "reported_on", "向上级党委和纪委报送个人廉政情况报告的日期；未报告留空", required=False),
        ) + tuple(ColumnSpec(zh, en, Kind.SCORE_OR_GRADE, required=False,
                             help_zh=f"考廉民主测评“{zh}”：0–100 分或 好/较好/一般/差")
                  for zh, en in INTEGRITY_ASPECTS) + (
            _choice("结论", "conclusion", PASS_FAIL, required=False, help_zh="年度考廉结论：合格 / 不合格"),
        ),
        key=("year", "leader_id"),
        help_zh="年度廉政报告与考廉民主测评，每名干部每年一行",
        family="integrity",
    ),
    SheetSpec(
        "谈话记录", "talks",
        (
            _LEADER,
            _date("谈话日期", "talked_on", "谈话日期"),
            _choice("谈话类型", "kind", TALK_KINDS),
            ColumnSpec("事由", "reason", Kind.TEXT, required=False, help_zh="谈话事由"),
        ),
        help_zh="对领导干部的谈话记录（八个必谈），每次谈话一行",
        family="talk",
    ),
    SheetSpec(
        "责任清单", "responsibilities",
        (
            _YEAR, _LEADER,
            ColumnSpec("责任项目", "item", Kind.TEXT, required=False, help_zh="责任项目"),
            ColumnSpec("工作措施", "measures", Kind.TEXT, required=False, help_zh="工作措施"),
            ColumnSpec("责任部门", "department", Kind.TEXT, required=False, help_zh="责任部门"),
            _date("完成时限", "due", "完成时限", required=False),
            _flag("亲自制定", "drafted", "是否由本人亲自制定"),
            _flag("集体讨论", "discussed", "是否经集体讨论"),
            _flag("网上公示", "published", "是否网上公示"),
            _choice("完成情况", "status", DONE_STATES, help_zh="已完成 / 未完成"),
            _date("完成日期", "done_on", "完成日期；未完成留空", required=False),
        ),
        help_zh="党风廉政建设责任清单，每个责任项目一行",
        family="responsibility",
    ),
    SheetSpec(
        "巡察整改", "rectifications",
        (
            _UNIT,
            ColumnSpec("问题编号", "issue_no", Kind.TEXT, help_zh="问题清单中的编号"),
            ColumnSpec("问题描述", "issue_text", Kind.TEXT, help_zh="巡察发现的问题"),
            ColumnSpec("责任人", "leader_id", Kind.ID, help_zh="整改责任人的干部编号"),
            _date("整改时限", "due", "整改时限"),
            _date("销号日期", "closed_on", "整改销号日期；未销号留空", required=False),
        ),
        key=("unit", "issue_no"),
        help_zh="巡察整改问题清单，每个问题一行",
        family="rectification",
    ),
)
SHEETS = SHEETS + SECOND_WAVE

SHEETS_BY_EN: dict[str, SheetSpec] = {s.en: s for s in SHEETS}

# The rule families the sheets feed, as clerks name them (SHEET_ABSENT notes, "not evaluated" lines).
FAMILY_NAMES: dict[str, str] = {
    "roster": "干部名册", "card": "廉政监督卡", "elimination": "末位淘汰", "image": "形象测评",
    "direct_charge": "五个不直接分管", "countersign": "大额支出会签", "five": "五个强化",
    "rotation": "轮岗交流", "probation": "试用期", "promotion": "新提拔廉政三项与一票否决",
    "assessment": "年度考核等次", "audit": "经济责任审计", "personal": "个人重大事项",
    "integrity": "年度廉政报告与考廉", "talk": "谈话义务（八个必谈）", "responsibility": "责任清单",
    "rectification": "巡察整改",
}


def sheet(en: str) -> SheetSpec:
    return SHEETS_BY_EN[en]
