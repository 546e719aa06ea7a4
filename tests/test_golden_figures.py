"""Golden figures: what the published seed documents print, computed from the specs' ledgers."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import HETANG, LONGHUA, SHIZHU, WANGGE, XUELIN

# 石柱 表二 一般公共预算财政拨款支出预算表: code → (总计, 基本支出, 项目支出), blanks as None.
SHIZHU_FUNCTION = {
    "201": ("418.06", "229.61", "188.45"), "20103": ("418.06", "229.61", "188.45"),
    "2010301": ("229.61", "229.61", None), "2010306": ("172.24", None, "172.24"),
    "2010399": ("16.21", None, "16.21"), "208": ("49.81", "36.81", "13.00"), "20802": ("13.00", None, "13.00"),
    "2080208": ("13.00", None, "13.00"), "20805": ("36.81", "36.81", None), "2080505": ("24.54", "24.54", None),
    "2080506": ("12.27", "12.27", None), "210": ("12.43", "12.43", None), "21011": ("12.43", "12.43", None),
    "2101101": ("9.70", "9.70", None), "2101199": ("2.73", "2.73", None), "221": ("20.44", "20.44", None),
    "22102": ("20.44", "20.44", None), "2210201": ("20.44", "20.44", None),
}
# 石柱 表三 一般公共预算财政拨款基本支出预算表: code → 总计.
SHIZHU_ECONOMIC = {
    "301": "240.79", "30101": "51.78", "30102": "46.06", "30103": "72.45", "30108": "24.54", "30109": "12.27",
    "30110": "10.22", "30112": "0.31", "30113": "20.44", "30114": "2.73", "302": "58.50", "30201": "5.00",
    "30202": "3.00", "30205": "2.00", "30206": "8.00", "30207": "6.00", "30211": "5.00", "30213": "5.00",
    "30215": "1.00", "30216": "1.00", "30217": "1.00", "30226": "6.00", "30228": "2.04", "30239": "12.46",
    "30299": "1.00",
}


def test_shizhu_totals(checked):
    fig = checked(SHIZHU).figures
    assert fig.shown("") == D("500.75")
    assert fig.shown("基本支出") == D("299.30")
    assert fig.shown("人员经费") == D("240.79")  # as published, though its 款 print 240.80 in all
    assert fig.shown("公用经费") == D("58.50")
    assert fig.shown("项目支出") == D("201.45")
    assert [fig.shown(f"功能:{c}") for c in ("201", "208", "210", "221")] == [D("418.06"), D("49.81"), D("12.43"), D("20.44")]
    assert fig.shown("三公经费") == D("1.00") and fig.shown("公务接待费") == D("1.00")
    assert fig.shown("运行经费") == D("58.50") and fig.shown("机关运行经费") == 0  # a 事业单位 has no 机关运行经费
    assert fig.procurement()["货物"] == D("1.5")


def test_shizhu_income_as_published(checked):
    fig = checked(SHIZHU).figures
    assert fig.shown("一般公共预算") == D("500.75")
    assert [round(v, 2) for v in fig.income_sources.values()] == [D("471.53")]
    assert round(fig.carryover["一般公共预算"], 2) == D("29.21")
    assert round(fig.income_total, 2) == D("500.75")


@pytest.mark.parametrize("code,expected", SHIZHU_FUNCTION.items())
def test_shizhu_function_table(checked, code, expected):
    fig = checked(SHIZHU).figures
    got = tuple(fig.shown(f"{kind}&功能:{code}".lstrip("&")) for kind in ("", "基本支出", "项目支出"))
    assert got == tuple(D(x) if x else D("0.00") for x in expected)


@pytest.mark.parametrize("code,expected", SHIZHU_ECONOMIC.items())
def test_shizhu_basic_economic_table(checked, code, expected):
    assert checked(SHIZHU).figures.shown(f"基本支出&部门经济:{code}") == D(expected)


def test_shizhu_changes_match_narrative(checked):
    changes = checked(SHIZHU).figures.changes()
    assert (changes["收入合计"].direction, changes["收入合计"].diff) == ("增加", D("49.68"))
    assert (changes["基本支出"].direction, changes["基本支出"].diff) == ("增加", D("80.57"))
    assert (changes["项目支出"].direction, changes["项目支出"].diff) == ("减少", D("-30.89"))
    assert (changes["运行经费"].direction, changes["运行经费"].diff) == ("减少", D("-14.55"))
    assert changes["三公经费"].direction == "持平" and changes["公务接待费"].direction == "持平"
    assert changes["收入:一般公共预算拨款"].diff == D("49.68")  # 主要是一般公共预算拨款增加 49.68 万元


def test_hetang_totals(checked):
    fig = checked(HETANG).figures
    assert fig.shown("") == D("703.50")
    assert fig.shown("基本支出") == D("141.77") and fig.shown("项目支出") == D("561.73")
    assert fig.shown("工资福利支出") == D("119.91") and fig.shown("商品和服务支出") == D("21.86")
    assert [fig.shown(f"功能:{c}") for c in ("201", "208", "210", "221")] == [D("676.59"), D("9.83"), D("5.50"), D("11.58")]
    assert fig.shown("基本支出&功能:2010301") == D("114.86")
    assert fig.shown("三公经费") == D("0.30")
    assert fig.income_total == D("703.50")


def test_hetang_government_economic_views(checked):
    fig = checked(HETANG).figures
    # 部门收支总表: 机关工资福利支出 119.91, 机关商品和服务支出 583.59 (= 21.86 basic + 561.73 projects)
    assert fig.shown("政府经济:501") == D("119.91") and fig.shown("政府经济:502") == D("583.59")
    # 附件3-9 商品和服务（政府经济）: 办公经费 15.79, 会议费 0.25, 培训费 0.70, 委托业务费 1.00, 公务接待费 0.30, 维修 1.00, 其他 2.82
    expected = {"50201": "15.79", "50202": "0.25", "50203": "0.70", "50205": "1.00", "50206": "0.30", "50209": "1.00", "50299": "2.82"}
    assert {c: fig.shown(f"基本支出&政府经济:{c}") for c in expected} == {c: D(v) for c, v in expected.items()}
    # 工资奖金津补贴: the parts give 93.00; the two 政府经济 tables print 92.99 (公布数)
    assert fig.value("政府经济:50101") == D("93.00")
    assert fig.shown("政府经济:50101", table="附件3-16") == D("92.99")
    assert fig.shown("基本支出&政府经济:50101", table="附件3-7") == D("92.99")
    assert fig.shown("功能:2010301&政府经济:50101", table="附件3-7") == D("93.00")  # that row prints 93 there
    assert fig.shown("政府经济:50102") == D("15.33") and fig.shown("政府经济:50103") == D("11.58")


def test_hetang_procurement(checked):
    p = checked(HETANG).figures.procurement()
    assert p["合计"] == D("393.98") and p["货物"] + p["服务"] == D("393.98") and p["工程"] == 0


@pytest.mark.parametrize("path,total,basic,projects,count", [
    (WANGGE, "1865.39", "109.59", "1755.80", 5),
    (XUELIN, "930.09", "466.09", "464.00", 4),
])
def test_zhuzhou_totals(checked, path, total, basic, projects, count):
    fig = checked(path).figures
    assert fig.shown("") == D(total) and fig.income_total == D(total)
    assert fig.shown("基本支出") == D(basic) and fig.shown("项目支出") == D(projects)
    assert fig.projects_total == D(projects) and len(fig.spec.projects) == count
    # these forms give no 功能/经济科目: such figures are unknown, never a made-up zero
    assert fig.value("功能:201") is None and fig.value("人员经费") is None and fig.value("三公经费") is None


def test_longhua_projects(checked):
    fig = checked(LONGHUA).figures
    assert len(fig.spec.projects) == 15
    assert fig.projects_total == D("4925.58")
    first, last = fig.spec.projects[0], fig.spec.projects[-1]
    assert (first.name, first.amount, first.service_purchase) == ("数字化城管事务管理（信息采集员）", D("1008.14"), D("1008.14"))
    assert (last.name, last.total, last.amount, last.fixed_assets) == ("党建引领基层治理", D("4901.41"), D("1900.00"), D("3399.86"))
