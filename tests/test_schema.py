"""The spec's JSON Schema as an editor uses it: hover help in Chinese on every property, the formats there are
for 格式, no negative amounts, and every bundled spec valid against it."""
from __future__ import annotations

import json
import re
import shutil

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROOT, SPECS
from generator.cli import app
from generator.spec.model import json_schema

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


def properties(node, where=""):
    """Every (where, name, schema) of a property anywhere in the schema."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield where, name, prop
        for key, child in node.items():
            yield from properties(child, f"{where}/{key}")
    elif isinstance(node, list):
        for child in node:
            yield from properties(child, where)


def test_every_property_has_a_chinese_description():
    schema = json_schema()
    bare = [f"{where}.{name}" for where, name, prop in properties(schema) if not CJK.search(prop.get("description") or "")]
    assert not bare, bare


def test_format_offers_the_formats_of_the_template_layers(tmp_path, monkeypatch):
    bundled = sorted(p.stem for p in (ROOT / "templates").glob("*.yaml"))
    assert json.loads((ROOT / "schema" / "spec.schema.json").read_text(encoding="utf-8"))["properties"]["格式"]["enum"] == bundled
    (tmp_path / "templates").mkdir()
    shutil.copy(ROOT / "templates" / "mof.yaml", tmp_path / "templates" / "benqu.yaml")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["properties"]["格式"]["enum"] == sorted([*bundled, "benqu"])


def test_amounts_cannot_be_negative():
    schema = json_schema()
    money = [prop for _, name, prop in properties(schema) if "金额（默认万元" in (prop.get("description") or "")]
    assert len(money) > 30
    for prop in money:
        text = json.dumps(prop, ensure_ascii=False)
        assert '"minimum": 0' in text, prop


@pytest.mark.parametrize("path", sorted([*SPECS.rglob("*.yaml"), ROOT / "examples" / "最小单位.yaml"]), ids=lambda p: p.stem)
def test_bundled_specs_are_valid_against_the_schema(path):
    schema = json.loads((ROOT / "schema" / "spec.schema.json").read_text(encoding="utf-8"))
    data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))  # as an editor's YAML 1.2 reading types it
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_a_negative_amount_or_unknown_format_is_flagged_by_the_schema():
    schema = json.loads((ROOT / "schema" / "spec.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    spec = {"年度": 2024, "格式": "mof", "单位": {"名称": "甲"}, "收入": {"一般公共预算拨款": 5}}
    assert validator.is_valid(spec)
    assert not validator.is_valid({**spec, "收入": {"一般公共预算拨款": -5}})
    assert not validator.is_valid({**spec, "收入": {"一般公共预算拨款": "-5"}})
    assert not validator.is_valid({**spec, "格式": "火星"})


def _plain(node):
    """Dates as the texts they were (JSON has no dates)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node.isoformat() if hasattr(node, "isoformat") else node
