"""Checks across rows and sheets (SPEC section 6): duplicate keys, leaders missing from the
roster, unit categories, rank sequences, and the lenient-mode cascades that keep the
tables consistent after rows are dropped."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from engine.input.normalise import INVALID
from engine.input.validate import SheetData

# --------------------------------------------------------------------------
# Checks across rows and sheets
# --------------------------------------------------------------------------

def _rows_text(rows: Iterable[int], limit: int = 10) -> str:
    rows = sorted(rows)
    text = "、".join(str(r) for r in rows[:limit])
    return text + (f" 等 {len(rows)} 行" if len(rows) > limit else "")


def check_duplicate_keys(data: SheetData) -> None:
    key = data.spec.key
    if not key or not all(col in data.present for col in key):
        return
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for index, values in data.valid_rows(*key):
        groups[values].append(index)
    cols = [data.spec.column(c) for c in key]
    key_zh = "、".join(c.zh for c in cols)
    key_en = ", ".join(c.en for c in cols)
    for indices in groups.values():
        if len(indices) < 2:
            continue
        for index in indices:
            others = [data.rows[i] for i in indices if i != index]
            shown = "、".join(data.shown(index, c) for c in key)
            data.issue("DUPLICATE_KEY", index, key[-1], value=shown, other_rows=_rows_text(others),
                       key_columns=key_zh, key_columns_en=key_en,
                       expected=f"（{key_zh}）不重复", expected_en=f"unique ({key_en})")


def check_duplicate_rows(data: SheetData) -> None:
    """A deduction row identical in every column to an earlier one is counted twice: say so (a note)."""
    columns = [c.en for c in data.spec.columns if c.en in data.present]
    first: dict[tuple[Any, ...], int] = {}
    for index, values in enumerate(zip(*(data.values[c] for c in columns))):
        if INVALID in values:
            continue
        if values in first:
            data.issue("DUPLICATE_ROW", index, "points" if "points" in columns else None,
                       value=data.shown(index, "points") if "points" in columns else "",
                       first_row=data.rows[first[values]])
        else:
            first[values] = index


def check_card_dates(data: SheetData) -> None:
    """A 廉政监督卡 date two or more years from its 年度 is probably a typing slip in one of them (a note)."""
    for index, (year, day) in data.valid_rows("year", "date"):
        if abs(day.year - year) >= 2:
            data.issue("DATE_FAR_FROM_YEAR", index, "date", value=day.isoformat(), year=year)


def roster_keys(roster: SheetData) -> dict[tuple[int, str], list[int]]:
    """(year, leader_id) -> roster row indices."""
    keys: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, values in roster.valid_rows("year", "leader_id"):
        keys[values].append(index)  # type: ignore[index]
    return dict(keys)


def check_unknown_leaders(data: SheetData, keys: dict[tuple[int, str], list[int]]) -> None:
    if not {"year", "leader_id"} <= data.present:
        return
    for index, values in data.valid_rows("year", "leader_id"):
        if values not in keys:
            data.issue("UNKNOWN_LEADER", index, "leader_id", value=data.shown(index, "leader_id"),
                       year=values[0], expected=f"{values[0]}年度干部名册中已登记的干部编号",
                       expected_en=f"a leader id on the {values[0]} roster")


def roster_unit_types(roster: SheetData) -> dict[tuple[int, str], dict[str, list[int]]]:
    """(year, unit) -> unit_type -> roster row indices."""
    types: dict[tuple[int, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, (year, unit, unit_type) in roster.valid_rows("year", "unit", "unit_type"):
        types[(year, unit)][unit_type].append(index)
    return {key: dict(by_type) for key, by_type in types.items()}


def check_roster_unit_types(roster: SheetData,
                            types: dict[tuple[int, str], dict[str, list[int]]]) -> None:
    for (year, unit), by_type in types.items():
        if len(by_type) < 2:
            continue
        for unit_type, indices in by_type.items():
            others = "；".join(f"“{t}”：第{_rows_text(roster.rows[i] for i in rows)}行"
                              for t, rows in sorted(by_type.items()) if t != unit_type)
            for index in indices:
                roster.issue("UNIT_TYPE_INCONSISTENT", index, "unit_type",
                             value=roster.shown(index, "unit_type"), unit=unit, year=year, others=others)


def check_ranking_unit_types(ranking: SheetData,
                             types: dict[tuple[int, str], dict[str, list[int]]]) -> None:
    for index, (year, unit, unit_type) in ranking.valid_rows("year", "unit", "unit_type"):
        on_roster = types.get((year, unit))
        if on_roster and unit_type not in on_roster:
            roster_type = "、".join(sorted(on_roster))
            ranking.issue("UNIT_TYPE_MISMATCH", index, "unit_type", value=ranking.shown(index, "unit_type"),
                          unit=unit, year=year, roster_type=roster_type, expected=roster_type)


def _group_label(data: SheetData, group: tuple[Any, Any]) -> tuple[str, str]:
    if data.spec.en == "annual_ranking":
        return f"{group[0]}年度“{group[1]}”类单位", f"{group[1]} units of {group[0]}"
    return f"{group[0]}年度第{group[1]}批", f"{group[0]} round {group[1]}"


def ranking_group_columns(data: SheetData) -> tuple[str, str]:
    return ("year", "unit_type") if data.spec.en == "annual_ranking" else ("year", "round")


def check_ranks(data: SheetData) -> None:
    """Ranks within each group must run 1..N as a standard competition ranking (1, 2, 2, 4)."""
    group_cols = ranking_group_columns(data)
    if not set(group_cols) | {"rank"} <= data.present:
        return
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for index, group in data.valid_rows(*group_cols):
        groups[group].append(index)
    ranks = data.values["rank"]
    for group, indices in groups.items():
        size = len(indices)
        label, label_en = _group_label(data, group)
        in_range: list[int] = []
        unreliable = False
        for index in indices:
            rank = ranks[index]
            if rank is None or rank is INVALID:
                unreliable = True
            elif rank > size:
                data.issue("RANK_OUT_OF_RANGE", index, "rank", value=data.shown(index, "rank"),
                           expected=f"1–{size}", expected_en=f"1 to {size}",
                           detail=f"{label}共有 {size} 个单位参加排名，名次应在 1–{size} 之间",
                           detail_en=f"{label_en} has {size} ranked unit(s), so ranks run from 1 to {size}")
            else:
                in_range.append(index)
        if unreliable or len(in_range) < size:
            # A missing or out-of-range rank already has its error: it is the root cause, and the rows
            # after it would only be blamed for the gap it leaves (issue 7 item 7).
            continue
        ordered = sorted(ranks[i] for i in in_range)
        better_than: dict[int, int] = {}
        for position, rank in enumerate(ordered):
            better_than.setdefault(rank, position)
        for index in in_range:
            rank = ranks[index]
            if rank != 1 + better_than[rank]:
                should = 1 + better_than[rank]
                data.issue("RANK_SKIPPED", index, "rank", value=data.shown(index, "rank"),
                           group=label, group_en=label_en, better=better_than[rank],
                           expected=f"第 {should} 名", expected_en=f"rank {should}")


# --------------------------------------------------------------------------
# Lenient-mode cascades: keep the kept tables consistent with each other
# --------------------------------------------------------------------------

def skipped_indices(data: SheetData) -> set[int]:
    return set(range(len(data.rows))) if data.structural else set(data.bad)


def cascade_roster_skips(data: SheetData, roster: SheetData,
                         keys: dict[tuple[int, str], list[int]]) -> None:
    """A row whose leader exists on the roster only in skipped rows is skipped too."""
    if not {"year", "leader_id"} <= data.present:
        return
    roster_skipped = skipped_indices(roster)
    if not roster_skipped:
        return
    for index, values in data.valid_rows("year", "leader_id"):
        if index in data.bad or values not in keys:
            continue
        indices = keys[values]   # type: ignore[index]
        if all(i in roster_skipped for i in indices):
            data.issue("ROSTER_ROW_SKIPPED", index, "leader_id", value=data.shown(index, "leader_id"),
                       year=values[0], rows=_rows_text(roster.rows[i] for i in indices))


_ANY = object()


def cascade_rank_groups(data: SheetData,
                        types: dict[tuple[int, str], dict[str, list[int]]] | None) -> None:
    """Dropping one row of a ranking group shifts every bottom position (b = N - rank + 1),
    so a group that lost a row is dropped whole. A bad row whose group cannot be
    read taints every group it might belong to."""
    if not data.bad:
        return
    group_cols = ranking_group_columns(data)
    tainted: dict[tuple[Any, Any], list[int]] = defaultdict(list)
    for index in sorted(data.bad):
        year = data.valid(index, group_cols[0])
        second = data.valid(index, group_cols[1])
        key = (year[0] if year else _ANY, second[0] if second else _ANY)
        tainted[key].append(data.rows[index])
        unit = data.valid(index, "year", "unit")
        if types is not None and unit is not None and data.spec.en == "annual_ranking":
            for roster_type in types.get(unit, {}):   # the unit's own group lost it as well
                tainted[(unit[0], roster_type)].append(data.rows[index])
    for index, group in data.valid_rows(*group_cols):
        if index in data.bad:
            continue
        rows = [r for key in ((group[0], group[1]), (group[0], _ANY), (_ANY, _ANY), (_ANY, group[1]))
                for r in tainted.get(key, ())]
        if rows:
            label, label_en = _group_label(data, group)
            data.issue("RANK_GROUP_SKIPPED", index, "rank", value=data.shown(index, "rank"),
                       group=label, group_en=label_en, rows=_rows_text(set(rows)))


LEADER_SHEETS = ("deductions", "portfolios", "five_reinforcements", "promotions", "assessment_grades",
                 "integrity_reviews", "responsibilities")   # sheets with 年度 and 干部编号: on that year's roster
RANKING_SHEETS = ("annual_ranking", "image_ranking")


def check_across(sheets: dict[str, SheetData], *, lenient: bool) -> None:
    """Every check that needs more than one cell, in the order the cascades need."""
    for data in sheets.values():
        check_duplicate_keys(data)
    if "deductions" in sheets:
        check_duplicate_rows(sheets["deductions"])
        check_card_dates(sheets["deductions"])
    roster = sheets.get("roster")
    usable_roster = roster is not None and {"year", "leader_id"} <= roster.present
    keys = roster_keys(roster) if usable_roster and roster else {}
    types = roster_unit_types(roster) if roster is not None and {"year", "unit", "unit_type"} <= roster.present else None
    if roster is not None and types is not None:
        check_roster_unit_types(roster, types)
    if usable_roster:
        for en in LEADER_SHEETS:
            if en in sheets:
                check_unknown_leaders(sheets[en], keys)
    if "annual_ranking" in sheets and types is not None:
        check_ranking_unit_types(sheets["annual_ranking"], types)
    for en in RANKING_SHEETS:
        if en in sheets:
            check_ranks(sheets[en])
    if not lenient:
        return
    if usable_roster and roster is not None and not roster.structural:
        for en in LEADER_SHEETS:
            if en in sheets:
                cascade_roster_skips(sheets[en], roster, keys)
    for en in RANKING_SHEETS:
        if en in sheets and not sheets[en].structural:
            cascade_rank_groups(sheets[en], types)
