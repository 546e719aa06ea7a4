"""The reference pipeline the benchmark compares against: the same documents made the straightforward
way — openpyxl loads each template workbook, inserts and styles rows, writes every cell and saves it;
docxtpl loads each docx template and renders and saves it — for every unit, nothing reused. It takes
its numbers from the same figures (so both do the same checking and computing work)."""
from __future__ import annotations

import copy
import html
import io
import re
from pathlib import Path

import openpyxl
from docxtpl import DocxTemplate
from jinja2 import Environment

from generator.checks import Checked
from generator.render.placeholders import compile_text
from generator.render.tables import Builder
from generator.render.words import FILTERS, Words
from generator.render.xlsx import SheetFill


def naive_documents(checked: Checked) -> list[bytes]:
    out = []
    for doc in checked.format.documents:
        path = checked.format.template(doc)
        if path.suffix == ".xlsx":
            out.append(_xlsx(checked, doc, path))
        else:
            out.append(_docx(checked, doc, path))
    return out


def _xlsx(checked: Checked, doc: dict, path: Path) -> bytes:
    wb = openpyxl.load_workbook(path)
    fills = Builder(checked.figures, doc).fills(wb.sheetnames)
    templates = {ws.title: ws for ws in wb.worksheets}
    made = []
    for fill in fills:
        ws = wb.copy_worksheet(templates[fill.template])
        ws.title = fill.name[:31] + ("" if fill.name not in wb.sheetnames else "_")
        _fill(ws, fill)
        made.append(ws)
    for ws in templates.values():
        wb.remove(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fill(ws, fill: SheetFill) -> None:
    texts = {(c.row, c.column): compile_text(c.value) for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "{{" in c.value}
    blocks = []
    for name, rows in fill.blocks.items():
        block_rows = sorted({r for (r, _), t in texts.items() if t and any(p.root == name for p in t.placeholders)})
        if block_rows:
            blocks.append((block_rows[0], block_rows[-1], rows))
    for b1, b2, rows in sorted(blocks, reverse=True):  # bottom-up so row numbers above stay valid
        h = b2 - b1 + 1
        extra = (len(rows) - 1) * h
        if extra > 0:
            merges = [m for m in ws.merged_cells.ranges if m.min_row > b2]
            for m in merges:
                ws.merged_cells.remove(m)
            ws.insert_rows(b2 + 1, extra)
            for m in merges:
                ws.merge_cells(start_row=m.min_row + extra, start_column=m.min_col, end_row=m.max_row + extra,
                               end_column=m.max_col)
        for k, data in enumerate(rows):
            for r in range(b1, b2 + 1):
                for col in range(1, ws.max_column + 1):
                    src, dst = ws.cell(r, col), ws.cell(r + k * h, col)
                    text = texts.get((r, col))
                    if k and src.has_style:
                        dst._style = copy.copy(src._style)
                    if text:
                        dst.value = _resolve(text, fill, data)
        if not rows:
            ws.delete_rows(b1, h)
    for (r, col), text in texts.items():
        if text and not any(p.root in fill.blocks for p in text.placeholders):
            ws.cell(r, col).value = _resolve(text, fill, None)


def _resolve(text, fill: SheetFill, data):
    if text.single:
        value = fill.resolve(text.single, data)
        return float(value) if hasattr(value, "as_tuple") else value
    return "".join(p if isinstance(p, str) else str(fill.resolve(p, data) or "") for p in text.parts)


class _Template(DocxTemplate):
    """docxtpl, reading XML escapes inside tags as the characters they stand for (as our engine does:
    {{ 数('基本支出&amp;…') }} means &)."""

    def patch_xml(self, src_xml: str) -> str:
        return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", lambda m: html.unescape(m.group(0)), super().patch_xml(src_xml), flags=re.S)


def _docx(checked: Checked, doc: dict, path: Path) -> bytes:
    tpl = _Template(str(path))
    words = Words(checked.figures, doc)
    env = Environment(autoescape=True)
    env.filters.update(FILTERS)
    tpl.render({**words.context(), **words.globals()}, env)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
