"""The 科目 catalog: national lists by edition, provenance, and a workspace's local codes."""
from __future__ import annotations

from pathlib import Path

from generator.catalog import kind_of, load_catalog, same_name, split_ref
from generator.checks import check_file

SPEC = """年度: 2023
单位: {名称: 测试单位, 性质: 行政}
收入: {一般公共预算拨款: 10}
基本支出:
  - {功能科目: 2101109, 经济科目: 30110, 金额: 10}
"""


def test_national_lists_cover_the_seed_codes():
    cat = load_catalog(2023)
    for code, name in [("2010301", "行政运行"), ("2010306", "政务公开审批"), ("2080208", "基层政权建设和社区治理"),
                       ("2101199", "其他行政事业单位医疗支出"), ("2210201", "住房公积金"), ("30217", "公务接待费"),
                       ("30239", "其他交通费用"), ("50101", "工资奖金津补贴"), ("50201", "办公经费")]:
        assert cat.name(code) == name
        assert cat.get(code).status and cat.get(code).source, "every row keeps its provenance"
    assert cat.ancestors("2010301") == ["201", "20103"]
    assert cat.government("30101", "行政") == "50101" and cat.government("30101", "事业") == "50501"
    assert cat.government("30217", "参公") == "50206"
    assert len([c for c in cat.codes.values() if c.kind == "功能" and c.level == "项"]) > 900


def test_code_shapes_and_references():
    assert [kind_of(c) for c in ("201", "20103", "2010301", "301", "30101", "50101", "2010", "x")] == \
        ["功能", "功能", "功能", "部门经济", "部门经济", "政府经济", None, None]
    assert split_ref("2010301 行政运行") == ("2010301", "行政运行")
    assert split_ref("2010301-行政运行") == ("2010301", "行政运行")
    assert split_ref("行政运行") == (None, "行政运行")
    assert same_name("维修(护)费", "维修（护）费")


def test_unknown_code_without_local_file(tmp_path: Path):
    spec = tmp_path / "单位.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    codes = {f.code for f in check_file(spec).findings}
    assert "E-CODE-UNKNOWN" in codes


def test_local_codes_file_is_found_upwards_and_used(tmp_path: Path):
    (tmp_path / "yusuan-codes.yaml").write_text("- {编码: 2101109, 名称: 其他医疗支出（本地）}\n", encoding="utf-8")
    folder = tmp_path / "2023"
    folder.mkdir()
    spec = folder / "单位.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    checked = check_file(spec)
    assert not [f for f in checked.findings if f.code.startswith(("E-CODE", "W-CODE"))], checked.findings
    rows = {r.code: r.name for r in checked.figures.rollup("功能")}
    assert rows["2101109"] == "其他医疗支出（本地）" and rows["21011"] == "行政事业单位医疗"


def test_local_codes_option_and_clash(tmp_path: Path):
    local = tmp_path / "codes.yaml"
    local.write_text("- {编码: 2101109, 名称: 本地医疗}\n- {编码: 2010301, 名称: 改过的名称}\n- {编码: 12, 名称: 坏}\n",
                     encoding="utf-8")
    spec = tmp_path / "单位.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    findings = check_file(spec, codes_file=local).findings
    assert {(f.code, f.line) for f in findings if f.file == str(local)} == {("W-CODE-LOCAL-CLASH", 2), ("E-CODE-MALFORMED", 3)}
