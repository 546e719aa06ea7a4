"""A filled workbook as the importer reads it: each sheet a grid of plain values.

A workbook we rendered, one filled in by hand in Excel or WPS, or one a budget system exported: numbers
may be numbers or text (「1,234.50」, full-width digits), a formula may lack its cached value (a workbook
saved by a library that does not calculate), a merged range holds its value only in its first cell. The
grid hides all that: `number(r, c)` is a Decimal or None, `text(r, c)` the cell as text."""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from openpyxl.utils import column_index_from_string, get_column_letter

_NUMBER = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
_BLANKS = {"", "-", "—", "－", "/", "——"}


class WorkbookError(ValueError):
    """A file that is no workbook we can read (the message is Chinese)."""


def cell_name(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def number_of(value: Any) -> Decimal | None:
    """A cell's number: numbers as they are (floats by their shortest text: 471.53, not 471.529999…), text
    that is a plain number with or without thousands separators, in any width (「1,234.50」「１２」); None for
    blanks, dashes and other text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        amount = _denoise(Decimal(repr(value)))
        return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    if isinstance(value, Decimal):
        return value if value != value.to_integral_value() else value.quantize(Decimal(1))
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "").replace("，", ",")
    if text in _BLANKS:
        return None
    if _NUMBER.match(text):
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    return None


def _denoise(amount: Decimal) -> Decimal:
    """A number a program stored through a float (9.6999999999999993 for 9.7): to nine decimals, which no amount
    has more of."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -10:
        amount = amount.quantize(Decimal("1e-9")).normalize()
        return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    return amount


def text_of(value: Any) -> str:
    """A cell as text (numbers as people write them: 201, not 201.0)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize(), "f")
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


@dataclass
class Grid:
    """One sheet's values: (row, col) → value; merged ranges filled down from their first cell."""

    name: str
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    max_row: int = 0
    max_col: int = 0

    def value(self, row: int, col: int) -> Any:
        return self.cells.get((row, col))

    def text(self, row: int, col: int) -> str:
        return text_of(self.cells.get((row, col)))

    def number(self, row: int, col: int) -> Decimal | None:
        return number_of(self.cells.get((row, col)))

    def row_empty(self, row: int) -> bool:
        return all(self.text(row, c) == "" for c in range(1, self.max_col + 1))


NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read_workbook(path: Path | IO[bytes]) -> dict[str, Grid]:
    """Every sheet of a workbook as a Grid, in the workbook's order (read from its XML: numbers exactly as
    stored, formulas by their cached values). Raises WorkbookError."""
    from lxml import etree
    name = getattr(path, "name", "工作簿") if not isinstance(path, Path) else str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            parts = {n: zf.read(n) for n in zf.namelist() if n.startswith("xl/") and n.endswith((".xml", ".rels"))}
    except FileNotFoundError:
        raise WorkbookError(f"{name}：文件不存在") from None
    except IsADirectoryError:
        raise WorkbookError(f"{name}：是文件夹，不是工作簿") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"{name}：不是 Excel 工作簿（.xlsx），无法读取（{type(exc).__name__}）；"
                            "旧的 .xls 请先在 Excel 或 WPS 中另存为 .xlsx") from None
    try:
        book = etree.fromstring(parts["xl/workbook.xml"])
        rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    except (KeyError, etree.XMLSyntaxError):
        raise WorkbookError(f"{name}：不是完整的 Excel 工作簿（缺少 xl/workbook.xml）") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    shared: list[str] = []
    if "xl/sharedStrings.xml" in parts:
        root = etree.fromstring(parts["xl/sharedStrings.xml"])
        shared = ["".join(t.text or "" for t in si.iter(f"{NS}t")) for si in root.findall(f"{NS}si")]
    out: dict[str, Grid] = {}
    for sheet in book.iter(f"{NS}sheet"):
        target = targets.get(sheet.get(REL), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if part not in parts:
            continue
        grid = Grid(sheet.get("name", ""))
        _read_sheet(grid, etree.fromstring(parts[part]), shared)
        _calculate(grid)
        out[grid.name] = grid
    if not out:
        raise WorkbookError(f"{name}：工作簿中没有工作表")
    return out


def _read_sheet(grid: Grid, root: Any, shared: list[str]) -> None:
    for c in root.iter(f"{NS}c"):
        ref = c.get("r")
        m = _REF.fullmatch(ref or "")
        if not m:
            continue
        col, row = column_index_from_string(m.group(1)), int(m.group(2))
        kind = c.get("t")
        v = c.find(f"{NS}v")
        f = c.find(f"{NS}f")
        value: Any = None
        if kind == "s" and v is not None and v.text is not None:
            value = shared[int(v.text)] if int(v.text) < len(shared) else None
        elif kind == "inlineStr":
            value = "".join(t.text or "" for t in c.iter(f"{NS}t"))
        elif kind in ("str", "e"):
            value = v.text if v is not None else None
        elif kind == "b":
            value = (v.text == "1") if v is not None else None
        elif v is not None and v.text is not None:
            try:
                value = _denoise(Decimal(v.text))
            except InvalidOperation:
                value = v.text
        if value is None and f is not None and f.text:
            value = _Formula(f.text)
        if value is None or value == "":
            continue
        grid.cells[(row, col)] = value
        grid.max_row, grid.max_col = max(grid.max_row, row), max(grid.max_col, col)
    for merged in root.iter(f"{NS}mergeCell"):  # a merged range's value is in its first cell; read it down its rows
        a, _, b = (merged.get("ref") or "").partition(":")
        ma, mb = _REF.fullmatch(a), _REF.fullmatch(b)
        if not ma or not mb:
            continue
        c1, r1, r2 = column_index_from_string(ma.group(1)), int(ma.group(2)), int(mb.group(2))
        first = grid.cells.get((r1, c1))
        if first is None or isinstance(first, _Formula):
            continue
        for r in range(r1 + 1, r2 + 1):
            grid.cells.setdefault((r, c1), first)


@dataclass(frozen=True)
class _Formula:
    """A formula without a cached value (calculated here where it is simple: SUM of cells and ranges, + and −)."""

    text: str


_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


def _calculate(grid: Grid) -> None:
    pending = {k: v for k, v in grid.cells.items() if isinstance(v, _Formula)}
    for _ in range(len(pending) + 1):
        if not pending:
            return
        done = []
        for key, formula in pending.items():
            value = _evaluate(formula.text, grid)
            if value is not None:
                grid.cells[key] = value
                done.append(key)
        if not done:
            break
        for key in done:
            del pending[key]
    for key in pending:  # what we cannot calculate is no figure
        grid.cells.pop(key, None)


def _evaluate(text: str, grid: Grid) -> Decimal | None:
    expr = text.replace(" ", "").upper()

    def cell(col: str, row: str) -> Decimal | None:
        value = grid.cells.get((int(row), column_index_from_string(col)))
        if isinstance(value, _Formula):
            raise _Pending
        return number_of(value) or Decimal(0)

    def range_sum(a: str, b: str) -> Decimal:
        ma, mb = _REF.fullmatch(a), _REF.fullmatch(b)
        assert ma and mb
        c1, c2 = sorted((column_index_from_string(ma.group(1)), column_index_from_string(mb.group(1))))
        r1, r2 = sorted((int(ma.group(2)), int(mb.group(2))))
        total = Decimal(0)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                total += cell(get_column_letter(c), str(r)) or Decimal(0)
        return total

    def term(token: str) -> Decimal:
        m = re.fullmatch(r"SUM\((.*)\)", token)
        if m:
            total = Decimal(0)
            for part in filter(None, m.group(1).split(",")):
                total += term(part)
            return total
        if ":" in token:
            a, b = token.split(":", 1)
            return range_sum(a, b)
        ref = _REF.fullmatch(token)
        if ref:
            return cell(ref.group(1), ref.group(2)) or Decimal(0)
        amount = number_of(token)
        if amount is None:
            raise _Unknown
        return amount

    try:
        total, sign, start = Decimal(0), 1, 0
        depth = 0
        for i, ch in enumerate(expr + "+"):
            depth += ch == "("
            depth -= ch == ")"
            if ch in "+-" and depth == 0 and i > start:
                total += sign * term(expr[start:i])
                sign, start = (1 if ch == "+" else -1), i + 1
            elif ch in "+-" and depth == 0:
                sign, start = (-sign if ch == "-" else sign), i + 1
        return total
    except _Pending:
        return None
    except (_Unknown, AssertionError, ValueError):
        return None


class _Pending(Exception):
    pass


class _Unknown(Exception):
    pass
