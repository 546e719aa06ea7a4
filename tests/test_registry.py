"""The finding registry: every code the program reports is defined once, with its words; JSON findings
carry their parameters; the README's table is the registry's."""
from __future__ import annotations

import json
import re
import string
import sys

from typer.testing import CliRunner

from conftest import ROOT
from generator.cli import app
from generator.findings import finding
from generator.registry import CODES

sys.path.insert(0, str(ROOT / "tools"))
from readme_codes import with_table


def test_every_code_in_the_program_is_registered():
    used = set()
    for path in (ROOT / "generator").rglob("*.py"):
        used |= set(re.findall(r'"([EW]-[A-Z0-9]+(?:-[A-Z0-9]+)*)"', path.read_text(encoding="utf-8")))
    assert used - set(CODES) == set()
    assert set(CODES) - used == set(), "a registered code nothing reports"


def test_severity_follows_the_prefix_and_every_text_is_a_template():
    for code in CODES.values():
        assert code.severity == ("warning" if code.code.startswith("W-") else "error")
        assert code.meaning and "" in code.texts
        for text in code.texts.values():
            for template in (text.message, text.hint or ""):
                list(string.Formatter().parse(template))  # well formed


def test_a_finding_is_made_from_its_template_and_keeps_its_parameters():
    f = finding("E-SUM-PROJECT", file="a.yaml", line=3, what="项目「甲」金额与支出明细合计", declared="48.00",
                computed="42.00", diff="6.00", unit="万元", suggestion="核对各明细金额或项目金额")
    assert f.message == "项目「甲」金额与支出明细合计：填报 48.00，按明细计算 42.00，相差 6.00 万元"
    assert f.hint == "核对各明细金额或项目金额" and f.severity == "error"
    assert f.to_dict()["params"]["declared"] == "48.00"
    assert finding("E-SUM-PROJECT", what="x", declared="1", computed="2", diff="1", unit="元").hint is None  # no hint


def test_check_json_carries_parameters():
    result = CliRunner().invoke(app, ["check", "--json", str(ROOT / "tests" / "bad" / "21-project-detail-sum.yaml")])
    f = next(f for f in json.loads(result.output)["files"][0]["findings"] if f["code"] == "E-SUM-PROJECT")
    assert f["params"] == {
        "what": "项目「项目甲」金额与支出明细合计", "declared": "48.00", "computed": "42.00", "diff": "6.00",
        "unit": "万元", "suggestion": "核对各明细金额或项目金额"}


def test_readme_table_is_generated_from_the_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_table(text) == text, "run: python tools/readme_codes.py"
    assert all(f"| {code} |" in text for code in CODES)
