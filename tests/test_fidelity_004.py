"""Seed 004 (株洲市荷塘区行政审批服务局 2022, format hunan) against what we render, form by form: every sheet of
部门预算公开表.xlsx (附件3-1 … 3-30, the 部门整体支出绩效目标表 and the three 单位专项资金支出方向绩效目标表), labels
in order and every number as displayed. (The seed has no 情况说明: the hunan 部门预算情况说明.docx has nothing to
compare with.)

The seed is a text extract. Two things it does are normalised by named helpers: the HTML the source system left in
部门职责概述 (<p>…</p>, one paragraph each), and eight tables whose body the extract lost — it kept their title and
unit line and nothing else; for those only the heading is compared, and the body is checked against the seed's
other tables below. Everything else that differs is listed in DEPARTURES with its reason."""
from __future__ import annotations

import re

import openpyxl
import pytest
from fidelity import Difference, between, differences, report, seed, sheet_tokens, shown, tokens

from conftest import HETANG

SEED = seed("004_3baf89feee0f98ba.txt")
PROJECT_FORM = "## 单位专项资金支出方向绩效目标表"
SEED_GOAL_1 = ("通过实施本项目，实现线上、线下数据共享统一，部分高频事项线上直接办理，打造“一站式”政务服务体系。落实“三集中、"
               "三到位”工作要求，实现更多政务服务事项一次窗办。")  # 专项资金绩效1's 年度绩效目标

# sheet → its part of the seed: (first line, line after the part, which occurrence of the first line)
FORMS: dict[str, tuple[str, str | None, int]] = {
    "附件3-1": ("## 部门收支总表", "## 附件3-2", 1),
    "附件3-2": ("## 附件3-2", "## 部门支出总体情况表", 1),
    "附件3-3": ("## 部门支出总体情况表", "### 部门支出总表（按部门预算经济分类）", 1),
    "附件3-4": ("### 部门支出总表（按部门预算经济分类）", "### 部门支出总表（按政府预算经济分类）", 1),
    "附件3-5": ("### 部门支出总表（按政府预算经济分类）", "## 基本支出预算明细表-工资福利支出（按部门预算经济分类）", 1),
    "附件3-6": ("## 基本支出预算明细表-工资福利支出（按部门预算经济分类）", "附件3-7", 1),
    "附件3-7": ("附件3-7", "## 基本支出预算明细表-商品和服务支出（按部门预算经济分类）", 1),
    "附件3-8": ("## 基本支出预算明细表-商品和服务支出（按部门预算经济分类）",
               "## 基本支出预算明细表-商品和服务支出（按政府预算经济分类）", 1),
    "附件3-9": ("## 基本支出预算明细表-商品和服务支出（按政府预算经济分类）",
               "## 基本支出预算明细表-对个人和家庭的补助（按部门预算经济分类）", 1),
    "附件3-10": ("## 基本支出预算明细表-对个人和家庭的补助（按部门预算经济分类）",
                "## 基本支出预算明细表--对个人和家庭的补助(按政府预算经济分类)", 1),
    "附件3-11": ("## 基本支出预算明细表--对个人和家庭的补助(按政府预算经济分类)", "## 财政拨款收支总体情况表", 1),
    "附件3-12": ("## 财政拨款收支总体情况表", "### 一般公共预算支出情况表", 1),
    "附件3-13": ("### 一般公共预算支出情况表", "## 一般公共预算基本支出情况表", 1),
    "附件3-14": ("## 一般公共预算基本支出情况表", "一般公共预算基本支出预算明细表-工资福利支出（按部门预算经济分类）", 1),
    "附件3-15": ("一般公共预算基本支出预算明细表-工资福利支出（按部门预算经济分类）", "附件3-16", 1),
    "附件3-16": ("附件3-16", "## 一般公共预算基本支出预算明细表-商品和服务支出(按部门预算经济分类)", 1),
    "附件3-17": ("## 一般公共预算基本支出预算明细表-商品和服务支出(按部门预算经济分类)",
                "## 一般公共预算基本支出预算明细表-商品和服务支出", 1),
    "附件3-18": ("## 一般公共预算基本支出预算明细表-商品和服务支出",
                "## 一般公共预算基本支出预算明细表-对个人和家庭的补助（按部门预算经济分类）", 1),
    "附件3-19": ("## 一般公共预算基本支出预算明细表-对个人和家庭的补助（按部门预算经济分类）", "附件3-20", 1),
    "附件3-20": ("附件3-20", "## 政府性基金预算支出情况表（按部门预算经济分类）", 1),
    "附件3-21": ("## 政府性基金预算支出情况表（按部门预算经济分类）", "## 政府性基金预算支出情况表（按政府预算经济分类）", 1),
    "附件3-22": ("## 政府性基金预算支出情况表（按政府预算经济分类）",
                "## 纳入专户管理的非税收入拨款预算分类汇总表（按部门预算经济分类）", 1),
    "附件3-23": ("## 纳入专户管理的非税收入拨款预算分类汇总表（按部门预算经济分类）",
                "## 纳入专户管理的非税收入拨款预算分类汇总表（按政府预算经济分类）", 1),
    "附件3-24": ("## 纳入专户管理的非税收入拨款预算分类汇总表（按政府预算经济分类）",
                "### 一般公共预算拨款—经费拨款预算表（按部门预算经济分类）", 1),
    "附件3-25": ("### 一般公共预算拨款—经费拨款预算表（按部门预算经济分类）",
                "#### 一般公共预算拨款--经费拨款预算表(按政府预算经济分类)", 1),
    "附件3-26": ("#### 一般公共预算拨款--经费拨款预算表(按政府预算经济分类)", "### 附件3-27", 1),
    "附件3-27": ("### 附件3-27", "## 一般公共预算“三公”经费预算表", 1),
    "附件3-28": ("## 一般公共预算“三公”经费预算表", "## 政府购买服务预算表", 1),
    "附件3-29": ("## 政府购买服务预算表", "## 政府采购预算表", 1),
    "附件3-30": ("## 政府采购预算表", "## 部门整体支出绩效目标表", 1),
    "整体绩效目标表": ("## 部门整体支出绩效目标表", PROJECT_FORM, 1),
    "专项资金绩效1": (PROJECT_FORM, PROJECT_FORM, 1),
    "专项资金绩效2": (PROJECT_FORM, PROJECT_FORM, 2),
    "专项资金绩效3": (PROJECT_FORM, None, 3),
}
# tables of which the extract kept only the title and unit line (附件3-2 and 3-27 also their caption)
BODY_LOST = ("附件3-2", "附件3-4", "附件3-5", "附件3-13", "附件3-15", "附件3-25", "附件3-26", "附件3-27")

MERGED_LABEL = "the extract breaks up the vertically merged 一级/二级 cells of the 绩效 forms: "
ONE_TEMPLATE = "one template sheet serves the three 专项资金 forms, "

DEPARTURES: dict[str, dict[Difference, str]] = {
    "附件3-6": {
        Difference("9.83", ("5.5",), ("5.50",)):
            "the seed's 合计 row prints 职工基本医疗保险缴费 5.5 between 93.00, 3.20 and 9.83 of the same row: a slip "
            "of the seed (every amount of its tables has two decimals); one number format per column",
        Difference("23.12", ("0.00",), ()):
            "the seed prints one zero as 0.00 (社会保障缴费 合计 of 行政运行) and leaves every other zero of the table, and "
            "of all its tables, blank; zero is blank in every table",
    },
    "附件3-7": {
        Difference("93.00", ("93",), ("93.00",)):
            "the 行政运行 row prints 93.00, 93.00 and then 93 for the same amount: a slip of the seed (附件3-16 prints "
            "this cell 92.99); one number format per column",
    },
    "附件3-17": {
        Difference("印刷费", ("水费",), ("手续费",)):
            "misprint corrected: the seed heads its 3rd column 水费 and its 5th 水费 again; the 3rd is 手续费 (30204), as "
            "in the 2022 部门预算支出经济分类",
        Difference("大型修缮", ("信息网络及软件购置更",), ("信息网络及软件购置更新",)):
            "the seed's heading is cut off by its narrow cell; the 科目 is 信息网络及软件购置更新 (31007)",
    },
    "附件3-19": {
        Difference("类", ("类",), ()):
            "extraction artefact: the header row under 科目编码 repeats 类 (and 类 款 项 under every column, below); the "
            "rest of the heading is the seed's: 功能科目 with 科目名称 beside it, 科目编码 over 类 款 项",
        Difference("项", ("类", "款", "项", "类", "款", "项", "类", "款", "项", "类", "款", "项", "类"), ()):
            "extraction artefact: 类 款 项 repeated under the figure columns (see above)",
    },
    "附件3-21": {
        Difference("对社会保障基金补助", (), ("其他支出",)):
            "extraction artefact: the vertically merged heading 其他支出 lands on the seed's third header row (after 类 "
            "款 项); 附件3-23, the same form, prints it on the second row as we do",
        Difference("项", ("其他支出",), ()):
            "the same heading 其他支出, where the extract put it (see above)",
    },
    "附件3-23": {
        Difference("项", ("合计", "工资福利支出", "一般商品和服务支出", "对个人和家庭的补助", "合计", "商品和服务支出",
                         "对个人和家庭的补助", "债务利息及费用支出", "资本性支出(基本建设)", "资本性支出", "对企业补助(基本建设)",
                         "对企业补助", "对社会保障基金补助", "其他支出"), ()):
            "extraction artefact: the vertically merged headings of the second header row are printed again on the "
            "third (附件3-21, the same form, prints them once)",
    },
    "整体绩效目标表": {
        Difference("效益指标", ("效益指标",), ()):
            MERGED_LABEL + "the 一级 label 效益指标 is printed twice on its first row (once in the 年度绩效指标 column)",
        Difference("达标", ("社会效益", "社会效益"), ()):
            MERGED_LABEL + "社会效益 printed in the 年度绩效指标 and 一级 columns of the 可持续影响 group: 社会效益 is a "
            "二级 指标 under 效益指标 (a 一级 社会效益 fails the format's 必备一级指标); the group stays under 效益指标",
        Difference("≥90%", ("社会效益", "社会效益"), ()):
            MERGED_LABEL + "the same 社会效益 labels over the second 可持续影响 group (see above)",
    },
    "专项资金绩效1": {
        Difference("金额单位：万元", ("支出方向（子项）",), ("支出方向(子项)",)):
            ONE_TEMPLATE + "which print 支出方向 (子项) with half-width parentheses in the 2nd and 3rd",
        Difference(SEED_GOAL_1, (), ("年度绩效指标",)):
            MERGED_LABEL + "the label 年度绩效指标, merged down the indicator rows, lands after the header row",
        Difference("备注", ("年度绩效指标",), ()):
            MERGED_LABEL + "where it landed (see above)",
        Difference("2台", ("效益指标",), ()):
            MERGED_LABEL + "the 一级 label 效益指标 lands in the 产出数量 group, beside 智能终端; we print it over its own "
            "group (经济效益, 可持续影响, 满意度)",
        Difference("20台", ("支出明细及测算说明",), ()):
            MERGED_LABEL + "the label 支出明细及测算说明 lands among the indicators; we print it over the 支出明细",
        Difference("合格", ("社会效益",), ("效益指标",)):
            MERGED_LABEL + "社会效益 printed in the 一级 column of the 经济效益 row: a 二级 指标, the 一级 is 效益指标 "
            "(required by the format)",
        Difference("90%", (), ("支出明细及测算说明",)):
            MERGED_LABEL + "支出明细及测算说明 where it belongs (see above)",
    },
    "专项资金绩效2": {
        Difference("指标值", (), ("备注",)):
            ONE_TEMPLATE + "the 1st and 3rd with a 备注 column; the seed's 2nd has none",
        Difference("100篇", ("政府门户网站运行",), ()):
            "extraction artefact: 政府门户网站运行 printed in the 二级 column beside the indicator of the same name (one "
            "indicator, one row)",
        Difference("其他商品和服务支出", ("482.73万元",), ("482.73",)):
            ONE_TEMPLATE + "whose 支出明细 金额 the 1st and 3rd print as bare numbers (41; 1, 34) under 金额单位：万元",
    },
    "专项资金绩效3": {
        Difference("单位专项资金支出方向绩效目标表", ("项目主管部门:(盖章)", "金额单位:万元"),
                   ("项目主管部门：（盖章）", "金额单位：万元")):
            ONE_TEMPLATE + "the 1st and 2nd writing 项目主管部门：（盖章） and 金额单位：万元 full-width",
        Difference("≥90%", ("社会效益",), ("效益指标",)):
            MERGED_LABEL + "社会效益 printed in the 一级 column: a 二级 指标 (printed again beside it); the 一级 is 效益指标, "
            "required by the format",
    },
}

MARKUP = re.compile(r"</?p\s*>", re.IGNORECASE)


def markup_paragraphs(texts: list[str]) -> list[str]:
    """The seed's texts with the HTML the source system left in 部门职责概述 (<p>(一)…</p><p>(二)…</p>, all in one
    cell) read as the paragraphs it marks: rich text is cleaned once, at load (issue #11), and our cell holds the same
    paragraphs, one line each."""
    out: list[str] = []
    for text in texts:
        if MARKUP.search(text):
            out += [p for p in (MARKUP.sub("", part) for part in re.split(r"</p>\s*<p>", text)) if p]
        else:
            out.append(text)
    return out


def heading_tokens(path, sheet: str) -> list[str]:
    """Our texts of a sheet down to its unit line (单位：万元): what is left of a table whose body the extract lost."""
    ws = openpyxl.load_workbook(path)[sheet]
    out: list[str] = []
    for row in ws.iter_rows():
        texts = [t for c in row for t in tokens(shown(c.value, c.number_format))]
        out += texts
        if any(re.match(r"(金额)?单位[:：]", t) for t in texts):
            break
    return out


@pytest.fixture(scope="module")
def workbook_path(built):
    return built(HETANG)["部门预算公开表.xlsx"]


@pytest.fixture(scope="module")
def wb(workbook_path):
    return openpyxl.load_workbook(workbook_path)


def test_every_sheet_is_a_form_of_the_seed(wb):
    assert list(wb.sheetnames) == list(FORMS)


@pytest.mark.parametrize("sheet", list(FORMS))
def test_form_as_the_seed_prints_it(workbook_path, sheet):
    first, end, nth = FORMS[sheet]
    printed = markup_paragraphs(tokens(between(SEED, first, end, nth=nth)))
    ours = heading_tokens(workbook_path, sheet) if sheet in BODY_LOST else sheet_tokens(workbook_path, sheet)
    assert report(sheet, differences(printed, ours), DEPARTURES.get(sheet, {})) == ""


def test_the_comparison_can_fail(workbook_path):
    """The harness sees a number shown with the wrong decimals and a label that is not the seed's."""
    printed = tokens(between(SEED, *FORMS["附件3-1"][:2]))
    ours = sheet_tokens(workbook_path, "附件3-1")
    assert differences(printed, [t.replace("703.50", "703.5") for t in ours])
    assert differences(printed, [t.replace("(按部门", "（按部门") for t in ours])


# --- the named examples, cell by cell ------------------------------------------------------------------

def cell_with(ws, text: str):
    return next(c for row in ws.iter_rows() for c in row if c.value == text)


def right_of(ws, text: str):
    c = cell_with(ws, text)
    return ws.cell(c.row, c.column + 1)


def test_whole_performance_amounts_are_written_as_the_seed_writes_them(wb):
    ws = wb["整体绩效目标表"]
    total = right_of(ws, "年度预算申请（万元）")
    assert total.value == 703.5 and shown(total.value, total.number_format) == "资金总额：703.5万元"
    general = right_of(ws, "其中：一般公共预算拨款")
    assert shown(general.value, general.number_format) == "703.5"
    for label, text in (("其中：基本支出", "141.77万元"), ("项目支出", "561.73万元")):
        c = right_of(ws, label)
        assert isinstance(c.value, float) and shown(c.value, c.number_format) == text  # a number, its unit printed


def test_project_amounts_keep_their_unit_without_padding(wb):
    for sheet, text in (("专项资金绩效1", "41万元"), ("专项资金绩效2", "482.73万元"), ("专项资金绩效3", "38万元")):
        c = right_of(wb[sheet], "项目金额")
        assert shown(c.value, c.number_format) == text, sheet  # never 41.00万元
    detail = next(r for r in wb["专项资金绩效3"].iter_rows() if r[1].value == "3")
    assert detail[3].value == 34 and shown(detail[3].value, detail[3].number_format) == "34"


def test_overview_shows_two_decimals_in_its_rows_and_the_seeds_703_5_in_its_totals(wb):
    ws = wb["附件3-1"]
    row = right_of(ws, "一、财政预算全额拨款")
    assert row.number_format == "0.00" and shown(row.value, row.number_format) == "703.50"
    assert shown(right_of(ws, "八、卫生健康支出").value, "0.00") == "5.50"
    for label in ("本年收入合计", "收入总计", "支出总计"):
        c = right_of(ws, label)
        assert shown(c.value, c.number_format) == "703.5", label
    texts = {c.value for row in ws.iter_rows() for c in row}
    assert "结转下年" not in texts and "上年结转" not in texts  # no 上年结转/结转下年 row (六、上年结转 is a 收入 line)
    assert {"项目 (按部门预算经济分类)", "项目 (按政府预算经济分类)"} <= texts


def test_performance_forms_have_the_seeds_remark_column(wb):
    for sheet in ("整体绩效目标表", "专项资金绩效1", "专项资金绩效3"):
        ws = wb[sheet]
        head = cell_with(ws, "年度绩效指标").row
        assert [ws.cell(head, c).value for c in range(1, 7)] == ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值",
                                                                  "备注"], sheet


def test_services_number_ten_columns(wb):
    ws = wb["附件3-29"]
    numbers = next(r for r in ws.iter_rows(values_only=True) if r[0] == "**")
    assert [v for v in numbers if v not in (None, "**")] == [str(i) for i in range(1, 11)]
    assert cell_with(ws, "填报单位") and not [c for row in ws.iter_rows() for c in row
                                         if isinstance(c.value, str) and "株洲市荷塘区" in c.value]


def test_wage_tables_head_their_columns_as_the_seed(wb):
    for sheet in ("附件3-6", "附件3-15"):
        ws = wb[sheet]
        texts = [c.value for row in ws.iter_rows(max_row=5) for c in row if c.value]
        assert "其他社会保障缴费" not in texts and texts.count("合计") == 3
        code = cell_with(ws, "类")
        assert ws.cell(code.row, 2).value == "款" and ws.cell(code.row, 3).value is None  # the 项 column unlabelled
        assert ws.cell(code.row + 2, 3).value == "01"  # …and its codes printed
        admin = next(r for r in ws.iter_rows() if r[3].value == "行政运行")
        assert admin[10].value is None  # 社会保障缴费 合计 of 行政运行: blank, as every zero


def test_empty_tables_print_none_without_a_total_row(wb):
    for sheet in ("附件3-10", "附件3-11", "附件3-19", "附件3-20", "附件3-21", "附件3-22", "附件3-23", "附件3-24"):
        texts = [c for row in wb[sheet].iter_rows(values_only=True) for c in row if c]
        assert "无" in texts and "本表无数据" in texts, sheet
        assert texts[texts.index("无") - 1] != "合计", sheet  # the 合计 row comes with the data; here there is none


def test_dates_are_written_as_the_region_writes_them(wb):
    assert cell_with(wb["整体绩效目标表"], "填报日期: 2022. 4. 15")


def test_page_setup(wb):
    for sheet in ("附件3-1", "附件3-12"):  # one page: 本年收入合计 never on a page of its own
        ps = wb[sheet].page_setup
        assert wb[sheet].sheet_properties.pageSetUpPr.fitToPage and (ps.fitToWidth, ps.fitToHeight) == (1, 1), sheet
    ws = wb["附件3-17"]  # 42 columns: landscape, fitted to the page width
    assert ws.max_column == 42 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    ws = wb["整体绩效目标表"]  # the 指标 header repeats on every page the indicators run over
    head = cell_with(ws, "年度绩效指标").row
    assert ws.print_title_rows == f"${head}:${head}"
    assert all(ws.oddFooter.center.text for ws in wb)  # 第 n 页，共 m 页


def test_bodies_the_extract_lost_agree_with_the_seeds_other_tables(wb):
    """附件3-13 (一般公共预算支出) = 3-3's 行政运行 676.59 and 3-14's 基本支出 114.86; 3-27 lists the three 专项 forms'
    项目金额; 3-25/3-26 (all of it 经费拨款) are 3-4/3-5, whose 合计 row the seed's 3-1 gives (703.50, 141.77 …)."""
    admin = next(r for r in wb["附件3-13"].iter_rows(values_only=True) if r[3] == "行政运行")
    assert admin[4:7] == (676.59, 114.86, 561.73)
    listed = [(r[1], r[6]) for r in wb["附件3-27"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [a for _, a in listed] == [41, 482.73, 38]
    for sheet in ("附件3-4", "附件3-25"):
        assert next(r for r in wb[sheet].iter_rows(values_only=True) if r[0] == "合计")[4:9] == (703.5, 141.77, 119.91,
                                                                                                   21.86, None)
    for sheet in ("附件3-5", "附件3-26"):
        assert next(r for r in wb[sheet].iter_rows(values_only=True) if r[0] == "合计")[4:7] == (703.5, 119.91, 583.59)
