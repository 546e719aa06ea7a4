"""What a filled workbook says, as facts: each numeric cell a figure (the ledger sum its placeholder names,
within its table's and its row's 范围), an income figure or a 上年对比; each other cell a value (单位.名称,
项目.金额 …); each row of a list (项目, 政府采购, 指标 …) a record of its fields.

The same reading serves the workbook being imported and the workbook rendered from the imported spec, so
the two can be compared cell by cell (verify.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..catalog import Catalog
from ..figures import ExprError, Terms, code_scope, combine, is_income, project_scope, scoped, terms_of
from ..money import Display
from ..render.placeholders import Placeholder, compile_text
from ..vocabulary import CHANGE_CELLS
from .layout import TOTAL_WORDS, Block, Layout, Located, SheetLayout, TCell, locate, norm
from .workbook import Grid, cell_name, number_of, text_of

DIGITS = "一二三四五六七八九十百零"


@dataclass(frozen=True)
class Fact:
    """One cell: a figure (kind 数: key is its Terms), an income figure (收入: its expression), a 上年对比
    (上年对比: (上年|增减额|增减率, name)) or a value (值: its path, e.g. ("单位", "名称"))."""

    kind: str
    key: Any
    value: Any  # Decimal for numbers (None: blank), text otherwise
    sheet: str
    table: str
    cell: str
    display: Display | None = None
    placing: Terms = ()  # the figure without its table's 范围 (how its row and column place it)
    ident: tuple[Any, ...] = ()  # where in the layout (block, row key, placeholder): to pair with a rendered cell
    item: int | None = None  # the item of a 每项 sheet

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"

    @property
    def amount(self) -> Decimal:
        return self.value if isinstance(self.value, Decimal) else Decimal(0)


@dataclass
class Record:
    """A row of a list (清单, 指标, 明细): its fields by path (行.资金.合计 → ("资金", "合计")) and its figures."""

    table: str
    sheet: str
    block: str
    source: tuple[str, str | None]
    index: int
    item: int | None
    fields: dict[tuple[str, ...], Any] = field(default_factory=dict)
    cells: dict[tuple[str, ...], str] = field(default_factory=dict)
    row: int = 0
    display: Display | None = None

    def get(self, *path: str) -> Any:
        return self.fields.get(tuple(path))

    def text(self, *path: str) -> str | None:
        value = self.fields.get(tuple(path))
        text = text_of(value)
        return text or None

    def number(self, *path: str) -> Decimal | None:
        return number_of(self.fields.get(tuple(path)))


@dataclass
class Extracted:
    facts: list[Fact] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    sheets: dict[str, tuple[SheetLayout, int | None]] = field(default_factory=dict)  # workbook sheet → its layout, item
    skipped: list[str] = field(default_factory=list)  # workbook sheets no layout reads
    names: dict[str, str] = field(default_factory=dict)  # 科目 code → the name its row prints

    def values(self, *path: str, item: int | None = None, table: str | None = None) -> list[Fact]:
        return [f for f in self.facts if f.kind == "值" and f.key == tuple(path) and (item is None or f.item == item)
                and (table is None or f.table == table)]

    def value(self, *path: str) -> Any:
        """The first non-blank value of a path anywhere in the workbook."""
        for f in self.values(*path):
            if f.value not in (None, ""):
                return f.value
        return None


def extract(layout: Layout, grids: dict[str, Grid], catalog: Catalog) -> Extracted:
    out = Extracted()
    names = list(grids)
    claimed: set[str] = set()
    for sheet in layout.sheets:
        for item, name in sheet.sheet_names(names):
            if name in claimed:
                continue
            claimed.add(name)
            out.sheets[name] = (sheet, item)
            _Reader(out, sheet, grids[name], item if sheet.each else None, catalog).read()
    out.skipped = [n for n in names if n not in claimed]
    return out


class _Reader:
    def __init__(self, out: Extracted, layout: SheetLayout, grid: Grid, item: int | None, catalog: Catalog):
        self.out, self.layout, self.grid, self.item, self.catalog = out, layout, grid, item, catalog
        self.located: Located = locate(layout, grid)

    def read(self) -> None:
        for row in self.layout.rows:
            at = self.located.fixed.get(row.r)
            if at is None:
                continue
            for c in row.placeholders():
                self._fixed(c, at, row.r)
        for block in self.layout.blocks:
            self._block(block, self.located.blocks.get(block.name, []))

    # --- facts -------------------------------------------------------------------------------------------------

    def _add(self, kind: str, key: Any, value: Any, cell: str, display: Display | None = None, placing: Terms = (),
             ident: tuple[Any, ...] = ()) -> None:
        self.out.facts.append(Fact(kind, key, value, self.grid.name, self.layout.table, cell, display, placing,
                                   ident, self.item))

    def _figure(self, ph: Placeholder, within: Any, r: int, c: TCell, ident: tuple[Any, ...]) -> None:
        raw = self.grid.value(r, c.col)
        display = self.layout.display.in_unit(ph.unit)
        value = number_of(raw)
        expr = ph.expr or ""
        cell = cell_name(r, c.col)
        if ph.root in CHANGE_CELLS and not ph.fields and ph.root != "增减":
            self._add("上年对比", (ph.root, expr.strip()), value, cell, display, (), ident)
            return
        if is_income(expr):
            self._add("收入", re.sub(r"\s+", "", expr), value, cell, display, (), ident)
            return
        try:
            placed = terms_of(scoped(within, expr)) if within else terms_of(expr)
            full = terms_of(scoped(self.layout.scope, placed))
        except ExprError:
            return
        self._add("数", full, value, cell, display, placed, ident)

    def _fixed(self, c: TCell, r: int, template_row: int) -> None:
        ph = c.single
        if ph is not None and (ph.root == "数" or (ph.root in CHANGE_CELLS and not ph.fields)):
            if ph.root != "增减":
                self._figure(ph, "", r, c, ("fixed", c.letter, template_row))
            return
        read = c.read(self.grid.text(r, c.col))
        if read is None:
            return
        assert c.text is not None
        for i, p in enumerate(c.text.placeholders):
            if p.root in ("无数据说明", "数") or p.expr is not None:
                continue
            value: Any = self.grid.value(r, c.col) if ph is not None else read.get(i)
            self._add("值", (p.root, *p.fields), value, cell_name(r, c.col), self.layout.display.in_unit(p.unit),
                      ident=("fixed", c.letter, template_row, i))

    # --- blocks ------------------------------------------------------------------------------------------------

    def _block(self, block: Block, rows: list[int]) -> None:
        kind = block.kind
        height = block.height
        records = 0
        previous: list[str] = []
        for k in range(0, len(rows), height):
            group = rows[k:k + height]
            if len(group) < height:
                break
            cells = [(r, c) for r, trow in zip(group, block.rows) for c in trow.placeholders()]
            if not any(self.grid.text(r, c.col) for r, c in cells):
                continue  # a blank row
            if kind == "分类":
                code = self._code(block, cells, previous)
                if code is None:
                    if self._total_row(cells) and "合计" not in (block.source.get("级次") or ()):
                        break
                    continue
                if code != "合计":
                    previous.append(code)
                self._classified(block, cells, code)
            elif kind == "并列":
                self._panels(block, cells)
            else:
                if self._total_row(cells) or self._empty_row(block, cells):
                    if self._total_row(cells):
                        break
                    continue
                records += 1
                self._record(block, cells, records)

    def _total_row(self, cells: list[tuple[int, TCell]]) -> bool:
        texts = [self.grid.text(r, c.col) for r, c in cells if self.grid.text(r, c.col)]
        return bool(texts) and norm(texts[0]) in TOTAL_WORDS

    def _empty_row(self, block: Block, cells: list[tuple[int, TCell]]) -> bool:
        """The row a format prints when a list has no data (空行, 无数据说明), or a note."""
        texts = {c.single.fields if c.single else (): self.grid.text(r, c.col) for r, c in cells if self.grid.text(r, c.col)}
        blank_row: dict[tuple[str, ...], str] = {(k,): v for k, v in (self.layout.config.get("空行") or {}).items()}
        if texts and all(blank_row.get(k) == v for k, v in texts.items()):
            return True
        if len(texts) == 1:
            only = next(iter(texts.values()))
            return "无数据" in only or (self.layout.no_data is not None and _literal_match(self.layout.no_data, only))
        return False

    def _fields(self, block: Block, cells: list[tuple[int, TCell]]) -> dict[tuple[str, ...], tuple[Any, int, TCell]]:
        out = {}
        for r, c in cells:
            ph = c.single
            if ph is not None and ph.root == block.name and ph.expr is None:
                out[ph.fields] = (self.grid.value(r, c.col), r, c)
        return out

    def _code(self, block: Block, cells: list[tuple[int, TCell]], previous: list[str]) -> str | None:
        fields = {k: text_of(v) for k, (v, _, _) in self._fields(block, cells).items()}
        dim = block.source["分类"]
        name = fields.get(("名称",)) or fields.get(("缩进名称",)) or fields.get(("项目",)) or ""
        if norm(fields.get(("级次",), "")) == "合计" or (norm(name) in TOTAL_WORDS and not fields.get(("编码",))):
            return "合计"
        code = re.sub(r"\s", "", fields.get(("编码",), ""))
        if not code and (fields.get(("类",)) or fields.get(("类名称",))):
            code = _digits(fields.get(("类",), ""), 3)
            kuan = _digits(fields.get(("款",), ""), 2)
            xiang = _digits(fields.get(("项",), ""), 2)
            if not xiang and kuan and fields.get(("项号名称",)):
                m = re.match(r"^\s*([0-9]{2})\s", fields[("项号名称",)])
                xiang = m.group(1) if m else ""
            code = code + kuan + (xiang if kuan else "") if code else ""
            if not name:
                name = re.sub(r"^\s*[0-9]{2}\s+", "", fields.get(("项号名称",), ""))
        if code and not (code.isascii() and code.isdigit() and len(code) in ((3, 5, 7) if dim == "功能" else (3, 5))):
            code = ""
        if not code and name:
            code = self._by_name(dim, name, block.source.get("级次"), previous) or ""
        if code and name:
            self.out.names.setdefault(code, re.sub(r"^[\s　]+", "", name))
        return code or None

    def _by_name(self, dim: str, name: str, levels: Any, previous: list[str]) -> str | None:
        text = re.sub(rf"^\s*[{DIGITS}]+[、.．]\s*", "", name).strip()
        found = [c for c in self.catalog.by_name(dim, text) if not levels or c.level in levels]
        if not found:
            return None
        for code in reversed(previous):  # a 项 named like many: the one under the rows just above it
            near = [c for c in found if c.code.startswith(code[:5]) or c.code.startswith(code[:3])]
            if near:
                return near[0].code
        return sorted(found, key=lambda c: len(c.code))[0].code

    def _classified(self, block: Block, cells: list[tuple[int, TCell]], code: str) -> None:
        dim = block.source["分类"]
        own = block.source.get("范围") or ""
        within = combine(own) if code == "合计" else combine(own, code_scope(dim, code))
        for r, c in cells:
            ph = c.single
            if ph is None or ph.root != block.name or ph.expr is None or ph.fields:
                continue
            self._figure(ph, within, r, c, (block.name, code, ph.text))

    def _panels(self, block: Block, cells: list[tuple[int, TCell]]) -> None:
        by_panel: dict[str, list[tuple[int, TCell]]] = {}
        for r, c in cells:
            ph = c.single
            if ph is not None and ph.root == block.name and ph.fields:
                by_panel.setdefault(ph.fields[0], []).append((r, c))
        for panel, items in by_panel.items():
            label_cell = next(((r, c) for r, c in items if c.single and c.single.fields[1:] == ("项目",)), None)
            if label_cell is None:
                continue
            label = self.grid.text(label_cell[0], label_cell[1].col)
            if not label:
                continue
            item = self._panel_item(block, panel, label)
            if item is None:
                continue
            for r, c in items:
                ph = c.single
                assert ph is not None
                if ph.fields[1:] == ("数",) and ph.expr is None:
                    if "数" in item:
                        self._figure(Placeholder("数", (), str(item["数"]), False, ph.unit), "", r, c,
                                     (block.name, panel, norm(label), ph.text))
                    elif "范围" in item:
                        self._figure(Placeholder("数", (), "", False, ph.unit), item["范围"], r, c,
                                     (block.name, panel, norm(label), ph.text))
                elif len(ph.fields) == 1 and ph.expr is not None and "范围" in item:
                    self._figure(ph, item["范围"], r, c, (block.name, panel, norm(label), ph.text))

    def _panel_item(self, block: Block, panel: str, label: str) -> dict[str, Any] | None:
        """The format's line of a panel a filled row's label names (a classified line: by the 科目 name)."""
        classified = []
        for section in block.source.get("并列") or ():
            for item in section.get(panel) or ():
                if "分类" in item:
                    classified.append(item)
                elif item.get("项目") is not None and _literal_match(str(item["项目"]), label):
                    return dict(item)
        for item in classified:
            code = self._by_name(item["分类"], label, item.get("级次") or ("类", "款", "项"), [])
            if code is not None:
                return {"项目": label, "范围": combine(item.get("范围") or "", code_scope(item["分类"], code))}
        return None

    def _record(self, block: Block, cells: list[tuple[int, TCell]], n: int) -> None:
        key, choice = block.kind, block.source[block.kind]
        record = Record(self.layout.table, self.grid.name, block.name, (key, choice if isinstance(choice, str) else None),
                        n, self.item, row=cells[0][0] if cells else 0, display=self.layout.display)
        for fields, (value, r, c) in self._fields(block, cells).items():
            record.fields[fields] = value
            record.cells[fields] = cell_name(r, c.col)
        self.out.records.append(record)
        within: Any = project_scope(n - 1) if (key, choice) == ("清单", "项目") else ""
        if (key, choice) not in (("清单", "项目"), ("清单", "单位")):
            return
        for r, c in cells:
            ph = c.single
            if ph is not None and ph.root == block.name and ph.expr is not None and not ph.fields:
                self._figure(ph, within, r, c, (block.name, n, ph.text))


def _digits(text: str, width: int) -> str:
    text = re.sub(r"\s", "", text or "")
    if not (text.isascii() and text.isdigit()):
        return ""
    return text.zfill(width) if len(text) < width else text


def _literal_match(template: str, text: str) -> bool:
    compiled = compile_text(template)
    if compiled is None:
        return norm(template) == norm(text)
    parts = [re.escape(norm(p)) if isinstance(p, str) else ".*?" for p in compiled.parts]
    return re.fullmatch("".join(parts), norm(text)) is not None
