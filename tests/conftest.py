from __future__ import annotations

from pathlib import Path

import pytest

from generator.checks import check_file

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SHIZHU = SPECS / "2023" / "石柱县行政服务中心.yaml"
HETANG = SPECS / "2022" / "荷塘区行政审批服务局.yaml"
WANGGE = SPECS / "2023" / "石峰区网格化管理服务中心.yaml"
XUELIN = SPECS / "2023" / "学林街道办事处.yaml"
LONGHUA = SPECS / "2021" / "龙华区社区网格管理中心.yaml"


@pytest.fixture(scope="session")
def checked():
    """Check each seed spec once per test session."""
    cache = {}

    def get(path: Path):
        if path not in cache:
            cache[path] = check_file(path)
        return cache[path]
    return get


@pytest.fixture(scope="session")
def built(tmp_path_factory, checked):
    """Build each seed spec's documents once per session: {file name: path}."""
    from generator.build import build
    out = tmp_path_factory.mktemp("build")
    cache = {}

    def get(path: Path) -> dict[str, Path]:
        if path not in cache:
            result = build(checked(path), out)
            assert not result.findings, result.findings
            cache[path] = {f.name: f for f in result.files}
        return cache[path]
    return get


def sheet_rows(ws) -> list[tuple]:
    """The sheet's rows as values, trailing empty rows dropped."""
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def row_with(ws, column: int, text: str) -> tuple:
    """The first row whose cell in `column` (1-based) equals `text`."""
    for row in ws.iter_rows(values_only=True):
        if row[column - 1] == text:
            return row
    raise AssertionError(f"{ws.title}: no row with {text!r} in column {column}")
