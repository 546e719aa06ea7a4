"""The ledger: one list of leaf amounts (功能科目 × 经济科目 × 基本/项目 × 资金来源). Every figure in every
document is a view of it, so tables foot by construction."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .catalog import Catalog, split_ref
from .findings import PathT
from .money import ZERO
from .spec.model import Income, Spec

# 资金来源 → 资金性质 (fund). Children of 一般公共预算拨款 keep their own name as source.
FUND_OF = {
    "一般公共预算拨款": "一般公共预算", "经费拨款": "一般公共预算", "定额补助": "一般公共预算",
    "纳入预算管理的非税收入拨款": "一般公共预算", "政府性基金拨款": "政府性基金",
    "国有资本经营预算拨款": "国有资本经营", "财政专户管理资金": "财政专户", "事业收入": "单位资金",
    "事业单位经营收入": "单位资金", "上级补助收入": "单位资金", "附属单位上缴收入": "单位资金", "其他收入": "单位资金",
}
FUNDS = ("一般公共预算", "政府性基金", "国有资本经营", "财政专户", "单位资金")
FISCAL_FUNDS = ("一般公共预算", "政府性基金", "国有资本经营")  # 财政拨款
GENERAL_PARTS = ("经费拨款", "定额补助", "纳入预算管理的非税收入拨款")
# Income attribute → source name (the YAML key), in the order forms list them.
INCOME_FIELDS = {
    "general": "一般公共预算拨款", "appropriation": "经费拨款", "quota": "定额补助", "non_tax": "纳入预算管理的非税收入拨款",
    "fund": "政府性基金拨款", "state_capital": "国有资本经营预算拨款", "special_account": "财政专户管理资金",
    "operations": "事业收入", "business": "事业单位经营收入", "superior": "上级补助收入",
    "subsidiary": "附属单位上缴收入", "other": "其他收入",
}
CARRYOVER_FIELDS = {"general": "一般公共预算", "fund": "政府性基金", "state_capital": "国有资本经营",
                    "special_account": "财政专户", "own": "单位资金"}
STAFF_CLASSES = {"301": "人员经费", "303": "人员经费"}  # the rest of 基本支出 is 公用经费


KINDS = ("基本支出", "项目支出", "对附属单位补助支出", "上缴上级支出")  # the last two stay inside a 部门


@dataclass(frozen=True)
class Entry:
    amount: Decimal
    kind: str  # one of KINDS
    function: str | None  # 7-digit 功能科目
    economic: str | None  # 5-digit 部门预算经济分类
    government: str | None  # 5-digit 政府预算经济分类 (via the 对照表)
    source: str
    carryover: bool
    staff: str | None  # 人员经费 | 公用经费 (基本支出 only)
    project: str | None  # the project's name (for messages; names may repeat)
    project_index: int | None  # the project's identity: its index in the projects of the Figures
    path: PathT
    unit: int = 0  # the unit's identity: its index among the 部门's units (0 for a spec of one unit)
    nature: str | None = None  # 单位性质 of that unit: 行政 / 参公 / 事业
    to: str | None = None  # 对附属单位补助支出: the 下属单位 paid (as the spec names it)

    @property
    def fund(self) -> str:
        return FUND_OF[self.source]


def income_sources(income: Income | None) -> dict[str, Decimal]:
    """This year's income by source as the spec gives it (finest level given)."""
    if income is None:
        return {}
    out = {name: getattr(income, attr) for attr, name in INCOME_FIELDS.items() if getattr(income, attr) is not None}
    if any(part in out for part in GENERAL_PARTS):
        out.pop("一般公共预算拨款", None)  # given by parts; the declared whole is checked, not double counted
    return out


def income_carryover(income: Income | None) -> dict[str, Decimal]:
    """上年结转 by fund."""
    if income is None or income.carryover is None:
        return {}
    c = income.carryover
    return {fund: getattr(c, attr) for attr, fund in CARRYOVER_FIELDS.items() if getattr(c, attr) is not None}


def default_source(spec: Spec) -> str:
    """Expenditure without a 资金来源 is paid from the unit's only this-year income source, else 一般公共预算拨款."""
    given = [name for name, amount in income_sources(spec.income).items() if amount]
    return given[0] if len(given) == 1 else "一般公共预算拨款"


def build_ledger(spec: Spec, catalog: Catalog, unit: int = 0, first_project: int = 0) -> list[Entry]:
    """The unit's ledger; `unit` is its identity within a 部门, `first_project` where its projects start
    in the 部门's list of projects."""
    fallback = default_source(spec)
    nature = spec.unit.kind
    entries: list[Entry] = []

    def code(text: str | None) -> str | None:
        return split_ref(text)[0] if text else None

    def add(amount: Decimal, kind: str, function: str | None, economic: str | None, source: str | None,
            carryover: bool, staff: str | None, project: int | None, path: PathT, government: str | None = None,
            to: str | None = None) -> None:
        """`project`: the index of the project in spec.projects, None for other lines."""
        econ = code(economic)
        staff = (STAFF_CLASSES.get(econ[:3], "公用经费") if econ else staff) if kind == "基本支出" else None
        gov = code(government) or (catalog.government(econ, nature) if econ else None)
        name = spec.projects[project].name if project is not None else None
        entries.append(Entry(amount, kind, code(function), econ, gov, source or fallback, carryover, staff, name,
                             None if project is None else first_project + project, path, unit, nature, to))

    for i, line in enumerate(spec.basic_lines):
        add(line.amount, "基本支出", line.function, line.economic, line.source, line.carryover, line.staff, None,
            ("基本支出", i), line.government)
    for i, p in enumerate(spec.projects):
        rest = p.amount
        for econ, amount in p.economic.items():
            add(amount, "项目支出", p.function, econ, p.source, p.carryover, None, i, ("项目", i, "经济科目", econ))
            rest -= amount
        if rest != ZERO or not p.economic:  # no breakdown, or a breakdown that does not add up (check reports it)
            add(rest, "项目支出", p.function, None, p.source, p.carryover, None, i, ("项目", i, "金额"))
    for key, kind, transfers in (("对附属单位补助", "对附属单位补助支出", spec.subsidies),
                                 ("上缴上级", "上缴上级支出", spec.remittances)):
        for i, t in enumerate(transfers):
            add(t.amount, kind, t.function, t.economic, t.source, False, None, None, (key, i), to=t.to)
    return entries
