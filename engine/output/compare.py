"""For analysts: who flips between two runs, and counts over a parameter range."""
from __future__ import annotations

from collections import Counter
from typing import Any

from engine.evaluation.results import RunResult


def _codes(result: RunResult) -> dict[tuple[int, str], tuple[str, set[str]]]:
    return {(r.year, r.leader_id): (r.name, {c.code for c in r.consequences}) for r in result.results}


def flips(base: RunResult, other: RunResult) -> list[dict[str, Any]]:
    """Leader-years whose consequence codes differ, with what was gained and lost."""
    a, b = _codes(base), _codes(other)
    out = []
    for key in sorted(set(a) | set(b)):
        name, before = a.get(key, (b.get(key, ("", set()))[0], set()))
        after = b.get(key, (name, set()))[1]
        if before != after:
            out.append({"year": key[0], "leader_id": key[1], "name": name,
                        "gained": sorted(after - before), "lost": sorted(before - after)})
    return out


def counts(result: RunResult) -> Counter:
    """Leaders per consequence code (a leader counts once per code)."""
    return Counter(code for _, codes in _codes(result).values() for code in codes)


def render_flips(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "两次运行的后果完全相同。/ No leader flips."
    lines = [f"{len(rows)} 名干部·年度的后果发生变化 / leader-years that flip:"]
    for row in rows:
        gained = "、".join(row["gained"]) or "—"
        lost = "、".join(row["lost"]) or "—"
        lines.append(f"  {row['year']} {row['leader_id']} {row['name']}: +[{gained}] -[{lost}]")
    return "\n".join(lines)


def render_sweep(name: str, table: list[tuple[Any, Counter]]) -> str:
    codes = sorted({code for _, c in table for code in c})
    header = [name] + codes
    rows = [[str(value)] + [str(c.get(code, 0)) for code in codes] for value, c in table]
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)) for r in [header] + rows)
