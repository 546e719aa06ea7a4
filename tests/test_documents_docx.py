"""部门预算情况说明 and the 绩效目标表 forms (docx), read back with python-docx: the seed's sentences with
their computed figures, every indicator and amount of every project, grouped merges, and the cases the
seeds do not show."""
from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from conftest import LONGHUA, SHIZHU, WANGGE, XUELIN
from generator.build import build
from generator.checks import check_file

# 情况说明 of seed 003, as published (its own spacing aside): every figure and change sentence must come out.
SEED_003 = [
    "石柱土家族自治县行政服务中心2023年部门预算情况说明",
    "（二）单位构成。本部门由1个财政全额拨款事业单位组成。人员编制15人，实有128人（中心在编在岗人员13人，临时人员4人，"
    "公益性岗位13名，窗口工作人员98人），余编2人，离休0人，退休0人，遗属0人，汽车编制0辆，实有0辆。",
    "（一）收入预算：2023年年初预算数500.75万元，其中：一般公共预算拨款500.75万元，政府性基金预算拨款0万元，国有资本经营预算收入0万元，"
    "事业收入0万元，事业单位经营收入0万元，其他收入0万元；收入较去年增加49.68万元，主要是一般公共预算拨款增加49.68万元。",
    "（二）支出预算：2023年年初预算数500.75万元，其中：一般公共服务支出418.06万元，社会保障和就业支出49.81万元，卫生健康支出12.43万元，"
    "住房保障支出20.44万元；支出较去年增加49.68万元，主要是基本支出增加80.57万元，项目支出减少30.89万元。",
    "2023年一般公共预算财政拨款收入500.75万元，一般公共预算财政拨款支出500.75万元，比2022年增加49.68万元。其中：基本支出299.3万元，"
    "比2022年增加80.57万元，主要原因是职务职级晋升，主要用于保障在职人员工资福利及社会保险缴费等，保障部门正常运转的各项商品服务支出；"
    "项目支出201.45万元，比2022年减少30.89万元，主要原因是严格控制经费支出，主要用于三级政务服务中心电子政务外网租赁等重点工作。",
    "2023年无使用政府性基金预算拨款安排的支出。",
    "2023年“三公”经费预算1万元，比2022年无增加。其中：因公出国（境）费用0万元；公务接待费1万元，比2022年无增加；"
    "公务用车运行维护费0万元；公务用车购置费0万元。",
    "（一）机关运行经费。2023年一般公共预算财政拨款运行经费58.5万元，比上年减少14.55万元，主要原因为加强经费管理，严格控制经费开支；"
    "主要用于办公费、印刷费、邮电费、水电费、差旅费、会议费、培训费及其他商品和服务支出等。",
    "（二）政府采购情况。本单位政府采购预算总额1.5万元，政府采购货物预算1.5万元；其中一般公共预算拨款政府采购1.5万元；政府采购货物预算1.5万元。",
    "（三）绩效目标设置情况。2023年项目支出均实行了绩效目标管理，涉及一般公共预算财政拨款201.45万元。",
    "（四）国有资产占有使用情况。截止2022年12月，共有车辆0辆。",
    "部门预算公开联系人：龙成兰联系方式：023-73322890",
]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def paragraphs(path: Path) -> list[str]:
    return [squeeze(p.text) for p in docx.Document(path).paragraphs if p.text.strip()]


def table_text(path: Path) -> str:
    document = docx.Document(path)
    return squeeze("".join(c.text for t in document.tables for row in t.rows for c in row.cells))


def build_one(spec: Path, out: Path) -> dict[str, Path]:
    result = build(check_file(spec), out)
    assert not result.findings, result.findings
    return {f.name: f for f in result.files}


@pytest.fixture(scope="module")
def narrative(built):
    return paragraphs(built(SHIZHU)["部门预算情况说明.docx"])


@pytest.mark.parametrize("sentence", SEED_003, ids=range(len(SEED_003)))
def test_shizhu_narrative_matches_seed(narrative, sentence):
    assert squeeze(sentence) in narrative


def test_narrative_is_set_as_a_gbt9704_document(built):
    document = docx.Document(built(SHIZHU)["部门预算情况说明.docx"])
    section = document.sections[0]
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [37, 35, 28, 26]
    title, heading, body = document.paragraphs[0], document.paragraphs[1], document.paragraphs[4]
    fonts = lambda p: {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in p.runs if r.text.strip()}  # noqa: E731
    assert fonts(title) == {"方正小标宋简体"} and title.runs[0].font.size.pt == 22
    assert fonts(heading) == {"黑体"} and fonts(body) == {"仿宋_GB2312"} and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.line_spacing.pt == 28
    assert all(r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in document.paragraphs for r in p.runs if r.text.strip())
    # the font table names fallbacks for the 公文 fonts a machine may lack
    fonts_xml = next(p for p in document.part.package.parts if p.partname.endswith("fontTable.xml")).blob.decode()
    assert 'w:name="仿宋_GB2312"' in fonts_xml and 'w:altName w:val="仿宋"' in fonts_xml


def variant(tmp_path: Path, source: Path, edit) -> Path:
    path = tmp_path / source.name
    path.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_narrative_without_prior_year_has_no_comparisons(tmp_path):
    spec = variant(tmp_path, SHIZHU, lambda t: t[: t.index("\n上年:")] + "\n" + t[t.index("\n说明:"):])
    text = "".join(paragraphs(build_one(spec, tmp_path / "out")["部门预算情况说明.docx"]))
    assert "比2022年" not in text and "较去年" not in text and "比上年" not in text
    assert "其中：基本支出299.3万元，主要原因是职务职级晋升" in text


def test_narrative_decrease_and_increase(tmp_path):
    def edit(t):
        return (t.replace("    合计: 1\n", "    合计: 1.8\n").replace("    公务接待费: 1\n", "    公务接待费: 1.8\n")
                 .replace("运行经费: 73.05", "运行经费: 50.00"))
    spec = variant(tmp_path, SHIZHU, edit)
    text = "".join(paragraphs(build_one(spec, tmp_path / "out")["部门预算情况说明.docx"]))
    assert "“三公”经费预算1万元，比2022年减少0.8万元" in text and "公务接待费1万元，比2022年减少0.8万元" in text
    assert "运行经费58.5万元，比上年增加8.5万元" in text


def test_generic_narrative_with_government_fund(tmp_path):
    def edit(t):
        return (t.replace("格式: chongqing", "格式: mof")
                 .replace("  - {功能科目: 2210201, 经济科目: 30113, 金额: 20.44}",
                          "  - {功能科目: 2210201, 经济科目: 30113, 金额: 20.44}\n"
                          "  - {功能科目: 2120801, 经济科目: 30299, 金额: 3.00, 资金来源: 政府性基金拨款}")
                 .replace("  一般公共预算拨款: 471.5340", "  一般公共预算拨款: 471.5340\n  政府性基金拨款: 3.00"))
    spec = variant(tmp_path, SHIZHU, edit)
    assert not [f for f in check_file(spec).findings if f.is_error]
    files = build_one(spec, tmp_path / "out")
    text = "".join(paragraphs(files["部门预算情况说明.docx"]))
    assert "2023年政府性基金预算拨款支出3万元。" in text and "本单位无政府性基金收支" not in text


def test_generic_narrative_empty_fund(built, tmp_path):
    from conftest import HETANG
    text = "".join(paragraphs(built(HETANG)["部门预算情况说明.docx"]))
    assert "本单位无政府性基金收支。" in text and "2022年收入预算703.5万元" in text


@pytest.mark.parametrize("spec,document", [(XUELIN, "绩效目标表.docx"), (WANGGE, "绩效目标表.docx"),
                                           (LONGHUA, "项目支出绩效目标表.docx")])
def test_forms_carry_every_indicator_and_amount(built, spec, document):
    checked = check_file(spec)
    text = table_text(built(spec)[document])
    for p in checked.spec.projects:
        assert squeeze(p.name) in text
        for ind in p.indicators:
            for value in (ind.name, ind.value, ind.standard, ind.basis):
                if value:
                    assert squeeze(value) in text, (p.name, value)
        for d in p.details:
            assert squeeze(d.item) in text and squeeze(d.basis or "") in text
            assert format(d.amount, "f") in text
    whole = checked.spec.performance.indicators if checked.spec.performance else []
    assert bool(whole) == (document == "绩效目标表.docx")  # 株洲 prints 部门整体 indicators, 深圳 has none
    for ind in whole:
        for value in (ind.name, ind.value):
            if value:
                assert squeeze(value) in text, value


def test_zhuzhou_forms_print_every_category_row_and_totals(built):
    document = docx.Document(built(XUELIN)["绩效目标表.docx"])
    whole, summary, *projects = document.tables
    assert len(projects) == 4
    head = next(i for i, row in enumerate(whole.rows) if row.cells[1].text == "一级指标")
    labels = [row.cells[2].text for row in whole.rows[head + 1:]]
    assert labels == ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                      "可持续影响指标", "社会公众及服务对象满意度指标"]
    assert [c.text for c in summary.rows[1].cells][1:3] == ["合  计", "464"]
    assert [c.text for c in summary.rows[2].cells][:3] == ["一", "业务性专用经费", "36"]
    last_row = projects[-1].rows[-1]  # 支出明细 合计 (across 支出内容简介 and 支出明细), in the unit the seed prints
    assert (last_row.cells[1].text, last_row.cells[2].text, last_row.cells[3].text) == ("合  计", "合  计", "48万元")


def vmerge_groups(rows, column: int) -> list[tuple[str, int]]:
    """(text, rows) of each vertical merge group in a column, read from the cells' own w:vMerge."""
    groups = []
    for row in rows:
        tc = row._tr.tc_lst[column]
        merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        if merge is not None and merge.get(qn("w:val")) != "restart" and groups:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append(("".join(t.text or "" for t in tc.iter(qn("w:t"))), 1))
    return groups


def test_indicator_groups_merge_vertically(built):
    table = docx.Document(built(LONGHUA)["项目支出绩效目标表.docx"]).tables[1]
    rows = table.rows[1:]  # the first project's 11 indicators, under their header row
    assert len(rows) == 11
    assert vmerge_groups(rows, 0) == [("产出目标", 7), ("效果目标", 4)]
    assert vmerge_groups(rows, 1) == [("数量", 2), ("质量", 3), ("时效", 2), ("经济效益", 1), ("社会效益", 1),
                                      ("生态效益", 1), ("满意度", 1)]


def test_long_and_special_text_comes_out_whole(tmp_path):
    long = "概况" * 1000
    weird = "A&B <c> \"引号\" '单引' =SUM(A1)"

    def edit(t):
        t = t.replace("      通过公开招标的方式", f"      {long}通过公开招标的方式", 1)
        quoted = weird.replace('"', '\\"')
        return t.replace("名称: 数字化城管事务管理（信息采集员）", f'名称: "{quoted}"', 1)
    spec = variant(tmp_path, LONGHUA, edit)
    document = docx.Document(build_one(spec, tmp_path / "out")["项目支出绩效目标表.docx"])
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert weird in cells
    assert any(c.startswith(long + "通过公开招标的方式") for c in cells)
