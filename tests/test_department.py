"""A 部门 and its units: 本级 and 下属单位 of different 性质, each a spec of its own, consolidated with the money
that stays inside the 部门 taken out of both sides; 机关运行经费 by its definition; the editions a build writes."""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.department import check_any, check_department

runner = CliRunner()

DEPARTMENT = """\
年度: 2024
格式: mof
部门: {名称: 某区城市管理局, 编码: "115"}
本级: 本级.yaml
下属:
  - 环卫中心.yaml
  - {规格: 执法大队.yaml, 支出合计: 35}
"""
OWN = """\
年度: 2024
单位: {名称: 某区城市管理局本级, 编码: "115001", 性质: 行政}
收入: {一般公共预算拨款: 100, 附属单位上缴收入: 5}
基本支出:
  - {功能科目: 2120101, 经济科目: 30101, 金额: 60, 资金来源: 一般公共预算拨款}
  - {功能科目: 2120101, 经济科目: 30201, 金额: 15, 资金来源: 一般公共预算拨款}
  - {功能科目: 2120101, 经济科目: 30201, 金额: 5, 资金来源: 附属单位上缴收入}
对附属单位补助:
  - {单位: "115002", 金额: 25, 功能科目: 2120104, 经济科目: 30399, 资金来源: 一般公共预算拨款}
"""
SANITATION = """\
年度: 2024
单位: {名称: 某区环境卫生服务中心, 编码: "115002", 性质: 事业}
收入: {一般公共预算拨款: 40, 上级补助收入: 25}
基本支出:
  - {功能科目: 2120104, 经济科目: 30101, 金额: 30, 资金来源: 一般公共预算拨款}
  - {功能科目: 2120104, 经济科目: 30201, 金额: 10, 资金来源: 一般公共预算拨款}
  - {功能科目: 2120104, 经济科目: 30201, 金额: 25, 资金来源: 上级补助收入}
"""
ENFORCEMENT = """\
年度: 2024
单位: {名称: 某区城市管理执法大队, 编码: "115003", 性质: 参公}
收入: {一般公共预算拨款: 35}
基本支出:
  - {功能科目: 2120101, 经济科目: 30101, 金额: 20}
  - {功能科目: 2120101, 经济科目: 30201, 金额: 10}
上缴上级:
  - {金额: 5, 功能科目: 2120101, 经济科目: 30299}
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    for name, text in (("部门", DEPARTMENT), ("本级", OWN), ("环卫中心", SANITATION), ("执法大队", ENFORCEMENT)):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_consolidation_takes_internal_money_out_of_both_sides(folder):
    dept = check_department(folder / "部门.yaml")
    assert dept.ok, dept.findings
    fig = dept.figures
    own, sanitation, enforcement = (m.figures for m in dept.members)
    assert (own.total, sanitation.total, enforcement.total) == (105, 65, 35)  # each unit's own budget
    assert fig.total == 175 == 105 + 65 + 35 - 25 - 5  # 对附属单位补助 25 and 上缴上级 5 stay inside
    assert fig.income_total == 175 and fig.value("收入:上级补助收入") == 0 and fig.value("收入:附属单位上缴收入") == 0
    # what the 下属单位 spends of 本级's 一般公共预算 money is 一般公共预算 spending of the 部门
    assert fig.spending_by_fund()["一般公共预算"] == fig.income_by_fund()["一般公共预算"] == 175
    assert fig.value("对附属单位补助支出") == 0 and own.value("对附属单位补助支出") == 25
    assert [fig.value(f"单位:{code}") for code in ("115001", "115002", "115003")] == [D(80), D(65), D(30)]
    assert fig.value("单位:下属") == 95 and fig.value("性质:事业") == 65


def test_machine_running_costs_leave_out_the_public_institutions(folder):
    fig = check_department(folder / "部门.yaml").figures
    # 本级 (行政) 公用 15 + 5 (from 上缴, 一般公共预算 money), 执法大队 (参公) 10; the 事业单位's 35 is not counted
    assert fig.value("机关运行经费") == 30 and fig.value("运行经费") == 65
    assert check_any(folder / "环卫中心.yaml").figures.value("机关运行经费") == 0


def test_each_side_of_an_internal_flow_must_say_the_same(folder):
    edit(folder, "环卫中心", "上级补助收入: 25", "上级补助收入: 20")
    edit(folder, "环卫中心", "金额: 25, 资金来源: 上级补助收入", "金额: 20, 资金来源: 上级补助收入")
    dept = check_department(folder / "部门.yaml")
    flow = [f for f in dept.findings if f.code == "E-DEPT-FLOW"]
    assert [(Path(f.file).name, f.line) for f in flow] == [("环卫中心.yaml", 3)]
    assert "上级补助收入填报 20.00" in flow[0].message and "本级的对附属单位补助合计 25.00" in flow[0].message


def test_a_subsidy_to_no_unit_of_the_department(folder):
    edit(folder, "本级", '单位: "115002"', "单位: 不存在的中心")
    dept = check_department(folder / "部门.yaml")
    unknown = next(f for f in dept.findings if f.variant == "unknown_unit")
    assert Path(unknown.file).name == "本级.yaml" and unknown.line == 9 and "不存在的中心" in unknown.message


def test_members_that_are_missing_of_another_year_or_declared_otherwise(folder):
    edit(folder, "部门", "支出合计: 35", "支出合计: 30")
    edit(folder, "部门", "  - 环卫中心.yaml\n", "  - 环卫中心.yaml\n  - 没有这个.yaml\n")
    edit(folder, "执法大队", "年度: 2024", "年度: 2023")
    found = {(f.code, f.variant, f.line) for f in check_department(folder / "部门.yaml").findings if f.file.endswith("部门.yaml")}
    assert ("E-FILE-NOT-FOUND", "member", 7) in found
    assert ("E-DEPT-MEMBER", "year", 8) in found
    assert ("E-SUM-DECLARED", "", 8) in found  # 30 declared, 35 computed, named by the unit


def test_build_writes_the_department_and_each_unit(folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(folder / "部门.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    top = out / "2024" / "某区城市管理局"
    assert sorted(p.relative_to(top).as_posix() for p in top.rglob("*.*")) == [
        "某区城市管理局本级/单位预算公开表.xlsx", "某区城市管理局本级/单位预算情况说明.docx",
        "某区城市管理执法大队/单位预算公开表.xlsx", "某区城市管理执法大队/单位预算情况说明.docx",
        "某区环境卫生服务中心/单位预算公开表.xlsx", "某区环境卫生服务中心/单位预算情况说明.docx",
        "部门预算公开表.xlsx", "部门预算情况说明.docx"]
    text = "\n".join(p.text for p in docx.Document(str(top / "部门预算情况说明.docx")).paragraphs)
    assert "某区城市管理局2024年部门预算情况说明" in text and "本部门由本级和 2 个下属单位组成" in text
    assert "机关运行经费预算30万元（含行政单位1个、参照公务员法管理的事业单位1个，事业单位不计）" in text
    own = "\n".join(p.text for p in docx.Document(str(top / "某区城市管理局本级" / "单位预算情况说明.docx")).paragraphs)
    assert "2024年支出预算105万元，其中：基本支出80万元，项目支出0万元，对附属单位补助支出25万元。" in own
    wb = openpyxl.load_workbook(top / "部门预算公开表.xlsx", data_only=True)
    assert round(next(r for r in wb["支出总表"].iter_rows(values_only=True) if r[0] == "合计")[2], 2) == 175


def test_commands_take_a_department_with_its_units_once(folder, tmp_path):
    result = runner.invoke(app, ["check", "--json", str(folder)])
    files = [Path(f["file"]).name for f in json.loads(result.output)["files"]]
    assert sorted(files) == ["执法大队.yaml", "本级.yaml", "环卫中心.yaml", "部门.yaml"]  # each once, in its 部门
    out = tmp_path / "b"
    assert "生成 1" in runner.invoke(app, ["batch", str(folder), "-o", str(out)]).output
    assert "未变跳过 1" in runner.invoke(app, ["batch", str(folder), "-o", str(out)]).output
    edit(folder, "执法大队", "金额: 5, 功能科目", "金额: 5.00, 功能科目")  # a unit's spec changes: the 部门 is rebuilt
    assert "生成 1" in runner.invoke(app, ["batch", str(folder), "-o", str(out)]).output


def test_a_published_figure_prints_only_where_it_is_named(tmp_path):
    """A 公布数 of 机关运行经费 is printed as 机关运行经费, not as the 公用经费 of the 基本支出 table, though the
    two add up the same ledger amounts for a 行政 unit."""
    spec = tmp_path / "单位.yaml"
    text = (Path(__file__).parent.parent / "examples" / "最小单位.yaml").read_text(encoding="utf-8")
    spec.write_text(text + "公布数:\n  - {项: 机关运行经费, 金额: 20.01}\n", encoding="utf-8")
    checked = check_any(spec)
    assert checked.ok, checked.findings
    fig = checked.figures
    assert fig.shown("机关运行经费") == D("20.01") and fig.shown("公用经费&一般公共预算&基本支出") == D("20.00")
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(spec), "-o", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(next(out.rglob("部门预算公开表.xlsx")), data_only=True)
    total = next(r for r in wb["一般公共预算基本支出表"].iter_rows(values_only=True) if r[0] == "合计")
    assert round(total[4], 2) == 20.00  # 公用经费 column
    words = "".join(p.text for p in docx.Document(str(next(out.rglob("部门预算情况说明.docx")))).paragraphs)
    assert "机关运行经费预算20.01万元" in words


def test_income_of_each_unit_adds_up_to_the_department(folder):
    from generator.figures import unit_scope
    fig = check_department(folder / "部门.yaml").figures
    per_unit = [fig.shown("本年收入", scope=unit_scope(i)) for i in range(3)]
    assert per_unit == [D("100.00"), D("40.00"), D("35.00")]  # 附属单位上缴 5 and 上级补助 25 stay inside
    assert sum(per_unit) == fig.shown("本年收入") == 175
    assert fig.shown("本年收入:上级补助收入", scope=unit_scope(1)) == 0
    assert fig.shown("本年收入:一般公共预算拨款", scope="性质:事业") == 40
