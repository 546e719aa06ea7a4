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
