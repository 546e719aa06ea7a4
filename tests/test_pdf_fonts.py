"""Chinese documents that look Chinese. Every docx and xlsx says its East-Asian text is zh-CN and its
theme picks a Simplified-Chinese face (a template made in an English or Japanese Word would otherwise
send LibreOffice to Japanese glyphs); the PDF of the 说明 keeps the GB/T 9704 hierarchy — title, 黑体
and 楷体 headings and 仿宋 body each in its own face, none of them Japanese, Korean or Traditional.
The PDF tests need LibreOffice, poppler and the Fandol fonts (.ci/run installs them); without them
they are skipped, unless YUSUAN_REQUIRE_OFFICE=1."""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import zipfile

import pytest
from lxml import etree

from conftest import SHIZHU, SPECS
from generator.output import FILE_MODE
from generator.pdf import FONTS_CONF, Converter, soffice
from generator.render.zh_cn import localise

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
NS = {"w": W[1:-1], "a": A[1:-1]}
REQUIRED = os.environ.get("YUSUAN_REQUIRE_OFFICE") == "1"


def east_asian_languages(xml: bytes) -> set[str]:
    return {el.get(f"{W}eastAsia") for el in etree.fromstring(xml).iter() if el.get(f"{W}eastAsia") is not None
            and el.tag in (f"{W}lang", f"{W}themeFontLang")}


def theme_faces(xml: bytes) -> list[tuple[str, str]]:
    """(Hans face, East-Asian face) of the theme's major and minor fonts."""
    schemes = etree.fromstring(xml).iterfind(".//a:fontScheme/*", NS)
    return [(s.find("a:font[@script='Hans']", NS).get("typeface"), s.find("a:ea", NS).get("typeface"))
            for s in schemes if s.tag in (f"{A}majorFont", f"{A}minorFont")]


@pytest.mark.parametrize("spec", sorted(SPECS.rglob("*.yaml")), ids=lambda p: p.stem)
def test_every_output_is_tagged_simplified_chinese(built, spec):
    for path in built(spec).values():
        with zipfile.ZipFile(path) as zf:
            parts = {n: zf.read(n) for n in zf.namelist() if n.endswith(".xml")}
        theme = "word/theme/theme1.xml" if path.suffix == ".docx" else "xl/theme/theme1.xml"
        assert theme_faces(parts[theme]) == [("宋体", "宋体")] * 2, path.name
        assert b"<dc:language>zh-CN</dc:language>" in parts["docProps/core.xml"], path.name
        if path.suffix == ".docx":
            languages = set().union(*(east_asian_languages(xml) for xml in parts.values()))
            assert languages == {"zh-CN"}, (path.name, languages)
            styles = etree.fromstring(parts["word/styles.xml"])
            assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(f"{W}eastAsia") == "zh-CN"
            settings = etree.fromstring(parts["word/settings.xml"])
            assert settings.find("w:themeFontLang", NS).get(f"{W}eastAsia") == "zh-CN"


JAPANESE_STYLES = (
    f'<w:styles xmlns:w="{NS["w"]}"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault>'
    '</w:docDefaults><w:style w:styleId="a"><w:rPr><w:lang w:val="en-GB" w:eastAsia="ja-JP" w:bidi="ar-SA"/>'
    '<w:eastAsianLayout w:vert="1"/></w:rPr></w:style></w:styles>').encode()
JAPANESE_SETTINGS = (f'<w:settings xmlns:w="{NS["w"]}"><w:zoom w:percent="100"/><w:clrSchemeMapping/>'
                     '</w:settings>').encode()
JAPANESE_THEME = (
    f'<a:theme xmlns:a="{NS["a"]}"><a:themeElements><a:fontScheme name="x">'
    '<a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface="游ゴシック Light"/><a:cs typeface=""/>'
    '<a:font script="Jpan" typeface="游ゴシック Light"/></a:majorFont>'
    '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>'
    '<a:font script="Jpan" typeface="游明朝"/><a:font script="Hans" typeface="等线"/></a:minorFont>'
    '</a:fontScheme></a:themeElements></a:theme>').encode()


def test_a_template_from_a_japanese_word_is_localised_once_and_only_where_needed():
    parts = {"word/styles.xml": JAPANESE_STYLES, "word/settings.xml": JAPANESE_SETTINGS,
             "word/theme/theme1.xml": JAPANESE_THEME, "word/document.xml": b"<w:document/>", "media/a.png": b"\x89PNG"}
    out = localise(parts)
    styles = etree.fromstring(out["word/styles.xml"])
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert [c.tag for c in default] == [f"{W}sz", f"{W}lang"] and default[1].get(f"{W}eastAsia") == "zh-CN"
    style = styles.find("w:style/w:rPr", NS)
    assert [c.tag for c in style] == [f"{W}lang", f"{W}eastAsianLayout"]
    assert dict(style[0].attrib) == {f"{W}val": "en-GB", f"{W}eastAsia": "zh-CN", f"{W}bidi": "ar-SA"}  # Latin kept
    settings = etree.fromstring(out["word/settings.xml"])
    assert [c.tag for c in settings] == [f"{W}zoom", f"{W}themeFontLang", f"{W}clrSchemeMapping"]  # schema order
    assert settings[1].get(f"{W}eastAsia") == "zh-CN"
    # the major font gets a Hans entry; the minor keeps the SC face it names; neither uses a Japanese one
    assert theme_faces(out["word/theme/theme1.xml"]) == [("宋体", "宋体"), ("等线", "等线")]
    assert out["word/document.xml"] is parts["word/document.xml"] and out["media/a.png"] is parts["media/a.png"]
    again = localise(out)
    assert all(again[name] is out[name] for name in out)  # idempotent: a localised part is left as it is


# --- the PDF ---------------------------------------------------------------------------------------------

def fandol_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", "FandolFang"], capture_output=True, text=True,
                           env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}).stdout
    return "FandolFang" in found


needs_office_and_fonts = pytest.mark.skipif(
    not REQUIRED and (soffice() is None or shutil.which("pdffonts") is None or not fandol_installed()),
    reason="LibreOffice/pdffonts/Fandol 字体未安装（.ci/run 会安装）")


NOT_SIMPLIFIED = re.compile(r"(JP|KR|TC|HK|TW)($|[-_])", re.IGNORECASE)  # NotoSansCJKjp-Regular, UMingHK…


def pdf_fonts(pdf) -> list[str]:
    """Font names pdffonts lists, without the subset prefix (ABCDEF+)."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line.split()[0].split("+")[-1] for line in lines[2:]]


def families_of(pdf, *texts: str) -> list[set[str]]:
    """For each text, the font families (PostScript name less its style) its Chinese characters are set in."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    def chars(item):
        if isinstance(item, LTChar):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:
                yield from chars(child)

    page = [c for c in chars(next(iter(extract_pages(pdf, page_numbers=[0]))))]
    text = "".join(c.get_text() for c in page)
    found = []
    for wanted in texts:
        at = text.index(wanted)
        found.append({c.fontname.split("+")[-1].split("-")[0] for c in page[at:at + len(wanted)]
                      if "\u4e00" <= c.get_text() <= "\u9fff"})
    return found


@needs_office_and_fonts
def test_the_pdf_keeps_the_gbt9704_faces(built, tmp_path):
    assert fandol_installed(), "缺少 Fandol 字体：sudo apt-get install texlive-lang-chinese"
    files = built(SHIZHU)
    with Converter() as office:
        pdfs = office.convert([files["部门预算情况说明.docx"], files["部门预算公开表.xlsx"]], tmp_path)
    for pdf in pdfs:
        assert stat.S_IMODE(pdf.stat().st_mode) == FILE_MODE
        names = pdf_fonts(pdf)
        assert names and not [n for n in names if NOT_SIMPLIFIED.search(n)], (pdf.name, names)
    title, heading, label, body = families_of(pdfs[0], "预算情况说明", "一、单位基本情况", "（一）职能职责",
                                              "主要职责任务")
    assert all(len(f) == 1 for f in (title, heading, label, body)), (title, heading, label, body)
    assert len(title | heading | label | body) == 4, (title, heading, label, body)  # four different faces


@needs_office_and_fonts
def test_every_printed_sheet_page_is_numbered(built, tmp_path):
    """The workbook's sheets print 第 n 页，共 m 页 at their foot (in 宋体 like the rest of the page)."""
    from pdfminer.high_level import extract_pages, extract_text
    with Converter() as office:
        pdf, = office.convert([built(SHIZHU)["部门预算公开表.xlsx"]], tmp_path)
    pages = sum(1 for _ in extract_pages(pdf))
    footers = re.findall(r"第 (\d+) 页，共 (\d+) 页", extract_text(pdf))
    assert pages > 5 and len(footers) == pages, (pages, footers)
    assert not [n for n in pdf_fonts(pdf) if NOT_SIMPLIFIED.search(n)]
