"""A real office suite opens every rendered document: LibreOffice converts each to PDF (one private
profile per converter), and the PDF has pages, the unit's name and its key figures in its text. CI
installs LibreOffice (.ci/run); without it these tests are skipped, unless YUSUAN_REQUIRE_OFFICE=1."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from conftest import HETANG, LONGHUA, ROOT, SHIZHU, WANGGE, XUELIN
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


@needs_office
def test_batch_pdf_two_workers_private_profiles(tmp_path):
    """`batch --pdf -j 2`: each worker runs its own LibreOffice profile (a shared one silently produces
    nothing); every document gets a PDF with the unit's name; profiles are removed when workers exit;
    a second conversion has the same text (PDF determinism is by content)."""
    import sys
    sys.path.insert(0, str(ROOT / "examples"))
    from make_district import write_district
    specs = write_district(tmp_path / "d", 2, "chongqing", seed=5)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}

    def run(out):
        cmd = [sys.executable, "-m", "generator", "batch", str(tmp_path / "d"), "-o", str(out), "-j", "2", "--pdf"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return {p.relative_to(out): pdf_text(p) for p in sorted(out.rglob("*.pdf"))}

    first = run(tmp_path / "a")
    units = {p.parent.name for p in first}
    assert len(units) == len(specs) == 2 and len(first) == 4  # 公开表 and 说明 of each unit
    for path, (pages, text) in first.items():
        assert pages >= 1 and re.sub(r"\s+", "", path.parent.name) in text
    assert not list(scratch.glob("yusuan-lo-*")), "LibreOffice profiles left behind"
    assert run(tmp_path / "b") == first


# --- the converter's failure handling, with a stand-in soffice (no LibreOffice needed) ---------------------

FAKE_SOFFICE = r"""#!/bin/sh
# stand-in for soffice: $MODE=sleep hangs (with a child, like soffice.bin); $MODE=flaky fails on its first call
if [ "$MODE" = sleep ]; then sleep 60 & wait; fi
if [ "$MODE" = flaky ] && [ ! -e "$STATE" ]; then touch "$STATE"; exit 1; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift 2;;
    -*) shift;;
    *) name=$(basename "$1"); printf '%%PDF-1.4 fake' > "$out/${name%.*}.pdf"; shift;;
  esac
done
"""


@pytest.fixture
def fake_office(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE_SOFFICE)
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STATE", str(tmp_path / "state"))
    (tmp_path / "a.docx").write_bytes(b"x")
    return tmp_path


def test_a_hung_conversion_times_out_and_is_killed(fake_office, monkeypatch):
    import time
    monkeypatch.setenv("MODE", "sleep")
    start = time.monotonic()
    with Converter(timeout=1) as office, pytest.raises(RuntimeError, match="超时"):
        office.convert([fake_office / "a.docx"], fake_office / "out")
    assert time.monotonic() - start < 10  # the sleeping grandchild did not keep the pipes open


def test_a_failed_conversion_restarts_libreoffice_once(fake_office, monkeypatch):
    monkeypatch.setenv("MODE", "flaky")
    with Converter() as office:
        first_profile = office.profile
        assert [p.name for p in office.convert([fake_office / "a.docx"], fake_office)] == ["a.pdf"]
        assert office.profile != first_profile and not first_profile.exists()  # restarted with a fresh profile
    assert (fake_office / "state").exists()  # the first attempt did fail
    assert (fake_office / "a.pdf").read_bytes().startswith(b"%PDF")
    assert not list(fake_office.glob(".~*"))  # LibreOffice wrote into a scratch folder, now gone


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from generator.cli import app
    monkeypatch.setenv("PATH", str(tmp_path))
    for command in ("build", "batch"):
        result = CliRunner().invoke(app, [command, str(SHIZHU), "-o", str(tmp_path / "out"), "--pdf"])
        assert result.exit_code == 2 and "未找到 LibreOffice" in result.output, result.output
    assert not (tmp_path / "out").exists()
