"""Seed 001 — 株洲市石峰区学林街道办事处 2023, format zhuzhou: 绩效目标表.docx as the seed prints it, form by form
(附表1, 附表2, 附表3-1 … 3-4), every label and every amount as displayed — with the units this unit typed after
its amounts; then the issue's named examples cell by cell, the layout flags, and (with LibreOffice) the pages."""
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

from conftest import XUELIN

SEED = "001_1d45ea210ab9b630.txt"
LABELS = ["附表1", "附表2", "附表3-1", "附表3-2", "附表3-3", "附表3-4"]
DELIBERATE: dict[str, dict[Difference, str]] = {}  # none: this seed prints exactly as we do


@pytest.fixture(scope="module")
def path(built):
    return built(XUELIN)["绩效目标表.docx"]


@pytest.mark.parametrize("form", LABELS)
def test_each_form_reads_as_the_seed_prints_it(path, form):
    k = LABELS.index(form)
    printed = seed_forms(without_bookmarks(seed(SEED)), LABELS)[k]
    ours = rendered_forms(path, LABELS)[k]
    assert report(form, differences(printed, ours), DELIBERATE.get(form, {})) == ""


def test_amounts_keep_the_unit_the_seed_prints(path):
    whole, summary, *projects = document(path).tables
    assert texts(whole)[1][1] == "资金总额：930.09万元"  # 整体绩效.单位字样
    assert right_of(whole, "项目支出") == "464" and right_of(whole, "政府性基金拨款") == ""  # as typed; blank, not 0
    assert [right_of(summary, "合计"), right_of(summary, "城乡环境连片整治")] == ["464", "48"]  # 附表2: no units
    first, second, third, fourth = projects
    assert right_of(first, "项目金额") == "36" and right_of(first, "街道党建费用") == "10万"
    assert right_of(first, "合计") == "36万" and right_of(second, "合计") == "350万"
    assert right_of(third, "网格事件成本") == "30万元" and right_of(third, "合计") == "30万元"
    assert right_of(fourth, "项目金额") == "48万" and right_of(fourth, "金额") == "48万"
    assert right_of(fourth, "垃圾拖运费") == "36万元" and right_of(fourth, "合计") == "48万元"
    assert right_of(fourth, "垃圾清运费") == "30万"  # indicator text stays as the spec writes it


def test_summary_has_no_blank_rows(path):
    rows = texts(document(path).tables[1])
    assert len(rows) == 2 + 4 and all(row[1] for row in rows)


def test_forms_are_labelled_and_merged_as_printed(path):
    doc = document(path)
    assert [p.text for p in doc.paragraphs if p.text.startswith("附表")] == LABELS
    for form in doc.tables[2:]:
        assert texts(form)[-1][1] == "合计" and spans(form, -1) == [1, 2, 1, 2]


def test_rows_never_split_and_headers_repeat(path):
    whole, summary, *projects = document(path).tables
    for t in (whole, summary, *projects):
        assert all(row_flags(t, "w:cantSplit"))
    assert [sum(row_flags(t, "w:tblHeader")) for t in (whole, summary, *projects)] == [1, 1, 2, 2, 2, 2]
    assert all(row_flags(t, "w:tblHeader")[0] for t in (whole, summary, *projects))


def test_amount_unit_sits_at_the_right_margin(path):
    stops = caption_tab_stops(path)
    assert len(stops) == len(LABELS) and all(kind == "right" and at == width for kind, at, width in stops)


@needs_office
def test_each_form_is_one_page(path, tmp_path):
    from generator.pdf import Converter
    with Converter() as office:
        pdf, = office.convert([path], tmp_path)
    pages = pdf_pages(pdf)
    assert [page[: len(label)] for page, label in zip(pages, LABELS)] == LABELS and len(pages) == len(LABELS)
    assert all("单位负责人签字：" in page and "联系电话：" in page for page in pages)
