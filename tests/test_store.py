"""The history store (issue 11), on SQLite and on a real PostgreSQL server (tests/pgserver.py).

The sample workbook is split into three one-year workbooks (each the sample with the other years'
rows cleared, so every kept row stays at its Excel row and keeps its cells as typed); imported one by
one, a run from the store must equal the run on the whole workbook byte for byte, apart from the
fields that say where the input came from (input_file, input_fingerprint) and the store block.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from engine.cli import main
from engine.input.sheets import SECOND_WAVE
from engine.store.db import resolve_store
from pgserver import start_cluster

SAMPLE = Path(__file__).resolve().parents[1] / "scorecards" / "samples" / "sample_county.xlsx"
SECOND_WAVE_ZH = tuple(spec.zh for spec in SECOND_WAVE)
YEARS = (2023, 2024, 2025)
STORE_FIELDS = ("input_file", "input_fingerprint", "store")


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "scorecard.db")
    return request.getfixturevalue("pg_cluster").new_database()


def first_wave(source: Path, target: Path) -> Path:
    """The sample with only the seven SPEC 4 sheets: every sheet has 年度, so each yearly import is one
    version (the year-less second-wave sheets have their own test below)."""
    wb = load_workbook(source)
    for name in SECOND_WAVE_ZH:
        del wb[name]
    wb.save(target)
    return target


def split_year(source: Path, year: int, target: Path) -> Path:
    """The workbook with every row of another year cleared (rows keep their places and raw cells)."""
    wb = load_workbook(source)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if "年度" not in header:
            continue
        col = header.index("年度") + 1
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=col).value not in (None, year):
                for cell in ws[row]:
                    cell.value = None
    wb.save(target)
    return target


@pytest.fixture(scope="session")
def books(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("split")
    out = {"whole": first_wave(SAMPLE, folder / "whole.xlsx")}
    for year in YEARS:
        out[year] = split_year(out["whole"], year, folder / f"sample_{year}.xlsx")
    return out


@pytest.fixture(scope="session")
def whole_result(books, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("whole")
    assert main(["run", str(books["whole"]), "--year", "2025", "--out", str(folder / "r.xlsx"),
                 "--json", str(folder / "r.json")]) == 0
    return json.loads((folder / "r.json").read_text(encoding="utf-8"))


def cli(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_years(capsys, books, store, years=YEARS) -> None:
    for year in years:
        code, out, err = cli(capsys, "import", books[year], "--store", store, "--by", "组织部甲")
        assert code == 0, out + err
        assert f"{year} 年度：新导入，第 1 版" in out


def run_store(capsys, store, folder: Path, *extra: str) -> tuple[dict, str]:
    code, out, err = cli(capsys, "run", *extra, "--store", store, "--year", "2025",
                         "--out", folder / "store.xlsx", "--json", folder / "store.json")
    assert code == 0, out + err
    return json.loads((folder / "store.json").read_text(encoding="utf-8")), out


def without_store_fields(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in STORE_FIELDS}


def sql(store: str, *statements: str) -> None:
    engine = create_engine(resolve_store(store))
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def scalar(store: str, statement: str):
    engine = create_engine(resolve_store(store))
    try:
        with engine.connect() as conn:
            return conn.execute(text(statement)).scalar_one()
    finally:
        engine.dispose()


# ------------------------------------------------------------------ the annual cycle
def test_three_yearly_imports_score_like_the_whole_workbook(capsys, books, store, whole_result, tmp_path):
    import_years(capsys, books, store)
    data, out = run_store(capsys, store, tmp_path)
    assert without_store_fields(data) == without_store_fields(whole_result)
    whole_text = json.dumps(without_store_fields(whole_result), ensure_ascii=False, indent=2)
    assert json.dumps(without_store_fields(data), ensure_ascii=False, indent=2) == whole_text
    used = [(v["year"], v["version"], v["source"]) for v in data["store"]["versions_used"]]
    assert used == [(2023, 1, "store"), (2024, 1, "store"), (2025, 1, "store")]
    assert data["store"]["chain_seq"] == 3 and len(data["store"]["chain_head"]) == 64
    assert "所用数据版本：2023 第1版、2024 第1版、2025 第1版" in out and "运行记录 #4" in out
    summary = {r[0]: r[1] for r in load_workbook(tmp_path / "store.xlsx")["汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["数据链头（本报告所依据）"] == data["store"]["chain_head"]
    code, out, _ = cli(capsys, "runs", "--store", store)
    assert code == 0 and out.startswith("#4 ") and "所用版本 2023 第1版、2024 第1版、2025 第1版" in out


def test_one_year_alone_leaves_the_windows_unevaluated_the_store_fills_them(capsys, books, store, whole_result,
                                                                             tmp_path):
    """`run NEW.xlsx --store`: the new year from the workbook (not imported), the earlier ones from the store."""
    import_years(capsys, books, store, (2023, 2024))
    data, out = run_store(capsys, store, tmp_path, books[2025])
    assert without_store_fields(data) == without_store_fields(whole_result)
    assert data["input_fingerprint"] != whole_result["input_fingerprint"]
    assert [(v["year"], v["version"], v["source"]) for v in data["store"]["versions_used"]] == [
        (2023, 1, "store"), (2024, 1, "store"), (2025, None, "sample_2025.xlsx")]
    code, out, _ = cli(capsys, "history", "--store", store)
    assert "2025" not in out   # scored, not imported


def edit_2024(books, folder: Path) -> tuple[Path, int, float, str]:
    """A corrected 2024: the first 2024 deduction gains one point. Returns (path, Excel row, new points, leader)."""
    wb = load_workbook(books[2024])
    ws = wb["廉政监督卡"]
    header = [c.value for c in ws[1]]
    year_col, points_col = header.index("年度") + 1, header.index("扣分") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=year_col).value == 2024)
    new = float(ws.cell(row=row, column=points_col).value) + 1
    ws.cell(row=row, column=points_col).value = new
    path = folder / "sample_2024_corrected.xlsx"
    wb.save(path)
    return path, row, new, ws.cell(row=row, column=header.index("干部编号") + 1).value


def test_a_changed_year_needs_replace_shows_the_difference_and_keeps_both(capsys, books, store, tmp_path):
    import_years(capsys, books, store)
    corrected, row, new, leader = edit_2024(books, tmp_path)
    code, out, err = cli(capsys, "import", corrected, "--store", store)
    assert code == 2
    lines = out.splitlines()
    assert lines[0] == "2024 年度：不同于已存储的第 1 版（新版本为第 2 版）：新增 0 行，删除 0 行，修改 1 处"
    assert lines[1] == f"  ~ 修改 廉政监督卡 {leader} 第1条（第{row}行） 扣分：{new - 1} → {new}"
    assert "请加 --replace" in err
    assert scalar(store, "SELECT count(*) FROM versions") == 3 and scalar(store, "SELECT count(*) FROM log") == 3

    code, out, err = cli(capsys, "import", corrected, "--store", store, "--replace", "--note", "更正扣分")
    assert code == 0, err
    assert f"扣分：{new - 1} → {new}" in out and "已导入" in out and "2024 年度第 2 版（日志第 4 条）" in out
    code, out, _ = cli(capsys, "history", "--store", store, "--year", "2024")
    lines = out.splitlines()[1:]
    assert [line.split()[:3] for line in lines] == [["2", "2024", "年度"], ["4", "2024", "年度"]]
    assert "第1版" in lines[0] and "第2版" in lines[1] and "更正扣分" in lines[1]
    data, _ = run_store(capsys, store, tmp_path)
    assert [(v["year"], v["version"]) for v in data["store"]["versions_used"]] == [(2023, 1), (2024, 2), (2025, 1)]


def test_unchanged_reimport_stores_nothing(capsys, books, store):
    import_years(capsys, books, store, (2024,))
    code, out, _ = cli(capsys, "import", books[2024], "--store", store)
    assert code == 0 and "与已存储的第 1 版相同，不新建版本" in out and "没有需要写入的新数据" in out
    assert scalar(store, "SELECT count(*) FROM log") == 1


def test_bad_workbook_is_not_stored(capsys, books, store, tmp_path):
    import_years(capsys, books, store, (2024,))
    wb = Workbook()
    ws = wb.active
    ws.title = "干部名册"
    ws.append(["年度", "干部编号", "姓名", "单位", "单位类别", "职务", "是否一把手"])
    ws.append([2025, "1001", "张三", "甲镇", "乡镇", "书记", "是"])
    ws.append([2025, "1001", "李四", "甲镇", "乡镇", "镇长", "是"])
    wb.save(tmp_path / "bad.xlsx")
    code, _, err = cli(capsys, "import", tmp_path / "bad.xlsx", "--store", store)
    assert code == 1 and "DUPLICATE" in err and "未写入存储库" in err
    assert scalar(store, "SELECT count(*) FROM log") == 1 and scalar(store, "SELECT count(*) FROM versions") == 1


# ------------------------------------------------------------------ append-only, tamper-evident
@pytest.mark.parametrize("statement", [
    "UPDATE rows SET data = '{}'", "DELETE FROM rows", "UPDATE log SET actor = 'x'", "DELETE FROM log",
    "UPDATE versions SET content_hash = 'x'", "DELETE FROM versions",
])
def test_triggers_refuse_update_and_delete(capsys, books, store, statement):
    import_years(capsys, books, store, (2025,))
    with pytest.raises(DBAPIError, match="append-only"):
        sql(store, statement)
    code, out, _ = cli(capsys, "verify", "--store", store)
    assert code == 0 and "完整：1 条日志、1 个数据版本均与记录一致" in out


def _drop_triggers(store: str, table: str) -> list[str]:
    if store.startswith("postgresql"):
        return [f"ALTER TABLE {table} DISABLE TRIGGER USER"]
    return [f"DROP TRIGGER {table}_no_update", f"DROP TRIGGER {table}_no_delete"]


def test_verify_names_the_import_whose_rows_were_edited(capsys, books, store):
    import_years(capsys, books, store)
    sql(store, *_drop_triggers(store, "rows"),
        "UPDATE rows SET data = replace(data, '\"points\":', '\"points\":9') "
        "WHERE id = (SELECT min(id) FROM rows WHERE sheet = 'deductions' AND year = 2024)")
    code, _, err = cli(capsys, "verify", "--store", store)
    assert code == 1
    assert "已被改动：1 处不一致。首个不一致：日志第 2 条（导入）：2024 年度第 1 版的数据与导入时记录的哈希不符" in err


def test_verify_names_the_first_log_entry_edited(capsys, books, store, tmp_path):
    import_years(capsys, books, store)
    run_store(capsys, store, tmp_path)
    sql(store, *_drop_triggers(store, "log"), "UPDATE log SET actor = '别人' WHERE seq = 2")
    code, _, err = cli(capsys, "verify", "--store", store)
    assert code == 1
    assert "首个不一致：日志第 2 条（导入）：内容已被修改（哈希不符）" in err
    assert "日志第 3 条（导入）：与前一条的链接断开" not in err   # the link still holds: only entry 2 lies


# ------------------------------------------------------------------ 复核
def review_file(folder: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "复核意见"
    ws.append(["年度", "干部编号", "代码", "结论", "理由", "复核人", "日期"])
    for row in rows:
        ws.append(row)
    path = folder / "复核意见.xlsx"
    wb.save(path)
    return path


def fired_2025(whole_result: dict) -> list[tuple[str, str, str]]:
    return [(r["leader_id"], r["name"], c["code"]) for r in whole_result["results"] for c in r["consequences"]]


def test_review_decisions_show_beside_the_results(capsys, books, store, whole_result, tmp_path):
    import_years(capsys, books, store)
    run_store(capsys, store, tmp_path)
    (lid1, name1, code1), (lid2, name2, code2) = fired_2025(whole_result)[:2]
    path = review_file(tmp_path, [[2025, lid1, code1, "确认", "扣分属实", "纪委张三", "2026-03-01"],
                                  [2025, lid2, code2, "撤销", "已核实为误报", "组织部李四", "2026-03-02"]])
    code, out, err = cli(capsys, "review", "latest", "--file", path, "--store", store)
    assert code == 0, err
    assert "已记录 2 条复核意见（确认 1，撤销 1；日志第 5–6 条）" in out
    data, _ = run_store(capsys, store, tmp_path)
    assert without_store_fields(data)["results"] == whole_result["results"]     # the engine's result untouched
    report = load_workbook(tmp_path / "store.xlsx")
    rows = list(report["结果明细"].iter_rows(values_only=True))
    head = rows[0]
    assert head[-3:] == ("复核结论", "复核人", "理由")
    by_id = {r[head.index("干部编号")]: r for r in rows[1:]}
    assert "：确认" in by_id[lid1][-3] and by_id[lid1][-2] == "纪委张三" and "扣分属实" in by_id[lid1][-1]
    assert "：撤销" in by_id[lid2][-3] and "组织部李四" in by_id[lid2][-2]
    summary = {r[0]: r[1] for r in report["汇总"].iter_rows(values_only=True) if r[0]}
    total = sum(len(r["consequences"]) for r in whole_result["results"])
    distinct = len({(r["leader_id"], c["code"]) for r in whole_result["results"] for c in r["consequences"]})
    assert (summary["已确认"], summary["已撤销"], summary["待复核"]) == (1, 1, distinct - 2)
    assert total >= distinct
    records = list(report["复核记录"].iter_rows(values_only=True))
    assert [r[5] for r in records[1:]] == sorted(["确认", "撤销"], key=lambda d: [lid1, lid2][["确认", "撤销"].index(d)])


def test_review_needs_reason_and_reviewer_and_flags_what_did_not_fire(capsys, books, store, whole_result, tmp_path):
    import_years(capsys, books, store)
    run_store(capsys, store, tmp_path)
    lid, _, code_ = fired_2025(whole_result)[0]
    path = review_file(tmp_path, [[2025, lid, code_, "确认", None, "纪委张三", "2026-03-01"],
                                  [2025, lid, code_, "撤销", "误报", "", "2026-03-01"]])
    code, _, err = cli(capsys, "review", "latest", "--file", path, "--store", store)
    assert code == 1 and "REVIEW_REASON_MISSING" in err and "REVIEW_REVIEWER_MISSING" in err and "未记录任何意见" in err
    assert scalar(store, "SELECT count(*) FROM log WHERE kind = 'review'") == 0
    silent = next(r["leader_id"] for r in whole_result["results"] if not r["consequences"])
    code, out, err = cli(capsys, "review", "latest", "--store", store, "--year", "2025", "--leader", silent,
                         "--code", "DEMOTE_REMOVE_OR_RESIGN", "--decision", "撤销", "--reason", "无", "--reviewer", "王五")
    assert code == 0 and "REVIEW_NOT_FIRED" in err and "其中 1 条针对未触发的后果，已标记" in out


def test_a_decision_whose_consequence_disappears_after_a_correction_is_stale(capsys, books, store, whole_result,
                                                                             tmp_path):
    import_years(capsys, books, store)
    run_store(capsys, store, tmp_path)
    lid, name, code_ = next(f for f in fired_2025(whole_result) if f[2] == "DISQUALIFY_AWARDS")
    assert cli(capsys, "review", "latest", "--store", store, "--year", "2025", "--leader", lid, "--code", code_,
               "--decision", "确认", "--reason", "属实", "--reviewer", "纪委张三")[0] == 0
    wb = load_workbook(books[2025])       # the correction: this leader's 2025 deductions were entered in error
    ws = wb["廉政监督卡"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == lid and row[0].value == 2025:
            for cell in row:
                cell.value = None
    wb.save(tmp_path / "sample_2025_corrected.xlsx")
    assert cli(capsys, "import", tmp_path / "sample_2025_corrected.xlsx", "--store", store, "--replace")[0] == 0
    run_store(capsys, store, tmp_path)
    report = load_workbook(tmp_path / "store.xlsx")
    summary = {r[0]: r[1] for r in report["汇总"].iter_rows(values_only=True) if r[0]}
    assert summary["失效的复核意见（数据更正后该后果已不再触发）"] == 1 and summary["已确认"] == 0
    records = list(report["复核记录"].iter_rows(values_only=True))
    assert records[1][1] == lid and records[1][9] == "失效：数据更正后该后果已不再触发"


def test_store_path_from_the_environment(capsys, books, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli(capsys, "import", books[2025])
    assert code == 0 and (tmp_path / "scorecard.db").exists()
    monkeypatch.setenv("SCORECARD_STORE", str(tmp_path / "other.db"))
    code, out, _ = cli(capsys, "import", books[2025])
    assert code == 0 and "已导入 other.db" in out
    code, _, err = cli(capsys, "history", "--store", tmp_path / "missing.db")
    assert code == 2 and "没有找到存储库" in err


def test_review_a_workbook_scored_with_the_earlier_years_from_the_store(capsys, books, store, whole_result, tmp_path):
    """The 2025 workbook is reviewed before it is imported: its consequences need 2023–2024 from the store."""
    import_years(capsys, books, store, (2023, 2024))
    lid, code_ = next((r["leader_id"], c["code"]) for r in whole_result["results"] for c in r["consequences"]
                      if c["code"] == "DEMOTE_REMOVE_OR_RESIGN" and c["clauses"] == ["three_years"])
    path = review_file(tmp_path, [[2025, lid, code_, "确认", "属实", "纪委张三", "2026-03-01"]])
    code, out, err = cli(capsys, "review", books[2025], "--file", path, "--store", store)
    assert code == 0 and "已记录 1 条复核意见（确认 1，撤销 0；日志第 3 条）" in out and "REVIEW_NOT_FIRED" not in err


# ------------------------------------------------------------------ the second-wave sheets, some without 年度
def test_year_less_sheets_are_stored_once_and_score_like_the_whole_workbook(capsys, tmp_path):
    """任职经历, 谈话记录 ... have no 年度: every yearly import carries them, the store keeps one version
    (unchanged imports add none) and a run from the store equals the run on the whole workbook."""
    store = str(tmp_path / "scorecard.db")
    whole = tmp_path / "whole.xlsx"
    shutil.copy(SAMPLE, whole)
    code, _, err = cli(capsys, "run", whole, "--year", "2025", "--out", tmp_path / "w.xlsx", "--json", tmp_path / "w.json")
    assert code == 0, err
    whole_result = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    outs = []
    for year in YEARS:
        code, out, err = cli(capsys, "import", split_year(SAMPLE, year, tmp_path / f"s{year}.xlsx"), "--store", store)
        assert code == 0, out + err
        outs.append(out)
    assert "不分年度数据：新导入，第 1 版" in outs[0]
    assert all("不分年度数据：与已存储的第 1 版相同，不新建版本" in out for out in outs[1:])
    data, _ = run_store(capsys, store, tmp_path)
    assert without_store_fields(data) == without_store_fields(whole_result)
    used = [(v["year"], v["version"]) for v in data["store"]["versions_used"]]
    assert used == [(2023, 1), (2024, 1), (2025, 1), (None, 1)]
