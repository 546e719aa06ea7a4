"""Findings: what `check` reports. One shape for people and for machines; every code, with its words,
is defined once in registry.py."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .registry import CODES, Severity

PathT = tuple[str | int, ...]


def format_path(path: PathT) -> str:
    """('项目', 2, '金额') -> '项目[2].金额' (indices shown 1-based, as people count)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""
    hint: str | None = None
    severity: Severity = field(default="error")
    variant: str = ""  # which of the code's messages (registry)
    params: dict[str, str] = field(default_factory=dict, compare=False)  # what the message was made from

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", {})}


DEFAULTS = {"times": "", "suggestion": "", "example": ""}  # optional parts of some messages


def finding(code: str, variant: str = "", /, *, file: str | None = None, line: int | None = None,
            column: int | None = None, path: str = "", **params: Any) -> Finding:
    """A finding of a registered code: its message and hint are the registry's templates for `variant`,
    filled with `params` (kept as text, for machines)."""
    kind = CODES[code]
    text = kind.texts[variant]
    values = {**DEFAULTS, **{k: "" if v is None else str(v) for k, v in params.items()}}
    fill = {**values, "line": line, "column": column}  # a message may say where, too
    hint = text.hint.format_map(fill) if text.hint else None
    return Finding(code=code, message=text.message.format_map(fill), file=file, line=line, column=column,
                   path=path, hint=hint or None, severity=kind.severity, variant=variant,
                   params={k: values[k] for k in params})


def escalate(findings: Iterable[Finding]) -> list[Finding]:
    """--strict: warnings count as errors."""
    return [replace(f, severity="error") for f in findings]
