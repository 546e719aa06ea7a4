"""尾差: where a table, as printed with two decimals, does not foot although the ledger does.

The ledger is exact (amounts may be given to the 元); each printed figure is its own rounding, or the
published figure the spec states (公布数). A reader adding the printed parts can then miss the printed
total by a cent or two. These warnings say exactly where, with the exact values, and point at the
amount that carries the rounding, so nobody "fixes" a correct table by hand."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..figures import Figures
from ..findings import Finding, PathT
from ..ledger import KINDS
from ..money import WAN_2, ZERO, Display, plain, round2
from . import Context

DIM_LABEL = {"功能": "功能分类", "部门经济": "经济分类", "政府经济": "政府经济分类"}


@dataclass(frozen=True)
class Part:
    label: str
    exact: Decimal  # 万元
    printed: Decimal  # as shown (the display's unit and decimals)
    expr: str | None = None  # the figure, to find where its amounts are written
    written: PathT = ()  # or where it is written (income)

    def where(self, fig: Figures) -> tuple[int, PathT]:
        """(unit, path) of the figure's first ledger amount that is not already whole cents, else of its first."""
        if self.expr is None:
            return 0, self.written
        entries = fig.entries(self.expr)
        odd = [e for e in entries if e.amount != round2(e.amount)]
        first = (odd or entries)[0] if entries else None
        return (first.unit, first.path) if first else (0, ())


class _Parts:
    """Parts of one display: figures as a table shown so prints them."""

    def __init__(self, fig: Figures, display: Display):
        self.fig, self.display = fig, display

    def __call__(self, label: str, expr: str) -> Part | None:
        fig = self.fig
        exact = fig.value(expr)
        if exact is None:
            return None
        published = fig.published_value(expr) if fig.spec.published else None
        return Part(label, exact, self.display.value(exact if published is None else published), expr)

    def written(self, label: str, exact: Decimal, where: PathT) -> Part:
        return Part(label, exact, self.display.value(exact), written=where)


Footing = tuple[str, Part | None, list[Part]]  # what, its total (None: unknown), its parts


def _footings(fig: Figures, part: _Parts) -> Iterator[Footing]:
    """(what, total, parts) for every sum the documents print."""
    if fig.spec.income is not None:
        parts = [part.written(name, v, ("收入", name)) for name, v in fig.income_sources.items()]
        parts += [part.written(f"上年结转（{fund}）", v, ("收入", "上年结转")) for fund, v in fig.carryover.items()]
        yield "收入合计", part.written("收入合计", fig.income_total, ("收入",)), parts
    if not fig.ledger:
        return
    total = part("合计", "")
    yield "支出合计", total, [p for p in (part(k, k) for k in KINDS if fig.entries(k)) if p]
    staff = [p for p in (part(k, k) for k in ("人员经费", "公用经费")) if p]
    if len(staff) == 2 and all(e.staff for e in fig.entries("基本支出")):  # lines without 经济科目 are neither
        yield "基本支出（人员经费＋公用经费）", part("基本支出", "基本支出"), staff
    for dim, scopes in (("功能", ("", "基本支出", "项目支出", "一般公共预算")), ("部门经济", ("基本支出",)), ("政府经济", ("基本支出",))):
        for scope in scopes:
            if not fig.dim_known(dim, scope):
                continue
            yield from _tree(fig, part, dim, scope)
    sangong = [p for p in (part(k, k) for k in ("因公出国（境）费", "公务用车购置及运行费", "公务接待费")) if p]
    if len(sangong) == 3:
        yield "三公经费", part("三公经费", "三公经费"), sangong


def _tree(fig: Figures, part: _Parts, dim: str, scope: str) -> Iterator[Footing]:
    """Each 类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 of one classified table."""
    codes = [r.code for r in fig.rollup(dim, [""], scope)[1:] if r.code]
    label = DIM_LABEL[dim] + (f"（{scope}）" if scope else "")

    def expr(code: str | None) -> str:
        return "&".join(x for x in (scope, f"{dim}:{code}" if code else "") if x)

    for parent in [None, *codes]:
        children = [c for c in codes if (len(c) == 3 if parent is None else
                                          len(c) == len(parent) + 2 and c.startswith(parent))]
        if children:
            top = part(fig.code_name(parent) if parent else "合计", expr(parent))
            yield label, top, [p for p in (part(f"{c} {fig.code_name(c)}", expr(c)) for c in children) if p]


def displays(ctx: Context) -> list[Display]:
    """How the format's tables show amounts: each workbook document's 金额 and its tables' own (万元, two
    decimals by default)."""
    shown = set()
    for doc in ctx.format.documents:
        if str(doc.get("模板", "")).endswith(".xlsx"):
            base = Display.of(doc.get("金额"))
            shown |= {base, *(Display.of(t.get("金额"), base) for t in (doc.get("表") or {}).values() if t)}
    return sorted(shown, key=lambda d: (d.unit, d.decimals)) or [WAN_2]


def footing(ctx: Context) -> Iterable[Finding]:
    seen: set[tuple] = set()
    for display in displays(ctx):
        for what, total, parts in _footings(ctx.figures, _Parts(ctx.figures, display)):
            if total is None or len(parts) < 2:
                continue
            printed_sum = sum((p.printed for p in parts), ZERO)
            key = (display, tuple(p.printed for p in parts), total.printed)
            if printed_sum == total.printed or key in seen:
                continue
            seen.add(key)
            text = display.text
            carriers = [p for p in [*parts, total] if display.exact(p.exact) != p.printed]
            notes = [f"{p.label} 精确值 {text(p.exact) if display.unit == '元' else plain(p.exact)}"
                     if display.value(p.exact) == p.printed else
                     f"{p.label} 按公布数列示 {p.printed}（计算 {plain(display.exact(p.exact))}）" for p in carriers]
            unit, path = next((w for p in carriers if (w := p.where(ctx.figures))[1]), total.where(ctx.figures))
            yield ctx.at_unit(unit, "W-ROUNDING", path, what=what, precision=display.precision,
                              parts=" + ".join(format(p.printed, "f") for p in parts), sum=format(printed_sum, "f"),
                              total=format(total.printed, "f"), diff=format(abs(printed_sum - total.printed), "f"),
                              unit=display.unit, notes="；".join(notes))


RULES = [footing]
