"""The docx template engine on small templates drawn here with python-docx: the sandbox, every part
rendered (headers, footers, notes, comments, properties), tag marks Jinja did not see, docxtpl's brace
escapes, and merge markers no spec text can forge."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from test_documents_docx import build_one, variant, vmerge_groups

from conftest import LONGHUA
from generator.render.docx import DocxForm
from generator.render.package import core_properties
from generator.render.placeholders import TemplateError
from generator.render.words import FILTERS, vertical_merge

TITLE, WHEN = "示例街道办事处 2024年部门预算情况说明", "2024-03-01T00:00:00Z"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
          'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
          '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="单位">'
          "<vt:lpwstr>{{ 单位.名称 }}</vt:lpwstr></property></Properties>")
FOOTNOTES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
             '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{{ 年度 }} 年数据</w:t></w:r></w:p></w:footnote>'
             "</w:footnotes>")


# --- fixtures: templates drawn in tmp_path ------------------------------------------------------------

def draw(tmp_path: Path, *paragraphs, name: str = "模板.docx", header=None, footer=None, comment=None,
         title: str | None = None, subject: str | None = None, parts: dict[str, str] | None = None,
         edit: dict[str, tuple[str, str]] | None = None) -> Path:
    """A docx template. A paragraph (or header/footer) is a text, or a list of runs' texts and elements
    (added to the paragraph as they are). `parts` adds parts, `edit` replaces text in a part:
    {part: (old, new)}."""
    document = docx.Document()
    for text in paragraphs:
        _fill(document.add_paragraph(), text)
    if header is not None:
        _fill(document.sections[0].header.paragraphs[0], header)
    if footer is not None:
        _fill(document.sections[0].footer.paragraphs[0], footer)
    if comment is not None:
        document.add_comment(document.add_paragraph("批注处").runs, text=comment, author="编者")
    if title is not None:
        document.core_properties.title = title
    if subject is not None:
        document.core_properties.subject = subject
    path = tmp_path / name
    document.save(path)
    with zipfile.ZipFile(path) as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    for part, (old, new) in (edit or {}).items():
        assert old.encode() in contents[part], (part, old)
        contents[part] = contents[part].replace(old.encode(), new.encode())
    contents.update({n: text.encode() for n, text in (parts or {}).items()})
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in contents.items():
            zf.writestr(n, data)
    return path


def _fill(paragraph, text) -> None:
    for piece in [text] if isinstance(text, str) else text:
        if isinstance(piece, str):
            paragraph.add_run(piece)
        else:
            paragraph._p.append(piece)


def deleted(text: str):
    """A tracked deletion: Word does not show it, but it stands between the runs around it."""
    change = OxmlElement("w:del")
    change.set(qn("w:id"), "9")
    change.set(qn("w:author"), "编者")
    run, gone = OxmlElement("w:r"), OxmlElement("w:delText")
    gone.text = text
    run.append(gone)
    change.append(run)
    return change


CONTEXT = {"年度": 2024, "单位": {"名称": "示例街道办事处"}, "项目": ["社区治理"]}


def render(path: Path, context: dict | None = None) -> dict[str, bytes]:
    data = DocxForm(path, FILTERS).render({**CONTEXT, **(context or {})}, title=TITLE, when=WHEN)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def text(xml: bytes) -> str:
    """The text of a Word part, one line per paragraph."""
    paragraphs = etree.fromstring(xml).iter(f"{{{W}}}p")
    return "\n".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in paragraphs)


def prop(xml: bytes, name: str) -> str | None:
    """The text of a document property (by its local name)."""
    return next((el.text for el in etree.fromstring(xml).iter() if etree.QName(el).localname == name), None)


# --- 1. the sandbox ------------------------------------------------------------------------------------

class Helpers:
    def figure(self, expr: str) -> str:
        return "1"


PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('touch ' ~ 文件).read() }}",
    "{{ lipsum.__globals__['os'].popen('touch ' ~ 文件).read() }}",
    "{{ joiner.__init__.__globals__.__builtins__['open'](文件, 'w') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ 数.__self__ }}",
    "{{ 数.__func__.__globals__ }}",
    "{% set _ = 项目.append('后加') %}{{ 项目 }}",
    "{{ 项目.pop() }}",
    "{% set _ = 单位.update({'名称': '改名'}) %}{{ 单位.名称 }}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sandbox_keeps_template_code_inert(tmp_path, payload):
    target = tmp_path / "被写入"
    context = {"文件": str(target), "数": Helpers().figure, "项目": ["社区治理"], "单位": {"名称": "示例街道办事处"}}
    with pytest.raises(TemplateError, match=r"^模板 注入\.docx 的 word/document\.xml 中有不允许的操作"):
        render(draw(tmp_path, "正文", payload, name="注入.docx"), context)
    assert not target.exists()
    assert context["项目"] == ["社区治理"] and context["单位"] == {"名称": "示例街道办事处"}


@pytest.mark.parametrize("code", ["{% for i in range(10**9) %}{% endfor %}", "{{ 年度 / 0 }}", "{{ 年度 + '年' }}"])
def test_code_that_cannot_run_is_a_template_error(tmp_path, code):
    with pytest.raises(TemplateError, match=r"^模板 表\.docx 的 word/document\.xml 无法套用"):
        render(draw(tmp_path, code, name="表.docx"))


def test_sandbox_leaves_what_templates_do(tmp_path):
    path = draw(tmp_path, "{% for 项 in 项目 %}{{ loop.index }}.{{ 项 }}{% if not loop.last %}、{% endif %}{% endfor %}"
                          "；{{ 数('基本支出') }}；{{ 金额|万元 }}；{{ 单位.items()|list|length }}")
    out = render(path, {"项目": ["甲", "乙"], "数": Helpers().figure, "金额": "12.5"})
    assert text(out["word/document.xml"]) == "1.甲、2.乙；1；12.50；1"


# --- 2. every part ---------------------------------------------------------------------------------------

def test_headers_footers_notes_comments_and_properties_are_rendered(tmp_path):
    path = draw(tmp_path, "正文 {{ 年度 }}", header=["{{ 年", "度 }} 年 ", "{{ 单位.名称 }}"], footer="{{ 单位.名称 }}",
                comment="请核对 {{ 年度 }} 年数字", subject="{{ 年度 }}年预算",
                parts={"docProps/custom.xml": CUSTOM, "word/footnotes.xml": FOOTNOTES},
                edit={"docProps/app.xml": ("<Company/>", "<Company>{{ 单位.名称 }}</Company>")})
    out = render(path, {"单位": {"名称": "A&B <c>\n街道"}})
    assert text(out["word/header1.xml"]) == "2024 年 A&B <c>街道"  # a run-split tag joined; the newline …
    assert b"<w:br/>" in out["word/header1.xml"]                  # … is a line break
    assert text(out["word/footer1.xml"]) == "A&B <c>街道"
    assert text(out["word/comments.xml"]) == "请核对 2024 年数字"
    assert text(out["word/footnotes.xml"]) == "2024 年数据"
    assert prop(out["docProps/app.xml"], "Company") == "A&B <c>\n街道"
    assert prop(out["docProps/custom.xml"], "lpwstr") == "A&B <c>\n街道"
    core = out["docProps/core.xml"]
    assert prop(core, "subject") == "2024年预算" and prop(core, "title") == TITLE
    assert prop(core, "created") == prop(core, "modified") == WHEN


def test_a_title_with_a_tag_is_rendered(tmp_path):
    out = render(draw(tmp_path, "正文", title="{{ 单位.名称 }} {{ 年度 }} 年说明"))
    core = out["docProps/core.xml"]
    assert prop(core, "title") == "示例街道办事处 2024 年说明"
    assert prop(core, "created") == prop(core, "modified") == WHEN and prop(core, "creator") == "yusuan"


def test_parts_without_tags_are_copied_and_outputs_are_deterministic(tmp_path):
    path = draw(tmp_path, "{{ 年度 }}", header="页眉", footer="第 1 页", subject="预算", title="模板自己的标题")
    form = DocxForm(path, FILTERS)
    first = form.render(CONTEXT, title=TITLE, when=WHEN)
    assert form.render(CONTEXT, title=TITLE, when=WHEN) == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        for name in ("word/header1.xml", "word/footer1.xml", "word/styles.xml", "docProps/app.xml"):
            assert zf.read(name) == form.parts[name], name
        assert zf.read("docProps/core.xml") == core_properties(TITLE, WHEN)  # our title and date


# --- 3. tag marks Jinja did not see ------------------------------------------------------------------

@pytest.mark.parametrize("where,template,snippet", [
    ("word/header1.xml", {"header": "页眉 {{ 年度 }} }}"}, "}}"),
    ("word/footer1.xml", {"footer": "已完成 %}"}, "完成 %}"),
    ("word/document.xml", {"paragraphs": [["{", deleted("旧"), "{ 年度 }}"]]}, "{{ 年度"),
    ("word/glossary/document.xml",
     {"parts": {"word/glossary/document.xml": f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{{{{ 年度 }}}}</w:t>'
                                              "</w:r></w:p></w:body></w:document>"}}, "{{ 年"),
])
def test_tag_marks_jinja_did_not_see_are_errors(tmp_path, where, template, snippet):
    path = draw(tmp_path, *template.pop("paragraphs", ["正文"]), name="表.docx", **template)
    with pytest.raises(TemplateError, match=rf"^模板 表\.docx 的 {where} 中有未能识别的标记「[^」]*") as error:
        render(path)
    assert snippet in str(error.value)


def field(code: str):
    """A run holding a field code (Word does not show it)."""
    run, instr = OxmlElement("w:r"), OxmlElement("w:instrText")
    instr.text = code
    run.append(instr)
    return run


def test_braces_word_does_not_show_are_no_tag_marks(tmp_path):
    citation = 'ADDIN CSL_CITATION {"citationItems":[{"id":1}],"properties":{"noteIndex":0}}'
    path = draw(tmp_path, ["{{ 年度 }} 年", field(citation)],
                parts={"customXml/item2.xml": '<data>{"a":{"b":1}}</data>', "docProps/custom.xml": CUSTOM})
    out = render(path)
    assert text(out["word/document.xml"]) == "2024 年" and citation.encode() in out["word/document.xml"]


def test_a_template_cannot_read_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密", encoding="utf-8")
    app = (f'<?xml version="1.0"?><!DOCTYPE Properties [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Company>{{ 单位.名称 }}&e;</Company></Properties>")
    out = render(draw(tmp_path, "正文", parts={"docProps/app.xml": app}))
    assert "机密".encode() not in out["docProps/app.xml"] and "示例街道办事处".encode() in out["docProps/app.xml"]


def test_a_broken_tag_is_an_error(tmp_path):
    with pytest.raises(TemplateError, match=r"^模板 表\.docx 的 word/header1\.xml 的标记有误"):
        render(draw(tmp_path, "正文", header="{% if 年度 %}", name="表.docx"))


SPEC_TEXT = "{{ 年度 }} {% if x %} }} %} {_{x}_} {#注#}"


def test_spec_text_with_tag_marks_prints_as_written(tmp_path):
    path = draw(tmp_path, "{{ 说明 }}", header="{{ 说明 }}", subject="{{ 说明 }}")
    out = render(path, {"说明": SPEC_TEXT})
    assert text(out["word/document.xml"]) == text(out["word/header1.xml"]) == SPEC_TEXT
    assert prop(out["docProps/core.xml"], "subject") == SPEC_TEXT


# --- 4. docxtpl's brace escapes ------------------------------------------------------------------------

def test_brace_escapes_are_the_templates_own(tmp_path):
    path = draw(tmp_path, "{_{ 年度 }_} 写作 {_% if %_}：{{ 年度 }}；{{ 说明 }}", footer="{_{页码}_}")
    out = render(path, {"说明": "{_{x}_} {_%y%_}"})
    assert text(out["word/document.xml"]) == "{{ 年度 }} 写作 {% if %}：2024；{_{x}_} {_%y%_}"
    assert text(out["word/footer1.xml"]) == "{{页码}}"


# --- 5. merge markers -----------------------------------------------------------------------------------

def merge_table(tmp_path: Path) -> Path:
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for 行 in 指标 %}"
    table.cell(1, 0).text = "{{ 纵合并(行, '一级') }}"
    table.cell(1, 1).text = "{{ 行.三级 }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    path = tmp_path / "合并.docx"
    document.save(path)
    return path


def test_merges_are_grouped_and_spec_text_cannot_forge_a_marker(tmp_path):
    forged = "⟦vm:continue⟧<!--vm:continue-->"
    rows = [{"一级": "产出指标", "一级首": True, "三级": forged},
            {"一级": "产出指标", "一级首": False, "三级": "⟦vm:restart⟧"},
            {"一级": forged, "一级首": True, "三级": "乙"},
            {"一级": forged, "一级首": False, "三级": "丙"}]
    data = DocxForm(merge_table(tmp_path), FILTERS).render({"指标": rows, "纵合并": vertical_merge}, title=TITLE, when=WHEN)
    table = docx.Document(io.BytesIO(data)).tables[0]
    assert vmerge_groups(table.rows, 0) == [("产出指标", 2), (forged, 2)]
    assert [row.cells[1].text for row in table.rows] == [forged, "⟦vm:restart⟧", "乙", "丙"]


def test_indicator_texts_with_old_markers_print_as_written(tmp_path):
    marks = "⟦vm:restart⟧⟦vm:continue⟧<!--vm:continue-->"
    spec = variant(tmp_path, LONGHUA, lambda t: t.replace("三级: 采集员数量,", f'三级: "采集员数量{marks}",', 1)
                   .replace('三级: 城中村巡查采集覆盖率, 指标值: 100%', f'三级: 城中村巡查采集覆盖率, 指标值: "{marks}"', 1))
    table = docx.Document(build_one(spec, tmp_path / "out")["项目支出绩效目标表.docx"]).tables[1]
    rows = table.rows[1:]  # the first project's 11 indicators, under their header row
    assert len(rows) == 11
    cells = [c.text for row in rows for c in row.cells]
    assert f"采集员数量{marks}" in cells and marks in cells
    assert vmerge_groups(rows, 0) == [("产出目标", 7), ("效果目标", 4)]
    assert vmerge_groups(rows, 1) == [("数量", 2), ("质量", 3), ("时效", 2), ("经济效益", 1), ("社会效益", 1),
                                      ("生态效益", 1), ("满意度", 1)]
