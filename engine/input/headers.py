"""Sheet names and header rows: matching them to the contract (SPEC section 4)."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from engine.input.grid import Grid, is_blank
from engine.input.issues import InputIssue, make_issue
from engine.input.normalise import display_value
from engine.input.sheets import SHEETS, ColumnSpec, Kind, SheetSpec
from engine.input.validate import SheetData
from engine.input.xlsx_cells import column_letter, special_detail

_HEADER_NOISE = re.compile(r"[\s_\-*]+")
_UNIT_SUFFIX = re.compile(r"[(\[][^()\[\]]*[)\]]$")


def match_key(text: str) -> str:
    """Headers and sheet names compare without white space, width or case differences."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


SHEET_KEYS: dict[str, SheetSpec] = {}
for _spec in SHEETS:
    SHEET_KEYS[match_key(_spec.zh)] = _spec
    SHEET_KEYS[match_key(_spec.en)] = _spec


_COLUMN_KEYS: dict[str, tuple[dict[str, ColumnSpec], dict[str, ColumnSpec]]] = {
    spec.en: ({match_key(c.zh): c for c in spec.columns}, {match_key(c.en): c for c in spec.columns})
    for spec in SHEETS
}


# A bracketed unit or direction after a column name (金额（万元）, 名次（倒数）): what it means for the
# columns whose numbers it changes. "plain": the contract's own unit; anything else there is refused.
_QUALIFIERS: dict[Kind, dict[str, tuple[Any, ...]]] = {
    Kind.AMOUNT: {"元": ("plain",), "人民币元": ("plain",), "万元": ("scale", 10000), "千元": ("scale", 1000)},
    Kind.RANK: {"名": ("plain",), "名次": ("plain",), "1为最好": ("plain",), "倒数": ("invert",),
                "倒数名次": ("invert",)},
    Kind.POINTS: {"分": ("plain",)},
}


def qualifier_transform(text: str, col: ColumnSpec) -> tuple[Any, ...] | None:
    """("plain",) / ("scale", n) / ("invert",) for a header's bracketed suffix on a column whose numbers it
    would change; ("refuse", suffix) for one the contract does not define; None: no suffix or a kind it
    cannot change (a date format hint, a remark)."""
    match = _UNIT_SUFFIX.search(match_key(text))
    if match is None or col.kind not in _QUALIFIERS:
        return None
    suffix = match.group(0)[1:-1]
    return _QUALIFIERS[col.kind].get(suffix, ("refuse", suffix))


def match_header(text: str, spec: SheetSpec) -> tuple[ColumnSpec | None, bool]:
    """(column, via_alias). Alias = English name, or a unit suffix such as 金额（元）."""
    zh, en = _COLUMN_KEYS[spec.en]
    key = match_key(text)
    if key in zh:
        return zh[key], False
    if key in en:
        return en[key], True
    bare = _UNIT_SUFFIX.sub("", key)
    if bare != key and bare:
        if bare in zh:
            return zh[bare], True
        if bare in en:
            return en[bare], True
    return None, False



_HOW = {"scale": lambda t: f"金额乘以 {t[1]} 换算为元", "invert": lambda t: "倒数名次换算为正数名次（名次 = 单位数 − 倒数名次 + 1）"}
_HOW_EN = {"scale": lambda t: f"amounts multiplied by {t[1]} into yuan",
           "invert": lambda t: "ranks counted from the bottom turned into ranks from the top (N − r + 1)"}


def apply_transforms(data: SheetData, group_cols: tuple[str, str]) -> None:
    """Scale amounts given in 万元 / 千元 into 元; turn ranks counted from the bottom into ranks from the
    top within each ranking group (the N of the group, as the reader's rank check counts it)."""
    for en, transform in data.transforms.items():
        values = data.values.get(en)
        if values is None:
            continue
        if transform[0] == "scale":
            data.values[en] = [round(v * transform[1], 2) if isinstance(v, (int, float)) and not isinstance(v, bool)
                               else v for v in values]
        elif transform[0] == "invert" and set(group_cols) <= data.present:
            sizes: dict[tuple[Any, ...], int] = {}
            for _, group in data.valid_rows(*group_cols):
                sizes[group] = sizes.get(group, 0) + 1
            groups = list(zip(*(data.values[c] for c in group_cols)))
            data.values[en] = [sizes[g] - v + 1 if isinstance(v, int) and g in sizes and v <= sizes[g] else v
                               for v, g in zip(values, groups)]


def map_header(grid: Grid, header: int, spec: SheetSpec, data: SheetData,
                full_calc: bool) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Contract column en -> 0-based sheet column; plus the extra (column, header text) pairs."""
    name = data.name
    columns: dict[str, int] = {}
    texts: dict[str, str] = {}
    extras: list[tuple[int, str]] = []
    structural: list[InputIssue] = []
    refused: set[str] = set()
    for col in range(0, grid.width_end()):
        special = grid.specials.get((header, col))
        if special is not None:
            structural.append(make_issue(special.code, sheet=name, row=header + 1, column=column_letter(col),
                                         value=special.shown, expected="表头文字", expected_en="header text",
                                         **special_detail(special, full_calc)))
            continue
        raw = grid.cell(header, col)
        if is_blank(raw):
            continue
        text = display_value(raw)
        match, via_alias = match_header(text, spec)
        if match is None:
            extras.append((col, text.strip()))
            data.issues.append(make_issue("EXTRA_COLUMN", sheet=name, row=header + 1, value=text,
                                          letter=column_letter(col)))
        elif match.en in columns:
            first = columns[match.en]
            structural.append(make_issue("DUPLICATE_COLUMN", sheet=name, row=header + 1, column=match.zh,
                                         column_en=match.en, value=text, letter=column_letter(col),
                                         other_letter=column_letter(first), other_value=texts[match.en]))
        else:
            transform = qualifier_transform(text, match) if via_alias else None
            if transform is not None and transform[0] == "refuse":
                structural.append(make_issue("HEADER_QUALIFIER_UNKNOWN", sheet=name, row=header + 1,
                                             column=match.zh, column_en=match.en, value=text,
                                             letter=column_letter(col), suffix=transform[1]))
                extras.append((col, text.strip()))   # named (refused): no UNNAMED_COLUMN, no MISSING_COLUMN
                refused.add(match.zh)
                continue
            columns[match.en] = col
            texts[match.en] = text
            if transform is not None and transform[0] != "plain":
                data.transforms[match.en] = transform
                data.issues.append(make_issue("HEADER_UNIT_CONVERTED", sheet=name, row=header + 1, column=match.zh,
                                              column_en=match.en, value=text, letter=column_letter(col),
                                              how=_HOW[transform[0]](transform), how_en=_HOW_EN[transform[0]](transform)))
            elif via_alias:
                data.issues.append(make_issue("HEADER_ALIAS", sheet=name, row=header + 1, column=match.zh,
                                              column_en=match.en, value=text, letter=column_letter(col)))
    structural += _merged_header(grid, header, columns, spec, name)
    structural += [i for i in _missing_columns(grid, header, columns, spec, name)
                   if not (i.code == "MISSING_COLUMN" and i.column in refused)]
    if not columns:   # no header here (a title row above it?): HEADER_NOT_FOUND says so once, with the row to use
        data.issues[:] = [i for i in data.issues if not (i.code == "EXTRA_COLUMN" and i.sheet == name)]
    data.issues.extend(i for i in structural)
    data.structural = any(i.severity == "error" for i in structural)
    return columns, extras


def _merged_header(grid: Grid, header: int, columns: dict[str, int], spec: SheetSpec,
                   name: str) -> list[InputIssue]:
    by_col = {c: spec.column(en) for en, c in columns.items()}
    issues = []
    for (r1, c1), (r2, c2) in grid.merges:
        if r1 <= header <= r2:
            col = by_col.get(c1)
            ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
            issues.append(make_issue("MERGED_HEADER", sheet=name, row=header + 1,
                                     column=col.zh if col else None, column_en=col.en if col else None,
                                     value=ref))
    return issues


def _missing_columns(grid: Grid, header: int, columns: dict[str, int], spec: SheetSpec,
                     name: str) -> list[InputIssue]:
    if not columns:
        hint, hint_en = _header_hint(grid, header, spec)
        names = "、".join(c.zh for c in spec.columns if c.required)
        return [make_issue("HEADER_NOT_FOUND", sheet=name, row=header + 1, expected=names,
                           expected_en=", ".join(c.en for c in spec.columns if c.required),
                           hint=hint, hint_en=hint_en)]
    issues = []
    for col in spec.columns:
        if col.en in columns:
            continue
        if col.required:
            issues.append(make_issue("MISSING_COLUMN", sheet=name, column=col.zh, column_en=col.en,
                                     required="必填", required_en="required",
                                     expected=f"{col.zh}（{col.en}）",
                                     detail=f"请在表头（第{header + 1}行）加入“{col.zh}”列",
                                     detail_en=f"add a \"{col.zh}\" column to the header (row {header + 1})"))
        else:
            issues.append(make_issue("MISSING_COLUMN", sheet=name, column=col.zh, column_en=col.en,
                                     severity="note", required="选填", required_en="optional",
                                     expected=f"{col.zh}（{col.en}）",
                                     detail="该列按全部为空处理", detail_en="the column is read as all blank"))
    return issues


def _header_hint(grid: Grid, header: int, spec: SheetSpec) -> tuple[str, str]:
    """If a row a little lower looks like the header, a title row sits above it: say so."""
    for row in range(header + 1, min(header + 11, grid.row_end())):
        hits = 0
        for col in range(grid.width_end()):
            raw = grid.cell(row, col)
            if not is_blank(raw) and match_header(display_value(raw), spec)[0] is not None:
                hits += 1
        if hits >= 2:
            return (f"第{row + 1}行看起来才是表头：请删除其上方的标题行，使表头位于第一行。",
                    f" Row {row + 1} looks like the header: delete the title rows above it.")
    return "", ""


