"""Spec text is data, never an expression: a table or row scoped to one project selects it by identity
(its place in the spec), so names like `A|B`, `X&Y`, `功能:201`, `合计`, `{{x}}` and names that repeat
print their own amounts in every format; Chinese ordinals for any count; format 范围 and 表名 that are
wrong are named, never a crash."""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from generator.build import build
from generator.checks import check_file
from generator.cli import app
from generator.figures import ExprError, parse
from generator.render.placeholders import TemplateError
from generator.render.tables import Builder, SheetData, ordinal

# (name, amount): A|B and 功能:201 once summed other projects, X&Y failed the build, 重名 were summed together
PROJECTS = [("A", "500.00"), ("B", "20.73"), ("A|B", "41.00"), ("X&Y", "10.00"), ("功能:201", "3.00"),
            ("合计", "4.00"), ("{{x}}", "6.00"), ("重名", "5.00"), ("重名", "7.00")]
BASIC = D("80.00")
TOTAL = BASIC + sum(D(a) for _, a in PROJECTS)


def spec_text(fmt: str, extra: str = "") -> str:
    lines = ["年度: 2024", f"格式: {fmt}", "单位: {名称: 测试单位, 性质: 行政}", "收入:", f"  一般公共预算拨款: {TOTAL}",
             "基本支出:", "  - {功能科目: 2010301, 经济科目: 30101, 金额: 60.00}",
             "  - {功能科目: 2010301, 经济科目: 30201, 金额: 20.00}", "项目:"]
    for name, amount in PROJECTS:
        q = json.dumps(name, ensure_ascii=False)
        lines += [f"  - 名称: {q}", "    功能科目: 2010302", f"    金额: {amount}",
                  f"    年度目标: {json.dumps(name + '的目标', ensure_ascii=False)}", "    指标:",
                  '      - {一级: 产出指标, 二级: 数量指标, 三级: 办理事项, 指标值: "≥100件", 权重: 40}',
                  "      - {一级: 效益指标, 二级: 社会效益指标, 三级: 治理水平, 指标值: 提升, 权重: 30}",
                  '      - {一级: 满意度指标, 二级: 服务对象满意度指标, 三级: 居民满意度, 指标值: "≥90%", 权重: 20}',
                  f'      - {{一级: 成本指标, 二级: 经济成本指标, 三级: 项目成本, 指标值: "≤{amount}万元", 权重: 10}}']
    return "\n".join(lines) + "\n" + extra


def checked_spec(tmp_path: Path, fmt: str, extra: str = ""):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{fmt}.yaml"
    path.write_text(spec_text(fmt, extra), encoding="utf-8")
    checked = check_file(path)
    assert checked.ok, [f.message for f in checked.findings if f.is_error]
    return checked


def built_files(tmp_path: Path, fmt: str, extra: str = "") -> dict[str, Path]:
    result = build(checked_spec(tmp_path, fmt, extra), tmp_path / "out")
    assert not result.findings, result.findings
    return {f.name: f for f in result.files}


def cell_right_of(ws, label: str):
    for row in ws.iter_rows(values_only=True):
        if row[0] == label:
            return row[1]
    raise AssertionError(f"{ws.title}: no {label!r}")


def row_texts(row) -> list[str]:
    """A docx table row's cell texts, a merged cell once."""
    out, seen = [], set()
    for c in row.cells:
        if id(c._tc) not in seen:
            seen.add(id(c._tc))
            out.append(c.text)
    return out


def test_hunan_project_list_prints_each_projects_own_figures(tmp_path):
    ws = openpyxl.load_workbook(built_files(tmp_path, "hunan")["部门预算公开表.xlsx"])["附件3-27"]
    rows = [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [(r[1], D(str(r[6]))) for r in rows] == [(n, D(a)) for n, a in PROJECTS]


def test_hunan_and_chongqing_sheets_per_project_show_their_own_amount(tmp_path):
    hunan = openpyxl.load_workbook(built_files(tmp_path / "h", "hunan")["部门预算公开表.xlsx"])
    assert [(hunan[f"专项资金绩效{n}"]["B3"].value, D(str(cell_right_of(hunan[f"专项资金绩效{n}"], "项目金额"))))
            for n in range(1, len(PROJECTS) + 1)] == [(name, D(a)) for name, a in PROJECTS]  # a number, shown 41万元
    chongqing = openpyxl.load_workbook(built_files(tmp_path / "c", "chongqing")["部门预算公开表.xlsx"])
    sheets = [chongqing[f"项目绩效{n}"] for n in range(1, len(PROJECTS) + 1)]
    assert [(cell_right_of(ws, "项目名称"), D(str(cell_right_of(ws, "当年预算 (万元)")))) for ws in sheets] == [
        (name, D(a)) for name, a in PROJECTS]


def test_zhuzhou_and_shenzhen_forms_show_each_projects_own_amount(tmp_path):
    zhuzhou = docx.Document(built_files(tmp_path / "z", "zhuzhou")["绩效目标表.docx"])
    summary = [row_texts(r) for r in zhuzhou.tables[1].rows]
    listed = [r[1:3] for r in summary if r[0] and r[0] != "序号"]
    assert listed == [[name, a] for name, a in PROJECTS]
    assert [r[0] for r in summary if r[0] and r[0] != "序号"][-1] == "九"
    forms = [{r[0]: r[1:] for r in map(row_texts, t.rows)} for t in zhuzhou.tables[2:]]
    assert [(f["支出方向（子项）"][0], f["项目金额"][0]) for f in forms] == [(name, a) for name, a in PROJECTS]
    shenzhen = docx.Document(built_files(tmp_path / "s", "shenzhen")["项目支出绩效目标表.docx"])
    forms = [{r[0]: r[1:] for r in map(row_texts, t.rows)} for t in shenzhen.tables[::2]]  # each: particulars, indicators
    assert [(f["项目名称"][0], f["项目总金额 (万元)"][2]) for f in forms] == [(name, a) for name, a in PROJECTS]


def test_a_figure_within_a_project_is_that_project_whatever_its_name(tmp_path):
    """What `{{项目:合计}}` in a per-project sheet resolves to."""
    fig = checked_spec(tmp_path, "hunan").figures
    items = Builder(fig, {"名称": "表"})._items("项目", {})
    data = SheetData(fig, "表", {}, {})
    assert [data.figure("", item["范围"]) for item in items] == [D(a) for _, a in PROJECTS]
    assert [data.figure("项目支出", item["范围"]) for item in items] == [D(a) for _, a in PROJECTS]
    assert {data.figure("基本支出", item["范围"]) for item in items} == {None}  # zero prints blank


def test_project_names_in_expressions_select_by_name_and_identity_cannot_be_written(tmp_path):
    fig = checked_spec(tmp_path, "hunan").figures
    assert fig.value("项目:A|B") == D("520.73")  # `|` joins alternatives: A or B
    assert fig.value("项目:重名") == D("12.00")  # by name: every project so named
    assert fig.value("项目:功能:201") == D("3.00") and fig.value("项目:合计") == D("4.00")
    for text in ("项目#1", "project:0", "项目", "项目:"):
        with pytest.raises(ExprError):
            parse(text)


def test_a_published_project_figure_prints_on_that_projects_row_only(tmp_path):
    extra = ('公布数:\n  - {项: "项目:功能:201", 金额: 3.01, 表: [附件3-27]}\n'
             '  - {项: "项目:重名", 金额: 12.01, 表: [附件3-27]}\n')
    ws = openpyxl.load_workbook(built_files(tmp_path, "hunan", extra)["部门预算公开表.xlsx"])["附件3-27"]
    printed = [(r[1], D(str(r[6]))) for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    expected = [(n, D("3.01") if n == "功能:201" else D(a)) for n, a in PROJECTS]
    assert printed == expected  # 12.01 is both 重名 together: neither row


def test_show_json_keeps_projects_of_the_same_name(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(spec_text("hunan"), encoding="utf-8")
    result = CliRunner().invoke(app, ["show", "--json", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    projects = data["figures"]["项目"]
    assert [(p["名称"], p["金额"]) for p in projects] == [(n, a) for n, a in PROJECTS]


@pytest.mark.parametrize("n, text", [
    (1, "一"), (2, "二"), (3, "三"), (4, "四"), (5, "五"), (6, "六"), (7, "七"), (8, "八"), (9, "九"), (10, "十"),
    (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"),
    (111, "一百一十一"), (999, "九百九十九"), (1000, "一千"), (1005, "一千零五"), (1010, "一千零一十"),
    (10000, "一万"), (10001, "一万零一"), (100000, "十万"), (120000, "十二万"), (100000000, "一亿")])
def test_chinese_ordinals(n, text):
    assert ordinal(n) == text


def test_a_wrong_format_scope_is_named_not_a_crash(tmp_path):
    fig = checked_spec(tmp_path, "hunan").figures
    for config in ({"范围": "乱写"}, {"行": {"分类": "功能", "范围": "功能:2x"}}):
        with pytest.raises(TemplateError, match="范围「"):
            Builder(fig, {"名称": "表", "表": {"S": config}}).fills(["S"])


def test_repeated_sheet_names_put_in_only_their_own_fields(tmp_path):
    fig = checked_spec(tmp_path, "hunan").figures
    fills = Builder(fig, {"名称": "表", "表": {"S": {"每项": "项目", "表名": "{序号}-{名称}{x}"}}}).fills(["S"])
    assert [f.name for f in fills] == [f"{n}-{name}{{x}}" for n, (name, _) in enumerate(PROJECTS, start=1)]


def test_prior_function_keys_are_codes_never_expressions(tmp_path):
    extra = '上年:\n  功能分类: {"201": 70.00, "201&项目支出": 1.00, "abc": 2.00}\n'
    fig = checked_spec(tmp_path, "hunan", extra).figures
    changes = fig.changes()
    assert changes["功能:201"].current == TOTAL
    assert "功能:201&项目支出" not in changes and "功能:abc" not in changes
