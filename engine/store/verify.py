"""Is the store as it was written? Walk the hash chain, then recompute every stored version's hash.

`verify_store` is the one entry point: the CLI's `scorecard verify --store` prints its report, and
any other command may call it (e.g. before trusting a stored run)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from engine.store import chain
from engine.store.db import Store, log, versions
from engine.store.imports import load_dataset


@dataclass
class Problem:
    seq: int | None          # the log entry that no longer matches (None: data no entry accounts for)
    kind: str                # import / run / review / version
    what_zh: str
    what_en: str

    def line(self) -> str:
        where = f"日志第 {self.seq} 条（{_KIND_ZH.get(self.kind, self.kind)}）" if self.seq else "未登记的数据"
        return f"{where}：{self.what_zh} / {self.what_en}"


_KIND_ZH = {"import": "导入", "run": "运行", "review": "复核"}


@dataclass
class Verification:
    entries: int = 0
    versions: int = 0
    head: str = chain.GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def verify_store(store: Store) -> Verification:
    report = Verification()
    with store.engine.connect() as conn:
        entries = [dict(r._mapping) for r in conn.execute(select(log).order_by(log.c.seq))]
        stored = [dict(r._mapping) for r in conn.execute(select(versions).order_by(versions.c.id))]
        report.entries, report.versions = len(entries), len(stored)
        recorded = _walk(entries, report)
        by_key = {(v["dataset"], v["version"]): v for v in stored}
        for (dataset, number), (seq, expected) in sorted(recorded.items(), key=lambda kv: kv[1][0]):
            version = by_key.pop((dataset, number), None)
            label = f"{dataset} 年度第 {number} 版" if dataset != "-" else f"不分年度数据第 {number} 版"
            if version is None:
                report.problems.append(Problem(seq, "import", f"{label}已不在存储库中",
                                               f"version {dataset} v{number} is missing"))
                continue
            actual = load_dataset(conn, version).content_hash()
            if version["log_seq"] != seq or version["content_hash"] != expected or actual != expected:
                report.problems.append(Problem(
                    seq, "import", f"{label}的数据与导入时记录的哈希不符（记录 {expected[:12]}…，现为 {actual[:12]}…）",
                    f"version {dataset} v{number}: stored rows hash {actual[:12]}… ≠ recorded {expected[:12]}…"))
        for version in by_key.values():
            report.problems.append(Problem(None, "version", f"{version['dataset']} 年度第 {version['version']} 版"
                                           "没有对应的导入记录", f"version {version['dataset']} "
                                           f"v{version['version']} was not written by any import"))
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report


def _walk(entries: list[dict[str, Any]], report: Verification) -> dict[tuple[str, int], tuple[int, str]]:
    """Check every link; return (dataset, version) -> (seq, recorded content hash) from the import entries."""
    prev, expected_seq = chain.GENESIS, 1
    recorded: dict[tuple[str, int], tuple[int, str]] = {}
    for entry in entries:
        seq, kind = entry["seq"], entry["kind"]
        if seq != expected_seq:
            report.problems.append(Problem(seq, kind, f"日志序号不连续（应为 {expected_seq}）",
                                           f"sequence gap: expected {expected_seq}"))
        if entry["prev_hash"] != prev:
            report.problems.append(Problem(seq, kind, "与前一条的链接断开（前一条已被修改或删除）",
                                           "link to the previous entry is broken"))
        digest = chain.entry_hash(entry["prev_hash"], kind, entry["at"], entry["actor"], entry["body"])
        if digest != entry["hash"]:
            report.problems.append(Problem(seq, kind, "内容已被修改（哈希不符）", "content was changed (hash mismatch)"))
        if kind == "import":
            for v in json.loads(entry["body"]).get("versions", []):
                recorded[(v["dataset"], v["version"])] = (seq, v["content_hash"])
        prev, expected_seq = entry["hash"], seq + 1
    report.head = prev
    return recorded
