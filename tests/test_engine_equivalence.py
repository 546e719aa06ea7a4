"""The compiled engines make exactly what they made before they were optimised: every part of every
document of every bundled spec (in its own format and, where it builds, in mof) has the sha256 recorded
in tests/golden/engine_parts.json. After a deliberate change of output, record again with
`python tests/test_engine_equivalence.py --record` and review the diff of that file."""
from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

ROOT = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

from make_district import write_district  # noqa: E402
from test_documents_docx import vmerge_groups  # noqa: E402

from generator.build import render_documents  # noqa: E402
from generator.checks import check_file  # noqa: E402
from generator.render.docx import BODY, DECLARATION, WORD_PARTS, DocxForm, _unescape_tag  # noqa: E402
from generator.render.placeholders import DataError  # noqa: E402
from generator.render.wordml import TAG, W  # noqa: E402
from generator.render.words import FILTERS, Words, vertical_merge  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "engine_parts.json"
SPECS = sorted((ROOT / "specs").rglob("*.yaml"))
FORMATS = ("mof", "chongqing", "hunan", "zhuzhou", "shenzhen")


def part_hashes(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: hashlib.sha256(zf.read(name)).hexdigest() for name in zf.namelist()}


def outputs(spec: Path, fmt: str | None) -> dict[str, dict[str, str]] | None:
    """{document file: {part: sha256}}; None where the spec does not build in `fmt`."""
    checked = check_file(spec, format_name=fmt)
    if not checked.ok or checked.figures is None:
        return None
    try:
        return {name: part_hashes(data) for name, data in render_documents(checked.figures, checked.format)}
    except DataError:  # a spec that cannot be made in mof (it gives no 功能科目) has no golden
        return None


def cases(synthetic: Path) -> dict[str, tuple[Path, str | None]]:
    """Every bundled spec in its own format and in mof, and two synthetic units of each format
    (examples/make_district.py, fixed seed: more projects, indicator groups and line breaks)."""
    out = {f"{spec.relative_to(ROOT / 'specs')}|{fmt or '本格式'}": (spec, fmt) for spec in SPECS for fmt in (None, "mof")}
    for fmt in FORMATS:
        for spec in write_district(synthetic / fmt, 2, fmt, seed=7):
            out[f"合成/{fmt}/{spec.name}|本格式"] = (spec, None)
    return out


def record() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        golden = {k: made for k, (s, f) in cases(Path(tmp)).items() if (made := outputs(s, f)) is not None}
    GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"recorded {len(golden)} cases in {GOLDEN}")


if __name__ == "__main__" and "--record" in sys.argv:
    record()


GOLDEN_CASES = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def all_cases(tmp_path_factory) -> dict[str, tuple[Path, str | None]]:
    return cases(tmp_path_factory.mktemp("合成"))


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_every_part_is_what_it_was(all_cases, case):
    made = outputs(*all_cases[case])
    assert made is not None
    assert made.keys() == GOLDEN_CASES[case].keys()
    for document, parts in GOLDEN_CASES[case].items():
        changed = sorted(p for p in parts.keys() | made[document].keys() if parts.get(p) != made[document].get(p))
        assert not changed, f"{document}: {changed}"


# --- the compiled docx engine against docxtpl's own render-then-fix, on small templates ------------------

def docxtpl_reference(form: DocxForm, context: dict) -> dict[str, bytes]:
    """What the engine made before it was compiled: Jinja over docxtpl's prepared XML, then docxtpl's
    resolve_listing, and for a part with tables or merge markers its fix_tables and our merges on the
    lxml tree."""
    out = {}
    for name in form._templates:
        if not (name == BODY or WORD_PARTS.fullmatch(name)):
            continue
        xml = form._prepared(name, form.parts[name])
        source = TAG.sub(_unescape_tag, re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", form._env.from_string(source).render(context))
        if "\n" in xml or "\t" in xml:
            xml = form._tpl.resolve_listing(xml)
        if "<w:tbl" in xml or "<!--vm:" in xml:
            tree = form._tpl.fix_tables(xml)
            _apply_merges(tree)
            xml = etree.tostring(tree, encoding="unicode")
        out[name] = xml.encode("utf-8")
    return out


def _apply_merges(root) -> None:
    for mark in [c for c in root.iter(etree.Comment) if c.text in ("vm:restart", "vm:continue")]:
        restart = mark.text == "vm:restart"
        cell = next(mark.iterancestors(f"{{{W}}}tc"), None)
        parent, before = mark.getparent(), mark.getprevious()
        if (restart or cell is None) and mark.tail:
            if before is None:
                parent.text = (parent.text or "") + mark.tail
            else:
                before.tail = (before.tail or "") + mark.tail
        parent.remove(mark)
        if cell is None:
            continue
        if not restart:
            for t in cell.iter(f"{{{W}}}t"):
                t.text = ""
        props = cell.find(f"{{{W}}}tcPr")
        if props is None:
            props = etree.Element(f"{{{W}}}tcPr")
            cell.insert(0, props)
        for old in props.findall(f"{{{W}}}vMerge"):
            props.remove(old)
        merge = etree.Element(f"{{{W}}}vMerge")
        if restart:
            merge.set(f"{{{W}}}val", "restart")
        anchor = props.find(f"{{{W}}}gridSpan")
        if anchor is None:
            anchor = props.find(f"{{{W}}}tcW")
        if anchor is not None:
            anchor.addnext(merge)
        else:
            props.insert(0, merge)


def rendered(form: DocxForm, context: dict) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(form.render(context, title="题", when="2024-01-01T00:00:00Z"))) as zf:
        body = zf.read(BODY)
        parts = {n: zf.read(n).removeprefix(DECLARATION.encode()) for n in form._templates
                 if n != BODY and WORD_PARTS.fullmatch(n)}
    start, end = body.index(b"<w:body"), body.rindex(b"</w:body>") + len(b"</w:body>")
    return {BODY: body[start:end], **parts}


def _paragraph(document, *runs) -> None:
    """A paragraph of runs: a text, or (text, bold)."""
    p = document.add_paragraph()
    for run in runs:
        text, bold = (run, False) if isinstance(run, str) else run
        p.add_run(text).bold = bold or None


def narrative_template(tmp_path: Path) -> Path:
    """No table: docxtpl's XML, Jinja's escaping; tags split over runs, conditions across runs and paragraphs."""
    document = docx.Document()
    _paragraph(document, "单位：", ("{{ 甲 }}", True), "（{{ 乙 }}）")
    _paragraph(document, "{% if 有 %}", "有：", ("{{ 丙 }}", True), "{% else %}无{% endif %}")
    _paragraph(document, "{{ 甲 }}{{ 乙 }}")
    _paragraph(document, "{% for 项 in 列 %}{{ loop.index }}.{{ 项 }}{% if not loop.last %}、{% endif %}{% endfor %}")
    _paragraph(document, "{%p if 有 %}")
    _paragraph(document, "条件段：{{ 丙 }}")
    _paragraph(document, "{%p endif %}")
    document.sections[0].header.paragraphs[0].add_run("页眉 {{ 甲 }}")
    path = tmp_path / "说明.docx"
    document.save(path)
    return path


def table_template(tmp_path: Path, columns: int = 4) -> Path:
    """A table of indicator rows with grouped merges, an empty column, a cell of two paragraphs, a row
    of merged header cells; `columns` grid columns for 4 cells (more: fix_tables drops the rest)."""
    document = docx.Document()
    _paragraph(document, "表：{{ 甲 }}")
    table = document.add_table(rows=5, cols=columns)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "{{ 乙 }}"
    table.cell(0, 2).text = "指标"
    table.cell(1, 0).text = "{%tr for 行 in 行们 %}"
    table.cell(2, 0).text = "{{ 纵合并(行, '一级') }}"
    table.cell(2, 1).text = "{{ 纵合并(行, '二级') }}"
    table.cell(2, 2).text = "{{ 行.三级 }}"
    table.cell(2, 3).text = "{{ 行.值 }}"
    table.cell(2, 3).add_paragraph("注：{{ 行.注 }}")
    table.cell(3, 0).text = "{%tr endfor %}"
    table.cell(4, 0).text = "{% if 有 %}{{ 丙 }}{% endif %}"
    if columns > 4:
        for row in table.rows:  # the template's rows have 4 cells on a grid of more columns
            for tc in row._tr.tc_lst[4:]:
                row._tr.remove(tc)
    path = tmp_path / "表.docx"
    document.save(path)
    return path


MERGED = "效益&<'指标'>\""  # a merged cell's text with all that escaping touches
ROWS = [{"一级": "产出指标", "一级首": True, "二级": "数量指标", "二级首": True, "三级": "甲\n乙", "值": "≥1", "注": ""},
        {"一级": "产出指标", "一级首": False, "二级": "数量指标", "二级首": False, "三级": "\t缩进", "值": "", "注": "x\n"},
        {"一级": "产出指标", "一级首": False, "二级": "质量指标", "二级首": True, "三级": '"引号"\'单\'', "值": None,
         "注": "a\r\nb"},
        {"一级": MERGED, "一级首": True, "二级": "", "二级首": True, "三级": "", "值": "\n", "注": "\x01控制"}]
VALUES = [{"甲": "A&B <c>", "乙": "第一行\n第二行", "丙": "\t一\t二\t", "有": True, "列": ["x", "y\nz"]},
          {"甲": "", "乙": None, "丙": "", "有": False, "列": []},
          {"甲": "\n", "乙": '"他说"', "丙": "a\n\nb", "有": True, "列": [""]}]


@pytest.mark.parametrize("values", VALUES, ids=range(len(VALUES)))
def test_a_narrative_is_written_as_docxtpl_renders_it(tmp_path, values):
    form = DocxForm(narrative_template(tmp_path), FILTERS)
    assert rendered(form, values) == docxtpl_reference(form, values)


@pytest.mark.parametrize("columns", [4, 6], ids=["grid as cells", "grid wider than cells"])
@pytest.mark.parametrize("values", VALUES, ids=range(len(VALUES)))
def test_a_table_is_written_as_docxtpl_fixes_it(tmp_path, values, columns):
    form = DocxForm(table_template(tmp_path, columns), FILTERS)
    for rows in (ROWS, ROWS[:1], []):
        context = {**values, "行们": rows, "纵合并": vertical_merge}
        assert rendered(form, context) == docxtpl_reference(form, context)


def test_merges_line_breaks_and_tabs_where_a_reader_sees_them(tmp_path):
    form = DocxForm(table_template(tmp_path), FILTERS)
    data = form.render({**VALUES[0], "行们": ROWS, "纵合并": vertical_merge}, title="题", when="2024-01-01T00:00:00Z")
    table = docx.Document(io.BytesIO(data)).tables[0]
    rows = table.rows[1:-1]
    assert vmerge_groups(rows, 0) == [("产出指标", 3), (MERGED, 1)]
    assert vmerge_groups(rows, 1) == [("数量指标", 2), ("质量指标", 1), ("", 1)]
    first = rows[0].cells[2]._tc
    assert [t.text for t in first.iter(qn("w:t"))] == ["甲", "乙"] and len(first.findall(f".//{qn('w:br')}")) == 1
    tab_run = rows[1].cells[2]._tc.find(f".//{qn('w:tab')}").getparent()
    assert tab_run.tag == qn("w:r")
    assert rows[2].cells[2].text == '"引号"\'单\'' and rows[3].cells[0].text == MERGED
    assert table.rows[0].cells[0].text == "第一行\n第二行"  # python-docx reads w:br as a newline


def test_a_table_whose_columns_follow_the_data_is_fitted_after_rendering(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{%tc for 列 in 列们 %}"
    table.cell(0, 1).text = "{{ 列 }}{%tc endfor %}"
    path = tmp_path / "列.docx"
    document.save(path)
    form = DocxForm(path, FILTERS)
    assert form._templates[BODY].regrid
    for columns in (["甲"], ["甲", "乙", "丙"]):
        assert rendered(form, {"列们": columns}) == docxtpl_reference(form, {"列们": columns})


@pytest.mark.parametrize("fmt", [None, "mof"], ids=["本格式", "mof"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_bundled_narratives_and_forms_are_written_as_docxtpl_renders_them(spec, fmt):
    """Whatever the specs and templates say now: the compiled engine writes what docxtpl's pipeline would."""
    checked = check_file(spec, format_name=fmt)
    for doc in checked.format.documents:
        path = checked.format.template(doc)
        if path.suffix == ".docx":
            form = DocxForm(path, FILTERS)
            words = Words(checked.figures, doc)
            context = {**words.context(), **words.globals()}
            try:
                reference = docxtpl_reference(form, context)
            except DataError:
                pytest.skip("这份规格不能用这个格式生成（缺少科目）")
            assert rendered(form, context) == reference, path
