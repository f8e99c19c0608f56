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


GRADES = ("好", "较好", "一般", "差")
UNIT_TYPES = ("乡镇", "县直单位", "其他")
POST_KINDS = ("普通", "审批", "人财物")


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

SHEETS_BY_EN: dict[str, SheetSpec] = {s.en: s for s in SHEETS}


def sheet(en: str) -> SheetSpec:
    return SHEETS_BY_EN[en]
