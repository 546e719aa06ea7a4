"""The imported spec as YAML text: the keys in the order `yusuan init` writes them, amounts exactly as found
(never through a float), and above each part the notes that tell its author what the workbook did not say."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from .draft import Draft, Line, Money, Project

_PLAIN = re.compile(r"^[\w\u3000-\u303f\u4e00-\u9fff\uff00-\uffef（）()、·．.%/+\-]+$")
_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "是", "否"}
_RISKY_START = tuple("-?:,[]{}#&*!|>'\"%@`~ ")


def text(value: str) -> str:
    """A text scalar read back exactly: plain where YAML would read it as this text, else double-quoted."""
    if (_PLAIN.match(value) and not value.startswith(_RISKY_START) and value.lower() not in _SPECIAL
            and not re.fullmatch(r"[-+]?[0-9.]+([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|[0-9:]+", value)):
        return value
    return json.dumps(value, ensure_ascii=False)


def amount(value: Decimal, unit: str) -> str:
    """An amount as written: two decimals, more where the workbook's figures need them (元-level 万元)."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < -2 else 2
    shown = value.quantize(Decimal(1).scaleb(-places))
    text_ = format(shown, "f")
    if places > 2:
        text_ = text_.rstrip("0")
        if len(text_.split(".")[1]) < 2:
            text_ = format(value.quantize(Decimal("0.01")), "f")
    return text_


def number(value: Decimal) -> str:
    out = format(value.normalize(), "f")
    return out


def scalar(value: Any, unit: str) -> str:
    if isinstance(value, Decimal):
        return amount(value, unit)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "~"
    return text(str(value))


class Number(Decimal):
    """A number that is no amount (权重, 数量): written as it is (10, 0.5)."""


class Code(str):
    """A 科目 or other code written plain (2010301): the loader keeps its text."""


def flow(items: dict[str, Any], unit: str) -> str:
    parts = []
    for k, v in items.items():
        if isinstance(v, dict):
            parts.append(f"{k}: {flow(v, unit)}")
        elif isinstance(v, list):
            parts.append(f"{k}: [{', '.join(_value(x, unit) for x in v)}]")
        else:
            parts.append(f"{k}: {_value(v, unit)}")
    return "{" + ", ".join(parts) + "}"


def _value(v: Any, unit: str) -> str:
    if isinstance(v, Number):
        return number(v)
    if isinstance(v, Code):
        return str(v) if re.fullmatch(r"[0-9]+", v) and not v.startswith("0") else json.dumps(str(v), ensure_ascii=False)
    return scalar(v, unit)


class Writer:
    def __init__(self, draft: Draft):
        self.d = draft
        self.unit = draft.unit_money
        self.out: list[str] = []

    def line(self, s: str = "") -> None:
        self.out.append(s)

    def notes(self, section: str, indent: str = "") -> None:
        for n in self.d.notes.get(section, []):
            for chunk in _wrap(n, 100):
                self.line(f"{indent}# {chunk}")

    def key(self, indent: str, k: str, v: Any) -> None:
        if isinstance(v, str) and "\n" in v:
            self.line(f"{indent}{k}: |-")
            for row in v.split("\n"):
                self.line(f"{indent}  {row}" if row else "")
        elif isinstance(v, dict):
            self.line(f"{indent}{k}: {flow(v, self.unit)}")
        else:
            self.line(f"{indent}{k}: {_value(v, self.unit)}")

    def items(self, indent: str, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            long = any(isinstance(v, str) and ("\n" in v or len(v) > 60) for v in row.values())
            if not long:
                self.line(f"{indent}- {flow(row, self.unit)}")
                continue
            first = True
            for k, v in row.items():
                self.key(indent + ("- " if first else "  "), k, v)
                first = False


def write(draft: Draft, schema: str, source: str) -> str:
    d = draft
    w = Writer(d)
    name = d.unit.get("名称", "")
    w.line(f"# yaml-language-server: $schema={schema}")
    w.line(f"# {name} {d.year or ''} 年预算规格，由 yusuan import 从「{source}」（格式 {d.format}）读出。")
    w.line("# 金额照工作簿所印；工作簿没有说的（如功能科目与经济科目的交叉、项目的经济科目）在各部分上方的注释里写明，")
    w.line("# 请核实后删去这些注释，再运行 yusuan check 本文件。")
    w.notes("文件")
    w.line(f"年度: {d.year}" if d.year else "年度: ~   # 工作簿没有印出年度，请填写")
    w.line(f"格式: {d.format}")
    if d.unit_money == "元":
        w.line("金额单位: 元   # 工作簿以元列示")
    w.line()
    w.notes("单位")
    w.line("单位:")
    unit = dict(d.unit)
    w.key("  ", "名称", unit.pop("名称", "（请填写单位全称）"))
    if "编码" in unit:
        w.key("  ", "编码", Code(unit.pop("编码")))
    if "主管部门" in unit:
        w.key("  ", "主管部门", unit.pop("主管部门"))
    if "主管部门编码" in unit:
        w.key("  ", "主管部门编码", Code(unit.pop("主管部门编码")))
    if "性质" in unit:
        w.key("  ", "性质", unit.pop("性质"))
    else:
        w.line("  性质: ~   # 工作簿没有印出单位性质：行政、参公 或 事业（机关运行经费只算行政与参公单位）")
    for k, v in unit.items():
        w.key("  ", k, v if not isinstance(v, dict) else {kk: Number(vv) for kk, vv in v.items()})
    w.line()
    w.notes("收入")
    w.line("收入:")
    for source, value in d.income.items():
        w.key("  ", source, value)
    if d.carryover:
        w.line("  上年结转:")
        for k, v in d.carryover.items():
            w.key("    ", k, v)
    if not d.income and not d.carryover:
        w.line("  {}")
    w.line()
    if d.basic_known:
        w.notes("基本支出")
        w.line("基本支出:" if d.lines else "基本支出: []")
        w.items("  ", [_line(x, d) for x in d.lines])
        w.line()
    w.notes("项目")
    if d.projects:
        w.line("项目:")
        for p in d.projects:
            _project(w, p, d)
        w.line()
    for key in ("对附属单位补助", "上缴上级"):
        transfers = [t for t in d.transfers if t.key == key]
        if transfers:
            w.notes(key)
            w.line(f"{key}:")
            w.items("  ", [{"金额": t.amount, "功能科目": Code(t.function), **_money(t.money, d)} for t in transfers])
            w.line()
    if d.programs:
        w.notes("一级项目")
        w.line("一级项目:")
        for program in d.programs:
            first = True
            for k, v in program.items():
                if k == "指标":
                    if v:
                        w.line("    指标:")
                        w.items("      ", [_indicator(i) for i in v])
                    continue
                w.key("  - " if first else "    ", k, v)
                first = False
        w.line()
    if d.performance:
        w.notes("整体绩效")
        w.line("整体绩效:")
        for k, v in d.performance.items():
            if k in ("重点工作", "指标"):
                w.line(f"  {k}:")
                w.items("    ", [_indicator(i) for i in v] if k == "指标" else v)
            else:
                w.key("  ", k, v)
        w.line()
    for key, rows in (("政府采购", d.procurement), ("政府购买服务", d.services)):
        if rows:
            w.notes(key)
            w.line(f"{key}:")
            w.items("  ", [_list_row(r) for r in rows])
            w.line()
    w.notes("上年")
    if d.prior:
        w.line("上年:")
        for k, v in d.prior.items():
            w.key("  ", k, v)
        w.line()
    if d.published:
        w.notes("公布数")
        w.line("公布数:")
        w.items("  ", [{k: v for k, v in p.items() if not k.startswith("_")} for p in d.published])
        w.line()
    while w.out and not w.out[-1]:
        w.out.pop()
    return "\n".join(w.out) + "\n"


def _money(money: Money, d: Draft) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if money[0] != d.default_source:
        out["资金来源"] = money[0]
    if money[1]:
        out["上年结转"] = "是"
    return out


def _line(x: Line, d: Draft) -> dict[str, Any]:
    row: dict[str, Any] = {"功能科目": Code(x.function)}
    if x.economic:
        row["经济科目"] = Code(x.economic)
    if x.government:
        row["政府经济科目"] = Code(x.government)
    if x.staff and not x.economic:
        row["经费类型"] = x.staff
    row["金额"] = x.amount
    row.update(_money(x.money, d))
    return row


def _project(w: Writer, p: Project, d: Draft) -> None:
    w.key("  - ", "名称", p.name)
    fields = dict(p.fields)
    if "编码" in fields:
        w.key("    ", "编码", Code(fields.pop("编码")))
    if p.function:
        w.key("    ", "功能科目", Code(p.function))
    w.key("    ", "金额", p.amount)
    if p.economic:
        w.key("    ", "经济科目", {Code(k): v for k, v in p.economic.items()})
    for k, v in _money(p.money, d).items():
        w.key("    ", k, v)
    for k, v in fields.items():
        if k == "资金来源" or (k == "所属专项" and v == p.name):
            continue
        w.key("    ", k, Number(v) if k == "预算执行率权重" else v)
    if p.indicators:
        w.line("    指标:")
        w.items("      ", [_indicator(i) for i in p.indicators])
    if p.details:
        w.line("    支出明细:")
        w.items("      ", p.details)


def _indicator(i: dict[str, Any]) -> dict[str, Any]:
    return {k: Number(v) if isinstance(v, Decimal) else v for k, v in i.items()}


def _list_row(r: dict[str, Any]) -> dict[str, Any]:
    return {k: (Number(v) if k == "数量" and isinstance(v, Decimal) else Code(v) if k == "功能科目" else v) for k, v in r.items()}


def _wrap(text_: str, width: int) -> list[str]:
    out, line = [], ""
    for ch in text_:
        line += ch
        if len(line) >= width and ch in "，。；、）":
            out.append(line)
            line = ""
    if line:
        out.append(line)
    return out
