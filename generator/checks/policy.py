"""Policy rules: "三公"经费 only go down (中央八项规定 and the annual 过紧日子 requirements)."""
from __future__ import annotations

from typing import Iterable

from ..figures import SANGONG_PARTS
from ..findings import Finding
from ..money import plain, show
from . import Context


def sangong_growth(ctx: Context) -> Iterable[Finding]:
    changes = ctx.figures.changes()
    for name in ("三公经费", *SANGONG_PARTS):
        change = changes.get(name)
        if change and change.direction == "增加":
            yield ctx.at("W-SANGONG-GROWTH", f"{name} {show(change.current)} 万元，比上年 {show(change.prior)} 万元增加 "
                         f"{plain(change.diff)} 万元", ("上年", "三公经费"), key=True,
                         hint="“三公”经费原则上只减不增；如确需增加，请在「说明.三公经费.增减原因」中说明")


RULES = [sangong_growth]
