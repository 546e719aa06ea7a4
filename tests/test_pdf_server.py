"""One LibreOffice per converter, kept across calls: started on the first conversion, listening on a pipe
of its own and driven through UNO; a soffice that dies is replaced (with a fresh profile) and the call
still succeeds; one that takes too long is killed, and leaves no lock beside the documents. Needs LibreOffice, its Python bindings (Debian:
python3-uno) and pdftotext; skipped without them unless YUSUAN_REQUIRE_OFFICE=1."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import HETANG, SHIZHU, XUELIN
from generator.pdf import Converter, _uno, soffice
from generator.print_titles import lighter_copy

needs_listener = pytest.mark.skipif(
    os.environ.get("YUSUAN_REQUIRE_OFFICE") != "1"
    and (soffice() is None or _uno(soffice()) is None or shutil.which("pdftotext") is None),
    reason="LibreOffice、python3-uno 或 pdftotext 未安装")


def text_of(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@needs_listener
def test_one_soffice_converts_every_unit(built, tmp_path):
    with Converter() as office:
        first = office.convert(list(built(XUELIN).values()), tmp_path / "a")
        pid, profile = office._office.proc.pid, office.profile
        second = office.convert(list(built(SHIZHU).values()), tmp_path / "b")
        assert office._office.proc.pid == pid  # the same LibreOffice, not one per call
    assert [p.name for p in first] == ["绩效目标表.pdf"] and "城乡环境连片整治" in text_of(first[0])
    assert sorted(p.name for p in second) == ["部门预算公开表.pdf", "部门预算情况说明.pdf"]
    assert all("石柱土家族自治县行政服务中心" in text_of(p) for p in second)
    assert not alive(pid) and not profile.exists()  # close() ends LibreOffice and removes its profile
    assert not list(tmp_path.rglob(".~*"))  # every PDF was renamed out of its scratch folder


def pages(pdf, folder) -> list[bytes]:
    """Every page drawn (poppler), as PNG bytes."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "p")], check=True, capture_output=True)
    return [p.read_bytes() for p in sorted(folder.glob("p-*.png"))]


@needs_listener
@pytest.mark.parametrize("spec", [HETANG, SHIZHU], ids=["荷塘", "石柱"])
def test_print_titles_set_after_opening_give_the_same_pages(built, tmp_path, spec):
    """The listener opens a workbook without its print-titles names (LibreOffice is slow to open them)
    and sets them once it is open: the same pages as soffice makes of the workbook itself, titles
    repeated on every page of a long sheet."""
    workbook = built(spec)["部门预算公开表.xlsx"]
    assert lighter_copy(workbook, tmp_path / "copy") is not None  # the listener takes the names out
    with Converter() as office:
        (fast,) = office.convert([workbook], tmp_path / "fast")
    with Converter() as office:
        office._uno = None  # `soffice --convert-to`: the workbook as it is
        (plain,) = office.convert([workbook], tmp_path / "plain")
    drawn = pages(fast, tmp_path / "fast-pages")
    assert len(drawn) > 1 and drawn == pages(plain, tmp_path / "plain-pages")
    assert text_of(fast) == text_of(plain)


@needs_listener
def test_a_dead_soffice_is_replaced_and_the_call_succeeds(built, tmp_path):
    files = list(built(XUELIN).values())
    with Converter() as office:
        office.convert(files, tmp_path / "a")
        dead, old_profile = office._office.proc.pid, office.profile
        os.killpg(dead, signal.SIGKILL)  # LibreOffice crashes between units
        (pdf,) = office.convert(files, tmp_path / "b")
        assert office._office.proc.pid != dead and office.profile != old_profile and not old_profile.exists()
    assert "城乡环境连片整治" in text_of(pdf)


@needs_listener
def test_a_conversion_past_the_time_out_kills_soffice(built, tmp_path):
    files = list(built(SHIZHU).values())
    with Converter() as office:
        office.convert(files[:1], tmp_path / "a")
        pid = office._office.proc.pid
        office.timeout = 0.01
        start = time.monotonic()
        with pytest.raises(RuntimeError, match="LibreOffice"):
            office.convert(files, tmp_path / "b")
        assert time.monotonic() - start < 30 and not alive(pid)
    assert not list((tmp_path / "b").glob("*.pdf")) and not list((tmp_path / "b").glob(".~*"))
    assert not list(files[0].parent.glob(".~lock*"))  # documents are opened read-only: no lock left beside them
    with Converter() as office:  # and a later converter opens them
        assert [p.name for p in office.convert(files[:1], tmp_path / "c")] == [files[0].stem + ".pdf"]


LEFT_RUNNING = """import sys, time
from pathlib import Path
from generator.pdf import Converter
office = Converter()
office.convert([Path(sys.argv[1])], Path(sys.argv[2]))
print(office._office.proc.pid, flush=True)
time.sleep(600)
"""


@needs_listener
def test_soffice_ends_with_the_process_that_started_it(built, tmp_path):
    """A worker killed outright (no clean-up runs) leaves no LibreOffice behind."""
    proc = subprocess.Popen([sys.executable, "-c", LEFT_RUNNING, str(built(XUELIN)["绩效目标表.docx"]), str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)
    group = int(proc.stdout.readline())
    assert alive(group)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 20
    while group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not group_alive(group)


def group_alive(group: int) -> bool:
    """Whether a process of the group is still running (zombies left to init do not count)."""
    out = subprocess.run(["ps", "-eo", "pgid=,stat="], capture_output=True, text=True).stdout
    return any(int(pgid) == group and not stat.startswith("Z") for pgid, stat in (line.split() for line in out.splitlines()))


@needs_listener
def test_a_relative_output_folder_gets_its_pdfs(tmp_path, monkeypatch):
    """`yusuan build spec -o out --pdf` from the folder the user is in: LibreOffice reads a relative path as a
    URL, so the converter hands it absolute ones and reports the paths as given."""
    from typer.testing import CliRunner

    from generator.cli import app
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["build", str(XUELIN), "-o", "out", "--pdf"])
    assert result.exit_code == 0, result.output
    (pdf,) = (tmp_path / "out").rglob("*.pdf")
    assert f"✓ {pdf.relative_to(tmp_path)}" in result.output
    assert "学林街道办事处" in text_of(pdf).replace(" ", "")
