"""Formats: a region's form set is data — `<name>.yaml` beside its `xlsx/<name>/` and `docx/<name>/`
template folders. Adding a region needs no Python.

Template folders are layered, user first (as mkdocs' `custom_dir`): `--templates DIR`, the workspace's
`templates/` (in the spec's folder or any folder above it), `YUSUAN_TEMPLATES`, then the templates
bundled with the package. A format file, and each template it names, comes from the first layer that
has it, so a workspace can override one workbook of a bundled format without copying the rest."""
from __future__ import annotations

import importlib.resources
import os
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

DEFAULT = "mof"
WORKSPACE_DIR = "templates"
NAME = re.compile(r"^[\w\-]+$")  # a format name: letters (any script), digits, _ and -, nothing else


class FormatError(ValueError):
    """A format file that cannot be used; the message is for people."""


class UnknownFormat(FormatError):
    """A name that is no format of the layers."""


@dataclass(frozen=True)
class Layer:
    path: Path
    origin: str  # --templates / 工作区 / YUSUAN_TEMPLATES / 内置

    @property
    def label(self) -> str:
        return f"{self.origin} {self.path}"


def bundled_dir() -> Path | None:
    """The templates shipped in the package (the repository's templates/ in a source checkout)."""
    try:
        return Path(str(importlib.resources.files("generator.templates")))
    except ModuleNotFoundError:
        return None


def has_templates(folder: Path) -> bool:
    """Whether a folder holds anything a layer can offer: a format file or a template folder."""
    return folder.is_dir() and (any(folder.glob("*.yaml")) or (folder / "xlsx").is_dir() or (folder / "docx").is_dir())


def workspace_dir(start: Path) -> Path | None:
    """The nearest `templates/` folder with templates in `start` or a folder above it."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        candidate = folder / WORKSPACE_DIR
        if has_templates(candidate):
            return candidate
    return None


@dataclass(frozen=True)
class Templates:
    """The layer stack one spec (or one command) sees, and what is wrong with it."""

    layers: tuple[Layer, ...]
    problems: tuple[str, ...] = ()

    def find(self, relative: str) -> tuple[Path, Layer] | None:
        for layer in self.layers:
            path = layer.path / relative
            if path.is_file():
                return path, layer
        return None

    def names(self) -> list[str]:
        return sorted({p.stem for layer in self.layers for p in layer.path.glob("*.yaml") if NAME.match(p.stem)})

    def format(self, name: str) -> Format:
        """The format `name` with every template resolved. Raises FormatError."""
        return _load_format(self, name)


def templates_for(start: Path | None = None, explicit: Path | None = None) -> Templates:
    """The layers for a spec in folder `start` (or the current folder), with `--templates` if given."""
    return _templates_for((start or Path.cwd()).resolve(), explicit, os.environ.get("YUSUAN_TEMPLATES") or None)


@lru_cache(maxsize=1024)
def _templates_for(start: Path, explicit: Path | None, env: str | None) -> Templates:
    layers: list[Layer] = []
    problems: list[str] = []
    bundled = bundled_dir()

    def add(path: Path | None, origin: str, required: str | None) -> None:
        """Add a folder as a layer; a required one that is missing or empty is a problem, named by `required`."""
        if path is not None and has_templates(path):
            seen = [layer.path.resolve() for layer in layers] + ([bundled.resolve()] if bundled and origin != "内置" else [])
            if path.resolve() not in seen:  # a folder is one layer; the bundled folder is always 内置
                layers.append(Layer(path, origin))
        elif required:
            state = "不存在" if path is None or not path.is_dir() else "是空的（没有 *.yaml 格式文件，也没有 xlsx/、docx/ 模板文件夹）"
            problems.append(f"{required}{f' {path} ' if path else ''}{state}")

    if explicit is not None:
        add(explicit, "--templates", "--templates 指定的模板文件夹")
    add(workspace_dir(start), "工作区", None)
    if env:
        add(Path(env), "YUSUAN_TEMPLATES", "环境变量 YUSUAN_TEMPLATES 指定的模板文件夹")
    add(bundled, "内置", "安装不完整（请重新安装 yusuan）：内置模板文件夹")
    return Templates(tuple(layers), tuple(problems))


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    rules: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    layer: Layer | None = None
    documents: tuple[dict, ...] = ()  # 文档: 名称, 模板 (relative to a templates folder), 表 …
    files: dict[str, tuple[Path, Layer]] = field(default_factory=dict)  # 模板 → where it was found

    def rule(self, key: str, default: Any = None) -> Any:
        return self.rules.get(key, default)

    def template(self, document: dict) -> Path:
        return self.files[document["模板"]][0]

    def table_names(self) -> set[str]:
        """The tables (worksheets) the format's workbooks print: what a 公布数 may name in its 表."""
        return {name for path, _ in self.files.values() if path.suffix == ".xlsx" for name in sheet_names(path)}

    def sources(self) -> list[Path]:
        """Every file the format's outputs depend on: its YAML and its templates."""
        return [p for p in (self.path, *(path for path, _ in self.files.values())) if p is not None]


@lru_cache(maxsize=256)
def _load_format(templates: Templates, name: str) -> Format:
    if not NAME.match(name):
        raise UnknownFormat(f"「{name}」不是格式名（格式名只含文字、数字、_ 和 -，如 mof、hunan）")
    hit = templates.find(f"{name}.yaml")
    if hit is None:
        raise UnknownFormat(f"未知的格式「{name}」")
    path, layer = hit
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FormatError(f"格式文件 {path} 无法读取：{exc}") from None
    if not isinstance(data, dict):
        raise FormatError(f"格式文件 {path} 的顶层应为「键: 值」映射")
    documents = tuple(data.get("文档") or ())
    files: dict[str, tuple[Path, Layer]] = {}
    for doc in documents:
        relative = str(doc.get("模板", "")) if isinstance(doc, dict) else ""
        found = templates.find(relative) if relative and ".." not in Path(relative).parts else None
        if found is None:
            raise FormatError(f"格式「{name}」（{path}）的模板「{relative}」在模板文件夹中不存在："
                              + "、".join(layer.label for layer in templates.layers))
        files[relative] = found
    return Format(name=name, title=str(data.get("名称", name)), rules=data.get("规则") or {}, path=path, layer=layer,
                  documents=documents, files=files)


@lru_cache(maxsize=256)
def sheet_names(path: Path) -> tuple[str, ...]:
    """A workbook's worksheet names, read from its workbook part only."""
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    return tuple(el.get("name", "") for el in root.iter() if el.tag.endswith("}sheet"))
