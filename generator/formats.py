"""Formats: a region's form set is data — `templates/<name>.yaml` beside the `templates/xlsx/<name>/` and
`templates/docx/<name>/` folders. Adding a region needs no Python."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT = "mof"


def templates_dir() -> Path:
    """YUSUAN_TEMPLATES if set, else the project's own templates/ folder."""
    env = os.environ.get("YUSUAN_TEMPLATES")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "templates"


class FormatError(ValueError):
    """A format file that cannot be read."""


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    rules: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    documents: tuple[dict, ...] = ()  # 文档: name, template (relative to templates/), tables

    def rule(self, key: str, default: Any = None) -> Any:
        return self.rules.get(key, default)


def available() -> list[str]:
    return sorted(p.stem for p in templates_dir().glob("*.yaml"))


@lru_cache(maxsize=None)
def load_format(name: str) -> Format:
    path = templates_dir() / f"{name}.yaml"
    if not path.is_file():
        raise KeyError(name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise FormatError(f"格式文件 {path} 无法读取：{exc}") from None
    return Format(name=name, title=data.get("名称", name), rules=data.get("规则") or {}, path=path,
                  documents=tuple(data.get("文档") or ()))
