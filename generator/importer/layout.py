"""Where a format prints what: read from the format's own definition — its compiled template workbook and
the 表 of its document — never from a second, hand-written map of cells.

For each template sheet: its rows with the placeholders they hold and the labels they print, its blocks
of repeated rows (`{{行.…}}` and the format's 块) with their sources. `locate` finds, in a filled sheet,
where each template row landed: rows above the first block where they were, each block's rows down to the
row that ends it (the next template row that prints a label, a 合计 row), the rows below moved with it."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..figures import Terms
from ..formats import Format, FormatError, Templates
from ..money import Display
from ..render.placeholders import Placeholder, TextTemplate
from ..render.tables import scope_of
from ..render.xlsx import Cell, SheetTemplate, XlsxTemplate
from .workbook import Grid


def norm(text: str) -> str:
    """Text as labels are compared: any width, no blanks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass
class TCell:
    """A template cell that says something: a label, or placeholders (with the literal text around them)."""

    col: int
    letter: str
    label: str | None = None  # a fixed text, normalised
    text: TextTemplate | None = None
    pattern: re.Pattern[str] | None = None  # placeholders with literal text around them: how to read them back

    @property
    def single(self) -> Placeholder | None:
        return self.text.single if self.text is not None else None

    def read(self, cell: str) -> dict[int, str] | None:
        """The text of each placeholder (by its position among the cell's placeholders), or None when the cell's
        literal text is not there."""
        if self.text is None:
            return None
        if self.single is not None:
            return {0: cell}
        assert self.pattern is not None
        m = self.pattern.match(norm(cell))
        return {i: g for i, g in enumerate(m.groups())} if m else None


@dataclass
class TRow:
    r: int
    cells: list[TCell]

    @property
    def recognisable(self) -> bool:
        """Whether a filled row can be told to be this one: it prints a label or literal text."""
        return any(c.label for c in self.cells) or any(c.pattern is not None for c in self.cells)

    def matches(self, grid: Grid, r: int) -> bool:
        hits = 0
        for c in self.cells:
            if c.label:
                if norm(grid.text(r, c.col)) != c.label:
                    return False
                hits += 1
            elif c.pattern is not None:
                if c.read(grid.text(r, c.col)) is None:
                    return False
                hits += 1
        return hits > 0

    def placeholders(self) -> list[TCell]:
        return [c for c in self.cells if c.text is not None]


@dataclass
class Block:
    name: str
    first: int
    last: int
    source: dict[str, Any]
    rows: list[TRow]

    @property
    def kind(self) -> str:
        return next(k for k in ("分类", "清单", "指标", "明细", "并列") if k in self.source)

    @property
    def height(self) -> int:
        return self.last - self.first + 1


@dataclass
class SheetLayout:
    table: str  # the template sheet (the format's 表 name)
    config: dict[str, Any]
    rows: list[TRow]
    blocks: list[Block]
    display: Display
    scope: Terms
    no_data: str | None

    @property
    def each(self) -> str | None:
        return self.config.get("每项")

    def sheet_names(self, names: list[str]) -> list[tuple[int | None, str]]:
        """The workbook's sheets this template sheet became: (item number or None, sheet name)."""
        if not self.each:
            return [(None, self.table)] if self.table in names else []
        pattern = str(self.config.get("表名") or self.table + "{序号}")
        regex = re.escape(pattern).replace(re.escape("{序号}"), r"(?P<n>[0-9]+)").replace(re.escape("{名称}"), ".*")
        out: list[tuple[int | None, str]] = []
        for name in names:
            m = re.fullmatch(regex, name)
            if m and "n" in m.groupdict():
                out.append((int(m.group("n")), name))
            elif m:
                out.append((len(out) + 1, name))
        if not out and self.table in names:  # an empty form: the item has none
            out.append((0, self.table))
        return sorted(out, key=lambda x: x[0] or 0)


@dataclass
class Layout:
    """A workbook document of a format: its sheets' layouts in template order."""

    format: Format
    document: dict[str, Any]
    template: XlsxTemplate
    sheets: list[SheetLayout] = field(default_factory=list)

    @property
    def display(self) -> Display:
        return Display.of(self.document.get("金额"))


def _static(t: XlsxTemplate, c: Cell) -> str | None:
    """A template cell's fixed text (a label), if it has one."""
    if c.text is not None or not c.inner:
        return None
    if c.attrs.get("t") == "s":
        m = re.search(r"<v>([^<]*)</v>", c.inner)
        return t.shared[int(m.group(1))] if m else None
    if c.attrs.get("t") in ("inlineStr", "str"):
        return "".join(re.findall(r"<t[^>]*>([^<]*)</t>", c.inner)) or None
    return None


def _pattern(text: TextTemplate) -> re.Pattern[str] | None:
    if text.single is not None:
        return None
    parts = [re.escape(norm(p)) if isinstance(p, str) else "(.*?)" for p in text.parts]
    return re.compile("^" + "".join(parts) + "$", re.S)


def compile_layout(fmt: Format, document: dict[str, Any], template: XlsxTemplate) -> Layout:
    layout = Layout(fmt, document, template)
    tables: dict[str, Any] = document.get("表") or {}
    base = Display.of(document.get("金额"))
    for name in template.order:
        sheet: SheetTemplate = template.sheets[name]
        config = dict(tables.get(name) or {})
        rows = []
        for row in sheet.rows:
            cells = []
            for c in row.cells:
                label = _static(template, c)
                if c.text is not None:
                    cells.append(TCell(c.col, c.letter, text=c.text, pattern=_pattern(c.text)))
                elif label and norm(label):
                    cells.append(TCell(c.col, c.letter, label=norm(label)))
            if cells:
                rows.append(TRow(row.r, cells))
        sources = dict(config.get("块") or {})
        if "行" in config:
            sources["行"] = config["行"]
        blocks = []
        for block_name, b1, b2 in sheet.blocks(list(sources)):
            blocks.append(Block(block_name, b1, b2, dict(sources[block_name]), [r for r in rows if b1 <= r.r <= b2]))
        layout.sheets.append(SheetLayout(name, config, rows, blocks, Display.of(config.get("金额"), base),
                                         scope_of(config.get("范围")), config.get("无数据说明")))
    return layout


# --- where the rows are in a filled sheet --------------------------------------------------------------------

TOTAL_WORDS = ("合计", "总计")


@dataclass
class Located:
    fixed: dict[int, int]  # template row → filled row
    blocks: dict[str, list[int]]  # block name → its filled rows (data or not, in order)


def locate(layout: SheetLayout, grid: Grid) -> Located:
    fixed: dict[int, int] = {}
    blocks: dict[str, list[int]] = {}
    shift = 0
    done = 0  # template rows up to here are placed
    for i, block in enumerate(layout.blocks):
        for row in layout.rows:
            if done < row.r < block.first:
                fixed[row.r] = row.r + shift
        start = block.first + shift
        nxt = layout.blocks[i + 1].first if i + 1 < len(layout.blocks) else None
        tail = next((r for r in layout.rows if r.r > block.last and (nxt is None or r.r < nxt) and r.recognisable), None)
        end = None
        if tail is not None:
            for r in range(start, grid.max_row + 2):
                if tail.matches(grid, r):
                    end = r - (tail.r - block.last)
                    break
        if end is None:  # nothing below prints a label: the block runs on (rows that are no data are skipped)
            end = max(grid.max_row, start - 1)
        blocks[block.name] = list(range(start, end + 1))
        shift = end - block.last
        done = block.last
    for row in layout.rows:
        if row.r > done:
            fixed[row.r] = row.r + shift
    return Located(fixed, blocks)


# --- which format a workbook is -------------------------------------------------------------------------------

@dataclass
class Match:
    format: Format
    document: dict[str, Any]
    template: Path
    score: float


def candidates(stack: Templates, names: list[str], only: str | None = None) -> list[Match]:
    """The formats whose workbook documents the sheet names fit, best first."""
    from ..formats import sheet_names
    out = []
    for fname in [only] if only else stack.names():
        try:
            fmt = stack.format(fname)
        except FormatError:
            if only:
                raise
            continue
        for doc in fmt.documents:
            path = fmt.template(doc)
            if path.suffix != ".xlsx":
                continue
            expected = sheet_names(path)
            each = {k for k, v in (doc.get("表") or {}).items() if v.get("每项")}
            plain = [s for s in expected if s not in each]
            if not plain:
                continue
            have = set(names)
            hit = sum(s in have for s in plain)
            extra = [n for n in names if n not in expected and not _each_name(n, doc, each)]
            score = hit / len(plain) - 0.25 * len(extra) / max(len(names), 1)
            if only or hit / len(plain) >= 0.5:
                out.append(Match(fmt, doc, path, score))
    return sorted(out, key=lambda m: -m.score)


def _each_name(name: str, doc: dict[str, Any], each: set[str]) -> bool:
    tables = doc.get("表") or {}
    for table in each:
        pattern = str(tables[table].get("表名") or table + "{序号}")
        regex = re.escape(pattern).replace(re.escape("{序号}"), "[0-9]+").replace(re.escape("{名称}"), ".*")
        if re.fullmatch(regex, name):
            return True
    return False
