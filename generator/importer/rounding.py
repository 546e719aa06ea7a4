"""Rounded figures back into exact amounts (尾差).

A workbook prints every figure rounded (万元, two decimals): its parts need not add up to its total
(418.06 + 49.81 + 12.43 + 20.44 = 500.74, 合计 500.75). Each printed figure says its exact sum lies in
[printed − half a step, printed + half a step); the amounts we read are the printed parts. Where a sum falls
outside its interval, amounts are moved within their own intervals — by 元 (0.0001 万元; by 分 in a spec in 元)
— until every figure prints as the workbook prints it: an 元-level ledger of which every published figure is
the rounding, as README's «尾差» describes. What no exact amounts can make print so (one figure printed two
ways) becomes a 公布数 where the difference is within rounding."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..figures import IncomeView, canonical
from ..money import tolerance
from .draft import Draft
from .facts import Extracted, Fact
from .rebuild import in_unit
from .verify import Mismatch, Rendered

Var = tuple[Any, ...]


def _vars(draft: Draft) -> dict[Var, Decimal]:
    out: dict[Var, Decimal] = {}
    for i, line in enumerate(draft.lines):
        out[("line", i)] = line.amount
    for i, p in enumerate(draft.projects):
        out[("proj", i, None)] = p.rest
        for e, v in p.economic.items():
            out[("proj", i, e)] = v
    for key in ("对附属单位补助", "上缴上级"):
        for i, t in enumerate(x for x in draft.transfers if x.key == key):
            out[("transfer", key, i)] = t.amount
    for s, v in draft.income.items():
        out[("income", s)] = v
    for k, v in draft.carryover.items():
        out[("carry", k)] = v
    return out


def _set(draft: Draft, var: Var, value: Decimal) -> None:
    kind = var[0]
    if kind == "line":
        draft.lines[var[1]].amount = value
    elif kind == "proj":
        p = draft.projects[var[1]]
        if var[2] is None:
            p.rest = value
        else:
            p.economic[var[2]] = value
    elif kind == "transfer":
        [x for x in draft.transfers if x.key == var[1]][var[2]].amount = value
    elif kind == "income":
        draft.income[var[1]] = value
    elif kind == "carry":
        draft.carryover[var[1]] = value


def _entry_var(path: tuple[Any, ...]) -> Var | None:
    if path[0] == "基本支出":
        return ("line", path[1])
    if path[0] == "项目":
        return ("proj", path[1], None) if path[2] == "金额" else ("proj", path[1], path[3])
    if path[0] in ("对附属单位补助", "上缴上级"):
        return ("transfer", path[0], path[1])
    return None


def _quantum(draft: Draft) -> Decimal:
    return Decimal("0.01") if draft.unit_money == "元" else Decimal("0.0001")


def _interval(f: Fact, unit: str, q: Decimal) -> tuple[int, int]:
    """[lo, hi) in quanta of the sums that print as this cell does."""
    printed = in_unit(f.amount, f.display, unit)
    assert f.display is not None
    step = in_unit(f.display.step, f.display, unit)
    exponent = f.amount.as_tuple().exponent
    exact = isinstance(exponent, int) and -exponent > f.display.decimals  # a live sum holds the exact amount
    if exact:
        v = int((printed / q).to_integral_value())
        return v, v + 1
    lo = (printed - step / 2) / q
    hi = (printed + step / 2) / q
    return int(lo.to_integral_value(rounding="ROUND_CEILING")), int(hi.to_integral_value(rounding="ROUND_CEILING"))


def constraints(draft: Draft, ex: Extracted, made: Rendered) -> list[tuple[frozenset[Var], int, int, Fact]]:
    """Each printed figure as (the amounts it adds up, [lo, hi) in quanta)."""
    q = _quantum(draft)
    unit = draft.unit_money
    fig = made.figures
    out = []
    seen: dict[tuple[str, Any], frozenset[Var]] = {}
    income_vars = [("income", s) for s in draft.income] + [("carry", k) for k in draft.carryover]
    for f in ex.facts:
        if f.display is None:
            continue
        if f.kind == "数":
            key = ("数", f.key)
            if key not in seen:
                if fig.value(f.key) is None or fig.published_value(f.key, f.table, placed_by=f.placing) is not None:
                    seen[key] = frozenset({("skip",)})
                else:
                    chosen = {_entry_var(fig.ledger[i].path) for i in fig._chosen(f.key)}
                    seen[key] = frozenset(v for v in chosen if v is not None)
        elif f.kind == "收入":
            key = ("收入", f.key)
            if key not in seen:
                seen[key] = frozenset(v for v in income_vars if _income_has(f.key, v))
        else:
            continue
        members = seen[key]
        if ("skip",) in members:
            continue
        lo, hi = _interval(f, unit, q)
        out.append((members, lo, hi, f))
    return out


def _income_has(expr: str, var: Var) -> bool:
    view = IncomeView({var[1]: Decimal(1)}, {}) if var[0] == "income" else \
        IncomeView({}, {_fund(var[1]): Decimal(1)})
    try:
        return bool(view.figure(expr))
    except Exception:  # an expression IncomeView cannot read
        return False


def _fund(key: str) -> str:
    return {"一般公共预算拨款": "一般公共预算", "政府性基金拨款": "政府性基金", "国有资本经营预算拨款": "国有资本经营",
            "财政专户管理资金": "财政专户"}.get(key, key)


def repair(draft: Draft, ex: Extracted, made: Rendered, rounds: int = 2000) -> bool:
    """Move amounts by 元 (分) within what every printed figure allows until each prints as printed. True when
    anything moved."""
    q = _quantum(draft)
    values = {v: int((a / q).to_integral_value()) for v, a in _vars(draft).items()}
    start = dict(values)
    reach = int(Decimal(1) / q) if draft.unit_money == "元" else int(Decimal("0.01") / q)  # one printed step at most
    merged: dict[frozenset[Var], list[tuple[int, int, Fact]]] = defaultdict(list)
    for members, lo, hi, f in constraints(draft, ex, made):
        if members and all(m in values for m in members):
            merged[members].append((lo, hi, f))
    cons: list[tuple[frozenset[Var], int, int]] = []
    for members, bounds in merged.items():
        lo, hi = max(b[0] for b in bounds), min(b[1] for b in bounds)
        if lo >= hi:  # printed two ways: keep what the finest cells say, or what the amounts already make
            now = sum(values[m] for m in members)
            keep = [b for b in bounds if b[0] <= now < b[1]] or \
                sorted(bounds, key=lambda b: -len(b[2].placing))[:1]
            lo, hi = max(b[0] for b in keep), min(b[1] for b in keep)
            if lo >= hi:
                continue
        cons.append((members, lo, hi))
    of: dict[Var, list[int]] = defaultdict(list)
    for i, (members, _, _) in enumerate(cons):
        for m in members:
            of[m].append(i)
    total = [sum(values[m] for m in members) for members, _, _ in cons]
    near: dict[Var, set[Var]] = defaultdict(set)  # the amounts that share a figure with each
    for members, _, _ in cons:
        if len(members) <= 60:
            for m in members:
                near[m] |= members

    def off(j: int, t: int) -> int:
        _, lo, hi = cons[j]
        return lo - t if t < lo else t - (hi - 1) if t > hi - 1 else 0

    def gain(moves: list[tuple[Var, int]]) -> int | None:
        """How much closer to printing as printed the figures get (None: an amount would leave its range)."""
        change: dict[int, int] = defaultdict(int)
        for var, d in moves:
            if values[var] + d < 0 or abs(values[var] + d - start[var]) > reach:
                return None
            for j in of[var]:
                change[j] += d
        return sum(off(j, total[j]) - off(j, total[j] + d) for j, d in change.items() if d)

    moved = False
    for _ in range(rounds):
        wrong = [i for i in range(len(cons)) if off(i, total[i])]
        if not wrong:
            break
        best: tuple[int, list[tuple[Var, int]]] | None = None
        for i in sorted(wrong, key=lambda k: len(cons[k][0]))[:12]:
            members, lo, hi = cons[i]
            need = lo - total[i] if total[i] < lo else (hi - 1) - total[i]
            sign = 1 if need > 0 else -1
            steps = sorted({1, abs(need), min(abs(need), reach), reach // 2, reach // 4, 10} - {0})
            for a in members:
                for step in steps:
                    d = sign * step
                    options = [[(a, d)]] + [[(a, d), (b, -d)] for b in near[a] if b != a and b not in members]
                    for moves in options:
                        g = gain(moves)
                        if g is not None and g > 0 and (best is None or g > best[0] or
                                                        (g == best[0] and len(moves) < len(best[1]))):
                            best = (g, moves)
        if best is None:
            best = _path(wrong, cons, of, values, total, start, reach, off)
        if best is None:
            break
        for var, d in best[1]:
            values[var] += d
            for j in of[var]:
                total[j] += d
        moved = True
    if moved:
        for var, v in values.items():
            _set(draft, var, Decimal(v) * q)
        if draft.unit_money == "万元":
            draft.note("文件", "写到四位小数（万元）的金额是元级数值：工作簿的数字由元四舍五入到两位小数，"
                               "取这些元级数值，工作簿上每一个数（包括不相加平衡的合计）都能由四舍五入得到；请按单位账核实。")
        else:
            draft.note("文件", "带分的金额（元）使工作簿上每一个取整到元的数都能由四舍五入得到；请按单位账核实。")
    return moved


def _path(wrong: list[int], cons: list[tuple[frozenset[Var], int, int]], of: dict[Var, list[int]],
          values: dict[Var, int], total: list[int], start: dict[Var, int], reach: int, off: Any,
          depth: int = 5) -> tuple[int, list[tuple[Var, int]]] | None:
    """A chain of one-quantum moves that brings a wrong figure one step closer while every figure it passes
    through stays as printed: +1 on an amount in the figure, −1 on another that shares the figure this broke, …
    (a stepping-stone path: a row raised through a column lowered through another row)."""
    def search(i: int, sign: int, chain: list[tuple[Var, int]], seen: set[Var], level: int) -> list[tuple[Var, int]] | None:
        for a in sorted(cons[i][0], key=lambda v: -values[v]):
            if a in seen or values[a] + sign < 0 or abs(values[a] + sign - start[a]) > reach:
                continue
            moved = [*chain, (a, sign)]
            change: dict[int, int] = defaultdict(int)
            for var, d in moved:
                for j in of[var]:
                    change[j] += d
            broken = [j for j, d in change.items() if d and off(j, total[j] + d) > off(j, total[j])]
            if not broken:
                return moved
            if len(broken) == 1 and level < depth:
                j = broken[0]
                found = search(j, -change[j] // abs(change[j]), moved, seen | {a}, level + 1)
                if found:
                    return found
        return None
    for i in sorted(wrong, key=lambda k: len(cons[k][0]))[:6]:
        _, lo, _ = cons[i]
        chain = search(i, 1 if total[i] < lo else -1, [], set(), 1)
        if chain:
            return 1, chain
    return None


def published_for(draft: Draft, mismatches: list[Mismatch], made: Rendered) -> bool:
    """A 公布数 for each figure the workbook prints otherwise than its amounts make it (where the difference is
    rounding): the document then prints it as published, and check explains it as 尾差. True when any was added."""
    if draft.unit_money == "元":
        return False  # a spec in 元 is exact: its 公布数 would have to be too
    added = False
    have = {(p["项"], p["金额"]): p for p in draft.published}
    for m in mismatches:
        f = m.fact
        if f.kind != "数" or f.display is None:
            continue
        printed = in_unit(f.amount, f.display, draft.unit_money)
        exact = made.figures.value(f.key)
        if exact is None or not made.figures.entries(f.key):
            continue
        if abs(printed - exact) > tolerance(max(2, len(made.figures.entries(f.key)))):
            continue
        expr = canonical(f.key)
        entry = have.get((expr, printed))
        if entry is None:
            entry = {"项": expr, "金额": printed, "表": [], "_rank": len(f.placing)}
            entry["说明"] = f"{f.where} 印 {printed}，与按其余各表算出的 {exact} 相差尾数（工作簿各表不一致，照印）"
            have[(expr, printed)] = entry
            draft.published.append(entry)
        if f.table not in entry["表"]:
            entry["表"].append(f.table)
            added = True
    draft.published.sort(key=lambda p: p["_rank"])
    if added:
        draft.note("公布数", "工作簿中下列数字与由其余各表算出的数只差尾数、又无法由同一本账同时四舍五入得到（同一个数在不同表中印法不同），"
                            "照工作簿所印写作公布数；yusuan check 会把它们作为尾差提示。")
    return added
