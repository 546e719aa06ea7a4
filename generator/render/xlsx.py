"""The xlsx template engine.

A template is a real workbook (made and restyled in Excel, WPS or LibreOffice). Cells hold placeholders
(see placeholders.py); the rows whose placeholders start with a block's name (`行`, or another name a
format gives) form a repeated block; a sheet may have several. A template is compiled once — its parts
read, its sheets parsed into rows, cells and merges — and then rendered for any number of units by
writing sheet XML directly: the rows above a block as they are, the block once per row of data (styles,
heights and merges copied), the rows below moved down with their merges, print areas, page breaks and
formulas. Untouched parts (styles, theme, shared strings) are copied byte for byte. Text is always
written as an inline string, so spec text never becomes a formula; numbers are written as numbers and
shown as the template's number format says.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import column_index_from_string, get_column_letter

from .package import core_properties, read_parts, zip_bytes
from .placeholders import Placeholder, TemplateError, TextTemplate, compile_text

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
Q = f"{{{NS}}}"
REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
LINE_HEIGHT = 13.5  # points per line of 10–11 pt text
# worksheet children after sheetData, in schema order; mergeCells goes before the first of these
AFTER_MERGES = ("phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions",
                "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties",
                "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
                "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")

Resolver = Callable[[Placeholder, "dict | None"], Any]


@dataclass
class Cell:
    col: int
    attrs: dict[str, str]  # s, t … (without r)
    inner: str  # the cell's children as XML (<v>, <f>, <is>) for a static cell
    text: TextTemplate | None = None
    formula: str | None = None

    def __post_init__(self) -> None:
        self.letter = get_column_letter(self.col)
        # attributes pre-rendered once: without t (a value cell sets its own), and as the template has them
        self.plain_attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items() if k != "t")
        self.static_attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())


@dataclass
class Row:
    r: int
    attrs: dict[str, str]
    cells: list[Cell]

    def __post_init__(self) -> None:
        self.attrs = {k: v for k, v in self.attrs.items() if ":" not in k and "{" not in k}
        self.attr_xml = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())
        # a row of only fixed cells is the same XML wherever it lands: pre-render it around its row number
        self.fixed = None
        if all(c.text is None and c.formula is None for c in self.cells):
            self.fixed = [(f'<c r="{c.letter}', f'"{c.static_attrs}>{c.inner}</c>' if c.inner else f'"{c.static_attrs}/>')
                          for c in self.cells]

    @property
    def roots(self) -> set[str]:
        return {p.root for c in self.cells if c.text for p in c.text.placeholders}


@dataclass
class Merge:
    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.c1)}{self.r1}:{get_column_letter(self.c2)}{self.r2}"


@dataclass
class SheetTemplate:
    name: str
    part: str
    rels: bytes | None
    root_open: str
    head: list[tuple[str, str]]  # (tag, xml) before sheetData
    rows: list[Row]
    merges: list[Merge]
    tail: list[tuple[str, str]]  # (tag, xml) after sheetData, without mergeCells

    @cached_property
    def widths(self) -> dict[int, float]:
        """Column widths (in characters) from <cols>."""
        out: dict[int, float] = {}
        for tag, xml in self.head:
            if tag == "cols":
                for col in re.finditer(r"<col\b[^>]*>", xml):
                    attrs = dict(re.findall(r'(\w+)="([^"]*)"', col.group(0)))
                    if "width" in attrs:
                        for c in range(int(attrs["min"]), int(attrs["max"]) + 1):
                            out[c] = float(attrs["width"])
        return out

    @cached_property
    def spans(self) -> dict[tuple[int, int], float]:
        """(row, first column) → width of a one-row merge starting there."""
        return {(m.r1, m.c1): sum(self.widths.get(c, DEFAULT_WIDTH) for c in range(m.c1, m.c2 + 1))
                for m in self.merges if m.r1 == m.r2}

    def text_width(self, row: int, col: int) -> float:
        return self.spans.get((row, col)) or self.widths.get(col, DEFAULT_WIDTH)

    def blocks(self, names: list[str]) -> list[tuple[str, int, int]]:
        """(name, first row, last row) of each repeated block, top to bottom."""
        out = []
        for name in names:
            rows = [row.r for row in self.rows if name in row.roots]
            if not rows:
                continue
            first, last = min(rows), max(rows)
            if rows != list(range(first, last + 1)):
                raise TemplateError(f"工作表「{self.name}」中「{name}」的重复行必须相邻：第 {rows} 行")
            out.append((name, first, last))
        out.sort(key=lambda b: b[1])
        for (a, _, a2), (b, b1, _) in zip(out, out[1:]):
            if b1 <= a2:
                raise TemplateError(f"工作表「{self.name}」中「{a}」与「{b}」的重复行交叠")
        return out


@dataclass
class SheetFill:
    """What one output sheet shows: which template sheet, its name, its blocks' rows, how to resolve values."""

    template: str
    name: str
    resolve: Resolver
    blocks: dict[str, list[dict]] = field(default_factory=dict)  # block name → its rows of data


@dataclass(frozen=True)
class RowMap:
    """Where template rows land once each block (first, last, extra rows) is repeated."""

    blocks: tuple[tuple[int, int, int], ...]

    def start(self, r: int) -> int:
        """A row, or the first row of a range: rows below a block move down by its extra rows."""
        return r + sum(d for _, b2, d in self.blocks if r > b2)

    def end(self, r: int) -> int:
        """The last row of a range: a range that reaches a block's last row grows with it."""
        return r + sum(d for _, b2, d in self.blocks if r >= b2)

    def removed(self, r1: int, r2: int) -> bool:
        """Whether rows r1..r2 all belong to a block that has no rows of data."""
        return any(b1 <= r1 and r2 <= b2 and d == -(b2 - b1 + 1) for b1, b2, d in self.blocks)


@dataclass
class Rendered:
    name: str
    template: SheetTemplate
    xml: bytes
    rows: RowMap


class XlsxTemplate:
    """A compiled template workbook."""

    def __init__(self, path: Path):
        self.path = path
        self.parts = read_parts(path)
        workbook = etree.fromstring(self.parts["xl/workbook.xml"])
        rels = etree.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        targets = {r.get("Id"): r.get("Target") for r in rels}
        self.shared = self._shared_strings()
        self.sheets: dict[str, SheetTemplate] = {}
        for sheet in workbook.find(f"{Q}sheets"):
            target = targets[sheet.get(f"{{{REL_NS}}}id")]
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            rels_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            self.sheets[sheet.get("name")] = self._compile(sheet.get("name"), part, self.parts.get(rels_part))
        self.order = list(self.sheets)

    # --- compile ---------------------------------------------------------------------------------------

    def _shared_strings(self) -> list[str]:
        data = self.parts.get("xl/sharedStrings.xml")
        if not data:
            return []
        root = etree.fromstring(data)
        return ["".join(si.itertext()) for si in root.findall(f"{Q}si")]

    def _compile(self, name: str, part: str, rels: bytes | None) -> SheetTemplate:
        root = etree.fromstring(self.parts[part])
        head, tail, rows, merges = [], [], [], []
        seen_data = False
        for child in root:
            tag = etree.QName(child).localname
            if tag == "sheetData":
                seen_data = True
                rows = [self._row(name, r) for r in child.findall(f"{Q}row")]
            elif tag == "mergeCells":
                for m in child.findall(f"{Q}mergeCell"):
                    (c1, r1), (c2, r2) = (_split(x) for x in m.get("ref").split(":"))
                    merges.append(Merge(r1, c1, r2, c2))
            elif tag != "dimension":
                (tail if seen_data else head).append((tag, etree.tostring(child, encoding="unicode")))
        nsdecl = " ".join(f'xmlns{":" + k if k else ""}="{v}"' for k, v in root.nsmap.items())
        attrs = "".join(f" {_qname(k, root.nsmap)}={quoteattr(v)}" for k, v in root.attrib.items())
        return SheetTemplate(name, part, rels, f"<worksheet {nsdecl}{attrs}>", head, rows, merges, tail)

    def _row(self, sheet: str, el: etree._Element) -> Row:
        cells = []
        for c in el.findall(f"{Q}c"):
            col, _ = _split(c.get("r"))
            attrs = {k: v for k, v in c.attrib.items() if k != "r"}
            inner = "".join(etree.tostring(child, encoding="unicode") for child in c)
            text, formula = None, None
            kind = c.get("t")
            f = c.find(f"{Q}f")
            try:
                if f is not None and f.text:
                    formula = f.text
                elif kind == "s":
                    text = compile_text(self.shared[int(c.findtext(f"{Q}v"))])
                elif kind in ("inlineStr", "str"):
                    raw = "".join(c.find(f"{Q}is").itertext()) if kind == "inlineStr" else c.findtext(f"{Q}v") or ""
                    text = compile_text(raw)
            except TemplateError as exc:
                raise TemplateError(f"工作表「{sheet}」{c.get('r')}：{exc}") from None
            cells.append(Cell(col, attrs, _strip_ns(inner), text, formula))
        attrs = {k: v for k, v in el.attrib.items() if k not in ("r", "spans")}
        return Row(int(el.get("r")), attrs, cells)

    # --- render ----------------------------------------------------------------------------------------

    def render(self, fills: list[SheetFill], *, title: str, when: str) -> bytes:
        rendered = []
        for fill in fills:
            if fill.template not in self.sheets:
                raise TemplateError(f"模板 {self.path.name} 中没有工作表「{fill.template}」")
            rendered.append(self._sheet(self.sheets[fill.template], fill, first=not rendered))
        parts = self._package(rendered, title, when)
        return zip_bytes(parts, frozenset(k for k, v in parts.items() if self.parts.get(k) is v))

    def _sheet(self, t: SheetTemplate, fill: SheetFill, first: bool) -> Rendered:
        where = f"工作表「{t.name}」"
        spans = t.blocks(list(fill.blocks))
        rows = RowMap(tuple((b1, b2, (len(fill.blocks[name]) - 1) * (b2 - b1 + 1)) for name, b1, b2 in spans))
        inside = {r for _, b1, b2 in spans for r in range(b1, b2 + 1)}
        out_rows: list[tuple[int, str]] = []
        max_col = 0
        merge_cols: dict[int, list[tuple[int, str]]] = {}
        for row in t.rows:
            max_col = max([max_col, *(c.col for c in row.cells)])
            if row.r not in inside:
                r = rows.start(row.r)
                out_rows.append((r, self._row_xml(t, row, r, fill.resolve, None, where, rows, merge_cols)))
        for name, b1, b2 in spans:  # each block once per row of data
            h, base = b2 - b1 + 1, rows.start(b1)
            for k, data in enumerate(fill.blocks[name]):
                for row in (x for x in t.rows if b1 <= x.r <= b2):
                    r = base + k * h + row.r - b1
                    out_rows.append((r, self._row_xml(t, row, r, fill.resolve, data, where, rows, merge_cols)))
        out_rows.sort(key=lambda x: x[0])
        merges = self._merges(t, spans, fill.blocks, rows, where) + _group_merges(merge_cols)
        last_row = max([rows.end(row.r) for row in t.rows] or [1])
        dim = f"A1:{get_column_letter(max(max_col, 1))}{max(last_row, 1)}"
        head = "".join(_sheet_view(xml, first) if tag == "sheetViews" else xml for tag, xml in t.head)
        tail = [(tag, _shift_tail(tag, xml, rows)) for tag, xml in t.tail]
        merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m.ref}"/>' for m in merges)
                     + "</mergeCells>") if merges else ""
        at = next((i for i, (tag, _) in enumerate(tail) if tag in AFTER_MERGES), len(tail))
        body = "".join(xml for _, xml in tail[:at]) + merge_xml + "".join(xml for _, xml in tail[at:])
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{t.root_open}'
               f'{_with_dimension(head, dim)}<sheetData>{"".join(x for _, x in out_rows)}</sheetData>{body}</worksheet>')
        return Rendered(fill.name, t, xml.encode("utf-8"), rows)

    def _row_xml(self, t: SheetTemplate, row: Row, r: int, resolve: Resolver, data: dict | None, where: str,
                 rows: RowMap, merge_cols: dict) -> str:
        if row.fixed is not None:
            n = str(r)
            return f'<row r="{n}"{row.attr_xml}>' + "".join(pre + n + post for pre, post in row.fixed) + "</row>"
        cells = []
        lines = 1
        for c in row.cells:
            ref = f"{c.letter}{r}"
            if c.formula is not None:
                cells.append(f'<c r="{ref}"{c.plain_attrs}><f>{escape(_shift_formula(c.formula, rows))}</f></c>')
            elif c.text is not None:
                try:
                    value = _resolve_text(c.text, resolve, data)
                except TemplateError as exc:
                    raise TemplateError(f"{where}{c.letter}{row.r}：{exc}") from None
                single = c.text.single
                if data is not None and single is not None and single.merge:
                    merge_cols.setdefault(c.col, []).append((r, "" if value is None else str(value)))
                cells.append(_value_cell(ref, c.plain_attrs, value))
                if isinstance(value, str) and value:
                    lines = max(lines, _lines(value, t.text_width(row.r, c.col)))
            elif c.inner:
                cells.append(f'<c r="{ref}"{c.static_attrs}>{c.inner}</c>')
            else:
                cells.append(f'<c r="{ref}"{c.static_attrs}/>')
        attr_xml = row.attr_xml
        if lines > 1:  # merged cells never auto-fit: size the row for its wrapped text
            height = round(lines * LINE_HEIGHT + 4, 1)
            if height > float(row.attrs.get("ht", 0)):
                attrs = {**row.attrs, "ht": str(height), "customHeight": "1"}
                attr_xml = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
        return f'<row r="{r}"{attr_xml}>{"".join(cells)}</row>'

    def _merges(self, t: SheetTemplate, spans: list, blocks: dict[str, list[dict]], rows: RowMap,
                where: str) -> list[Merge]:
        out = []
        for m in t.merges:
            span = next(((n, b1, b2) for n, b1, b2 in spans if b1 <= m.r1 and m.r2 <= b2), None)
            if span:  # a merge inside a block: one per repeated row
                name, b1, b2 = span
                h, base = b2 - b1 + 1, rows.start(b1)
                out.extend(Merge(base + k * h + m.r1 - b1, m.c1, base + k * h + m.r2 - b1, m.c2)
                           for k in range(len(blocks[name])))
                continue
            if any(m.r1 <= b2 and m.r2 >= b1 and not (m.r1 <= b1 and m.r2 >= b2) for _, b1, b2 in spans):
                raise TemplateError(f"{where}的合并单元格 {m.ref} 与重复行部分重叠")
            r1, r2 = rows.start(m.r1), rows.end(m.r2)
            if r2 >= r1:
                out.append(Merge(r1, m.c1, r2, m.c2))
        return [m for m in out if (m.r1, m.c1) != (m.r2, m.c2)]

    def _package(self, sheets: list[Rendered], title: str, when: str) -> dict[str, bytes]:
        parts = {k: v for k, v in self.parts.items()
                 if not k.startswith(("xl/worksheets/", "xl/calcChain.xml")) and k != "docProps/core.xml"}
        wb = etree.fromstring(self.parts["xl/workbook.xml"])
        rels = etree.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        for rel in list(rels):
            if rel.get("Type") == SHEET_TYPE or rel.get("Target", "").endswith("calcChain.xml"):
                rels.remove(rel)
        sheets_el = wb.find(f"{Q}sheets")
        for child in list(sheets_el):
            sheets_el.remove(child)
        names = _unique_names([s.name for s in sheets])
        template_index = {name: i for i, name in enumerate(self.order)}
        defined = wb.find(f"{Q}definedNames")
        local_names = []
        if defined is not None:
            for dn in list(defined):
                if dn.get("localSheetId") is not None:
                    local_names.append(dn)
                    defined.remove(dn)
        for i, (s, name) in enumerate(zip(sheets, names), start=1):
            parts[f"xl/worksheets/sheet{i}.xml"] = s.xml
            if s.template.rels:
                parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = s.template.rels
            rid = f"rIdYS{i}"
            etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=SHEET_TYPE, Target=f"worksheets/sheet{i}.xml")
            etree.SubElement(sheets_el, f"{Q}sheet", {"name": name, "sheetId": str(i), f"{{{REL_NS}}}id": rid})
            for dn in local_names:
                if int(dn.get("localSheetId")) == template_index[s.template.name]:
                    copy = etree.SubElement(defined, f"{Q}definedName", dn.attrib)
                    copy.set("localSheetId", str(i - 1))
                    copy.text = _shift_defined(dn.text or "", s.template.name, name, s.rows)
        if defined is not None and not len(defined):
            wb.remove(defined)
        view = wb.find(f"{Q}bookViews/{Q}workbookView")
        if view is not None:
            view.set("activeTab", "0")
            view.set("firstSheet", "0")
        calc = wb.find(f"{Q}calcPr")
        if calc is not None and any(b"<f>" in s.xml for s in sheets):
            calc.set("fullCalcOnLoad", "1")
        parts["xl/workbook.xml"] = etree.tostring(wb, xml_declaration=True, encoding="UTF-8", standalone=True)
        parts["xl/_rels/workbook.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
        parts["[Content_Types].xml"] = _content_types(self.parts["[Content_Types].xml"], len(sheets))
        parts["docProps/app.xml"] = _app_properties(names)
        parts["docProps/core.xml"] = core_properties(title, when)
        return parts


# --- helpers ------------------------------------------------------------------------------------------

def _split(ref: str) -> tuple[int, int]:
    m = REF.match(ref.replace("$", ""))
    if not m:
        raise TemplateError(f"无法识别的单元格地址「{ref}」")
    return column_index_from_string(m.group(1)), int(m.group(2))


def _qname(key: str, nsmap: dict) -> str:
    if key.startswith("{"):
        uri, local = key[1:].split("}")
        prefix = next((p for p, u in nsmap.items() if u == uri and p), None)
        return f"{prefix}:{local}" if prefix else local
    return key


def _strip_ns(xml: str) -> str:
    return xml.replace(f' xmlns="{NS}"', "")


def _resolve_text(text: TextTemplate, resolve: Resolver, data: dict | None) -> Any:
    if text.single is not None:
        return resolve(text.single, data)
    out = []
    for part in text.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            value = resolve(part, data)
            out.append("" if value is None else _as_text(value))
    return "".join(out)


def _as_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a cell `width` characters wide (CJK characters count double)."""
    room = max(width - 1, 2)
    if len(text) * 2 <= room and "\n" not in text:
        return 1
    total = 0
    for para in text.split("\n"):
        units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in para)
        total += max(1, math.ceil(units / room))
    return total


def _value_cell(ref: str, attrs: str, value: Any) -> str:
    if value is None or value == "":
        return f'<c r="{ref}"{attrs}/>'
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{attrs}><v>{format(value, "f")}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{attrs}><v>{value}</v></c>'
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}"{attrs} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _group_merges(columns: dict[int, list[tuple[int, str]]]) -> list[Merge]:
    """Vertical merges of equal neighbours in `|合并` columns; a column's groups also break where a
    merged column to its left breaks (一级 groups contain 二级 groups)."""
    out: list[Merge] = []
    breaks: set[int] = set()
    for col in sorted(columns):
        cells = columns[col]
        start = 0
        for i in range(1, len(cells) + 1):
            if (i == len(cells) or cells[i][1] != cells[start][1] or cells[i][0] in breaks
                    or cells[i][0] != cells[i - 1][0] + 1):
                if i - start > 1 and cells[start][1]:
                    out.append(Merge(cells[start][0], col, cells[i - 1][0], col))
                if i < len(cells):
                    breaks.add(cells[i][0])
                start = i
    return out


def _sheet_view(xml: str, first: bool) -> str:
    return xml if first else re.sub(r'\s+tabSelected="1"', "", xml)


def _with_dimension(head: str, dim: str) -> str:
    tag = f'<dimension ref="{dim}"/>'
    m = re.search(r"</sheetPr>|<sheetPr[^>]*/>", head)
    return head[:m.end()] + tag + head[m.end():] if m else tag + head


def _shift_formula(formula: str, rows: RowMap) -> str:
    """Move references as Excel does when rows are inserted in a block: rows below move down, a range
    reaching the block's last row grows; a range over a block with no rows becomes 0."""
    if not any(d for _, _, d in rows.blocks):
        return formula
    out = []
    for t in Tokenizer("=" + formula).items:
        if t.type == Token.OPERAND and t.subtype == Token.RANGE and "!" not in t.value:
            t.value = _shift_refs(t.value, rows)
        out.append(t.value)
    return "".join(out)


def _shift_refs(text: str, rows: RowMap) -> str:
    """Cell references and ranges (A7, A7:B9, $1:$3) in `text`, moved by `rows`."""
    def range_(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        if rows.removed(_row_of(a), _row_of(b)):
            return "0"  # a range over a block with no rows adds up to nothing
        return f"{_move(a, rows.start)}:{_move(b, rows.end)}"

    def cell(m: re.Match) -> str:
        r = _row_of(m.group(1))
        return "0" if rows.removed(r, r) else _move(m.group(1), rows.start)
    text = re.sub(r"(\$?[A-Z]{0,3}\$?\d+):(\$?[A-Z]{0,3}\$?\d+)", range_, text)
    return re.sub(r"(?<![:\w$])(\$?[A-Z]{1,3}\$?\d+)(?![:\d])", cell, text)


def _row_of(ref: str) -> int:
    return int(re.search(r"(\d+)$", ref).group(1))


def _move(ref: str, how: Callable[[int], int]) -> str:
    m = re.match(r"(\$?[A-Z]{0,3}\$?)(\d+)$", ref)
    return f"{m.group(1)}{how(int(m.group(2)))}" if m else ref


def _shift_tail(tag: str, xml: str, rows: RowMap) -> str:
    if not any(d for _, _, d in rows.blocks):
        return xml
    if tag == "rowBreaks":
        return re.sub(r'(<brk[^>]*\sid=")(\d+)', lambda m: m.group(1) + str(rows.start(int(m.group(2)))), xml)
    if tag in ("conditionalFormatting", "dataValidations", "hyperlinks", "autoFilter"):
        return re.sub(r'((?:sqref|ref)=")([^"]+)', lambda m: m.group(1) + _shift_refs(m.group(2), rows), xml)
    return xml


def _shift_defined(text: str, old: str, new: str, rows: RowMap) -> str:
    """'表二'!$A$1:$E$30 → the new sheet name with rows moved (a print area grows with its block)."""
    def fix(part: str) -> str:
        sheet, _, ref = part.rpartition("!")
        if sheet.strip("'") != old:
            return part
        return f"'{new}'!{_shift_refs(ref, rows)}"
    return ",".join(fix(p) for p in text.split(","))


def _unique_names(names: list[str]) -> list[str]:
    out, seen = [], set()
    for name in names:
        clean = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31] or "Sheet"
        candidate, n = clean, 2
        while candidate.lower() in seen:
            suffix = f"({n})"
            candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _content_types(data: bytes, count: int) -> bytes:
    root = etree.fromstring(data)
    ns = root.nsmap[None]
    for o in list(root):
        part = o.get("PartName", "")
        if part.startswith("/xl/worksheets/") or part.endswith("calcChain.xml"):
            root.remove(o)
    for i in range(1, count + 1):
        etree.SubElement(root, f"{{{ns}}}Override", PartName=f"/xl/worksheets/sheet{i}.xml", ContentType=SHEET_CT)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _app_properties(names: list[str]) -> bytes:
    titles = "".join(f"<vt:lpstr>{escape(n)}</vt:lpstr>" for n in names)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>yusuan</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant>'
        f'<vt:variant><vt:i4>{len(names)}</vt:i4></vt:variant></vt:vector></HeadingPairs>'
        f'<TitlesOfParts><vt:vector size="{len(names)}" baseType="lpstr">{titles}</vt:vector></TitlesOfParts>'
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        "<AppVersion>16.0300</AppVersion></Properties>"
    ).encode("utf-8")
