"""Figures: every number a document shows, as a view of the ledger, computed once.

A figure is named by a small expression over the ledger's dimensions, terms joined by `&`:

    合计                      all expenditure
    基本支出 / 项目支出        by kind;  人员经费 / 公用经费 (基本支出 by 经济科目)
    功能:201  功能:2010301    by 支出功能分类 (a 类/款/项 code matches its descendants)
    部门经济:302  政府经济:50101|50102
    一般公共预算 / 政府性基金 / 国有资本经营 / 财政专户 / 单位资金 / 财政拨款   by fund
    经费拨款 …                by 资金来源;   上年结转 / 本年
    项目:<名称>               the projects of that name (for 公布数 and formats; a name with `&` or `|`
                              cannot be written so)
    对附属单位补助支出 / 上缴上级支出   money that stays inside a 部门 (eliminated in its consolidation)
    性质:行政|参公            units of that 单位性质;   单位:本级 / 单位:下属 / 单位:<编码>   units of a 部门
    三公经费, 公务接待费, 机关运行经费 …   named figures (see NAMED)

e.g. `功能:2010301&基本支出`, `政府经济:50101`, `一般公共预算&项目支出`. The same expressions name
published figures (公布数) and the cells formats bind to.

The engine works on parsed terms (`Terms`), and scopes a table or row with terms it builds itself — one
project or unit by its identity (`project_scope`, `unit_scope`), a 科目 row by its code — so no text from
a spec is ever read as an expression.

The figures of a 部门 add up the ledgers of all its units (each entry knows its unit), with the money that
stays inside the 部门 — 本级's 对附属单位补助 to a 下属单位 and the 下属单位's 上级补助收入 from it, a 下属单位's
上缴上级 and 本级's 附属单位上缴收入 — taken out of both sides.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from .catalog import Catalog, split_ref
from .ledger import (
    FISCAL_FUNDS,
    FUND_OF,
    FUNDS,
    GENERAL_PARTS,
    KINDS,
    Entry,
    build_ledger,
    income_carryover,
    income_sources,
)
from .money import WAN_2, ZERO, Display, plain, round2
from .spec.model import Spec

NAMED = {
    "因公出国（境）费": "部门经济:30212&一般公共预算",
    "公务接待费": "部门经济:30217&一般公共预算",
    "公务用车购置费": "部门经济:31013|30913&一般公共预算",
    "公务用车运行维护费": "部门经济:30231&一般公共预算",
    "公务用车购置及运行费": "部门经济:31013|30913|30231&一般公共预算",
    "三公经费": "部门经济:30212|30217|31013|30913|30231&一般公共预算",
    "机关运行经费": "基本支出&公用经费&一般公共预算&性质:行政|参公",  # 事业单位 have none
    "运行经费": "基本支出&公用经费&一般公共预算",  # whatever the unit (重庆's 事业单位 publish this)
    "工资福利支出": "基本支出&部门经济:301",
    "商品和服务支出": "基本支出&部门经济:302",
    "对个人和家庭的补助": "基本支出&部门经济:303",
}
SANGONG_PARTS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")

# dimensions, in the order of canonical terms; "project" and "unit" (identities) have no text form that parses
_DIMS = ["kind", "staff", "功能", "部门经济", "政府经济", "fund", "source", "carryover", "project_name", "project",
         "nature", "role", "unit_code", "unit"]
NATURES = ("行政", "参公", "事业")
_UNIT_DIMS = ("nature", "role", "unit_code", "unit")
_ATTR = {"功能": "function", "部门经济": "economic", "政府经济": "government"}
_LACKABLE = frozenset((*_ATTR, "staff", "nature"))  # dimensions some entries may lack (see Figures.known)
# dimensions that place a figure in a row or column → what they place it by
_PLACING = {"功能": "功能", "部门经济": "部门经济", "政府经济": "政府经济", "project_name": "project", "project": "project"}


class ExprError(ValueError):
    pass


class Term(NamedTuple):
    """One condition of a figure: its dimension and the values it accepts (a tuple, hashed in C: terms key
    every cache of the figures, and a workbook asks hundreds of thousands of them)."""

    dim: str
    values: tuple[Any, ...]  # str: codes, names; int: project indices (dimension "project")

    def text(self) -> str:
        """For display; only terms parsed from text read back as themselves."""
        if self.dim in ("project", "unit"):
            return {"project": "项目", "unit": "单位"}[self.dim] + "#" + "|".join(str(v + 1) for v in self.values)
        joined = "|".join(map(str, self.values))
        if self.dim in _ATTR:
            return f"{self.dim}:{joined}"
        if self.dim in ("project_name", "nature", "role", "unit_code"):
            return {"project_name": "项目", "nature": "性质"}.get(self.dim, "单位") + ":" + joined
        if len(self.values) > 1 and self.dim in ("fund", "source"):
            return {"fund": "资金", "source": "来源"}[self.dim] + ":" + joined
        return joined  # one value, or alternatives of a kind (基本支出|项目支出)


Terms = tuple[Term, ...]  # a parsed figure: canonical (one term per dimension, sorted)
Expr = str | Terms  # a figure as written (text) or as the engine builds it


@lru_cache(maxsize=16384)
def parse(expr: str) -> Terms:
    """Parse a figure expression into canonical, sorted terms. Terms on the same dimension intersect
    (财政拨款&一般公共预算 = 一般公共预算; 功能:201&功能:2010301 = 功能:2010301). Raises ExprError."""
    terms: list[Term] = []
    for token in (t.strip() for t in str(expr).split("&")):
        if token in ("", "合计"):
            continue
        terms.extend(parse(NAMED[token]) if token in NAMED else (_term(token),))
    return _merge(terms)


def terms_of(expr: Expr) -> Terms:
    return parse(expr) if isinstance(expr, str) else expr


@lru_cache(maxsize=16384)
def combine(*exprs: Expr) -> Terms:
    """The figure within all of `exprs` (terms on the same dimension intersect). Raises ExprError."""
    return _merge([t for e in exprs for t in terms_of(e)])


def project_scope(index: int) -> Terms:
    """One project by its identity, its index in spec.projects — whatever its name, however many share it."""
    return (Term("project", (index,)),)


def unit_scope(index: int) -> Terms:
    """One unit of a 部门 by its identity, its index among the units."""
    return (Term("unit", (index,)),)


def code_scope(dim: str, code: str) -> Terms:
    """One 科目 (a code the ledger has) of a classification: a row of a classified table."""
    return (Term(dim, (code,)),)


def _merge(terms: Iterable[Term]) -> Terms:
    by_dim: dict[str, Term] = {}
    for term in terms:
        by_dim[term.dim] = _intersect(by_dim[term.dim], term) if term.dim in by_dim else term
    return tuple(sorted(by_dim.values(), key=lambda t: _DIMS.index(t.dim)))


def _intersect(a: Term, b: Term) -> Term:
    if a.dim in _ATTR:  # code prefixes: keep the narrower of each overlapping pair
        values = {x if len(x) >= len(y) else y for x in a.values for y in b.values if x.startswith(y) or y.startswith(x)}
    else:
        values = set(a.values) & set(b.values)
    return Term(a.dim, tuple(sorted(values)))


def _term(token: str) -> Term:
    if ":" in token or "：" in token:
        dim, _, values = token.replace("：", ":").partition(":")
        alts = tuple(sorted(v.strip() for v in values.split("|") if v.strip()))
        if dim in _ATTR and alts and all(v.isascii() and v.isdigit() for v in alts):
            return Term(dim, alts)
        if dim == "项目" and alts:
            return Term("project_name", alts)
        if dim == "来源" and all(v in FUND_OF for v in alts):
            return Term("source", alts)
        if dim == "资金" and all(v in FUNDS for v in alts):
            return Term("fund", alts)
        if dim == "性质" and alts and all(v in NATURES for v in alts):
            return Term("nature", alts)
        if dim == "单位" and alts and all(v in ("本级", "下属") for v in alts):
            return Term("role", alts)
        if dim == "单位" and alts:
            return Term("unit_code", alts)
        raise ExprError(f"无法识别「{token}」")
    if "|" in token:  # alternatives of one dimension: 基本支出|项目支出, 一般公共预算|政府性基金
        alts = tuple(sorted(v.strip() for v in token.split("|") if v.strip()))
        for dim, words in (("kind", KINDS), ("staff", ("人员经费", "公用经费")), ("fund", FUNDS)):
            if alts and all(v in words for v in alts):
                return Term(dim, alts)
        raise ExprError(f"无法识别「{token}」：「|」两边应是同一类（如 基本支出|项目支出）")
    if token in KINDS:
        return Term("kind", (token,))
    if token in ("人员经费", "公用经费"):
        return Term("staff", (token,))
    if token in ("上年结转", "本年"):
        return Term("carryover", (token,))
    if token in FUNDS:
        return Term("fund", (token,))
    if token == "财政拨款":
        return Term("fund", tuple(sorted(FISCAL_FUNDS)))
    if token in FUND_OF:
        return Term("source", (token,))
    raise ExprError(f"无法识别「{token}」")


INCOME_HEADS = ("收入合计", "本年收入", "上年结转收入", "收入")


@lru_cache(maxsize=16384)
def is_income(expr: Expr) -> bool:
    return isinstance(expr, str) and expr.strip().partition(":")[0] in INCOME_HEADS


def scoped(scope: Expr, expr: Expr) -> Expr:
    """`expr` within a table's scope (income figures have none)."""
    if is_income(expr) or not scope:
        return expr
    return combine(scope, expr)


@lru_cache(maxsize=65536)
def cell_figure(expr: Expr, within: Expr, scope: Expr) -> tuple[Expr, Expr, Expr]:
    """A table cell's figure `expr` in its row or column (`within`) of a table of `scope`: the figure as
    the cell places it, the scope it is shown in (an income figure's: the row's units too) and the figure
    within that scope. The same for every unit: cached."""
    placed = scoped(within, expr)
    shown_in = combine(scope, within) if is_income(expr) and within else scope
    return placed, shown_in, scoped(shown_in, placed)


@lru_cache(maxsize=16384)
def placing(terms: Terms) -> frozenset[str]:
    """By which classifications a figure is placed in a table (its row and column)."""
    return frozenset(_PLACING[t.dim] for t in terms if t.dim in _PLACING)


@lru_cache(maxsize=16384)
def canonical(expr: Expr) -> str:
    return "&".join(t.text() for t in terms_of(expr)) or "合计"


@dataclass(frozen=True)
class Row:
    """A row of a classified table: 类/款/项 (or the 合计 row, code None)."""

    code: str | None
    name: str
    level: str
    values: tuple[Decimal, ...]


@dataclass(frozen=True)
class Change:
    """本年 vs 上年, computed on the figures as shown (two decimals), as readers check them."""

    current: Decimal
    prior: Decimal
    diff: Decimal
    direction: str  # 增加 / 减少 / 持平
    percent: Decimal | None
    exact: Decimal  # this year's figure, not rounded (a table in 元 takes its difference from it)

    @classmethod
    def of(cls, current: Decimal, prior: Decimal) -> Change:
        cur = round2(current)
        diff = cur - prior
        direction = "增加" if diff > 0 else "减少" if diff < 0 else "持平"
        percent = round2(diff / prior * 100) if prior else None
        return cls(cur, prior, diff, direction, percent, current)


@dataclass(frozen=True)
class IncomeView:
    """Income by source and 上年结转 by fund, and the income figures over them."""

    sources: dict[str, Decimal]
    carryover: dict[str, Decimal]

    def by_fund(self, carryover: bool = True) -> dict[str, Decimal]:
        out = {fund: ZERO for fund in FUNDS}
        for source, amount in self.sources.items():
            out[FUND_OF[source]] += amount
        for fund, amount in self.carryover.items() if carryover else ():
            out[fund] += amount
        return out

    def figure(self, expr: str) -> Decimal | None:
        """收入合计; 本年收入[:X]; 上年结转收入[:资金性质|财政拨款]; 收入:X — where X is a 来源, a 资金性质 or
        财政拨款, alternatives joined by `|`. 收入:<资金性质> includes that fund's 上年结转 (重庆: 一般公共预算资金
        500.75 = 471.53 + 结转 29.21)."""
        this_year, carried = sum(self.sources.values(), ZERO), sum(self.carryover.values(), ZERO)
        head, _, what = expr.strip().partition(":")
        if head == "收入合计":
            return this_year + carried
        if not what:
            return {"本年收入": this_year, "上年结转收入": carried}.get(head)
        return sum((self._part(head, w.strip()) for w in what.split("|")), ZERO)

    def _part(self, head: str, what: str) -> Decimal:
        funds = FISCAL_FUNDS if what == "财政拨款" else (what,) if what in FUNDS else None
        carried = sum((self.carryover.get(f, ZERO) for f in funds), ZERO) if funds else ZERO
        if head == "上年结转收入":
            if funds is None:
                raise ExprError(f"上年结转按资金性质计（{'、'.join(FUNDS)} 或 财政拨款），不是「{what}」")
            return carried
        if funds:
            this_year = self.by_fund(carryover=False)
            return sum((this_year[f] for f in funds), ZERO) + (carried if head == "收入" else ZERO)
        if what == "一般公共预算拨款":  # as given, or by its parts (a 部门 may have both)
            return sum((self.sources.get(p, ZERO) for p in (what, *GENERAL_PARTS)), ZERO)
        if what in FUND_OF:
            return self.sources.get(what, ZERO)
        raise ExprError(f"无法识别收入来源「{what}」")


@dataclass(frozen=True)
class Unit:
    """A unit whose ledger figures add up: its identity within its 部门, its spec and its role."""

    index: int
    spec: Spec
    catalog: Catalog
    role: str = "本级"  # 本级 / 下属


class Figures:
    """The figures of one unit (`Figures(spec, catalog)`), or of a 部门: `spec` then holds what the 部门
    shows as a whole (its facts, every unit's projects in order, …) and `units` are its units."""

    def __init__(self, spec: Spec, catalog: Catalog, units: list[Unit] | None = None):
        self.spec = spec
        self.catalog = catalog
        self.units = units or [Unit(0, spec, catalog)]
        self.ledger: list[Entry] = []
        for u in self.units:
            self.ledger += build_ledger(u.spec, u.catalog, u.index, first_project=len(self._projects_before(u)))
        if len(self.units) > 1:
            self.ledger = self._consolidated(self.ledger)
        self._all = (1 << len(self.ledger)) - 1  # the mask of every entry
        self._cache: dict[Terms, Decimal | None] = {}
        self._mask_cache: dict[Terms, int] = {}
        self._indices: dict[int, tuple[int, ...]] = {}
        self._sums: dict[int, Decimal] = {}

    def _projects_before(self, unit: Unit) -> list[Any]:
        return [p for u in self.units[:unit.index] for p in u.spec.projects]

    # --- the units of a 部门 -----------------------------------------------------------------------------

    def unit_named(self, ref: str | None) -> Unit | None:
        """The unit a spec names (by 名称 or 编码)."""
        return next((u for u in self.units if ref and ref.strip() in (u.spec.unit.name, u.spec.unit.code)), None)

    def internal(self, e: Entry) -> bool:
        """Money paid to another unit of the same 部门: 本级's 对附属单位补助 of a 下属单位 it has, a 下属单位's 上缴上级."""
        if e.kind == "对附属单位补助支出":
            return self.unit_named(e.to) is not None
        return e.kind == "上缴上级支出" and self.units[e.unit].role == "下属"

    def _consolidated(self, ledger: list[Entry]) -> list[Entry]:
        """The 部门's ledger: money paid inside the 部门 is not spent twice — the payer's line goes, and what
        the receiver spends of it is spent from the payer's source (its 一般公共预算拨款, not 上级补助收入)."""
        paid: dict[tuple[int, str], set[str]] = {}  # (receiver, income source) → the payers' 资金来源
        for e in ledger:
            if self.internal(e):
                target = self.unit_named(e.to) if e.kind == "对附属单位补助支出" else self.units[0]
                assert target is not None
                source = "上级补助收入" if e.kind == "对附属单位补助支出" else "附属单位上缴收入"
                paid.setdefault((target.index, source), set()).add(e.source)
        resourced = {key: next(iter(sources)) for key, sources in paid.items() if len(sources) == 1}
        return [replace(e, source=resourced.get((e.unit, e.source), e.source)) for e in ledger if not self.internal(e)]

    def flows(self) -> dict[tuple[int, str], Decimal]:
        """Money that stays inside the 部门, as paid: (receiving unit, 上级补助收入 | 附属单位上缴收入) → amount,
        from the payers' ledgers (the receiver's income is checked against it, and both are eliminated)."""
        out: dict[tuple[int, str], Decimal] = {}
        for u in self.units if len(self.units) > 1 else ():
            for t in u.spec.subsidies:
                target = self.unit_named(t.to)
                if target is not None:
                    key = (target.index, "上级补助收入")
                    out[key] = out.get(key, ZERO) + t.amount
            if u.role == "下属":
                for t in u.spec.remittances:
                    key = (0, "附属单位上缴收入")  # 本级's
                    out[key] = out.get(key, ZERO) + t.amount
        return out

    # --- expenditure ---------------------------------------------------------------------------------

    @cached_property
    def _index(self) -> dict[tuple[str, str | int | None], int]:
        """(dimension, value) → the ledger entries that have it, as a bit mask (bit i: entry i); code
        dimensions by every 类/款/项 prefix, projects by identity (index) and by name. A ledger has some tens
        of entries: masks intersect and compare as single integers."""
        index: dict[tuple[str, str | int | None], int] = {}
        for i, e in enumerate(self.ledger):
            unit = self.units[e.unit]
            keys = [("kind", e.kind), ("staff", e.staff), ("fund", e.fund), ("source", e.source),
                    ("carryover", "上年结转" if e.carryover else "本年"), ("project", e.project_index),
                    ("project_name", e.project), ("unit", e.unit), ("role", unit.role), ("nature", e.nature),
                    ("unit_code", unit.spec.unit.code), ("unit_code", unit.spec.unit.name)]
            for dim, attr in _ATTR.items():
                code = getattr(e, attr)
                if code:
                    keys += [(dim, code[:n]) for n in range(3, len(code) + 1, 2)]
                else:
                    keys.append((dim, None))  # entries lacking the classification
            bit = 1 << i
            for key in keys:
                index[key] = index.get(key, 0) | bit
        return index

    def _term_mask(self, term: Term) -> int:
        index = self._index
        if len(term.values) == 1:
            return index.get((term.dim, term.values[0]), 0)
        mask = 0
        for v in term.values:
            mask |= index.get((term.dim, v), 0)
        return mask

    def _mask(self, expr: Expr) -> int:
        """The ledger amounts a figure adds up, as a bit mask (cached by its canonical terms)."""
        key = terms_of(expr)
        hit = self._mask_cache.get(key)
        if hit is None:
            hit = self._all
            for term in key:
                hit &= self._term_mask(term)
            self._mask_cache[key] = hit
        return hit

    def _chosen(self, expr: Expr) -> tuple[int, ...]:
        """Indices of the ledger amounts a figure adds up, in ledger order."""
        return self._indices_of(self._mask(expr))

    def _sum(self, mask: int) -> Decimal:
        """The amounts of a mask's entries (cached: many figures are the same entries)."""
        hit = self._sums.get(mask)
        if hit is None:
            ledger = self.ledger
            hit = self._sums[mask] = sum((ledger[i].amount for i in self._indices_of(mask)), ZERO)
        return hit

    def _indices_of(self, mask: int) -> tuple[int, ...]:
        """A mask's entries, in ledger order (cached)."""
        hit = self._indices.get(mask)
        if hit is None:
            hit = self._indices[mask] = tuple(i for i in range(mask.bit_length()) if mask >> i & 1)
        return hit

    def entries(self, expr: Expr = "") -> list[Entry]:
        return [self.ledger[i] for i in self._chosen(expr)]

    def known(self, expr: Expr) -> bool:
        """False when the expression reads an attribute that no entry in its scope has (e.g. 功能科目 in a
        spec that gives none): such a figure is unknown, not zero. Entries lacking an attribute that others
        in scope have simply do not match it (a project without 经济科目 breakdown has no 三公经费)."""
        terms = terms_of(expr)
        if self.spec.basic is None and not any(t.dim == "kind" and t.values == ("项目支出",) for t in terms):
            return False  # 基本支出 not provided: nothing that includes it is known
        index = self._index
        for term in terms:
            lacking = index.get((term.dim, None)) if term.dim in _LACKABLE else None
            if not lacking:
                continue  # every entry has this classification
            scope = self._all
            for other in terms:
                if other is not term:
                    scope &= self._term_mask(other)
            if term.dim == "staff":
                scope &= index.get(("kind", "基本支出"), 0)
            if scope and not scope & ~lacking:
                return False
        return True

    def value(self, expr: Expr = "") -> Decimal | None:
        if isinstance(expr, str) and is_income(expr):
            return self.income(expr)
        key = terms_of(expr)
        if key not in self._cache:
            self._cache[key] = self._sum(self._mask(key)) if self.known(key) else None
        return self._cache[key]

    def shown(self, expr: Expr = "", table: str | None = None, scope: Expr = "", display: Display = WAN_2,
              full: Expr | None = None) -> Decimal | None:
        """The figure as a document prints it — `expr` within a table's `scope` (`full`, where the caller
        has it), as `display` says (万元, two decimals by default): the published value where the spec states
        one, else the computed one."""
        if isinstance(expr, str) and is_income(expr):  # income has no ledger scope, but may be some units'
            value = self.income(expr, self.units_of(scope) if scope else None)
            return None if value is None else display.value(value)
        full = terms_of(scoped(scope, expr) if full is None else full)
        value = self._published_as(full, table, expr) if self._published else None
        if value is None:
            value = self.value(full)
        return None if value is None else display.value(value)

    @cached_property
    def _published(self) -> list[tuple[int, frozenset[str], Terms, Decimal, tuple[str, ...]]]:
        out = []
        for p in self.spec.published:
            try:
                own = tuple(t for t in parse(p.figure) if t.dim not in _PLACING)
                out.append((self._mask(p.figure), placing(parse(p.figure)), own, p.amount, tuple(p.tables)))
            except ExprError:
                continue  # reported by the checks
        return out

    def published_value(self, expr: Expr, table: str | None = None, placed_by: Expr | None = None) -> Decimal | None:
        """A 公布数 applies, in the tables it names, to a figure made of exactly the same ledger amounts
        whose row and column classifications (`placed_by`, the figure without its table's scope) are
        among the published figure's own: 政府经济:50101 also prints the 合计 row of a 基本支出 table when
        all 50101 spending is 基本支出, but not the 行政运行 row (功能:2010301&政府经济:50101), which a
        table may print differently. And the figure says what the published one says: a 公布数 of 机关运行经费
        (行政 and 参公 units only) does not print as the 公用经费 of a table, even where the two add up the
        same amounts."""
        if not self._published or is_income(expr):
            return None
        return self._published_as(terms_of(expr), table, placed_by)

    def _published_as(self, terms: Terms, table: str | None, placed_by: Expr | None) -> Decimal | None:
        amounts = self._mask(terms)
        if not amounts:
            return None
        placed = placing(terms if placed_by is None else terms_of(placed_by))
        for chosen, dims, own, amount, tables in self._published:
            if (chosen == amounts and placed <= dims and _says(terms, own)
                    and (not tables or table is None or table in tables)):
                return amount
        return None

    @property
    def total(self) -> Decimal | None:
        return self.value("")

    def rollup(self, dim: str, columns: Iterable[Expr] = ("合计",), where: Expr = "") -> list[Row]:
        """Rows of a classified table: every 类/款(/项) that has an amount, then values per column.
        The first row is the 合计 row."""
        attr = _ATTR[dim]
        cols = [self._mask(combine(where, c)) for c in columns]
        sums: dict[str, list[Decimal]] = {}
        total = [ZERO] * len(cols)
        for i in self._chosen(where):
            e = self.ledger[i]
            hits = [k for k, chosen in enumerate(cols) if chosen >> i & 1]
            code = getattr(e, attr)
            targets = [total] if code is None else [total, *(sums.setdefault(p, [ZERO] * len(cols))
                                                           for p in [*self.catalog.ancestors(code), code])]
            for row in targets:
                for k in hits:
                    row[k] += e.amount
        rows = [Row(None, "合计", "合计", tuple(total))]
        for code in sorted(sums):
            rows.append(Row(code, self.code_name(code), _level(dim, code), tuple(sums[code])))
        return rows

    @cached_property
    def spec_names(self) -> dict[str, str]:
        """Names the spec itself gives to codes ('2101109 其他…'), used for codes the catalog lacks."""
        refs: list[str] = [x for line in self.spec.basic_lines for x in (line.function, line.economic) if x]
        refs += [x for p in self.spec.projects for x in (p.function, *p.economic.keys()) if x]
        refs += [p.function for p in self.spec.procurement if p.function]
        out: dict[str, str] = {}
        for ref in refs:
            code, name = split_ref(ref)
            if code and name:
                out.setdefault(code, name)
        return out

    def code_name(self, code: str) -> str:
        return self.catalog.name(code) or self.spec_names.get(code) or "（未知科目）"

    # --- income --------------------------------------------------------------------------------------

    @cached_property
    def income_sources(self) -> dict[str, Decimal]:
        """This year's income by source; for a 部门 every unit's, less the money from inside the 部门."""
        return self._income().sources

    @cached_property
    def carryover(self) -> dict[str, Decimal]:
        return self._income().carryover

    def _income(self, units: frozenset[int] | None = None) -> IncomeView:
        """The income of some units of a 部门 (all: None), the money they receive from inside it taken out."""
        if len(self.units) == 1:
            return IncomeView(income_sources(self.spec.income), income_carryover(self.spec.income))
        chosen = [u for u in self.units if units is None or u.index in units]
        sources: dict[str, Decimal] = {}
        carried: dict[str, Decimal] = {}
        for u in chosen:
            for source, amount in income_sources(u.spec.income).items():
                sources[source] = sources.get(source, ZERO) + amount
            for fund, amount in income_carryover(u.spec.income).items():
                carried[fund] = carried.get(fund, ZERO) + amount
        for (receiver, source), amount in self.flows().items():  # a receiver that did not record it: see checks
            if units is None or receiver in units:
                sources[source] = sources.get(source, ZERO) - amount
        return IncomeView(sources, carried)

    def units_of(self, scope: Expr) -> frozenset[int] | None:
        """The units a scope keeps (单位:…, 性质:…, a unit's identity), None when it names none."""
        terms = [t for t in terms_of(scope) if t.dim in _UNIT_DIMS]
        if not terms:
            return None
        return frozenset(u.index for u in self.units if all(_unit_has(u, t) for t in terms))

    @property
    def income_this_year(self) -> Decimal:
        return sum(self.income_sources.values(), ZERO)

    @property
    def income_total(self) -> Decimal:
        return self.income_this_year + sum(self.carryover.values(), ZERO)

    def income(self, expr: str, units: frozenset[int] | None = None) -> Decimal | None:
        """Income figures (see IncomeView.figure), of the whole or of some units of a 部门."""
        if self.spec.income is None:
            return None
        return (self._income(units) if units is not None else IncomeView(self.income_sources, self.carryover)).figure(expr)

    def income_by_fund(self, carryover: bool = True) -> dict[str, Decimal]:
        return IncomeView(self.income_sources, self.carryover).by_fund(carryover)

    def spending_by_fund(self) -> dict[str, Decimal]:
        out = {fund: ZERO for fund in FUNDS}
        for e in self.ledger:
            out[e.fund] += e.amount
        return out

    # --- other views ---------------------------------------------------------------------------------

    def sangong(self) -> dict[str, Decimal | None]:
        return {name: self.value(name) for name in ("三公经费", *SANGONG_PARTS, "公务用车购置及运行费")}

    def procurement(self) -> dict[str, Decimal]:
        out = {"合计": ZERO, "货物": ZERO, "工程": ZERO, "服务": ZERO}
        for item in self.spec.procurement:
            out["合计"] += item.amount
            out[item.kind] += item.amount
        return out

    def procurement_sme(self) -> dict[str, Decimal]:
        """政府采购 reserved for small and medium enterprises, and of that for small and micro ones."""
        return {"面向中小企业预留": sum((i.sme for i in self.spec.procurement if i.sme is not None), ZERO),
                "小微企业": sum((i.small for i in self.spec.procurement if i.small is not None), ZERO)}

    @property
    def services_total(self) -> Decimal:
        return sum((s.amount for s in self.spec.services), ZERO)

    @property
    def projects_total(self) -> Decimal:
        return sum((p.amount for p in self.spec.projects), ZERO)

    def changes(self) -> dict[str, Change]:
        """Every 上年对比 the spec's prior-year figures allow (computed once)."""
        return self._changes

    @cached_property
    def _changes(self) -> dict[str, Change]:
        prior = self.spec.prior
        if prior is None:
            return {}
        pairs: list[tuple[str, Decimal | None, Decimal | None]] = [
            ("收入合计", self.income_total if self.spec.income else None, prior.income),
            ("支出合计", self.total, prior.expenditure),
            ("一般公共预算财政拨款", self.value("一般公共预算"), prior.general),
            ("基本支出", self.value("基本支出"), prior.basic),
            ("项目支出", self.value("项目支出"), prior.project),
            ("机关运行经费", self.value("机关运行经费"), prior.operating),
            ("运行经费", self.value("运行经费"), prior.running),
            ("政府采购", self.procurement()["合计"], prior.procurement),
        ]
        for source, amount in prior.income_by_source.items():
            pairs.append((f"收入:{source}", self._income_of(source), amount))
        for fund, amount in prior.spending_by_fund.items():
            pairs.append((f"支出:{fund}", self.value(fund), amount))
        for code, amount in prior.by_function.items():  # a key that is no code compares with nothing
            current = self.value(code_scope("功能", code)) if code.isascii() and code.isdigit() else None
            pairs.append((f"功能:{code}", current, amount))
        if prior.sangong:
            s = prior.sangong
            parts = {"因公出国（境）费": s.abroad, "公务接待费": s.reception, "公务用车购置费": s.car_purchase,
                     "公务用车运行维护费": s.car_running}
            known_parts = [v for v in parts.values() if v is not None]
            total = s.total if s.total is not None else (sum(known_parts, ZERO) if len(known_parts) == 4 else None)
            pairs.append(("三公经费", self.value("三公经费"), total))
            pairs.extend((name, self.value(name), amount) for name, amount in parts.items())
            cars = [v for v in (s.car_purchase, s.car_running) if v is not None]
            if cars:  # with either part given, the other is zero (forms leave it blank)
                pairs.append(("公务用车购置及运行费", self.value("公务用车购置及运行费"), sum(cars, ZERO)))
        return {name: Change.of(cur, pri) for name, cur, pri in pairs if cur is not None and pri is not None}

    def _income_of(self, source: str) -> Decimal | None:
        """This year's income of a source, as narratives compare it: a 财政拨款 source with its 上年结转
        (重庆: 一般公共预算拨款 500.75 = 471.53 + 结转 29.21), a unit's own source as given."""
        fund = FUND_OF.get(source)
        if fund in FISCAL_FUNDS + ("财政专户",) and source in ("一般公共预算拨款", "政府性基金拨款", "国有资本经营预算拨款",
                                                         "财政专户管理资金"):
            return self.income_by_fund()[fund]
        return self.income_sources.get(source)

    # --- everything, for `show --json` --------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        def num(value: Decimal | None) -> str | None:
            return None if value is None else plain(value)

        def table(dim: str, columns: list[str], where: str = "") -> list[dict[str, Any]] | None:
            if not self.dim_known(dim, where):
                return None
            return [{"编码": r.code, "名称": r.name, "级次": r.level, **{c: num(v) for c, v in zip(columns, r.values)}}
                    for r in self.rollup(dim, columns, where)]

        spec = self.spec
        kinds = ["合计", "基本支出", "项目支出"]
        return {
            "单位": spec.unit.name, "年度": spec.year, "科目版本": self.catalog.edition,
            "收入": {"合计": num(self.income_total), "本年收入": num(self.income_this_year),
                   "来源": {k: num(v) for k, v in self.income_sources.items()},
                   "上年结转": {k: num(v) for k, v in self.carryover.items()},
                   "按资金性质": {k: num(v) for k, v in self.income_by_fund().items() if v}} if spec.income else None,
            "支出": {"合计": num(self.total), "基本支出": num(self.value("基本支出")),
                   "项目支出": num(self.value("项目支出")), "人员经费": num(self.value("人员经费")),
                   "公用经费": num(self.value("公用经费")),
                   "按资金性质": {k: num(v) for k, v in self.spending_by_fund().items() if v}},
            "财政拨款": {fund: num(self.value(fund)) for fund in FISCAL_FUNDS},
            "功能分类": table("功能", kinds),
            "财政拨款功能分类": table("功能", kinds, "财政拨款"),
            "功能分类按资金性质": table("功能", ["合计", *(f for f in FUNDS if any(e.fund == f for e in self.ledger))]),
            "部门经济分类": table("部门经济", kinds),
            "基本支出部门经济分类": table("部门经济", ["合计", "人员经费", "公用经费"], "基本支出"),
            "政府经济分类": table("政府经济", kinds),
            "基本支出政府经济分类": table("政府经济", ["合计"], "基本支出"),
            "三公经费": {k: num(v) for k, v in self.sangong().items()},
            "机关运行经费": num(self.value("机关运行经费")), "运行经费": num(self.value("运行经费")),
            "政府采购": {k: num(v) for k, v in self.procurement().items()},
            "政府购买服务": num(self.services_total),
            "项目": [{"名称": p.name, "金额": num(p.amount), "功能科目": p.function,
                    "指标数": len(p.indicators)} for p in spec.projects],
            "项目合计": num(self.projects_total),
            "上年对比": {k: {"本年": num(c.current), "上年": num(c.prior), "增减额": num(c.diff),
                         "增减方向": c.direction, "增减率": num(c.percent)} for k, c in self.changes().items()},
            "公布数": [{"项": canonical(p.figure) if _parses(p.figure) else p.figure, "公布": num(p.amount),
                     "计算": num(self.value(p.figure)) if _parses(p.figure) else None, "表": p.tables}
                    for p in spec.published],
        }

    def dim_known(self, dim: str, where: Expr = "") -> bool:
        """Whether every entry in scope carries this classification (a table by it would foot)."""
        scope = self.entries(where)
        return bool(scope) and all(getattr(e, _ATTR[dim]) is not None for e in scope)


def _unit_has(unit: Unit, term: Term) -> bool:
    """Whether a unit is one a unit term names (a unit with no ledger lines still has income)."""
    value = {"nature": unit.spec.unit.kind, "role": unit.role, "unit": unit.index}.get(term.dim)
    if term.dim == "unit_code":
        return unit.spec.unit.code in term.values or unit.spec.unit.name in term.values
    return value in term.values


def _says(terms: Terms, published: Terms) -> bool:
    """Whether a figure restricts every dimension a published figure restricts, at least as narrowly."""
    have = {t.dim: set(t.values) for t in terms}
    return all(t.dim in have and have[t.dim] <= set(t.values) for t in published)


def _parses(expr: str) -> bool:
    try:
        parse(expr)
        return True
    except ExprError:
        return False


def _level(dim: str, code: str) -> str:
    from .catalog import LEVELS
    return LEVELS[dim].get(len(code), "")

