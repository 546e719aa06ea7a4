"""Formats are validated data: a format file is read into a typed model (a typo is a finding at its line with
a "did you mean"), `yusuan formats check` lists every problem of a format's templates at once, the region
rules live in the format files, and the vocabulary templates are checked against is exactly what the
renderers produce."""
from __future__ import annotations

import copy
import json
import os
import re
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document as WordDocument
from typer.testing import CliRunner

from conftest import ROOT, SPECS, XUELIN
from generator.checks import check_file
from generator.cli import app
from generator.format_check import check_format
from generator.format_model import FormatFile, Source
from generator.formats import Frozen, read_format, templates_for
from generator.render.placeholders import DataError
from generator.render.tables import Builder, SheetData
from generator.render.words import FILTERS, Words
from generator.render.xlsx import XlsxTemplate
from generator.vocabulary import (
    DETAIL_OWNERS,
    DIMS,
    DOCX,
    EACH,
    EACH_KINDS,
    HELPERS,
    INDICATOR_OWNERS,
    LISTS,
    PANEL,
    SHEET,
    SOURCES,
    Value,
    change_problem,
)
from generator.vocabulary import FILTERS as FILTER_WORDS

sys.path.insert(0, str(ROOT / "tools"))
from readme_formats import with_tables

runner = CliRunner()
BUNDLED = ROOT / "templates"
HUNAN_BOOK = "xlsx/hunan/部门预算公开表.xlsx"
MOF_WORD = "docx/mof/部门预算情况说明.docx"


def write_format(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# --- the format file: a typed model, its mistakes located ------------------------------------------------

TYPOS = """\
名称: 本区
規则: {必备一级指标: [产出指标]}
文档:
  - 名称: 公开表
    模板: xlsx/mof/部门预算公开表.xlsx
    表:
      收入总表: {范圍: 一般公共预算, 行: {分类: 功能}}
      支出总表: {行: {分类: 功能, 级此: [类]}}
      一般公共预算支出表: {行: {清单: 政府购卖服务}}
      一般公共预算基本支出表: {行: {清单: 项目, 分类: 功能}}
      政府性基金预算支出表: {范围: 一般公共预箅, 行: {分类: 功能}}
      国有资本经营预算支出表: {表名: "表{序号}", 行: {分类: 功能}}
  - 名称: 说明
    模板: docx/本区/不存在.docx
  - 名称: 越界
    模板: ../specs/x.xlsx
"""


@pytest.fixture
def typos(tmp_path):
    path = write_format(tmp_path / "t", "benqu", TYPOS)
    return path, read_format(templates_for(None, tmp_path / "t"), "benqu")


@pytest.mark.parametrize("needle, code, key, hint", [
    ("規则", "E-SCHEMA-UNKNOWN-KEY", "規则", "是否想写「规则」？"),
    ("范圍", "E-SCHEMA-UNKNOWN-KEY", "范圍", "是否想写「范围」？"),
    ("级此", "E-SCHEMA-UNKNOWN-KEY", "级此", "是否想写「级次」？"),
])
def test_a_typo_in_a_format_file_is_a_located_finding_with_did_you_mean(typos, needle, code, key, hint):
    path, read = typos
    hit = next(f for f in read.findings if f.code == code and f.params.get("name") == key)
    line = line_of(path, needle)
    assert (hit.file, hit.line, hit.column) == (str(path), line, path.read_text(encoding="utf-8").splitlines()[line - 1].index(key) + 1)
    assert hit.hint == hint


def test_every_mistake_of_a_format_file_at_once_each_at_its_line(typos):
    path, read = typos
    assert read.format is None
    found = {(f.code, f.variant, f.line) for f in read.findings}
    assert {
        ("E-SCHEMA-ENUM", "", line_of(path, "政府购卖服务")),  # an unknown 清单
        ("E-FORMAT-SOURCE", "several", line_of(path, "清单: 项目, 分类")),  # two sources
        ("E-FORMAT-FIGURE", "scope", line_of(path, "一般公共预箅")),  # a 范围 that names no figure
        ("E-FORMAT-OPTION", "", line_of(path, "表名")),  # 表名 without 每项
        ("E-FORMAT-TEMPLATE-FILE", "", line_of(path, "不存在.docx")),
        ("E-FORMAT-TEMPLATE-FILE", "path", line_of(path, "../specs")),
    } <= found, found
    enum = next(f for f in read.findings if f.code == "E-SCHEMA-ENUM")
    assert "政府购买服务" in enum.hint


def test_check_reports_a_broken_format_with_its_first_problems(tmp_path):
    folder = tmp_path / "t"
    write_format(folder, "mof", (BUNDLED / "mof.yaml").read_text(encoding="utf-8").replace("范围: 一般公共预算,", "范圍: 一般公共预算,", 1))
    checked = check_file(SPECS / "2023" / "石柱县行政服务中心.yaml", None, "mof", folder)
    invalid = next(f for f in checked.findings if f.code == "E-FORMAT-INVALID")
    assert f"第 {line_of(folder / 'mof.yaml', '范圍')} 行" in invalid.message and "是否想写「范围」" in invalid.message
    assert "yusuan formats check mof" in invalid.message


def test_a_format_is_frozen_typed_data_and_a_deep_copy_is_a_plain_dict():
    stack = templates_for(None)
    mof, chongqing = stack.format("mof"), stack.format("chongqing")
    assert chongqing.rule("指标权重合计") == 100 and mof.rule("结转须标注") is True
    assert mof.rule("必备一级指标") == ("产出指标", "效益指标")
    doc = mof.documents[0]
    assert isinstance(doc, Frozen) and doc["合计公式"] is True
    with pytest.raises(TypeError):
        doc["合计公式"] = False
    with pytest.raises(TypeError):
        doc["表"]["收入总表"].update({"范围": "基本支出"})
    mine = copy.deepcopy(doc)
    mine["表"]["收入总表"]["范围"] = "基本支出"
    assert type(mine) is dict and "范围" not in doc["表"]["收入总表"]


def test_amounts_are_shown_as_a_document_or_table_says(tmp_path):
    folder = tmp_path / "t"
    write_format(folder, "yuan", """\
名称: 元
文档:
  - 名称: 公开表
    模板: xlsx/mof/部门预算公开表.xlsx
    金额: {单位: 元, 小数: 0}
    表: {收入总表: {金额: {单位: 美元}}, 支出总表: {金额: {小数: 9}}}
""")
    read = read_format(templates_for(None, folder), "yuan")
    assert {(f.code, f.line) for f in read.findings} == {("E-SCHEMA-ENUM", 6), ("E-SCHEMA-RANGE", 6)}
    (folder / "yuan.yaml").write_text((folder / "yuan.yaml").read_text(encoding="utf-8").replace("单位: 美元", "单位: 万元")
                                      .replace("小数: 9", "小数: 1"), encoding="utf-8")
    later = time.time_ns() + 2_000_000_000  # the same size, so a file clock coarser than the two writes must not hide it
    os.utime(folder / "yuan.yaml", ns=(later, later))
    doc = read_format(templates_for(None, folder), "yuan").format.documents[0]  # the file as it is now
    assert doc["金额"] == {"单位": "元", "小数": 0} and doc["表"]["支出总表"]["金额"] == {"小数": 1}


def test_shared_definitions_have_their_place_and_are_not_read():
    hunan = templates_for(None).format("hunan")
    tables = hunan.documents[0]["表"]
    assert tables["附件3-3"]["行"] == {"分类": "功能", "级次": ("项",)}  # *leaf_rows from 定义
    assert tables["附件3-10"]["空行"] == {"名称": "无"}
    assert len(tables["附件3-1"]["行"]["并列"][0]["功能"]) == 23  # 二十四、二十五 beside the 合计 rows, in the template


def test_the_model_takes_its_choices_from_the_vocabulary():
    made = (tuple(SOURCES["分类"]), tuple(SOURCES["清单"]), tuple(SOURCES["指标"]), tuple(SOURCES["明细"]), tuple(EACH))
    assert made == (DIMS, LISTS, INDICATOR_OWNERS, DETAIL_OWNERS, EACH_KINDS)
    assert set(FILTERS) == set(FILTER_WORDS)


# --- formats check -----------------------------------------------------------------------------------------

def test_every_bundled_format_loads_and_passes_formats_check():
    stack = templates_for(None)
    assert {"chongqing", "hunan", "mof", "shenzhen", "zhuzhou"} <= set(stack.names())
    for name in stack.names():
        assert stack.format(name).model is not None
        assert check_format(stack, name) == [], name
    result = runner.invoke(app, ["formats", "check"])
    assert result.exit_code == 0, result.output
    assert f"{len(stack.names())} 个格式：0 个错误" in result.output


@pytest.fixture
def broken(tmp_path):
    """The hunan format overridden: its workbook with a sheet renamed by a space, an unknown placeholder, an
    unknown figure; its file with an unknown 清单; the mof Word file with unknown names."""
    folder = tmp_path / "t"
    (folder / HUNAN_BOOK).parent.mkdir(parents=True)
    wb = openpyxl.load_workbook(BUNDLED / HUNAN_BOOK)
    wb["附件3-5"].title = "附件3-5 "
    wb["附件3-2"]["A1"] = "{{单位.名城}}"
    wb["附件3-13"]["A1"] = "{{数:一般公共预箅}}"
    wb.save(folder / HUNAN_BOOK)
    text = (BUNDLED / "hunan.yaml").read_text(encoding="utf-8")
    text = text.replace("{清单: 政府购买服务}", "{清单: 政府购卖服务}", 1).replace("指标: {指标: 整体}}", "指标: {指标: 整体}, 另: {清单: 项目}}", 1)
    write_format(folder, "hunan", text)
    (folder / MOF_WORD).parent.mkdir(parents=True)
    word = WordDocument(str(BUNDLED / MOF_WORD))
    word.add_paragraph("{{ 单位.名城 }}{{ 数('基本支岀') }}{{ 年度|千位 }}{% for x in 收入构成('合并') %}{{ x.名字 }}{% endfor %}")
    word.save(str(folder / MOF_WORD))
    return folder


def test_a_broken_workbook_gives_every_finding_at_once(broken):
    result = runner.invoke(app, ["formats", "check", "hunan", "--templates", str(broken), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    found = {(f["code"], f.get("variant", ""), f.get("path", "")): f for f in data["files"][0]["findings"]}
    fmt = broken / "hunan.yaml"
    sheet = found["E-FORMAT-SHEET", "", "文档[1].表.附件3-5"]
    assert sheet["line"] == line_of(fmt, "附件3-5:") and "只差空格" in sheet["hint"]
    assert "名称" in found["E-FORMAT-PLACEHOLDER", "field", "附件3-2!A1"]["hint"]
    assert found["E-FORMAT-FIGURE", "template", "附件3-13!A1"]["file"] == str(broken / HUNAN_BOOK)
    assert found["E-SCHEMA-ENUM", "", "文档[1].表.附件3-29.行.清单"]["line"] == line_of(fmt, "政府购卖服务")
    assert found["E-FORMAT-SOURCE", "unused", "文档[1].表.整体绩效目标表.块.另"]["line"] == line_of(fmt, "另: {清单: 项目}")
    assert not [k for k in found if k[2].startswith("附件3-5 !")]  # the renamed sheet is checked as the format's


def test_a_broken_word_file_gives_every_finding_at_once(broken):
    findings = check_format(templates_for(None, broken), "mof")
    got = {(f.code, f.variant, f.params.get("name") or f.params.get("figure") or f.params.get("got")) for f in findings}
    assert got == {("E-FORMAT-PLACEHOLDER", "field", "名城"), ("E-FORMAT-FIGURE", "template", "基本支岀"),
                   ("E-FORMAT-PLACEHOLDER", "filter", "千位"), ("E-FORMAT-OPTION", "helper", "合并"),
                   ("E-FORMAT-PLACEHOLDER", "field", "名字")}
    assert all(f.file == str(broken / MOF_WORD) and f.path == "word/document.xml" for f in findings)
    assert next(f for f in findings if f.variant == "filter").hint == "是否想写「千分位」？"


def test_formats_still_lists_and_an_unknown_name_cannot_be_checked():
    listed = runner.invoke(app, ["formats", "--json"])
    assert listed.exit_code == 0 and {f["格式"] for f in json.loads(listed.output)["格式"]} >= {"mof", "hunan"}
    unknown = runner.invoke(app, ["formats", "check", "nope"])
    assert unknown.exit_code == 2 and "未知的格式「nope」" in unknown.output


# --- region rules live in the format ----------------------------------------------------------------------

def test_bare_cost_indicators_are_wan_by_the_format_rule(tmp_path):
    """学林 (zhuzhou) with its 垃圾清运费 written as a bare 30: its format's rule reads it as 30 万元, which
    matches no detail (as 30万 does); a copy of the format without the rule reads no amount in it."""
    spec = tmp_path / "学林.yaml"
    spec.write_text(XUELIN.read_text(encoding="utf-8").replace("三级: 垃圾清运费, 指标值: 30万,", "三级: 垃圾清运费, 指标值: 30,", 1),
                    encoding="utf-8")

    def costs(checked):
        return [(f.line, f.variant, f.params["value"]) for f in checked.findings if f.code == "W-INDICATOR-COST"]
    written = [(line_of(XUELIN, "三级: 垃圾清运费"), "unmatched", "30.00")]
    assert costs(check_file(XUELIN)) == written
    assert costs(check_file(spec)) == written
    folder = tmp_path / "t"
    write_format(folder, "zhuzhou", (BUNDLED / "zhuzhou.yaml").read_text(encoding="utf-8").replace("  成本指标单位: 万元", "", 1))
    assert costs(check_file(spec, None, None, folder)) == []
    assert costs(check_file(XUELIN, None, None, folder)) == written  # 30万 says its unit itself


def test_no_region_name_decides_anything_in_the_package():
    names = ("zhuzhou", "hunan", "chongqing", "shenzhen")
    for path in (ROOT / "generator").rglob("*.py"):
        code = [line for line in path.read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith("#") and re.search(rf"""["']({"|".join(names)})["']""", line)]
        assert not code, (path, code)


# --- the vocabulary is what the renderers make --------------------------------------------------------------

def mismatches(actual, value: Value, where: str) -> list[str]:
    """How `actual` (a context value or row) differs from the vocabulary's `value`; empty when it is as said."""
    if actual is None:
        return []
    if value.many:
        if not isinstance(actual, list):
            return [f"{where}：应为列表"]
        item = Value(value.text, value.fields, scoped=value.scoped)
        return [m for i, a in enumerate(actual) for m in mismatches(a, item, f"{where}[{i}]")]
    if value.fields is None:
        return [f"{where}：词表中是单个值"] if isinstance(actual, (dict, list)) else []
    if not isinstance(actual, dict):
        return [f"{where}：应为映射"]
    if value is PANEL and not actual:
        return []  # padding in a panel
    keys = {k for k in actual if not k.startswith("_") and k != "范围"}
    out = [f"{where}.{k}：词表中没有" for k in sorted(keys - set(value.fields))]
    if not value.partial:
        out += [f"{where}.{k}：实际没有" for k, f in value.fields.items() if f.when is None and k not in keys]
    if "范围" in actual and not value.scoped:
        out.append(f"{where}：有范围，词表中没有")
    if value.scoped and "范围" not in actual and value is not PANEL:
        out.append(f"{where}：没有范围")
    return out + [m for k in keys & set(value.fields) for m in mismatches(actual[k], value.fields[k], f"{where}.{k}")]


def specs() -> list[Path]:
    return sorted(SPECS.rglob("*.yaml"))


@pytest.fixture(scope="module")
def every_build():
    """(spec, format, checked) for every bundled spec in every bundled format whose documents it can fill."""
    out = []
    for spec in specs():
        for name in templates_for(None).names():
            checked = check_file(spec, None, name)
            fig, fmt = checked.figures, checked.format
            try:
                for doc in fmt.documents:
                    path = fmt.template(doc)
                    if path.suffix == ".xlsx":
                        Builder(fig, doc).fills(XlsxTemplate(path).order)
            except DataError:
                continue  # the spec lacks what this format needs (e.g. 功能科目)
            out.append((spec, name, checked))
    return out


def test_every_bundled_spec_builds_in_its_own_format_and_more(every_build):
    built = {(spec.name, name) for spec, name, _ in every_build}
    for spec in specs():
        own = yaml.safe_load(spec.read_text(encoding="utf-8"))["格式"]
        assert (spec.name, own) in built
    assert len(built) > len(specs())


def test_workbook_rows_and_values_have_exactly_the_vocabulary_fields(every_build):
    seen_sources = set()
    for spec, name, checked in every_build:
        fmt = checked.format
        for model_doc, doc in zip(fmt.model.documents, fmt.documents):
            path = fmt.template(doc)
            if path.suffix != ".xlsx":
                continue
            for fill in Builder(checked.figures, doc).fills(XlsxTemplate(path).order):
                where = f"{spec.name}|{name}|{fill.name}"
                context = fill.resolve.__self__.context
                assert set(context) - {"无数据说明"} <= set(SHEET) | set(EACH), where
                for root, value in {**SHEET, **EACH}.items():
                    assert not mismatches(context.get(root), value, f"{where}|{root}"), mismatches(context.get(root), value, root)
                table = (model_doc.tables or {}).get(fill.template)
                sources = table.sources if table else {}
                for root, rows in fill.blocks.items():
                    if table.empty_row and [{k: v for k, v in r.items() if k != "__blocks__"} for r in rows] == [table.empty_row]:
                        continue  # the format's 空行 where there is no data
                    seen_sources.add(sources[root].kind)
                    value = sources[root].row_value()
                    problems = mismatches(rows, Value("", value.fields, many=True, scoped=value.scoped), f"{where}|{root}")
                    assert not problems, problems
    assert ("分类", "功能") in seen_sources and ("并列", None) in seen_sources


def test_every_row_source_gives_rows_with_exactly_the_vocabulary_fields(tmp_path):
    """Each source of the vocabulary, made by tables.py for specs that have such rows (a spec with 政府购买服务
    added, since no seed has one)."""
    extra = tmp_path / "s.yaml"
    extra.write_text((ROOT / "examples" / "最小单位.yaml").read_text(encoding="utf-8")
                     + "\n政府购买服务:\n  - {项目: 物业管理服务, 金额: 5.00, 承接主体类别: 企业}\n", encoding="utf-8")
    made: dict[tuple, int] = {}
    for spec in [*specs(), extra]:
        checked = check_file(spec, None, "mof")
        builder = Builder(checked.figures, checked.format.documents[0])
        data = SheetData(checked.figures, "表", {}, builder.base_context())
        items = {each: builder._items(each, {}) for each in EACH}
        extra_items = {each: found[0] for each, found in items.items() if found}
        for each, found in items.items():
            assert not mismatches(found, Value("", EACH[each].fields, many=True, scoped=True), each)
        for key, choices in SOURCES.items():
            for choice in choices:
                source = {key: choice, **({"序号": "中文"} if key == "分类" else {})} if choice else {
                    key: [{"收入": [{"项目": "收入", "数": "收入合计"}, {}], "支出": [{"分类": "功能", "级次": ["类"]}]}]}
                try:
                    rows = builder._source(source, data, extra_items)
                except DataError:
                    continue
                value = Source.model_validate(source).row_value()
                assert not mismatches(rows, Value("", value.fields, many=True, scoped=value.scoped), f"{spec.name}|{key}:{choice}")
                made[key, choice] = made.get((key, choice), 0) + len(rows)
    assert {k for k, n in made.items() if n} == {(k, c) for k, cs in SOURCES.items() for c in cs}


def test_word_contexts_have_exactly_the_vocabulary_values_and_helpers(every_build):
    words_seen = 0
    for spec, _, checked in every_build:
        for doc in checked.format.documents:
            if checked.format.template(doc).suffix != ".docx":
                continue
            words = Words(checked.figures, doc)
            context = words.context()
            assert set(context) == set(DOCX), set(context) ^ set(DOCX)
            problems = [m for root, value in DOCX.items() for m in mismatches(context[root], value, f"{spec.name}|{root}")]
            assert not problems, problems
            assert set(words.globals()) == set(HELPERS)
            assert all(change_problem(n) is None for n in checked.figures.changes()), list(checked.figures.changes())
            words_seen += 1
    assert words_seen >= 5


# --- README -----------------------------------------------------------------------------------------------

def test_readme_tables_of_the_format_vocabulary_are_generated():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_tables(text) == text, "run: python tools/readme_formats.py"
    for key in ("`分类", "`并列", "`每项", "`成本指标单位", "`纵合并", "值\\|千分位"):
        assert key in text


def test_the_readme_example_format_is_a_valid_format():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## 新增一个地区"):]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)
    data = yaml.safe_load(re.sub(r"^   ", "", example, flags=re.MULTILINE))
    model = FormatFile.model_validate(data)
    assert [d.template for d in model.documents] == ["xlsx/本区/部门预算公开表.xlsx", "docx/本区/部门预算情况说明.docx"]
