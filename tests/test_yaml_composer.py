"""The two composers of yamlsrc: libyaml's (fast, recursive in C) where the text bounds the nesting, the
event loop (never recursive) elsewhere. Both must give the same node graphs and the same limit findings."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.spec import yamlsrc
from generator.spec.yamlsrc import C_SAFE_DEPTH, FAST_PARSER, MAX_DEPTH, Document, compose, depth_bound, parse_text

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(FAST_PARSER is yaml.SafeLoader, reason="PyYAML without libyaml")


def shape(root: yaml.Node) -> object:
    """A node graph as plain values: tags, marks, styles, texts; a node met again (an alias) by its number."""
    seen: dict[int, int] = {}

    def walk(n: yaml.Node) -> object:
        if id(n) in seen:
            return ("alias", seen[id(n)])
        seen[id(n)] = len(seen)
        marks = (n.tag, n.start_mark.line, n.start_mark.column, n.end_mark.line, n.end_mark.column)
        if isinstance(n, yaml.ScalarNode):
            return ("scalar", *marks, n.value, n.style)
        if isinstance(n, yaml.SequenceNode):
            return ("seq", *marks, n.flow_style, [walk(c) for c in n.value])
        return ("map", *marks, n.flow_style, [(walk(k), walk(v)) for k, v in n.value])
    return walk(root)


def both(text: str) -> tuple[object, object]:
    def run(composer):
        try:
            return [shape(node) for node in composer()]
        except (yaml.YAMLError, yamlsrc._TooDeep) as exc:
            return type(exc).__name__, str(getattr(exc, "mark", ""))
    return run(lambda: compose(text)), run(lambda: yamlsrc._compose_events(text, FAST_PARSER))


YAML_FILES = sorted(p for p in ROOT.glob("**/*.y*ml") if ".venv" not in p.parts and "build" not in p.parts)


def test_every_yaml_file_of_the_repository_gives_the_same_graph_by_either_composer():
    assert len(YAML_FILES) > 90  # specs, formats, tests/bad …
    for path in YAML_FILES:
        fast, loop = both(path.read_text(encoding="utf-8", errors="replace"))
        assert fast == loop, path.name


def nested(depth: int) -> str:
    """`depth` block mappings, one indentation level each."""
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}v\n"


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_block_nesting_past_the_limit_is_found_at_the_same_place_by_either_composer(depth: int):
    text = nested(depth)
    assert depth_bound(text) <= C_SAFE_DEPTH  # the fast composer is the one used
    fast, loop = both(text)
    assert fast == loop
    assert (fast[0] == "_TooDeep") == (depth > MAX_DEPTH)
    doc = parse_text(Document(file="x.yaml", text=text))
    codes = [(f.code, f.line) for f in doc.findings]
    assert codes == ([("E-YAML-LIMIT", MAX_DEPTH + 1)] if depth > MAX_DEPTH else [])


@pytest.mark.parametrize("text", ["[" * 200_000 + "]" * 200_000, "a:\n" + "- " * 100_000 + "x\n",
                                  "- " * 50_000 + "x\n"])
def test_nesting_deep_enough_to_crash_libyamls_composer_goes_through_the_loop(text: str):
    assert depth_bound(text) > C_SAFE_DEPTH
    doc = parse_text(Document(file="x.yaml", text=text))  # no crash: a finding
    assert [f.code for f in doc.findings] == ["E-YAML-LIMIT"]


# Nested data written in block, flow and mixed styles, with compact `- - x` sequences: the bound must never be
# below the real depth.
values = st.recursive(st.sampled_from(["x", "1", "是"]),
                      lambda inner: st.lists(inner, min_size=1, max_size=3)
                      | st.dictionaries(st.sampled_from(["a", "键", "b c"]), inner, min_size=1, max_size=3),
                      max_leaves=40)


def depth_of(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth_of, value))
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()))
    return 0


@settings(max_examples=300, deadline=None)
@given(values, st.sampled_from([False, True, None]), st.integers(min_value=2, max_value=6))
def test_the_depth_bound_is_never_below_the_depth(value: object, flow: bool | None, indent: int):
    text = yaml.safe_dump(value, default_flow_style=flow, indent=indent, allow_unicode=True)
    compact = text.replace("-\n" + " " * indent + "- ", "- - ")  # compact nested sequences, where dump breaks
    for variant in (text, compact):
        try:
            loaded = yaml.safe_load(variant)
        except yaml.YAMLError:
            continue
        assert depth_bound(variant) >= depth_of(loaded)
