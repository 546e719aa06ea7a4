"""Policy rules: "三公"经费 only go down (中央八项规定 and the annual 过紧日子 requirements)."""
from __future__ import annotations

from collections.abc import Iterable

from ..figures import SANGONG_PARTS
from ..findings import Finding
from ..money import plain, show
from . import Context


def sangong_growth(ctx: Context) -> Iterable[Finding]:
    changes = ctx.figures.changes()
    for name in ("三公经费", *SANGONG_PARTS):
        change = changes.get(name)
        if change and change.direction == "增加":
            yield ctx.at("W-SANGONG-GROWTH", ("上年", "三公经费"), key=True, name=name, current=show(change.current),
                         prior=show(change.prior), diff=plain(change.diff))


RULES = [sangong_growth]
