"""Print findings for people (grouped by file, with the YAML line they point at) or as JSON."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from .findings import Finding

LABEL = {"error": "[bold red]错误[/]", "warning": "[yellow]警告[/]"}


def _source_lines(file: str, cache: dict[str, list[str]]) -> list[str]:
    if file not in cache:
        try:
            cache[file] = Path(file).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            cache[file] = []
    return cache[file]


def print_findings(console: Console, findings: Iterable[Finding], files: Iterable[str] = ()) -> None:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_file[f.file or ""].append(f)
    cache: dict[str, list[str]] = {}
    out: list[str] = []  # markup lines, printed at once (a print per line costs ~0.2 ms)
    for file in dict.fromkeys([*files, *by_file]):
        items = sorted(by_file.get(file, []), key=lambda f: (f.line or 0, f.column or 0, f.code))
        if not items:
            out.append(f"[green]✓[/] {escape(file)}")
            continue
        errors = sum(f.is_error for f in items)
        out.append(f"[bold]{escape(file)}[/]  {errors} 个错误，{len(items) - errors} 个警告")
        lines = _source_lines(file, cache)
        for f in items:
            where = f"{f.line}:{f.column or 1}" if f.line else "-"
            out.append(f"  {where:>7}  {LABEL[f.severity]} [dim]{f.code}[/]  {escape(f.message)}")
            if f.path:
                out.append(f"           [dim]位置：{escape(f.path)}[/]")
            if f.line and lines:
                around = 2 if f.code == "E-YAML-SYNTAX" else 0
                for n in range(max(1, f.line - around), min(len(lines), f.line + around) + 1):
                    text, col = source_window(lines[n - 1], f.column or 1 if n == f.line else 1)
                    out.append(f"    [dim]{n:>5} |[/] {escape(text)}")
                    if n == f.line:
                        pad = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text[: col - 1])
                        out.append(f"    [dim]      |[/] {' ' * pad}[red]^[/]")
            if f.hint:
                out.append(f"           [cyan]提示：{escape(f.hint)}[/]")
        out.append("")
    if out:
        console.print("\n".join(out), soft_wrap=True, emoji=False)


SHOWN = 160  # characters of a source line shown around the column a finding points at


def source_window(line: str, column: int) -> tuple[str, int]:
    """A long line cut to SHOWN characters around `column` (… where cut), and the column within the cut."""
    if len(line) <= SHOWN:
        return line, column
    start = max(0, min(column - 1 - SHOWN // 2, len(line) - SHOWN))
    cut = line[start:start + SHOWN]
    return ("…" if start else "") + cut + ("…" if start + SHOWN < len(line) else ""), column - start + (1 if start else 0)


def summary(findings: list[Finding], files: int) -> str:
    errors = sum(f.is_error for f in findings)
    return f"{files} 个文件：{errors} 个错误，{len(findings) - errors} 个警告"


def print_counts(console: Console, results: list[tuple[str, list[Finding]]]) -> None:
    """One line per file: its errors and warnings, counted by code (check --summary)."""
    for file, findings in results:
        errors = sum(f.is_error for f in findings)
        codes = Counter(f.code for f in findings)
        by_code = "、".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(codes.items()))
        mark = "[green]✓[/]" if not errors else "[red]✗[/]"
        console.print(f"{mark} {escape(file)}  {errors} 个错误，{len(findings) - errors} 个警告"
                      + (f"（{by_code}）" if by_code else ""), soft_wrap=True)


def findings_json(results: list[tuple[str, list[Finding]]]) -> dict[str, Any]:
    files = []
    for file, findings in results:
        errors = sum(f.is_error for f in findings)
        files.append({"file": file, "ok": errors == 0, "errors": errors, "warnings": len(findings) - errors,
                      "findings": [f.to_dict() for f in findings]})
    return {"ok": all(f["ok"] for f in files), "errors": sum(f["errors"] for f in files),
            "warnings": sum(f["warnings"] for f in files), "files": files}


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
