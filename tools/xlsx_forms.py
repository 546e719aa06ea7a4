"""A small vocabulary for drawing budget forms with openpyxl: titles, multi-row merged headers, styled
body rows, notes and print setup. Used once to make the template workbooks under templates/xlsx/;
after that the workbooks themselves are the source — open and restyle them in Excel, WPS or LibreOffice."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MONEY = "0.00"


@dataclass
class H:
    """A header cell spanning `cols` columns and `rows` rows."""

    text: str
    cols: int = 1
    rows: int = 1


@dataclass
class Line:
    """A table row: cells (None = empty), merges as (first col, last col) 0-based, and its kind."""

    cells: list
    kind: str = "body"  # body | total | field
    merges: list[tuple[int, int]] = field(default_factory=list)
    height: float | None = None
    down: list[int] = field(default_factory=list)  # columns whose cell also covers the next line


@dataclass
class Form:
    name: str  # the sheet name; also the table's id (公布数 表)
    title: str
    kinds: str  # per column: t text, c centred text, m money, n number
    widths: list[float]
    header: list[list] = field(default_factory=list)  # rows of H / str
    lines: list[Line] = field(default_factory=list)
    label: str | None = None  # 表二 / 附件3-7 above the title
    unit: str | None = "单位：万元"
    left: str | None = None  # left of the unit line, e.g. 单位名称：{{单位.名称}}
    notes: list[str] = field(default_factory=list)  # lines below the table
    landscape: bool = True
    title_size: int = 16


def header_rows(rows: list[list]) -> list[list[tuple[int, int, H]]]:
    """Place header cells on a grid like an HTML table: returns (row, col, cell) per row."""
    taken: set[tuple[int, int]] = set()
    placed: list[list[tuple[int, int, H]]] = []
    for r, row in enumerate(rows):
        c, out = 0, []
        for item in row:
            cell = item if isinstance(item, H) else H(item)
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rows):
                for dc in range(cell.cols):
                    taken.add((r + dr, c + dc))
            c += cell.cols
        placed.append(out)
    return placed


def draw(wb: Workbook, form: Form) -> None:
    ws = wb.create_sheet(form.name)
    ncols = len(form.kinds)
    assert len(form.widths) == ncols, (form.name, len(form.widths), ncols)
    for i, w in enumerate(form.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    last = get_column_letter(ncols)
    r = 1
    if form.label:
        ws.cell(r, 1, form.label).font = Font(name=FONT, size=10)
        r += 1
    ws.cell(r, 1, form.title).font = Font(name=FONT, size=form.title_size, bold=True)
    ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(f"A{r}:{last}{r}")
    ws.row_dimensions[r].height = 32
    title_row = r
    r += 1
    if form.unit or form.left:
        if form.left:
            ws.cell(r, 1, form.left).font = Font(name=FONT, size=10)
            if ncols > 2:
                ws.merge_cells(f"A{r}:{get_column_letter(max(1, ncols // 2))}{r}")
        if form.unit:
            c = ws.cell(r, ncols, form.unit)
            c.font = Font(name=FONT, size=10)
            c.alignment = Alignment(horizontal="right")
        r += 1
    first_header = r
    for row in header_rows(form.header):
        for hr, hc, cell in row:
            x = ws.cell(first_header + hr, hc + 1, cell.text)
            value = "{{" in cell.text  # a filled-in field, not a heading
            x.font = Font(name=FONT, size=10, bold=not value)
            x.alignment = Alignment(horizontal="left" if value else "center", vertical="center", wrap_text=True)
            if cell.cols > 1 or cell.rows > 1:
                ws.merge_cells(start_row=first_header + hr, start_column=hc + 1,
                               end_row=first_header + hr + cell.rows - 1, end_column=hc + cell.cols)
    for i in range(len(form.header)):
        ws.row_dimensions[first_header + i].height = 30
        for c in range(1, ncols + 1):
            ws.cell(first_header + i, c).border = BOX
    r = first_header + len(form.header)
    body_start = r
    for line in form.lines:
        for c, text in enumerate(line.cells, start=1):
            x = ws.cell(r, c, text)
            kind = form.kinds[c - 1]
            bold = line.kind in ("total", "head") or (line.kind == "field" and c % 2 == 1 and kind == "c")
            x.font = Font(name=FONT, size=10, bold=bold)
            x.border = BOX
            if kind == "m":
                x.number_format = MONEY
                x.alignment = Alignment(horizontal="right", vertical="center")
            elif kind == "n":
                x.alignment = Alignment(horizontal="right", vertical="center")
            elif kind == "c" or line.kind == "head":
                x.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            else:
                x.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        for c in range(len(line.cells) + 1, ncols + 1):
            ws.cell(r, c).border = BOX
        for c1, c2 in line.merges:
            ws.merge_cells(start_row=r, start_column=c1 + 1, end_row=r, end_column=c2 + 1)
        for c in line.down:
            ws.merge_cells(start_row=r, start_column=c + 1, end_row=r + 1, end_column=c + 1)
        if line.height:
            ws.row_dimensions[r].height = line.height
        r += 1
    for note in form.notes:
        x = ws.cell(r, 1, note)
        x.font = Font(name=FONT, size=10)
        x.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.merge_cells(f"A{r}:{last}{r}")
        r += 1
    ws.print_title_rows = f"{title_row}:{body_start - 1}" if body_start > title_row else None
    ws.print_area = f"A1:{last}{max(r - 1, 1)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if form.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = f"{FONT},Regular"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.freeze_panes = None


def save(forms: list[Form], path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for form in forms:
        draw(wb, form)
    wb.active = 0
    wb.save(path)


# --- shapes that recur ----------------------------------------------------------------------------------

def leaves(tree: list) -> list[tuple[str, str]]:
    """Column tree → leaf columns (label, figure expression)."""
    out = []
    for item in tree:
        if isinstance(item[1], list):
            out.extend(leaves(item[1]))
        else:
            out.append(item)
    return out


def depth(tree: list) -> int:
    return 1 + max((depth(item[1]) for item in tree if isinstance(item[1], list)), default=0)


def tree_header(tree: list, rows: int) -> list[list]:
    """Header rows for a column tree, leaves spanning down to the last header row."""
    out: list[list] = [[] for _ in range(rows)]

    def place(items: list, level: int) -> None:
        for label, sub in items:
            if isinstance(sub, list):
                out[level].append(H(label, cols=len(leaves(sub))))
                place(sub, level + 1)
            else:
                out[level].append(H(label, rows=rows - level))
    place(tree, 0)
    return out


def classified(name: str, title: str, tree: list, *, codes: str = "类款项", label: str | None = None,
               code_title: str | None = "功能科目", name_title: str = "科目名称", name_field: str = "名称",
               total: str = "合计", notes: list[str] | None = None, money_width: float = 11,
               landscape: bool = True, unit: str | None = "单位：万元", left: str | None = None,
               total_first: bool = True, name_width: float = 30) -> Form:
    """A table whose rows are 类/款/项 of a classification and whose columns are figures (a column tree
    of (label, expression) leaves and (label, [children]) groups). `codes`: '类款项' or '类款' (a column
    each) or '编码' (the whole code in one column); `code_title` spans the code and name columns."""
    cols = leaves(tree)
    code_cols = ["编码"] if codes == "编码" else list(codes)
    code_rows = (1 if codes == "编码" else 2) + (1 if code_title else 0)
    rows = max(depth(tree), code_rows)
    side: list[list] = [[] for _ in range(rows)]
    r = 0
    if code_title:
        side[0].append(H(code_title, cols=len(code_cols) + 1))
        r = 1
    if codes == "编码":
        side[r] += [H("科目编码", rows=rows - r), H(name_title, rows=rows - r)]
    else:
        side[r] += [H("科目编码", cols=len(code_cols)), H(name_title, rows=rows - r)]
        side[r + 1] += [H(c, rows=rows - r - 1) for c in code_cols]
    right = tree_header(tree, rows)
    header = [side[i] + right[i] for i in range(rows)]
    fields = {"类": "{{行.类}}", "款": "{{行.款}}", "项": "{{行.项}}", "编码": "{{行.编码}}"}
    body = [fields[c] for c in code_cols] + [f"{{{{行.{name_field}}}}}"] + [f"{{{{行:{e}}}}}" if e is not None else None
                                                                         for _, e in cols]
    total_line = Line([total] + [None] * len(code_cols) + [f"{{{{数:{e}}}}}" if e is not None else None for _, e in cols],
                      "total", merges=[(0, len(code_cols))])
    lines = [total_line, Line(body)] if total_first else [Line(body), total_line]
    kinds = "c" * len(code_cols) + "t" + "m" * len(cols)
    widths = [6 if codes != "编码" else 11] * len(code_cols) + [name_width] + [money_width] * len(cols)
    return Form(name, title, kinds, widths, header, lines, label=label, notes=notes or [], landscape=landscape,
                unit=unit, left=left)


def none_note(form: Form, text: str = "{{无数据说明}}") -> Form:
    form.notes.append(text)
    return form


STAMP = "2020-01-01T00:00:00Z"  # a template's own dates: fixed, so that drawing it again gives the same bytes


def stable(path) -> None:
    """Rewrite a workbook openpyxl saved without what changes from run to run (its created/modified dates, the
    zip entries' times), so a regenerated template differs from the committed one only where its forms do."""
    import re

    from generator.output import write_atomic
    from generator.render.package import read_parts, zip_bytes
    parts = read_parts(Path(path))
    core = parts["docProps/core.xml"].decode("utf-8")
    parts["docProps/core.xml"] = re.sub(r"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*", rf"\g<1>{STAMP}", core).encode("utf-8")
    write_atomic(Path(path), zip_bytes(parts))
