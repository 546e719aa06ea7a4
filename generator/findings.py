"""Findings: what `check` reports. One shape for people and for machines."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Literal

Severity = Literal["error", "warning"]
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

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def severity_of(code: str) -> Severity:
    """Codes say their severity: E-… errors, W-… warnings."""
    return "warning" if code.startswith("W-") else "error"


def finding(code: str, message: str, *, hint: str | None = None, **where: Any) -> Finding:
    return Finding(code=code, message=message, hint=hint, severity=severity_of(code), **where)


def escalate(findings: Iterable[Finding]) -> list[Finding]:
    """--strict: warnings count as errors."""
    return [Finding(**{**asdict(f), "severity": "error"}) for f in findings]

