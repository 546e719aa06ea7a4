"""The xlsx template engine.

A template is a real workbook (made and restyled in Excel, WPS or LibreOffice). Cells hold placeholders
(see placeholders.py); the rows whose placeholders start with a block's name (`行`, or another name a
format gives) form a repeated block; a sheet may have several. A template is compiled once — its parts
read, its sheets parsed into rows, cells and merges — and then rendered for any number of units by
writing sheet XML directly: the rows above a block as they are, the block once per row of data (styles,
heights and merges copied), the rows below moved down with their merges, print areas, page breaks and
formulas. A formula in a block row is filled down with its copies: its relative references to rows of
that block follow the copy, all others the rows' moves. Shared formulas are expanded into one formula
per cell when the template is read; array and data-table formulas are kept (outside blocks only).
Untouched parts (styles, theme, shared strings) are copied byte for byte. Text is always written as an
inline string, so spec text never becomes a formula; numbers are written as numbers and shown as the
template's number format says.

With live sums (SheetFill.sums, a format's `合计公式`), a block row with children (PARENT) and the total
of a block column (`{{数:X}}` in the column of a block's `{{行:X}}`) are written as =SUM(…) of the rows
below them, with the value cached — where those rows add up exactly to it.
"""
from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import column_index_from_string, get_column_letter

from .package import Deflated, Deflater, core_properties, read_parts, zip_bytes
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

PARENT = "__parent__"  # a block row's data may name its parent row (its index in the block): live sums add children
RANGE_ATTRS = ("ref", "r1", "r2")  # attributes of an array or data-table <f> that name cells of the sheet

Resolver = Callable[[Placeholder, "dict | None"], Any]


@dataclass(frozen=True)
class Constant:
    """A figure that stays a number under live sums even where its rows add up to it (a 公布数, as published)."""

    value: Decimal


_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,14}[1-9])?")


class NumberText(str):
    """Text that is a plain number as written (an indicator's 指标值 `100`, `98.5`): a workbook stores it as
    the number (Excel flags numbers stored as text), a document prints the text. Only text that a General
    cell shows back exactly (no leading or trailing zeros, at most 15 digits) becomes one."""

    @classmethod
    def of(cls, text: str | None) -> str | None:
        return cls(text) if text is not None and _PLAIN_NUMBER.fullmatch(text) else text


@dataclass(frozen=True)
class Formula:
    """A template cell's formula, tokenized once into pieces (text, whether a reference to this sheet);
    an array or data-table formula keeps its <f> attributes."""

    pieces: tuple[tuple[str, bool], ...]
    attrs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str, attrs: dict[str, str] | None = None) -> Formula:
        items = Tokenizer("=" + text).items if text else []
        return cls(tuple((t.value, t.type == Token.OPERAND and t.subtype == Token.RANGE and "!" not in t.value)
                         for t in items), tuple((attrs or {}).items()))

    def rows(self, row: int) -> tuple[int, int]:
        """The rows an array or data-table formula fills (its own row for any other)."""
        ref = dict(self.attrs).get("ref", "")
        return (_row_of(ref.split(":")[0]), _row_of(ref.split(":")[-1])) if ref else (row, row)

    def xml(self, rows: RowMap, copy: tuple[int, int, int] | None = None) -> str:
        """<f> at its place: references moved by `rows` and, in a copy of a block row, filled down (see _shift_refs)."""
        moves = any(d for _, _, d in rows.blocks) or (copy is not None and copy[2] != 0)
        text = "".join(_shift_refs(v, rows, copy) if ref and moves else v for v, ref in self.pieces)
        attrs = "".join(f" {k}={quoteattr(_shift_refs(v, rows) if k in RANGE_ATTRS and moves else v)}"
                        for k, v in self.attrs)
        return f"<f{attrs}>{escape(text)}</f>" if text else f"<f{attrs}/>"


@dataclass
class Cell:
    col: int
    attrs: dict[str, str]  # s, t … (without r)
    inner: str  # the cell's children as XML (<v>, <f>, <is>) for a static cell
    text: TextTemplate | None = None
    formula: Formula | None = None

    def __post_init__(self) -> None:
        self.letter = get_column_letter(self.col)
        # attributes pre-rendered once: without t (a value cell sets its own), and as the template has them
        self.plain_attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items() if k != "t")
        self.static_attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())
        # a fixed cell is the same XML in any row: pre-rendered around its row number
        self.pre = f'<c r="{self.letter}'
        self.post = f'"{self.static_attrs}>{self.inner}</c>' if self.inner else f'"{self.static_attrs}/>'


@dataclass
class Row:
    r: int
    attrs: dict[str, str]
    cells: list[Cell]

    def __post_init__(self) -> None:
        self.attrs = {k: v for k, v in self.attrs.items() if ":" not in k and "{" not in k}
        self.attr_xml = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())
        # a row of only fixed cells: its XML around each place its row number goes (joined by the number)
        self.fixed = None
        if all(c.text is None and c.formula is None for c in self.cells):
            pres, posts = [c.pre for c in self.cells], [c.post for c in self.cells]
            self.fixed = ['<row r="', *(x + y for x, y in zip([f'"{self.attr_xml}>', *posts], [*pres, "</row>"]))]

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
    _blocks: dict[tuple[str, ...], list[tuple[str, int, int]]] = field(default_factory=dict, repr=False)
    _heads: dict[bool, tuple[str, str]] = field(default_factory=dict, repr=False)

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

    @cached_property
    def max_col(self) -> int:
        return max((c.col for row in self.rows for c in row.cells), default=0)

    def head_xml(self, first: bool) -> tuple[str, str]:
        """The XML before sheetData, around where its <dimension> goes; only the first sheet is selected."""
        if first not in self._heads:
            head = "".join(_sheet_view(xml, first) if tag == "sheetViews" else xml for tag, xml in self.head)
            m = re.search(r"</sheetPr>|<sheetPr[^>]*/>", head)
            self._heads[first] = (head[:m.end()], head[m.end():]) if m else ("", head)
        return self._heads[first]

    def text_width(self, row: int, col: int) -> float:
        return self.spans.get((row, col)) or self.widths.get(col, DEFAULT_WIDTH)

    def blocks(self, names: list[str]) -> list[tuple[str, int, int]]:
        """(name, first row, last row) of each repeated block, top to bottom (found once per set of names)."""
        key = tuple(names)
        if key not in self._blocks:
            self._blocks[key] = self._find_blocks(names)
        return self._blocks[key]

    def _find_blocks(self, names: list[str]) -> list[tuple[str, int, int]]:
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
        for (a, _, a2), (b, b1, _) in pairwise(out):
            if b1 <= a2:
                raise TemplateError(f"工作表「{self.name}」中「{a}」与「{b}」的重复行交叠")
        for row in self.rows:
            for c in row.cells:
                if c.formula is not None and c.formula.attrs:
                    r1, r2 = c.formula.rows(row.r)
                    if any(r1 <= b2 and r2 >= b1 for _, b1, b2 in out):
                        raise TemplateError(f"工作表「{self.name}」{c.letter}{row.r}：数组公式或模拟运算表不能放在重复行中"
                                            "（重复行展开后无法随行复制），请改为普通公式")
        return out


@dataclass
class SheetFill:
    """What one output sheet shows: which template sheet, its name, its blocks' rows, how to resolve values."""

    template: str
    name: str
    resolve: Resolver
    blocks: Mapping[str, Sequence[dict]] = field(default_factory=dict)  # block name → its rows of data
    # live sums (合计公式): figures as cells hold them then (unrounded; a Constant stays a number); None: off
    sums: Resolver | None = None


@dataclass(frozen=True)
class RowMap:
    """Where template rows land once each block (first, last, extra rows) is repeated."""

    blocks: tuple[tuple[int, int, int], ...]
    _moved: dict[tuple[int, bool], int] = field(default_factory=dict, compare=False, repr=False)

    def start(self, r: int) -> int:
        """A row, or the first row of a range: rows below a block move down by its extra rows."""
        return self._move(r, False) if self.blocks else r

    def end(self, r: int) -> int:
        """The last row of a range: a range that reaches a block's last row grows with it."""
        return self._move(r, True) if self.blocks else r

    def _move(self, r: int, to_end: bool) -> int:
        hit = self._moved.get((r, to_end))
        if hit is None:
            hit = self._moved[(r, to_end)] = r + sum(d for _, b2, d in self.blocks if r > b2 or (to_end and r == b2))
        return hit

    def removed(self, r1: int, r2: int) -> bool:
        """Whether rows r1..r2 all belong to a block that has no rows of data."""
        return any(b1 <= r1 and r2 <= b2 and d == -(b2 - b1 + 1) for b1, b2, d in self.blocks)


@dataclass
class _Writing:
    """One output sheet as it is written."""

    t: SheetTemplate
    fill: SheetFill
    rows: RowMap
    where: str
    merge_cols: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # `|合并` columns: (row, text)
    sums: dict[tuple[int, int], tuple[Any, str | None]] = field(default_factory=dict)  # see XlsxTemplate._sums

    def resolve(self, resolver: Resolver, c: Cell, r: int, data: dict | None) -> Any:
        """A placeholder cell's value (`r`: its template row, named in errors)."""
        assert c.text is not None
        try:
            single = c.text.single
            return resolver(single, data) if single is not None else _resolve_text(c.text, resolver, data)
        except TemplateError as exc:
            raise TemplateError(f"{self.where}{c.letter}{r}：{exc}") from None


@dataclass
class Rendered:
    name: str
    template: SheetTemplate
    xml: Deflated
    rows: RowMap
    formulas: bool  # the sheet holds a formula (workbook.xml then asks for a full recalculation)


class XlsxTemplate:
    """A compiled template workbook."""

    def __init__(self, path: Path):
        self.path = path
        self.parts = read_parts(path)
        workbook = etree.fromstring(self.parts["xl/workbook.xml"])
        rels = etree.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        targets = {r.get("Id"): r.get("Target") for r in rels}
        self.shared = self._shared_strings()
        self.number_formats = _number_formats(self.parts.get("xl/styles.xml"))
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
        head: list[tuple[str, str]] = []
        tail: list[tuple[str, str]] = []
        rows: list[Row] = []
        merges: list[Merge] = []
        seen_data = False
        for child in root:
            tag = etree.QName(child).localname
            if tag == "sheetData":
                seen_data = True
                masters = {f.get("si"): (f.text, f.getparent().get("r")) for f in child.iter(f"{Q}f")
                           if f.get("t") == "shared" and f.text}
                rows = [self._row(name, r, masters) for r in child.findall(f"{Q}row")]
            elif tag == "mergeCells":
                for m in child.findall(f"{Q}mergeCell"):
                    (c1, r1), (c2, r2) = (_split(x) for x in m.get("ref").split(":"))
                    merges.append(Merge(r1, c1, r2, c2))
            elif tag != "dimension":
                (tail if seen_data else head).append((tag, etree.tostring(child, encoding="unicode")))
        nsdecl = " ".join(f'xmlns{":" + k if k else ""}="{v}"' for k, v in root.nsmap.items())
        attrs = "".join(f" {_qname(k, root.nsmap)}={quoteattr(v)}" for k, v in root.attrib.items())
        return SheetTemplate(name, part, rels, f"<worksheet {nsdecl}{attrs}>", head, rows, merges, tail)

    def _row(self, sheet: str, el: etree._Element, masters: dict[str, tuple[str, str]]) -> Row:
        cells = []
        for c in el.findall(f"{Q}c"):
            col, _ = _split(c.get("r"))
            attrs = {k: v for k, v in c.attrib.items() if k != "r"}
            inner = "".join(etree.tostring(child, encoding="unicode") for child in c)
            text, formula = None, None
            kind = c.get("t")
            f = c.find(f"{Q}f")
            try:
                if f is not None and (f.text or f.get("t") in ("shared", "array", "dataTable")):
                    formula = _formula(f, c.get("r"), masters)
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
        rendered: list[Rendered] = []
        for fill in fills:
            if fill.template not in self.sheets:
                raise TemplateError(f"模板 {self.path.name} 中没有工作表「{fill.template}」")
            rendered.append(self._sheet(self.sheets[fill.template], fill, first=not rendered))
        parts = self._package(rendered, title, when)
        return zip_bytes(parts, frozenset(k for k, v in parts.items() if self.parts.get(k) is v))

    def _sheet(self, t: SheetTemplate, fill: SheetFill, first: bool) -> Rendered:
        spans = t.blocks(list(fill.blocks))
        rows = RowMap(tuple((b1, b2, (len(fill.blocks[name]) - 1) * (b2 - b1 + 1)) for name, b1, b2 in spans))
        w = _Writing(t, fill, rows, f"工作表「{t.name}」")
        if fill.sums is not None:
            w.sums = self._sums(w, spans)
        out = Deflater()  # row by row: a sheet of thousands of rows is never whole in memory
        formulas = False
        last_row = max([rows.end(row.r) for row in t.rows] or [1])
        before, after = t.head_xml(first)
        head = f'{before}<dimension ref="A1:{get_column_letter(max(t.max_col, 1))}{max(last_row, 1)}"/>{after}'
        start = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{t.root_open}{head}<sheetData>'
        for xml in itertools.chain([start], self._rows_xml(w, spans)):
            piece = xml.encode("utf-8")
            formulas = formulas or b"<f>" in piece
            out.write(piece)
        merges = self._merges(t, spans, fill.blocks, rows, w.where) + _group_merges(w.merge_cols)
        tail = [(tag, _shift_tail(tag, xml, rows)) for tag, xml in t.tail]
        merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m.ref}"/>' for m in merges)
                     + "</mergeCells>") if merges else ""
        at = next((i for i, (tag, _) in enumerate(tail) if tag in AFTER_MERGES), len(tail))
        body = "".join(xml for _, xml in tail[:at]) + merge_xml + "".join(xml for _, xml in tail[at:])
        end = f"</sheetData>{body}</worksheet>".encode()
        out.write(end)
        return Rendered(fill.name, t, out.close(), rows, formulas or b"<f>" in end)

    def _rows_xml(self, w: _Writing, spans: list[tuple[str, int, int]]) -> Iterator[str]:
        """The sheet's rows in order: each template row outside the blocks once, each block once per row
        of its data (at its first row)."""
        t, rows = w.t, w.rows
        starts = {b1: (name, b1, b2) for name, b1, b2 in spans}
        inside = {r for _, b1, b2 in spans for r in range(b1, b2 + 1)}
        for row in t.rows:
            if row.r not in inside:
                r = rows.start(row.r)
                yield self._row_xml(w, row, r, None)
            elif row.r in starts:
                name, b1, b2 = starts[row.r]
                h, base = b2 - b1 + 1, rows.start(b1)
                block = [x for x in t.rows if b1 <= x.r <= b2]
                for k, data in enumerate(w.fill.blocks[name]):
                    for x in block:
                        r = base + k * h + x.r - b1
                        yield self._row_xml(w, x, r, data, (b1, b2, k * h))

    def _row_xml(self, w: _Writing, row: Row, r: int, data: dict | None,
                 copy: tuple[int, int, int] | None = None) -> str:
        """One output row; `copy` for a block row: the block's first and last template rows and how far
        this copy lies below the first."""
        n = str(r)
        if row.fixed is not None:
            return n.join(row.fixed)
        cells = []
        lines = 1
        sums, resolver = w.sums, w.fill.resolve
        try:
            for c in row.cells:
                text = c.text
                if text is None:
                    cells.append(c.pre + n + c.post if c.formula is None else
                                 f'{c.pre}{n}"{c.plain_attrs}>{c.formula.xml(w.rows, copy)}</c>')
                    continue
                if c.formula is not None:
                    cells.append(f'{c.pre}{n}"{c.plain_attrs}>{c.formula.xml(w.rows, copy)}</c>')
                    continue
                if sums and (r, c.col) in sums:
                    cells.append(_value_cell(c.letter + n, c.plain_attrs, *sums[(r, c.col)]))
                    continue
                single = text.single
                if single is None:
                    value = _resolve_text(text, resolver, data)
                else:
                    value = resolver(single, data)
                    if data is not None and single.merge:
                        w.merge_cols.setdefault(c.col, []).append((r, "" if value is None else str(value)))
                cells.append(_value_cell(c.letter + n, c.plain_attrs, value))
                if value and isinstance(value, str):
                    lines = max(lines, _lines(value, w.t.text_width(row.r, c.col)))
        except TemplateError as exc:  # where: the template's cell
            raise TemplateError(f"{w.where}{c.letter}{row.r}：{exc}") from None
        attr_xml = row.attr_xml
        if lines > 1:  # merged cells never auto-fit: size the row for its wrapped text
            height = round(lines * LINE_HEIGHT + 4, 1)
            if height > float(row.attrs.get("ht", 0)):
                attrs = {**row.attrs, "ht": str(height), "customHeight": "1"}
                attr_xml = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
        return f'<row r="{r}"{attr_xml}>{"".join(cells)}</row>'

    def _sums(self, w: _Writing, spans: list[tuple[str, int, int]]) -> dict[tuple[int, int], tuple[Any, str | None]]:
        """Live sums: (output row, column) → (value held, SUM formula or None) for each figure cell of a
        block (`{{行:X}}`) and each total of such a column (`{{数:X}}` outside the blocks). A row sums
        its children, a total the block's top-level rows — where they add up exactly to what the cell
        holds, and it is no Constant: a cell holds its figure unrounded, so the sums recalculate to the
        printed totals, 尾差 included."""
        held_by = w.fill.sums
        assert held_by is not None
        out: dict[tuple[int, int], tuple[Any, str | None]] = {}
        inside = {r for _, b1, b2 in spans for r in range(b1, b2 + 1)}
        totals = [(row.r, c) for row in w.t.rows if row.r not in inside for c in row.cells if _figure(c, "数") is not None]
        for name, b1, b2 in spans:
            data = w.fill.blocks[name]
            children: dict[int | None, list[int]] = {k: [] for k in [None, *range(len(data))]}
            for k, d in enumerate(data):
                children[d.get(PARENT)].append(k)
            h, base = b2 - b1 + 1, w.rows.start(b1)
            for row in (x for x in w.t.rows if b1 <= x.r <= b2):
                for c in (c for c in row.cells if _figure(c, name) is not None):
                    self._money_format(w, c, row.r)
                    at = [base + k * h + row.r - b1 for k in range(len(data))]
                    held = [w.resolve(held_by, c, row.r, d) for d in data]
                    for k in range(len(data)):
                        out[(at[k], c.col)] = _summed(held[k], [(at[i], held[i]) for i in children[k]], c.letter)
                    for r0, total in totals:
                        if total.col == c.col and _figure(total, "数") == _figure(c, name):
                            self._money_format(w, total, r0)
                            value = w.resolve(held_by, total, r0, None)
                            out.setdefault((w.rows.start(r0), c.col),
                                           _summed(value, [(at[i], held[i]) for i in children[None]], c.letter))
        return out

    def _money_format(self, w: _Writing, c: Cell, r: int) -> None:
        """A cell holding an unrounded amount must show it with two decimals, as the figure is printed."""
        style = int(c.attrs.get("s", 0))
        code = self.number_formats[style] if style < len(self.number_formats) else "General"
        if not _two_decimals(code):
            raise TemplateError(f"{w.where}{c.letter}{r}：合计公式要求金额单元格的数字格式为两位小数（如 0.00），"
                                f"此单元格为「{code}」")

    def _merges(self, t: SheetTemplate, spans: list, blocks: Mapping[str, Sequence[dict]], rows: RowMap,
                where: str) -> list[Merge]:
        out: list[Merge] = []
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

    def _package(self, sheets: list[Rendered], title: str, when: str) -> dict[str, bytes | Deflated]:
        """The workbook's parts: the template's own, our sheets, and workbook.xml, its relationships and
        [Content_Types].xml written from their text made once per template (see _book)."""
        names = _unique_names([s.name for s in sheets])
        template_index = {name: i for i, name in enumerate(self.order)}
        book = self._book
        sheet_xml, rel_xml, local_xml = [], [], []
        parts: dict[str, bytes | Deflated] = dict(book.parts)
        for i, (s, name) in enumerate(zip(sheets, names), start=1):
            parts[f"xl/worksheets/sheet{i}.xml"] = s.xml
            if s.template.rels:
                parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = s.template.rels
            sheet_xml.append(_fill(book.sheet, name=_attr(name), id=str(i), rid=f"rIdYS{i}"))
            rel_xml.append(_fill(book.rel, rid=f"rIdYS{i}", target=f"worksheets/sheet{i}.xml"))
            for written, pattern in book.local_names.get(template_index[s.template.name], ()):
                text = _shift_defined(written, s.template.name, name, s.rows)
                local_xml.append(_fill(pattern, sheet=str(i - 1), text=escape(text).replace("\r", "&#13;")))
        workbook = book.workbook(any(s.formulas for s in sheets), bool(local_xml))
        parts["xl/workbook.xml"] = _fill(workbook, sheets="".join(sheet_xml), names="".join(local_xml)).encode("utf-8")
        parts["xl/_rels/workbook.xml.rels"] = _fill(book.rels, rels="".join(rel_xml)).encode("utf-8")
        parts["[Content_Types].xml"] = book.content_types(len(sheets))
        parts["docProps/app.xml"] = _app_properties(names)
        parts["docProps/core.xml"] = core_properties(title, when)
        return parts

    def shared_parts(self) -> list[bytes]:
        """The parts every output carries unchanged."""
        return [data for name, data in self._book.parts.items() if self.parts.get(name) is data]

    @cached_property
    def _book(self) -> _Book:
        return _Book(self.parts)


PROBE = "\ue000"  # marks, in text lxml wrote once, the places each output fills in (never in a workbook's XML)


def _fill(pattern: str, /, **values: str) -> str:
    for key, value in values.items():
        pattern = pattern.replace(f"{PROBE}{key}{PROBE}", value)
    return pattern


def _attr(value: str) -> str:
    """An attribute value as lxml writes it."""
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


class _Book:
    """workbook.xml, its relationships and [Content_Types].xml of a template as lxml writes them for an
    output, made once: the template's sheets and the names local to them left out, the workbook opened at
    its first sheet, and probes (PROBE…PROBE) where each output writes its sheets, their relationships
    and its copies of the local names (print areas …), and the text of one of each such element."""

    def __init__(self, parts: dict[str, bytes]):
        self.parts = {k: v for k, v in parts.items()
                      if not k.startswith(("xl/worksheets/", "xl/calcChain.xml")) and k != "docProps/core.xml"}
        self._source = parts
        self._workbooks: dict[tuple[bool, bool], str] = {}
        self._types: dict[int, bytes] = {}
        wb, local = self._tree()
        self.has_names = wb.find(f"{Q}definedNames") is not None and len(wb.find(f"{Q}definedNames")) > 0
        sheets = wb.find(f"{Q}sheets")
        etree.SubElement(sheets, f"{Q}sheet", {"name": _probe("name"), "sheetId": _probe("id"), f"{{{REL_NS}}}id": _probe("rid")})
        defined = wb.find(f"{Q}definedNames")
        for k, dn in enumerate(local):
            copy = etree.SubElement(defined, dn.tag, dn.attrib)
            copy.set("localSheetId", _probe("sheet"))
            copy.text = _probe(f"text{k}")
        text = _serialised(wb)
        self.sheet = _element(f"<[^<>]*{_probe('name')}[^<>]*/>", text)
        self.local_names: dict[int, list[tuple[str, str]]] = {}  # template sheet → (its name's text, pattern)
        for k, dn in enumerate(local):
            pattern = _element(f"<[^<>]*>{_probe(f'text{k}')}</[^<>]*>", text)
            self.local_names.setdefault(int(dn.get("localSheetId")), []).append(
                (dn.text or "", pattern.replace(_probe(f"text{k}"), _probe("text"))))
        rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
        for rel in list(rels):
            if rel.get("Type") == SHEET_TYPE or rel.get("Target", "").endswith("calcChain.xml"):
                rels.remove(rel)
        etree.SubElement(rels, f"{{{PKG_REL_NS}}}Relationship", Id=_probe("rid"), Type=SHEET_TYPE, Target=_probe("target"))
        text = _serialised(rels)
        self.rel = _element(f"<[^<>]*{_probe('rid')}[^<>]*/>", text)
        self.rels = text.replace(self.rel, _probe("rels"))

    def _tree(self) -> tuple[etree._Element, list[etree._Element]]:
        """workbook.xml without its sheets and local names (returned apart), opened at the first sheet."""
        wb = etree.fromstring(self._source["xl/workbook.xml"])
        sheets = wb.find(f"{Q}sheets")
        for child in list(sheets):
            sheets.remove(child)
        defined = wb.find(f"{Q}definedNames")
        local = []
        if defined is not None:
            for dn in list(defined):
                if dn.get("localSheetId") is not None:
                    local.append(dn)
                    defined.remove(dn)
        view = wb.find(f"{Q}bookViews/{Q}workbookView")
        if view is not None:
            view.set("activeTab", "0")
            view.set("firstSheet", "0")
        return wb, local

    def workbook(self, formulas: bool, names: bool) -> str:
        """workbook.xml with probes for the sheets and the local names: recalculated on load where a sheet
        has formulas; without definedNames where it names nothing."""
        key = (formulas, names or self.has_names)
        if key not in self._workbooks:
            wb, _ = self._tree()
            sheets = wb.find(f"{Q}sheets")
            sheets.text = (sheets.text or "") + _probe("sheets")
            defined = wb.find(f"{Q}definedNames")
            if defined is not None and not key[1]:
                wb.remove(defined)
            elif defined is not None and len(defined):
                defined[-1].tail = (defined[-1].tail or "") + _probe("names")
            elif defined is not None:
                defined.text = (defined.text or "") + _probe("names")
            calc = wb.find(f"{Q}calcPr")
            if calc is not None and formulas:
                calc.set("fullCalcOnLoad", "1")
            self._workbooks[key] = _serialised(wb)
        return self._workbooks[key]

    def content_types(self, count: int) -> bytes:
        if count not in self._types:
            self._types[count] = _content_types(self._source["[Content_Types].xml"], count)
        return self._types[count]


def _probe(key: str) -> str:
    return f"{PROBE}{key}{PROBE}"


def _element(pattern: str, text: str) -> str:
    """The one probe element `pattern` finds in text we wrote."""
    m = re.search(pattern, text)
    assert m is not None, pattern
    return m.group(0)


def _serialised(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")


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
    if len(text) * 2 <= max(width - 1, 2) and "\n" not in text:
        return 1  # most cells: not worth a place in the cache
    return _wrapped_lines(text, width)


@lru_cache(maxsize=8192)
def _wrapped_lines(text: str, width: float) -> int:
    room = max(width - 1, 2)
    total = 0
    for para in text.split("\n"):
        units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in para)
        total += max(1, math.ceil(units / room))
    return total


def _value_cell(ref: str, attrs: str, value: Any, formula: str | None = None) -> str:
    if formula is not None:
        return f'<c r="{ref}"{attrs}><f>{formula}</f><v>{format(value, "f")}</v></c>'
    if isinstance(value, Decimal):  # first: comparing a Decimal with text asks numbers' ABCs
        return f'<c r="{ref}"{attrs}><v>{format(value, "f")}</v></c>'
    if value is None or value == "":
        return f'<c r="{ref}"{attrs}/>'
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, (int, NumberText)):
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


def _formula(f: etree._Element, ref: str, masters: dict[str, tuple[str, str]]) -> Formula:
    """A cell's formula: a shared one as its master translated to this cell (as Excel fills it); an array
    or data-table formula with its attributes; any other as written."""
    kind = f.get("t")
    if kind == "shared":
        if f.get("si") not in masters:
            raise TemplateError(f"共享公式（si={f.get('si')}）缺少主公式")
        text, origin = masters[f.get("si")]
        return Formula.parse(text if origin == ref else Translator("=" + text, origin=origin).translate_formula(ref)[1:])
    if kind in ("array", "dataTable"):
        return Formula.parse(f.text or "", dict(f.attrib))
    return Formula.parse(f.text)


def _figure(c: Cell, root: str) -> str | None:
    """The expression of a cell that is exactly one figure placeholder of `root` ({{行:X}}, {{数:X}})."""
    single = c.text.single if c.text is not None else None
    return single.expr if single is not None and single.root == root else None


def _summed(value: Any, parts: list[tuple[int, Any]], letter: str) -> tuple[Any, str | None]:
    """(value, SUM formula over the rows of `parts`) where those parts add up exactly to `value`, else (value, None)."""
    fixed = isinstance(value, Constant)
    value = value.value if fixed else value
    amounts = [v.value if isinstance(v, Constant) else v for _, v in parts]
    if fixed or not parts or not isinstance(value, Decimal) or sum((a or 0 for a in amounts), Decimal(0)) != value:
        return value, None
    rows = [r for r, _ in parts]
    runs, start = [], 0  # consecutive rows as one range: SUM(C7:C9,C12)
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i] != rows[i - 1] + 1:
            runs.append(f"{letter}{rows[start]}" + (f":{letter}{rows[i - 1]}" if i - 1 > start else ""))
            start = i
    return value, f"SUM({','.join(runs)})"


def _number_formats(styles: bytes | None) -> list[str]:
    """The number format code of each cell style (cellXfs), by index."""
    if not styles:
        return []
    root = etree.fromstring(styles)
    custom = {int(n.get("numFmtId")): n.get("formatCode") for n in root.iter(f"{Q}numFmt")}
    xfs = root.find(f"{Q}cellXfs")
    ids = [int(xf.get("numFmtId", 0)) for xf in (xfs if xfs is not None else [])]
    return [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in ids]


def _two_decimals(code: str) -> bool:
    """Whether a number format shows a plain number with exactly two decimals (0.00, #,##0.00 …)."""
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0])  # no quoted text, escapes, [Red]
    return bool(re.search(r"[0#]\.00(?![0#])", section)) and not re.search(r"[%Ee]", section)


def _shift_refs(text: str, rows: RowMap, copy: tuple[int, int, int] | None = None) -> str:
    """Cell references and ranges (A7, A7:B9, $1:$3) in `text`, moved by `rows`: rows below a block move
    down, a range reaching a block's last row grows with it, a range over a block with no rows becomes 0.
    In a copy of a block row (`copy`: the block's first and last template rows, how far the copy lies
    below the first), a relative reference to a row of that block moves with the copy, as a formula
    filled down does; absolute rows and rows outside the block only follow `rows`."""
    if copy is None and not any(d for _, _, d in rows.blocks):
        return text  # no row moves
    def move(ref: str, how: Callable[[int], int]) -> str:
        m = re.match(r"(\$?[A-Z]{0,3})(\$?)(\d+)$", ref)
        if not m:
            return ref
        col, fixed, r = m.group(1), m.group(2), int(m.group(3))
        if copy is not None and not fixed and copy[0] <= r <= copy[1]:
            return f"{col}{rows.start(r) + copy[2]}"
        return f"{col}{fixed}{how(r)}"

    def range_(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        if rows.removed(_row_of(a), _row_of(b)):
            return "0"  # a range over a block with no rows adds up to nothing
        return f"{move(a, rows.start)}:{move(b, rows.end)}"

    def cell(m: re.Match) -> str:
        r = _row_of(m.group(1))
        return "0" if rows.removed(r, r) else move(m.group(1), rows.start)
    text = re.sub(r"(\$?[A-Z]{0,3}\$?\d+):(\$?[A-Z]{0,3}\$?\d+)", range_, text)
    return re.sub(r"(?<![:\w$])(\$?[A-Z]{1,3}\$?\d+)(?![:\d])", cell, text)


def _row_of(ref: str) -> int:
    m = re.search(r"(\d+)$", ref)
    if m is None:
        raise TemplateError(f"无法识别的单元格地址「{ref}」")
    return int(m.group(1))


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
    ).encode()
