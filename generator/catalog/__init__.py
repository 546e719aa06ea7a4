"""政府收支分类科目: the national code lists shipped as CSV (versioned by edition year), plus a
workspace's own local codes. The three classifications live in disjoint code spaces — 功能 2xx,
部门经济 3xx, 政府经济 5xx — so one table keyed by code serves them all."""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path

DATA = Path(__file__).parent / "data"
FILES = {"功能": "功能分类.csv", "部门经济": "部门经济分类.csv", "政府经济": "政府经济分类.csv"}
LEAF_LENGTH = {"功能": 7, "部门经济": 5, "政府经济": 5}
LEVELS = {"功能": {3: "类", 5: "款", 7: "项"}, "部门经济": {3: "类", 5: "款"}, "政府经济": {3: "类", 5: "款"}}
UNIT_TYPES = {"行政": "机关", "参公": "机关", "事业": "事业"}


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    kind: str  # 功能 / 部门经济 / 政府经济
    level: str  # 类 / 款 / 项
    parent: str | None
    status: str  # OBS / PG / NL / MEM / LOCAL …
    source: str
    fund: str | None = None  # 功能: 政府性基金 / 国有资本经营 for those budgets' 科目; None: 一般公共预算 (a 类: mixed)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def kind_of(code: str) -> str | None:
    """Which classification a code belongs to, from its shape alone (ASCII digits only: not ２０１０３０１)."""
    if not (code.isascii() and code.isdigit()):
        return None
    if code[0] == "2" and len(code) in (3, 5, 7):
        return "功能"
    if code[0] == "3" and len(code) in (3, 5):
        return "部门经济"
    if code[0] == "5" and len(code) in (3, 5):
        return "政府经济"
    return None


def parent_of(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
# A reference is a code of ASCII digits, optionally followed by a name: after spaces, after one separator
# (- － — _ 、 . ． : ：), or directly when the name starts with neither a digit nor a Latin letter —
# '2010301 行政运行', '2010301-行政运行', '2010301行政运行' (as the forms print it) all name 行政运行.
# Latin letters glued to the digits ('30299x', '2010301a') or non-ASCII digits ('２０１０３０１', '20103０1') make the
# code malformed (`garbled_code`): it is reported, never read as a code with a name.
_REF = re.compile(r"^\s*([0-9]+)\s*[-－—_、.．:：]?\s*(.*?)\s*$")
_LEADING = re.compile(r"^\s*(\d[\dA-Za-zＡ-Ｚａ-ｚ]*)")  # \d: digits of any script, full-width included


def garbled_code(text: str) -> str | None:
    """The leading code of a reference when it is not plain ASCII digits ('30299x', '２０１０３０１'), else None."""
    m = _LEADING.match(str(text))
    token = m.group(1) if m else ""
    return token if token and not (token.isascii() and token.isdigit()) else None


def split_ref(text: str) -> tuple[str | None, str | None]:
    """'2010301 行政运行' → ('2010301', '行政运行'); '2010301' → ('2010301', None); '行政运行' → (None, '行政运行').
    A malformed code yields no code: '30299x' → (None, '30299x')."""
    m = None if garbled_code(text) else _REF.match(str(text))
    if not m:
        return None, str(text).strip() or None
    return m.group(1), m.group(2) or None


def name_key(name: str) -> str:
    """A name as names are compared: regardless of full/half-width forms, quotes and spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name).translate(_QUOTES))


def same_name(a: str, b: str) -> bool:
    """维修(护)费 == 维修（护）费."""
    return name_key(a) == name_key(b)


class Catalog:
    def __init__(self, edition: int, codes: dict[str, Code], mapping: dict[tuple[str, str], str]):
        self.edition = edition
        self.codes = codes
        self.mapping = mapping  # (部门经济款, 机关|事业) -> 政府经济款

    def get(self, code: str | None) -> Code | None:
        return self.codes.get(code) if code else None

    def name(self, code: str) -> str | None:
        hit = self.codes.get(code)
        return hit.name if hit else None

    def ancestors(self, code: str) -> list[str]:
        out, cur = [], parent_of(code)
        while cur:
            out.append(cur)
            cur = parent_of(cur)
        return out[::-1]

    def government(self, economic: str, unit_kind: str | None) -> str | None:
        """政府预算经济分类 款 for a 部门预算经济分类 款, by unit type (机关 vs 事业)."""
        unit_type = UNIT_TYPES.get(unit_kind or "")
        return self.mapping.get((economic, unit_type)) if unit_type else None

    def budget(self, code: str) -> str | None:
        """The budget a 功能 code's spending belongs to — 一般公共预算, 政府性基金 or 国有资本经营 — from its row or,
        for a code the catalog lacks, its 款; None when neither is known."""
        hit = self.codes.get(code) or self.codes.get(code[:5])
        return (hit.fund or "一般公共预算") if hit and hit.kind == "功能" else None

    def with_local(self, local: list[Code]) -> Catalog:
        """Local codes added; a local 功能 code belongs to the budget of its national 款."""
        def placed(c: Code) -> Code:
            kuan = self.codes.get(c.code[:5])
            return replace(c, fund=kuan.fund) if c.kind == "功能" and kuan else c
        return Catalog(self.edition, {**self.codes, **{c.code: placed(c) for c in local}}, self.mapping)

    def search(self, text: str) -> list[Code]:
        """By code (exact or prefix) or by name (substring, width-insensitive)."""
        text = unicodedata.normalize("NFKC", text.strip())  # a lookup, not spec input: ２０１ finds 201
        if text.isascii() and text.isdigit():
            return sorted((c for c in self.codes.values() if c.code.startswith(text)), key=lambda c: c.code)
        return sorted((c for c in self.codes.values() if text in unicodedata.normalize("NFKC", c.name)),
                      key=lambda c: c.code)

    def by_name(self, kind: str, name: str) -> list[Code]:
        return self._names.get((kind, name_key(name)), [])

    @cached_property
    def _names(self) -> dict[tuple[str, str], list[Code]]:
        index: dict[tuple[str, str], list[Code]] = {}
        for c in self.codes.values():
            index.setdefault((c.kind, name_key(c.name)), []).append(c)
        return index


def _valid(row: dict[str, str], edition: int) -> bool:
    since = int(row.get("since") or 0)
    until = int(row["until"]) if row.get("until") else 9999
    return since <= edition <= until


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    """A data file's rows, read once per process (csv.reader and one dict per row: DictReader is slower)."""
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return tuple(dict(zip(header, row)) for row in reader)


@cache
def editions() -> tuple[int, int]:
    """The range of edition years the shipped data covers."""
    years = {int(row.get("since") or 0) for name in FILES.values() for row in _rows(name)}
    return min(years), max(max(years), 2026)


@cache
def load_catalog(edition: int) -> Catalog:
    """The national lists as valid for `edition` (clamped to the editions we ship)."""
    low, high = editions()
    year = min(max(edition, low), high)
    codes: dict[str, Code] = {}
    for kind, name in FILES.items():
        for row in _rows(name):
            if _valid(row, year):
                codes[row["code"]] = Code(row["code"], row["name"], kind, row["level"], row.get("parent") or None,
                                          row.get("status", ""), row.get("source", ""), row.get("fund") or None)
    mapping = {(row["dept_code"], row["unit_type"]): row["gov_code"] for row in _rows("经济分类对照.csv") if _valid(row, year)}
    return Catalog(year, codes, mapping)
