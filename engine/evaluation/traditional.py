"""Traditional → simplified characters, for matching 分管事项 against the rule files' word lists.

A workbook typed in traditional characters (財務, 幹部人事) must match the simplified keywords
(财务, 干部人事). This is not a general converter: it is the traditional form of every character
that occurs in the 五个不直接分管 keyword and exclusion lists (rules/DIRECT_CHARGE_*.yaml), one to
one, so an auditor can read the whole table. A word added to a list with a character not covered
here still matches simplified text; add the character's traditional form below to match that too.
(A library such as zhconv converts whole texts with phrase tables, which is more than matching
needs and less predictable than a table one can read.)
"""
from __future__ import annotations

# traditional → simplified, aligned character by character
_TRADITIONAL = "幹組織選標發項設審許務財預經費資國產會計採購聯係繫協勞動爭議構編製機"
_SIMPLIFIED = "干组织选标发项设审许务财预经费资国产会计采购联系系协劳动争议构编制机"
assert len(_TRADITIONAL) == len(_SIMPLIFIED)

FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


def to_simplified(text: str) -> str:
    """財務管理 → 财务管理 (only the characters in the table; everything else unchanged)."""
    return text.translate(FOLD)
