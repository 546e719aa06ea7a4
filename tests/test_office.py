"""A real office suite opens every rendered document: LibreOffice converts each to PDF (one private
profile per converter), and the PDF has pages and the unit's name in its text. CI installs LibreOffice
(.ci/run); without it these tests are skipped, unless YUSUAN_REQUIRE_OFFICE=1 says they must run."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import HETANG, SHIZHU
from generator.pdf import Converter, soffice

needs_office = pytest.mark.skipif(
    (soffice() is None or shutil.which("pdftotext") is None) and os.environ.get("YUSUAN_REQUIRE_OFFICE") != "1",
    reason="LibreOffice/pdftotext 未安装（.ci/run 会安装）")


def pdf_text(path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


@needs_office
@pytest.mark.parametrize("spec,unit,figures", [
    (SHIZHU, "石柱土家族自治县行政服务中心", ["500.75", "299.30", "240.79", "政务公开审批"]),
    (HETANG, "株洲市荷塘区行政审批服务局", ["703.50", "141.77", "92.99", "393.98"]),
])
def test_every_document_opens_in_libreoffice(built, tmp_path, spec, unit, figures):
    files = list(built(spec).values())
    assert files
    with Converter() as office:
        pdfs = office.convert(files, tmp_path)
    for pdf in pdfs:
        pages, text = pdf_text(pdf)
        assert pages >= 1 and unit in text, pdf.name
        for figure in figures:
            assert figure in text, (pdf.name, figure)
