"""Small shared steps of the pack derivations: present sheets, nullable columns, roster joins."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def data(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    """A sheet's rows, or None when absent or header-only (both mean "no data", SPEC 4)."""
    table = tables.get(name)
    return table.reset_index(drop=True) if table is not None and len(table) else None


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)   # object dtype: pandas must not turn None into NaN, 3 into 3.0
    out[:] = values
    return out


def ints(values: np.ndarray) -> np.ndarray:
    """Floats with NaN → Python ints and None (day and year counts are whole numbers)."""
    return _objects([None if v != v else int(v) for v in np.asarray(values, dtype=np.float64).tolist()])


def texts(values: Any) -> np.ndarray:
    return _objects([None if v is None or (isinstance(v, float) and v != v) or v == "" else str(v) for v in values])


def flags(values: Any) -> list[bool]:
    """是/否 cells (True / False / None) → bool; blank is 否."""
    return [bool(v) if isinstance(v, (bool, np.bool_)) else False for v in values]


def roster_tops(roster: pd.DataFrame) -> dict[tuple[int, str], bool]:
    return {(int(y), str(lid)): bool(t) for y, lid, t in zip(roster["year"], roster["leader_id"], roster["is_top"])}


def with_is_top(frame: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    tops = roster_tops(roster)
    frame["is_top"] = [tops.get((int(y), str(lid))) for y, lid in zip(frame["year"], frame["leader_id"])]
    return frame


def expand_years(rows: pd.DataFrame, roster: pd.DataFrame, first: np.ndarray, last: np.ndarray) -> pd.DataFrame:
    """One copy of each row per roster year Y of its leader with first <= Y <= last (NaN last = open).

    For obligations that stay open across years (an overdue rectification is overdue again the next year)."""
    years = roster[["leader_id", "year"]].drop_duplicates()
    rows = rows.assign(__first=first, __last=np.where(np.isnan(last), np.inf, last), __pos=np.arange(len(rows)))
    out = rows.merge(years, on="leader_id", how="inner", sort=False)
    out = out[(out["year"] >= out["__first"]) & (out["year"] <= out["__last"])]
    out = out.sort_values(["year", "leader_id", "__pos"], kind="stable").reset_index(drop=True)
    return out.drop(columns=["__first", "__last"])


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)
