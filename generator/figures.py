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
    三公经费, 公务接待费, 机关运行经费 …   named figures (see NAMED)

e.g. `功能:2010301&基本支出`, `政府经济:50101`, `一般公共预算&项目支出`. The same expressions name
published figures (公布数) and the cells formats bind to.

The engine works on parsed terms (`Terms`), and scopes a table or row with terms it builds itself — one
project by its identity (`project_scope`), a 科目 row by its code — so no text from a spec is ever read
as an expression.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any

from .catalog import Catalog, split_ref
from .ledger import (
    FISCAL_FUNDS,
    FUND_OF,
    FUNDS,
    GENERAL_PARTS,
    Entry,
    build_ledger,
    income_carryover,
    income_sources,
)
from .money import ZERO, plain, round2
from .spec.model import Spec

NAMED = {
    "因公出国（境）费": "部门经济:30212&一般公共预算",
    "公务接待费": "部门经济:30217&一般公共预算",
    "公务用车购置费": "部门经济:31013|30913&一般公共预算",
    "公务用车运行维护费": "部门经济:30231&一般公共预算",
    "公务用车购置及运行费": "部门经济:31013|30913|30231&一般公共预算",
    "三公经费": "部门经济:30212|30217|31013|30913|30231&一般公共预算",
    "机关运行经费": "基本支出&公用经费&一般公共预算",
    "工资福利支出": "基本支出&部门经济:301",
    "商品和服务支出": "基本支出&部门经济:302",
    "对个人和家庭的补助": "基本支出&部门经济:303",
}
SANGONG_PARTS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")

# dimensions, in the order of canonical terms; "project" (identity) has no text form that parses
_DIMS = ["kind", "staff", "功能", "部门经济", "政府经济", "fund", "source", "carryover", "project_name", "project"]
_ATTR = {"功能": "function", "部门经济": "economic", "政府经济": "government"}
# dimensions that place a figure in a row or column → what they place it by
_PLACING = {"功能": "功能", "部门经济": "部门经济", "政府经济": "政府经济", "project_name": "project", "project": "project"}


class ExprError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    dim: str
    values: tuple[Any, ...]  # str: codes, names; int: project indices (dimension "project")

    def text(self) -> str:
        """For display; only terms parsed from text read back as themselves."""
        if self.dim == "project":
            return "项目#" + "|".join(str(v + 1) for v in self.values)
        joined = "|".join(map(str, self.values))
        if self.dim in _ATTR:
            return f"{self.dim}:{joined}"
        if self.dim == "project_name":
            return f"项目:{joined}"
        if len(self.values) > 1:
            return {"fund": "资金", "source": "来源"}[self.dim] + ":" + joined
        return joined


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
        raise ExprError(f"无法识别「{token}」")
    if token in ("基本支出", "项目支出"):
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

    @classmethod
    def of(cls, current: Decimal, prior: Decimal) -> Change:
        cur = round2(current)
        diff = cur - prior
        direction = "增加" if diff > 0 else "减少" if diff < 0 else "持平"
        percent = round2(diff / prior * 100) if prior else None
        return cls(cur, prior, diff, direction, percent)


class Figures:
    def __init__(self, spec: Spec, catalog: Catalog):
        self.spec = spec
        self.catalog = catalog
        self.ledger: list[Entry] = build_ledger(spec, catalog)
        self._cache: dict[Terms, Decimal | None] = {}
        self._chosen_cache: dict[Terms, tuple[int, ...]] = {}

    # --- expenditure ---------------------------------------------------------------------------------

    @cached_property
    def _index(self) -> dict[tuple[str, str | int | None], frozenset[int]]:
        """(dimension, value) → the ledger entries that have it; code dimensions by every 类/款/项 prefix,
        projects by identity (index) and by name."""
        index: dict[tuple[str, str | int | None], set[int]] = {}
        for i, e in enumerate(self.ledger):
            keys = [("kind", e.kind), ("staff", e.staff), ("fund", e.fund), ("source", e.source),
                    ("carryover", "上年结转" if e.carryover else "本年"), ("project", e.project_index),
                    ("project_name", e.project)]
            for dim, attr in _ATTR.items():
                code = getattr(e, attr)
                if code:
                    keys += [(dim, code[:n]) for n in range(3, len(code) + 1, 2)]
                else:
                    keys.append((dim, None))  # entries lacking the classification
            for key in keys:
                index.setdefault(key, set()).add(i)
        return {k: frozenset(v) for k, v in index.items()}

    def _term_set(self, term: Term) -> frozenset[int]:
        if len(term.values) == 1:
            return self._index.get((term.dim, term.values[0]), frozenset())
        return frozenset().union(*(self._index.get((term.dim, v), frozenset()) for v in term.values))

    def _chosen(self, expr: Expr) -> tuple[int, ...]:
        """Indices of the ledger amounts a figure adds up (cached by its canonical terms)."""
        key = terms_of(expr)
        hit = self._chosen_cache.get(key)
        if hit is None:
            chosen = frozenset(range(len(self.ledger)))
            for term in key:
                chosen &= self._term_set(term)
            hit = self._chosen_cache[key] = tuple(sorted(chosen))
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
        for term in terms:
            if term.dim not in _ATTR and term.dim != "staff":
                continue
            lacking = self._index.get((term.dim, None))
            if not lacking:
                continue  # every entry has this classification
            scope = set(self._chosen(tuple(t for t in terms if t is not term)))
            if term.dim == "staff":
                scope &= self._index.get(("kind", "基本支出"), frozenset())
            if scope and scope <= lacking:
                return False
        return True

    def value(self, expr: Expr = "") -> Decimal | None:
        if isinstance(expr, str) and is_income(expr):
            return self.income(expr)
        key = terms_of(expr)
        if key not in self._cache:
            self._cache[key] = sum((self.ledger[i].amount for i in self._chosen(key)), ZERO) if self.known(key) else None
        return self._cache[key]

    def shown(self, expr: Expr = "", table: str | None = None, scope: Expr = "") -> Decimal | None:
        """The figure as a document prints it — `expr` within a table's `scope` — : the published value
        where the spec states one, else the computed value rounded to two decimals."""
        full = scoped(scope, expr)
        published = self.published_value(full, table, placed_by=expr)
        if published is not None:
            return published
        value = self.value(full)
        return None if value is None else round2(value)

    def _selection(self, expr: Expr) -> tuple[frozenset[int], frozenset[str]]:
        """Which ledger amounts a figure adds up, and by which classifications it is placed in a table."""
        return frozenset(self._chosen(expr)), frozenset(_PLACING[t.dim] for t in terms_of(expr) if t.dim in _PLACING)

    @cached_property
    def _published(self) -> list[tuple[tuple[frozenset[int], frozenset[str]], Decimal, tuple[str, ...]]]:
        out = []
        for p in self.spec.published:
            try:
                out.append((self._selection(p.figure), p.amount, tuple(p.tables)))
            except ExprError:
                continue  # reported by the checks
        return out

    def published_value(self, expr: Expr, table: str | None = None, placed_by: Expr | None = None) -> Decimal | None:
        """A 公布数 applies, in the tables it names, to a figure made of exactly the same ledger amounts
        whose row and column classifications (`placed_by`, the figure without its table's scope) are
        among the published figure's own: 政府经济:50101 also prints the 合计 row of a 基本支出 table when
        all 50101 spending is 基本支出, but not the 行政运行 row (功能:2010301&政府经济:50101), which a
        table may print differently."""
        if not self._published or is_income(expr):
            return None
        amounts, _ = self._selection(expr)
        placing = self._selection(placed_by)[1] if placed_by is not None else self._selection(expr)[1]
        for (chosen, dims), amount, tables in self._published:
            if chosen and chosen == amounts and placing <= dims and (not tables or table is None or table in tables):
                return amount
        return None

    @property
    def total(self) -> Decimal | None:
        return self.value("")

    def rollup(self, dim: str, columns: Iterable[Expr] = ("合计",), where: Expr = "") -> list[Row]:
        """Rows of a classified table: every 类/款(/项) that has an amount, then values per column.
        The first row is the 合计 row."""
        attr = _ATTR[dim]
        cols = [set(self._chosen(combine(where, c))) for c in columns]
        sums: dict[str, list[Decimal]] = {}
        total = [ZERO] * len(cols)
        for i in self._chosen(where):
            e = self.ledger[i]
            hits = [k for k, chosen in enumerate(cols) if i in chosen]
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
        return income_sources(self.spec.income)

    @cached_property
    def carryover(self) -> dict[str, Decimal]:
        return income_carryover(self.spec.income)

    @property
    def income_this_year(self) -> Decimal:
        return sum(self.income_sources.values(), ZERO)

    @property
    def income_total(self) -> Decimal:
        return self.income_this_year + sum(self.carryover.values(), ZERO)

    def income(self, expr: str) -> Decimal | None:
        """Income figures: 收入合计; 本年收入[:X]; 上年结转收入[:资金性质|财政拨款]; 收入:X — where X is a
        来源, a 资金性质 or 财政拨款, alternatives joined by `|`. 收入:<资金性质> includes that fund's 上年结转
        (重庆: 一般公共预算资金 500.75 = 471.53 + 结转 29.21)."""
        if self.spec.income is None:
            return None
        head, _, what = expr.strip().partition(":")
        if head == "收入合计":
            return self.income_total
        if not what:
            return {"本年收入": self.income_this_year, "上年结转收入": sum(self.carryover.values(), ZERO)}.get(head)
        return sum((self._income_part(head, w.strip()) for w in what.split("|")), ZERO)

    def _income_part(self, head: str, what: str) -> Decimal:
        funds = FISCAL_FUNDS if what == "财政拨款" else (what,) if what in FUNDS else None
        carried = sum((self.carryover.get(f, ZERO) for f in funds), ZERO) if funds else ZERO
        if head == "上年结转收入":
            if funds is None:
                raise ExprError(f"上年结转按资金性质计（{'、'.join(FUNDS)} 或 财政拨款），不是「{what}」")
            return carried
        if funds:
            this_year = self.income_by_fund(carryover=False)
            return sum((this_year[f] for f in funds), ZERO) + (carried if head == "收入" else ZERO)
        if what in FUND_OF:
            if what == "一般公共预算拨款" and what not in self.income_sources:
                return sum((self.income_sources.get(p, ZERO) for p in GENERAL_PARTS), ZERO)
            return self.income_sources.get(what, ZERO)
        raise ExprError(f"无法识别收入来源「{what}」")

    def income_by_fund(self, carryover: bool = True) -> dict[str, Decimal]:
        out = {fund: ZERO for fund in FUNDS}
        for source, amount in self.income_sources.items():
            out[FUND_OF[source]] += amount
        for fund, amount in self.carryover.items() if carryover else ():
            out[fund] += amount
        return out

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

    @property
    def services_total(self) -> Decimal:
        return sum((s.amount for s in self.spec.services), ZERO)

    @property
    def projects_total(self) -> Decimal:
        return sum((p.amount for p in self.spec.projects), ZERO)

    def changes(self) -> dict[str, Change]:
        """Every 上年对比 the spec's prior-year figures allow."""
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
            ("政府采购", self.procurement()["合计"], prior.procurement),
        ]
        for source, amount in prior.income_by_source.items():
            pairs.append((f"收入:{source}", self._income_of(source), amount))
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
            "机关运行经费": num(self.value("机关运行经费")),
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


def _parses(expr: str) -> bool:
    try:
        parse(expr)
        return True
    except ExprError:
        return False


def _level(dim: str, code: str) -> str:
    from .catalog import LEVELS
    return LEVELS[dim].get(len(code), "")

