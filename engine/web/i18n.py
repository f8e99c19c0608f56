"""The page's words: Chinese first (the text in the templates is the key), English on request.

Data from the engine (consequence labels, source quotes, the explanation) stays as the
engine wrote it; only the page's own words are translated here. A key the English table
lacks is shown in Chinese and remembered in MISSING (the tests render every page in
English and require it to stay empty).
"""
from __future__ import annotations

import re
from typing import Any, Callable

LANGS = ("zh", "en")
MISSING: set[str] = set()

EN: dict[str, str] = {
    "监督“一把手”年度考核计分": "Supervision scorecard",
    "跳到正文": "Skip to content", "主导航": "Main navigation", "上传工作簿": "Upload a workbook",
    "规则目录": "Rule catalogue", "已登录：": "Signed in: ", "退出": "Sign out",
    "计分由规则文件决定；每项后果都附规则、来源原文与数值。":
        "Scores come from the rule files; every consequence carries its rule, source passage and numbers.",
    "返回上传页": "Back to upload", "找不到": "Not found", "请求被拒绝": "Request refused",
    "没有这次运行（服务器重启后，以前的运行不再保留）。":
        "No such run (runs are not kept when the server restarts).",
    "没有这张图。": "No such chart.",
    "这次运行中没有这名干部。": "No such leader in this run.",
    "表单已过期或来源不明（CSRF 校验失败）。请刷新页面后重试。":
        "The form expired or came from elsewhere (CSRF check failed). Reload the page and try again.",
    # upload
    "上传年度考核工作簿": "Upload the annual assessment workbook",
    "选择填好的年度考核工作簿（.xlsx），系统先检查数据，再按规则计分。有问题时列出每一处问题，不计分、不保存。":
        "Choose the filled-in assessment workbook (.xlsx). It is checked first, then scored by the rules. "
        "If anything is wrong, every problem is listed and nothing is scored or stored.",
    "工作簿文件": "Workbook file",
    "年度（可填多个，用空格或逗号分隔；留空为工作簿中最新年度）":
        "Year(s) (several separated by spaces or commas; empty = the latest year in the workbook)",
    "例如：2024 2025": "e.g. 2024 2025", "情景": "Scenario",
    "无（按评分卡默认参数）": "None (the scorecard's defaults)", "检查并计分": "Check and score",
    "还没有工作簿？": "No workbook yet?", "下载空白录入模板": "Download the blank input template",
    "（全部工作表与表头、填表说明、下拉选项）": " (every sheet and header, instructions, drop-downs)",
    "年度请填写四位数字，多个年度用空格或逗号分隔；留空表示工作簿中最新的年度。":
        "Years are four-digit numbers separated by spaces or commas; leave empty for the latest year.",
    "请选择列表中的情景。": "Choose a scenario from the list.",
    "请选择要上传的工作簿（.xlsx）。": "Choose the workbook (.xlsx) to upload.",
    # pending and failure
    "正在计分": "Scoring", "正在处理": "Working on", "排队等候": "Waiting in line",
    "读取并检查工作簿": "Reading and checking the workbook", "计分": "Scoring", "写入历史库": "Writing to the store",
    "已用时": "elapsed", "秒": "s",
    "完成后页面会自动显示结果；也可以稍后刷新本页。处理期间可以在别的窗口继续使用。":
        "The results appear here when ready; you may also reload later. Other windows keep working meanwhile.",
    "工作簿有问题": "Problems in the workbook", "工作簿有问题：未计分，未保存": "Problems in the workbook: nothing scored, nothing stored",
    "文件：": "File: ", "请按下表逐条修改工作簿后重新上传。": "Fix each problem below in the workbook and upload it again.",
    "问题清单": "Problems", "级别": "Level", "工作表": "Sheet", "行": "rows", "列": "Column", "值": "Value",
    "期望": "Expected", "说明": "Explanation", "代码": "Code", "错误": "error", "提示": "note", "重新上传": "Upload again",
    # run
    "计分结果": "Results", "年度": "Year", "无（默认参数）": "none (defaults)", "上传人": "uploaded by",
    "汇总": "Summary", "干部·年度": "Leader-years", "后果（项）": "Consequences", "数据提示（条）": "Data notes",
    "下载 Excel 报告": "Download the Excel report", "下载 JSON 结果": "Download the JSON results",
    "调整参数，看谁的后果会变（假设分析）": "Change parameters and see who flips (what-if)",
    "各后果人数": "Leaders per consequence", "后果": "Consequence", "人数": "Leaders", "图示": "Chart",
    "没有任何后果。": "No consequences.", "按单位统计": "Per unit", "单位": "Unit", "单位类别": "Unit type",
    "干部人数": "Leaders", "有后果的人数": "Leaders with a consequence", "后果项数": "Consequences",
    "结果明细": "Results table", "全部": "All", "编号或姓名": "ID or name", "筛选": "Filter",
    "清除筛选": "Clear filters", "共": "", "干部编号": "Leader ID", "姓名": "Name", "当年扣分": "Card points",
    "五个强化加权分": "Five reinforcements", "触发后果": "Consequences", "一把手": "top leader",
    "有未评估项": "some families not evaluated", "没有符合条件的干部。": "No leader matches.",
    # leader
    "的计分说明": ": explanation", "返回结果": "Back to the results", "党政一把手": "principal leader",
    "下载个人评分表（可打印，含签字栏）": "Download the personal score sheet (printable, with signature lines)", "得分": "Scores", "触发的后果": "Consequences",
    "未触发任何后果。": "No consequence fired.",
    # what-if
    "假设分析": "What-if", "假设分析：调整参数，看谁的后果会变": "What-if: change parameters, see who flips",
    "改动一个或多个参数后提交；同一工作簿、同一年度按新参数重新计分，并与当前结果比较。规则文件不会被修改。":
        "Change one or more parameters and submit: the same workbook and years are scored again with them and "
        "compared with the current results. The rule files are not changed.",
    "参数": "Parameter", "取值": "Value", "来源": "Source", "是": "yes", "否": "no",
    "多个值用逗号分隔": "separate several values with commas", "格式：名称: 数值, 名称: 数值": "format: name: number, name: number",
    "月-日，如 12-31、06-30": "month-day, e.g. 12-31 or 06-30",
    "在评分卡或情景文件中修改": "change it in the scorecard or a scenario file",
    "文件依据": "source document", "本地参数": "local choice", "情景覆盖": "scenario override",
    "重新计分并比较": "Score again and compare", "恢复当前参数": "Reset", "比较结果": "Comparison",
    "改动的参数：": "Changed: ", "名干部·年度的后果发生变化": "leader-years flip",
    "谁的后果变了": "Who flips", "新增后果": "Gained", "原因": "Why", "不再有的后果": "Lost",
    "各后果人数：当前与假设": "Leaders per consequence: current and what-if", "当前": "Current", "假设": "What-if",
    "尚未改动参数。": "No parameter changed yet.",
    "有参数填写不正确，请看上表中的提示。": "Some values are not valid: see the notes in the table above.",
    # rules
    "由规则文件生成：每条规则的条件、参数及其来源性质、来源文件与原文。":
        "Generated from the rule files: each rule's conditions, parameters and their provenance, source and quote.",
    "规则列表": "Rules", "规则编号": "Rule id", "适用": "Applies to", "全部干部": "all leaders", "结果": "Result",
    "做什么": "What", "为什么": "Why", "条件": "Condition", "来源：": "Source: ",
    # store and 复核
    "历史库": "History store", "历史库：": "Store: ", "运行记录": "run", "本次写入：": "Stored now: ",
    "没有新的数据需要写入。": "Nothing new to store.", "已按确认写入新版本（旧版本保留）。": "Stored as new versions (the old ones stay).",
    "复核情况（按后果计）：": "Review (per consequence): ", "待复核": "pending", "已确认": "confirmed", "已撤销": "withdrawn",
    "以下年度已存储、且与本文件不同；本次计分用的是本文件的数据，但未替换历史库中的版本：":
        "These years are already stored with other data; this run scored the uploaded data but did not replace "
        "the stored versions:",
    "与已存储的第": "compared with stored version", "版相比": "", "新增": "added", "删除": "removed", "修改": "changed",
    "处": "cells", "查看差异": "Show the differences", "确认以本文件为新版本（旧版本保留）": "Store this file as the new version (the old one stays)",
    "写入历史库并计分": "Storing and scoring",
    "复核：": "Review: ", "复核人": "reviewer", "日志第": "log entry", "条": "", "复核意见": "Review decision",
    "确认": "confirm", "撤销": "withdraw", "理由（必填）": "Reason (required)", "复核人（必填）": "Reviewer (required)",
    "记录复核意见": "Record the decision", "复核意见未记录：": "The decision was not recorded:",
    # login
    "登录": "Sign in", "用户名": "User name", "密码": "Password", "用户名或密码不对。": "Wrong user name or password.",
}


def translator(lang: str) -> Callable[[str], str]:
    if lang != "en":
        return lambda text: text

    def english(text: str) -> str:
        if text in EN:
            return EN[text]
        MISSING.add(text)
        return text

    return english


_SPLIT = re.compile(r"\s*/\s*(?=[A-Za-z\[(])")


def part(text: str, lang: str) -> str:
    """One language of an engine message written "中文 / English"; the whole text when it is not."""
    pieces = _SPLIT.split(str(text), maxsplit=1)
    if len(pieces) != 2 or not re.search(r"[\u4e00-\u9fff]", pieces[0]):
        return str(text)
    return pieces[0] if lang == "zh" else pieces[1]


def number(value: Any) -> str:
    """12.0 → 12, None → —, lists and mappings as plain text (never JSON)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, list):
        return "、".join(number(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k} {number(v)}" for k, v in value.items())
    return str(value)
