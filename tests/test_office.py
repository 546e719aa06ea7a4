"""A real office suite opens every rendered document: LibreOffice converts each to PDF (one private
profile per converter), and the PDF has pages, the unit's name and its key figures in its text. CI
installs LibreOffice (.ci/run); without it these tests are skipped, unless YUSUAN_REQUIRE_OFFICE=1."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from conftest import HETANG, LONGHUA, SHIZHU, WANGGE, XUELIN
from generator.pdf import Converter, soffice

needs_office = pytest.mark.skipif(
    (soffice() is None or shutil.which("pdftotext") is None) and os.environ.get("YUSUAN_REQUIRE_OFFICE") != "1",
    reason="LibreOffice/pdftotext 未安装（.ci/run 会安装）")

CASES = {  # spec → (unit name as printed, {document: figures its PDF must show})
    SHIZHU: ("石柱土家族自治县行政服务中心", {"部门预算公开表.pdf": ["500.75", "299.30", "240.79", "政务公开审批"],
                                            "部门预算情况说明.pdf": ["500.75", "减少14.55万元", "龙成兰"]}),
    HETANG: ("株洲市荷塘区行政审批服务局", {"部门预算公开表.pdf": ["703.50", "141.77", "92.99", "393.98"],
                                         "部门预算情况说明.pdf": ["703.5", "561.73"]}),
    XUELIN: ("株洲市石峰区学林街道办事处", {"绩效目标表.pdf": ["930.09", "城乡环境连片整治", "垃圾清运费"]}),
    WANGGE: ("石峰区网格化管理服务中心", {"绩效目标表.pdf": ["1865.39", "1633.8", "基层社会治理专项"]}),
    LONGHUA: ("深圳市龙华区社区网格管理中心", {"项目支出绩效目标表.pdf": ["1,008.14", "4,901.41", "党建引领基层治理"]}),
}


def pdf_text(path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, re.sub(r"\s+", "", text)


@needs_office
@pytest.mark.parametrize("spec", list(CASES), ids=lambda p: p.stem)
def test_every_document_opens_in_libreoffice(built, tmp_path, spec):
    unit, expected = CASES[spec]
    files = list(built(spec).values())
    with Converter() as office:
        pdfs = {p.name: p for p in office.convert(files, tmp_path)}
    assert set(pdfs) == set(expected)
    for name, figures in expected.items():
        pages, text = pdf_text(pdfs[name])
        assert pages >= 1 and unit in text, name
        for figure in figures:
            assert figure in text, (name, figure)
