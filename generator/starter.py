"""`init`: a commented starter spec for a new unit, in its format's terms (the 一级指标 the format requires,
weights that add up to its 指标权重合计), with every amount left as `~` for the author to fill in."""
from __future__ import annotations

import importlib.resources
import json
import os
from decimal import Decimal
from pathlib import Path

from .formats import Format
from .spec.yamlsrc import NULL_WORDS

LEVEL2 = {"产出指标": "数量指标", "效益指标": "社会效益指标", "满意度指标": "服务对象满意度指标", "成本指标": "经济成本指标"}
EXAMPLES = {"产出指标": ("完成事项数", "≥10项"), "效益指标": ("服务水平", "提升"),
            "满意度指标": ("服务对象满意度", "≥90%"), "成本指标": ("项目成本", "控制在预算内")}
SCHEMA = Path("schema") / "spec.schema.json"


def _text(value: str) -> str:
    """A value as YAML text that is read back exactly (a double-quoted scalar where plain would not do: a
    null word such as `null` too)."""
    plain = value.isidentifier() and value not in NULL_WORDS
    return value if plain else json.dumps(value, ensure_ascii=False)


def _indicators(fmt: Format) -> str:
    levels = list(dict.fromkeys([*(fmt.rule("必备一级指标") or ("产出指标", "效益指标")), *(fmt.rule("建议一级指标") or ())]))
    total = fmt.rule("指标权重合计")
    weights = [Decimal(0)] * len(levels)
    if total is not None:  # spread the format's total evenly, the remainder on the first
        share = (Decimal(total) / len(levels)).quantize(Decimal(1), rounding="ROUND_DOWN")
        weights = [Decimal(total) - share * (len(levels) - 1)] + [share] * (len(levels) - 1)
    lines = []
    for level, weight in zip(levels, weights):
        name, value = EXAMPLES.get(level, ("指标名称", "指标值"))
        extra = f", 权重: {weight}" if total is not None else ""
        lines.append(f"      - {{一级: {level}, 二级: {LEVEL2.get(level, '二级指标')}, 三级: {name}, "
                     f"指标值: {_text(value)}{extra}}}")
    return "\n".join(lines)


def starter(name: str, kind: str, year: int, fmt: Format, schema: str) -> str:
    """The starter spec's text."""
    text = importlib.resources.files("generator").joinpath("data/starter.yaml").read_text(encoding="utf-8")
    levels = "、".join(dict.fromkeys([*(fmt.rule("必备一级指标") or ()), *(fmt.rule("建议一级指标") or ())])) or "产出指标、效益指标"
    for key, value in {"«模式»": schema, "«名称»": _text(name), "«单位»": " ".join(name.split()), "«年度»": str(year),
                       "«格式»": fmt.name, "«性质»": kind, "«一级指标»": levels, "«指标»": _indicators(fmt)}.items():
        text = text.replace(key, value)
    return text


def schema_for(target: Path, workspace: Path) -> tuple[str, Path | None]:
    """The `$schema` a spec at `target` points to: the nearest schema/spec.schema.json above it, else one to
    write in `workspace` (returned as the second value)."""
    for folder in [target.parent.resolve(), *target.parent.resolve().parents]:
        if (folder / SCHEMA).is_file():
            return Path(os.path.relpath(folder / SCHEMA, target.parent.resolve())).as_posix(), None
    new = workspace.resolve() / SCHEMA
    return Path(os.path.relpath(new, target.parent.resolve())).as_posix(), new
