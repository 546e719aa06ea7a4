"""Seed 000 — 石峰区网格化管理服务中心 2023, format zhuzhou: 绩效目标表.docx as the seed prints it, form by form
(附表1, 附表2, 附表3 ×5), every label and every amount as displayed; then the issue's named examples cell by cell,
the layout flags, and (with LibreOffice) the pages."""
from __future__ import annotations

import pytest
from fidelity import Difference, differences, report, seed
from test_office import needs_office
from zhuzhou_fidelity import (
    caption_tab_stops,
    document,
    pdf_pages,
    rendered_forms,
    right_of,
    row_flags,
    seed_forms,
    spans,
    texts,
    without_bookmarks,
)

from conftest import WANGGE

SEED = "000_de462cf84385957b.txt"
LABELS = ["附表1", "附表2", *["附表3"] * 5]  # this unit prints every 附表3 without its number (版式: 附表编号: 否)
FORMS = [f"{n}:{label}" for n, label in enumerate(LABELS, start=1)]
WRAPPED = "the filer broke the words with a line break to fit the narrow cell; the spec writes the indicator whole and our column wraps it"
DELIBERATE: dict[str, dict[Difference, str]] = {
    "4:附表3": {Difference("质量指标", ("项目发展", "质量"), ("项目发展质量",)): WRAPPED},
    "7:附表3": {Difference("社会公众及服务对象满意度指标", ("服务对象", "满意度"), ("服务对象满意度",)): WRAPPED},
}


@pytest.fixture(scope="module")
def path(built):
    return built(WANGGE)["绩效目标表.docx"]


@pytest.mark.parametrize("form", FORMS)
def test_each_form_reads_as_the_seed_prints_it(path, form):
    k = FORMS.index(form)
    printed = seed_forms(without_bookmarks(seed(SEED)), LABELS)[k]
    ours = rendered_forms(path, LABELS)[k]
    assert report(form, differences(printed, ours), DELIBERATE.get(form, {})) == ""


def test_amounts_print_as_the_seed_writes_them(path):
    whole, summary, *projects = document(path).tables
    assert right_of(whole, "项目支出") == "1755.80"  # 附表1: two decimals, as printed (公布数 of 项目支出)
    assert right_of(whole, "其中：基本支出") == "109.59" and right_of(whole, "政府性基金拨款") == "0"
    assert texts(whole)[1][1] == "资金总额：1865.39"  # no unit after it in this seed
    assert right_of(summary, "合计") == "1755.8"  # 附表2 prints the sum as typed, one decimal
    base = projects[3]  # 四 基层社会治理专项
    assert right_of(base, "项目金额") == "1633.8" and right_of(base, "金额") == "1633.8"
    assert right_of(base, "合计") == "1633.8"  # 支出明细 合计 as the 项目金额, not 1633.80 beside it
    assert [right_of(base, text) for text in ("根据岗位标准测算", "根据各标准测算")] == ["694.02", "601.92"]


def test_summary_keeps_its_blank_rows(path):
    summary = document(path).tables[1]
    rows = texts(summary)
    assert [r[1] for r in rows[:2]] == ["名称", "合计"] and len(rows) == 2 + 5 + 5
    assert all(not any(cell for cell in row) for row in rows[-5:])  # 汇总表空行: 5, as the seed prints


def test_forms_are_labelled_and_merged_as_printed(path):
    doc = document(path)
    labels = [p.text for p in doc.paragraphs if p.text.startswith("附表")]
    assert labels == LABELS
    for form in doc.tables[2:]:
        last = texts(form)[-1]
        assert last[1] == "合计" and spans(form, -1) == [1, 2, 1, 2]  # 合计 across 支出内容简介 and 支出明细


def test_rows_never_split_and_headers_repeat(path):
    whole, summary, *projects = document(path).tables
    for t in (whole, summary, *projects):
        assert all(row_flags(t, "w:cantSplit"))
    assert row_flags(whole, "w:tblHeader") == [True] + [False] * (len(whole.rows) - 1)
    assert row_flags(summary, "w:tblHeader") == [True] + [False] * (len(summary.rows) - 1)
    for t in projects:  # 支出方向 and 项目金额 rows (所属专项 spans both)
        assert row_flags(t, "w:tblHeader") == [True, True] + [False] * (len(t.rows) - 2)


def test_amount_unit_sits_at_the_right_margin(path):
    stops = caption_tab_stops(path)
    assert len(stops) == len(LABELS) and all(kind == "right" and at == width for kind, at, width in stops)


@needs_office
def test_each_form_is_one_page(path, tmp_path):
    """附表1 (the longest of the seeds) fits its page with the signatures; every form starts a page of its own."""
    from generator.pdf import Converter
    with Converter() as office:
        pdf, = office.convert([path], tmp_path)
    pages = pdf_pages(pdf)
    assert [page[: len(label)] for page, label in zip(pages, LABELS)] == LABELS and len(pages) == len(LABELS)
    assert all("单位负责人签字：" in page and "联系电话：" in page for page in pages)
    assert not any(page.startswith("附表3-") for page in pages)
