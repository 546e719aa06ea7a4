"""The bad-input corpus: every broken spec under tests/bad/ names, in its `# expect:` lines, the finding
code and line it must produce. Nothing crashes, and nothing is silently accepted."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.checks import check_file

BAD = Path(__file__).parent / "bad"
CASES = sorted(BAD.glob("*.yaml"))


def expectations(path: Path) -> list[tuple[str, int]]:
    head = path.read_bytes().split(b"\n")
    found = [re.match(rb"# expect: (\S+) (\d+)", line) for line in head[:5]]
    return [(m.group(1).decode(), int(m.group(2))) for m in found if m]


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert all(expectations(p) for p in CASES), "every bad spec states what it expects"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_bad_spec_is_reported_at_its_line(path: Path):
    checked = check_file(path)
    got = {(f.code, f.line) for f in checked.findings}
    for code, line in expectations(path):
        assert (code, line) in got, f"{path.name}: expected {code} at line {line}, got {sorted(got, key=str)}"
    for f in checked.findings:
        assert f.file == str(path) and f.message, f
        if f.code.startswith("E-") and (f.code, f.line) not in set(expectations(path)):
            assert f.code in {c for c, _ in expectations(path)} or f.code == "E-SCHEMA-MISSING", \
                f"{path.name}: unexpected error {f}"
