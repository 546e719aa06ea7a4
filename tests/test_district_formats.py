"""Two region formats added as templates plus one YAML each, for the example 部门 (本级 + 3 下属单位, amounts in 元):
`quji` prints the 部门预算 and each 单位预算 in 元 with no decimals and a 万元 narrative that lists every 项;
`quji2` prints only the 部门预算, in 万元, with other sheets and live sums."""
from __future__ import annotations

import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROOT
from generator.build import build, safe_name
from generator.cli import app
from generator.department import Department, check_department
from generator.figures import Figures

EXAMPLE = ROOT / "examples" / "某区住房和城乡建设局"
DEPT = EXAMPLE / "部门.yaml"
TOP = "2025/某市某区住房和城乡建设局"
OWN, WORKS = "某区住房和城乡建设局本级", "某区市政设施服务中心"  # 本级 (行政) and the 事业单位 it subsidises
runner = CliRunner()


def built(fmt: str, out: Path, templates: Path | None = None) -> tuple[Department, Path]:
    dept = check_department(DEPT, format_name=fmt, templates=templates)
    assert dept.ok, [f.message for f in dept.findings if f.is_error]
    result = build(dept, out)
    assert result.files and not result.findings, [f.message for f in result.findings]
    return dept, out / TOP


@pytest.fixture(scope="module")
def quji(tmp_path_factory) -> tuple[Department, Path]:
    return built("quji", tmp_path_factory.mktemp("quji"))


@pytest.fixture(scope="module")
def quji2(tmp_path_factory) -> tuple[Department, Path]:
    return built("quji2", tmp_path_factory.mktemp("quji2"))


def yuan(value: Decimal | None) -> int:
    """A figure (万元, exact) as an 元 table prints it."""
    return int(((value or Decimal(0)) * 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def member(dept: Department, name: str) -> Figures:
    return next(m.figures for m in dept.members if m.figures.spec.unit.name == name)


def workbook(folder: Path, unit: str | None = None, data_only: bool = True) -> openpyxl.Workbook:
    path = folder / (f"{safe_name(unit)}/单位预算公开表.xlsx" if unit else "部门预算公开表.xlsx")
    return openpyxl.load_workbook(path, data_only=data_only)


def rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


def row(ws, label: str, col: int = 0) -> tuple:
    return next(r for r in rows(ws) if r[col] == label)


def n(value) -> int:
    """An 元 cell: an integer, blank for zero."""
    assert value is None or isinstance(value, int), value
    return value or 0


# --- quji: the 部门 and each 单位, in 元 ---------------------------------------------------------------------

def test_department_edition_shows_the_consolidated_figures_in_yuan(quji):
    dept, folder = quji
    fig = dept.figures
    wb = workbook(folder)
    overview = wb["部门收支总表"]
    assert row(overview, "本年收入合计")[1] == row(overview, "本年收入合计")[3] == yuan(fig.value("")) == 24010231
    assert row(overview, "一、一般公共预算拨款收入")[1] == yuan(fig.value("本年收入:一般公共预算")) == 23405631
    assert row(overview, "四、城乡社区支出", 2)[3] == yuan(fig.value("功能:212"))
    spending = wb["部门支出总表"]
    assert row(spending, "合计")[4:7] == tuple(yuan(fig.value(e)) for e in ("", "基本支出", "项目支出"))
    assert row(spending, "城管执法", 3)[4:7] == tuple(yuan(fig.value(f"功能:2120104&{e}")) for e in ("合计", "基本支出", "项目支出"))
    assert row(wb["一般公共预算基本支出表"], "合计")[3:6] == tuple(
        yuan(fig.value(f"一般公共预算&基本支出&{e}")) for e in ("合计", "人员经费", "公用经费"))
    units = wb["按单位支出表"]
    lines = [r for r in rows(units) if isinstance(r[0], int)]
    assert [(r[1], r[4], r[5], r[6]) for r in lines] == [
        (u.spec.unit.code, *(yuan(fig.value(f"单位:{u.spec.unit.code}&{e}")) for e in ("合计", "基本支出", "项目支出")))
        for u in fig.units]
    assert sum(r[4] for r in lines) == row(units, "合计")[4] == 24010231  # the units add up to the 元


def test_unit_editions_show_each_units_own_figures(quji):
    dept, folder = quji
    for name in (OWN, WORKS):
        fig = member(dept, name)
        wb = workbook(folder, name)
        overview = wb["部门收支总表"]
        assert overview["A2"].value == "2025年单位预算收支总表" and overview["A3"].value == f"编制单位：{name}"
        assert row(overview, "本年支出合计", 2)[3] == yuan(fig.total) == yuan(fig.income_total)
        assert row(wb["部门支出总表"], "合计")[4:9] == tuple(
            yuan(fig.value(e)) or None for e in ("", "基本支出", "项目支出", "对附属单位补助支出", "上缴上级支出"))
        assert [r[2] for r in rows(wb["按单位支出表"]) if r[1] is not None and r[1] != "单位编码"] == [name]
    assert yuan(member(dept, OWN).total) == 11084213 and yuan(member(dept, WORKS).total) == 5938806


def test_money_inside_the_department_is_eliminated_in_its_edition_only(quji):
    _, folder = quji
    department, own, works = workbook(folder), workbook(folder, OWN), workbook(folder, WORKS)

    def kinds(wb) -> dict:
        return {r[4]: r[5] for r in rows(wb["部门收支总表"]) if r[4] in ("三、对附属单位补助支出", "四、上缴上级支出")}

    def income(wb, label: str):
        return row(wb["部门收支总表"], label)[1]

    assert kinds(department) == {"三、对附属单位补助支出": None, "四、上缴上级支出": None}
    assert row(department["部门支出总表"], "合计")[7:9] == (None, None)
    assert income(department, "七、上级补助收入") is None and income(department, "八、附属单位上缴收入") is None
    assert kinds(own)["三、对附属单位补助支出"] == 350000 and row(own["部门支出总表"], "合计")[7] == 350000
    assert income(own, "八、附属单位上缴收入") == 80000
    assert kinds(works)["四、上缴上级支出"] == 80000 and income(works, "七、上级补助收入") == 350000


# sheet → (code columns, row footings as (total, parts) in money-column indices)
CLASSIFIED = {
    "部门收入总表": (3, [(0, range(1, 11))]),
    "部门支出总表": (3, [(0, range(1, 5))]),
    "一般公共预算支出表": (3, [(0, [1, 4, 5, 6]), (1, [2, 3])]),
    "一般公共预算基本支出表": (2, [(0, [1, 2])]),
    "政府性基金预算支出表": (3, [(0, [1, 2])]),
}


def check_classified(ws, codes: int, footings: list) -> None:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 in every column; each row's total = Σ its parts — exactly, in 元."""
    lines = rows(ws)
    start = next(i for i, r in enumerate(lines) if r[0] == "合计")
    tree = {(): lines[start][codes + 1:]}
    tree.update({tuple(c for c in r[:codes] if c): r[codes + 1:]
                 for r in lines[start + 1:] if isinstance(r[0], str) and r[0].isdigit()})
    for key, values in tree.items():
        children = [v for k, v in tree.items() if len(k) == len(key) + 1 and k[:len(key)] == key]
        for col, value in enumerate(values):
            if children:
                assert n(value) == sum(n(c[col]) for c in children), (ws.title, key, col)
        for total, parts in footings:
            assert n(values[total]) == sum(n(values[p]) for p in parts), (ws.title, key, total)


def check_panels(ws) -> None:
    lines = rows(ws)
    body = lines[lines.index(row(ws, "项目")) + 1:lines.index(row(ws, "本年收入合计"))]
    totals = row(ws, "本年收入合计")
    for col in (1, 3, 5):
        assert sum(n(r[col]) for r in body) == n(totals[col]), (ws.title, col)
    assert n(row(ws, "收入总计")[1]) == n(totals[1]) + n(row(ws, "上年结转")[1])


def check_units(ws) -> None:
    lines = [r for r in rows(ws) if isinstance(r[1], str) and r[1].isdigit()]
    total = row(ws, "合计")
    for col in range(4, 9):
        assert sum(n(r[col]) for r in lines) == n(total[col]), (ws.title, col)
    for r in [*lines, total]:
        assert n(r[4]) == sum(n(v) for v in r[5:9])


def check_sangong(ws) -> None:
    total, parts = row(ws, "“三公”经费合计"), [r for r in rows(ws) if str(r[0])[:2] in ("1.", "2.", "3.", "4.") and r[1:] != (None,) * 4]
    assert len(parts) == 4
    for col in (1, 2, 3):
        assert n(total[col]) == sum(n(r[col]) for r in parts), col
    for r in [total, *parts, row(ws, "机关运行经费")]:
        if r[2] is not None:  # 上年 given (the 部门 file's 上年)
            assert n(r[1]) - n(r[2]) == n(r[3]), r


def test_every_yuan_table_foots_exactly(quji):
    dept, folder = quji
    names = [None, *(m.figures.spec.unit.name for m in dept.members)]
    for unit in names:
        wb = workbook(folder, unit)
        for sheet, (codes, footings) in CLASSIFIED.items():
            check_classified(wb[sheet], codes, footings)
        check_panels(wb["部门收支总表"])
        check_units(wb["按单位支出表"])
        check_sangong(wb["“三公”经费表"])
    total = next(r for r in wb["部门支出总表"].iter_rows() if r[0].value == "合计")
    assert total[4].number_format == "#,##0"  # 元, thousands separators, no decimals


def test_check_finds_no_rounding_in_the_yuan_tables_but_would_where_they_cannot_foot(tmp_path):
    def rounding(folder: Path, fmt: str) -> list[str]:
        result = runner.invoke(app, ["check", "--json", "--format", fmt, str(folder)])
        assert result.exit_code == 0, result.output
        return [f["message"] for file in json.loads(result.output)["files"] for f in file["findings"]
                if f["code"] == "W-ROUNDING"]

    assert rounding(EXAMPLE, "quji") == []
    copy = tmp_path / "部门"
    shutil.copytree(EXAMPLE, copy)
    own = copy / "本级.yaml"
    text = own.read_text(encoding="utf-8")
    for old, new in (("30201, 金额: 210000.00", "30201, 金额: 210000.40"), ("30202, 金额: 30000.00", "30202, 金额: 30000.40"),
                     ("30205, 金额: 18000.00", "30205, 金额: 17999.20")):  # the same totals, 款 of 302 in cents
        assert text.count(old) == 1
        text = text.replace(old, new)
    own.write_text(text, encoding="utf-8")
    assert rounding(copy, "mof") == []  # 万元 with two decimals: the cents do not show
    assert rounding(copy, "quji") and all("元" in m for m in rounding(copy, "quji"))  # in 元 the 款 miss 302 by 1


def test_machine_running_costs_leave_out_the_public_institution(quji):
    dept, folder = quji
    fig = dept.figures
    cell = row(workbook(folder)["“三公”经费表"], "机关运行经费")[1]
    everyone = yuan(fig.value("运行经费"))  # the same 公用经费 whatever the 性质
    assert cell == yuan(fig.value("机关运行经费")) == 2132700
    assert everyone - cell == yuan(member(dept, WORKS).value("运行经费")) == 353800  # the 事业单位's
    assert row(workbook(folder, WORKS)["“三公”经费表"], "机关运行经费")[1] == 0
    enforcement = "某区城市建设综合执法大队"  # 参公: counted
    assert row(workbook(folder, enforcement)["“三公”经费表"], "机关运行经费")[1] == yuan(member(dept, enforcement).value("运行经费"))
    text = narrative(folder)
    assert "机关运行经费预算213.27万元（含行政单位2个、参照公务员法管理的事业单位1个，事业单位1个不计），比2024年减少5.37万元" in text
    assert "本单位为事业单位，不安排机关运行经费。" in narrative(folder, WORKS)


# --- the narrative (万元) --------------------------------------------------------------------------------------

def narrative(folder: Path, unit: str | None = None) -> str:
    path = folder / (f"{safe_name(unit)}/单位预算情况说明.docx" if unit else "部门预算情况说明.docx")
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def words(value: Decimal) -> str:
    """万元, two decimals, thousands separators, no trailing zeros (1,327.6; 120)."""
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,f}"
    return text.rstrip("0").rstrip(".")


def test_narrative_lists_every_item_of_the_general_budget_with_its_use(quji):
    dept, folder = quji
    fig = dept.figures
    uses = yaml.safe_load(DEPT.read_text(encoding="utf-8"))["说明"]["功能科目"]
    lines = narrative(folder).split("\n")
    items = [r for r in fig.rollup("功能", [""], "一般公共预算") if r.level == "项"]
    expected = [f"{i}.“{fig.code_name(r.code[:3])}（类）{fig.code_name(r.code[:5])}（款）{r.name}（项）”科目"
                f"{words(r.values[0])}万元，{uses[int(r.code)]}。" for i, r in enumerate(items, start=1)]
    listed = [line for line in lines if line[:1].isdigit() and "（项）”科目" in line]
    assert listed == expected and len(listed) == 16
    assert "“城乡社区支出（类）城乡社区管理事务（款）行政运行（项）”科目597.08万元，主要用于局机关机构运转" in "\n".join(lines)
    text = "\n".join(lines)
    assert f"收入预算{words(fig.income_total)}万元，其中：一般公共预算拨款2,340.56万元，事业收入60.46万元" in text
    assert "支出预算2,401.02万元，其中：基本支出1,870.43万元，项目支出530.59万元；比2024年增加82.37万元" in text
    assert "按单位分类，本级1,073.42万元，下属单位1,327.6万元" in text  # 2,401.02 = 1,073.42 + 1,327.60
    assert "面向中小企业预留192.6万元，其中预留给小微企业107万元。" in text
    assert "比2024年减少19.2万元" in text and "公务用车购置费18万元，比2024年减少18万元" in text


def test_unit_narratives_name_their_transfers_and_vehicles(quji):
    _, folder = quji
    own = narrative(folder, OWN)
    assert own.startswith(f"{OWN}2025年单位预算情况说明")
    assert "支出预算1,108.42万元，其中：基本支出825.18万元，项目支出248.24万元，对附属单位补助支出35万元。" in own
    assert "共有车辆3辆，其中：执法执勤用车2辆，应急保障用车1辆" in own
    works = narrative(folder, WORKS)
    assert "上级补助收入35万元" in works and "上缴上级支出8万元" in works
    assert "2025年拟购置执法执勤用车1辆。" in narrative(folder, "某区城市建设综合执法大队")


# --- quji2: the 部门 only, in 万元 --------------------------------------------------------------------------

def test_quji2_builds_the_department_edition_only(quji, quji2):
    assert sorted(p.name for p in quji2[1].rglob("*.*")) == ["部门预算公开表.xlsx", "部门预算情况说明.docx"]
    assert len(list(quji[1].rglob("*.*"))) == 2 + 2 * 4  # quji: the 部门 and each of its 4 units


def test_quji2_is_another_layout_in_wan_with_live_sums(quji, quji2):
    dept, folder = quji2
    fig = dept.figures
    wb, formulas = workbook(folder), workbook(folder, data_only=False)
    assert set(wb.sheetnames).isdisjoint(workbook(quji[1]).sheetnames)  # no sheet of quji, none like it

    def close(cell, expr: str) -> bool:
        return round(Decimal(str(cell or 0)), 2) == round(fig.value(expr) or Decimal(0), 2)

    units = wb["按单位收入表"]
    for u in fig.units:
        line = row(units, u.spec.unit.name, 1)
        code = u.spec.unit.code
        assert all(close(v, f"单位:{code}&{e}") for v, e in zip(line[3:9], ("合计", "一般公共预算", "政府性基金",
                                                                         "国有资本经营", "财政专户", "单位资金")))
    works = row(units, WORKS, 1)  # its 上级补助收入 from 本级 is the 部门's 一般公共预算拨款
    assert close(works[4], "单位:118004&一般公共预算")
    assert round(Decimal(str(works[4])), 2) == round(member(dept, WORKS).value("收入:一般公共预算拨款") + Decimal(35), 2)
    overview = wb["财政拨款收支总表"]
    assert row(overview, "本年支出合计", 2)[3:5] == pytest.approx((float(fig.value("")), float(fig.value("财政拨款"))))
    assert row(overview, "一、财政拨款收入")[1] == 2340.56
    economic = wb["支出经济分类表"]
    assert close(row(economic, "对事业单位经常性补助", 2)[3], "政府经济:505")  # the 事业单位's spending
    total = next(r for r in formulas["支出经济分类表"].iter_rows() if r[0].value == "合计")
    assert str(total[3].value).startswith("=SUM(") and total[3].number_format == "#,##0.00"
    sangong = wb["三公经费表"]
    assert row(sangong, "2025年预算")[1] == pytest.approx(44.6) and row(sangong, "增减额")[7] == pytest.approx(-5.37)
    assert "支出预算2,401.02万元" in narrative(folder)  # the quji narrative, shared


def test_formats_check_passes_for_both():
    for name in ("quji", "quji2"):
        result = runner.invoke(app, ["formats", "check", name])
        assert result.exit_code == 0 and "0 个错误" in result.output, result.output


# --- what a workspace says without Python: templates and a format file beside its specs -----------------------

def test_list_rows_follow_the_tables_amounts(quji, tmp_path):
    """quji prints its 政府采购表 in 元 like every table; a workspace that wants it in 万元 says so in the format."""
    unit = "某区城市建设综合执法大队"
    sheet = workbook(quji[1], unit)["政府采购表"]
    car = row(sheet, "执法执勤用车更新购置", 1)
    assert car[9] == yuan(Decimal("18")) == 180000
    assert row(sheet, "合计")[9] == yuan(member(quji[0], unit).procurement()["合计"])
    layer = tmp_path / "templates"
    layer.mkdir()
    text = (ROOT / "templates" / "quji.yaml").read_text(encoding="utf-8")
    assert text.count("      政府采购表:") == 1
    (layer / "quji.yaml").write_text(text.replace("        行: {清单: 政府采购}\n",
                                                  "        行: {清单: 政府采购}\n        金额: {单位: 万元, 小数: 2}\n"),
                                     encoding="utf-8")
    _, folder = built("quji", tmp_path / "out", templates=layer)
    car = row(workbook(folder, unit)["政府采购表"], "执法执勤用车更新购置", 1)
    assert car[9] == 18


def test_department_narrative_lists_its_vehicles(quji):
    """The 部门's 车辆构成 adds up its units' by category."""
    text = narrative(quji[1])
    assert "共有车辆13辆，其中：" in text and all(f"{kind}{count}辆" in text for kind, count in (
        ("执法执勤用车", 7), ("应急保障用车", 3), ("特种专业技术用车", 3)))


def test_a_column_can_show_its_own_unit(tmp_path):
    """A table in 元 with one column in 万元 (and the reverse) says so in the placeholder: `{{行:|万元}}`."""
    layer = tmp_path / "templates" / "xlsx" / "quji"
    layer.mkdir(parents=True)
    wb = openpyxl.load_workbook(ROOT / "templates" / "xlsx" / "quji" / "部门预算公开表.xlsx")
    spending, overview = wb["部门支出总表"], wb["部门收支总表"]
    assert (spending["E7"].value, spending["E8"].value, overview["B6"].value) == (
        "{{数:}}", "{{行:}}", "{{行.收入.数}}")
    spending["E7"], spending["E8"], overview["B6"] = "{{数:|万元}}", "{{行:|万元}}", "{{行.收入.数|万元}}"
    spending["F8"] = "{{行:基本支出|项目支出|万元}}"  # a `|` before the unit is still the figure's alternatives
    wb.save(layer / "部门预算公开表.xlsx")
    dept, folder = built("quji", tmp_path / "out", templates=tmp_path / "templates")
    fig = dept.figures
    out = workbook(folder)
    total = row(out["部门支出总表"], "合计")
    assert Decimal(str(total[4])) == Decimal("2401.02") and total[5] == yuan(fig.value("基本支出"))  # the other columns stay 元
    works = row(out["部门支出总表"], "城管执法", 3)
    assert Decimal(str(works[4])) == fig.value("功能:2120104").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert works[5] == works[4]  # 基本支出 + 项目支出 = 合计, in 万元
    assert row(out["部门收支总表"], "本年收入合计")[1] == 24010231  # the total row is not the repeated row
    assert Decimal(str(row(out["部门收支总表"], "一、一般公共预算拨款收入")[1])) == Decimal("2340.56")


def test_a_placeholder_names_one_unit():
    from generator.render.placeholders import TemplateError, parse_placeholder
    assert parse_placeholder("行:基本支出|项目支出|元").unit == "元"
    assert parse_placeholder("行.一级|合并").merge and parse_placeholder("行.一级|合并").unit is None
    for bad in ("行:|元|万元", "行:|元|元"):
        with pytest.raises(TemplateError, match="元与万元只选一个"):
            parse_placeholder(bad)


def test_a_narrative_sentence_can_name_its_unit(tmp_path):
    """The quji narrative speaks 万元; one sentence may speak 元 (`数(…, "元")`); a unit it cannot show is refused."""
    layer = tmp_path / "templates" / "docx" / "quji"
    layer.mkdir(parents=True)
    word = docx.Document(str(ROOT / "templates" / "docx" / "quji" / "部门预算情况说明.docx"))
    word.add_paragraph('合计{{ 数("合计", "元") }}元，即{{ 数("合计") }}万元。')
    word.save(str(layer / "部门预算情况说明.docx"))
    _, folder = built("quji", tmp_path / "out", templates=tmp_path / "templates")
    assert "合计24,010,231元，即2,401.02万元。" in narrative(folder)  # quji writes 千分位

    word.add_paragraph('{{ 数("合计", "亿元") }}')
    word.save(str(layer / "部门预算情况说明.docx"))
    result = runner.invoke(app, ["formats", "check", "quji", "--templates", str(tmp_path / "templates"), "--json"])
    assert result.exit_code == 1, result.output
    found = [f for f in json.loads(result.output)["files"][0]["findings"] if f["code"] == "E-FORMAT-OPTION"]
    assert len(found) == 1 and "亿元" in found[0]["message"], found


def test_formats_check_reads_the_texts_the_format_writes(tmp_path):
    """A placeholder in a 无数据说明 of the format file is checked like one in a cell, at its line."""
    layer = tmp_path / "templates"
    layer.mkdir()
    text = (ROOT / "templates" / "quji.yaml").read_text(encoding="utf-8")
    bad = "{{主休}}无政府采购预算，本表无数据。"
    (layer / "quji.yaml").write_text(text.replace("{{主体}}无政府采购预算，本表无数据。", bad), encoding="utf-8")
    result = runner.invoke(app, ["formats", "check", "quji", "--templates", str(layer), "--json"])
    assert result.exit_code == 1, result.output
    found = [f for f in json.loads(result.output)["files"][0]["findings"] if f["code"] == "E-FORMAT-PLACEHOLDER"]
    lines = (layer / "quji.yaml").read_text(encoding="utf-8").splitlines()
    assert len(found) == 1 and bad in lines[found[0]["line"] - 1], found
    assert found[0]["file"] == str(layer / "quji.yaml") and "主体" in found[0]["hint"]
