"""`yusuan import`: a filled 部门预算公开表 back into a spec. For every bundled xlsx format: build → import →
check → build again gives the same workbook, cell by cell (numbers, formulas and text); a workbook filled in by
hand (numbers typed as text, a row deleted, a blank row added) imports; a workbook of no known format is
refused in Chinese; what the workbook cannot tell is a comment; a total that disagrees is a warning at its cell."""
from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import HETANG, ROOT, SHIZHU
from generator import api
from generator.cli import app
from generator.importer import ImportFailed, import_workbook
from generator.output import FILE_MODE

MINIMAL = ROOT / "examples" / "最小单位.yaml"
BENJI = ROOT / "examples" / "某区住房和城乡建设局" / "本级.yaml"  # 元

# (case, spec, --format): each bundled format with a workbook, with a spec of its own or an example
CASES = [
    ("chongqing", SHIZHU, None),
    ("hunan", HETANG, None),
    ("mof", MINIMAL, "mof"),
    ("mof-live-sums", SHIZHU, "mof"),  # 合计公式: the cells hold exact amounts (0.512 + 9.704 = 10.216)
    ("quji", MINIMAL, "quji"),
    ("quji-元", BENJI, "quji"),
    ("quji2", MINIMAL, "quji2"),
]

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def build(spec: Path, fmt: str | None, out: Path) -> Path:
    report = api.build(spec, output=out, format=fmt)
    assert report.ok, [f.message for u in report.units for f in u.findings]
    return next(p for p in report.files if p.suffix == ".xlsx")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache: dict[tuple[Path, str | None], Path] = {}

    def get(spec: Path, fmt: str | None) -> Path:
        if (spec, fmt) not in cache:
            cache[(spec, fmt)] = build(spec, fmt, tmp_path_factory.mktemp("first"))
        return cache[(spec, fmt)]
    return get


def cells(path: Path, formulas: bool = False) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(path, data_only=not formulas)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


def imported(workbook: Path, target: Path, fmt: str | None, *extra: object) -> str:
    result = run("import", workbook, "-o", target, *(["--format", fmt] if fmt else []), *extra)
    assert result.exit_code == 0, result.output
    assert str(target) in result.output and "yusuan check" in result.output
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize(("case", "spec", "fmt"), CASES, ids=[c[0] for c in CASES])
def test_round_trip_gives_the_same_workbook(case, spec, fmt, built, tmp_path):
    first = built(spec, fmt)
    target = tmp_path / "导入.yaml"
    text = imported(first, target, fmt)
    assert text.startswith("# yaml-language-server: $schema=")
    report = api.check(target, format=fmt)
    assert report.errors == 0, [f"{f.line}: {f.code} {f.message}" for f in report.findings if f.is_error]
    second = build(target, fmt, tmp_path / "again")
    a, b = cells(first), cells(second)
    numeric = sorted(k for k in a.keys() | b.keys() if isinstance(a.get(k), int | float) or isinstance(b.get(k), int | float))
    assert len(numeric) > 40
    assert [(k, a.get(k), b.get(k)) for k in numeric if a.get(k) != b.get(k)] == []
    # the text too (names, 项目概况, indicators …), and the formulas of the live sums
    assert [(k, a.get(k), b.get(k)) for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)] == []
    fa, fb = cells(first, formulas=True), cells(second, formulas=True)
    assert [k for k in sorted(fa.keys() | fb.keys()) if fa.get(k) != fb.get(k)] == []


def test_amounts_are_exact_decimals_in_the_workbooks_unit(built, tmp_path):
    text = imported(built(BENJI, "quji"), tmp_path / "本级.yaml", "quji")
    assert "金额单位: 元" in text
    assert "{功能科目: 2120101, 经济科目: 30102, 金额: 2520400.00}" in text  # 元, as printed
    # 石柱: two-decimal figures that do not add up (合计 500.75 = 418.06 + … = 500.74) need 元-level amounts
    text = imported(built(SHIZHU, None), tmp_path / "石柱.yaml", None)
    assert "四位小数" in text
    assert "一般公共预算拨款: 471.53" in text


def test_cross_not_printed_is_a_comment(built, tmp_path):
    text = imported(built(BENJI, "quji"), tmp_path / "本级.yaml", "quji")
    comment = "工作簿没有印出功能科目与经济科目的交叉"
    at = text.index(comment)
    assert text.index("基本支出:") > at and text[:at].endswith("# ")  # the comment above 基本支出
    # the natural cross where a margin meets another: 30108 is all 2080505's
    assert "{功能科目: 2080505, 经济科目: 30108, 金额: 752400.00}" in text
    hunan = imported(built(HETANG, None), tmp_path / "荷塘.yaml", None)  # 附件3-6/3-8 print the cross
    assert comment not in hunan


def test_what_the_workbook_does_not_say_is_noted(built, tmp_path):
    text = imported(built(MINIMAL, "mof"), tmp_path / "mof.yaml", "mof")
    assert "工作簿没有逐项列出项目" in text  # mof prints 项目支出 by 功能科目 only
    assert "工作簿没有印出单位性质" in text
    hunan = imported(built(HETANG, None), tmp_path / "荷塘.yaml", None)
    assert "按填报日期取 2022 年" in hunan  # 附件3 prints no 年度
    assert "- {项:" in hunan and "公布数:" in hunan  # 附件3-7/3-16 print 92.99 where the parts add up to 93.00


def test_disagreeing_total_is_a_warning_at_its_cell(built, tmp_path):
    wb = openpyxl.load_workbook(built(MINIMAL, "mof"), data_only=True)
    wb["支出总表"]["C5"] = 101  # 合计: the rows below add up to 100
    changed = tmp_path / "改过的.xlsx"
    wb.save(changed)
    result = import_workbook(changed, format="mof")
    where = {w.where: w.message for w in result.warnings}
    assert "支出总表!C5" in where, where
    assert "101" in where["支出总表!C5"] and "100" in where["支出总表!C5"]
    assert result.differing == 1
    cli = run("import", changed, "-o", tmp_path / "s.yaml", "--format", "mof")
    assert cli.exit_code == 0 and "支出总表!C5" in cli.output


def test_hand_filled_variant_imports(built, tmp_path):
    first = built(BENJI, "quji")
    wb = openpyxl.load_workbook(first, data_only=True)  # values only, as a budget system exports them
    ws = wb["部门支出总表"]
    typed = 0
    for row in ws.iter_rows(min_row=8):
        for c in row:
            if isinstance(c.value, int | float) and c.value >= 1000:
                c.value = f"{c.value:,.2f}"  # 「2,016,000.00」: a number typed as text
                typed += 1
    assert typed > 10
    kuan = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value == "212" and ws.cell(r, 2).value == "01"
                and not ws.cell(r, 3).value)
    ws.delete_rows(kuan)  # a 款 row (the sum of the 项 rows below it)
    ws.insert_rows(kuan + 2)  # a blank row inside the block
    wb["部门收入总表"].insert_rows(9)
    hand = tmp_path / "手填.xlsx"
    wb.save(hand)
    target = tmp_path / "手填.yaml"
    imported(hand, target, "quji")
    assert api.check(target, format="quji").errors == 0
    a, b = cells(first), cells(build(target, "quji", tmp_path / "out"))
    numeric = [k for k in a if isinstance(a[k], int | float)]
    assert [(k, a[k], b.get(k)) for k in numeric if a[k] != b.get(k)] == []


def test_unknown_layout_is_refused_in_chinese(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "收入"
    wb.active["B1"] = 100
    other = tmp_path / "别的表.xlsx"
    wb.save(other)
    target = tmp_path / "s.yaml"
    result = run("import", other, "-o", target)
    assert result.exit_code == 2
    assert "无法判断格式" in result.output and "--format" in result.output
    assert not target.exists()
    with pytest.raises(ImportFailed):
        import_workbook(other)
    text = tmp_path / "不是工作簿.xlsx"
    text.write_text("收入,100\n", encoding="utf-8")
    result = run("import", text, "-o", target)
    assert result.exit_code == 2 and "不是 Excel 工作簿" in result.output
    assert run("import", tmp_path / "没有.xlsx", "-o", target).exit_code == 2


def test_existing_spec_is_kept_without_force(built, tmp_path):
    target = tmp_path / "已有.yaml"
    target.write_text("# 已有的规格\n", encoding="utf-8")
    first = built(MINIMAL, "mof")
    result = run("import", first, "-o", target)
    assert result.exit_code == 2 and "已存在" in result.output
    assert target.read_text(encoding="utf-8") == "# 已有的规格\n"
    assert run("import", first, "-o", target, "--force").exit_code == 0
    assert "年度: 2024" in target.read_text(encoding="utf-8")
    assert os.stat(target).st_mode & 0o777 == FILE_MODE
    assert not list(tmp_path.glob(".~*"))  # written through a temporary file, none left


def test_json_output_and_options(built, tmp_path):
    target = tmp_path / "s.yaml"
    result = run("import", built(MINIMAL, "mof"), "-o", target, "--json", "--name", "某某街道办事处", "--year", "2024")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["格式"] == "mof" and data["单位"] == "某某街道办事处" and data["年度"] == 2024
    assert data["核对"] > 100 and data["不一致"] == 0 and isinstance(data["警告"], list)
    assert "名称: 某某街道办事处" in target.read_text(encoding="utf-8")
