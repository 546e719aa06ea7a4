"""Amounts that add up to what the tables print: cells of a ledger (kind × 功能 × 经济 × 资金 …) found from the
sums that cover them.

Each printed figure is a sum over some cells. Where a sum leaves one cell unknown, that cell is the sum less
the others (peeling); where the tables print only margins (each 功能's 基本支出 and each 经济科目's, never
their cross), cells are filled in order, each with as much as every sum it belongs to still allows — the
north-west corner rule of a transport problem, which meets every margin exactly when the margins agree."""
from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


@dataclass
class Sum:
    cells: frozenset[Any]
    value: Decimal
    where: str = ""
    row: bool = False  # a row of a cross (a 功能科目's 基本支出): the best fit closes rows, smallest first


@dataclass
class Solution:
    values: dict[Any, Decimal]
    conflicts: list[Sum] = field(default_factory=list)  # sums the cells could not meet
    guessed: set[Any] = field(default_factory=set)  # cells filled by the corner rule, not determined


def solve(order: Sequence[Any], sums: Iterable[Sum], fixed: dict[Any, Decimal] | None = None,
          pairs: bool = False) -> Solution:
    """Values for the cells in `order` (the order the corner rule fills them in) that meet every sum. With
    `pairs` (a cross of two classifications), a cell that meets a row and a column at once goes first."""
    sums = [s for s in sums if s.cells]
    values: dict[Any, Decimal] = dict(fixed or {})
    of: dict[Any, list[int]] = {c: [] for c in order}
    for i, s in enumerate(sums):
        for c in s.cells:
            if c in of:
                of[c].append(i)
    left = [s.value - sum((values.get(c, ZERO) for c in s.cells if c in values), ZERO) for s in sums]
    open_: list[set[Any]] = [{c for c in s.cells if c not in values and c in of} for s in sums]
    queue = [(len(s.cells), i) for i, (s, o) in enumerate(zip(sums, open_)) if len(o) == 1]  # the finest sums first
    heapq.heapify(queue)
    # a cell is filled as far as its finest sums allow (a 类 sum that its 款 sums cover is left out: rounded
    # figures need not add up, and the finer ones are the ones to meet)
    finest: dict[Any, list[int]] = {}
    for cell, mine in of.items():
        finest[cell] = [i for i in mine if not any(j != i and sums[j].cells < sums[i].cells for j in mine)]
    out = Solution(values)
    conflicted: set[int] = set()

    def put(cell: Any, amount: Decimal) -> None:
        values[cell] = amount
        for i in of.get(cell, ()):
            left[i] -= amount
            open_[i].discard(cell)
            if len(open_[i]) == 1:
                heapq.heappush(queue, (len(sums[i].cells), i))
            elif not open_[i] and left[i] != 0 and i not in conflicted:
                conflicted.add(i)
                out.conflicts.append(sums[i])

    pending = [c for c in order if c not in values]
    at = 0
    while True:
        while queue:
            _, i = heapq.heappop(queue)
            if len(open_[i]) != 1:
                continue
            cell = next(iter(open_[i]))
            # what the sum still needs, but no more than the cell's other finest sums allow (rounded figures
            # need not agree: the rest is the rounding repair's)
            amount = min([left[i], *(left[j] for j in finest[cell] if j != i)])
            put(cell, max(amount, ZERO))
        while at < len(pending) and pending[at] in values:
            at += 1
        if at >= len(pending):
            break
        cell = (_paired(pending, at, values, finest, left, sums) or _best_fit(pending, at, values, finest, left, sums)
                if pairs else None) or pending[at]
        room = [left[i] for i in finest[cell]]
        amount = max(min(room), ZERO) if room else ZERO
        out.guessed.add(cell)
        put(cell, amount)
    for i, s in enumerate(sums):  # every sum once more: what is still off
        if i not in conflicted and left[i] != 0 and not open_[i]:
            out.conflicts.append(s)
    return out


def _paired(pending: list[Any], at: int, values: dict[Any, Decimal], of: dict[Any, list[int]],
            left: list[Decimal], sums: list[Sum]) -> Any | None:
    """A cell where two crossing sums (a row and a column, neither inside the other) both have exactly the same
    amount left: filling it meets both at once — 30108 with the 功能科目 whose 基本支出 is just that amount — the
    cross a person would write before any corner rule."""
    for cell in pending[at:]:
        if cell in values:
            continue
        rooms = sorted((left[i], i) for i in of[cell])
        if not rooms or rooms[0][0] <= 0:
            continue
        low = rooms[0][0]
        tight = [i for v, i in rooms if v == low]
        for a in range(len(tight)):
            for b in range(a + 1, len(tight)):
                x, y = sums[tight[a]].cells, sums[tight[b]].cells
                if len(x & y) == 1:  # they cross at this cell alone
                    return cell
    return None


def _best_fit(pending: list[Any], at: int, values: dict[Any, Decimal], finest: dict[Any, list[int]],
              left: list[Decimal], sums: list[Sum]) -> Any | None:
    """The cell that closes the smallest open row, taken from the tightest column that can hold it all: a small
    功能科目 gets its whole 基本支出 from the one 经济科目 that fits it best (2101101 行政单位医疗 9.70 from 30110
    医疗保险缴费 10.22), the large ones take the rest."""
    best: tuple[Decimal, Decimal, int] | None = None
    chosen = None
    for k in range(at, len(pending)):
        cell = pending[k]
        if cell in values or not finest[cell]:
            continue
        rooms = [left[i] for i in finest[cell]]
        if min(rooms) <= 0:
            return cell  # nothing left for it: settle it at once
        rows = [left[i] for i in finest[cell] if sums[i].row]
        others = [left[i] for i in finest[cell] if not sums[i].row]
        if not rows or not others or min(rows) > min(others):
            continue
        key = (min(rows), min(others), k)
        if best is None or key < best:
            best, chosen = key, cell
    return chosen
