"""`yusuan batch`: a district with good and broken units, incremental reruns, --force, determinism across
runs and worker counts, a kill midway, the summary and report; and rollover/diff for next year."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT, SHIZHU, SPECS
from generator.checks import check_file
from generator.cli import app

sys.path.insert(0, str(ROOT / "examples"))
from make_district import write_district

runner = CliRunner()


def batch(*args):
    return runner.invoke(app, ["batch", *map(str, args)])


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".yusuan" not in p.parts}


@pytest.fixture
def district(tmp_path):
    folder = tmp_path / "district"
    write_district(folder, 6, "chongqing", seed=7)
    shutil.copy(ROOT / "tests" / "bad" / "21-project-detail-sum.yaml", folder / "broken.yaml")
    return folder


def test_good_units_finish_broken_ones_are_reported(district, tmp_path):
    out = tmp_path / "out"
    result = batch(district, "-o", out, "-j", "2")
    assert result.exit_code == 1, result.output
    assert "生成 6" in result.output and "失败 1" in result.output and "broken.yaml" in result.output
    units = [p for p in (out / "2024").iterdir() if p.is_dir()]
    assert len(units) == 6 and all(len(list(u.iterdir())) == 2 for u in units)
    report = json.loads((out / "2023" / "report.json").read_text(encoding="utf-8"))  # the broken spec is 2023
    broken = report["单位"][0]
    assert broken["结果"] == "失败" and broken["问题"][0]["code"] == "E-SUM-PROJECT" and broken["问题"][0]["line"] == 9
    summary = openpyxl.load_workbook(out / "2024" / "汇总.xlsx").active
    rows = [r for r in summary.iter_rows(values_only=True) if isinstance(r[0], int)]
    total = next(r for r in summary.iter_rows(values_only=True) if r[0] == "合计")
    assert len(rows) == 6 and round(sum(r[3] for r in rows), 2) == round(total[3], 2)
    assert all(r[8] == "通过" and r[10] == "成功" for r in rows)


def test_report_has_every_warning_though_the_batch_keeps_them_on_disk(district, tmp_path):
    """While a batch runs, the units' results wait in a temporary file (the batch process stays small
    however large the district): report.json has every warning, as `check` finds them, a clash found
    after the units ran is added to what was kept, and the results read back say the same."""
    from generator import api
    shutil.copy(district / "unit0003.yaml", district / "again.yaml")  # the same unit and year twice
    out = tmp_path / "out"
    result = api.batch(district, output=out, jobs=2)
    report = {u["规格"]: u for u in json.loads((out / "2024" / "report.json").read_text(encoding="utf-8"))["单位"]}
    for spec in sorted(district.glob("unit*.yaml")):
        checked = [f.code for f in check_file(spec).findings]
        codes = [f["code"] for f in report[str(spec)]["问题"]]
        assert codes == checked + (["E-BUILD-DUPLICATE"] if spec.name == "unit0003.yaml" else [])
    assert sum(len(u["问题"]) for u in report.values() if u["结果"] == "成功") >= 5  # warnings were kept
    again = next(u for u in result.units if u.spec.endswith("again.yaml"))
    assert again.failed and again.first_error.startswith(f"{district / 'again.yaml'}: E-BUILD-DUPLICATE")
    assert all(u.findings == report[u.spec]["问题"] for u in result.units if u.spec in report)
    assert [u.spec for u in result.failed] == [str(district / n) for n in ("again.yaml", "broken.yaml", "unit0003.yaml")]
    assert result.count("生成") == len(result.units) - 3


def test_second_run_skips_force_rebuilds(district, tmp_path):
    out = tmp_path / "out"
    batch(district, "-o", out)
    first = outputs(out)
    again = batch(district, "-o", out)
    assert "未变跳过 6" in again.output and "生成 0" in again.output
    assert outputs(out) == first  # summaries too: nothing about this run is in them
    spec = next(district.glob("unit*.yaml"))
    spec.write_text(spec.read_text(encoding="utf-8").replace("联系人: 张三", "联系人: 李四"), encoding="utf-8")
    changed = batch(district, "-o", out)
    assert "生成 1" in changed.output and "未变跳过 5" in changed.output
    forced = batch(district, "-o", out, "--force")
    assert "生成 6" in forced.output


def test_deterministic_across_runs_and_worker_counts(district, tmp_path):
    batch(district, "-o", tmp_path / "a", "-j", "1")
    batch(district, "-o", tmp_path / "b", "-j", "2")
    a, b = outputs(tmp_path / "a"), outputs(tmp_path / "b")
    assert a.keys() == b.keys() and len(a) >= 6 * 2 + 4
    assert a == b


def test_a_killed_batch_leaves_no_half_file_and_rerun_finishes(tmp_path):
    folder = tmp_path / "big"
    write_district(folder, 80, "hunan", seed=3)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "generator", "batch", str(folder), "-o", str(out), "-j", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list((out / ".yusuan").glob("*.json")) if (out / ".yusuan").is_dir() else []) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = list(out.rglob("*.xlsx")) + list(out.rglob("*.docx"))
    assert done, "the batch had started writing"
    for path in done:  # every file under its final name is whole
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
    rerun = subprocess.run(cmd, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "失败 0" in rerun.stdout and "未变跳过" in rerun.stdout
    assert not list(out.rglob(".~*.part"))
    assert len([p for p in (out / "2024").iterdir() if p.is_dir()]) == 80


def test_leftovers_of_an_interrupted_run_are_removed(tmp_path):
    from generator.batch import clean_leftovers
    unit = tmp_path / "2024" / "单位"
    (unit / ".~pdf-x1.part").mkdir(parents=True)
    (unit / ".~pdf-x1.part" / "a.pdf").write_bytes(b"%PDF half")
    (unit / ".~部门预算公开表.xlsxab12.part").write_bytes(b"PK half")
    (unit / "部门预算公开表.xlsx").write_bytes(b"PK whole")
    clean_leftovers(tmp_path)
    assert [p.name for p in unit.iterdir()] == ["部门预算公开表.xlsx"]


def test_unsafe_unit_names_stay_inside_the_output(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    text = SHIZHU.read_text(encoding="utf-8").replace("名称: 石柱土家族自治县行政服务中心", "名称: ../../逃逸/单位" + "长" * 200, 1)
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert batch(folder, "-o", out).exit_code == 0
    made = [p for p in out.rglob("*.xlsx") if p.name != "汇总.xlsx"]
    assert made and all(out in p.parents for p in made)
    assert all(len(p.parent.name.encode()) <= 200 for p in made)


def test_rollover_makes_a_spec_that_checks(tmp_path):
    source = tmp_path / "specs" / "2023" / SHIZHU.name
    source.parent.mkdir(parents=True)
    shutil.copy(SHIZHU, source)
    result = runner.invoke(app, ["rollover", str(source), "--to", "2024"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "specs" / "2024" / SHIZHU.name
    checked = check_file(target)
    assert checked.ok and checked.spec.year == 2024
    prior = checked.spec.prior
    assert [str(v) for v in (prior.expenditure, prior.basic, prior.project, prior.running)] == [
        "500.75", "299.30", "201.45", "58.50"]
    assert str(prior.by_function["201"]) == "418.06" and str(prior.sangong.reception) == "1.00"
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/spec.schema.json"  # editors keep the schema
    assert "原文量词为「名」" in text  # comments survive
    assert "说明:" not in text and "草稿" in text
    changes = checked.figures.changes()
    assert changes["支出合计"].direction == "持平" and changes["三公经费"].direction == "持平"
    assert runner.invoke(app, ["rollover", str(source), "--to", "2024"]).exit_code == 2  # will not overwrite


def test_diff(tmp_path):
    same = runner.invoke(app, ["diff", "--json", str(SHIZHU), str(SHIZHU)])
    assert json.loads(same.output) == []
    changed = tmp_path / "c.yaml"
    changed.write_text(SHIZHU.read_text(encoding="utf-8").replace("金额: 67.00", "金额: 77.00"), encoding="utf-8")
    lines = json.loads(runner.invoke(app, ["diff", "--json", str(SHIZHU), str(changed)]).output)
    project = next(line for line in lines if line["分组"] == "项目")
    assert (project["名称"], project["原"], project["新"], project["增减额"], project["增减率"]) == (
        "自助终端及大数据应用分析展示系统", "67.00", "77.00", "10.00", "14.93")
    assert {(x["分组"], x["编码"]) for x in lines} >= {("功能分类", "2010306"), ("功能分类", "201")}
    text = runner.invoke(app, ["diff", str(SHIZHU), str(changed)], env={"COLUMNS": "200"}).output
    assert "自助终端及大数据应用分析展示系统" in text and "10.00" in text and "14.93" in text


def test_readme_main_command_builds_every_bundled_spec(tmp_path):
    result = runner.invoke(app, ["build", str(SPECS), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*") if not p.name.startswith("."))
    assert len(made) == 7 and all(Path(m).suffix in (".xlsx", ".docx") for m in made)


def test_an_edited_template_of_a_quoted_format_is_rebuilt(tmp_path):
    """The fingerprint reads the resolved format, not the spec's text: `格式: "hunan"` is hunan."""
    from conftest import HETANG
    folder = tmp_path / "w" / "specs"
    folder.mkdir(parents=True)
    (folder / "荷塘.yaml").write_text(HETANG.read_text(encoding="utf-8").replace("格式: hunan", '格式: "hunan"', 1),
                                     encoding="utf-8")
    out = tmp_path / "out"
    assert batch(folder, "-o", out).exit_code == 0
    assert "未变跳过 1" in batch(folder, "-o", out).output
    override = tmp_path / "w" / "templates" / "xlsx" / "hunan" / "部门预算公开表.xlsx"  # the workspace restyles one workbook
    override.parent.mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "xlsx" / "hunan" / "部门预算公开表.xlsx", override)
    with zipfile.ZipFile(override, "a") as zf:
        zf.writestr("docProps/custom.xml", "<Properties/>")
    again = batch(folder, "-o", out)
    assert "生成 1" in again.output and "未变跳过 0" in again.output, again.output


def test_a_long_lived_process_reads_templates_and_formats_as_they_are_now(tmp_path):
    """A batch's parent compiles templates before it forks, and serve or a library user lives on: a
    template or format file edited in place since is read again, not served from the first compile."""
    from generator.build import xlsx_template
    from generator.formats import templates_for
    layer = tmp_path / "templates"
    (layer / "xlsx" / "hunan").mkdir(parents=True)
    workbook = layer / "xlsx" / "hunan" / "部门预算公开表.xlsx"
    shutil.copy(ROOT / "templates" / "xlsx" / "hunan" / "部门预算公开表.xlsx", workbook)
    fmt = layer / "hunan.yaml"
    fmt.write_text((ROOT / "templates" / "hunan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    first, stack = xlsx_template(workbook), templates_for(tmp_path)
    assert xlsx_template(workbook) is first and stack.format("hunan").title == "湖南省部门预算公开"
    with zipfile.ZipFile(workbook, "a") as zf:
        zf.writestr("docProps/custom.xml", "<Properties/>")
    fmt.write_text(fmt.read_text(encoding="utf-8").replace("名称: 湖南省部门预算公开", "名称: 改过的格式"), encoding="utf-8")
    later = time.time_ns() + 2_000_000_000  # a coarse file clock must still tell the versions apart
    for path in (workbook, fmt):
        os.utime(path, ns=(later, later))
    assert "docProps/custom.xml" in xlsx_template(workbook).parts and "docProps/custom.xml" not in first.parts
    assert templates_for(tmp_path).format("hunan").title == "改过的格式"


def test_a_failed_unit_shows_its_first_error_with_file_and_line(district, tmp_path):
    result = batch(district, "-o", tmp_path / "out")
    line = next(t for t in result.output.splitlines() if t.startswith("✗") and "broken.yaml" in t)
    assert f"{district / 'broken.yaml'}:9:5: E-SUM-PROJECT 项目「项目甲」金额与支出明细合计" in line


def test_a_spec_without_a_readable_year_has_its_own_report(district, tmp_path):
    (district / "noyear.yaml").write_text("年度: 二〇二三\n单位: {名称: 某单位}\n", encoding="utf-8")
    out = tmp_path / "out"
    batch(district, "-o", out)
    unknown = json.loads((out / "未知年度" / "report.json").read_text(encoding="utf-8"))
    assert unknown["年度"] is None and unknown["失败"] == 1 and unknown["单位"][0]["规格"].endswith("noyear.yaml")
    assert unknown["单位"][0]["问题"][0]["line"] == 1
    y2023 = json.loads((out / "2023" / "report.json").read_text(encoding="utf-8"))
    assert [u["规格"] for u in y2023["单位"]] == [str(district / "broken.yaml")] and y2023["失败"] == 1


def test_json_summary_for_machines(district, tmp_path):
    result = batch(district, "-o", tmp_path / "out", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert (data["单位数"], data["生成"], data["失败"]) == (7, 6, 1)
    broken = next(u for u in data["单位"] if u["结果"] == "失败")
    assert broken["首个错误"].startswith(f"{district / 'broken.yaml'}:9:5: E-SUM-PROJECT")
    assert str(tmp_path / "out" / "2024" / "汇总.xlsx") in data["汇总"]


def test_shards_cover_the_district_and_a_final_run_writes_the_summary(district, tmp_path):
    out = tmp_path / "out"
    seen = []
    for k in (1, 2, 3):
        data = json.loads(batch(district, "-o", out, "--shard", f"{k}/3", "--json").output)
        assert data["汇总"] == [] and data["单位数"] in (2, 3)
        seen += [u["规格"] for u in data["单位"]]
    assert sorted(seen) == sorted(str(p) for p in district.glob("*.yaml"))  # each unit once
    final = json.loads(batch(district, "-o", out, "--json").output)
    assert (final["未变"], final["生成"], final["失败"]) == (6, 0, 1) and final["汇总"]
    for bad in ("0/3", "4/3", "x", "1/0"):
        assert batch(district, "-o", out, "--shard", bad).exit_code == 2


# --- rollover writes only a next year's spec that checks, and only where it can --------------------------

EXAMPLE = ROOT / "examples" / "最小单位.yaml"


def local_code_unit(tmp_path: Path) -> Path:
    """A 2024 spec whose project uses a local code known only to its own year's folder."""
    folder = tmp_path / "specs" / "2024"
    folder.mkdir(parents=True)
    (folder / "yusuan-codes.yaml").write_text("- {编码: 2013988, 名称: 本地专项事务}\n", encoding="utf-8")
    source = folder / "u.yaml"
    source.write_text(EXAMPLE.read_text(encoding="utf-8").replace("功能科目: 2010302", "功能科目: 2013988"),
                      encoding="utf-8")
    assert check_file(source).ok
    return source


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_rollover_does_not_write_a_spec_its_check_rejects(tmp_path):
    source = local_code_unit(tmp_path)
    before = files_under(tmp_path)
    result = runner.invoke(app, ["rollover", str(source), "--to", "2025"])
    assert result.exit_code == 1, result.output
    target = tmp_path / "specs" / "2025" / "u.yaml"
    text = " ".join(result.output.split())
    where = re.search(rf"{re.escape(str(target))}:(\d+):\d+: E-CODE-UNKNOWN .*（第 (\d+) 行：功能科目: 2013988）", text)
    assert where and where[1] == where[2], text  # file:line of the text it would have written, and that line
    assert files_under(tmp_path) == before  # no target, no specs/2025/, no temporary file
    (tmp_path / "specs" / "2025").mkdir()
    shutil.copy(source.parent / "yusuan-codes.yaml", tmp_path / "specs" / "2025")
    result = runner.invoke(app, ["rollover", str(source), "--to", "2025"])
    assert result.exit_code == 0, result.output
    assert check_file(target).ok and check_file(target).spec.year == 2025
    assert files_under(tmp_path / "specs" / "2025") == ["u.yaml", "yusuan-codes.yaml"]


@pytest.mark.parametrize("where", ["u.yaml/next.yaml", "u.yaml/deeper/next.yaml"])
def test_rollover_under_a_file_is_an_error_naming_it(tmp_path, where):
    source = local_code_unit(tmp_path)
    before = files_under(tmp_path)
    target = source.parent / where
    result = runner.invoke(app, ["rollover", str(source), "--to", "2025", "-o", str(target)])
    assert result.exit_code == 2 and not isinstance(result.exception, OSError), result.output
    text = " ".join(result.output.split())
    assert f"无法写入 {target}" in text and f"「{source}」是文件，不是文件夹" in text
    assert "Traceback" not in result.output and files_under(tmp_path) == before


def test_rollover_into_a_folder_or_an_existing_file(tmp_path):
    source = local_code_unit(tmp_path)
    folder = runner.invoke(app, ["rollover", str(source), "--to", "2025", "-o", str(source.parent), "--force"])
    assert folder.exit_code == 2 and "是文件夹" in folder.output
    existing = runner.invoke(app, ["rollover", str(source), "--to", "2025", "-o", str(source)])
    assert existing.exit_code == 2 and "已存在" in existing.output
    a_folder = runner.invoke(app, ["rollover", str(source.parent), "--to", "2025", "-o", str(tmp_path / "n.yaml")])
    assert a_folder.exit_code == 2 and "是文件夹" in a_folder.output and not (tmp_path / "n.yaml").exists()


def test_rollover_into_a_folder_it_may_not_write(tmp_path, monkeypatch):
    source = local_code_unit(tmp_path)
    before = files_under(tmp_path)

    def refused(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(Path(dir) / ".~x.yaml"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    target = tmp_path / "new" / "2025" / "u.yaml"
    result = runner.invoke(app, ["rollover", str(source), "--to", "2025", "-o", str(target)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"无法写入 {target}" in text and f"没有在「{target.parent}」中写入的权限" in text
    assert files_under(tmp_path) == before  # the folders made for it are gone again


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_rollover_into_a_read_only_folder(tmp_path):
    source = local_code_unit(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = runner.invoke(app, ["rollover", str(source), "--to", "2025", "-o", str(locked / "u.yaml")])
    assert result.exit_code == 2 and "权限" in result.output and not list(locked.iterdir())


# --- diff pairs projects by identity ------------------------------------------------------------------------

def unit_with_projects(path: Path, projects: list[tuple[str, str, str | None]]) -> Path:
    """A spec with these (名称, 金额, 编码) projects, balanced."""
    total = D("80.00") + sum((D(a) for _, a, _ in projects), D(0))
    lines = ["年度: 2024", "单位: {名称: 比较单位, 性质: 行政}", f"收入: {{一般公共预算拨款: {total}}}", "基本支出:",
             "  - {功能科目: 2010301, 经济科目: 30101, 金额: 80.00}", "项目:"]
    lines += [f"  - {{名称: {name}, 功能科目: 2010302, 金额: {amount}" + (f", 编码: {code}}}" if code else "}")
              for name, amount, code in projects]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def diff_lines(tmp_path: Path, old: list, new: list) -> list[dict]:
    a, b = unit_with_projects(tmp_path / "old.yaml", old), unit_with_projects(tmp_path / "new.yaml", new)
    result = runner.invoke(app, ["diff", "--json", str(a), str(b)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_diff_a_project_renamed_in_place_is_one_line_with_its_change(tmp_path):
    lines = diff_lines(tmp_path, [("社区治理专项", "20.00", None), ("其他", "5.00", None)],
                       [("社区治理服务", "22.50", None), ("其他", "5.00", None)])
    projects = [x for x in lines if x["分组"] == "项目"]
    assert [(x["名称"], x["状态"], x["原"], x["新"], x["增减额"]) for x in projects] == [
        ("社区治理专项 → 社区治理服务", "改名", "20.00", "22.50", "2.50")]


def test_diff_keeps_projects_of_the_same_name_apart_and_they_add_up(tmp_path):
    old = [("社区治理专项", "20.00", None), ("重名", "5.00", None), ("重名", "7.00", None), ("旧项目", "3.00", "P-OLD")]
    new = [("社区治理服务", "22.00", None), ("重名", "6.00", None), ("重名", "9.00", None), ("新项目", "4.00", "P-NEW"),
           ("另一新项目", "2.00", None)]
    lines = diff_lines(tmp_path, old, new)
    projects = [x for x in lines if x["分组"] == "项目"]
    assert [(x["名称"], x["原"], x["新"]) for x in projects if x["名称"] == "重名"] == [
        ("重名", "5.00", "6.00"), ("重名", "7.00", "9.00")]
    assert sorted((x["名称"], x["状态"]) for x in projects if x["状态"] != "变化") == [
        ("另一新项目", "新增"), ("新项目", "新增"), ("旧项目", "删除"), ("社区治理专项 → 社区治理服务", "改名")]
    for x in projects:
        if x["原"] and x["新"]:
            assert D(x["增减额"]) == D(x["新"]) - D(x["原"])
    change = sum((D(x["新"] or 0) - D(x["原"] or 0) for x in projects), D(0))
    total = next(x for x in lines if x["分组"] == "合计" and x["名称"] == "项目支出")
    assert change == D(total["增减额"]) == D("8.00")


def test_without_a_temporary_file_the_warnings_stay_in_memory_and_reach_the_report(district, tmp_path, monkeypatch):
    """A full or unwritable temporary folder costs memory, not the batch: every unit builds and report.json
    has every warning."""
    import tempfile as tempfile_module

    from generator import api

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(tempfile_module, "TemporaryFile", refuse)
    out = tmp_path / "out"
    result = api.batch(district, output=out, jobs=1)
    assert sum(u.status == "生成" for u in result.units) == 6
    report = {u["规格"]: u for u in json.loads((out / "2024" / "report.json").read_text(encoding="utf-8"))["单位"]}
    for spec in sorted(district.glob("unit*.yaml")):
        assert [f["code"] for f in report[str(spec)]["问题"]] == [f.code for f in check_file(spec).findings]
