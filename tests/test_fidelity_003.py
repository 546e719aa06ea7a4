"""Seed 003 (石柱土家族自治县行政服务中心 2023, format chongqing) against what we render, form by form: every
sheet of 部门预算公开表.xlsx and the 情况说明 (which has no tables), labels in order and every number as displayed.

The seed is a text extract; three things it does to a form are normalised below by named helpers, each of which
can only move or join the seed's own texts (never hide a text of ours or of the seed's): the HTML the source system
left around some 一级项目 texts, a cell or paragraph the extract broke over two lines, and where the text of the
vertically merged 绩效指标 cell landed. Everything else that differs is listed in DEPARTURES with its reason."""
from __future__ import annotations

import re

import openpyxl
import pytest
from fidelity import Difference, between, differences, document_tokens, report, seed, sheet_tokens, shown, tokens

from conftest import SHIZHU

SEED = seed("003_35ece00ce5bc6ad6.txt")
GENERAL = "2023年一般性项目绩效目标表（一级项目）"
PROJECT = "2023年项目支出绩效目标表"

# sheet → its part of the seed: (first line, line after the part, which occurrence of the first line)
FORMS: dict[str, tuple[str, str | None, int]] = {
    "封面": ("2023年部门预算公开表", "财政拨款收支总表", 1),
    "财政拨款收支总表": ("财政拨款收支总表", "表二", 1),
    "一般公共预算支出表": ("表二", "表三", 1),
    "基本支出表": ("表三", "表四", 1),
    "三公经费支出表": ("表四", "政府性基金预算支出表", 1),
    "政府性基金预算支出表": ("政府性基金预算支出表", "表六", 1),
    "部门收支总表": ("表六", "部门支出总表", 1),
    "部门支出总表": ("部门支出总表", "部门（单位）整体绩效目标表", 1),
    "整体绩效目标表": ("部门（单位）整体绩效目标表", "2023年重点专项资金绩效目标表（一级项目）", 1),
    "重点专项绩效目标表": ("2023年重点专项资金绩效目标表（一级项目）", GENERAL, 1),
    "一般性项目1": (GENERAL, "表十二", 1),
    # the 2nd–6th 一般性项目 tables, each with the caption 表十二 printed above it
    **{f"一般性项目{n}": ("表十二", "表十二" if n < 6 else PROJECT, n - 1) for n in range(2, 7)},
    **{f"项目绩效{n}": (PROJECT, PROJECT if n < 7 else None, n) for n in range(1, 8)},
}
NARRATIVE = ("石柱土家族自治县行政服务中心 2023 年部门预算情况说明", "2023年部门预算公开表")

DEPARTURES: dict[str, dict[Difference, str]] = {
    "基本支出表": {
        Difference("30213", ("维修(护)费",), ("维修（护）费",)):
            "科目名称 come from the 2023 economic classification, which writes the parentheses full-width; the seed "
            "typed them half-width",
    },
    "一般性项目1": {
        Difference("", (), ("表十二",)):
            "the seed prints the caption 表十二 above the 2nd–6th 一般性项目 tables but not above the 1st; one template "
            "sheet serves all six",
        Difference("200", ("05",), ("5",)):
            "a 指标权重 printed 05 (a stray leading zero); a weight is a number (the checks add them up), written 5",
    },
}

MARKUP = re.compile(r"</?(?:p|br)\s*/?>", re.IGNORECASE)
INDICATOR_HEAD = {"指标": "指标权重", "一级指标": "二级指标"}  # first heading of the 指标 header → the one after it


def without_markup(texts: list[str]) -> list[str]:
    """The seed's texts without the HTML tags (<p>…</p>) the source system left in some 项目概况/立项依据/当年绩效目标:
    rich text is cleaned once, at load (issue #11), so a reader of our forms never sees them."""
    return [t for t in (MARKUP.sub("", t) for t in texts) if t]


def rejoined(texts: list[str], ours: list[str]) -> list[str]:
    """The seed's texts with a cell or paragraph the extract broke over two lines joined again (编制单位： | 018-…,
    余 | 编 2 人): two neighbours are joined only when together they are exactly one of our texts and the first alone is
    none of ours (the second may be: 018-… is also the 业务主管部门)."""
    mine = set(ours)
    out: list[str] = []
    i = 0
    while i < len(texts):
        if i + 1 < len(texts) and texts[i] + texts[i + 1] in mine and texts[i] not in mine:
            out.append(texts[i] + texts[i + 1])
            i += 2
        else:
            out.append(texts[i])
            i += 1
    return out


def merged_label_on_top(texts: list[str], label: str = "绩效指标") -> list[str]:
    """The 绩效指标 cell is merged down the 指标 header and all indicator rows; the extract prints its text in the row
    of the merge it happened to land in (the header row mostly, mid-block in 一般性项目2 and 项目绩效7). Put it where a
    reader sees it begin, just before the header row, as our sheet (one merged cell, text in its first row) reads."""
    head = next((i for i in range(len(texts) - 1) if INDICATOR_HEAD.get(texts[i]) == texts[i + 1]), None)
    if head is None or (head and texts[head - 1] == label) or label not in texts[head:]:
        return texts
    moved = texts[:head] + [label] + texts[head:]
    del moved[moved.index(label, head + 1)]
    return moved


def seed_part(start: str, end: str | None, nth: int) -> list[str]:
    return tokens(between(SEED, start, end, nth=nth))


def normalised(printed: list[str], ours: list[str]) -> list[str]:
    return merged_label_on_top(rejoined(without_markup(printed), ours))


@pytest.fixture(scope="module")
def files(built):
    return built(SHIZHU)


@pytest.fixture(scope="module")
def workbook(files):
    return openpyxl.load_workbook(files["部门预算公开表.xlsx"])


def test_every_seed_form_has_its_sheet(workbook):
    assert workbook.sheetnames == list(FORMS)


@pytest.mark.parametrize("sheet", list(FORMS))
def test_sheet_reads_as_the_seed_prints_it(files, sheet):
    ours = sheet_tokens(files["部门预算公开表.xlsx"], sheet)
    printed = normalised(seed_part(*FORMS[sheet]), ours)
    assert report(sheet, differences(printed, ours), DEPARTURES.get(sheet, {})) == ""


def test_narrative_reads_as_the_seed_prints_it(files):
    ours = document_tokens(files["部门预算情况说明.docx"])
    printed = normalised(seed_part(*NARRATIVE, 1), ours)
    assert report("部门预算情况说明", differences(printed, ours), {}) == ""


def test_the_normalisers_only_move_or_join_the_seeds_texts():
    assert without_markup(["<p>甲</p>", "乙"]) == ["甲", "乙"]
    assert rejoined(["编制单位：", "018-某单位", "单位：万元"], ["编制单位：018-某单位", "单位：万元"]) == [
        "编制单位：018-某单位", "单位：万元"]
    assert rejoined(["编制单位：", "单位：万元"], ["编制单位：", "单位：万元"]) == ["编制单位：", "单位：万元"]
    assert merged_label_on_top(["目标", "指标", "指标权重", "甲", "5", "绩效指标", "乙"]) == [
        "目标", "绩效指标", "指标", "指标权重", "甲", "5", "乙"]
    assert merged_label_on_top(["绩效指标", "一级指标", "二级指标"]) == ["绩效指标", "一级指标", "二级指标"]


# --- the named examples, read from the rendered cells ---------------------------------------------------

def field_value(ws, label: str, offset: int = 1):
    """The cell `offset` columns right of the cell that reads `label`."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == label:
                return ws.cell(cell.row, cell.column + offset)
    raise AssertionError(f"{ws.title}: no cell «{label}»")


@pytest.mark.parametrize("sheet,shown_as", [("一般性项目1", "282.50"), ("一般性项目2", "746.15"), ("一般性项目3", "531.40"),
                                            ("一般性项目4", "6.00"), ("一般性项目5", "36.60"), ("一般性项目6", "95.13")])
def test_program_budget_shows_two_decimals(workbook, sheet, shown_as):
    cell = field_value(workbook[sheet], "当年预算")
    assert cell.data_type == "n" and cell.number_format == "0.00"
    assert shown(cell.value, cell.number_format) == shown_as


def test_project_amounts_show_two_decimals(workbook):
    expected = ["7.00", "49.24", "9.00", "30.00", "7.00", "3.00", "67.00"]
    for n, amount in enumerate(expected, start=1):
        ws = workbook[f"项目绩效{n}"]
        budget = next(c for row in ws.iter_rows() for c in row if str(c.value).replace(" ", "") == "当年预算(万元)")
        budget = ws.cell(budget.row, budget.column + 1)
        own = field_value(ws, "本级安排(万元)", 2)
        for cell in (budget, own):
            assert cell.data_type == "n" and cell.number_format == "0.00"
            assert shown(cell.value, cell.number_format) == amount, (ws.title, cell.coordinate)
    template = workbook["整体绩效目标表"]
    assert field_value(template, "部门支出预算数").number_format == "0.00"


def test_no_markup_in_any_cell(workbook):
    texts = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if MARKUP.search(t)]
    ws = workbook["一般性项目2"]
    assert field_value(ws, "项目概况").value.startswith("负责县政府会议的筹备工作")
    assert field_value(ws, "当年绩效目标").value.endswith("重要会议服务保障工作。")


def test_cover_is_a_cover_page(workbook):
    ws = workbook["封面"]
    texts = [c for row in ws.iter_rows() for c in row if c.value]
    assert [c.value for c in texts] == ["2023年部门预算公开表", "石柱土家族自治县行政服务中心", "(公章)",
                                        "报送日期：    年    月    日",
                                        "单位负责人签章：            财务负责人签章：            制表人签章："]
    title = texts[0]
    assert title.font.sz >= 24 and title.font.b and title.alignment.horizontal == "center"
    assert all(c.font.sz >= 14 and c.alignment.horizontal == "center" for c in texts)
    assert not any(side.style for row in ws.iter_rows() for c in row
                   for side in (c.border.left, c.border.right, c.border.top, c.border.bottom))
    assert ws.sheet_view.showGridLines is False
    assert ws.page_setup.fitToHeight == 1 and ws.page_setup.orientation == "portrait"


@pytest.mark.parametrize("sheet,heading", [("一般公共预算支出表", "2023年预算数"), ("基本支出表", "2023年基本支出"),
                                           ("三公经费支出表", "2023年预算数")])
def test_merged_headings_are_centred(workbook, sheet, heading):
    ws = workbook[sheet]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == heading)
    assert any(cell.coordinate in r and r.min_col < r.max_col for r in ws.merged_cells.ranges)
    assert cell.alignment.horizontal == "center" and cell.font.b
    # and so is every merged cell of the header (the rows printed on each page)
    first, last = (int(x) for x in ws.print_title_rows.replace("$", "").split(":"))
    for r in ws.merged_cells.ranges:
        if first <= r.min_row <= last:
            assert ws.cell(r.min_row, r.min_col).alignment.horizontal == "center", (sheet, str(r))


def test_indicator_values_are_numbers_or_text_as_they_read(workbook):
    numbers = texts = 0
    for ws in workbook.worksheets:
        if not ws.title.startswith(("一般性项目", "项目绩效", "重点专项", "整体绩效")):
            continue
        head = next(c for row in ws.iter_rows() for c in row if c.value == "指标值")
        for r in range(head.row + 1, ws.max_row + 1):
            cell = ws.cell(r, head.column)
            if cell.value is None:
                continue
            plain = re.fullmatch(r"\d+(\.\d+)?", str(cell.value)) is not None
            assert cell.data_type == ("n" if plain else "s"), (ws.title, cell.coordinate, cell.value)
            numbers += plain
            texts += not plain
    assert (numbers, texts) == (133, 13)  # 优/良/中/好 stay text
    ws = workbook["一般性项目1"]
    assert field_value(ws, "项目总成本", 4).value == 299.5


def test_only_the_seeds_captions(workbook):
    captions = {ws.title: ws["A1"].value for ws in workbook.worksheets if re.fullmatch(r"表.{1,3}", str(ws["A1"].value))}
    assert captions == {"一般公共预算支出表": "表二", "基本支出表": "表三", "三公经费支出表": "表四", "部门收支总表": "表六",
                        **{f"一般性项目{n}": "表十二" for n in range(1, 7)}}
