"""PDF through headless LibreOffice, one private user profile per converter (two soffice processes
sharing the default profile silently produce nothing). Our soffice reads its fonts through
data/fonts.conf: the system's fontconfig plus free Simplified-Chinese stand-ins for the 公文 fonts the
documents name (see that file).

Where LibreOffice's Python bindings (Debian: python3-uno) can be imported, a converter keeps one soffice
listening on a private pipe and converts every file through it (UNO: load hidden and read-only, store as
PDF, close): LibreOffice starts once per converter, not once per unit, and ends with the converter's
process however that ends (see LIFELINE). Without the bindings, or when that soffice cannot be
started, each call runs `soffice --convert-to pdf` for all its files. Either way a conversion that fails
or takes longer than the time-out kills LibreOffice and is retried once with a fresh profile (a crashed
LibreOffice can leave its profile unusable), and LibreOffice writes into a scratch folder beside the
outputs, from which each finished PDF is renamed into place: an interrupted run never leaves half a PDF
under its final name."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .output import FILE_MODE
from .print_titles import Titles, lighter_copy

FONTS_CONF = Path(__file__).parent / "data" / "fonts.conf"
STARTUP = 60.0  # seconds a listening soffice may take to accept (at most the converter's time-out)
# A listening soffice outlives the call that started it, so it is started by a lifeline: a small process,
# leader of the group soffice runs in, that kills the group when its stdin closes — when the converter
# closes it, or when the converter's process ends however it ends (even killed) — and ends with soffice.
LIFELINE = """import os, signal, subprocess, sys, threading
office = subprocess.Popen(sys.argv[1:])
threading.Thread(target=lambda: (sys.stdin.buffer.read(), os.killpg(0, signal.SIGKILL)), daemon=True).start()
sys.exit(office.wait())
"""
UNO_PATHS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program")  # Debian's python3-uno


class OfficeMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__("未找到 LibreOffice（soffice）。请先安装：sudo apt-get install libreoffice-calc-nogui "
                         "libreoffice-writer-nogui fonts-noto-cjk（或从 libreoffice.org 安装），再使用 --pdf。")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _uno(binary: str) -> Any:
    """LibreOffice's Python module `uno`, or None: importable as it is, from beside the soffice binary
    (LibreOffice's own builds) or where Debian's python3-uno puts it."""
    try:
        import uno
        return uno
    except ImportError:
        pass
    for folder in (str(Path(binary).resolve().parent), *UNO_PATHS):
        if Path(folder, "uno.py").is_file() and folder not in sys.path:
            sys.path.append(folder)
            try:
                import uno
                return uno
            except ImportError:
                sys.path.remove(folder)
    return None


class Converter:
    """Converts office files to PDF with its own LibreOffice profile; convert(files, outdir), close()."""

    def __init__(self, timeout: float = 180):
        binary = soffice()
        if binary is None:
            raise OfficeMissing()
        self.binary: str = binary
        self.profile = Path(tempfile.mkdtemp(prefix="yusuan-lo-"))
        self.timeout = timeout
        self._uno = _uno(self.binary)
        self._office: _Listener | None = None

    def convert(self, files: list[Path], outdir: Path) -> list[Path]:
        """PDFs of `files` in `outdir` (same stem), named as `outdir` was given (LibreOffice itself is given
        absolute paths: it reads relative ones as URLs). Raises RuntimeError naming what failed."""
        absolute = [f.resolve() for f in files]
        try:
            self._convert_once(absolute, outdir.resolve())
        except RuntimeError:
            self.close()
            self.profile = Path(tempfile.mkdtemp(prefix="yusuan-lo-"))
            self._convert_once(absolute, outdir.resolve())
        return [outdir / (f.stem + ".pdf") for f in files]

    def _convert_once(self, files: list[Path], outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".~pdf-", suffix=".part", dir=outdir))
        try:
            problem = self._listener_export(files, scratch) if self._uno else self._run(files, scratch)
            made = [scratch / (f.stem + ".pdf") for f in files]
            missing = [p for p in made if not p.is_file() or p.stat().st_size == 0]
            if missing:
                raise RuntimeError(f"LibreOffice 未能生成 {', '.join(p.name for p in missing)}：{problem.strip()[-300:]}")
            for pdf in made:
                with open(pdf, "rb") as fh:
                    os.fchmod(fh.fileno(), FILE_MODE)  # as write_atomic's outputs, whatever LibreOffice made
                    os.fsync(fh.fileno())
                os.replace(pdf, outdir / pdf.name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return [outdir / (f.stem + ".pdf") for f in files]

    def _listener_export(self, files: list[Path], outdir: Path) -> str:
        """Through the listening soffice (started on first use). One that cannot be started is given up
        for this converter: its retry, and every later call, runs soffice per call."""
        if self._office is None:
            try:
                self._office = _Listener(self._uno, self.binary, self.profile, min(self.timeout, STARTUP))
            except RuntimeError:
                self._uno = None
                raise
        return self._office.export(files, outdir, self.timeout)

    def _run(self, files: list[Path], outdir: Path) -> str:
        cmd = [self.binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={self.profile.as_uri()}",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
        proc = _start(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            return proc.communicate(timeout=self.timeout)[1]
        except subprocess.TimeoutExpired:
            _kill(proc)
            proc.communicate()
            raise RuntimeError(f"LibreOffice 转换超时（{self.timeout:.0f} 秒）：{', '.join(f.name for f in files)}") from None

    def close(self) -> None:
        if self._office is not None:
            self._office.close()
            self._office = None
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Listener:
    """A soffice listening on a private pipe, driven through UNO."""

    def __init__(self, uno: Any, binary: str, profile: Path, startup: float):
        self.uno = uno
        pipe = f"yusuan-{uuid.uuid4().hex}"
        cmd = [binary, "--headless", "--invisible", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
               f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        self.proc = _start([sys.executable, "-c", LIFELINE, *cmd], stdin=subprocess.PIPE,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + startup
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception as exc:  # com.sun.star.connection.NoConnectException while soffice starts
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(f"LibreOffice 未能启动（{type(exc).__name__}）") from None
                time.sleep(0.05)
        self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def export(self, files: list[Path], outdir: Path, timeout: float) -> str:
        """Each file stored as a PDF in `outdir`; past the time-out soffice is killed and this raises."""
        with _deadline(timeout, lambda: _kill(self.proc)) as expired:
            try:
                for f in files:
                    self._export(f, outdir / (f.stem + ".pdf"))
            except Exception as exc:  # UNO's exceptions; a killed or crashed soffice: DisposedException
                if expired.is_set():
                    raise RuntimeError(f"LibreOffice 转换超时（{timeout:.0f} 秒）：{', '.join(f.name for f in files)}") from None
                raise RuntimeError(f"LibreOffice 转换失败：{type(exc).__name__} {getattr(exc, 'Message', exc)}") from None
        return ""

    def _export(self, source: Path, pdf: Path) -> None:
        url = self.uno.systemPathToFileUrl
        lighter = lighter_copy(source, pdf.parent / ".titles") if source.suffix == ".xlsx" else None
        opened, titles = lighter or (source, {})
        # read-only: no lock file beside the document (a killed soffice would leave it behind, and a lock
        # left there makes a hidden load fail)
        doc = self.desktop.loadComponentFromURL(url(str(opened)), "_blank", 0, self._props(Hidden=True, ReadOnly=True))
        if doc is None:
            raise RuntimeError(f"LibreOffice 无法打开 {source.name}")
        try:
            calc = doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
            if titles:
                self._set_titles(doc, titles)
            doc.storeToURL(url(str(pdf)), self._props(FilterName="calc_pdf_Export" if calc else "writer_pdf_Export"))
        finally:
            doc.close(True)

    def _set_titles(self, doc: Any, titles: dict[int, Titles]) -> None:
        """The rows and columns each sheet repeats on every page, as its print-titles name said."""
        sheets = doc.getSheets()
        for index, t in titles.items():
            if index >= sheets.getCount():
                continue
            sheet = sheets.getByIndex(index)
            if t.rows:
                sheet.setTitleRows(self._range(index, (0, 0), t.rows))
                sheet.setPrintTitleRows(True)
            if t.columns:
                sheet.setTitleColumns(self._range(index, t.columns, (0, 0)))
                sheet.setPrintTitleColumns(True)

    def _range(self, sheet: int, columns: tuple[int, int], rows: tuple[int, int]) -> Any:
        r = self.uno.createUnoStruct("com.sun.star.table.CellRangeAddress")
        r.Sheet, (r.StartColumn, r.EndColumn), (r.StartRow, r.EndRow) = sheet, columns, rows
        return r

    def _props(self, **values: Any) -> tuple:
        out = []
        for name, value in values.items():
            prop = self.uno.createUnoStruct("com.sun.star.beans.PropertyValue")
            prop.Name, prop.Value = name, value
            out.append(prop)
        return tuple(out)

    def close(self) -> None:
        """Ask soffice to quit, then let its lifeline go (which kills whatever is left of it)."""
        if self.proc.poll() is None and hasattr(self, "desktop"):
            with _deadline(10, lambda: _kill(self.proc)), suppress(Exception):  # gone already: its bridge is disposed
                self.desktop.terminate()
        if self.proc.stdin is not None:
            with suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _kill(self.proc)
            self.proc.wait()


def _start(cmd: list[str], **kwargs: Any) -> subprocess.Popen:
    """soffice in its own process group (on a time-out, soffice.bin, a grandchild of the soffice script,
    dies too), reading our fontconfig file."""
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    return subprocess.Popen(cmd, env=env, start_new_session=True, **kwargs)


def _kill(proc: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def _deadline(seconds: float, action) -> Iterator[threading.Event]:
    """Runs `action` if the block takes longer than `seconds`; the event tells whether it did."""
    expired = threading.Event()

    def fire() -> None:
        expired.set()
        action()
    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()
