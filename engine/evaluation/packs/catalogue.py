"""The second-wave packs' scopes and facts (SPEC 3.7, 4b): what their rules may read.

Every scope's records carry year, leader_id, is_top and row (the Excel row of the sheet
row behind it) besides the facts below. Dates are shown as ISO text; conditions read
the day and year counts, measured as of calendar.as_of of the assessment year.
"""
from __future__ import annotations

from engine.evaluation.factspec import FactSpec, ScopeSpec

SCOPES: tuple[ScopeSpec, ...] = (
    ScopeSpec("probation", "每段试用期、每个考核年度一条（试用期考核）：从试用期满的年度起，到考核结果可知的年度止",
              "leader", "probation", group_by="row", context=("probation_end",)),
    ScopeSpec("promotion", "每名新提拔干部每年一条（新提拔）", "leader", "promotions", context=("promoted_on",)),
    ScopeSpec("audit", "每次经济责任审计一条（经济责任审计），年度为审计日期所在年度", "leader", "audits",
              group_by="row", context=("audit_kind", "audited_on", "unit")),
    ScopeSpec("personal_matter", "每个个人重大事项、每个考核年度一条（个人重大事项）：从发生的年度起，到报告的年度止",
              "leader", "personal_matters", group_by="row", context=("matter_kind", "occurred_on")),
    ScopeSpec("talk_trigger", "每个必谈事由一条：新提拔（新提拔）、廉政监督卡扣分（错误苗头）、报告个人重大事项，"
              "年度为事由发生的年度；谈话从谈话记录中查找", "leader", "talks", group_by="trigger_ref",
              context=("trigger_ref", "trigger_on", "trigger_what", "talk_kinds_needed")),
    ScopeSpec("responsibility", "每个责任清单项目一条（责任清单）", "leader", "responsibilities", group_by="row",
              context=("responsibility_item",)),
    ScopeSpec("rectification", "每个巡察整改问题、每个考核年度一条（巡察整改）：从整改时限所在年度起，"
              "该年度内曾未销号的年度", "leader", "rectifications", group_by="row",
              context=("unit", "issue_no", "due")),
)

_BASE = ("year", "leader_id", "is_top", "row")


def _base(scope: str, sheet: str, year_from: str) -> tuple[FactSpec, ...]:
    zh = {"probation": "试用期考核", "promotions": "新提拔", "audits": "经济责任审计",
          "personal_matters": "个人重大事项", "talks": "谈话记录", "responsibilities": "责任清单",
          "rectifications": "巡察整改"}[sheet]
    return (
        FactSpec("year", "number", sheet, "考核年度", year_from, scope),
        FactSpec("leader_id", "text", sheet, "干部编号", f"{zh}.干部编号", scope),
        FactSpec("is_top", "bool", "roster", "是否党政一把手", "干部名册该年度是否一把手 = 是", scope),
        FactSpec("row", "number", sheet, "Excel 行号", f"该记录在“{zh}”中的 Excel 行", scope),
    )


def _f(name: str, kind: str, sheet: str, meaning: str, derivation: str, scope: str = "leader_year",
       params: tuple[str, ...] = ("calendar.as_of",), label: str = "") -> FactSpec:
    return FactSpec(name, kind, sheet, meaning, derivation, scope, label=label, params=params)  # type: ignore[arg-type]


_NONE: tuple[str, ...] = ()
FACTS: tuple[FactSpec, ...] = (
    # ---- leader_year: 轮岗交流 (任职经历)
    _f("current_post", "text", "posts", "截至统计日的现任岗位", "任职经历中截至 calendar.as_of 在任的一段（开始 <= 统计日，"
       "结束为空或 >= 统计日）：单位 / 科室 / 岗位", label="现任岗位"),
    _f("post_years", "number", "posts", "同一岗位连续任职满年数",
       "现任岗位及其之前同一单位、科室、岗位且无间断（前一段结束后次日即开始下一段）的各段合并，自最早开始日期至统计日的"
       "周年数（满N年 = 到第N个周年日当天）", label="同一岗位任职满年数"),
    _f("office_head_years", "number", "posts", "同一科室担任正副职连续满年数",
       "现任岗位是科室正副职时，同一单位、科室连续担任正副职（无间断）的各段合并后的周年数；现任岗位不是科室正副职时为 0",
       label="同一科室正副职满年数"),
    _f("middle_level_post", "bool", "posts", "现任岗位是否中层", "任职经历.是否中层（现任岗位）", params=_NONE),
    _f("post_kind_now", "text", "posts", "现任岗位类别：普通 / 审批 / 人财物", "任职经历.岗位类别（现任岗位）",
       params=_NONE),
    # ---- leader_year: 年度考核等次
    _f("assessment_grade", "text", "assessment_grades", "年度考核等次：优秀 / 称职 / 基本称职 / 不称职",
       "年度考核等次.等次（该年度）", params=_NONE),
    # ---- leader_year: 经济责任审计
    _f("post_since", "text", "roster", "任现职时间", "干部名册.任现职时间（该年度），ISO 日期", params=_NONE),
    _f("unit_tenure_years", "number", "roster", "任现职满年数",
       "干部名册.任现职时间至统计日的周年数；任现职时间为空时为空（经济责任审计到期规则不评估，结果说明原因）",
       label="在本单位任现职满年数"),
    _f("audited_in_tenure", "bool", "audits", "任现职以来已做经济责任审计",
       "audit.mode = once_per_tenure：经济责任审计中有本人审计日期在任现职时间之后、统计日之前（含）；"
       "every_n_years：在统计日前 audit.tenure_years 年内（且在任现职之后）", params=("calendar.as_of", "audit.mode",
                                                                           "audit.tenure_years")),
    _f("was_top_prev_year", "bool", "roster", "上一年度任党政一把手", "干部名册 Y-1 年度是否一把手 = 是；Y-1 年度不在名册时为空",
       params=_NONE),
    _f("changed_post", "bool", "roster", "Y-1 至 Y 年度单位或职务有变动",
       "干部名册 Y-1 与 Y 年度的单位或职务不同；Y-1 年度不在名册时为空", params=_NONE),
    _f("audited_on_change", "bool", "audits", "职务变动时已做经济责任审计",
       "经济责任审计中有本人审计日期在 Y-1 年度或 Y 年度（至统计日）"),
    # ---- leader_year: 年度廉政报告与考廉
    _f("integrity_report_due", "bool", "integrity_reviews", "年度廉政报告已到期",
       "统计日在 Y 年 12 月 31 日或之后（原文“每年年底”写出报告）"),
    _f("integrity_reported", "bool", "integrity_reviews", "已报送年度廉政报告",
       "廉政报告中有本人 Y 年度的行，且报告日期不为空、不晚于统计日"),
    _f("integrity_conclusion", "text", "integrity_reviews", "考廉结论：合格 / 不合格", "廉政报告.结论（Y 年度）",
       params=_NONE),
    _f("integrity_min_aspect", "number", "integrity_reviews", "考廉五个方面最低得分",
       "廉政报告五个方面（公务接待、配用交通工具、民主作风、不以权谋私、收受礼金礼品）的最低分；等次按 integrity.grades 换算；"
       "五项都未填时为空", params=("integrity.grades",)),
    _f("integrity_weak_aspects", "text", "integrity_reviews", "考廉低于合格分的方面",
       "得分低于 integrity.aspect_pass 的方面，用、连接；没有时为空", params=("integrity.grades", "integrity.aspect_pass")),
)
FACTS += _base("probation", "probation", "试用期满日期所在年度起，至考核结果可知的年度") + (
    _f("probation_start", "text", "probation", "试用期开始", "试用期考核.试用期开始", "probation", _NONE),
    _f("probation_end", "text", "probation", "试用期满日期", "试用期考核.试用期满日期", "probation", _NONE),
    _f("probation_result", "text", "probation", "试用期满考核结果（统计日已知）",
       "试用期考核.考核结果，考核日期不晚于统计日（或未填考核日期）时；否则为空", "probation"),
    _f("probation_result_known", "bool", "probation", "统计日已有试用期满考核结果", "probation_result 不为空", "probation"),
    _f("days_past_end", "number", "probation", "试用期满后天数", "统计日 − 试用期满日期（天），期满前为负数", "probation"),
)
FACTS += _base("promotion", "promotions", "新提拔.年度") + (
    _f("promoted_on", "text", "promotions", "提拔日期", "新提拔.提拔日期", "promotion", _NONE),
    _f("talk_on", "text", "promotions", "廉政谈话日期", "新提拔.廉政谈话日期", "promotion", _NONE),
    _f("talk_done", "bool", "promotions", "已进行任前廉政谈话", "新提拔.廉政谈话日期不为空且不晚于统计日", "promotion"),
    _f("test_taken", "bool", "promotions", "已参加廉政知识测试", "新提拔.廉政知识测试成绩不为空", "promotion", _NONE),
    _f("test_score", "number", "promotions", "廉政知识测试成绩", "新提拔.廉政知识测试成绩；未测试为空", "promotion", _NONE),
    _f("pledge", "bool", "promotions", "已作廉洁自律承诺", "新提拔.廉洁自律承诺 = 是（空为否）", "promotion", _NONE),
    _f("clearance", "text", "promotions", "党风廉政意见：无问题 / 有问题 / 未回复", "新提拔.廉政意见", "promotion", _NONE),
    _f("under_investigation", "bool", "promotions", "正在接受审查", "新提拔.正在接受审查 = 是", "promotion", _NONE),
    _f("card_points", "number", "deductions", "当年廉政监督卡扣分 P(Y)",
       "廉政监督卡中本人该年度扣分之和（参加考核而无扣分为 0）", "promotion", _NONE),
)
FACTS += _base("audit", "audits", "经济责任审计.审计日期所在年度") + (
    _f("unit", "text", "audits", "被审计单位", "经济责任审计.单位", "audit", _NONE),
    _f("audit_kind", "text", "audits", "审计类型：任中 / 离任 / 任期", "经济责任审计.审计类型", "audit", _NONE),
    _f("audited_on", "text", "audits", "审计日期", "经济责任审计.审计日期", "audit", _NONE),
    _f("finding", "text", "audits", "发现问题等次：无 / 一般 / 较多 / 严重违纪 / 涉嫌犯罪", "经济责任审计.发现问题等次",
       "audit", _NONE),
)
FACTS += _base("personal_matter", "personal_matters", "发生日期所在年度起，至报告日期所在年度（未报告则至今）") + (
    _f("matter_kind", "text", "personal_matters", "事项类别", "个人重大事项.事项类别", "personal_matter", _NONE),
    _f("occurred_on", "text", "personal_matters", "发生日期", "个人重大事项.发生日期", "personal_matter", _NONE),
    _f("reported_on", "text", "personal_matters", "报告日期", "个人重大事项.报告日期", "personal_matter", _NONE),
    _f("reported", "bool", "personal_matters", "统计日前已报告", "报告日期不为空且不晚于统计日", "personal_matter"),
    _f("days_since_occurred", "number", "personal_matters", "发生后天数", "统计日 − 发生日期（天）", "personal_matter"),
    _f("report_delay_days", "number", "personal_matters", "发生至报告的天数",
       "报告日期 − 发生日期（天）；统计日前未报告时为空", "personal_matter"),
    _f("verified", "text", "personal_matters", "核实结果：一致 / 不一致 / 未核实", "个人重大事项.核实结果",
       "personal_matter", _NONE),
    _f("earlier_findings", "number", "personal_matters", "此前窗口内的问题事项数",
       "本人其他个人重大事项中，发生日期在本事项之前 personal.repeat_window_years 年内（含本事项发生日）且有问题的件数："
       "报告迟于 personal.report_days 天、统计日仍未报告且已超过该天数，或核实结果不一致", "personal_matter",
       ("calendar.as_of", "personal.report_days", "personal.repeat_window_years")),
    _f("repeat_in_window", "bool", "personal_matters", "此前窗口内已有问题事项", "earlier_findings >= 1",
       "personal_matter", ("calendar.as_of", "personal.report_days", "personal.repeat_window_years")),
)
FACTS += _base("talk_trigger", "talks", "事由发生日期所在年度") + (
    _f("promotion_trigger", "bool", "promotions", "事由：提拔重用", "新提拔中提拔日期在该年度的一行", "talk_trigger", _NONE,
       label="事由为提拔重用"),
    _f("card_trigger", "bool", "deductions", "事由：有错误苗头（廉政监督卡扣分）", "廉政监督卡中日期在该年度的一行",
       "talk_trigger", _NONE, label="事由为廉政监督卡扣分（错误苗头）"),
    _f("personal_trigger", "bool", "personal_matters", "事由：向组织报告个人重大事项",
       "个人重大事项中报告日期在该年度的一行", "talk_trigger", _NONE, label="事由为报告个人重大事项"),
    _f("trigger_sheet", "text", "talks", "事由所在工作表", "新提拔 / 廉政监督卡 / 个人重大事项", "talk_trigger", _NONE),
    _f("trigger_row", "number", "talks", "事由所在 Excel 行", "事由所在工作表的 Excel 行", "talk_trigger", _NONE),
    _f("trigger_ref", "text", "talks", "事由所在行", "如“新提拔第5行”", "talk_trigger", _NONE),
    _f("trigger_on", "text", "talks", "事由日期", "提拔日期 / 扣分日期 / 报告日期", "talk_trigger", _NONE),
    _f("trigger_what", "text", "talks", "事由", "提拔 / 扣分事项 / 个人重大事项类别", "talk_trigger", _NONE),
    _f("talk_kinds_needed", "text", "talks", "应进行的谈话类型", "talk.kinds 中该事由对应的谈话类型，用、连接",
       "talk_trigger", ("talk.kinds",)),
    _f("talk_found", "bool", "talks", "已进行相应谈话",
       "谈话记录中有本人相应类型的谈话，日期不早于事由日期、不晚于统计日", "talk_trigger", ("calendar.as_of", "talk.kinds")),
    _f("talk_on", "text", "talks", "谈话日期", "最早一次相应谈话的日期", "talk_trigger", ("calendar.as_of", "talk.kinds")),
    _f("talk_delay_days", "number", "talks", "事由至谈话的天数", "最早一次相应谈话日期 − 事由日期（天）；没有谈话时为空",
       "talk_trigger", ("calendar.as_of", "talk.kinds")),
    _f("days_open", "number", "talks", "事由发生后天数", "统计日 − 事由日期（天）", "talk_trigger"),
)
FACTS += _base("responsibility", "responsibilities", "责任清单.年度") + (
    _f("responsibility_item", "text", "responsibilities", "责任项目", "责任清单.责任项目", "responsibility", _NONE),
    _f("missing_elements", "text", "responsibilities", "缺少的要素",
       "责任项目、工作措施、责任部门、完成时限中为空的，用、连接；齐全时为空", "responsibility", _NONE),
    _f("elements_complete", "bool", "responsibilities", "四要素齐全", "责任项目、工作措施、责任部门、完成时限都已填写",
       "responsibility", _NONE),
    _f("personally_drafted", "bool", "responsibilities", "亲自制定", "责任清单.亲自制定 = 是", "responsibility", _NONE),
    _f("collectively_discussed", "bool", "responsibilities", "集体讨论", "责任清单.集体讨论 = 是", "responsibility", _NONE),
    _f("published_online", "bool", "responsibilities", "网上公示", "责任清单.网上公示 = 是", "responsibility", _NONE),
    _f("due", "text", "responsibilities", "完成时限", "责任清单.完成时限", "responsibility", _NONE),
    _f("days_past_due", "number", "responsibilities", "超过完成时限天数", "统计日 − 完成时限（天）；完成时限为空时为空",
       "responsibility"),
    _f("past_due", "bool", "responsibilities", "已过完成时限", "完成时限早于统计日", "responsibility"),
    _f("completed", "bool", "responsibilities", "已完成",
       "完成情况 = 已完成，且完成日期为空或不晚于统计日", "responsibility"),
)
FACTS += _base("rectification", "rectifications", "整改时限所在年度起，该年度内曾未销号的各年度") + (
    _f("unit", "text", "rectifications", "单位", "巡察整改.单位", "rectification", _NONE),
    _f("issue_no", "text", "rectifications", "问题编号", "巡察整改.问题编号", "rectification", _NONE),
    _f("issue_text", "text", "rectifications", "问题描述", "巡察整改.问题描述", "rectification", _NONE),
    _f("due", "text", "rectifications", "整改时限", "巡察整改.整改时限", "rectification", _NONE),
    _f("closed_on", "text", "rectifications", "销号日期", "巡察整改.销号日期", "rectification", _NONE),
    _f("closed", "bool", "rectifications", "统计日前已销号", "销号日期不为空且不晚于统计日", "rectification"),
    _f("days_overdue", "number", "rectifications", "超过整改时限天数",
       "min(销号日期, 统计日) − 整改时限（天）；为正表示逾期", "rectification"),
    _f("past_due", "bool", "rectifications", "逾期（未按时销号）", "days_overdue > 0", "rectification"),
)
