"""绩效目标表 templates (docx): 株洲 附表1/2/3 (seeds 000, 001) and 深圳 项目支出绩效目标表 (seed 002)."""
from docx_forms import HEI, SONG, TITLE, cell, new_document, para, table, tag

SMALL = dict(face=SONG, size=10.5, indent=False, exact=None)


ZHUZHOU_SIZE = 9  # pt (小五), in the tables: 附表1 of the longest seed (网格化) on one page
ZHUZHOU_LINE = 11  # pt, exactly: rows as high in every renderer, whatever its CJK font's own line height
ZHUZHOU_PADDING = 0.5  # pt above and below a cell's text
ZHUZHOU_MARGIN = 15  # mm, top and bottom of the page (left and right: 18)
# 附表1: the label column, then columns each section spans as it needs — 资金: 收入 1–3 | 金额 4–5 | 支出 6 | 金额 7;
# 重点工作: 事项 1–2 | 责任单位 3–4 | 工作目标 5–7 (the long text: widest); 指标: 一级 1 | 二级 2–3 | 三级 4–6 | 指标值 7
ZHUZHOU_WHOLE = [26, 20, 16, 10, 8, 26, 28, 40]
ZHUZHOU_SUMMARY = [14, 40, 22, 49, 49]  # 附表2: 序号 | 名称 | 金额 | 实施期绩效目标 | 年度绩效目标
ZHUZHOU_PROJECT = [26, 30, 24, 34, 22, 38]  # 附表3: label | 一级·内容 | 二级·明细 | 三级·金额 | 指标值·依据 | 绩效标准


def zhuzhou_table(doc, widths_mm: list[float], rows: int, *, header: int):
    """A form table whose grid columns are as wide as its cells (python-docx writes equal w:gridCol, and
    LibreOffice lays a fixed table out by the grid); rows never split, the first `header` rows repeat."""
    from docx.oxml.ns import qn
    from docx.shared import Mm
    t = table(doc, widths_mm, rows, header=header)
    for col, width in zip(t._tbl.tblGrid.iterchildren(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(round(Mm(width) / 635)))  # EMU → twips
    return t


def zhuzhou_cell(t, r: int, c: int, text: str = "", **options):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt
    target = cell(t, r, c, text, size=ZHUZHOU_SIZE, **options)
    spacing = target.paragraphs[0].paragraph_format
    spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(ZHUZHOU_LINE)
    spacing.space_before = spacing.space_after = Pt(ZHUZHOU_PADDING)
    return target


def zhuzhou_caption(doc, label: str, title: str, left: str, right: str, *, new_page: bool) -> None:
    """附表n, the title, and 填报单位 with the amount unit at the right margin (a right tab stop at the text
    width); a form after the first starts a page by its label's page-break-before."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    para(doc, label, align="left", keep=True, **SMALL).paragraph_format.page_break_before = new_page
    para(doc, title, face=TITLE, size=18, align="center", indent=False, exact=None, after=6, keep=True)
    line = para(doc, f"{left}\t{right}", align="left", keep=True, **SMALL)
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    line.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)


def zhuzhou_signatures(doc) -> None:
    """Below the table, in its type (the seeds print them in a last row of the form)."""
    signature = dict(SMALL, size=ZHUZHOU_SIZE)
    para(doc, "单位负责人签字：", align="left", before=4, keep=True, **signature)
    para(doc, "填表人：{{ 单位.填表人 }}                                    联系电话：{{ 单位.联系电话 }}", align="left",
         before=4, **signature)


def zhuzhou_indicators(t, top: int, items: str, columns: list[tuple[str, str, int, int]]) -> None:
    """年度绩效指标: a header row and a `{%tr for 行 in items %}` loop over the indicators, 一级/二级 merged by
    group; `columns`: (header, field, first grid column, columns spanned)."""
    zhuzhou_cell(t, top, 0, "年度绩效指标", bold=True, align="center", down=2)
    zhuzhou_cell(t, top + 1, 1, f"{{%tr for 行 in {items} %}}")
    for header, field, c, span in columns:
        zhuzhou_cell(t, top, c, header, align="center", span=span)
        zhuzhou_cell(t, top + 2, c, f"{{{{ {field} }}}}", align="center" if "纵合并" in field else "left", span=span)
    zhuzhou_cell(t, top + 3, 1, "{%tr endfor %}")


def zhuzhou():
    """株洲 绩效目标表: 附表1 部门整体支出绩效目标表 (on one page), 附表2 区级专项资金绩效目标汇总表, and 附表3 区级专项资金
    支出方向绩效目标表 for each project, each form from a page of its own. Amounts as the unit typed them (原样),
    with the unit words it printed after them (单位字样); 附表3 numbered or not, 附表2's blank rows, as 版式 says."""
    from docx.shared import Mm
    doc = new_document(gbt9704=False)
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Mm(ZHUZHOU_MARGIN)
    section.footer_distance = Mm(8)
    c = zhuzhou_cell
    # 附表1 部门整体支出绩效目标表
    zhuzhou_caption(doc, "附表1", "{{ 年度 }}年部门整体支出绩效目标表", "填报单位：（盖章）", "金额：万元", new_page=False)
    t = zhuzhou_table(doc, ZHUZHOU_WHOLE, 15, header=1)
    c(t, 0, 0, "部门名称", bold=True, align="center")
    c(t, 0, 1, "{{ 单位.名称 }}", span=7)
    c(t, 1, 0, "年度预算申请\n（万元）", bold=True, align="center", down=4)
    c(t, 1, 1, "资金总额：{{ 整体资金.总额|原样 }}{{ 整体资金.单位字样.资金总额 }}", span=7)
    c(t, 2, 1, "按收入性质分", span=5, align="center")
    c(t, 2, 6, "按支出性质分", span=2, align="center")
    funds = [("其中：一般公共预算拨款", "一般公共预算拨款", "其中：基本支出", "基本支出"),
             ("     政府性基金拨款", "政府性基金拨款", "      项目支出", "项目支出"),
             ("         其他资金", "其他资金", "", "")]
    for r, (income, source, spending, kind) in enumerate(funds, start=3):
        c(t, r, 1, income, span=3)
        c(t, r, 4, f"{{{{ 整体资金.{source}|原样 }}}}", span=2, align="center")
        c(t, r, 6, spending)
        c(t, r, 7, f"{{{{ 整体资金.{kind}|原样 }}}}" if kind else "", align="center")
    c(t, 6, 0, "部门职责概述", bold=True, align="center")
    c(t, 6, 1, "{{ 单位.职能职责 }}", span=7)
    c(t, 7, 0, "年度重点工作计划", bold=True, align="center", down=2)
    c(t, 7, 1, "事项", align="center", span=2)
    c(t, 7, 3, "责任单位/科室", align="center", span=2)
    c(t, 7, 5, "工作目标", align="center", span=3)
    c(t, 8, 1, "{%tr for 事 in 重点工作 %}")
    c(t, 9, 1, "{{ 事.事项 }}", span=2)
    c(t, 9, 3, "{{ 事.责任单位 }}", align="center", span=2)
    c(t, 9, 5, "{{ 事.目标 }}", span=3)
    c(t, 10, 1, "{%tr endfor %}")
    zhuzhou_indicators(t, 11, "整体指标", [("一级指标", "纵合并(行, '一级')", 1, 1), ("二级指标", "纵合并(行, '二级')", 2, 2),
                                          ("三级指标", "行.三级", 4, 3), ("指标值及单位", "行.指标值及单位", 7, 1)])
    zhuzhou_signatures(doc)

    # 附表2 区级专项资金绩效目标汇总表
    zhuzhou_caption(doc, "附表2", "{{ 年度 }}年区级专项资金绩效目标汇总表", "填报单位：（盖章）", "金额单位：万元",
                    new_page=True)
    t = zhuzhou_table(doc, ZHUZHOU_SUMMARY, 8, header=1)
    for col, text in enumerate(["序号", "名  称", "金  额", "实施期绩效目标", "年度绩效目标"]):
        c(t, 0, col, text, bold=True, align="center")
    c(t, 1, 1, "合  计", align="center")
    c(t, 1, 2, "{{ 项目合计|原样 }}", align="center")
    c(t, 1, 3, "{{ 专项汇总.实施期目标 }}")
    c(t, 1, 4, "{{ 专项汇总.年度目标 }}")
    c(t, 2, 0, "{%tr for p in 项目 %}")
    c(t, 3, 0, "{{ p.中文序号 }}", align="center")
    c(t, 3, 1, "{{ p.名称 }}")
    c(t, 3, 2, "{{ p.金额|原样 }}", align="center")
    c(t, 3, 3, "{{ p.汇总实施期目标 }}")
    c(t, 3, 4, "{{ p.汇总年度目标 }}")
    c(t, 4, 0, "{%tr endfor %}")
    c(t, 5, 0, "{%tr for 空 in range(版式.汇总表空行) %}")  # the blank rows the unit's form keeps
    c(t, 7, 0, "{%tr endfor %}")
    zhuzhou_signatures(doc)

    # 附表3(-n) 区级专项资金支出方向绩效目标表, one per project
    tag(doc, "{%p for p in 项目 %}")
    zhuzhou_caption(doc, "附表3{% if 版式.附表编号 %}-{{ p.序号 }}{% endif %}", "{{ 年度 }}年区级专项资金支出方向绩效目标表",
                    "填报单位：（盖章）", "金额单位：万元", new_page=True)
    t = zhuzhou_table(doc, ZHUZHOU_PROJECT, 14, header=2)
    c(t, 0, 0, "支出方向（子项）", bold=True, align="center")
    c(t, 0, 1, "{{ p.名称 }}")
    c(t, 0, 2, "所属专项", bold=True, align="center", down=1)
    c(t, 0, 3, "名称", align="center")
    c(t, 0, 4, "{{ p.所属专项 }}", span=2)
    c(t, 1, 0, "项目金额", bold=True, align="center")
    c(t, 1, 1, "{{ p.金额|原样 }}{{ p.单位字样.项目金额 }}")
    c(t, 1, 3, "金额", align="center")
    c(t, 1, 4, "{{ p.所属专项金额|原样 }}{{ p.单位字样.项目金额 }}", span=2)
    for r, (label, value) in enumerate([("项目实施期", "{{ p.实施期 }}"), ("实施期绩效目标", "{{ p.中期目标 }}"),
                                        ("年度绩效目标", "{{ p.年度目标 }}")], start=2):
        c(t, r, 0, label, bold=True, align="center")
        c(t, r, 1, value, span=5)
    zhuzhou_indicators(t, 5, "p.指标", [("一级指标", "纵合并(行, '一级')", 1, 1), ("二级指标", "纵合并(行, '二级')", 2, 1),
                                       ("三级指标", "行.三级", 3, 1), ("指标值及单位", "行.指标值及单位", 4, 1),
                                       ("绩效标准", "行.绩效标准", 5, 1)])
    c(t, 9, 0, "支出明细及测算说明", bold=True, align="center", down=4)
    for col, text in enumerate(["支出内容简介", "支出明细", "金额", "支出测算依据及过程说明"], start=1):
        c(t, 9, col, text, align="center", span=2 if col == 4 else 1)
    c(t, 10, 1, "{%tr for d in p.明细 %}")
    c(t, 11, 1, "{{ d.内容 }}")
    c(t, 11, 2, "{{ d.明细 }}")
    c(t, 11, 3, "{{ d.金额|原样 }}{{ p.单位字样.支出明细 }}", align="center")
    c(t, 11, 4, "{{ d.测算依据 }}", span=2)
    c(t, 12, 1, "{%tr endfor %}")
    c(t, 13, 1, "合  计", align="center", span=2)  # across 支出内容简介 and 支出明细, as printed
    c(t, 13, 3, "{{ p.明细合计|原样 }}{{ p.单位字样.支出明细 }}", align="center")
    c(t, 13, 4, "", span=2)
    zhuzhou_signatures(doc)
    tag(doc, "{%p endfor %}")
    return doc


SHENZHEN_INFO = [40, 50, 40, 50]  # mm: 项目名称 | its value | 主管单位 | its value (A4 less 15 mm margins: 180)
SHENZHEN_GRID = [16, 16, 36, 28, 84]  # mm: 一级 | 二级 | 指标内容 | 目标值 | 目标值来源 (the long text: widest)
SHENZHEN_SIZE = 9  # pt, in both tables
SHENZHEN_LINE = 12  # pt, exactly: rows as high in every renderer, whatever its CJK font's own line height
SHENZHEN_PADDING = 1.2  # mm, left and right in a cell


def shenzhen_table(doc, widths_mm: list[float], rows: int, *, header: int = 0):
    """A form table whose grid columns are as wide as its cells (python-docx writes equal w:gridCol, and
    LibreOffice lays a fixed table out by the grid, not by the cells), with narrow cell padding."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm
    t = table(doc, widths_mm, rows, header=header)
    for col, width in zip(t._tbl.tblGrid.iterchildren(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(round(Mm(width) / 635)))  # EMU → twips
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(Mm(SHENZHEN_PADDING) / 635)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    t._tbl.tblPr.append(margins)
    return t


def shenzhen_cell(t, r: int, c: int, text: str = "", **options):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt
    target = cell(t, r, c, text, size=SHENZHEN_SIZE, **options)
    spacing = target.paragraphs[0].paragraph_format
    spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(SHENZHEN_LINE)
    return target


def shenzhen_spacer(doc):
    """A paragraph 1 pt high: between two tables (so that Word keeps them apart) and as the body's last paragraph
    (which Word needs after a table) — never a line of its own that could spill onto a page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    p = para(doc, "", indent=False, exact=1)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    p._p.get_or_add_pPr().append(OxmlElement("w:rPr"))
    p._p.pPr.find(qn("w:rPr")).append(size)
    return p


def shenzhen_title(doc, *, new_page: bool) -> None:
    p = para(doc, "项目支出绩效目标表", face=HEI, size=16, align="center", indent=False, exact=None, after=8,
             keep=True)
    p.paragraph_format.page_break_before = new_page  # a form starts a page without a paragraph of its own


def shenzhen():
    """项目支出绩效目标表, one per project: its particulars (4 columns), then its indicators (5 columns, the header
    row repeating on each page), labels as most of the seed's 15 tables print them. Each form after the first
    starts a page by its title's page-break-before: no break paragraph that could land alone on a page."""
    from docx.shared import Mm
    doc = new_document(gbt9704=False)
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(15)
    tag(doc, "{%p for p in 项目 %}")
    tag(doc, "{%p if loop.first %}")
    shenzhen_title(doc, new_page=False)
    tag(doc, "{%p else %}")
    shenzhen_title(doc, new_page=True)
    tag(doc, "{%p endif %}")
    t = shenzhen_table(doc, SHENZHEN_INFO, 11)
    pairs = [("项目名称", "{{ p.名称 }}", "主管单位", "{{ p.主管部门 }}"),
             ("项目类型", "{{ p.类别 }}", "资金用途", "{{ p.资金用途 }}"),
             ("计划开始日期", "{{ p.开始日期 }}", "计划完成日期", "{{ p.完成日期 }}"),
             ("项目总金额 (万元)", "{{ p.总金额|千分位 }}", "本年度项目金额 (万元)", "{{ p.金额|千分位 }}"),
             ("财政拨款资金(万元)", "{{ p.财政拨款资金|千分位 }}", "其他资金(万元)", "{{ p.其他资金|千分位 }}"),
             ("中央转移支付资金 (万元)", "{{ p.中央转移支付资金|千分位 }}", "政府购买服务资金(万元)",
              "{{ p.政府购买服务资金|千分位 }}")]
    for r, (l1, v1, l2, v2) in enumerate(pairs):
        shenzhen_cell(t, r, 0, l1, bold=True, align="center")
        shenzhen_cell(t, r, 1, v1)
        shenzhen_cell(t, r, 2, l2, bold=True, align="center")
        shenzhen_cell(t, r, 3, v2)
    for r, (label, value) in enumerate([("项目概况", "{{ p.项目概况 }}"), ("项目用途", "{{ p.项目用途 }}")], start=6):
        shenzhen_cell(t, r, 0, label, bold=True, align="center")
        shenzhen_cell(t, r, 1, value, span=3)
    shenzhen_cell(t, 8, 0, "固定资产采购金额", bold=True, align="center")
    shenzhen_cell(t, 8, 1, "{{ p.固定资产采购金额|千分位 }}")
    shenzhen_cell(t, 8, 2, "采购品目", bold=True, align="center")
    shenzhen_cell(t, 8, 3, "{{ p.采购品目 }}")
    for r, (label, value) in enumerate([("项目总(中期)目标", "{{ p.中期目标 }}"), ("年度绩效目标", "{{ p.年度目标 }}")],
                                       start=9):
        shenzhen_cell(t, r, 0, label, bold=True, align="center")
        shenzhen_cell(t, r, 1, value, span=3)
    shenzhen_spacer(doc)
    t = shenzhen_table(doc, SHENZHEN_GRID, 4, header=1)
    for c, text in enumerate(["一级指标", "二级指标", "指标内容", "目标值", "目标值来源"]):
        head = shenzhen_cell(t, 0, c, text, bold=True, align="center")
        head.paragraphs[0].paragraph_format.keep_with_next = True  # never alone at the foot of a page
    shenzhen_cell(t, 1, 0, "{%tr for 行 in p.指标 %}")
    shenzhen_cell(t, 2, 0, "{{ 纵合并(行, '一级') }}", align="center")
    shenzhen_cell(t, 2, 1, "{{ 纵合并(行, '二级') }}", align="center")
    shenzhen_cell(t, 2, 2, "{{ 行.三级 }}")
    shenzhen_cell(t, 2, 3, "{{ 行.指标值 }}", align="center")
    shenzhen_cell(t, 2, 4, "{{ 行.目标值来源 }}")
    shenzhen_cell(t, 3, 0, "{%tr endfor %}")
    tag(doc, "{%p endfor %}")
    shenzhen_spacer(doc)
    return doc
