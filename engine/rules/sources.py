"""The document registry: source file name → title, place, year (rules/sources/registry.yaml).

Rule files cite a source by its file name (a hash name, stable and unique); readers see the
title. A file the registry does not list is shown by its name, so a new source never breaks a
report — add a line to the registry to give it a title.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.rules.load import RULES_DIR, read_yaml

REGISTRY = RULES_DIR / "sources" / "registry.yaml"


@dataclass(frozen=True)
class Document:
    file: str
    title: str
    place: str = ""
    year: int | None = None

    @property
    def display(self) -> str:
        """《标题》（地点，年份） — what a report shows for the file."""
        if self.title == self.file:
            return self.file
        extra = "，".join(x for x in (self.place, f"{self.year}年" if self.year else "") if x)
        return f"《{self.title}》" + (f"（{extra}）" if extra else "")


@lru_cache(maxsize=4)
def _registry(path: str, mtime_ns: int) -> dict[str, Document]:
    data = read_yaml(Path(path)) or {}
    return {name: Document(name, str(entry.get("title") or name), str(entry.get("place") or ""),
                           entry.get("year"))
            for name, entry in data.items() if isinstance(entry, dict)}


def documents(path: Path = REGISTRY) -> dict[str, Document]:
    if not path.exists():
        return {}
    return _registry(str(path), path.stat().st_mtime_ns)


def document(file: str) -> Document:
    return documents().get(file) or Document(file, file)


def document_title(file: str) -> str:
    """《标题》 for a registered file, else the file name."""
    doc = documents().get(file)
    return f"《{doc.title}》" if doc else file


def with_titles(text: str) -> str:
    """A citation such as '002_….txt 篇3 …' with each registered file name replaced by its 《标题》."""
    for name, doc in documents().items():
        if name in text:
            text = text.replace(name, f"《{doc.title}》")
    return text
