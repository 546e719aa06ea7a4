"""绩效指标 rules: values that can be read, percentages, weights, cost indicators against the money, and
the categories a form requires."""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import combinations

from ..findings import Finding, PathT
from ..indicators import is_cost, is_satisfaction, known_level1, known_level2, level1, level2, money_wan, read_value
from ..money import ZERO, number, show
from ..spec.model import DetailLine, Indicator
from . import Context


class Owner:
    """Something that has indicators: a project, a 一级项目, or the unit as a whole."""

    def __init__(self, label: str, path: PathT, indicators: list[Indicator], amount: Decimal | None,
                 details: Iterable[DetailLine] = (), extra_weight: Decimal | None = None, categorised: bool = True):
        self.label, self.path, self.indicators, self.amount = label, path, indicators, amount
        self.details, self.extra_weight, self.categorised = list(details), extra_weight, categorised


def owners(ctx: Context) -> Iterator[Owner]:
    spec = ctx.spec
    for i, p in enumerate(spec.projects):
        yield Owner(f"项目「{p.name}」", ("项目", i), p.indicators, p.amount, p.details, p.execution_weight)
    for i, program in enumerate(spec.programs):
        yield Owner(f"一级项目「{program.name}」", ("一级项目", i), program.indicators, program.amount, categorised=False)
    if spec.performance is not None:
        yield Owner("整体绩效", ("整体绩效",), spec.performance.indicators, ctx.figures.total)


def values(ctx: Context) -> Iterable[Finding]:
    for owner in owners(ctx):
        for j, ind in enumerate(owner.indicators):
            path = owner.path + ("指标", j)
            value = read_value(ind)
            if value.problem:
                yield ctx.at("E-INDICATOR-VALUE", path + ("指标值",), owner=owner.label, name=ind.name or "（无名称）",
                             problem=value.problem)
            elif value.is_percent and value.number is not None and value.number > 100 and value.comparator not in ("≤", "<"):
                yield ctx.at("W-INDICATOR-PERCENT", path + ("指标值",), owner=owner.label, name=ind.name or "（无名称）",
                             value=f"{value.comparator or ''}{number(value.number)}")
            if not (ind.name or "").strip() and (ind.value or ind.weight is not None):
                yield ctx.at("W-INDICATOR-NAME", path, owner=owner.label)


def weights(ctx: Context) -> Iterable[Finding]:
    target = ctx.format.rule("指标权重合计")
    for owner in owners(ctx):
        given = [ind.weight for ind in owner.indicators if ind.weight is not None]
        if not given:
            continue
        total = sum(given, ZERO) + (owner.extra_weight or ZERO)
        want = Decimal(str(target)) if target is not None else Decimal(100)
        if total != want:
            extra = f"（含预算执行率权重 {number(owner.extra_weight)}）" if owner.extra_weight else ""
            yield ctx.at("W-INDICATOR-WEIGHT", owner.path + ("指标",), key=True, owner=owner.label, total=number(total),
                         extra=extra, want=number(want))
        paired = [ind for ind in owner.indicators if ind.weight is not None and read_value(ind).number is not None]
        if len(paired) >= 3 and all(read_value(ind).number == ind.weight for ind in paired):
            yield ctx.at("W-INDICATOR-VALUE-WEIGHT", owner.path + ("指标",), key=True, owner=owner.label)


def costs(ctx: Context) -> Iterable[Finding]:
    bare_is_wan = ctx.format.rule("成本指标单位") == "万元"  # the form's 指标值 cells are in 万元 (its 规则)
    for owner in owners(ctx):
        if owner.amount is None:
            continue
        for j, ind in enumerate(owner.indicators):
            if not is_cost(ind):
                continue
            value = read_value(ind)
            amount = money_wan(value, bare_is_wan=bare_is_wan)
            if amount is None:
                continue
            path = owner.path + ("指标", j, "指标值")
            if amount > owner.amount:
                yield ctx.at("W-INDICATOR-COST", path, owner=owner.label, name=ind.name,
                             value=f"{ind.value or amount}{ind.unit or ''}", amount=show(owner.amount))
            elif owner.details and not _matches(amount, owner.amount, owner.details):
                near = _nearest(ind.name or "", owner.details)
                yield ctx.at("W-INDICATOR-COST", path, "unmatched", owner=owner.label, name=ind.name, value=show(amount),
                             amount=show(owner.amount),
                             suggestion=f"最接近的明细是「{near.item}」{show(near.amount)} 万元" if near else "")


def _matches(amount: Decimal, total: Decimal, details: list[DetailLine]) -> bool:
    amounts = [d.amount for d in details][:12]
    sums = {total} | {sum(c, ZERO) for r in range(1, len(amounts) + 1) for c in combinations(amounts, r)}
    return any(abs(amount - s) < Decimal("0.005") for s in sums)


def _nearest(name: str, details: list[DetailLine]) -> DetailLine | None:
    def score(d: DetailLine) -> float:
        text = d.item + (d.detail or "")
        return difflib.SequenceMatcher(None, name, text).ratio()
    best = max(details, key=score, default=None)
    return best if best is not None and score(best) > 0 else None


def categories(ctx: Context) -> Iterable[Finding]:
    required = ctx.format.rule("必备一级指标", ["产出指标", "效益指标"])
    suggested = ctx.format.rule("建议一级指标", [])
    for owner in owners(ctx):
        path = owner.path + ("指标",)
        if not owner.indicators:
            if owner.path[0] == "项目":
                yield ctx.at("W-INDICATOR-NONE", owner.path, owner=owner.label)
            continue
        if not owner.categorised:
            continue
        for j, ind in enumerate(owner.indicators):
            l1, l2 = level1(ind), level2(ind)
            if l1 and not known_level1(l1):
                yield ctx.at("W-INDICATOR-CATEGORY", path + (j, "一级"), owner=owner.label, level="一级", name=ind.level1)
            if l2 and not known_level2(l2):
                yield ctx.at("W-INDICATOR-CATEGORY", path + (j, "二级"), owner=owner.label, level="二级", name=ind.level2)
        present = {level1(i) for i in owner.indicators} | {"满意度指标" for i in owner.indicators if is_satisfaction(i)}
        present |= {"成本指标" for i in owner.indicators if is_cost(i)}
        if not any(level1(i) for i in owner.indicators):
            continue  # an uncategorised list (as some forms print) has nothing to require
        for name in required:
            if name not in present:
                yield ctx.at("E-INDICATOR-CATEGORY", path, key=True, owner=owner.label, name=name, format=ctx.format.title,
                             required="、".join(required))
        for name in suggested:
            if name not in present:
                yield ctx.at("W-INDICATOR-CATEGORY", path, "suggested", key=True, owner=owner.label, name=name)
        if "产出指标" in present and not any(level2(i) == "数量指标" for i in owner.indicators):
            yield ctx.at("W-INDICATOR-CATEGORY", path, "quantity", key=True, owner=owner.label)


RULES = [values, weights, costs, categories]
