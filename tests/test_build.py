"""`yusuan build`: where files go, what it refuses, byte-for-byte repeatability, any format for any
spec, and spec text that stays text."""
from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import HETANG, ROOT, SHIZHU, XUELIN, row_with
from generator.build import safe_name
from generator.cli import app

runner = CliRunner()


def build(*args):
    return runner.invoke(app, ["build", *map(str, args)])


def test_build_writes_year_unit_document(tmp_path):
    result = build(SHIZHU, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2023" / "石柱土家族自治县行政服务中心" / "部门预算公开表.xlsx").is_file()
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".~")]  # no temporary files left


def test_build_refuses_a_spec_with_errors(tmp_path):
    result = build(ROOT / "tests" / "bad" / "21-project-detail-sum.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "E-SUM-PROJECT" in result.output and "E-BUILD-REFUSED" in result.output
    assert not (tmp_path / "out").exists()


def test_same_inputs_same_bytes(tmp_path):
    for spec in (SHIZHU, HETANG):
        assert build(spec, "-o", tmp_path / "a").exit_code == 0
        assert build(spec, "-o", tmp_path / "b").exit_code == 0
    a = sorted(p for p in (tmp_path / "a").rglob("*") if p.is_file())
    b = sorted(p for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert [p.name for p in a] == ["部门预算公开表.xlsx", "部门预算情况说明.docx"] * 2
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_mof_nine_tables_for_any_unit(tmp_path):
    assert build(SHIZHU, "-o", tmp_path, "--format", "mof").exit_code == 0
    # mof writes 合计 as live =SUM(…) over exact amounts: read the values Excel shows, rounded as it shows them
    wb = openpyxl.load_workbook(tmp_path / "2023" / "石柱土家族自治县行政服务中心" / "部门预算公开表.xlsx", data_only=True)
    assert wb.sheetnames == ["收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表",
                             "一般公共预算基本支出表", "三公经费支出表", "政府性基金预算支出表", "国有资本经营预算支出表"]
    ws = wb["收支总表"]
    assert row_with(ws, 1, "一、一般公共预算拨款收入")[:4] == ("一、一般公共预算拨款收入", 471.53, "一、一般公共服务支出", 418.06)
    assert row_with(ws, 1, "收入总计")[1] == 500.75 and row_with(ws, 1, "上年结转结余")[1] == 29.21
    ws = wb["收入总表"]  # 石柱 does not say which spending its 结转 pays for: all shows as this year's
    assert [None if v is None else round(v, 2) for v in row_with(ws, 1, "合计")[2:5]] == [500.75, None, 500.75]
    assert row_with(ws, 1, "2010306")[2] == 172.24
    assert row_with(wb["一般公共预算基本支出表"], 1, "30217")[2:] == (1, None, 1)


def test_spec_without_codes_cannot_fill_classified_tables(tmp_path):
    result = build(XUELIN, "-o", tmp_path, "--format", "mof")
    assert result.exit_code == 1 and "E-BUILD-DATA" in result.output and "功能科目" in result.output


def test_spec_text_comes_out_literally(tmp_path):
    text = (ROOT / "specs" / "2023" / "石柱县行政服务中心.yaml").read_text(encoding="utf-8")
    weird = '"=SUM(A1) +1 @x &<> 换\\n行"'
    text = text.replace("名称: 电子政务外网线路租用费", f"名称: {weird}", 1)
    spec = tmp_path / "石柱.yaml"
    spec.write_text(text, encoding="utf-8")
    assert build(spec, "-o", tmp_path / "out").exit_code == 0
    wb = openpyxl.load_workbook(next((tmp_path / "out").rglob("*.xlsx")))
    cell = wb["项目绩效1"]["B3"]
    assert cell.value == "50024021T000000050446-=SUM(A1) +1 @x &<> 换\n行" and cell.data_type == "s"


def test_safe_names():
    assert safe_name("a/b\\c:d") == "a_b_c_d"
    assert safe_name("../..") == "_"  # separators become _, leading and trailing dots go
    assert safe_name("..") == "未命名" and safe_name("  ") == "未命名"
    assert safe_name("长" * 300) == "长" * 66  # 200 bytes of UTF-8, cut at a character
    assert len(safe_name("𠀀" * 100).encode()) == 200 and safe_name("a" * 300) == "a" * 200
    assert Path(safe_name("../../etc/passwd")).name == safe_name("../../etc/passwd")


def test_mof_asks_which_spending_the_carryover_pays_for():
    result = runner.invoke(app, ["check", "--format", "mof", "--json", str(SHIZHU)])
    codes = {f["code"] for f in __import__("json").loads(result.output)["files"][0]["findings"]}
    assert "W-CARRYOVER-UNASSIGNED" in codes
    result = runner.invoke(app, ["check", "--json", str(SHIZHU)])
    assert "W-CARRYOVER-UNASSIGNED" not in result.output


def test_two_specs_of_one_unit_and_year_are_refused_naming_both(tmp_path):
    folder = tmp_path / "specs"
    folder.mkdir()
    text = SHIZHU.read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    (folder / "b.yaml").write_text(text.replace("金额: 67.00", "金额: 67.00", 1), encoding="utf-8")
    long_name = "某" * 70
    for name in ("c", "d"):  # names that become the same folder name
        (folder / f"{name}.yaml").write_text(text.replace("名称: 石柱土家族自治县行政服务中心", f"名称: {long_name}{name}", 1),
                                             encoding="utf-8")
    result = build(folder, "-o", tmp_path / "out")
    assert result.exit_code == 1
    for one, other in (("a", "b"), ("c", "d")):
        lines = result.output.splitlines()
        at = next(i for i, t in enumerate(lines) if t.startswith(f"{folder / one}.yaml"))
        assert "E-BUILD-DUPLICATE" in lines[at + 1] and f"与 {folder / other}.yaml 写到同一文件夹" in lines[at + 1]
    assert not (tmp_path / "out").exists()  # nothing was written for any of them


@pytest.mark.parametrize("make", ["file", "file-above", "read-only"])
def test_an_output_that_cannot_be_written_is_a_finding_and_nothing_changes(tmp_path, make):
    out = tmp_path / "out"
    if make == "file":
        out.write_text("我是一个文件", encoding="utf-8")
    elif make == "file-above":
        (tmp_path / "out").mkdir()
        (out / "2023").write_text("年度文件夹的位置上是一个文件", encoding="utf-8")
    else:
        assert build(SHIZHU, "-o", out).exit_code == 0
        folder = out / "2023" / "石柱土家族自治县行政服务中心"
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        folder.chmod(0o555)
    try:
        result = build(SHIZHU, "-o", out)
        if make == "read-only" and os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        assert result.exit_code == 1 and "E-OUTPUT" in result.output and "无法写入" in result.output
        assert "Traceback" not in result.output
        assert ("是文件而不是文件夹" if make != "read-only" else "没有写入权限") in result.output
        if make == "read-only":
            assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing partial
        assert not list(tmp_path.rglob(".~*.part"))
    finally:
        if make == "read-only":
            folder.chmod(0o755)


def test_a_full_disk_leaves_the_previous_outputs(tmp_path, monkeypatch):
    import errno
    spec, out = tmp_path / "石柱.yaml", tmp_path / "out"
    text = SHIZHU.read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    assert build(spec, "-o", out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    spec.write_text(text.replace("联系电话: ", "联系电话: 9", 1).replace("电子政务外网线路租用费", "线路租用费", 1),
                    encoding="utf-8")  # both documents change
    real, calls = os.fsync, []

    def full(fd):  # the unit's second file finds the disk full
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)
    monkeypatch.setattr(os, "fsync", full)
    result = build(spec, "-o", out)
    assert result.exit_code == 1 and "磁盘已满" in result.output and len(calls) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # not one document changed
