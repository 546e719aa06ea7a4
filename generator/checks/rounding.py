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
from ..money import ZERO, plain, round2, show
from . import Context

DIM_LABEL = {"功能": "功能分类", "部门经济": "经济分类", "政府经济": "政府经济分类"}


@dataclass(frozen=True)
class Part:
    label: str
    exact: Decimal
    printed: Decimal
    expr: str | None = None  # the figure, to find where its amounts are written
    written: PathT = ()  # or where it is written (income)

    def path(self, fig: Figures) -> PathT:
        """The first ledger amount of the figure that is not already whole cents, else its first amount."""
        if self.expr is None:
            return self.written
        entries = fig.entries(self.expr)
        odd = [e for e in entries if e.amount != round2(e.amount)]
        return (odd or entries)[0].path if entries else ()


def _part(fig: Figures, label: str, expr: str) -> Part | None:
    exact = fig.value(expr)
    if exact is None:
        return None
    published = fig.published_value(expr) if fig.spec.published else None
    return Part(label, exact, round2(exact) if published is None else published, expr)


Footing = tuple[str, Part | None, list[Part]]  # what, its total (None: unknown), its parts


def _footings(fig: Figures) -> Iterator[Footing]:
    """(what, total, parts) for every sum the documents print."""
    if fig.spec.income is not None:
        parts = [Part(name, v, round2(v), written=("收入", name)) for name, v in fig.income_sources.items()]
        parts += [Part(f"上年结转（{fund}）", v, round2(v), written=("收入", "上年结转")) for fund, v in fig.carryover.items()]
        income = fig.income_total
        yield "收入合计", Part("收入合计", income, round2(income), written=("收入",)), parts
    if not fig.ledger:
        return
    total = _part(fig, "合计", "")
    yield "支出合计", total, [p for p in (_part(fig, k, k) for k in ("基本支出", "项目支出")) if p]
    staff = [p for p in (_part(fig, k, k) for k in ("人员经费", "公用经费")) if p]
    if len(staff) == 2 and all(e.staff for e in fig.entries("基本支出")):  # lines without 经济科目 are neither
        yield "基本支出（人员经费＋公用经费）", _part(fig, "基本支出", "基本支出"), staff
    for dim, scopes in (("功能", ("", "基本支出", "项目支出", "一般公共预算")), ("部门经济", ("基本支出",)), ("政府经济", ("基本支出",))):
        for scope in scopes:
            if not fig.dim_known(dim, scope):
                continue
            yield from _tree(fig, dim, scope)
    sangong = [p for p in (_part(fig, k, k) for k in ("因公出国（境）费", "公务用车购置及运行费", "公务接待费")) if p]
    if len(sangong) == 3:
        yield "三公经费", _part(fig, "三公经费", "三公经费"), sangong


def _tree(fig: Figures, dim: str, scope: str) -> Iterator[Footing]:
    """Each 类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 of one classified table."""
    codes = [r.code for r in fig.rollup(dim, [""], scope)[1:] if r.code]
    label = DIM_LABEL[dim] + (f"（{scope}）" if scope else "")

    def expr(code: str | None) -> str:
        return "&".join(x for x in (scope, f"{dim}:{code}" if code else "") if x)

    for parent in [None, *codes]:
        children = [c for c in codes if (len(c) == 3 if parent is None else
                                          len(c) == len(parent) + 2 and c.startswith(parent))]
        if children:
            top = _part(fig, fig.code_name(parent) if parent else "合计", expr(parent))
            yield label, top, [p for p in (_part(fig, f"{c} {fig.code_name(c)}", expr(c)) for c in children) if p]


def footing(ctx: Context) -> Iterable[Finding]:
    seen: set[tuple] = set()
    for what, total, parts in _footings(ctx.figures):
        if total is None or len(parts) < 2:
            continue
        printed_sum = sum((p.printed for p in parts), ZERO)
        key = (tuple(p.printed for p in parts), total.printed)
        if printed_sum == total.printed or key in seen:
            continue
        seen.add(key)
        carriers = [p for p in [*parts, total] if p.exact != p.printed]
        notes = [f"{p.label} 精确值 {plain(p.exact)}" if round2(p.exact) == p.printed else
                 f"{p.label} 按公布数列示 {show(p.printed)}（计算 {plain(p.exact)}）" for p in carriers]
        path = next((p.path(ctx.figures) for p in carriers if p.path(ctx.figures)), total.path(ctx.figures))
        yield ctx.at("W-ROUNDING", path, what=what, parts=" + ".join(show(p.printed) for p in parts),
                     sum=show(printed_sum), total=show(total.printed), diff=plain(abs(printed_sum - total.printed)),
                     notes="；".join(notes))


RULES = [footing]
