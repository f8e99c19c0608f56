"""The second-wave sheets of the sample workbook (SPEC 4b) and their planted cases.

Background rows keep every leader quiet (each 一把手 audited after taking the post, a 廉政报告
every year, a talk after every trigger, one complete 责任清单 item); the planted rows below
fire exactly the cases in PACK_CASES, and the near misses just miss. All dates are fixed, so
the sample is the same on every run. As of 31 December (calendar.as_of = 12-31).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Protocol

LATEST = 2025
D = date.fromisoformat


class PostLike(Protocol):
    leader_id: str
    name: str
    unit: str
    title: str
    is_top: bool
    since: date
    years: tuple[int, ...]
    probation_end: date | None


# ----------------------------------------------------------------------------- 任职经历
# Middle-level cadres (中层) whose post history is planted: (unit, office, post, kind, office_head, start, end).
MIDDLE_POSTS: dict[str, tuple[tuple[str, str, str, str, bool, str, str | None], ...]] = {
    "QH068": (("县财政局", "预算股", "预算股股长", "人财物", True, "2019-12-31", None),),
    "QH069": (("县财政局", "国库股", "国库股副股长", "人财物", True, "2020-01-01", None),),
    "QH070": (("县人社局", "社保股", "社保股副股长", "普通", True, "2016-06-01", "2020-05-31"),
              ("县人社局", "社保股", "社保股股长", "普通", True, "2020-06-01", None)),
    "QH071": (("县自然资源局", "审批股", "审批股股长", "审批", True, "2013-03-01", "2018-02-28"),
              ("县自然资源局", "审批股", "审批股股长", "审批", True, "2018-03-01", None)),
    "QH072": (("县市场监管局", "登记股", "登记股股长", "普通", True, "2012-01-01", "2016-12-31"),
              ("县市场监管局", "登记股", "登记股股长", "普通", True, "2018-01-01", None)),
    "QH073": (("县教育局", "教育股", "教育股股长", "普通", True, "2024-09-01", None),),
}


def post_rows(posts: Iterable[PostLike], post_kind: Any) -> list[dict[str, Any]]:
    rows = []
    by_leader: dict[str, list[PostLike]] = {}
    for p in posts:
        by_leader.setdefault(p.leader_id, []).append(p)
    for lid, mine in sorted(by_leader.items()):
        if lid in MIDDLE_POSTS:
            rows += [{"leader_id": lid, "unit": u, "office": o, "post": post, "post_kind": kind, "middle_level": "是",
                      "office_head": "是" if head else "否", "start": D(s), "end": D(e) if e else None}
                     for u, o, post, kind, head, s, e in MIDDLE_POSTS[lid]]
            continue
        mine = sorted(mine, key=lambda p: p.since)
        for k, p in enumerate(mine):
            end = mine[k + 1].since - timedelta(days=1) if k + 1 < len(mine) else \
                (date(p.years[-1], 12, 31) if p.years[-1] < LATEST else None)
            rows.append({"leader_id": lid, "unit": p.unit, "office": "领导班子", "post": p.title,
                         "post_kind": post_kind(p), "middle_level": "否", "office_head": "否",
                         "start": p.since, "end": end})
    return rows


# ----------------------------------------------------------------------------- 试用期考核, 新提拔
PROBATION = (  # leader, start, end, assessed_on, result
    ("QH059", "2024-07-01", "2025-06-30", "2025-07-05", "合格"),     # PROBATION_CONFIRM
    ("QH037", "2024-03-01", "2025-02-28", "2025-03-10", "不合格"),   # PROBATION_REMOVE
    ("QH073", "2024-09-01", "2025-08-31", None, None),               # PROBATION_OVERDUE (122 days)
    ("QH007", "2025-01-10", "2026-01-09", None, None),               # near miss: not ended yet
)

PROMOTIONS = (  # year, leader, promoted_on, talk_on, test, pledge, clearance, investigated
    (2023, "QH023", "2023-03-01", "2023-02-24", 86, "是", "无问题", "否"),
    (2024, "QH059", "2024-07-01", "2024-06-25", 88, "是", "无问题", "否"),
    (2024, "QH073", "2024-09-01", "2024-08-28", 92, "是", "无问题", "否"),
    (2025, "QH007", "2025-01-10", "2025-01-05", 85, "是", "无问题", "否"),   # near miss: all three steps
    (2025, "QH067", "2025-02-10", None, 55, "否", "无问题", "否"),          # steps missing: talk, test 55, pledge
    (2025, "QH003", "2025-11-01", "2025-10-28", 75, "是", "无问题", "否"),   # veto: 4 card points in 2025
    (2025, "QH004", "2025-06-01", "2025-05-26", 60, "是", "无问题", "否"),   # near miss: 3.5 points, test exactly 60
    (2025, "QH033", "2025-09-01", "2025-08-27", 90, "是", "有问题", "否"),   # veto: 廉政意见 有问题
    (2025, "QH040", "2025-05-10", "2025-05-06", 82, "是", "无问题", "是"),   # veto: under investigation
)


def probation_rows() -> list[dict[str, Any]]:
    return [{"leader_id": lid, "start": D(s), "end": D(e), "assessed_on": D(a) if a else None, "result": r}
            for lid, s, e, a, r in PROBATION]


def promotion_rows() -> list[dict[str, Any]]:
    return [{"year": y, "leader_id": lid, "promoted_on": D(p), "talk_on": D(t) if t else None, "test_score": score,
             "pledge": pledge, "clearance": clearance, "under_investigation": inv}
            for y, lid, p, t, score, pledge, clearance, inv in PROMOTIONS]


# ----------------------------------------------------------------------------- 年度考核等次
GRADES_2025 = {"QH020": "不称职", "QH029": "基本称职"}


def grade_rows(roster: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for r in roster:
        grade = GRADES_2025.get(r["leader_id"]) if r["year"] == LATEST else None
        n = int(r["leader_id"][2:])
        rows.append({"year": r["year"], "leader_id": r["leader_id"],
                     "grade": grade or ("优秀" if (n + r["year"]) % 5 == 0 else "称职")})
    return rows


# ----------------------------------------------------------------------------- 经济责任审计
NOT_AUDITED = {"QH015", "QH018", "QH019"}   # ECONOMIC_AUDIT_DUE in 2025 (QH019: exactly 满3年)
AUDITS = (  # leader, unit, kind, audited_on, finding
    ("QH018", "青山乡", "离任", "2021-01-10", "无"),        # before taking the post (2021-04-12): does not count
    ("QH064", "县城投集团", "离任", "2025-01-15", "无"),     # near miss: changed post, audited on the change
    ("QH021", "杏林镇", "任中", "2025-05-20", "一般"),      # TALK_EDUCATION
    ("QH024", "双河乡", "任中", "2025-06-18", "较多"),      # ADMONITION
    ("QH027", "县发改局", "任中", "2025-04-09", "严重违纪"),  # REFER_DISCIPLINE
    ("QH030", "县财政局", "任中", "2025-09-12", "涉嫌犯罪"),  # REFER_JUDICIARY
    ("QH034", "县教育局", "任中", "2025-03-03", "无"),      # near miss: nothing found
)


def audit_rows(posts: Iterable[PostLike]) -> list[dict[str, Any]]:
    """Each 一把手 post audited a year after it was taken (when that is on or before 2025-12-31)."""
    rows = []
    for p in posts:
        day = p.since.replace(year=p.since.year + 1)
        if p.is_top and p.leader_id not in NOT_AUDITED and day <= date(LATEST, 12, 31):
            rows.append({"leader_id": p.leader_id, "unit": p.unit, "kind": "任中", "audited_on": day, "finding": "无"})
    rows += [{"leader_id": lid, "unit": u, "kind": k, "audited_on": D(d), "finding": f} for lid, u, k, d, f in AUDITS]
    return sorted(rows, key=lambda r: (r["audited_on"], r["leader_id"]))


# ----------------------------------------------------------------------------- 个人重大事项
MATTERS = (  # leader, kind, occurred_on, reported_on, verified
    ("QH001", "婚丧嫁娶", "2025-03-01", "2025-03-31", "一致"),       # near miss: reported on day 30
    ("QH005", "住房变动", "2025-05-01", None, None),                # UNREPORTED (244 days)
    ("QH009", "经商办企业", "2024-06-01", "2024-06-10", "不一致"),   # 2024 MISMATCH: the earlier finding
    ("QH009", "出国出境", "2025-02-01", "2025-04-01", "一致"),       # late (59 days) + CIRCULATE (second in 2 years)
    ("QH012", "其他", "2022-05-01", "2022-08-01", "一致"),           # late in 2022: outside the 2-year window
    ("QH012", "其他", "2025-06-01", "2025-06-15", "不一致"),         # MISMATCH; near miss for CIRCULATE
    ("QH003", "住房变动", "2025-04-01", None, None),                # near miss: not a 一把手
)


def matter_rows() -> list[dict[str, Any]]:
    return [{"leader_id": lid, "kind": k, "occurred_on": D(o), "reported_on": D(r) if r else None, "verified": v}
            for lid, k, o, r, v in MATTERS]


# ----------------------------------------------------------------------------- 廉政报告
REVIEWS_2025: dict[str, dict[str, Any] | None] = {
    "QH010": None,                                   # INTEGRITY_REPORT_MISSING: no row for 2025
    "QH013": {"democracy": 55},                      # INTEGRITY_REVIEW_FAILED: 民主作风 55 < 60
    "QH016": {"conclusion": "不合格"},               # INTEGRITY_REVIEW_FAILED: 结论 不合格
    "QH019": {"democracy": 60},                      # near miss: exactly 60
}


def review_rows(roster: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for r in roster:
        if not r["is_top"] == "是":
            continue
        change = REVIEWS_2025.get(r["leader_id"], {}) if r["year"] == LATEST else {}
        if change is None:
            continue
        row = {"year": r["year"], "leader_id": r["leader_id"], "reported_on": date(r["year"], 12, 20),
               "reception": "好", "vehicles": 90, "democracy": "较好", "no_abuse": 88, "gifts": "一般",
               "conclusion": "合格"}
        row.update(change)
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- 谈话记录
# (leader, trigger date) → the talk after it: (days later, kind), or None for no talk at all.
TALK_EXCEPTIONS: dict[tuple[str, str], tuple[int, str] | None] = {
    ("QH067", "2025-02-10"): None,                     # promotion, no talk → TALK_OVERDUE
    ("QH033", "2025-09-01"): (31, "任职谈话"),          # promotion, talk on day 31 → TALK_OVERDUE
    ("QH004", "2025-06-01"): (30, "任职谈话"),          # near miss: day 30
    ("QH012", "2025-06-15"): None,                     # personal matter reported, no talk → TALK_OVERDUE
}
QH011_2025 = ((None), (30, "提醒谈话"), (5, "任职谈话"))  # QH011's three 2025 deductions: none / day 30 / wrong kind


def talk_rows(deductions: list[dict[str, Any]], promotions: list[dict[str, Any]],
              matters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []

    def talk(lid: str, on: date, default: tuple[int, str], reason: str, exception: Any = "none") -> None:
        plan = TALK_EXCEPTIONS.get((lid, on.isoformat()), default) if exception == "none" else exception
        if plan is not None:
            rows.append({"leader_id": lid, "talked_on": on + timedelta(days=plan[0]), "kind": plan[1],
                         "reason": reason})

    qh011 = iter(QH011_2025)
    for d in deductions:
        plan = next(qh011) if (d["leader_id"], d["year"]) == ("QH011", LATEST) else "none"
        talk(d["leader_id"], d["date"], (7, "提醒谈话"), f"廉政监督卡扣分：{d['item']}", plan)
    for p in promotions:
        talk(p["leader_id"], p["promoted_on"], (5, "任职谈话"), "提拔任职")
    for m in matters:
        if m["reported_on"]:
            talk(m["leader_id"], m["reported_on"], (10, "其他"), f"报告个人重大事项：{m['kind']}")
    return sorted(rows, key=lambda r: (r["talked_on"], r["leader_id"]))


# ----------------------------------------------------------------------------- 责任清单, 巡察整改
RESPONSIBILITIES_2025: dict[str, dict[str, Any]] = {
    "QH022": {"measures": None, "published": "否"},                           # INCOMPLETE: 工作措施, 网上公示
    "QH025": {"due": D("2025-09-30"), "status": "未完成", "done_on": None},   # INTERVIEW: 92 days past due
    "QH028": {"due": D("2025-12-31"), "status": "未完成", "done_on": None},   # near miss: due on the as-of day
    "QH031": {"due": D("2025-11-01"), "done_on": D("2025-11-15")},           # near miss: completed (late)
}


def responsibility_rows(roster: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for r in roster:
        if r["is_top"] != "是":
            continue
        row = {"year": r["year"], "leader_id": r["leader_id"], "item": "落实党风廉政建设主体责任",
               "measures": "每季度专题研究党风廉政建设", "department": "办公室", "due": date(r["year"], 10, 31),
               "drafted": "是", "discussed": "是", "published": "是", "status": "已完成",
               "done_on": date(r["year"], 10, 20)}
        if r["year"] == LATEST:
            row.update(RESPONSIBILITIES_2025.get(r["leader_id"], {}))
        rows.append(row)
    return rows


RECTIFICATIONS = (  # unit, issue_no, text, leader, due, closed_on
    ("县教育局", "XC-2025-01", "食堂采购未公开招标", "QH034", "2025-06-30", None),          # open, 184 days overdue
    ("县人社局", "XC-2025-02", "专项资金拨付滞后", "QH038", "2025-03-31", "2025-05-10"),     # closed 40 days late
    ("县卫健局", "XC-2025-03", "公务接待清单不全", "QH047", "2025-08-31", "2025-08-31"),     # near miss: on time
    ("县卫健局", "XC-2024-07", "药品采购台账缺失", "QH048", "2024-10-31", "2025-01-15"),     # 2024 open, 2025 closed late
    ("县财政局", "XC-2025-09", "国有资产账实不符", "QH030", "2026-03-31", None),            # near miss: not yet due
)


def rectification_rows() -> list[dict[str, Any]]:
    return [{"unit": u, "issue_no": no, "issue_text": text, "leader_id": lid, "due": D(due),
             "closed_on": D(closed) if closed else None} for u, no, text, lid, due, closed in RECTIFICATIONS]


def pack_rows(posts: list[PostLike], roster: list[dict[str, Any]], deductions: list[dict[str, Any]],
              post_kind: Any) -> dict[str, list[dict[str, Any]]]:
    promotions, matters = promotion_rows(), matter_rows()
    return {
        "posts": post_rows(posts, post_kind),
        "probation": probation_rows(),
        "promotions": promotions,
        "assessment_grades": grade_rows(roster),
        "audits": audit_rows(posts),
        "personal_matters": matters,
        "integrity_reviews": review_rows(roster),
        "talks": talk_rows(deductions, promotions, matters),
        "responsibilities": responsibility_rows(roster),
        "rectifications": rectification_rows(),
    }


# ----------------------------------------------------------------------------- planted cases
@dataclass(frozen=True)
class PackCase:
    """What the sample should produce in 2025 for one leader in one pack: rule ids (and clauses)."""

    family: str
    leader_id: str
    expect: tuple[str, ...]      # "RULE_ID" or "RULE_ID:clause+clause"; () = near miss
    why_zh: str


def _k(family: str, lid: str, expect: str, why: str) -> PackCase:
    return PackCase(family, lid, tuple(expect.split()), why)


PACK_CASES: tuple[PackCase, ...] = (
    _k("rotation", "QH068", "ROTATION_DUE:same_post", "预算股股长 2019-12-31 起，至 2025-12-31 恰好满6年"),
    _k("rotation", "QH069", "", "国库股副股长 2020-01-01 起，至 2025-12-31 只满5年（第6个周年日是 2026-01-01）"),
    _k("rotation", "QH070", "ROTATION_DUE:same_office", "社保股副股长、股长两段相连，同一科室正副职满9年；现岗位只满5年"),
    _k("rotation", "QH071", "ROTATION_DUE:same_post+same_office+planned_exchange+key_post",
       "审批股股长两段无间断，合并满12年（审批岗位）"),
    _k("rotation", "QH072", "ROTATION_DUE:same_post", "登记股股长两段之间间断一年，只从 2018-01-01 起算，满7年（不满12年）"),
    _k("rotation", "QH026", "", "副乡长同一岗位满9年，但不是中层（rotation.scope = 中层）"),
    _k("probation", "QH059", "PROBATION_CONFIRM", "试用期 2025-06-30 期满，2025-07-05 考核合格"),
    _k("probation", "QH037", "PROBATION_REMOVE", "试用期 2025-02-28 期满，考核不合格"),
    _k("probation", "QH073", "PROBATION_OVERDUE", "试用期 2025-08-31 期满，至 2025-12-31 已 122 天未考核（宽限 30 天）"),
    _k("probation", "QH007", "", "试用期 2026-01-09 才期满"),
    _k("promotion", "QH067", "PROMOTION_INTEGRITY_STEPS_MISSING:talk+test_failed+pledge",
       "新提拔：无任前廉政谈话，测试 55 分，未作廉洁自律承诺"),
    _k("promotion", "QH007", "", "新提拔：谈话、测试 85 分、承诺齐全"),
    _k("promotion", "QH003", "PROMOTION_VETO:card", "拟提拔，2025 年廉政监督卡扣分恰好 4 分（一票否决阈值 4）"),
    _k("promotion", "QH004", "", "拟提拔，2025 年扣 3.5 分；测试恰好 60 分"),
    _k("promotion", "QH033", "PROMOTION_VETO:clearance", "拟提拔，党风廉政意见“有问题”"),
    _k("promotion", "QH040", "PROMOTION_VETO:investigation", "拟提拔，正在接受审查"),
    _k("assessment", "QH020", "UNFIT_ADJUST", "2025 年度考核等次 不称职"),
    _k("assessment", "QH029", "", "基本称职，不是不称职"),
    _k("audit", "QH015", "ECONOMIC_AUDIT_DUE", "党委书记 2019-03-11 起任职满6年，从未审计"),
    _k("audit", "QH018", "ECONOMIC_AUDIT_DUE", "唯一一次审计 2021-01-10 在任现职（2021-04-12）之前"),
    _k("audit", "QH019", "ECONOMIC_AUDIT_DUE", "乡长 2022-08-29 起，至 2025-12-31 恰好满3年，未审计"),
    _k("audit", "QH067", "", "2025-02-10 新任，不满3年"),
    _k("audit", "QH061", "ECONOMIC_AUDIT_MISSING_ON_CHANGE", "2024 年主任（一把手）→ 2025 年党组副书记、主任，2024–2025 年无审计"),
    _k("audit", "QH064", "", "职务变动，2025-01-15 已做离任审计"),
    _k("audit", "QH021", "AUDIT_TALK_EDUCATION", "2025 年任中审计发现一般性问题"),
    _k("audit", "QH024", "AUDIT_ADMONITION", "2025 年任中审计发现问题较多"),
    _k("audit", "QH027", "AUDIT_REFER_DISCIPLINE", "2025 年任中审计发现严重违纪"),
    _k("audit", "QH030", "AUDIT_REFER_JUDICIARY", "2025 年任中审计发现涉嫌犯罪"),
    _k("audit", "QH034", "", "2025 年审计未发现问题"),
    _k("personal", "QH005", "PERSONAL_MATTER_UNREPORTED:unreported", "2025-05-01 住房变动，至年底未报告"),
    _k("personal", "QH009", "PERSONAL_MATTER_UNREPORTED:late PERSONAL_MATTER_CIRCULATE",
       "2025-02-01 出国出境，59 天后才报告；2024-06-01 的事项核实不一致，两年内第二次"),
    _k("personal", "QH012", "PERSONAL_MATTER_MISMATCH", "2025 年报告的事项核实不一致；2022 年的迟报已在两年窗口之外"),
    _k("personal", "QH001", "", "2025-03-01 发生，第 30 天报告（不超过 30 天）"),
    _k("personal", "QH003", "", "未报告，但不是一把手"),
    _k("integrity", "QH010", "INTEGRITY_REPORT_MISSING", "2025 年度没有廉政报告"),
    _k("integrity", "QH013", "INTEGRITY_REVIEW_FAILED:aspect", "民主作风 55 分，低于 60"),
    _k("integrity", "QH016", "INTEGRITY_REVIEW_FAILED:conclusion", "考廉结论 不合格"),
    _k("integrity", "QH019", "", "民主作风恰好 60 分"),
    _k("talk", "QH067", "TALK_OVERDUE:promotion", "2025-02-10 提拔，没有任职谈话或廉政谈话"),
    _k("talk", "QH033", "TALK_OVERDUE:promotion", "2025-09-01 提拔，第 31 天才任职谈话"),
    _k("talk", "QH011", "TALK_OVERDUE:card", "2025 年三次扣分：一次没有谈话、一次第 30 天提醒谈话（按时）、一次只有任职谈话（类型不符）"),
    _k("talk", "QH012", "TALK_OVERDUE:personal", "2025-06-15 报告个人重大事项，之后没有谈话"),
    _k("talk", "QH004", "", "2025-06-01 提拔，第 30 天任职谈话"),
    _k("responsibility", "QH022", "RESPONSIBILITY_LIST_INCOMPLETE:elements+published", "责任清单缺工作措施，未网上公示"),
    _k("responsibility", "QH025", "RESPONSIBILITY_INTERVIEW", "完成时限 2025-09-30，年底仍未完成"),
    _k("responsibility", "QH028", "", "完成时限 2025-12-31，统计日当天未过时限"),
    _k("responsibility", "QH031", "", "已完成（晚于时限，但规则只问是否完成）"),
    _k("rectification", "QH034", "RECTIFICATION_OVERDUE:open", "XC-2025-01 整改时限 2025-06-30，未销号（逾期 184 天）"),
    _k("rectification", "QH038", "RECTIFICATION_OVERDUE:closed_late", "XC-2025-02 逾期 40 天才销号"),
    _k("rectification", "QH048", "RECTIFICATION_OVERDUE:closed_late", "XC-2024-07 2024 年逾期未销号，2025-01-15 销号（逾期 76 天）"),
    _k("rectification", "QH047", "", "XC-2025-03 按期销号"),
    _k("rectification", "QH030", "", "XC-2025-09 整改时限 2026-03-31，尚未到期"),
)

PACK_FAMILY_TITLES: dict[str, tuple[str, str]] = {
    "rotation": ("轮岗交流", "rotation (SPEC 3.7)"),
    "probation": ("试用期", "probation (SPEC 3.7)"),
    "promotion": ("新提拔廉政三项与一票否决", "new promotions: integrity steps and veto (SPEC 3.7)"),
    "assessment": ("年度考核等次", "annual assessment grade (SPEC 3.7)"),
    "audit": ("经济责任审计", "economic responsibility audit (SPEC 3.7)"),
    "personal": ("个人重大事项", "personal matters (SPEC 3.7)"),
    "integrity": ("年度廉政报告与考廉", "annual integrity report and review (SPEC 3.7)"),
    "talk": ("谈话义务（八个必谈）", "mandatory talks (SPEC 3.7)"),
    "responsibility": ("责任清单", "responsibility lists (SPEC 3.7)"),
    "rectification": ("巡察整改", "rectification of inspection findings (SPEC 3.7)"),
}
