"""The Python API (`from generator import check, build, batch, load_spec`): the same results as the command,
our own exceptions with Chinese messages."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import generator
from conftest import HETANG, ROOT, XUELIN
from generator import SpecInvalid, SpecNotFound, TemplatesNotFound, YusuanError, batch, build, check, load_spec
from generator.cli import app

BAD = ROOT / "tests" / "bad"
runner = CliRunner()


def test_the_api_is_importable_from_the_package():
    assert set(generator.__all__) >= {"check", "build", "batch", "load_spec", "import_workbook", "YusuanError"}
    from generator.importer import import_workbook
    assert generator.import_workbook is import_workbook
    assert generator.__version__.count(".") == 2
    with pytest.raises(AttributeError):
        generator.no_such_thing  # noqa: B018


def test_check_gives_the_findings_the_command_prints(tmp_path):
    bad = BAD / "05-unknown-key-typo.yaml"
    report = check(bad, XUELIN)
    assert not report.ok and report.errors >= 1
    assert [r.file for r in report.files] == [str(bad), str(XUELIN)]
    assert report.files[1].ok
    by_cli = json.loads(runner.invoke(app, ["check", "--json", str(bad), str(XUELIN)]).output)
    assert [(f["code"], f.get("line")) for entry in by_cli["files"] for f in entry["findings"]] == \
        [(f.code, f.line) for f in report.findings]
    assert check(bad, strict=True).errors == len(check(bad).findings)  # strict: warnings count as errors


def test_build_writes_what_the_command_writes(tmp_path):
    report = build(HETANG, output=tmp_path / "api")
    assert report.ok and len(report.files) == 2
    assert runner.invoke(app, ["build", str(HETANG), "-o", str(tmp_path / "cli")]).exit_code == 0
    for path in report.files:
        twin = tmp_path / "cli" / path.relative_to(tmp_path / "api")
        assert path.read_bytes() == twin.read_bytes()


def test_a_spec_with_errors_builds_nothing_and_says_why(tmp_path):
    seen = []
    report = build(BAD / "05-unknown-key-typo.yaml", output=tmp_path, on_unit=seen.append)
    assert not report.ok and report.files == [] and len(seen) == 1
    codes = {f.code for f in seen[0].findings}
    assert "E-BUILD-REFUSED" in codes and "E-SCHEMA-UNKNOWN-KEY" in codes
    assert not any(tmp_path.iterdir())


def test_batch_builds_a_folder(tmp_path):
    result = batch(ROOT / "specs" / "2023", output=tmp_path, jobs=1)
    assert len(result.units) == 3 and not result.failed
    assert (tmp_path / "2023" / "汇总.xlsx").is_file()


def test_load_spec_reads_a_spec_or_raises_with_its_line():
    spec = load_spec(XUELIN)
    assert spec.unit.name == "株洲市石峰区学林街道办事处" and spec.year == 2023
    with pytest.raises(SpecInvalid) as caught:
        load_spec(BAD / "01-duplicate-key-top.yaml")
    assert "01-duplicate-key-top.yaml:" in str(caught.value) and caught.value.findings
    assert caught.value.findings[0].code == "E-YAML-DUPLICATE-KEY"


def test_what_cannot_run_is_our_own_exception_in_chinese(tmp_path):
    with pytest.raises(SpecNotFound, match="不存在"):
        check(tmp_path / "没有这个.yaml")
    with pytest.raises(SpecNotFound, match="没有找到规格文件"):
        build(tmp_path, output=tmp_path / "out")
    with pytest.raises(TemplatesNotFound):
        check(XUELIN, templates=tmp_path / "空")
    assert issubclass(SpecNotFound, YusuanError) and issubclass(TemplatesNotFound, YusuanError)
