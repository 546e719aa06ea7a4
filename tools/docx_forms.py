"""A small vocabulary for drawing docx templates with python-docx: GB/T 9704 公文 page and type
(方正小标宋 title, 仿宋_GB2312 body, 黑体/楷体 headings, A4 margins 37/35/28/26 mm, fixed 28 pt lines),
East-Asian font names on every run, font fallbacks, and bordered form tables. Used once to make the
templates under templates/docx/; afterwards the .docx files are the source."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE = "方正小标宋简体"
BODY = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "宋体"
# Where a 公文 font is missing, Word and LibreOffice fall back to these (fontTable altName).
FALLBACKS = {TITLE: "宋体", BODY: "仿宋", KAI: "楷体", HEI: "SimHei", SONG: "SimSun"}
SIZES = {"二号": 22, "三号": 16, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}


def font(run, east_asia: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hAnsi"), "Times New Roman")


def new_document(*, landscape: bool = False, gbt9704: bool = True) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if gbt9704:
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    else:
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin = section.right_margin = Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(16 if gbt9704 else 10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY if gbt9704 else SONG)
    page_number(section, gbt9704)
    return doc


def page_number(section, gbt9704: bool) -> None:
    """— 1 — centred in the footer (GB/T 9704: 4号半角宋体阿拉伯数字，左右各一条一字线)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("— ", False), ("PAGE", True), (" —", False)):
        run = p.add_run()
        font(run, SONG, 14 if gbt9704 else 9)
        if field:
            for kind, value in (("begin", None), ("instr", " PAGE "), ("end", None)):
                if kind == "instr":
                    el = OxmlElement("w:instrText")
                    el.set(qn("xml:space"), "preserve")
                    el.text = value
                else:
                    el = OxmlElement("w:fldChar")
                    el.set(qn("w:fldCharType"), kind)
                run._element.append(el)
        else:
            run.text = text


def para(doc, text: str = "", *, face: str = BODY, size: float = 16, bold: bool = False, align: str = "justify",
         indent: bool = True, exact: float | None = 28, before: float = 0, after: float = 0, keep: bool = False):
    p = doc.add_paragraph()
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt = p.paragraph_format
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if keep:
        fmt.keep_with_next = True
    if text:
        font(p.add_run(text), face, size, bold)
    return p


def tag(doc, text: str) -> None:
    """A paragraph holding only a docxtpl tag ({%p … %}); it disappears when rendered."""
    p = doc.add_paragraph()
    font(p.add_run(text), BODY, 10)


def page_break(doc) -> None:
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)


def table(doc, widths_mm: list[float], rows: int, *, header: int = 0):
    """A bordered table; no row splits across pages, and the first `header` rows repeat on every page."""
    t = doc.add_table(rows=rows, cols=len(widths_mm))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
    for n, row in enumerate(t.rows):
        row_flag(row, "w:cantSplit")
        if n < header:
            row_flag(row, "w:tblHeader")
    return t


def row_flag(row, tag: str) -> None:
    """Set a row property (w:cantSplit, w:tblHeader) — repeated rows copy it."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.append(OxmlElement(tag))


def cell(t, r: int, c: int, text: str = "", *, bold: bool = False, align: str = "left", size: float = 10.5,
         face: str = SONG, span: int = 1, down: int = 0):
    """Write a cell (and merge `span` columns right, `down` rows below)."""
    target = t.cell(r, c)
    if span > 1 or down:
        target = target.merge(t.cell(r + down, c + span - 1))
    p = target.paragraphs[0]
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(1)
    if text:
        font(p.add_run(text), face, size, bold)
    target.vertical_alignment = 1  # centre
    return target


def save(doc, path: Path) -> None:
    """Save, then give the package's font table the fallbacks for the 公文 fonts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    table_xml = parts["word/fontTable.xml"].decode("utf-8")
    extra = "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                    f'<w:family w:val="{"roman" if name in (TITLE, SONG) else "modern"}"/><w:pitch w:val="variable"/></w:font>'
                    for name, alt in FALLBACKS.items() if f'w:name="{name}"' not in table_xml)
    table_xml = re.sub(r"</w:fonts>\s*$", extra + "</w:fonts>", table_xml)
    parts["word/fontTable.xml"] = table_xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
