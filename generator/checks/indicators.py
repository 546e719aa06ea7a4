"""绩效指标 rules: values that can be read, percentages, weights, cost indicators against the money, and
the categories a form requires."""
from __future__ import annotations

import difflib
from decimal import Decimal
from itertools import combinations
from typing import Iterable, Iterator

from ..findings import Finding, PathT
from ..indicators import (is_cost, is_satisfaction, known_level1, known_level2, level1, level2, money_wan,
                          read_value)
from ..money import ZERO, number, show
from ..spec.model import DetailLine, Indicator
from . import Context


class Owner:
    """Something that has indicators: a project, a 一级项目, or the unit as a whole."""

    def __init__(self, label: str, path: PathT, indicators: list[Indicator], amount: Decimal | None,
                 details: list[DetailLine] = (), extra_weight: Decimal | None = None, categorised: bool = True):
        self.label, self.path, self.indicators, self.amount = label, path, indicators, amount
        self.details, self.extra_weight, self.categorised = list(details), extra_weight, categorised


def owners(ctx: Context) -> Iterator[Owner]:
    spec = ctx.spec
    for i, p in enumerate(spec.projects):
        yield Owner(f"项目「{p.name}」", ("项目", i), p.indicators, p.amount, p.details, p.execution_weight)
    for i, p in enumerate(spec.programs):
        yield Owner(f"一级项目「{p.name}」", ("一级项目", i), p.indicators, p.amount, categorised=False)
    if spec.performance is not None:
        yield Owner("整体绩效", ("整体绩效",), spec.performance.indicators, ctx.figures.total)


def values(ctx: Context) -> Iterable[Finding]:
    for owner in owners(ctx):
        for j, ind in enumerate(owner.indicators):
            path = owner.path + ("指标", j)
            value = read_value(ind)
            if value.problem:
                yield ctx.at("E-INDICATOR-VALUE", f"{owner.label}指标「{ind.name or '（无名称）'}」：{value.problem}", path + ("指标值",))
            elif value.is_percent and value.number is not None and value.number > 100 and value.comparator not in ("≤", "<"):
                yield ctx.at("W-INDICATOR-PERCENT",
                             f"{owner.label}指标「{ind.name or '（无名称）'}」的目标为 {value.comparator or ''}{number(value.number)}%，超过 100%",
                             path + ("指标值",), hint="百分比指标一般不超过 100%，核对指标值或计量单位")
            if not (ind.name or "").strip() and (ind.value or ind.weight is not None):
                yield ctx.at("W-INDICATOR-NAME", f"{owner.label}有一条指标没有名称（三级指标为空）", path)


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
            yield ctx.at("W-INDICATOR-WEIGHT", f"{owner.label}的指标权重合计为 {number(total)}{extra}，应为 {number(want)}",
                         owner.path + ("指标",), key=True)
        paired = [ind for ind in owner.indicators if ind.weight is not None and read_value(ind).number is not None]
        if len(paired) >= 3 and all(read_value(ind).number == ind.weight for ind in paired):
            yield ctx.at("W-INDICATOR-VALUE-WEIGHT", f"{owner.label}每条指标的指标值都与其权重相同，疑似把权重填进了指标值",
                         owner.path + ("指标",), key=True, hint="核对各指标的目标值")


def costs(ctx: Context) -> Iterable[Finding]:
    bare_is_wan = ctx.spec.format in ("zhuzhou", "hunan")  # these forms' 指标值 cells are in the form's 万元
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
                yield ctx.at("W-INDICATOR-COST", f"{owner.label}成本指标「{ind.name}」为 {ind.value or number(value.number)}"
                             f"{ind.unit or ''}，超过预算金额 {show(owner.amount)} 万元", path)
            elif owner.details and not _matches(amount, owner.amount, owner.details):
                near = _nearest(ind.name or "", owner.details)
                hint = f"最接近的明细是「{near.item}」{show(near.amount)} 万元" if near else None
                yield ctx.at("W-INDICATOR-COST", f"{owner.label}成本指标「{ind.name}」{show(amount)} 万元与项目金额 "
                             f"{show(owner.amount)} 万元及任何支出明细（之和）都不一致", path, hint=hint)


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
                yield ctx.at("W-INDICATOR-NONE", f"{owner.label}没有设置绩效指标", owner.path)
            continue
        if not owner.categorised:
            continue
        for j, ind in enumerate(owner.indicators):
            l1, l2 = level1(ind), level2(ind)
            if l1 and not known_level1(l1):
                yield ctx.at("W-INDICATOR-CATEGORY", f"{owner.label}的一级指标「{ind.level1}」不是通行的分类", path + (j, "一级"))
            if l2 and not known_level2(l2):
                yield ctx.at("W-INDICATOR-CATEGORY", f"{owner.label}的二级指标「{ind.level2}」不是通行的分类", path + (j, "二级"))
        present = {level1(i) for i in owner.indicators} | {"满意度指标" for i in owner.indicators if is_satisfaction(i)}
        present |= {"成本指标" for i in owner.indicators if is_cost(i)}
        if not any(level1(i) for i in owner.indicators):
            continue  # an uncategorised list (as some forms print) has nothing to require
        for name in required:
            if name not in present:
                yield ctx.at("E-INDICATOR-CATEGORY", f"{owner.label}缺少一级指标「{name}」", path, key=True,
                             hint=f"本格式（{ctx.format.title}）要求：" + "、".join(required))
        for name in suggested:
            if name not in present:
                yield ctx.at("W-INDICATOR-CATEGORY", f"{owner.label}没有「{name}」", path, key=True)
        if "产出指标" in present and not any(level2(i) == "数量指标" for i in owner.indicators):
            yield ctx.at("W-INDICATOR-CATEGORY", f"{owner.label}的产出指标中没有数量指标", path, key=True)


RULES = [values, weights, costs, categories]
