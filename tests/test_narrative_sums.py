"""Every 情况说明 sentence that lists the parts of a total lists parts of that same total: the checker
(generator.render.narrative_sums) on hand-written paragraphs, then on narratives built from small specs in
every fund situation, for both narrative templates, and on every bundled spec and example."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import pytest

from conftest import ROOT, SHIZHU, SPECS
from generator.build import build, render_documents
from generator.checks import check_file
from generator.render.narrative_sums import Statement, check_docx, docx_paragraphs, narrative_findings, statements
from generator.render.words import Words
from generator.spec.model import Spec

NARRATIVE = "部门预算情况说明.docx"


def summary(found: list[Statement]) -> list[tuple[str, list[str], str]]:
    """(total, parts, status) of each statement, amounts as printed."""
    return [(format(s.total[1], "f") if s.total else "—", [format(a, "f") for _, a in s.parts], s.status)
            for s in found]


# --- the checker on hand-written paragraphs --------------------------------------------------------------


def test_a_list_that_foots():
    found = statements(["2024年支出预算100万元，其中：基本支出80万元，项目支出20万元；比2023年增加5万元，"
                        "其中基本支出增加2万元，项目支出增加3万元。"])
    assert summary(found) == [("100", ["80", "20"], "平")]
    assert found[0].total == ("2024年支出预算", Decimal("100")) and found[0].sum == 100


def test_the_reported_bug_does_not_foot():
    text = ("2025年一般公共预算拨款支出750万元。按支出功能分类，一般公共服务支出598万元，社会保障和就业支出45万元，"
            "城乡社区支出157万元。其中：基本支出448万元；项目支出302万元。")
    found = statements([text])
    assert summary(found) == [("750", ["598", "45", "157"], "不平"), ("750", ["448", "302"], "平")]
    bad = found[0]
    assert bad.difference == 50 and [n for n, _ in bad.parts] == ["一般公共服务支出", "社会保障和就业支出", "城乡社区支出"]
    assert "相差 50.00 万元" in bad.message() and bad.paragraph == text


def test_amounts_in_reasons_and_changes_are_not_parts():
    found = statements(["2024年一般公共预算拨款支出100万元，比2023年增加12万元。其中：基本支出80万元，比2023年增加2万元，"
                        "主要原因是新增人员2人，增加经费12万元；项目支出20万元，主要用于购置设备15万元。"])
    assert summary(found) == [("100", ["80", "20"], "平")]


def test_quoted_spec_text_is_never_read():
    # a 主要用途 printed without a lead word, with its own 「；」 and an amount: only the spec knows it is text
    use = "保障运转；另安排设备10万元"
    text = f"2024年一般公共预算拨款支出100万元。其中：基本支出80万元，{use}；项目支出20万元。"
    assert summary(statements([text], quoted=[use])) == [("100", ["80", "20"], "平")]
    assert summary(statements([text])) == [("100", ["80", "10", "20"], "不平")]
    # nor its 其中 or its sentence breaks, line by line
    use = "保障运转。\n其中办公经费"
    text = f"2024年一般公共预算拨款支出100万元。其中：基本支出80万元，{use.replace(chr(10), '')}；项目支出20万元。"
    assert summary(statements([text], quoted=[use])) == [("100", ["80", "20"], "平")]


def test_rounding_is_reported_apart():
    found = statements(["（二）支出预算：2023 年年初预算数 500.75 万元，其中：一般公共服务支出 418.06 万元，社会保障和就业支出 "
                        "49.81 万元，卫生健康支出 12.43 万元，住房保障支出 20.44 万元；支出较去年增加 49.68 万元，主要是基本支出"
                        "增加 80.57 万元，项目支出减少 30.89 万元。"])
    assert summary(found) == [("500.75", ["418.06", "49.81", "12.43", "20.44"], "尾差")]
    assert found[0].difference == Decimal("-0.01") and "尾差 0.01 万元" in found[0].message()
    assert statements(["合计1万元，其中：甲0.2万元，乙0.77万元。"])[0].status == "不平"  # 0.03 > 0.01 × 2


def test_totals_named_总额_and_of_which_sub_totals():
    found = statements(["（二）政府采购情况。本单位政府采购预算总额10万元，政府采购货物预算4万元，政府采购工程预算6万元；"
                        "其中一般公共预算拨款政府采购5万元；政府采购货物预算4万元；政府采购工程预算1万元。"])
    assert summary(found) == [("10", ["4", "6"], "平"), ("5", ["4", "1"], "平")]


def test_a_list_opening_a_sentence_is_of_the_last_amount_before_it():
    found = statements(["2023年一般公共预算财政拨款收入500万元，一般公共预算财政拨款支出400万元，比2022年增加9万元。"
                        "其中：基本支出300万元；项目支出100万元。"])
    assert summary(found) == [("400", ["300", "100"], "平")]
    assert summary(statements(["其中：货物1万元。"])) == [("—", ["1"], "不平")]


def test_sentences_without_lists_state_nothing():
    assert statements(["截至2024年12月，共有车辆2辆，单价50万元以上通用设备3台（套）。",
                       "2023年无使用政府性基金预算拨款安排的支出。", "2024年机关运行经费预算20万元，比2023年减少1万元。"]) == []


# --- narratives built from specs, in every fund situation ------------------------------------------------

BASE = """\
年度: 2025
格式: {fmt}
单位: {{名称: 示例街道办事处, 性质: 行政, 联系人: 张三, 联系电话: 0731-0000000}}
收入:
  一般公共预算拨款: 750
{income}
基本支出:
  - {{功能科目: 2010301, 经济科目: 30101, 金额: 300.1234}}
  - {{功能科目: 2010301, 经济科目: 30201, 金额: 97.8766}}
  - {{功能科目: 2010301, 经济科目: 30217, 金额: 2}}
  - {{功能科目: 2010301, 经济科目: 30231, 金额: 3}}
  - {{功能科目: 2080505, 经济科目: 30108, 金额: 45}}
{basic}
项目:
  - {{名称: 政务服务, 功能科目: 2010302, 金额: 195, 经济科目: {{30227: 190, 30212: 5}}}}
  - {{名称: 社区管理, 功能科目: 2120199, 金额: 107}}
{projects}
政府采购:
  - {{类别: 货物, 金额: 10}}
  - {{类别: 服务, 金额: 20}}
{procurement}
{prior}
"""
PRIOR = """\
上年:
  收入合计: 700
  支出合计: 700
  一般公共预算财政拨款: 700
  基本支出: 400
  项目支出: 300
  三公经费: {合计: 9, 因公出国（境）费: 4, 公务接待费: 2, 公务用车运行维护费: 3, 公务用车购置费: 0}
  机关运行经费: 90
说明:
  基本支出: {增减原因: 人员增加，增加经费20万元, 主要用途: 保障运转；其中办公费10万元}
  项目支出: {增减原因: 新增项目支出30万元}
"""
# Each situation adds to the one before: (收入, 基本支出, 项目, 政府采购) lines.
SITUATIONS = {
    "一般公共预算": ("", "", "", ""),
    "政府性基金": ("  政府性基金拨款: 50", "",
                "  - {名称: 征地拆迁, 功能科目: 2120801, 金额: 50, 资金来源: 政府性基金拨款}", ""),
    "国有资本经营": ("  国有资本经营预算拨款: 30", "",
                 "  - {名称: 国企改革补助, 功能科目: 2230105, 金额: 30, 资金来源: 国有资本经营预算拨款}", ""),
    "单位资金": ("  财政专户管理资金: 20\n  事业收入: 15.5\n  上级补助收入: 12.25",
             "  - {功能科目: 2010301, 经济科目: 30201, 金额: 15.5, 资金来源: 事业收入}",
             "  - {名称: 专户项目, 功能科目: 2010302, 金额: 20, 资金来源: 财政专户管理资金}\n"
             "  - {名称: 上级补助项目, 功能科目: 2080208, 金额: 12.25, 资金来源: 上级补助收入, 经济科目: {30217: 1.25, 30227: 11}}",
             "  - {类别: 工程, 金额: 5, 资金来源: 事业收入}"),
    "上年结转": ("  上年结转: {一般公共预算拨款: 29.2120, 政府性基金拨款: 5, 单位资金: 3}",
             "  - {功能科目: 2010301, 经济科目: 30201, 金额: 3, 资金来源: 事业收入, 上年结转: 是}",
             "  - {名称: 结转政务项目, 功能科目: 2010302, 金额: 14.6060, 资金来源: 一般公共预算拨款, 上年结转: 是}\n"
             "  - {名称: 结转社区项目, 功能科目: 2080208, 金额: 14.6060, 资金来源: 一般公共预算拨款, 上年结转: 是}\n"
             "  - {名称: 结转拆迁项目, 功能科目: 2120801, 金额: 5, 资金来源: 政府性基金拨款, 上年结转: 是}", ""),
}


def spec_text(fmt: str, situation: str, prior: bool = True) -> str:
    names = list(SITUATIONS)
    chosen = [SITUATIONS[n] for n in names[:names.index(situation) + 1]]
    income, basic, projects, procurement = ("\n".join(x[i] for x in chosen if x[i]) for i in range(4))
    return BASE.format(fmt=fmt, income=income, basic=basic, projects=projects, procurement=procurement,
                       prior=PRIOR if prior else "")


def built_narrative(tmp_path: Path, text: str) -> tuple[bytes, Spec]:
    """The narrative built from a spec's text, and the spec."""
    path = tmp_path / "单位.yaml"
    path.write_text(text, encoding="utf-8")
    checked = check_file(path)
    assert not [f for f in checked.findings if f.is_error], checked.findings
    result = build(checked, tmp_path / "out")
    assert not result.findings, result.findings
    return next(f for f in result.files if f.name == NARRATIVE).read_bytes(), checked.spec


def paragraph_with(data: bytes, text: str) -> str:
    return next(p for p in ("".join(p.split()) for p in docx_paragraphs(data)) if text in p)


# The totals whose parts each template lists: 收入, 支出 (重庆: by 功能类), 一般公共预算 (mof: by 功能类 and by
# 基本/项目; 重庆: by 基本/项目), 三公, 政府采购 (重庆: also its 一般公共预算 part, by 货物/工程/服务).
EXPECTED = {"mof": ["2025年收入预算", "2025年支出预算", "2025年一般公共预算拨款支出", "2025年一般公共预算拨款支出",
                    "2025年“三公”经费预算", "2025年政府采购预算"],
            "chongqing": ["2025年年初预算数", "2025年年初预算数", "一般公共预算财政拨款支出", "2025年“三公”经费预算",
                          "本单位政府采购预算总额", "一般公共预算拨款政府采购"]}


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("fmt", EXPECTED)
def test_every_list_foots_in_every_fund_situation(tmp_path, fmt, situation):
    found = check_docx(*built_narrative(tmp_path, spec_text(fmt, situation)))
    assert [s.total[0] for s in found if s.total] == EXPECTED[fmt], [s.sentence for s in found]
    assert [s.message() for s in found if s.status == "不平"] == []


# 上年结转 14.606 in 201 and in 208: 一般公共预算 classes 612.61 + 59.61 + 107 = 779.22 of 779.21 (mof), all
# classes 651.11 + 71.86 + 162 + 30 = 914.97 of 914.96 (重庆's 支出预算)
TAILS = {"mof": [("779.21", "779.22")], "chongqing": [("914.96", "914.97")]}


@pytest.mark.parametrize("fmt", TAILS)
def test_rounding_in_a_list_is_a_tail_not_a_mismatch(tmp_path, fmt):
    found = check_docx(*built_narrative(tmp_path, spec_text(fmt, "上年结转")))
    assert [(format(s.total[1], "f"), format(s.sum, "f")) for s in found if s.status == "尾差"] == TAILS[fmt]


def test_general_budget_sentence_lists_its_own_classes(tmp_path):
    """The reported bug: 750 of 一般公共预算, its classes taken from all funds (157 with the fund's 50)."""
    data, _ = built_narrative(tmp_path, spec_text("mof", "政府性基金", prior=False))
    assert ("2025年一般公共预算拨款支出750万元。按支出功能分类，一般公共服务支出598万元，社会保障和就业支出45万元，"
            "城乡社区支出107万元。其中：基本支出448万元；项目支出302万元。") in paragraph_with(data, "按支出功能分类")
    assert all(s.status == "平" for s in check_docx(data))


def test_the_old_unscoped_classes_fail_the_checker(tmp_path, monkeypatch):
    scoped = Words.function_classes
    monkeypatch.setattr(Words, "function_classes", lambda self, scope="": scoped(self))  # as before: all funds
    path = tmp_path / "单位.yaml"
    path.write_text(spec_text("mof", "政府性基金", prior=False), encoding="utf-8")
    checked = check_file(path)
    data = dict(render_documents(checked.figures, checked.format))[NARRATIVE]
    assert ("2025年一般公共预算拨款支出750万元。按支出功能分类，一般公共服务支出598万元，社会保障和就业支出45万元，"
            "城乡社区支出157万元。") in paragraph_with(data, "按支出功能分类")
    bad = [s for s in check_docx(data) if s.status == "不平"]
    assert summary(bad) == [("750", ["598", "45", "157"], "不平")]
    (wrong,) = narrative_findings(NARRATIVE, data, checked.spec, "单位.yaml")
    assert wrong.code == "E-NARRATIVE-SUM" and wrong.is_error and wrong.file == "单位.yaml"
    assert wrong.message.startswith(NARRATIVE + "：「按支出功能分类，") and "相差 50.00 万元" in wrong.message
    result = build(checked, tmp_path / "out")  # build refuses to publish such a sentence
    assert [f.code for f in result.findings] == ["E-NARRATIVE-SUM"] and not result.files
    assert not (tmp_path / "out").exists()


def test_chongqing_income_lists_every_source_it_has(tmp_path):
    data, _ = built_narrative(tmp_path, spec_text("chongqing", "上年结转"))
    assert ("（一）收入预算：2025年年初预算数914.96万元，其中：一般公共预算拨款779.21万元，政府性基金预算拨款55万元，"
            "国有资本经营预算收入30万元，财政专户管理资金20万元，事业收入15.5万元，事业单位经营收入0万元，上级补助收入12.25万元，"
            "其他收入0万元，单位资金上年结转3万元；") in paragraph_with(data, "收入预算")
    assert "其中一般公共预算拨款政府采购30万元；政府采购货物预算10万元；政府采购服务预算20万元。" in paragraph_with(data, "政府采购")


def test_mof_income_lists_carryover_as_one_part(tmp_path):
    data, _ = built_narrative(tmp_path, spec_text("mof", "上年结转"))
    assert ("2025年收入预算914.96万元，其中：一般公共预算拨款750万元，政府性基金拨款50万元，国有资本经营预算拨款30万元，"
            "财政专户管理资金20万元，事业收入15.5万元，上级补助收入12.25万元，上年结转37.21万元；") in paragraph_with(data, "收入预算")


# --- every bundled spec and example ----------------------------------------------------------------------


def test_bundled_specs_and_examples_have_no_wrong_sentence(tmp_path):
    checked_narratives = set()
    for spec in sorted([*SPECS.glob("*/*.yaml"), *(ROOT / "examples").glob("*.yaml")]):
        for fmt in (None, "mof"):
            checked = check_file(spec, format_name=fmt)
            result = build(checked, tmp_path / (fmt or "own"))
            narrative = [f for f in result.files if f.name == NARRATIVE]
            if not narrative:  # the spec's own format has no narrative, or it gives no 功能科目 for mof's tables
                assert all(f.code == "E-BUILD-DATA" for f in result.findings), result.findings
                continue
            found = check_docx(narrative[0].read_bytes(), checked.spec)
            assert found and [s.message() for s in found if s.status == "不平"] == [], spec
            checked_narratives.add((spec.stem, checked.format.name))
    assert checked_narratives == {("石柱县行政服务中心", "chongqing"), ("石柱县行政服务中心", "mof"),
                                  ("荷塘区行政审批服务局", "hunan"), ("荷塘区行政审批服务局", "mof"), ("最小单位", "mof")}


def test_paragraphs_are_read_as_word_shows_them(built):
    path = built(SHIZHU)[NARRATIVE]
    assert docx_paragraphs(path.read_bytes()) == [p.text for p in docx.Document(path).paragraphs]
