"""`yusuan init`: a commented starter spec that passes `check` (and builds) as soon as its amounts are filled in,
for every bundled format."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from generator.checks import check_file
from generator.cli import app

runner = CliRunner()
FORMATS = sorted(p.stem for p in (ROOT / "templates").glob("*.yaml"))
# the amounts in the order the starter asks for them: 收入; five 基本支出 lines; a project, its 经济科目, its 支出明细
AMOUNTS = ["50", "10", "5", "2", "2", "1", "30", "30", "30"]


def fill(text: str, amounts: list[str]) -> str:
    """Each `~` of a line that is not a comment, in order, becomes the next amount."""
    queue = iter(amounts)
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            line = re.sub(r"~", lambda m: next(queue), line.split(" #")[0]) + (
                " #" + line.split(" #", 1)[1] if " #" in line else "")
        lines.append(line)
    assert next(queue, None) is None, "the starter asks for fewer amounts than expected"
    return "".join(lines)


def init(tmp_path: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return runner.invoke(app, ["init", *args])
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_starter_passes_check_once_its_amounts_are_filled_in(tmp_path, fmt):
    result = init(tmp_path, "某区示例街道办事处", "--kind", "参公", "--year", "2026", "--format", fmt)
    assert result.exit_code == 0, result.output
    spec = tmp_path / "specs" / "2026" / "某区示例街道办事处.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/spec.schema.json\n")
    assert (tmp_path / "schema" / "spec.schema.json").is_file()
    assert f"格式: {fmt}" in text and "性质: 参公" in text and "30217" in text
    unfilled = check_file(spec)
    assert {f.code for f in unfilled.findings if f.is_error} == {"E-AMOUNT-FORMAT"}
    assert len([f for f in unfilled.findings if f.is_error]) == len(AMOUNTS) - 1  # 收入 may be left out, the others not
    spec.write_text(fill(text, AMOUNTS), encoding="utf-8")
    filled = check_file(spec)
    assert filled.ok, [f"{f.line}: {f.code} {f.message}" for f in filled.findings if f.is_error]
    assert filled.figures.shown("合计") == 50
    built = runner.invoke(app, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert oct(spec.stat().st_mode & 0o777) == "0o644"


def test_a_starter_inside_the_repository_points_at_its_schema(tmp_path):
    result = init(tmp_path, "单位甲", "--year", "2025", "-o", str(ROOT / "build" / "init-test" / "甲.yaml"), "--force")
    try:
        assert result.exit_code == 0, result.output
        text = (ROOT / "build" / "init-test" / "甲.yaml").read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../schema/spec.schema.json\n")
        assert not (tmp_path / "schema").exists()  # the repository's own schema is used, none is written
    finally:
        (ROOT / "build" / "init-test" / "甲.yaml").unlink(missing_ok=True)


def test_init_refuses_what_it_cannot_do(tmp_path):
    assert init(tmp_path, "单位甲", "--year", "2025").exit_code == 0
    again = init(tmp_path, "单位甲", "--year", "2025")
    assert again.exit_code == 2 and "已存在" in again.output
    assert init(tmp_path, "单位乙", "--kind", "企业").exit_code == 2
    unknown = init(tmp_path, "单位丙", "--format", "火星")
    assert unknown.exit_code == 2 and "mof" in unknown.output
    nameless = init(tmp_path)  # no terminal to ask on
    assert nameless.exit_code == 2 and "单位全称" in nameless.output


def test_names_that_yaml_would_misread_are_quoted(tmp_path):
    result = init(tmp_path, "某区（试点）街道: 办事处", "--year", "2025", "-o", str(tmp_path / "a.yaml"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert '名称: "某区（试点）街道: 办事处"' in text
    (tmp_path / "a.yaml").write_text(fill(text, AMOUNTS), encoding="utf-8")
    assert check_file(tmp_path / "a.yaml").spec.unit.name == "某区（试点）街道: 办事处"


def test_a_starter_that_cannot_be_written_says_why_in_chinese(tmp_path):
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = init(tmp_path, "单位甲", "--year", "2025", "-o", str(tmp_path / "file" / "甲.yaml"))
    assert result.exit_code == 1 and "路径中有一段是文件而不是文件夹" in result.output, result.output


def test_a_name_yaml_reads_as_null_is_quoted(tmp_path):
    assert init(tmp_path, "null", "--year", "2025", "-o", str(tmp_path / "n.yaml")).exit_code == 0
    text = (tmp_path / "n.yaml").read_text(encoding="utf-8")
    assert '名称: "null"' in text
    (tmp_path / "n.yaml").write_text(fill(text, AMOUNTS), encoding="utf-8")
    assert check_file(tmp_path / "n.yaml").spec.unit.name == "null"
