"""What fills each sheet: the values and rows a format's YAML asks for, taken from the spec and its figures.

A sheet's entry in the format file names its blocks (`行`, or several under `块`) and their source:

    分类: 功能 | 部门经济 | 政府经济   rows of a classified table (级次, 范围)
    清单: 政府采购 | 政府购买服务 | 项目 | 一级项目 | 重点工作 | 单位
    指标: 项目 | 一级项目 | 整体       the indicators of the sheet's item (or of 整体绩效)
    明细: 项目                          the 支出明细 lines of the sheet's item
    并列: [段 …]                        panels side by side (收入 | 支出), each section padded

`每项: 项目 | 一级项目` repeats the sheet once per item (an empty form when there is none).

`合计公式: 是` (on a table, or on its document for every table) writes the sheet's 合计 as live sums
(see xlsx.py): a 分类 row's figures sum its child rows, a column's total its top-level rows, and the cells
hold figures unrounded so that the sums recalculate to the printed totals.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..catalog import split_ref
from ..figures import (
    NATURES,
    Expr,
    ExprError,
    Figures,
    Terms,
    cell_figure,
    code_scope,
    combine,
    project_scope,
    scoped,
    unit_scope,
)
from ..ledger import FUND_OF, FUNDS, default_source
from ..money import WAN_2, Amount, Display
from ..spec.model import DetailLine, Indicator, KeyTask, Project, Spec
from ..vocabulary import CHANGE_CELLS, DATE_STYLE
from .placeholders import DataError, Placeholder, TemplateError, compile_text, lookup
from .xlsx import PARENT, Constant, NumberText, SheetFill

DIGITS = "零一二三四五六七八九"
# 说明's keys as templates name them → the Narrative fields
REASON_FIELDS = {"收入": "income", "支出": "expenditure", "一般公共预算财政拨款": "general", "基本支出": "basic",
                 "项目支出": "project", "三公经费": "sangong", "机关运行经费": "operating", "运行经费": "running",
                 "政府采购": "procurement", "因公出国（境）费": "abroad", "公务接待费": "reception",
                 "公务用车购置费": "car_purchase", "公务用车运行维护费": "car_running"}
SANGONG_WORDS = [("因公出国（境）费用", "因公出国（境）费"), ("公务接待费", "公务接待费"),
                 ("公务用车运行维护费", "公务用车运行维护费"), ("公务用车购置费", "公务用车购置费")]


def ordinal(n: int) -> str:
    """A count in Chinese numerals, as 序号 forms print it: 1 → 一, 12 → 十二, 100 → 一百, 101 → 一百零一,
    110 → 一百一十, 1005 → 一千零五, 100000 → 十万 (n ≥ 0)."""
    text = _number(n) or "零"
    return text[1:] if text.startswith("一十") else text


def _number(n: int) -> str:
    """Chinese numerals of n: groups of four digits under 亿 and 万, 零 for skipped places."""
    for size, unit in ((10 ** 8, "亿"), (10 ** 4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            return _number(high) + unit + ("零" if 0 < low < size // 10 else "") + _number(low)
    out, gap = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit:
            out += ("零" if gap else "") + DIGITS[digit] + unit
        gap = bool(out) and not digit
    return out


def sheet_name(pattern: str, n: int, name: str) -> str:
    """A repeated sheet's name: the format's 表名 with {序号} and {名称} put in (other braces stay as written)."""
    return str(pattern).replace("{序号}", str(n)).replace("{名称}", name)


def date_text(day: dt.date | None, style: str = DATE_STYLE) -> str | None:
    """A date as the format writes it (its 日期: {年} {月} {日}, zero-padded {月2} {日2})."""
    if day is None:
        return None
    parts = {"年": str(day.year), "月": str(day.month), "日": str(day.day), "月2": f"{day.month:02}", "日2": f"{day.day:02}"}
    return re.sub(r"\{(年|月2|日2|月|日)\}", lambda m: parts[m.group(1)], style)


@dataclass(frozen=True)
class Figure:
    """A figure a row offers (`{{行.收入.数}}`), resolved when a cell shows it, in that cell's unit."""

    expr: str
    within: Expr = ""


class SheetData:
    """Resolves one sheet's placeholders."""

    def __init__(self, fig: Figures, table: str, config: dict, context: dict[str, Any], display: Display = WAN_2):
        self.fig, self.table, self.context = fig, table, context
        self.scope = scope_of(config.get("范围"))
        self.show_zero = config.get("零值") == "显示"
        self.display = Display.of(config.get("金额"), display)  # the table's own 金额, else its document's

    def figure(self, expr: str, within: Expr = "", held: bool = False, display: Display | None = None
               ) -> Decimal | Constant | None:
        """The figure as printed; `held`: as a cell holds it under live sums — unrounded where the print is
        its rounding, else (a 公布数) a Constant as printed. A figure printed blank stays blank."""
        display = display or self.display
        try:
            placed, scope, full = cell_figure(expr, within, self.scope)
            value = self.fig.shown(placed, table=self.table, scope=scope, display=display, full=full)
            if value is None or (value == 0 and not self.show_zero):
                return None
            if not held:
                return value
            exact = self.fig.value(scoped(self.scope, placed))
        except ExprError as exc:
            raise TemplateError(f"数字表达式「{expr}」：{exc}") from None
        return display.exact(exact) if exact is not None and display.value(exact) == value else Constant(value)

    def literal(self, text: Any) -> Any:
        """A text the format writes, with its placeholders filled ({{主体}}无政府性基金预算收支，本表无数据。)."""
        compiled = compile_text(text) if isinstance(text, str) else None
        if compiled is None:
            return text
        return "".join(p if isinstance(p, str) else str(v if (v := self.resolve(p, None)) is not None else "")
                       for p in compiled.parts)

    def shows(self, ph: Placeholder) -> Display:
        """How this placeholder shows amounts: its own `|元`/`|万元`, else its table's 金额."""
        return self.display.in_unit(ph.unit)

    def change(self, what: str, name: str, display: Display | None = None) -> Any:
        """A cell's 上年对比 (CHANGE_CELLS): the prior-year figure, the phrase, the difference or the percent."""
        from .words import change_text
        display = display or self.display
        change = self.fig.changes().get(name)
        if change is None:
            return None
        if what == "增减":
            return change_text(change, display)
        if what == "增减率":
            return change.percent
        if what == "上年":
            return display.value(change.prior)
        return display.value(change.exact) - display.value(change.prior)  # as the table shows both

    def held(self, ph: Placeholder, row: dict | None) -> Any:
        """A placeholder's value as a cell holds it under live sums (SheetFill.sums)."""
        return self.resolve(ph, row, held=True)

    def resolve(self, ph: Placeholder, row: dict | None, held: bool = False) -> Any:
        root = ph.root
        if root == "数":
            return self.figure(ph.expr or "", held=held, display=self.shows(ph))
        if root in CHANGE_CELLS and not ph.fields:
            return self.change(root, ph.expr or "", self.shows(ph))
        if row is not None and root in row.get("__blocks__", ()):
            obj = lookup(row, ph.fields, ph.text, strict=False)
        elif root in self.context:
            obj = lookup(self.context[root], ph.fields, ph.text)
        else:
            raise TemplateError(f"{ph.text}：没有「{root}」（可用：{'、'.join(self.context)}）")
        if ph.expr is None:
            if isinstance(obj, Figure):  # a panel's line: shown as the placeholder asks
                return self.figure(obj.expr, obj.within, held=held, display=self.shows(ph))
            if isinstance(obj, Amount):
                return None if obj == 0 and not self.show_zero else self.shows(ph).value(obj)
            return obj
        if not isinstance(obj, dict) or "范围" not in obj:
            return None  # a label-only row, or padding in a panel
        return self.figure(ph.expr, obj["范围"], held=held, display=self.shows(ph))


def scope_of(*texts: Any) -> Terms:
    """A 范围 a format writes (several: all of them), parsed; an error names it."""
    written = [str(t) for t in texts if t]
    try:
        return combine(*written)
    except ExprError as exc:
        raise TemplateError(f"范围「{'&'.join(written)}」：{exc}") from None


def unit_fields(spec: Spec, dates: str = DATE_STYLE) -> dict[str, Any]:
    u = spec.unit
    return {"名称": u.name, "编码": u.code, "主管部门": u.department, "主管部门编码": u.department_code, "性质": u.kind,
            "经费形式": u.funding, "职能职责": u.duties, "单位构成": u.composition, "联系人": u.contact,
            "联系电话": u.phone, "填表人": u.preparer, "单位负责人": u.head, "财务负责人": u.finance_head,
            "填报日期": date_text(u.filed_on, dates), "范围": ""}


def project_fields(fig: Figures, p: Project, n: int, dates: str = DATE_STYLE) -> dict[str, Any]:
    """The fields of the n-th project of the spec (n from 1: its place in spec.projects is its identity)."""
    spec = fig.spec
    code = split_ref(p.function)[0] if p.function else None
    return {
        "序号": n, "中文序号": ordinal(n), "名称": p.name, "编码": p.code,
        "编码名称": f"{p.code}-{p.name}" if p.code else p.name, "类别": p.category, "一级项目": p.program,
        "所属专项": p.special_fund or p.name, "主管部门": p.department or spec.unit.department, "金额": p.amount,
        "总金额": p.total if p.total is not None else p.amount, "功能科目": code, "功能科目名称": fig.code_name(code) if code else None,
        **_code_parts(code),
        "资金来源": p.source, "财政拨款资金": p.fiscal, "其他资金": p.other_funds, "中央转移支付资金": p.central_transfer,
        "政府购买服务资金": p.service_purchase, "本级安排": p.local, "上级补助": p.superior,
        "预算执行率权重": p.execution_weight, "实施期": p.period, "开始日期": date_text(p.start, dates),
        "完成日期": date_text(p.end, dates), "资金用途": p.use_kind, "项目概况": p.overview,
        "项目用途": p.purpose, "立项依据": p.basis, "固定资产采购金额": p.fixed_assets, "采购品目": p.procurement_items,
        "中期目标": p.period_goal, "年度目标": p.annual_goal, "备注": p.note, "单位名称": spec.unit.name,
        "单位编码": spec.unit.code, "范围": project_scope(n - 1),
    }


def _code_parts(code: str | None) -> dict[str, str | None]:
    if not code:
        return {"类": None, "款": None, "项": None}
    return {"类": code[:3], "款": code[3:5] or None, "项": code[5:7] or None}


def indicator_fields(ind: Indicator, n: int) -> dict[str, Any]:
    value = ind.value or ""
    return {"序号": n, "栏目": "绩效指标", "一级": ind.level1, "二级": ind.level2, "三级": ind.name, "指标值": NumberText.of(ind.value),
            "计量单位": ind.unit, "指标性质": ind.nature, "权重": ind.weight, "绩效标准": ind.standard,
            "目标值来源": ind.basis, "备注": ind.remark,
            "核心指标": None if ind.core is None else ("是" if ind.core else "否"),
            "指标值及单位": value + (ind.unit or "") if ind.unit and not value.endswith(ind.unit) else ind.value}


def detail_fields(d: DetailLine, n: int) -> dict[str, Any]:
    """One 支出明细及测算说明 line."""
    return {"序号": n, "内容": d.item, "明细": d.detail, "金额": d.amount, "测算依据": d.basis}


def task_fields(t: KeyTask, n: int) -> dict[str, Any]:
    """One 年度重点工作计划 line."""
    return {"序号": n, "事项": t.item, "责任单位": t.owner, "目标": t.goal}


def _money_columns(source: str | None, amount: Decimal, default: str) -> dict[str, Decimal]:
    """An item's amount placed under its 资金来源 and under its fund (for source columns)."""
    source = source or default
    return {source: amount, FUND_OF[source]: amount, "合计": amount}


class Builder:
    """Builds the SheetFills of one document for one spec."""

    def __init__(self, fig: Figures, document: dict, member: bool = False):
        """`member`: the figures are a unit's of a 部门, published as its 单位预算."""
        self.fig = fig
        self.spec = fig.spec
        self.document = document
        self.member = member
        self.display = Display.of(document.get("金额"))  # how the document's tables show amounts
        self.dates = document.get("日期") or DATE_STYLE  # how it writes dates
        self.default_source = default_source(self.spec)

    @cached_property
    def _base(self) -> dict[str, Any]:
        """What a document shows, by name — the same for a workbook's cells and a narrative's words. Amounts
        are `Amount`s: numbers to a workbook, words (as the document's 金额 says) to a narrative."""
        spec, fig = self.spec, self.fig
        unit, perf = spec.unit, spec.performance

        def amount(value: Decimal | None) -> Amount | None:
            return None if value is None else Amount(value, self.display)

        staff, cars = unit.staff, unit.vehicles
        procurement = fig.procurement()
        bought: dict[str, Any] = dict.fromkeys([*FUND_OF, *FUNDS, "合计"])
        for u in fig.units:
            for item in u.spec.procurement:
                for key, value in _money_columns(item.source, item.amount, default_source(u.spec)).items():
                    bought[key] = Amount((bought.get(key) or Decimal(0)) + value, self.display)
        general = [i for u in fig.units for i in u.spec.procurement
                   if FUND_OF[i.source or default_source(u.spec)] == "一般公共预算"]
        general_bought = {k: sum((i.amount for i in general if k == "合计" or i.kind == k), Decimal(0))
                          for k in ("合计", "货物", "工程", "服务")}
        narrative = spec.narrative
        reasons = {key: {"增减原因": r.change if r else None, "主要用途": r.use if r else None}
                   for key, attr in REASON_FIELDS.items() for r in [getattr(narrative, attr) if narrative else None]}
        assets = spec.assets
        return {
            "单位": {**unit_fields(spec, self.dates),
                   "职能职责段落": [p for p in (unit.duties or "").split("\n") if p.strip()],
                   "编制": staff.authorized if staff else None, "在编": staff.on_post if staff else None,
                   "实有": staff.actual if staff else None,
                   "实有构成": "，".join(f"{g.category} {g.count} {g.measure}" for g in staff.actual_groups) if staff else "",
                   "余编": (staff.authorized - staff.on_post)
                   if staff and staff.authorized is not None and staff.on_post is not None else None,
                   "离休": staff.retired_veteran if staff else None, "退休": staff.retired if staff else None,
                   "遗属": staff.survivors if staff else None,
                   "车辆编制": cars.authorized if cars else None, "车辆实有": cars.actual if cars else None},
            "年度": spec.year, "上年度": spec.year - 1, "文档": {"名称": self.document["名称"]},
            "版本": "部门" if len(fig.units) > 1 else "单位", "预算名称": "单位预算" if self.member else "部门预算",
            "主体": "本部门" if len(fig.units) > 1 else "本单位", "金额单位": self.display.unit,
            "填报日期": date_text(unit.filed_on, self.dates),
            "单位性质": {**{k: sum(u.spec.unit.kind == k for u in fig.units) for k in NATURES},
                     "未填": sum(u.spec.unit.kind is None for u in fig.units), "单位数": len(fig.units)},
            "说明": reasons,
            "采购": {"合计": amount(procurement["合计"]), "资金": bought,
                   "上年结转": amount(sum((i.amount for i in spec.procurement if i.carryover), Decimal(0)) or None),
                   **{k: amount(v) for k, v in procurement.items() if k != "合计"},
                   **{k: amount(v) for k, v in fig.procurement_sme().items()},
                   "类别": [{"名称": k, "金额": amount(v)} for k, v in procurement.items() if k != "合计" and v],
                   "一般公共预算": amount(general_bought["合计"]),
                   "一般公共预算类别": [{"名称": k, "金额": amount(v)} for k, v in general_bought.items()
                                  if k != "合计" and v]},
            "资产": {"截至": assets.as_of, "车辆": assets.vehicles, "通用设备": assets.general_equipment,
                   "专用设备": assets.special_equipment, "说明": assets.note,
                   "车辆构成": [{"类别": g.category, "数量": g.count} for g in assets.vehicle_groups],
                   "本年拟购车辆": [{"类别": g.category, "数量": g.count} for g in assets.vehicle_purchases],
                   "本年拟购设备": assets.equipment_purchases} if assets else None,
            "三公": [{"名称": label, "数": expr} for label, expr in SANGONG_WORDS],
            "绩效": {"项目数": sum(bool(p.indicators) for p in spec.projects), "项目金额":
                   amount(sum((p.amount for p in spec.projects if p.indicators), Decimal(0))),
                   "单位数": len(fig.units)},
            "整体": None if perf is None else {
                "部门名称": unit.name, "年度目标": perf.annual_goal, "职责概述": perf.duties or unit.duties,
                "资金总额": fig.shown(""), "范围": ""},
        }

    def base_context(self) -> dict[str, Any]:
        """The values every sheet of the document may name (a fresh dict; its values are shared)."""
        return dict(self._base)

    def fills(self, template_sheets: list[str]) -> list[SheetFill]:
        tables: dict[str, dict] = self.document.get("表") or {}
        unknown = [name for name in tables if name not in template_sheets]
        if unknown:
            raise TemplateError(f"格式中的表「{'、'.join(unknown)}」在模板中不存在")
        out = []
        for sheet in template_sheets:
            config = tables.get(sheet) or {}
            each = config.get("每项")
            if each:
                items = self._items(each, config)
                slots: list[dict | None] = [*items] or [None]  # an empty form when there is none
                for n, item in enumerate(slots, start=1):
                    name = sheet_name(config.get("表名") or sheet + "{序号}", n, item["名称"] if item else "")
                    out.append(self._fill(sheet, name if items else sheet, config, {each: item}))
            else:
                out.append(self._fill(sheet, sheet, config, {}))
        return out

    def _items(self, each: str, config: dict) -> list[dict]:
        spec = self.spec
        if each == "项目":
            items = [project_fields(self.fig, p, n, self.dates) for n, p in enumerate(spec.projects, start=1)]
            keep = [bool(p.indicators or p.annual_goal) for p in spec.projects]
        elif each == "一级项目":
            kind = config.get("类型")
            chosen = [p for p in spec.programs if kind is None or (p.kind or "一般性项目") == kind]
            items = [{"序号": n, "名称": p.name, "类型": p.kind, "编制单位": p.issuer, "业务主管部门": p.department,
                      "当年预算": p.amount, "项目概况": p.overview, "立项依据": p.basis, "当年绩效目标": p.annual_goal,
                      "_指标": p.indicators, "范围": ""} for n, p in enumerate(chosen, start=1)]
            keep = [True] * len(items)
        else:
            raise TemplateError(f"「每项: {each}」不支持（可用 项目、一级项目）")
        if config.get("仅有目标", False):
            items = [i for i, k in zip(items, keep) if k]
        return items

    def _fill(self, sheet: str, name: str, config: dict, extra: dict) -> SheetFill:
        context = {**self.base_context(), **extra}
        blocks_cfg = dict(config.get("块") or {})
        if "行" in config:
            blocks_cfg["行"] = config["行"]
        data = SheetData(self.fig, sheet, config, context, self.display)
        blocks = {root: self._rows(root, source, data, extra) for root, source in blocks_cfg.items()}
        has_data = not blocks or any(blocks.values())
        for root, rows in blocks.items():
            if not rows and config.get("空行"):
                blocks[root] = [{**config["空行"], "__blocks__": (root,)}]
        context["无数据说明"] = "" if has_data else data.literal(config.get("无数据说明", "本表无数据"))
        sums = data.held if self._live_sums(config) else None
        return SheetFill(template=sheet, name=name, resolve=data.resolve, blocks=blocks, sums=sums)

    def _live_sums(self, config: dict) -> bool:
        """`合计公式` of the table, else of its document."""
        value = config.get("合计公式", self.document.get("合计公式", "否"))
        if value not in ("是", "否", True, False):
            raise TemplateError(f"「合计公式: {value}」应写 是 或 否")
        return value in ("是", True)

    # --- row sources -----------------------------------------------------------------------------------

    def _rows(self, root: str, source: dict, data: SheetData, extra: dict) -> list[dict]:
        if not isinstance(source, dict) or len({"分类", "清单", "指标", "明细", "并列"} & source.keys()) != 1:
            raise TemplateError(f"块「{root}」的来源应写作 分类/清单/指标/明细/并列 之一")
        rows = self._source(source, data, extra)
        for row in rows:
            row["__blocks__"] = (root,)
        return rows

    def _source(self, source: dict, data: SheetData, extra: dict) -> list[dict]:
        if "分类" in source:
            return self._classified(source, data)
        if "清单" in source:
            return self._list(source["清单"])
        if "指标" in source:
            return [indicator_fields(ind, n) for n, ind in enumerate(self._indicators(source["指标"], extra), start=1)]
        if "明细" in source:
            project = self._current_project(extra)
            return [detail_fields(d, n) for n, d in enumerate(project.details if project else [], start=1)]
        return self._panels(source["并列"], data)

    def _classified(self, source: dict, data: SheetData) -> list[dict]:
        dim = source["分类"]
        if dim not in ("功能", "部门经济", "政府经济"):
            raise TemplateError(f"分类「{dim}」不支持（可用 功能、部门经济、政府经济）")
        levels = source.get("级次") or ["类", "款", "项"]
        own = scope_of(source.get("范围"))
        scope = combine(data.scope, own)
        if not self.fig.entries(scope):
            return []
        if not self.fig.dim_known(dim, scope):
            word = {"功能": "功能科目", "部门经济": "经济科目", "政府经济": "经济科目（及单位性质）"}[dim]
            raise DataError(f"规格中有支出没有填写{word}，无法按{dim}分类列示")
        rows: list[dict] = []
        above: list[tuple[str, int]] = []  # (code, index) of the rows that may be ancestors of the next
        listed = [x for x in levels if x != "合计"]
        leaf = listed[-1] if listed else None
        if "合计" in levels:  # the table's 合计 row, first and only where there is data (湖南: an empty table prints 无)
            rows.append({"编码": None, **_code_parts(None), "名称": "合计", "缩进名称": "合计", "级次": "合计",
                         "项号名称": "合计", "类名称": None, "款名称": None, "主要用途": None, "范围": own, PARENT: None})
            above.append(("", 0))
        for row in self.fig.rollup(dim, [""], scope)[1:]:
            if row.level not in levels or not row.values[0]:
                continue
            code = row.code or ""
            while above and not code.startswith(above[-1][0]):
                above.pop()
            parent = above[-1][1] if above else None
            above.append((code, len(rows)))
            parts = _code_parts(code)
            indent = {"类": "", "款": "　　", "项": "　　　　"}[row.level] if dim == "功能" else ("" if row.level == "类" else "　　")
            last = parts["项"] or parts["款"]
            rows.append({"编码": code, **parts, "名称": row.name, "缩进名称": indent + row.name, "级次": row.level,
                         "项号名称": f"{last} {row.name}" if row.level == leaf and len(listed) > 1 and last else row.name,
                         "类名称": self.fig.code_name(code[:3]), "款名称": self.fig.code_name(code[:5]) if len(code) > 3 else None,
                         "主要用途": self.use_of(code), "范围": combine(own, code_scope(dim, code)),
                         PARENT: parent})
        if source.get("序号") == "中文":
            for n, line in enumerate((x for x in rows if x["级次"] != "合计"), start=1):
                line["项目"] = f"{ordinal(n)}、{line['名称']}"
        return rows

    def _amount(self, value: Decimal | None) -> Amount | None:
        """An amount of the context: shown as the document's 金额 says (a workbook's cell, a narrative's words)."""
        return None if value is None else Amount(value, self.display)

    def _columns(self, source: str | None, amount: Decimal, unit: Spec) -> dict[str, Amount]:
        """An item's amount under its 资金来源 and its fund (source columns), its unit's default source if none."""
        return {k: Amount(v, self.display) for k, v in _money_columns(source, amount, default_source(unit)).items()}

    def use_of(self, code: str) -> str | None:
        """What the spec says a 科目 is used for (说明.功能科目), for a 项 or the 款 or 类 above it."""
        uses = self.spec.narrative.functions if self.spec.narrative else {}
        return next((uses[c] for c in (code, code[:5], code[:3]) if c in uses), None) if uses else None

    def _list(self, what: str) -> list[dict]:
        spec = self.spec
        if what == "项目":
            return [project_fields(self.fig, p, n, self.dates) for n, p in enumerate(spec.projects, start=1)]
        money = self._amount
        if what == "政府采购":  # a 部门's: each unit's, named by its unit, in its unit's sources
            return [{"序号": n, "项目": i.project, "品目": i.item, "类别": i.kind, "数量": i.quantity, "计量单位": i.unit,
                     "金额": money(i.amount), "上年结转": money(i.amount) if i.carryover else None,
                     "面向中小企业预留": money(i.sme), "小微企业": money(i.small),
                     "资金": self._columns(i.source, i.amount, unit),
                     **_code_parts(split_ref(i.function)[0] if i.function else None), "单位编码": unit.unit.code,
                     "单位名称": unit.unit.name, "备注": i.note}
                    for n, (unit, i) in enumerate(((u.spec, i) for u in self.fig.units for i in u.spec.procurement), start=1)]
        if what == "政府购买服务":
            return [{"序号": n, "项目": s.project, "具体项目": s.detail, "资金项目": s.fund_project, "金额": money(s.amount),
                     "资金": self._columns(s.source, s.amount, unit),
                     "承接主体类别": s.provider_kind, "直接受益对象": s.beneficiary, "绩效目标": s.goal,
                     "单位编码": unit.unit.code, "单位名称": unit.unit.name}
                    for n, (unit, s) in enumerate(((u.spec, s) for u in self.fig.units for s in u.spec.services), start=1)]
        if what == "重点工作":
            tasks = spec.performance.tasks if spec.performance else []
            return [task_fields(t, n) for n, t in enumerate(tasks, start=1)]
        if what == "一级项目":
            return [{"序号": n, "名称": p.name, "当年预算": p.amount} for n, p in enumerate(spec.programs, start=1)]
        if what == "单位":  # a 部门's units, each row within its unit (its money inside the 部门 taken out)
            if len(self.fig.units) == 1:
                return [unit_fields(spec, self.dates)]
            return [{**unit_fields(u.spec, self.dates), "序号": u.index + 1, "层级": u.role, "范围": unit_scope(u.index)}
                    for u in self.fig.units]
        raise TemplateError(f"清单「{what}」不支持")

    def _indicators(self, of: str, extra: dict) -> list[Indicator]:
        if of == "整体":
            return self.spec.performance.indicators if self.spec.performance else []
        if of == "项目":
            project = self._current_project(extra)
            return project.indicators if project else []
        if of == "一级项目":
            item = extra.get("一级项目")
            return item["_指标"] if item else []
        raise TemplateError(f"「指标: {of}」不支持（可用 项目、一级项目、整体）")

    def _current_project(self, extra: dict) -> Project | None:
        item = extra.get("项目")
        return self.spec.projects[item["序号"] - 1] if item else None

    def _panels(self, sections: list[dict], data: SheetData) -> list[dict]:
        rows: list[dict] = []
        for section in sections:
            panels = {name: self._panel(items, data) for name, items in section.items()}
            height = max((len(v) for v in panels.values()), default=0)
            for i in range(height):
                rows.append({name: (items[i] if i < len(items) else {}) for name, items in panels.items()})
        return rows

    def _panel(self, items: list[dict], data: SheetData) -> list[dict]:
        out = []
        for item in items or []:
            if "分类" in item:
                for row in self._classified(item, data):
                    out.append({**row, "项目": row.get("项目") or row["名称"], "数": Figure("", row["范围"])})
                continue
            entry: dict[str, Any] = {"项目": data.literal(item.get("项目"))}
            if "范围" in item:
                entry["范围"] = scope_of(item["范围"])
            if "数" in item:
                entry["数"] = Figure(str(item["数"]))
            elif "范围" in item:
                entry["数"] = Figure("", entry["范围"])
            out.append(entry)
        return out

