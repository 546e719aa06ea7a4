"""What the docx documents say: every number and every 比上年增减 phrase is made here, from the figures;
templates only place them. Exposed to templates as context values and as a few lookup helpers:

    {{ 数("基本支出") }}            a figure as the narrative writes it (299.3, 1, 0)
    {{ 增减("基本支出") }}          增加80.57万元 / 减少14.55万元 / 无增加 (the change from 上年)
    {% if 有上年("三公经费") %}     whether the spec gives the prior-year figure
    {% if 有("政府性基金") %}       whether the figure is not zero
    {% for 类 in 功能类("一般公共预算") %}   the 功能 classes (类) of a figure: the parts of 数("一般公共预算")
    {% for 项 in 收入构成("单列") %}  the parts of 收入合计: this year's sources, then 上年结转 as one part;
                                   "并入": each fund with its own 上年结转, the unit's sources, 单位资金上年结转
    {{ 主要增减("支出") }}          基本支出增加80.57万元，项目支出减少30.89万元
    {{ 纵合并(行, "一级") }}        a table cell merged vertically with equal neighbours (grouped)
"""
from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from ..figures import Change, ExprError, Figures, Row
from ..indicators import level1, level2
from ..ledger import FUND_OF, FUNDS
from ..money import WAN_2, Display, round2
from ..spec.model import Indicator, Project
from .docx import merge_marker
from .placeholders import DataError, TemplateError
from .tables import Builder, detail_fields, indicator_fields, ordinal, project_fields, task_fields

# 收入构成("并入"): each fund but 单位资金 is one part, named by its source; 单位资金 is listed source by source.
FUND_SOURCE = {"一般公共预算": "一般公共预算拨款", "政府性基金": "政府性基金拨款", "国有资本经营": "国有资本经营预算拨款",
               "财政专户": "财政专户管理资金"}
OWN_SOURCES = [source for source, fund in FUND_OF.items() if fund == "单位资金"]


def amount_text(value: Decimal | None, display: Display = WAN_2) -> str:
    """How a narrative writes an amount: as its format's display says (万元, two decimals at most), no
    trailing zeros (299.3, 1, 0; with 千分位 3,355.65)."""
    return "" if value is None else display.text(value, trim=True)


def change_text(change: Change | None, display: Display = WAN_2) -> str:
    if change is None:
        return ""
    if change.direction == "持平":
        return "无增加"
    return f"{change.direction}{amount_text(abs(change.diff), display)}{display.unit}"


def money(value: Any) -> str:
    """Filter `万元`: an amount with two decimals (1008.14), blank for none."""
    return "" if value is None else f"{round2(Decimal(value)):.2f}"


def thousands(value: Any) -> str:
    """Filter `千分位`: as typed in the spec, with thousands separators (1,008.14; 0; 0.00)."""
    return "" if value is None else f"{Decimal(value):,}"


def as_typed(value: Any) -> str:
    """Filter `原样`: an amount as typed in the spec (36, 1633.8, 0.00)."""
    return "" if value is None else format(Decimal(value), "f")


FILTERS = {"万元": money, "千分位": thousands, "原样": as_typed, "金额": amount_text}


class Words:
    """The context of one docx document for one spec."""

    def __init__(self, fig: Figures, document: dict, member: bool = False):
        self.fig = fig
        self.spec = fig.spec
        self.document = document
        self.changes = fig.changes()
        self.tables = Builder(fig, document, member)
        self.display = Display.of(document.get("金额"))  # how the narrative writes amounts

    # --- helpers the templates call ---------------------------------------------------------------------

    def shows(self, unit: str | None) -> Display:
        try:
            return self.display.in_unit(unit)
        except ValueError as exc:
            raise DataError(str(exc)) from None

    def figure(self, expr: str, unit: str | None = None) -> str:
        """A figure in the narrative's words: its 公布数 where one applies to this document, else the ledger's;
        `unit` (元 / 万元): in that unit rather than the narrative's."""
        expr = html.unescape(expr)  # an expression written in document text may arrive XML-escaped (&amp;)
        try:
            value = self.fig.value(expr)
            published = self.fig.published_value(expr, table=self.document["名称"])
        except ExprError as exc:
            raise DataError(f"说明中的数字「{expr}」：{exc}") from None
        if value is None:
            raise DataError(f"说明需要「{expr}」，但规格没有提供计算它所需的科目或单位性质")
        return amount_text(value if published is None else published, self.shows(unit))

    def change(self, name: str, unit: str | None = None) -> str:
        return change_text(self.changes.get(name), self.shows(unit))

    def has_prior(self, name: str) -> bool:
        return name in self.changes

    def nonzero(self, expr: str) -> bool:
        value = self.fig.value(expr)
        return bool(value)

    def main_changes(self, what: str) -> str:
        """The changes that explain a total's change, largest first, e.g. 基本支出增加80.57万元，项目支出减少30.89万元."""
        if what == "支出":
            names = ["基本支出", "项目支出"]
        else:
            names = [n for n in self.changes if n.startswith("收入:")]
        parts = [(n.removeprefix("收入:"), self.changes[n]) for n in names if n in self.changes]
        parts = [(n, c) for n, c in parts if c.direction != "持平"]
        if what != "支出":
            parts.sort(key=lambda p: -abs(p[1].diff))
        return "，".join(f"{n}{change_text(c, self.display)}" for n, c in parts)

    def function_classes(self, scope: str = "") -> list[dict[str, Any]]:
        """The 功能 classes (类) with an amount within a figure's scope — the parts of 数(scope) — or none
        when some expenditure in scope has no 功能科目."""
        return [{"编码": r.code, "名称": r.name, "金额": amount_text(r.values[0], self.display)}
                for r in self._function_rows("类", scope)]

    def function_items(self, scope: str = "") -> list[dict[str, Any]]:
        """Every 功能科目 项 with an amount within a figure's scope, with the names of its 类 and 款 and what
        the spec says it is used for: «“一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”科目43.83万元，主要用于…»."""
        fig = self.fig
        return [{"编码": r.code, "名称": r.name, "类名称": fig.code_name(r.code[:3]), "款名称": fig.code_name(r.code[:5]),
                 "金额": amount_text(r.values[0], self.display), "主要用途": self.tables.use_of(r.code)}
                for r in self._function_rows("项", scope) if r.code]

    def _function_rows(self, level: str, scope: str) -> list[Row]:
        """The 功能 rows of one level (类 or 项) with an amount within `scope`; none when some expenditure in
        scope has no 功能科目."""
        try:
            if not self.fig.dim_known("功能", scope):
                return []
            rows = self.fig.rollup("功能", [""], scope)[1:]
        except ExprError as exc:
            raise TemplateError(f"功能{level}(「{scope}」)：{exc}") from None
        return [r for r in rows if r.level == level and r.values[0]]

    def income_parts(self, carryover: str = "单列") -> list[dict[str, Any]]:
        """The parts of 收入合计, every amount in exactly one part: `单列` — this year's sources as the spec
        gives them, then all 上年结转 as one part; `并入` — each fund but 单位资金 with its own 上年结转 (named
        by its source), the unit's own sources, then 单位资金上年结转. Each part: 名称, 金额, 有 (not zero)."""
        fig = self.fig
        if carryover == "单列":
            parts = [*fig.income_sources.items(), ("上年结转", sum(fig.carryover.values(), Decimal(0)))]
        elif carryover == "并入":
            by_fund = fig.income_by_fund()
            parts = [(FUND_SOURCE[f], by_fund[f]) for f in FUNDS if f in FUND_SOURCE]
            parts += [(s, fig.income_sources.get(s, Decimal(0))) for s in OWN_SOURCES]
            parts.append(("单位资金上年结转", fig.carryover.get("单位资金", Decimal(0))))
        else:
            raise TemplateError(f"收入构成(「{carryover}」)：可用「单列」或「并入」")
        return [{"名称": name, "金额": amount_text(v, self.display), "有": bool(v)} for name, v in parts]

    def globals(self) -> dict[str, Any]:
        return {"数": self.figure, "增减": self.change, "有上年": self.has_prior, "有": self.nonzero,
                "功能类": self.function_classes, "功能项": self.function_items, "收入构成": self.income_parts,
                "主要增减": self.main_changes, "纵合并": vertical_merge}

    # --- the context ------------------------------------------------------------------------------------

    def context(self) -> dict[str, Any]:
        """What the document shows (the same named values a workbook's cells have), and its 绩效目标表 lists."""
        return {**self.tables.base_context(), **self.performance()}

    # --- 绩效目标表 -------------------------------------------------------------------------------------

    def performance(self) -> dict[str, Any]:
        spec, fig = self.spec, self.fig
        frame = self.document.get("指标框架")
        projects = []
        for n, p in enumerate(spec.projects, start=1):
            fields = project_fields(fig, p, n, self.tables.dates)
            same_fund = [q for q in spec.projects if p.special_fund and q.special_fund == p.special_fund] or [p]
            fields.update({
                "中文序号": ordinal(n), "所属专项金额": sum((q.amount for q in same_fund), Decimal(0)),
                "指标": indicator_rows(p.indicators, frame),
                "明细": [detail_fields(d, i) for i, d in enumerate(p.details, start=1)],
                "明细合计": detail_total(p),
                "汇总实施期目标": p.summary.period if p.summary and p.summary.period is not None else p.period_goal,
                "汇总年度目标": p.summary.annual if p.summary and p.summary.annual is not None else p.annual_goal,
                "单位字样": {"项目金额": (p.unit_words and p.unit_words.amount) or "",
                         "支出明细": (p.unit_words and p.unit_words.details) or ""},
            })
            projects.append(fields)
        perf = spec.performance
        income = spec.income
        own = [v for source, v in fig.income_sources.items() if FUND_OF[source] == "单位资金"]
        summary = perf.special_summary if perf else None
        return {
            "项目": projects,
            "项目合计": fig.projects_total,
            "整体指标": indicator_rows(perf.indicators if perf else [], frame),
            "重点工作": [task_fields(t, n) for n, t in enumerate(perf.tasks, start=1)] if perf else [],
            "专项汇总": {"实施期目标": summary.period if summary else None, "年度目标": summary.annual if summary else None},
            "整体资金": {"总额": self._as_published(""), "基本支出": self._as_published("基本支出"),
                     "项目支出": self._as_published("项目支出"),
                     "一般公共预算拨款": income.general if income and income.general is not None else
                     (fig.value("收入:一般公共预算拨款") if income else None),
                     "政府性基金拨款": income.fund if income else None,
                     "其他资金": sum(own, Decimal(0)) if own else None,
                     "单位字样": {"资金总额": perf.unit_words.total or "" if perf and perf.unit_words else ""}},
            "版式": {"附表编号": spec.layout.numbered if spec.layout else True,
                   "汇总表空行": spec.layout.blank_rows if spec.layout else 0},
        }

    def _as_published(self, expr: str) -> Decimal | None:
        """A figure as this document prints it: its 公布数 where one applies (as the spec writes it: 1755.80), else
        the ledger's."""
        published = self.fig.published_value(expr, table=self.document["名称"])
        return self.fig.value(expr) if published is None else published


def detail_total(p: Project) -> Decimal | None:
    """A project's 支出明细 合计: the sum of its lines — written as the project's amount is where the two are
    equal (1633.8 beside a 项目金额 of 1633.8, not 1633.80)."""
    if not p.details:
        return None
    total = sum((d.amount for d in p.details), Decimal(0))
    return p.amount if total == p.amount else total


def indicator_rows(indicators: list[Indicator], frame: list[dict] | None) -> list[dict]:
    """Rows of an indicator table. With a frame (the 一级/二级 categories a form prints, empty ones
    included), indicators fill their category's rows in the frame's order and the labels are the
    frame's; without one, the indicators as given. Each row knows where its 一级 and 二级 groups start."""
    if not frame:
        rows = [indicator_fields(ind, n) for n, ind in enumerate(indicators, start=1)]
    else:
        rows, used = [], set()
        for group in frame:
            for second in group["二级"]:
                hits = [i for i, ind in enumerate(indicators) if i not in used
                        and _same(level1(ind), group["一级"]) and _same(level2(ind), second)]
                used.update(hits)
                for i in hits or [-1]:  # -1: the category's empty row
                    row = indicator_fields(indicators[i], i + 1) if i >= 0 else indicator_fields(Indicator(), 0)
                    row.update({"一级": group["一级"], "二级": second})
                    rows.append(row)
        for i, ind in enumerate(indicators):  # categories the frame does not have: after the frame
            if i not in used:
                rows.append(indicator_fields(ind, i + 1))
    for key in ("一级", "二级"):
        for i, row in enumerate(rows):
            prev = rows[i - 1] if i else None
            row[f"{key}首"] = prev is None or prev[key] != row[key] or (key == "二级" and prev["一级"] != row["一级"])
    return rows


def _same(category: str | None, label: str) -> bool:
    from ..indicators import LEVEL1, LEVEL2
    if category is None:
        return False
    names = {label, *LEVEL1.get(label, ()), *LEVEL2.get(label, ())}
    return category in names or _normal(category) == _normal(label)


def _normal(label: str) -> str:
    from ..indicators import _L1, _L2
    return _L2.get(label) or _L1.get(label) or label


def vertical_merge(row: dict, key: str) -> str:
    """The cell text with a marker merging it into its group (see render/docx.py). The marker is markup
    and the value is escaped by adding it (Markup + str), so no spec text can pass for a marker."""
    value = row.get(key)
    return merge_marker(bool(row.get(f"{key}首"))) + ("" if value is None else str(value))
