"""The `yusuan` command as users run it: exit codes, text and JSON output."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SHIZHU, SPECS
from generator.cli import app

runner = CliRunner()
BAD = ROOT / "tests" / "bad"


def run(*args: str):
    return runner.invoke(app, list(map(str, args)))


def test_check_bundled_specs_passes():
    result = run("check", SPECS)
    assert result.exit_code == 0, result.output
    assert "5 个文件：0 个错误" in result.output


def test_check_strict_turns_warnings_into_errors():
    assert run("check", "--strict", SHIZHU).exit_code == 1


def test_check_errors_exit_1_and_point_at_the_line():
    result = run("check", BAD / "09-amount-thousands-comma.yaml")
    assert result.exit_code == 1
    assert "7:13" in result.output and "E-AMOUNT-FORMAT" in result.output and "直接写作 1008.14" in result.output
    assert "一般公共预算拨款: 1,008.14" in result.output  # the offending YAML line is shown


def test_check_syntax_error_shows_neighbouring_lines():
    result = run("check", BAD / "33-syntax-indent.yaml")
    assert result.exit_code == 1
    for n in (4, 5, 6):
        assert f"{n} |" in result.output


def test_check_cannot_run_exit_2():
    assert run("check", ROOT / "no-such-spec.yaml").exit_code == 2
    assert run("check", "--no-such-option", SPECS).exit_code == 2
    assert run("check").exit_code == 2


def test_check_json():
    result = run("check", "--json", BAD / "21-project-detail-sum.yaml", SHIZHU)
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["ok"] is False
    bad, good = data["files"]
    assert bad["errors"] == 1 and good["errors"] == 0 and good["warnings"] > 0
    f = next(f for f in bad["findings"] if f["code"] == "E-SUM-PROJECT")
    assert (f["line"], f["column"], f["severity"], f["path"]) == (9, 5, "error", "项目[1].支出明细")
    assert f["message"] == "项目「项目甲」金额与支出明细合计：填报 48.00，按明细计算 42.00，相差 6.00 万元"


def test_show_text():
    result = run("show", SHIZHU)
    assert result.exit_code == 0, result.output
    for text in ("石柱土家族自治县行政服务中心", "500.75", "299.30", "240.79", "行政运行", "机关运行经费", "减少 30.89"):
        assert text in result.output


def test_show_json_has_every_figure():
    result = run("show", "--json", SHIZHU)
    data = json.loads(result.output)["figures"]
    assert data["支出"]["合计"].startswith("500.74")  # exact; shown as 500.75
    assert data["三公经费"]["三公经费"] == "1.00" and data["运行经费"].startswith("58.50") and data["机关运行经费"] == "0.00"
    rows = {r["编码"]: r for r in data["功能分类"]}
    assert rows["2010306"]["项目支出"] == "172.24"
    assert data["上年对比"]["基本支出"] == {"本年": "299.30", "上年": "218.73", "增减额": "80.57", "增减方向": "增加", "增减率": "36.84"}


def test_show_many_json():
    data = json.loads(run("show", "--json", SPECS).output)
    assert len(data) == 5 and all(d["errors"] == 0 for d in data)


def test_schema_is_checked_in_and_current():
    result = run("schema")
    schema = json.loads(result.output)
    assert "年度" in schema["properties"] and schema["title"] == "yusuan 单位预算规格"
    assert (ROOT / "schema" / "spec.schema.json").read_text(encoding="utf-8") == result.output


def test_every_spec_has_the_schema_modeline():
    for path in [*SPECS.rglob("*.yaml"), *(ROOT / "examples").rglob("*.yaml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=") and first.endswith("schema/spec.schema.json"), path


@pytest.mark.parametrize("query,expected", [("2010301", "行政运行"), ("行政运行", "2010301"), ("30217", "公务接待费")])
def test_catalog_lookup(query, expected):
    result = run("catalog", query)
    assert result.exit_code == 0 and expected in result.output


def test_catalog_by_name_finds_all_and_json():
    data = json.loads(run("catalog", "--json", "行政运行").output)
    codes = {row["编码"] for row in data}
    assert {"2010101", "2010301", "2120101"} <= codes and all(row["名称"] == "行政运行" for row in data)


def test_catalog_unknown_exit_1():
    assert run("catalog", "不存在的科目名称").exit_code == 1


def test_module_and_console_script_entry_points():
    out = subprocess.run([sys.executable, "-m", "generator", "check", str(SHIZHU)], capture_output=True, text=True)
    assert out.returncode == 0 and "0 个错误" in out.stdout


def test_formats_lists_every_format():
    result = run("formats")
    assert result.exit_code == 0
    for name in ("mof", "chongqing", "hunan", "zhuzhou", "shenzhen"):
        assert name in result.output


def test_spec_text_is_never_read_as_terminal_markup(tmp_path):
    """rich markup in spec text ([/二期], [#1楼], [bold]) prints as written: check, show, build and batch."""
    folder = tmp_path / "d"
    folder.mkdir()
    text = SHIZHU.read_text(encoding="utf-8").replace("名称: 石柱土家族自治县行政服务中心", "名称: 服务中心[/二期][#1楼]", 1)
    text = text.replace("名称: 电子政务外网线路租用费", "名称: 线路[bold]租用[/bold]", 1)
    (folder / "a.yaml").write_text(text + '公布数:\n  - {项: 合计, 金额: 500.746, 表: ["不存在[/x]"]}\n', encoding="utf-8")
    for args in (["check", folder], ["show", folder], ["build", folder, "-o", tmp_path / "o"],
                 ["batch", folder, "-o", tmp_path / "b"], ["check", "--json", folder]):
        result = run(*args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code in (0, 1), (args, result.output)
    assert json.loads(run("show", "--json", folder).output)["figures"]["单位"] == "服务中心[/二期][#1楼]"
    assert "线路[bold]租用[/bold]" in run("show", folder).output
    assert "不存在[/x]" in run("check", folder).output
    data = json.loads(run("check", "--json", folder).output)
    assert any("不存在[/x]" in f["message"] for f in data["files"][0]["findings"])
