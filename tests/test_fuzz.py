"""Property: whatever a spec says — here, the bundled specs mutated at random — `check` and `build` answer
with exit 0, 1 or 2, never a traceback or a hang, and every file `build` writes opens with openpyxl or
python-docx."""
from __future__ import annotations

import os
import zipfile
from datetime import timedelta
from pathlib import Path

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import ROOT, SPECS
from generator.cli import app

CORPUS = sorted(SPECS.rglob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))
TEXTS = {p: p.read_text(encoding="utf-8") for p in CORPUS}
# what people (and attackers) type where they should not
PIECES = [":", ": ", "-", "- ", "  ", "\t", "{", "}", "[", "]", "&a", "*a", "!!binary ", "!!python/object ", '"', "'",
          "#", "|", ">", "\x0b", "\x00", "\u3000", "：", "，", "1,250.00", "７５０", "~", "null", "<<: *a", "\\ud800",
          "{{ cycler.__init__.__globals__.os.popen('id').read() }}", "{%", "=SUM(A1)", "[/二期]", "A|B", "X&Y",
          "9" * 30, "-5", "0.0000001", "30299x", "2010301", "合计", "项目:", "\n", "\n  ", "\n- ", "¥", "\ufffe"]
runner = CliRunner()


@st.composite
def mutated(draw) -> tuple[str, str]:
    path = draw(st.sampled_from(CORPUS))
    lines = TEXTS[path].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["insert", "replace", "delete", "duplicate", "swap"]))
        if how == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(PIECES)) + lines[i][at:]
        elif how == "replace":
            key, sep, _ = lines[i].partition(": ")
            lines[i] = key + (sep or ": ") + draw(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)))
        elif how == "delete" and len(lines) > 1:
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return path.name, "\n".join(lines)


def opens(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
    if path.suffix == ".xlsx":
        openpyxl.load_workbook(path)
    elif path.suffix == ".docx":
        docx.Document(str(path))


# CI runs a fixed sample; YUSUAN_FUZZ=long explores thousands of random ones.
settings.register_profile("ci", max_examples=60, derandomize=True)
settings.register_profile("long", max_examples=3000)
settings.load_profile(os.environ.get("YUSUAN_FUZZ", "ci"))


@settings(deadline=timedelta(seconds=30), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_mutated_specs_get_an_answer_and_whole_files(tmp_path_factory, case):
    name, text = case
    folder = tmp_path_factory.mktemp("fuzz")
    spec = folder / name
    spec.write_text(text, encoding="utf-8", errors="surrogatepass")
    for args in (["check", str(spec)], ["check", "--json", str(spec)], ["build", str(spec), "-o", str(folder / "out")]):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            (args, repr(result.exception))
        assert "Traceback" not in result.output
    for path in (folder / "out").rglob("*"):
        if path.is_file():
            opens(path)
