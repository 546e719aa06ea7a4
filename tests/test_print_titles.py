"""Print-titles names read out of workbook.xml for the PDF converter (see generator/print_titles.py): rows,
columns, both, quoted sheet names; a name this does not read leaves the workbook as it is."""
from __future__ import annotations

import zipfile

from generator.print_titles import Titles, lighter_copy, split

BOOK = ('<workbook><sheets/><definedNames>{}<definedName name="_xlnm.Print_Area" localSheetId="0">'
        "'附件3-1'!$A$1:$H$31</definedName></definedNames></workbook>")


RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet"/>{}</Relationships>')


def names(*defined: str) -> bytes:
    return BOOK.format("".join(defined)).encode("utf-8")


def title(sheet: int, formula: str) -> str:
    return f'<definedName name="_xlnm.Print_Titles" localSheetId="{sheet}">{formula}</definedName>'


def test_rows_columns_and_both_are_read_and_the_names_taken_out():
    rest, titles = split(names(title(0, "'附件3-1'!$1:$4"), title(2, "Sheet3!$A:$B"),
                               title(5, "'O''Brien, 表'!$B:$C,'O''Brien, 表'!$2:$3")))
    assert titles == {0: Titles(rows=(0, 3)), 2: Titles(columns=(0, 1)), 5: Titles(rows=(1, 2), columns=(1, 2))}
    assert b"Print_Titles" not in rest and b"_xlnm.Print_Area" in rest  # the print areas stay


def test_escaped_names_are_read():
    assert split(names(title(1, "&apos;A&amp;B&apos;!$1:$2")))[1] == {1: Titles(rows=(0, 1))}


def test_a_workbook_without_titles_or_with_one_this_cannot_read_is_left_alone():
    assert split(names()) is None
    assert split(names(title(0, "'附件3-1'!$A$1:$H$4"))) is None  # not whole rows: LibreOffice decides
    assert split(names('<definedName name="_xlnm.Print_Titles">Sheet1!$1:$2</definedName>')) is None


def test_the_copy_differs_only_in_its_names(tmp_path):
    source = tmp_path / "公开表.xlsx"
    with zipfile.ZipFile(source, "w") as zf:
        zf.writestr("xl/workbook.xml", names(title(0, "'附件3-1'!$1:$4")))
        zf.writestr("xl/_rels/workbook.xml.rels", RELS.format(""))
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    copy, titles = lighter_copy(source, tmp_path / "copy")
    assert copy.name == source.name and titles == {0: Titles(rows=(0, 3))}
    with zipfile.ZipFile(copy) as zf:
        assert zf.read("xl/worksheets/sheet1.xml") == b"<worksheet/>"
        assert b"Print_Titles" not in zf.read("xl/workbook.xml")
    assert lighter_copy(copy, tmp_path / "again") is None


def test_a_workbook_with_chart_sheets_is_left_as_it_is(tmp_path):
    """A chart sheet counts in localSheetId; whether LibreOffice counts it the same way is not ours to guess."""
    source = tmp_path / "图表.xlsx"
    chart = ('<Relationship Id="rId2" Target="chartsheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
             'officeDocument/2006/relationships/chartsheet"/>')
    with zipfile.ZipFile(source, "w") as zf:
        zf.writestr("xl/workbook.xml", names(title(0, "'附件3-1'!$1:$4")))
        zf.writestr("xl/_rels/workbook.xml.rels", RELS.format(chart))
    assert lighter_copy(source, tmp_path / "copy") is None


def test_a_file_that_is_no_workbook_is_left_to_libreoffice(tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip")
    with zipfile.ZipFile(tmp_path / "空.xlsx", "w") as zf:
        zf.writestr("xl/styles.xml", "<styleSheet/>")
    assert lighter_copy(tmp_path / "坏.xlsx", tmp_path / "c") is None
    assert lighter_copy(tmp_path / "空.xlsx", tmp_path / "c") is None
    assert lighter_copy(tmp_path / "没有.xlsx", tmp_path / "c") is None
