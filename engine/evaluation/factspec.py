"""What a fact and a scope are (the catalogue entries), apart from the catalogue itself so the
rule packs (engine.evaluation.packs) can declare theirs without importing the built-in derivations."""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.rules.conditions import FactType


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: FactType
    sheet: str            # the input sheet it needs (SheetSpec.en); "roster" is always needed
    meaning: str          # Chinese, for auditors
    derivation: str       # how it is computed
    scope: str = "leader_year"
    normalised: bool = False  # text NFKC-folded with white space removed: words matched against it must be too
    label: str = ""           # short Chinese name shown in place of the identifier (default: from meaning)
    params: tuple[str, ...] = ()  # scorecard parameters the derivation needs (no defaults in Python: see load)

    @property
    def short(self) -> str:
        """The Chinese name readers see: `label`, else `meaning` up to its first formula or note."""
        plain = re.sub(r"\s+[\x20-\x7e]*$", "", self.meaning)   # a trailing formula such as " P(Y-1)+P(Y)"
        return self.label or re.split(r"[：:（(]", plain, maxsplit=1)[0]


@dataclass(frozen=True)
class ScopeSpec:
    """A kind of record the rules run over, and whom its consequences attach to."""

    name: str
    meaning: str
    attach: str                          # "leader": the record's leader; "unit_top": the unit's 一把手
    sheet: str                           # the sheet its records come from
    sum_fields: tuple[str, ...] = ()     # summed into the consequence when several records fire
    group_by: str | None = None          # one consequence per value of this fact (e.g. the round)
    context: tuple[str, ...] = ()        # facts every consequence of the scope shows, for the reader
