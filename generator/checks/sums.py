"""Sums that must agree: a project's parts and its amount, income and expenditure, declared (published)
figures and the ledger. Differences a rounding can explain are 尾差 warnings; larger ones are errors."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..catalog import kind_of
from ..figures import ExprError, parse
from ..findings import Finding, PathT
from ..ledger import FUNDS, GENERAL_PARTS, INCOME_FIELDS
from ..money import ZERO, show
from . import Context


def compare(ctx: Context, code: str, what: str, declared: Decimal, computed: Decimal, addends: int,
            path: PathT, *, suggestion: str = "") -> Iterable[Finding]:
    """Declared vs computed: nothing when equal; a 尾差 warning within rounding tolerance; else `code`."""
    diff = declared - computed
    if diff == 0:
        return
    params = {"what": what, **ctx.amounts(declared=declared, computed=computed, diff=abs(diff)), "suggestion": suggestion}
    if abs(diff) <= ctx.tolerance(addends):
        yield ctx.at("W-ROUNDING", path, "declared", key=True, **params)
    else:
        yield ctx.at(code, path, key=True, **params)


def project_sums(ctx: Context) -> Iterable[Finding]:
    for i, p in enumerate(ctx.spec.projects):
        where = f"项目「{p.name}」"
        if p.details:
            total = sum((d.amount for d in p.details), ZERO)
            yield from compare(ctx, "E-SUM-PROJECT", f"{where}金额与支出明细合计", p.amount, total, len(p.details),
                               ("项目", i, "支出明细"), suggestion="核对各明细金额或项目金额")
        if p.economic:
            total = sum(p.economic.values(), ZERO)
            yield from compare(ctx, "E-SUM-PROJECT", f"{where}金额与经济科目分解合计", p.amount, total, len(p.economic),
                               ("项目", i, "经济科目"))
        base = p.total if p.total is not None else p.amount
        if p.total is not None and p.total < p.amount:
            yield ctx.at("E-SUM-PROJECT", ("项目", i, "总金额"), "total", project=where, total=show(p.total),
                         amount=show(p.amount))
        if p.fiscal is not None or p.other_funds is not None:
            funds = (p.fiscal or ZERO) + (p.other_funds or ZERO)
            yield from compare(ctx, "E-SUM-PROJECT", f"{where}{'总' if p.total is not None else ''}金额与财政拨款资金、其他资金之和",
                               base, funds, 2, ("项目", i, "财政拨款资金" if p.fiscal is not None else "其他资金"))
        if p.local is not None or p.superior is not None:
            yield from compare(ctx, "E-SUM-PROJECT", f"{where}金额与本级安排、上级补助之和", p.amount,
                               (p.local or ZERO) + (p.superior or ZERO), 2, ("项目", i, "本级安排"))
        for field, label in (("service_purchase", "政府购买服务资金"), ("central_transfer", "中央转移支付资金"),
                             ("fixed_assets", "固定资产采购金额")):
            value = getattr(p, field)
            if value is not None and value > base:
                yield ctx.at("W-PROJECT-FUNDS", ("项目", i, label), project=where, field=label, value=show(value),
                             whole="总" if p.total is not None else "", amount=show(base))


def income_balance(ctx: Context) -> Iterable[Finding]:
    spec, fig = ctx.spec, ctx.figures
    if spec.income is None or fig.total is None:
        return  # nothing to balance: income or 基本支出 not provided
    inc = spec.income
    parts = [getattr(inc, a) for a, name in INCOME_FIELDS.items() if name in GENERAL_PARTS]
    if inc.general is not None and any(x is not None for x in parts):
        yield from compare(ctx, "E-SUM-DECLARED", "一般公共预算拨款与其组成（经费拨款等）之和", inc.general,
                           sum((x for x in parts if x is not None), ZERO), len(parts), ("收入", "一般公共预算拨款"))
    income, spending = fig.income_by_fund(), fig.spending_by_fund()
    for fund in FUNDS:
        if income[fund] == spending[fund]:
            continue
        diff = income[fund] - spending[fund]
        addends = len(fig.income_sources) + len(fig.carryover) + len(fig.ledger)
        code, variant = ("W-ROUNDING", "balance") if abs(diff) <= ctx.tolerance(addends) else ("E-BALANCE", "")
        yield ctx.at(code, ("收入",), variant, key=True, fund=fund if fund.endswith("资金") else fund + "资金",
                     **ctx.amounts(income=income[fund], spending=spending[fund], diff=abs(diff)))


def published(ctx: Context) -> Iterable[Finding]:
    fig = ctx.figures
    for i, p in enumerate(ctx.spec.published):
        path = ("公布数", i, "项")
        try:
            parse(p.figure)
        except ExprError as exc:
            yield ctx.at("E-PUBLISHED-FIGURE", path, figure=p.figure, reason=exc)
            continue
        computed = fig.value(p.figure)
        if computed is None:
            yield ctx.at("E-PUBLISHED-FIGURE", path, "unknown", figure=p.figure)
            continue
        yield from compare(ctx, "E-SUM-DECLARED", f"公布数「{p.figure}」", p.amount, computed,
                           max(2, len(fig.entries(p.figure))), ("公布数", i, "金额"),
                           suggestion="文档按公布数列示；差额超出尾差时请核对明细")
    names = ctx.format.table_names()
    for i, p in enumerate(ctx.spec.published):
        for j, table in enumerate(p.tables):
            if table not in names:
                yield ctx.at("W-PUBLISHED-TABLE", ("公布数", i, "表", j), table=table, format=ctx.format.name,
                             suggestion=("本格式的表：" + "、".join(sorted(names))) if names else "本格式没有工作簿")


def projects(ctx: Context) -> Iterable[Finding]:
    """Two projects with one name print as one in every form that lists them by name."""
    first: dict[str, int] = {}
    for i, p in enumerate(ctx.spec.projects):
        if p.name in first:
            yield ctx.at("W-PROJECT-DUPLICATE", ("项目", i, "名称"), name=p.name, first=first[p.name] + 1, this=i + 1)
        first.setdefault(p.name, i)


def staff(ctx: Context) -> Iterable[Finding]:
    s = ctx.spec.unit.staff
    if s is None:
        return
    if s.actual is not None and s.actual_groups:
        total = sum(g.count for g in s.actual_groups)
        if total != s.actual:
            yield ctx.at("W-STAFF-SUM", ("单位", "人员", "实有构成"), actual=s.actual, total=total)
    if s.authorized is not None and s.on_post is not None and s.on_post > s.authorized:
        yield ctx.at("W-STAFF-SUM", ("单位", "人员", "在编"), "on_post", on_post=s.on_post, authorized=s.authorized)


def prior(ctx: Context) -> Iterable[Finding]:
    """上年 三公 合计 against its parts (a part left out is zero, as the forms leave zeros blank); 功能分类
    keys that are no 功能科目."""
    p = ctx.spec.prior
    for key in p.by_function if p else ():
        if kind_of(key) != "功能":
            yield ctx.at("W-PRIOR-CODE", ("上年", "功能分类", key), key=True, name=key)
    if p is None or p.sangong is None or p.sangong.total is None:
        return
    parts = [x for x in (p.sangong.abroad, p.sangong.reception, p.sangong.car_purchase, p.sangong.car_running) if x is not None]
    if parts:
        yield from compare(ctx, "E-SUM-DECLARED", "上年三公经费合计与所填各项之和（未填的项按 0）", p.sangong.total,
                           sum(parts, ZERO), len(parts), ("上年", "三公经费", "合计"))


def procurement(ctx: Context) -> Iterable[Finding]:
    fig = ctx.figures
    total = fig.procurement()["合计"]
    if ctx.spec.procurement and fig.total is not None and total > fig.total:
        yield ctx.at("E-PROCUREMENT", ("政府采购",), key=True, procurement=show(total), total=show(fig.total))


def carryover_assigned(ctx: Context) -> Iterable[Finding]:
    """Formats that show 上年结转 by expenditure need to know which lines it pays for."""
    carried = sum(ctx.figures.carryover.values(), ZERO)
    if ctx.format.rule("结转须标注") and carried and not any(e.carryover for e in ctx.figures.ledger):
        yield ctx.at("W-CARRYOVER-UNASSIGNED", ("收入", "上年结转"), key=True, amount=show(carried))


RULES = [project_sums, projects, income_balance, published, staff, prior, procurement, carryover_assigned]
