"""No silent misreading of spec input: non-ASCII digits, commas that YAML splits, full-width colons and
spaces, codes with letters glued on, 上年 三公 parts, 政府性基金 spent under 一般公共预算 科目."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.catalog import Code, garbled_code, kind_of, load_catalog, split_ref
from generator.checks import check_file
from generator.money import AmountError, parse_decimal
from generator.spec.yamlsrc import Document, parse_text

ROOT = Path(__file__).parent.parent
HEAD = "年度: 2023\n单位: {名称: 测试单位, 性质: 行政}\n"


def check(tmp_path: Path, text: str):
    path = tmp_path / "单位.yaml"
    path.write_text(text, encoding="utf-8")
    return check_file(path)


def found(checked) -> set[tuple[str, int]]:
    return {(f.code, f.line) for f in checked.findings}


def parsed(text: str) -> Document:
    return parse_text(Document(file="x.yaml", text=text))


# --- 1. ASCII digits only ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["750", "0.1", "-3", "12.50", "７５０", "٧٥٠", "७५०", "7５0", "12．5", "1２.5", "１e3"])
def test_amounts_accept_exactly_what_the_schema_pattern_accepts(text: str):
    schema = json.loads((ROOT / "schema" / "spec.schema.json").read_text(encoding="utf-8"))
    pattern = next(alt["pattern"] for alt in schema["$defs"]["BasicLine"]["properties"]["金额"]["anyOf"]
                   if "pattern" in alt)
    schema_ok = re.fullmatch(pattern, text, re.ASCII) is not None  # JSON Schema's \d is [0-9]
    try:
        ok = parse_decimal(text) >= 0  # a negative amount is read, then refused (E-AMOUNT-NEGATIVE)
    except AmountError:
        ok = False
    assert ok == schema_ok


def test_non_ascii_digits_get_the_full_width_hint_with_the_number_meant():
    for text, meant in (("７５０", "750"), ("٧٥٠", "750"), ("12．5", "12.5")):
        with pytest.raises(AmountError) as exc:
            parse_decimal(text)
        assert (exc.value.kind, exc.value.variant) == ("format", "fullwidth") and meant in exc.value.params["example"]


def test_codes_are_ascii_digits():
    assert kind_of("2010301") == "功能"
    assert [kind_of(c) for c in ("２０１０３０１", "20103０1", "٢٠١٠٣٠١", "30299x")] == [None] * 4
    assert load_catalog(2023).search("２０１０３０１")[0].code == "2010301"  # a lookup may be lenient


# --- 4. what follows a code ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2010301 行政运行", ("2010301", "行政运行")),
    ("2010301-行政运行", ("2010301", "行政运行")),
    ("2010301、行政运行", ("2010301", "行政运行")),
    ("2010301行政运行", ("2010301", "行政运行")),  # as the seeds print it
    ("2010301（行政运行）", ("2010301", "（行政运行）")),
    ("30299 x", ("30299", "x")),  # separated: a (wrong) name, W-CODE-NAME
    ("30299x", (None, "30299x")),  # glued: a malformed code
    ("2010301a 行政运行", (None, "2010301a 行政运行")),
    ("２０１０３０１", (None, "２０１０３０１")),
])
def test_split_ref_separators(text: str, expected: tuple):
    assert split_ref(text) == expected
    assert (garbled_code(text) is not None) == (expected[0] is None)


def test_glued_letters_are_malformed_not_a_name(tmp_path: Path):
    checked = check(tmp_path, HEAD + "基本支出:\n  - {功能科目: 2010301, 经济科目: 30299x, 金额: 5}\n"
                                     "  - {功能科目: 2010301ａ, 经济科目: 30299, 金额: 5}\n")
    malformed = [f for f in checked.findings if f.code == "E-CODE-MALFORMED"]
    assert [(f.line, "30299 其他商品和服务支出" in f.hint) for f in malformed] == [(4, True), (5, False)]
    assert not [f for f in checked.findings if f.code == "W-CODE-NAME"]


# --- 2. a comma inside a flow mapping --------------------------------------------------------------------

def test_flow_comma_is_rejoined_into_the_number_typed():
    doc = parsed("a: {金额: 1,250.00, b: 2}\nc: {x: 1,000, y: 2,000}\nd: {金额: 1,250,000.00}\n")
    assert doc.data == {"a": {"金额": "1,250.00", "b": "2"}, "c": {"x": "1,000", "y": "2,000"},
                        "d": {"金额": "1,250,000.00"}}
    assert not doc.findings  # no duplicate key 000


def test_flow_comma_that_is_not_a_thousands_group_is_left_alone():
    doc = parsed("a: {x: 10, 30227}\nb: {x: 10,30227}\nc: {x: 12,5}\nd: [1,250]\n")
    assert doc.data == {"a": {"x": "10", "30227": None}, "b": {"x": "10", "30227": None}, "c": {"x": "12", "5": None},
                        "d": ["1", "250"]}


def test_flow_comma_amount_is_an_amount_format_error(tmp_path: Path):
    checked = check(tmp_path, HEAD + "收入: {一般公共预算拨款: 1,250.00}\n")
    assert found(checked) == {("E-AMOUNT-FORMAT", 3)}
    assert "1250.00" in checked.findings[0].hint


# --- 3. full-width colon and space ---------------------------------------------------------------------

TEXT_COLONS = """年度: 2023
单位:
  名称: "测试：单位"   # 注释里的冒号：没关系
  性质: 行政
  职能职责: 负责：组织实施
    续行：仍是职能职责的文字
  单位构成: |
    一、内设机构：办公室
    　　二、下属单位：无
# 名称：整行注释
  联系人: '张三：李四'
收入: {一般公共预算拨款: 10}
"""


def test_colons_in_text_values_quotes_blocks_and_comments_are_fine(tmp_path: Path):
    checked = check(tmp_path, TEXT_COLONS)
    assert not [f for f in checked.findings if f.is_error], checked.findings
    assert checked.spec.unit.duties == "负责：组织实施 续行：仍是职能职责的文字"
    assert checked.spec.unit.composition == "一、内设机构：办公室\n　　二、下属单位：无"


def test_colons_in_text_are_fine_when_the_file_is_broken_elsewhere():
    doc = parsed(TEXT_COLONS + "上年:\n\t支出合计: 5\n")
    assert [(f.code, f.line) for f in doc.findings] == [("E-YAML-SYNTAX", 14)]
    assert "制表符" in doc.findings[0].message


@pytest.mark.parametrize("text, line", [
    ("单位:\n  名称: x\n  性质：行政\n收入: 1\n", 3),  # YAML: "could not find expected ':'" on line 4
    ("年度: 2023\n金额：100\n", 2),
    ("a: {金额：100}\n", 1),  # YAML: a key 金额：100
    ("项目:\n  - 名称：xxx\n", 2),  # YAML: a list of one text
    ("项目:\n  - 名称：xxx\n    金额: 1\n", 2),  # YAML: error on line 3
    ("单位:\n  名称: x\n　　性质: 行政\n", 3),  # YAML: a key "　　性质"
    ("项目:\n  - 名称: a\n  　金额: 1\n", 3),
    ("项目:\n  -　名称: a\n", 2),
])
def test_full_width_slip_is_named_at_its_line(text: str, line: int):
    doc = parsed(text)
    assert [(f.code, f.line) for f in doc.findings] == [("E-YAML-SYNTAX", line)]
    assert doc.data is None
    f = doc.findings[0]
    assert ("全角冒号" in f.message or "全角「：」" in f.message) if "：" in text else "全角空格" in f.message
    assert f.hint


def test_every_slip_on_its_own_line_and_the_hint_rewrites_the_line():
    doc = parsed("指标:\n  - 一级：产出指标\n    二级：数量指标\n")
    assert [(f.line, f.hint) for f in doc.findings] == [(2, "改为半角冒号加一个空格：「一级: 产出指标」"),
                                                         (3, "改为半角冒号加一个空格：「二级: 数量指标」")]


def test_bundled_specs_have_no_slips():
    for path in sorted((ROOT / "specs").rglob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml")):
        doc = parsed(path.read_text(encoding="utf-8"))
        assert doc.data is not None and not doc.findings, path


# --- 5. 上年 三公 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("sangong, expected", [
    ("{合计: 5, 公务接待费: 1}", {("E-SUM-DECLARED", 4)}),
    ("{合计: 3.01, 公务接待费: 1, 公务用车运行维护费: 2}", {("W-ROUNDING", 4)}),
    ("{合计: 3, 公务接待费: 1, 公务用车运行维护费: 2}", set()),
    ("{合计: 3}", set()),  # parts not given: nothing to compare
])
def test_prior_sangong_total_against_the_parts_given(tmp_path: Path, sangong: str, expected: set):
    checked = check(tmp_path, HEAD + f"上年:\n  三公经费: {sangong}\n")
    assert {x for x in found(checked) if x[0] in ("E-SUM-DECLARED", "W-ROUNDING")} == expected


# --- 6. 政府性基金 on a 一般公共预算 科目 -----------------------------------------------------------------

def test_catalog_knows_the_budget_of_each_function_code():
    cat = load_catalog(2023)
    assert cat.get("2120801").fund == "政府性基金" and cat.get("21208").fund == "政府性基金"
    assert cat.get("2296002").fund == "政府性基金" and cat.get("23204").fund == "政府性基金"
    assert cat.get("2230101").fund == "国有资本经营"
    assert cat.get("2010301").fund is None and cat.get("212").fund is None  # 类 212 holds both budgets
    assert cat.budget("2010301") == "一般公共预算" and cat.budget("2120801") == "政府性基金"
    assert cat.budget("2120877") == "政府性基金"  # not in the catalog: its 款 decides
    assert cat.budget("2990101") is None
    local = cat.with_local([Code("2120888", "本地土地支出", "功能", "项", "21208", "LOCAL", "x")])
    assert local.budget("2120888") == "政府性基金"
    funds = [c for c in cat.codes.values() if c.fund == "政府性基金"]
    assert len([c for c in funds if c.level == "款"]) >= 35 and len([c for c in funds if c.level == "项"]) > 150


FUND_SPEC = HEAD + """项目:
  - 名称: 社区项目
    功能科目: 2080208
    金额: 10
    资金来源: 政府性基金拨款
    经济科目: {30227: 5, 30201: 5}
  - 名称: 征地项目
    功能科目: 2120801
    金额: 10
    资金来源: 政府性基金拨款
  - 名称: 一般项目
    功能科目: 2080208
    金额: 5
基本支出:
  - {功能科目: 2010301, 经济科目: 30101, 金额: 5}
  - {功能科目: 2010301, 经济科目: 30201, 金额: 5, 资金来源: 政府性基金拨款}
  - {功能科目: 2010301, 经济科目: 30202, 金额: 5, 资金来源: 政府性基金拨款}
"""


def test_fund_money_on_a_general_code_is_warned_once_per_project_or_line(tmp_path: Path):
    checked = check(tmp_path, FUND_SPEC)
    warned = sorted((f for f in checked.findings if f.code == "W-FUND-CODE"), key=lambda f: f.line)
    assert [(f.line, f.path) for f in warned] == [(5, "项目[1].功能科目"), (18, "基本支出[2].功能科目"),
                                                   (19, "基本支出[3].功能科目")]
    assert "社区项目" in warned[0].message and "2080208 基层政权建设和社区治理" in warned[0].message
    assert warned[0].hint == "政府性基金支出应使用政府性基金预算支出功能分类科目"
