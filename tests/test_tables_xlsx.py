"""部门预算公开表 (xlsx): the published numbers land in the right cells, as numbers, under the published
headers; and the engine keeps styles, merges, print areas and formulas right when rows expand."""
from __future__ import annotations

from decimal import Decimal as D

import openpyxl
import pytest
from test_golden_figures import SHIZHU_ECONOMIC, SHIZHU_FUNCTION

from conftest import HETANG, SHIZHU, row_with


def num(x):
    return None if x is None else D(str(x)).quantize(D("0.01"))


@pytest.fixture(scope="module")
def shizhu(built):
    return openpyxl.load_workbook(built(SHIZHU)["部门预算公开表.xlsx"])


@pytest.fixture(scope="module")
def hetang(built):
    return openpyxl.load_workbook(built(HETANG)["部门预算公开表.xlsx"])


def values(row, start):
    return tuple(num(v) for v in row[start:])


def headings(ws, rows=(4, 5, 6)):
    """Per column, the lowest header text (what names the column)."""
    out = []
    for c in range(1, ws.max_column + 1):
        texts = [ws.cell(r, c).value for r in rows if ws.cell(r, c).value]
        out.append(texts[-1] if texts else None)
    return out


def test_shizhu_fiscal_overview(shizhu):
    ws = shizhu["财政拨款收支总表"]
    assert [ws.cell(4, c).value for c in range(1, 8)] == ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
    expect = [("一、本年收入", "471.53", "一、本年支出", "500.75", "500.75"),
              ("一般公共预算资金", "471.53", "一般公共服务支出", "418.06", "418.06"),
              ("政府性基金预算资金", None, "社会保障和就业支出", "49.81", "49.81"),
              ("国有资本经营预算资金", None, "卫生健康支出", "12.43", "12.43"),
              (None, None, "住房保障支出", "20.44", "20.44"),
              ("二、上年结转", "29.21", "二、结转下年", None, None),
              ("一般公共预算拨款", "29.21", None, None, None),
              ("收入合计", "500.75", "支出合计", "500.75", "500.75")]
    body = [r for r in ws.iter_rows(min_row=5, values_only=True)]
    rows = {r[0] or r[2]: r for r in body}
    for left, lv, right, total, general in expect:
        row = rows[left or right]
        assert (row[0], num(row[1]), row[2], num(row[3]), num(row[4])) == (left, num(lv), right, num(total), num(general))
        assert row[5] is None and row[6] is None  # zero cells are blank as published
    assert isinstance(rows["收入合计"][1], (int, float))  # numbers land as numbers


@pytest.mark.parametrize("sheet,scope", [("一般公共预算支出表", "一般公共预算"), ("部门支出总表", "")])
def test_shizhu_function_tables(shizhu, sheet, scope):
    ws = shizhu[sheet]
    assert row_with(ws, 1, "合计")[2:5] == (500.75, 299.3, 201.45)
    for code, expected in SHIZHU_FUNCTION.items():
        row = row_with(ws, 1, code)
        assert values(row, 2) == tuple(num(x) for x in expected), (sheet, code)
    assert row_with(ws, 1, "2010306")[1] == "政务公开审批"


def test_shizhu_basic_table(shizhu):
    ws = shizhu["基本支出表"]
    assert [ws.cell(5, c).value for c in range(1, 6)] == ["科目编码", "科目名称", "总计", "人员经费", "日常公用经费"]
    assert values(row_with(ws, 1, "合计"), 2) == (num("299.30"), num("240.79"), num("58.50"))
    for code, amount in SHIZHU_ECONOMIC.items():
        row = row_with(ws, 1, code)
        staff = code.startswith("301")
        assert values(row, 2) == (num(amount), num(amount) if staff else None, None if staff else num(amount)), code


def test_shizhu_sangong_and_fund_tables(shizhu):
    ws = shizhu["三公经费支出表"]
    assert [ws.cell(7, c).value for c in range(1, 7)] == [1, None, None, None, None, 1]
    ws = shizhu["政府性基金预算支出表"]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "(备注：本单位无政府性基金收支，故此表无数据。)" in texts
    assert row_with(ws, 1, "合计")[2:] == (None, None, None)


def test_shizhu_department_overview(shizhu):
    ws = shizhu["部门收支总表"]
    assert row_with(ws, 1, "合计") == ("合计", 500.75, "合计", 500.75)
    assert row_with(ws, 1, "一般公共预算资金")[:4] == ("一般公共预算资金", 500.75, "一般公共服务支出", 418.06)
    assert [row_with(ws, 3, name)[3] for name in ("社会保障和就业支出", "卫生健康支出", "住房保障支出")] == [49.81, 12.43, 20.44]
    assert row_with(ws, 1, "其他收入资金")[1] is None


def test_shizhu_performance_sheets(shizhu):
    names = shizhu.sheetnames
    assert sum(n.startswith("项目绩效") for n in names) == 7  # the two projects without targets print none
    assert sum(n.startswith("一般性项目") for n in names) == 6 and "重点专项绩效目标表" in names
    ws = shizhu["项目绩效7"]
    assert row_with(ws, 1, "项目名称")[1] == "50024021T000000050459-自助终端及大数据应用分析展示系统"
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] in ("产出指标", "效益指标", "满意度指标", "成本指标")]
    assert len(rows) == 9 and rows[0][1:] == ("产出指标", "数量指标", "智能控制终端", 10, "台", "≥", 10, "否")  # 指标值 10 a number


def test_hetang_overview(hetang):
    ws = hetang["附件3-1"]
    assert row_with(ws, 1, "一、财政预算全额拨款")[:8] == ("一、财政预算全额拨款", 703.5, "一、一般公共服务支出", 676.59,
                                                       "一、基本支出", 141.77, "一、机关工资福利支出", 119.91)
    assert row_with(ws, 3, "七、社会保障和就业支出")[3] == 9.83
    assert row_with(ws, 3, "八、卫生健康支出")[3] == 5.5
    assert row_with(ws, 3, "十七、住房保障支出")[3] == 11.58
    assert row_with(ws, 5, "工资福利支出")[5] == 119.91 and row_with(ws, 5, "商品和服务支出")[5] == 21.86
    assert row_with(ws, 5, "二、项目支出")[5] == 561.73 and row_with(ws, 7, "二、机关商品和服务支出")[7] == 583.59
    # as the seed prints it: 二十四、二十五 beside 本年收入合计 and below it, the 功能 column's 合计 after them
    assert row_with(ws, 1, "本年收入合计") == ("本年收入合计", 703.5, "二十四、债务付息支出", None, "本年支出合计", 703.5,
                                           "本年支出合计", 703.5)
    assert row_with(ws, 3, "本年支出合计")[2:4] == ("本年支出合计", 703.5)
    assert row_with(ws, 1, "收入总计")[1] == 703.5


def test_hetang_expenditure_by_source(hetang):
    ws = hetang["附件3-3"]
    assert row_with(ws, 1, "合计")[4:6] == (703.5, 703.5)
    expect = {"行政运行": 676.59, "机关事业单位基本养老保险缴费支出": 9.83, "行政单位医疗": 5.34,
              "其他行政事业单位医疗支出": 0.16, "住房公积金": 11.58}
    for name, amount in expect.items():
        row = row_with(ws, 4, name)
        assert row[4:6] == (amount, amount) and all(v is None for v in row[6:])
    assert row_with(ws, 4, "其他行政事业单位医疗支出")[:3] == ("210", "11", "09")  # printed as published


@pytest.mark.parametrize("sheet", ["附件3-6", "附件3-15"])
def test_hetang_wages_by_department_economic(hetang, sheet):
    ws = hetang[sheet]
    head = [ws.cell(4, c).value for c in range(5, 21)]
    assert head[:6] == [None, "合计", "基本工资", "津贴补贴", "奖金", "绩效工资"]
    assert row_with(ws, 1, "合计")[4:16] == (119.91, 93, 35.11, 3.2, 31.57, 23.12, 26.91, 9.83, None, 5.5, None, 11.58)
    assert row_with(ws, 4, "行政运行")[4:10] == (93, 93, 35.11, 3.2, 31.57, 23.12)
    assert row_with(ws, 4, "住房公积金")[15] == 11.58


@pytest.mark.parametrize("sheet,row_total", [("附件3-7", 93), ("附件3-16", 92.99)])
def test_hetang_wages_by_government_economic(hetang, sheet, row_total):
    ws = hetang[sheet]
    assert [ws.cell(5, c).value for c in range(6, 11)] == ["合计", "工资奖金津补贴", "社会保障缴费", "住房公积金", "其他工资福利支出"]
    assert row_with(ws, 1, "合计")[4:9] == (119.91, 119.91, 92.99, 15.33, 11.58)  # 92.99 as published
    assert row_with(ws, 4, "行政运行")[4:7] == (row_total, row_total, row_total)


@pytest.mark.parametrize("sheet", ["附件3-8", "附件3-17"])
def test_hetang_goods_by_department_economic(hetang, sheet):
    ws = hetang[sheet]
    heads = headings(ws, rows=(3, 4, 5))
    total = row_with(ws, 1, "合计")
    got = {heads[i]: v for i, v in enumerate(total) if i >= 4 and v is not None}
    assert got == {"总计": 21.86, "办公费": 2, "印刷费": 1, "邮电费": 1, "维修(护)费": 1, "租赁费": 1, "会议费": 0.25,
                   "培训费": 0.7, "公务接待费": 0.3, "劳务费": 1, "委托业务费": 1, "工会经费": 1.17, "福利费": 1.76,
                   "其他交通费用": 6.86, "其他商品和服务支出": 2.82}


@pytest.mark.parametrize("sheet", ["附件3-9", "附件3-18"])
def test_hetang_goods_by_government_economic(hetang, sheet):
    ws = hetang[sheet]
    heads = headings(ws, rows=(3, 4))
    got = {heads[i]: v for i, v in enumerate(row_with(ws, 4, "行政运行")) if i >= 4 and v is not None}
    assert got == {"总计": 21.86, "合计": 21.86, "办公经费": 15.79, "会议费": 0.25, "培训费": 0.7, "委托业务费": 1,
                   "公务接待费": 0.3, "维修(护)费": 1, "其他商品和服务支出": 2.82}


def test_hetang_basic_by_function(hetang):
    ws = hetang["附件3-14"]
    assert [ws.cell(4, c).value for c in range(4, 9)] == ["合计", "工资福利支出", "一般商品和服务支出", "对个人和家庭的补助", "业务性商品和服务支出"]
    expect = {"合计": (141.77, 119.91, 21.86), "一般公共服务支出": (114.86, 93, 21.86),
              "政府办公厅（室）及相关机构事务": (114.86, 93, 21.86), "01 行政运行": (114.86, 93, 21.86),
              "社会保障和就业支出": (9.83, 9.83, None), "05 机关事业单位基本养老保险缴费支出": (9.83, 9.83, None),
              "卫生健康支出": (5.5, 5.5, None), "01 行政单位医疗": (5.34, 5.34, None), "09 其他行政事业单位医疗支出": (0.16, 0.16, None),
              "住房保障支出": (11.58, 11.58, None), "01 住房公积金": (11.58, 11.58, None)}
    for name, amounts in expect.items():
        row = row_with(ws, 1, "合计") if name == "合计" else row_with(ws, 3, name)
        assert row[3:6] == amounts, name


def test_hetang_sangong(hetang):
    ws = hetang["附件3-28"]
    assert row_with(ws, 1, "株洲市荷塘区行政审批服务局")[1:] == (0.3, 0.3, None, None, None, None)


def test_hetang_procurement(hetang):
    ws = hetang["附件3-30"]
    assert row_with(ws, 1, "合计")[9:12] == (393.98, 393.98, 393.98)
    items = [r for r in ws.iter_rows(values_only=True) if r[0] == "201"]
    assert len(items) == 12 and sum(D(str(r[9])) for r in items) == D("393.98")
    assert items[0][:12] == ("201", "03", "01", "052001", "株洲市荷塘区行政审批服务局", "政务服务运转经费", "文具", 1, "批", 5, 5, 5)
    assert items[5][5:10] == ("机房维保、等保整改经费", "硬件运维服务", 4, "批", 193)


def test_hetang_empty_tables_print_their_note(hetang):
    for sheet in ("附件3-10", "附件3-21", "附件3-29"):
        texts = [c for row in hetang[sheet].iter_rows(values_only=True) for c in row if c]
        assert "本表无数据" in texts and "无" in texts, sheet


def test_hetang_performance_forms(hetang):
    ws = hetang["专项资金绩效3"]
    assert row_with(ws, 1, "支出方向 (子项)")[1:5] == ("政务服务运转", None, "所属专项", "政务服务运转经费")
    details = [r for r in ws.iter_rows(values_only=True) if r[1] in ("1", "2", "3", "4", "5")]
    assert [(r[2], r[3]) for r in details] == [("办公费", 1), ("印刷费", 1), ("委托业务费", 34), ("劳务费", 1), ("其他商品和服务支出", 1)]
    merged = {str(m) for m in ws.merged_cells.ranges}
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "EMS邮政快递服务")
    assert f"B{first}:B{first + 6}" in merged and f"C{first}:C{first + 5}" in merged  # 一级 / 二级 grouped merges
