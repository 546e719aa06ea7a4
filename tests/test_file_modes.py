"""Outputs are as readable as any file the user makes: 0666 less the umask (0644 under umask 022, 0640
under 027) — the documents, the PDFs LibreOffice writes, the batch's summary, report and manifests.
The umask is read once, when yusuan starts, so each case runs in its own process."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from conftest import ROOT, SHIZHU

# a stand-in soffice that writes its PDFs 0600, as a LibreOffice with a private temporary file might
FAKE_SOFFICE = r"""#!/bin/sh
umask 077
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift 2;;
    -*) shift;;
    *) name=$(basename "$1"); printf '%%PDF-1.4 fake' > "$out/${name%.*}.pdf"; shift;;
  esac
done
"""


def modes(folder) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["022", "027"])
def test_outputs_follow_the_umask(tmp_path, umask):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").write_text(FAKE_SOFFICE)
    (bin_dir / "soffice").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "generator", "batch", str(SHIZHU), "-o", str(out), "-j", "1", "--pdf"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, umask=umask, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = modes(out)
    names = {os.path.basename(n) for n in found}
    documents = {"部门预算公开表.xlsx", "部门预算情况说明.docx", "部门预算公开表.pdf", "部门预算情况说明.pdf"}
    assert documents | {"汇总.xlsx", "report.json"} <= names, names
    assert any(n.startswith(".yusuan") for n in found), found  # the unit's manifest
    assert found == dict.fromkeys(found, 0o666 & ~umask)
