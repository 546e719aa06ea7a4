"""`show`: a unit's main figures as terminal tables."""
from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .figures import Figures
from .money import show as money

UNKNOWN = "—"


def _m(value: Decimal | None) -> str:
    return UNKNOWN if value is None else money(value)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_lines=False)
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i < (2 if columns[0] == "编码" else 1) else "right")
    return table


def show_figures(console: Console, fig: Figures) -> None:
    spec = fig.spec
    title = f"[bold]{escape(spec.unit.name)}[/]  {spec.year} 年  （金额单位：万元）"
    console.rule(title) if console.is_terminal else console.print(title)  # a rule as wide as a pipe is no title
    overview = _table("收支总体", "项目", "金额")
    if spec.income is not None:
        for name, amount in fig.income_sources.items():
            overview.add_row(f"收入：{name}", _m(amount))
        for fund, amount in fig.carryover.items():
            overview.add_row(f"收入：上年结转（{fund}）", _m(amount))
        overview.add_row("[bold]收入合计[/]", f"[bold]{_m(fig.income_total)}[/]")
    for label, expr in (("支出：基本支出", "基本支出"), ("　其中：人员经费", "人员经费"), ("　　　　公用经费", "公用经费"),
                        ("支出：项目支出", "项目支出")):
        overview.add_row(label, _m(fig.value(expr)))
    overview.add_row("[bold]支出合计[/]", f"[bold]{_m(fig.total)}[/]")
    console.print(overview)

    if fig.dim_known("功能"):
        table = _table("支出功能分类", "编码", "科目名称", "合计", "基本支出", "项目支出")
        for row in fig.rollup("功能", ["", "基本支出", "项目支出"]):
            indent = {"类": "", "款": "  ", "项": "    "}.get(row.level, "")
            table.add_row(row.code or "", escape(indent + row.name), *(money(v, blank_zero=True) for v in row.values))
        console.print(table)
    else:
        console.print("[dim]支出功能分类：规格未填功能科目[/]")
    if fig.dim_known("部门经济", "基本支出"):
        table = _table("基本支出（部门预算经济分类）", "编码", "科目名称", "合计", "人员经费", "公用经费")
        for row in fig.rollup("部门经济", ["", "人员经费", "公用经费"], "基本支出"):
            table.add_row(row.code or "", escape(("  " if row.level == "款" else "") + row.name),
                          *(money(v, blank_zero=True) for v in row.values))
        console.print(table)

    other = _table("其他", "项目", "金额")
    for name, value in fig.sangong().items():
        other.add_row(f"“三公”经费：{name}" if name != "三公经费" else "“三公”经费合计", _m(value))
    other.add_row("机关运行经费", _m(fig.value("机关运行经费")))
    for kind, value in fig.procurement().items():
        other.add_row(f"政府采购：{kind}", _m(value))
    other.add_row("政府购买服务", _m(fig.services_total))
    console.print(other)

    if spec.projects:
        table = _table(f"项目（{len(spec.projects)} 个，合计 {money(fig.projects_total)}）", "项目名称", "金额", "功能科目", "指标")
        for p in spec.projects:
            table.add_row(escape(p.name), money(p.amount), escape(p.function or UNKNOWN), str(len(p.indicators)))
        console.print(table)
    changes = fig.changes()
    if changes:
        table = _table("上年对比", "项目", "本年", "上年", "增减", "增减率")
        for name, c in changes.items():
            pct = "" if c.percent is None else f"{c.percent}%"
            table.add_row(name, money(c.current), money(c.prior), f"{c.direction} {money(abs(c.diff))}", pct)
        console.print(table)
