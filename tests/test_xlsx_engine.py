"""The xlsx engine on small templates: expanded blocks keep styles and merges, formulas and print areas
follow the rows, several blocks share a sheet, text is never a formula, output is byte-for-byte stable."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from generator.render.placeholders import TemplateError, lookup
from generator.render.xlsx import SheetFill, XlsxTemplate


def make_template(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "{{标题}}年 汇总"
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["C2"] = "名称", "说明", "金额"
    ws["A3"], ws["B3"], ws["D3"] = "{{行.名称}}", "{{行.说明}}", "{{行.金额}}"
    ws.merge_cells("B3:C3")  # a merge inside the repeated row
    ws["A3"].font = Font(bold=True, color="FF0000")
    ws["D3"].number_format = "0.00"
    ws["A4"], ws["D4"] = "合计", "=SUM(D3:D3)"
    ws["A5"], ws["D5"] = "{{明细.项}}", "{{明细.值}}"
    ws["A6"] = "尾注"
    ws.merge_cells("A6:D6")
    ws.print_area = "A1:D6"
    ws.print_title_rows = "1:2"
    wb.save(path)
    return path


def fill(rows, details, values=None):
    values = {"标题": "2024", **(values or {})}

    def resolve(ph, row):
        if row is not None and ph.root in row["__blocks__"]:
            return lookup(row, ph.fields, "", strict=False)
        return lookup(values, (ph.root, *ph.fields), "")
    return SheetFill("表", "表", resolve, {"行": [{**r, "__blocks__": ("行",)} for r in rows],
                                           "明细": [{**r, "__blocks__": ("明细",)} for r in details]})


@pytest.fixture
def template(tmp_path):
    return XlsxTemplate(make_template(tmp_path / "t.xlsx"))


def render(template, tmp_path, *args, name="out.xlsx"):
    out = tmp_path / name
    out.write_bytes(template.render([fill(*args)], title="t", when="2024-01-01T00:00:00Z"))
    return openpyxl.load_workbook(out), out


ROWS = [{"名称": "甲", "说明": "说明一", "金额": D("1.50")}, {"名称": "乙", "说明": "=SUM(A1)", "金额": D("2.25")},
        {"名称": "丙", "说明": "&<>\"' 换\n行", "金额": None}]


def test_block_expands_with_styles_merges_formulas_and_print_area(template, tmp_path):
    wb, _ = render(template, tmp_path, ROWS, [{"项": "x", "值": D(1)}, {"项": "y", "值": D(2)}])
    ws = wb["表"]
    assert ws["A1"].value == "2024年 汇总"
    assert [ws.cell(r, 1).value for r in range(3, 6)] == ["甲", "乙", "丙"]
    assert [ws.cell(r, 4).value for r in range(3, 6)] == [1.5, 2.25, None]
    assert all(ws.cell(r, 1).font.bold and ws.cell(r, 4).number_format == "0.00" for r in range(3, 6))
    assert {"A1:D1", "B3:C3", "B4:C4", "B5:C5", "A9:D9"} == {str(m) for m in ws.merged_cells.ranges}
    assert ws["D6"].value == "=SUM(D3:D5)" and ws["A6"].value == "合计"
    assert [ws.cell(r, 1).value for r in (7, 8, 9)] == ["x", "y", "尾注"]
    assert ws.print_area == "'表'!$A$1:$D$9" and ws.print_title_rows == "$1:$2"


def test_spec_text_is_never_a_formula(template, tmp_path):
    wb, _ = render(template, tmp_path, ROWS, [])
    ws = wb["表"]
    assert ws["B4"].value == "=SUM(A1)" and ws["B4"].data_type == "s"
    assert ws["B5"].value == "&<>\"' 换\n行"


def test_empty_blocks_are_removed_and_rows_below_move_up(template, tmp_path):
    wb, _ = render(template, tmp_path, [], [])
    ws = wb["表"]
    assert ws["A3"].value == "合计" and ws["D3"].value == "=SUM(0)"  # nothing to add, not a circular reference
    assert ws["A4"].value == "尾注" and ws.print_area == "'表'!$A$1:$D$4"


def test_same_input_same_bytes(template, tmp_path):
    _, a = render(template, tmp_path, ROWS, [], name="a.xlsx")
    _, b = render(template, tmp_path, ROWS, [], name="b.xlsx")
    assert a.read_bytes() == b.read_bytes()


def test_unknown_placeholder_is_a_clear_error(template, tmp_path):
    def resolve(ph, row):
        return lookup({}, (ph.root, *ph.fields), "测试")
    with pytest.raises(TemplateError, match="标题"):
        template.render([SheetFill("表", "表", resolve, {"行": [], "明细": []})], title="t", when="2024-01-01T00:00:00Z")


class LazyRows(Sequence):
    """Block rows made as they are asked for (as a batch's 汇总表 reads each unit's result back)."""

    def __init__(self, n: int):
        self.n, self.asked = n, 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k):
        if not 0 <= k < self.n:
            raise IndexError(k)
        self.asked += 1
        return {"名称": f"单位{k}", "说明": "说" * (k % 7), "金额": D(k) / 100, "__blocks__": ("行",)}


def test_a_sheet_of_many_rows_is_written_piece_by_piece_and_reads_back_whole(template, tmp_path, monkeypatch):
    """3,000 block rows, compressed as they are written in pieces of 4 KB: every row in place, the rows
    below moved down, the zip's checksums right — and the same bytes as compressed in one piece."""
    import zipfile

    from generator.render import package
    monkeypatch.setattr(package.Deflater, "FLUSH_AT", 4096)
    rows = LazyRows(3_000)
    wb, out = render(template, tmp_path, rows, [{"项": "x", "值": D(1)}])
    assert rows.asked == 3_000
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None and zf.getinfo("xl/worksheets/sheet1.xml").file_size > 100 * 4096
    ws = wb["表"]
    assert [ws.cell(r, 1).value for r in (3, 1_234, 3_002)] == ["单位0", "单位1231", "单位2999"]
    assert ws.cell(3_002, 4).value == 29.99 and ws.cell(3_003, 4).value == "=SUM(D3:D3002)"
    assert ws.cell(3_004, 1).value == "x" and ws.cell(3_005, 1).value == "尾注"
    monkeypatch.setattr(package.Deflater, "FLUSH_AT", 1 << 40)  # all of it in one piece
    _, whole = render(template, tmp_path, LazyRows(3_000), [{"项": "x", "值": D(1)}], name="whole.xlsx")
    assert whole.read_bytes() == out.read_bytes()
