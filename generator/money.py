"""Money: exact decimals read from the text the user typed, shown with two decimals (四舍五入)."""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
WAN = Decimal(10000)  # 元 per 万元

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
