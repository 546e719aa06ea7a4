"""Placeholders in templates: `{{ 单位.名称 }}`, `{{ 数:基本支出 }}`, `{{ 行.名称 }}`, `{{ 行:功能:201 }}`.

A placeholder names a value; it never computes one:
    ROOT(.FIELD)*          a value from the context (单位.名称, 年度, 项目.金额, 行.编码 …)
    ROOT(.FIELD)*:EXPR     a figure (see figures.py) within the scope of that object (a table, a row)
    数:EXPR                a figure within the table's scope
    …|合并                 in a repeated row: merge equal neighbours vertically (grouped merges)
    …|元  …|万元           this amount in 元 (no decimals) or 万元 (two), whatever the table's 金额 says
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

PATTERN = re.compile(r"\{\{\s*(.+?)\s*\}\}")


class TemplateError(ValueError):
    """A template that names something we do not have; carries where it is."""


class DataError(TemplateError):
    """The spec lacks what a table needs (e.g. 功能科目 for a table by 功能分类)."""


@dataclass(frozen=True)
class Placeholder:
    root: str
    fields: tuple[str, ...]
    expr: str | None
    merge: bool
    unit: str | None = None  # 元 / 万元: this column's own unit (a table in 元 with one column in 万元)

    @cached_property
    def text(self) -> str:
        flags = ("|" + self.unit if self.unit else "") + ("|合并" if self.merge else "")
        return ("「{{" + self.root + "".join("." + f for f in self.fields) + (":" + self.expr if self.expr else "")
                + flags + "}}」")


SUFFIXES = ("合并", "元", "万元")


def parse_placeholder(text: str) -> Placeholder:
    body, flags = text.strip(), list[str]()  # flags end the text; a `|` before them is a figure's alternatives
    while (cut := body.rpartition("|"))[1] and cut[2].strip() in SUFFIXES:
        body, flags = cut[0].rstrip(), [cut[2].strip(), *flags]
    if len(set(flags)) < len(flags) or {"元", "万元"} <= set(flags):
        raise TemplateError(f"「{{{{{text}}}}}」的写法不对：合并、元、万元 各写一次，元与万元只选一个")
    unit = next((f for f in flags if f != "合并"), None)
    path, colon, expr = body.partition(":")
    if body.startswith("数:") or body == "数":
        path, expr, colon = "数", body[2:], ":"
    names = [p.strip() for p in path.split(".")]
    if not all(names):
        raise TemplateError(f"「{{{{{text}}}}}」的写法不对")
    return Placeholder(names[0], tuple(names[1:]), expr.strip() if colon else None, "合并" in flags, unit)


@dataclass(frozen=True)
class TextTemplate:
    """A cell's text: literal pieces and placeholders. A cell that is exactly one placeholder keeps its
    value's type (a number stays a number)."""

    parts: tuple[str | Placeholder, ...]
    single: Placeholder | None = field(init=False)  # the cell's only part, a placeholder
    placeholders: tuple[Placeholder, ...] = field(init=False)

    def __post_init__(self) -> None:
        single = self.parts[0] if len(self.parts) == 1 and isinstance(self.parts[0], Placeholder) else None
        object.__setattr__(self, "single", single)
        object.__setattr__(self, "placeholders", tuple(p for p in self.parts if isinstance(p, Placeholder)))


def compile_text(text: str) -> TextTemplate | None:
    if "{{" not in text:
        return None
    parts: list[str | Placeholder] = []
    pos = 0
    for m in PATTERN.finditer(text):
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        parts.append(parse_placeholder(m.group(1)))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return TextTemplate(tuple(parts))


def lookup(obj: Any, fields: tuple[str, ...], where: Any, *, strict: bool = True) -> Any:
    """Follow `fields` into nested dicts. A row of data may lack a field (a label-only line, padding in
    a panel): that is a blank; the context a template is given must have what the template names."""
    for name in fields:
        if isinstance(obj, dict) and name in obj:
            obj = obj[name]
        elif obj is None or (not strict and isinstance(obj, dict)):
            return None
        else:
            raise TemplateError(f"{where() if callable(where) else where}：没有「{name}」")
    return obj
