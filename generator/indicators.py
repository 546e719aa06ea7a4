"""Performance indicators (绩效指标): normalising their categories and reading their values.

Forms name the same categories differently (产出目标 / 产出指标, 数量 / 产出数量 / 数量指标 …) and write
values either split (重庆: 指标性质 ≥, 指标值 95, 计量单位 %) or in one cell (株洲: ≥95%, 10个部门).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .spec.model import Indicator

LEVEL1 = {
    "产出指标": ("产出指标", "产出目标", "产出"),
    "效益指标": ("效益指标", "效益目标", "效果目标", "效果指标", "效益"),
    "满意度指标": ("满意度指标", "满意度", "满意度目标"),
    "成本指标": ("成本指标", "成本"),
}
LEVEL2 = {
    "数量指标": ("数量指标", "数量", "产出数量"),
    "质量指标": ("质量指标", "质量", "产出质量"),
    "时效指标": ("时效指标", "时效", "产出时效"),
    "成本指标": ("成本指标", "成本", "产出成本", "经济成本指标", "社会成本指标", "生态环境成本指标", "生态成本指标"),
    "经济效益指标": ("经济效益指标", "经济效益"),
    "社会效益指标": ("社会效益指标", "社会效益"),
    "生态效益指标": ("生态效益指标", "生态效益"),
    "可持续影响指标": ("可持续影响指标", "可持续影响"),
    "满意度指标": ("满意度指标", "满意度", "服务对象满意度指标", "服务对象满意度", "社会公众及服务对象满意度指标",
              "社会公众及服务对象满意度", "社会公众或服务对象满意度指标"),
}
_L1 = {alias: name for name, aliases in LEVEL1.items() for alias in aliases}
_L2 = {alias: name for name, aliases in LEVEL2.items() for alias in aliases}


@lru_cache(maxsize=8192)
def _clean(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def level1(ind: Indicator) -> str | None:
    """The normalised 一级 category (None when not given; the raw text when unknown)."""
    raw = _clean(ind.level1)
    return _L1.get(raw, raw) if raw else None


def level2(ind: Indicator) -> str | None:
    raw = _clean(ind.level2)
    return _L2.get(raw, raw) if raw else None


def known_level1(name: str | None) -> bool:
    return name in LEVEL1


def known_level2(name: str | None) -> bool:
    return name in LEVEL2


def is_satisfaction(ind: Indicator) -> bool:
    return "满意度指标" in (level1(ind), level2(ind))


def is_cost(ind: Indicator) -> bool:
    if "成本指标" in (level1(ind), level2(ind)):
        return True
    return ind.level1 is None and ind.level2 is None and "成本" in (ind.name or "")


NATURES = {"≥": "≥", ">=": "≥", "＞=": "≥", "大于等于": "≥", "≤": "≤", "<=": "≤", "小于等于": "≤", "=": "=", "＝": "=",
           "等于": "=", ">": ">", "＞": ">", "大于": ">", "<": "<", "＜": "<", "小于": "<", "定性": "定性", "定量": "定量"}
_PREFIX = [("大于等于", "≥"), ("小于等于", "≤"), ("不低于", "≥"), ("不少于", "≥"), ("至少", "≥"), ("不高于", "≤"),
           ("不超过", "≤"), ("不大于", "≤"), ("≥", "≥"), ("≤", "≤"), (">=", "≥"), ("<=", "≤"), ("＞", ">"), (">", ">"),
           ("＜", "<"), ("<", "<"), ("＝", "="), ("=", "="), ("大于", ">"), ("小于", "<"), ("高于", ">"), ("低于", "<")]
_SUFFIX = {"以上": "≥", "以下": "≤", "以内": "≤"}
_NUMBER = re.compile(r"^(?P<pre>[^\d]{0,8}?)(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d]*?)\s*(?P<suf>以上|以下|以内)?[;；。]?$")


@dataclass(frozen=True)
class Value:
    """An indicator value read as comparator, number and unit; `number` None for qualitative values."""

    comparator: str | None
    number: Decimal | None
    unit: str
    problem: str | None = None  # why a value that should be a number is not one

    @property
    def is_percent(self) -> bool:
        return "%" in self.unit or "％" in self.unit


def read_value(ind: Indicator) -> Value:
    return _read_value(ind.value, ind.nature, ind.unit)


@lru_cache(maxsize=8192)
def _read_value(value: str | None, nature_text: str | None, unit_text: str | None) -> Value:
    """read_value, cached by the three texts it reads (hashing the model would hash every field of it)."""
    text = (value or "").strip()
    nature = NATURES.get(_clean(nature_text)) if nature_text else None
    unit = (unit_text or "").strip()
    if nature_text and nature is None:
        return Value(None, None, unit, f"指标性质「{nature_text}」无法识别（可用 ≥ ≤ = > < 或 定性）")
    if nature == "定性":
        return Value("定性", None, unit)
    m = _NUMBER.match(text)
    if nature is not None:  # split style: the value must be a number
        if not m or m.group("pre").strip():
            return Value(nature, None, unit, f"指标性质为「{nature}」，指标值「{text}」却不是数值" if text else
                         f"指标性质为「{nature}」，但没有填指标值")
        return Value(nature, Decimal(m.group("num")), unit or m.group("unit"))
    if not m:  # one-cell style: text without a number is a qualitative value
        starts = next((c for p, c in _PREFIX if text.startswith(p)), None)
        counted = re.search(r"[一二两三四五六七八九十百千万]", text)  # 大于等于一年
        problem = f"指标值「{text}」以「{starts}」开头却没有数值" if starts and not counted else None
        return Value(starts, None, unit, problem)
    pre = m.group("pre").strip()
    comparator = next((c for p, c in _PREFIX if pre.endswith(p)), None) or _SUFFIX.get(m.group("suf") or "")
    return Value(comparator or ("≈" if "约" in pre else "="), Decimal(m.group("num")), unit or m.group("unit").strip())


_MONEY_UNITS = {"万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001")}
_PER_WHOLE = ("年", "每项目", "项目", "每年")


def money_wan(value: Value, *, bare_is_wan: bool) -> Decimal | None:
    """The value in 万元 if it is an amount for the whole project; None for rates like 元/人."""
    if value.number is None:
        return None
    unit = value.unit.replace(" ", "")
    base, _, per = unit.partition("/")
    if per and per not in _PER_WHOLE:
        return None
    if base in _MONEY_UNITS:
        return value.number * _MONEY_UNITS[base]
    if base == "" and bare_is_wan:
        return value.number
    return None
