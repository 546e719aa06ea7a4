"""Write the README's tables of «新增一个地区» — every key of a format file, every value and field a template
may name, every row source, docx helper and filter — from the format model (generator/format_model.py)
and the vocabulary (generator/vocabulary.py), between the `<!-- formats -->` and `<!-- /formats -->`
markers. Usage: python tools/readme_formats.py"""
from __future__ import annotations

import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import BaseModel  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402
from readme_codes import with_block  # noqa: E402

from generator.format_model import Amounts, Document, FormatFile, FrameGroup, PanelItem, Rules, Source, Table  # noqa: E402
from generator.vocabulary import (  # noqa: E402
    DOCX,
    EACH,
    FILTERS,
    HELPERS,
    SHEET,
    SHEET_SPECIAL,
    SOURCE_TEXT,
    SOURCES,
    Value,
)

README = ROOT / "README.md"
MODELS: dict[type[BaseModel], str] = {FormatFile: "格式文件", Rules: "规则", Document: "文档的一项", Table: "表（一张工作表）",
                                      Source: "行的来源（行、块 的每一项）", PanelItem: "并列中一栏的一行",
                                      FrameGroup: "指标框架的一组", Amounts: "金额的显示"}
MANY_CHOICES = 8  # more choices than this are described, not listed


def kind(tp: Any) -> str:
    """What a key takes, in words."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return " 或 ".join(kind(a) for a in args if a is not type(None))
    if origin is typing.Annotated:
        described = [m.description for m in args[1:] if isinstance(m, FieldInfo) and m.description]
        return described[0] if described else kind(args[0])
    if origin is typing.Literal:
        return "、".join(args) if len(args) <= MANY_CHOICES else f"指标类别名称（如 {args[0]}、{args[1]}）"
    if origin is tuple:
        return f"列表，每项：{kind(args[0])}"
    if origin is dict:
        return f"映射，名称: {kind(args[1])}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"映射（见“{MODELS[tp]}”）"
    return {str: "文字", bool: "是 或 否", Decimal: "数字"}.get(tp, "任意内容")


def model_table(model: type[BaseModel]) -> str:
    rows = [f"**{MODELS[model]}**", "", "| 键 | 写法 | 含义 |", "|---|---|---|"]
    for f in model.model_fields.values():
        need = "（必填）" if f.is_required() else ""
        rows.append(f"| `{f.alias}` | {kind(f.annotation)} | {f.description}{need} |")
    return "\n".join(rows)


def fields_text(value: Value) -> str:
    """A record's fields in one cell: `名称` 说明；… (a field that is a record or a list: its own fields)."""
    parts = []
    for name, v in (value.fields or {}).items():
        text = v.text + (f"（{v.when}）" if v.when else "")
        if v.fields:
            text += "：" + "、".join(f"`{k}`" for k in v.fields)
        parts.append(f"`{name}` {text}")
    return "；".join(parts)


def values_table(values: dict[str, Value], special: dict[str, str] | None = None, scopes: bool = True) -> str:
    """`scopes`: say which values have a 范围 of their own (`{{单位:表达式}}` in a workbook)."""
    rows = ["| 名称 | 含义 | 字段 |", "|---|---|---|"]
    for name, v in values.items():
        scoped = "，可写 `{{" + name + ":表达式}}`" if scopes and v.scoped else ""
        rows.append(f"| `{name}` | {v.text}{'（列表）' if v.many else ''}{scoped} | {fields_text(v)} |")
    rows += [f"| `{name}` | {text} | |" for name, text in (special or {}).items()]
    return "\n".join(rows)


def sources_table() -> str:
    """One row per source; the choices of a source whose rows have the same fields share a row."""
    rows = ["| 来源 | 含义 | 行的字段（`{{行.字段}}`） |", "|---|---|---|"]
    for key, choices in SOURCES.items():
        groups: dict[tuple, list[str | None]] = {}
        for choice, v in choices.items():
            groups.setdefault(tuple(v.fields or ()), []).append(choice)
        for same in groups.values():
            v = choices[same[0]]
            written = "、".join(f"`{key}: {c}`" for c in same) if same[0] else f"`{key}: [{{栏名: [行 …]}} …]`"
            text = "；".join(choices[c].text for c in same) if same[0] and len(same) > 1 else v.text
            text = SOURCE_TEXT[key] if same[0] is None else text
            rows.append(f"| {written} | {text}{'，可写 `{{行:表达式}}`' if v.scoped else ''} | {fields_text(v)} |")
    return "\n".join(rows)


def helpers_table() -> str:
    rows = ["| 写法 | 含义 | 返回（可 `for` 循环的字段） |", "|---|---|---|"]
    for h in HELPERS.values():
        choices = f"（可写：{'、'.join(h.options)}）" if h.options else ""
        rows.append(f"| `{h.example}` | {h.text}{choices} | {fields_text(h.returns) if h.returns else ''} |")
    rows += [f"| `{{{{ 值\\|{name} }}}}` | 过滤器：{text} | |" for name, text in FILTERS.items()]
    return "\n".join(rows)


def tables() -> str:
    each = {name: Value(f"（每项: {name} 的表）{v.text}", v.fields, scoped=v.scoped) for name, v in EACH.items()}
    docx_only = {k: v for k, v in DOCX.items() if k not in SHEET or DOCX[k] != SHEET[k]}
    return "\n\n".join([
        "#### 格式文件的键", *(model_table(m) for m in MODELS),
        "#### 工作簿：每张工作表都能用的值（`{{名称.字段}}`）", values_table({**SHEET, **each}, SHEET_SPECIAL),
        "#### 工作簿：行的来源（表的 `行`、`块`）", sources_table(),
        "#### Word 文件：值（`{{ 名称.字段 }}`，列表用 `{% for 行 in 名称 %}`）",
        "除下表外，工作簿中的 " + "、".join(f"`{k}`" for k in SHEET if k not in docx_only) + " 也都可用。",
        values_table(docx_only, scopes=False),
        "#### Word 文件：函数与过滤器", helpers_table(),
    ])


def with_tables(text: str) -> str:
    return with_block(text, "formats", tables())


if __name__ == "__main__":
    README.write_text(with_tables(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(README)
