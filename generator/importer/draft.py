"""The spec being imported, before it is written: amounts exact, in the workbook's unit (万元 or 元), and for
each part the notes the YAML will carry for its author."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Money = tuple[str, bool]  # (资金来源, 上年结转)


@dataclass
class Line:
    """One 基本支出 line."""

    function: str
    economic: str | None
    amount: Decimal
    money: Money
    government: str | None = None  # written only where the workbook's 政府经济 tables need it
    staff: str | None = None  # 经费类型, for a line without 经济科目


@dataclass
class Project:
    name: str
    function: str | None
    money: Money
    rest: Decimal  # the amount not broken down by 经济科目
    economic: dict[str, Decimal] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)  # 编码, 年度目标 … as the workbook prints them
    indicators: list[dict[str, Any]] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    named: bool = True  # False: the workbook lists no projects; one per 功能科目 was made

    @property
    def amount(self) -> Decimal:
        return self.rest + sum(self.economic.values(), Decimal(0))


@dataclass
class Transfer:
    key: str  # 对附属单位补助 / 上缴上级
    function: str
    money: Money
    amount: Decimal


@dataclass
class Draft:
    year: int | None
    format: str
    unit_money: str  # 万元 / 元: the workbook's, and so the spec's
    unit: dict[str, Any] = field(default_factory=dict)
    income: dict[str, Decimal] = field(default_factory=dict)  # 来源 → amount
    carryover: dict[str, Decimal] = field(default_factory=dict)  # 上年结转 key (一般公共预算拨款 …) → amount
    lines: list[Line] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    programs: list[dict[str, Any]] = field(default_factory=list)
    performance: dict[str, Any] = field(default_factory=dict)
    procurement: list[dict[str, Any]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    prior: dict[str, Any] = field(default_factory=dict)
    published: list[dict[str, Any]] = field(default_factory=list)
    default_source: str = "一般公共预算拨款"
    notes: dict[str, list[str]] = field(default_factory=dict)  # section → comments for the author
    basic_known: bool = True  # the workbook prints 基本支出 (else the spec leaves it out)

    def note(self, section: str, text: str) -> None:
        notes = self.notes.setdefault(section, [])
        if text not in notes:
            notes.append(text)
