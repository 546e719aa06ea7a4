"""Money: exact decimals read from the text the user typed, shown with two decimals (四舍五入)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

ZERO = Decimal(0)
CENT = Decimal("0.01")
WAN = Decimal(10000)  # 元 per 万元
UNITS = ("万元", "元")  # the units a document shows amounts in

# ASCII digits only, as the JSON Schema's pattern reads: Python's \d and Decimal() would also take ７５０ or ٧٥٠.
_PLAIN = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
_NUMBER = r"[+-]?[0-9]+(?:\.[0-9]+)?"
MAX_DIGITS = 15  # of an amount's whole part: 10¹⁵ 元 is far beyond any budget, and sums stay exact in 28 digits


class AmountError(ValueError):
    """A typed amount we refuse to guess at: `kind` (format / unit) becomes part of the finding code,
    `variant` and `params` pick and fill its message in the registry."""

    def __init__(self, kind: str, variant: str, **params: str):
        super().__init__(variant)
        self.kind, self.variant, self.params = kind, variant, params


def parse_decimal(text: str, *, what: str = "金额") -> Decimal:
    """Strict decimal from text: '0.1' stays 0.1; '1,008.14', '48万', '１２', '٧٥٠', '1e3' are refused with a hint."""
    raw = text.strip()
    if raw == "":
        raise AmountError("format", "empty", what=what)
    if _PLAIN.match(raw):
        if len(raw.lstrip("+-").split(".")[0].lstrip("0")) > MAX_DIGITS:
            raise AmountError("format", "too_large", what=what, text=raw, digits=str(MAX_DIGITS))
        return Decimal(raw)
    if re.fullmatch(r"[+-]?[0-9,，]+(\.[0-9]+)?", raw):
        raise AmountError("format", "thousands", what=what, text=raw, plain=re.sub(r"[,，]", "", raw))
    m = re.fullmatch(rf"({_NUMBER})\s*(万元|万|元)", raw)
    if m:
        raise AmountError("unit", "unit", what=what, text=raw, unit=m.group(2), plain=m.group(1))
    if "．" in raw or any(ch.isdecimal() and not ch.isascii() for ch in raw):  # ７５０, ٧٥٠, １２．５
        meant = ascii_digits(raw)
        raise AmountError("format", "fullwidth", what=what, text=raw,
                          example=f"：写作 {meant}" if _PLAIN.match(meant) else "，如 12.5")
    if re.fullmatch(rf"{_NUMBER}%", raw):
        raise AmountError("format", "percent", what=what, text=raw)
    raise AmountError("format", "not_number", what=what, text=raw)


def ascii_digits(text: str) -> str:
    """'７５０' → '750', '١٢．５' → '12.5': what the user meant, for hints only (never read as a number)."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else "." if ch == "．" else ch for ch in text)


def show(amount: Decimal | None, *, blank_zero: bool = False) -> str:
    """Two decimals as the forms print them; '' for None (and for zero when the form leaves zeros blank)."""
    if amount is None or (blank_zero and amount == 0):
        return ""
    return f"{round2(amount):.2f}"


def round2(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def tolerance(addends: int) -> Decimal:
    """How far a sum of `addends` two-decimal figures may drift by rounding alone (尾差): half a cent
    per rounded addend, at least 0.01 and never more than 0.05 万元."""
    return min(max(Decimal("0.005") * addends, CENT), Decimal("0.05"))


def plain(amount: Decimal) -> str:
    """Exact decimal text without exponent or trailing zeros beyond two decimals ('500.746', '12.00')."""
    text = format(amount.normalize(), "f")
    if "." not in text:
        return text + ".00"
    whole, frac = text.split(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def number(value: Decimal) -> str:
    """A plain number as people write it: 200, 299.5, 0.01 (no exponent, no padding)."""
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class Display:
    """How a document shows amounts: in 万元 or 元, with so many decimals, with or without thousands
    separators (in text; a workbook's separators are its number format). Amounts are kept in 万元, exact;
    they are rounded once, here, as they are shown."""

    unit: str = "万元"  # 万元 / 元
    decimals: int = 2
    thousands: bool = False

    @classmethod
    def of(cls, config: object, base: Display | None = None) -> Display:
        """From a format's `{单位: 元, 小数: 0, 千分位: 是}` (missing keys from `base`)."""
        base = base or cls()
        if not isinstance(config, dict):
            return base
        unit = str(config.get("单位", base.unit))
        decimals = int(config.get("小数", 0 if unit == "元" and "单位" in config else base.decimals))
        thousands = config.get("千分位", base.thousands) in (True, "是")
        return cls(unit, decimals, thousands)

    def in_unit(self, unit: str | None) -> Display:
        """This display in another unit (a column in 万元 of a table in 元): 元 without decimals, 万元 with two."""
        if unit is None or unit == self.unit:
            return self
        if unit not in UNITS:
            raise ValueError(f"金额单位只能是 {'、'.join(UNITS)}，不是「{unit}」")
        return Display(unit, 0 if unit == "元" else 2, self.thousands)

    @property
    def step(self) -> Decimal:
        return _step(self.decimals)

    def value(self, wan: Decimal) -> Decimal:
        """An amount (万元) as shown: in this unit, rounded half up to these decimals."""
        return (wan * WAN if self.unit == "元" else wan).quantize(_step(self.decimals), rounding=ROUND_HALF_UP)

    def exact(self, wan: Decimal) -> Decimal:
        """An amount in this unit, not rounded (what a cell under a live sum holds)."""
        return wan * WAN if self.unit == "元" else wan

    def text(self, wan: Decimal, trim: bool = False) -> str:
        """As the words of a document write it: 3,355.65; with `trim`, no trailing zeros (299.3, 1, 0)."""
        shown = self.value(wan)
        if trim:
            shown = shown.normalize() if shown else Decimal(0)
        text = f"{shown:,f}" if self.thousands else format(shown, "f")
        return "0" if text in ("-0", "0E+0") else text

    @property
    def precision(self) -> str:
        """In words, as a message says how figures are shown: 两位小数, 元（不留小数）."""
        digits = {0: "不留小数", 1: "一位小数", 2: "两位小数"}.get(self.decimals, f"{self.decimals} 位小数")
        return digits if self.unit == "万元" else f"元（{digits}）"

    def tolerance(self, addends: int) -> Decimal:
        """How far a sum of `addends` shown figures may miss their shown total by rounding alone (尾差), in
        万元: half a step per addend, at least one step, at most five."""
        step = self.step / WAN if self.unit == "元" else self.step
        return min(max(step / 2 * addends, step), step * 5)


@lru_cache(maxsize=16)
def _step(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


WAN_2 = Display()  # 万元, two decimals: what forms print unless their format says otherwise


class Amount(Decimal):
    """An amount (万元) a document's context offers: a number to a workbook (written as its display
    says), and words to a narrative — str() is the display's text (299.3, 3,355.65)."""

    display: Display

    def __new__(cls, value: Decimal | int | str, display: Display = WAN_2) -> Amount:
        self = super().__new__(cls, value)
        self.display = display
        return self

    def __str__(self) -> str:
        return self.display.text(self, trim=True)
