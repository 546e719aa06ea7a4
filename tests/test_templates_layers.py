"""Where templates come from: the bundled set, `YUSUAN_TEMPLATES`, a workspace's `templates/` beside the
specs and `--templates`, layered user first; what a missing or empty folder says; what the wheel carries."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT, SHIZHU
from generator.checks import check_file
from generator.cli import app

runner = CliRunner()
BUNDLED = ROOT / "templates"
WORKBOOK = "xlsx/chongqing/部门预算公开表.xlsx"


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


@pytest.fixture
def workspace(tmp_path):
    """A unit's folder outside the repository: specs/2023/石柱.yaml and templates/ with one workbook restyled."""
    spec = tmp_path / "specs" / "2023" / "石柱.yaml"
    spec.parent.mkdir(parents=True)
    shutil.copy(SHIZHU, spec)
    override = tmp_path / "templates" / WORKBOOK
    override.parent.mkdir(parents=True)
    wb = openpyxl.load_workbook(BUNDLED / WORKBOOK)
    wb.worksheets[0]["A1"] = "工作区封面"
    wb.save(override)
    return tmp_path


def cover(out: Path) -> str:
    wb = openpyxl.load_workbook(next(out.rglob("部门预算公开表.xlsx")))
    return wb.worksheets[0]["A1"].value


def test_a_workspace_overrides_one_template_and_keeps_the_rest(workspace, tmp_path):
    result = run("build", workspace / "specs", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert cover(tmp_path / "out") == "工作区封面"
    checked = check_file(workspace / "specs" / "2023" / "石柱.yaml")
    sources = {rel: layer.origin for rel, (_, layer) in checked.format.files.items()}
    assert sources == {WORKBOOK: "工作区", "docx/chongqing/部门预算情况说明.docx": "内置"}
    assert checked.format.layer.origin == "内置"  # chongqing.yaml itself is not overridden


def test_templates_option_comes_first(workspace, tmp_path):
    mine = tmp_path / "mine"
    (mine / WORKBOOK).parent.mkdir(parents=True)
    wb = openpyxl.load_workbook(BUNDLED / WORKBOOK)
    wb.worksheets[0]["A1"] = "命令行封面"
    wb.save(mine / WORKBOOK)
    result = run("build", workspace / "specs", "-o", tmp_path / "out", "--templates", mine)
    assert result.exit_code == 0, result.output
    assert cover(tmp_path / "out") == "命令行封面"


def test_a_workspace_format_file_is_listed_with_its_source(workspace, monkeypatch):
    text = (BUNDLED / "chongqing.yaml").read_text(encoding="utf-8").replace("名称: 重庆市部门预算公开", "名称: 本区格式", 1)
    (workspace / "templates" / "benqu.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(workspace)
    data = json.loads(run("formats", "--json").output)
    assert [layer["来源"] for layer in data["模板层"]] == ["工作区", "内置"]
    benqu = next(f for f in data["格式"] if f["格式"] == "benqu")
    assert benqu["名称"] == "本区格式"
    assert {f["文件"]: f["来源"] for f in benqu["文件"]} == {
        "benqu.yaml": "工作区", WORKBOOK: "工作区", "docx/chongqing/部门预算情况说明.docx": "内置"}
    text = run("formats").output
    assert "工作区" in text and "benqu" in text


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_a_templates_folder_that_is_missing_or_empty_cannot_run(tmp_path, make):
    folder = tmp_path / "t"
    if make == "empty":
        folder.mkdir()
    for command in (["check", SHIZHU], ["build", SHIZHU, "-o", tmp_path / "o"], ["formats"]):
        result = runner.invoke(app, [str(c) for c in command] + ["--templates", str(folder)])
        assert result.exit_code == 2, result.output
        assert ("不存在" if make == "missing" else "是空的") in result.output
        assert "Traceback" not in result.output


def test_yusuan_templates_env_is_a_layer_and_a_bad_one_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.setenv("YUSUAN_TEMPLATES", str(tmp_path / "nowhere"))
    checked = check_file(SHIZHU)
    problem = next(f for f in checked.findings if f.code == "E-TEMPLATES")
    assert "YUSUAN_TEMPLATES" in problem.message and "不存在" in problem.message
    env = tmp_path / "env"
    shutil.copytree(BUNDLED, env)
    (env / "chongqing.yaml").write_text((env / "chongqing.yaml").read_text(encoding="utf-8").replace(
        "名称: 重庆市部门预算公开", "名称: 环境格式", 1), encoding="utf-8")
    monkeypatch.setenv("YUSUAN_TEMPLATES", str(env))
    checked = check_file(SHIZHU)
    assert checked.format.title == "环境格式" and checked.format.layer.origin == "YUSUAN_TEMPLATES"
    assert not [f for f in checked.findings if f.code == "E-TEMPLATES"]


@pytest.mark.parametrize("name", ["../specs/x", "/etc/passwd", "mof.yaml", "不存在的格式", "a b"])
def test_a_format_is_a_name_from_the_layers_nothing_else(tmp_path, name):
    spec = tmp_path / "s.yaml"
    text = SHIZHU.read_text(encoding="utf-8")
    spec.write_text(text.replace("格式: chongqing", f'格式: "{name}"', 1), encoding="utf-8")
    line = next(i for i, t in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("格式:"))
    checked = check_file(spec)
    unknown = [f for f in checked.findings if f.code == "E-FORMAT-UNKNOWN"]
    assert [f.line for f in unknown] == [line]
    assert "mof" in unknown[0].hint  # the names one can use


def test_the_wheel_carries_templates_schema_and_catalog(tmp_path):
    # built from a clean copy: a working tree's leftover build/ folder would hide a package missing from the list
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("build", ".venv", ".git", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("yusuan-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(BUNDLED).as_posix() for p in BUNDLED.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert {f"generator/templates/{n}" for n in shipped} <= names
    assert "generator/schema/spec.schema.json" in names
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("*.py")} | {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("data/*") if p.is_file()}
    assert modules <= names, sorted(modules - names)  # every module and data file of the package, e.g. importer/
    assert {f"generator/catalog/data/{p.name}" for p in (ROOT / "generator" / "catalog" / "data").glob("*.csv")} <= names
