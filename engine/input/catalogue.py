"""Deduction items checked against the scorecard's catalogue (issue 7, item 21).

The seeds name the behaviours a 廉政监督卡 deducts for, not a fixed list; the scorecard carries a
local catalogue (`deduction_items`: item and standard points) that the template offers as a
drop-down. An item outside it is still scored with the points entered — the card is the record —
but gets a note (DEDUCTION_ITEM_UNKNOWN), once per distinct item at its first row, so a typo or a
county's own wording is seen without flooding the problem list.
"""
from __future__ import annotations

import unicodedata
from typing import Any

from engine.input.issues import InputIssue, make_issue
from engine.input.sheets import sheet


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def catalogue_notes(book: Any, scorecard: Any) -> list[InputIssue]:
    items = getattr(scorecard.definition, "deduction_items", None) or []
    table = book.tables.get("deductions")
    if not items or table is None or table.empty or "item" not in table.columns:
        return []
    known = {_key(d.item) for d in items}
    # Unique values first: a large card has many rows but few distinct items.
    unknown = [v for v in table["item"].dropna().unique() if isinstance(v, str) and v.strip() and _key(v) not in known]
    if not unknown:
        return []
    rows = table.loc[table["item"].isin(unknown), ["item", "_row"]].groupby("item", sort=False)["_row"]
    first, counts = rows.min(), rows.size()
    catalogue = "、".join(d.item for d in items)
    spec = sheet("deductions")
    column = spec.column("item")
    return [make_issue("DEDUCTION_ITEM_UNKNOWN", sheet=spec.zh, row=int(first[value]), column=column.zh,
                       column_en=column.en, value=value, expected=catalogue, count=int(counts[value]))
            for value in sorted(first.index, key=lambda v: int(first[v]))]
