"""重庆 部门预算公开表 (seed 003: 石柱土家族自治县行政服务中心 2023): the sheets as published.

Only the captions the seed prints (表二, 表三, 表四, 表六 and 表十二 over the 一般性项目 tables); a cover page
rather than a table; headings that name the year centred like every heading; amounts in field rows (当年预算,
本级安排 …) shown with two decimals like the seed's 282.50 and 7.00."""
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from xlsx_forms import FONT, MONEY, Form, H, Line, classified, draw, none_note

KINDS = [("合计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")]

# the cover as the seed's reads, top to bottom: (text, point size, bold, row height before it)
COVER = [("{{年度}}年部门预算公开表", 28, True, 150),
         ("{{单位.名称}}", 20, True, 70),
         ("(公章)", 16, False, 50),
         ("报送日期：    年    月    日", 16, False, 170),
         ("单位负责人签章：            财务负责人签章：            制表人签章：", 14, False, 50)]
# headings that carry a placeholder (the year) but are headings all the same
HEADINGS = {"{{年度}}年预算数", "{{年度}}年基本支出"}
# single amounts written into a field row of a 绩效 sheet: money, shown as the seed shows it (282.50, 7.00)
MONEY_FIELDS = {"{{一级项目.当年预算}}", "{{项目.金额}}", "{{项目.本级安排}}", "{{项目.上级补助}}", "{{整体.资金总额}}"}


def cover(wb: Workbook) -> Worksheet:
    """A cover page: large title, the unit, seal, date and signature lines, centred, no grid and no borders."""
    ws = wb.create_sheet("封面")
    for col in "ABCD":
        ws.column_dimensions[col].width = 22
    r = 1
    for text, size, bold, gap in COVER:
        ws.row_dimensions[r].height = gap
        r += 1
        cell = ws.cell(r, 1, text)
        cell.font = Font(name=FONT, size=size, bold=bold)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.row_dimensions[r].height = size * 2
        r += 1
    ws.sheet_view.showGridLines = False
    ws.print_area = f"A1:D{r - 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"  # every printed sheet numbers its pages, the cover too
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = f"{FONT},Regular"
    return ws


def restyle(ws: Worksheet) -> None:
    """Headings with the year centred and bold like the headings around them; field amounts with two decimals."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value in HEADINGS:
                cell.font = Font(name=FONT, size=10, bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            elif cell.value in MONEY_FIELDS:
                cell.number_format = MONEY


def fiscal_overview() -> Form:
    header = [[H("收入", 2), H("支出", 5)],
              ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]]
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.支出.项目}}", "{{行.支出:合计}}",
                 "{{行.支出:一般公共预算}}", "{{行.支出:政府性基金}}", "{{行.支出:国有资本经营}}"])
    total = Line(["收入合计", "{{数:收入:财政拨款}}", "支出合计", "{{数:财政拨款}}", "{{数:一般公共预算}}",
                  "{{数:政府性基金}}", "{{数:国有资本经营}}"], "total")
    return Form("财政拨款收支总表", "财政拨款收支总表", "tmtmmmm", [24, 12, 28, 12, 12, 12, 12], header, [body, total])


def department_overview() -> Form:
    header = [[H("收入", 2), H("支出", 2)], ["项目", "预算数", "项目", "预算数"]]
    total = Line(["合计", "{{数:收入合计}}", "合计", "{{数:合计}}"], "total")
    body = Line(["{{行.收入.项目}}", "{{行.收入.数}}", "{{行.支出.项目}}", "{{行.支出.数}}"])
    return Form("部门收支总表", "部门收支总表", "tmtm", [26, 14, 30, 14], header, [total, body], label="表六",
                landscape=False)


def sangong() -> Form:
    header = [[H("{{年度}}年预算数", 6)],
              [H("合计", rows=2), H("因公出国（境）费", rows=2), H("公务用车购置及运行费", 3), H("公务接待费", rows=2)],
              ["小计", "公务用车购置费", "公务用车运行费"]]
    body = Line(["{{数:三公经费}}", "{{数:因公出国（境）费}}", "{{数:公务用车购置及运行费}}", "{{数:公务用车购置费}}",
                 "{{数:公务用车运行维护费}}", "{{数:公务接待费}}"])
    return Form("三公经费支出表", "一般公共预算“三公”经费支出表", "mmmmmm", [14] * 6, header, [body], label="表四")


INDICATOR_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标权重", "计量单位", "指标性质", "指标值", "是否核心指标"]
INDICATOR_ROW = [None, "{{行.一级}}", "{{行.二级}}", "{{行.三级}}", "{{行.权重}}", "{{行.计量单位}}", "{{行.指标性质}}",
                 "{{行.指标值}}", "{{行.核心指标}}"]


def performance_whole() -> Form:
    lines = [Line(["部门(单位)名称", "{{整体.部门名称}}", None, None, None, "部门支出预算数", "{{整体.资金总额}}", None, None],
                  "field", merges=[(1, 4), (6, 8)]),
             Line(["当年整体绩效目标", "{{整体.年度目标}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(INDICATOR_HEAD, "head", down=[0]),
             Line(INDICATOR_ROW)]
    return Form("整体绩效目标表", "部门（单位）整体绩效目标表", "cttttcccc", [12, 14, 16, 26, 9, 9, 9, 10, 10], [], lines)


def program_form(name: str, title: str, label: str | None) -> Form:
    lines = [Line(["专项资金名称", "{{一级项目.名称}}", None, "业务主管部门", "{{一级项目.业务主管部门}}", None], "field",
                  merges=[(1, 2), (4, 5)]),
             Line(["当年预算", "{{一级项目.当年预算}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["项目概况", "{{一级项目.项目概况}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["立项依据", "{{一级项目.立项依据}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["当年绩效目标", "{{一级项目.当年绩效目标}}", None, None, None, None], "field", merges=[(1, 5)]),
             Line(["绩效指标", "指标", "指标权重", "计量单位", "指标性质", "指标值"], "head", down=[0]),
             Line([None, "{{行.三级}}", "{{行.权重}}", "{{行.计量单位}}", "{{行.指标性质}}", "{{行.指标值}}"])]
    return Form(name, title, "ctcccc", [14, 40, 10, 12, 10, 14], [], lines, label=label,
                left="编制单位：{{一级项目.编制单位}}", landscape=False)


def project_form() -> Form:
    lines = [Line(["项目名称", "{{项目.编码名称}}", None, None, None, "业务主管部门", None, "{{项目.主管部门}}", None], "field",
                  merges=[(1, 4), (5, 6), (7, 8)]),
             Line(["预算执行率 权重", "{{项目.预算执行率权重}}", None, None, None, "项目分类", None, "{{项目.类别}}", None],
                  "field", merges=[(1, 4), (5, 6), (7, 8)]),
             Line(["当年预算 (万元)", "{{项目.金额}}", None, None, None, "本级安排(万元)", None, "{{项目.本级安排}}", None],
                  "field", merges=[(1, 4), (5, 6), (7, 8)], down=[0]),
             Line([None, None, None, None, None, "上级补助(万元)", None, "{{项目.上级补助}}", None], "field",
                  merges=[(1, 4), (5, 6), (7, 8)]),
             Line(["项目概述", "{{项目.项目概况}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(["立项依据", "{{项目.立项依据}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(["当年绩效目标", "{{项目.年度目标}}"] + [None] * 7, "field", merges=[(1, 8)]),
             Line(INDICATOR_HEAD, "head", down=[0]),
             Line(INDICATOR_ROW)]
    return Form("项目支出绩效目标表", "{{年度}}年项目支出绩效目标表", "cttttcccc", [12, 12, 14, 24, 9, 11, 9, 9, 10],
                [], lines, left="编制单位：{{单位.编码}}-{{单位.名称}}")


def forms() -> list[Form]:
    """The sheets after the cover."""
    return [
        fiscal_overview(),
        classified("一般公共预算支出表", "一般公共预算财政拨款支出预算表",
                   [("{{年度}}年预算数", [("总计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")])],
                   codes="编码", code_title="功能分类科目", label="表二", landscape=False),
        classified("基本支出表", "一般公共预算财政拨款基本支出预算表",
                   [("{{年度}}年基本支出", [("总计", ""), ("人员经费", "人员经费"), ("日常公用经费", "公用经费")])],
                   codes="编码", code_title="经济分类科目", label="表三", landscape=False),
        sangong(),
        none_note(classified("政府性基金预算支出表", "政府性基金预算支出表",
                             [("本年政府性基金预算财政拨款支出", [("总计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")])],
                             codes="编码", code_title=None, landscape=False)),
        department_overview(),
        classified("部门支出总表", "部门支出总表", [("总计", ""), ("基本支出", "基本支出"), ("项目支出", "项目支出")],
                   codes="编码", code_title=None, landscape=False),
        performance_whole(),
        program_form("重点专项绩效目标表", "{{年度}}年重点专项资金绩效目标表（一级项目）", None),
        program_form("一般性项目绩效目标表", "{{年度}}年一般性项目绩效目标表（一级项目）", "表十二"),
        project_form(),
    ]


def save_chongqing(path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    cover(wb)
    for form in forms():
        draw(wb, form)
        restyle(wb[form.name])
    wb.active = 0
    wb.save(path)
