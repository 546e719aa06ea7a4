"""PDF through headless LibreOffice: one private user profile per converter (two soffice processes
sharing the default profile silently produce nothing), conversions batched per call, a time-out, one
retry with a fresh profile. Our soffice reads its fonts through data/fonts.conf: the system's fontconfig
plus free Simplified-Chinese stand-ins for the 公文 fonts the documents name (see that file)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .render.package import FILE_MODE

FONTS_CONF = Path(__file__).parent / "data" / "fonts.conf"


class OfficeMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__("未找到 LibreOffice（soffice）。请先安装：sudo apt-get install libreoffice-calc-nogui "
                         "libreoffice-writer-nogui fonts-noto-cjk（或从 libreoffice.org 安装），再使用 --pdf。")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class Converter:
    """Converts office files to PDF with its own LibreOffice profile."""

    def __init__(self, timeout: float = 180):
        self.binary = soffice()
        if self.binary is None:
            raise OfficeMissing()
        self.profile = Path(tempfile.mkdtemp(prefix="yusuan-lo-"))
        self.timeout = timeout

    def convert(self, files: list[Path], outdir: Path) -> list[Path]:
        """PDFs of `files` in `outdir` (same stem). A failed or timed-out conversion is retried once with
        a fresh profile (a crashed LibreOffice can leave its profile unusable). Raises RuntimeError naming
        what failed."""
        try:
            return self._convert_once(files, outdir)
        except RuntimeError:
            self.close()
            self.profile = Path(tempfile.mkdtemp(prefix="yusuan-lo-"))
            return self._convert_once(files, outdir)

    def _convert_once(self, files: list[Path], outdir: Path) -> list[Path]:
        """LibreOffice writes into a scratch folder beside the outputs; each finished PDF is then renamed
        into place, so an interrupted run never leaves half a PDF under its final name."""
        outdir.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".~pdf-", suffix=".part", dir=outdir))
        try:
            stderr = self._run(files, scratch)
            made = [scratch / (f.stem + ".pdf") for f in files]
            missing = [p for p in made if not p.is_file() or p.stat().st_size == 0]
            if missing:
                raise RuntimeError(f"LibreOffice 未能生成 {', '.join(p.name for p in missing)}：{stderr.strip()[-300:]}")
            for pdf in made:
                with open(pdf, "rb") as fh:
                    os.fchmod(fh.fileno(), FILE_MODE)  # as write_atomic's outputs, whatever LibreOffice made
                    os.fsync(fh.fileno())
                os.replace(pdf, outdir / pdf.name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return [outdir / (f.stem + ".pdf") for f in files]

    def _run(self, files: list[Path], outdir: Path) -> str:
        cmd = [self.binary, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={self.profile.as_uri()}",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
        # its own process group: on a time-out, soffice.bin (a grandchild of the soffice script) dies too
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                start_new_session=True)
        try:
            return proc.communicate(timeout=self.timeout)[1]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(f"LibreOffice 转换超时（{self.timeout:.0f} 秒）：{', '.join(f.name for f in files)}") from None

    def close(self) -> None:
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Converter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
