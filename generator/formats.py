"""Formats: a region's form set is data — `<name>.yaml` beside its `xlsx/<name>/` and `docx/<name>/`
template folders. Adding a region needs no Python.

Template folders are layered, user first (as mkdocs' `custom_dir`): `--templates DIR`, the workspace's
`templates/` (in the spec's folder or any folder above it), `YUSUAN_TEMPLATES`, then the templates
bundled with the package. A format file, and each template it names, comes from the first layer that
has it, so a workspace can override one workbook of a bundled format without copying the rest."""
from __future__ import annotations

import copy
import importlib.resources
import os
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from .findings import Finding
from .format_model import FormatFile, usable_template
from .spec.load import load_model
from .spec.yamlsrc import Document

DEFAULT = "mof"
WORKSPACE_DIR = "templates"
NAME = re.compile(r"^[\w\-]+$")  # a format name: letters (any script), digits, _ and -, nothing else


class FormatError(ValueError):
    """A format file that cannot be used; the message is for people, `findings` say where (each at its line)."""

    def __init__(self, message: str, findings: tuple[Finding, ...] = ()):
        super().__init__(message)
        self.findings = findings


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
        return _load_format(self, name, _version(self, name))


def templates_for(start: Path | None = None, explicit: Path | None = None) -> Templates:
    """The layers for a spec in folder `start` (or the current folder), with `--templates` if given. The
    workspace folder is looked for on every call: a process that lives on (a batch's parent, a library
    user) sees one made since."""
    return _templates_for(workspace_dir(start or Path.cwd()), explicit, os.environ.get("YUSUAN_TEMPLATES") or None)


@lru_cache(maxsize=1024)
def _templates_for(workspace: Path | None, explicit: Path | None, env: str | None) -> Templates:
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
    add(workspace, "工作区", None)
    if env:
        add(Path(env), "YUSUAN_TEMPLATES", "环境变量 YUSUAN_TEMPLATES 指定的模板文件夹")
    add(bundled, "内置", "安装不完整（请重新安装 yusuan）：内置模板文件夹")
    return Templates(tuple(layers), tuple(problems))


class Frozen(dict):
    """A format's data as the renderers read it (doc["表"] …): a dict that cannot be changed, since every
    spec shares it. A deep copy is a plain dict, to be changed at will (a variant of a format in a test)."""

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("格式的数据不能修改（先 copy.deepcopy）")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict) -> dict:
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self) -> tuple:
        return Frozen, (dict(self),)


def frozen(value: Any) -> Any:
    """Plain data (a model dumped) as Frozen dicts and tuples, all the way down."""
    if isinstance(value, dict):
        return Frozen({k: frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    rules: dict[str, Any] = field(default_factory=Frozen)  # 规则 as written (typed): key → value
    path: Path | None = None
    layer: Layer | None = None
    documents: tuple[dict, ...] = ()  # 文档 as written (typed, read-only): 名称, 模板 (relative to a templates folder), 表 …
    files: dict[str, tuple[Path, Layer]] = field(default_factory=dict)  # 模板 → where it was found
    model: FormatFile | None = None  # the validated format file

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


def file_version(path: Path) -> tuple[int, int] | None:
    """What tells a file's versions apart in a process that outlives an edit: its mtime and size."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _version(templates: Templates, name: str) -> tuple[int, int] | None:
    hit = templates.find(f"{name}.yaml") if NAME.match(name) else None
    return file_version(hit[0]) if hit else None


@lru_cache(maxsize=256)
def _load_format(templates: Templates, name: str, version: tuple[int, int] | None) -> Format:
    read = _read_format(templates, name, version)
    if read.format is None:
        raise FormatError(_summary(name, read.findings), read.findings)
    return read.format


@dataclass(frozen=True)
class Read:
    """A format file as read: the Format (None when anything in it is an error), what is wrong with it,
    and the file itself (its data and where each key is)."""

    format: Format | None
    findings: tuple[Finding, ...]
    doc: Document


def read_format(templates: Templates, name: str) -> Read:
    """The format `name` and what is wrong with its file, each problem a finding at its line. Raises
    UnknownFormat for a name that is no format of the layers."""
    return _read_format(templates, name, _version(templates, name))


@lru_cache(maxsize=256)
def _read_format(templates: Templates, name: str, version: tuple[int, int] | None) -> Read:
    if not NAME.match(name):
        raise UnknownFormat(f"「{name}」不是格式名（格式名只含文字、数字、_ 和 -，如 mof）")
    hit = templates.find(f"{name}.yaml")
    if hit is None:
        raise UnknownFormat(f"未知的格式「{name}」")
    path, layer = hit
    loaded = load_model(path, FormatFile, top="top_format")
    findings = list(loaded.findings)
    model: FormatFile | None = loaded.spec
    files: dict[str, tuple[Path, Layer]] = {}
    for i, template in template_names(loaded.doc):
        found = templates.find(template)
        if found is None:
            findings.append(loaded.doc.at("E-FORMAT-TEMPLATE-FILE", ("文档", i, "模板"), template=template,
                                          layers="、".join(layer.label for layer in templates.layers)))
        else:
            files[template] = found
    if model is None or any(f.is_error for f in findings):
        return Read(None, tuple(findings), loaded.doc)
    rules = model.rules.model_dump(by_alias=True, exclude_none=True) if model.rules else {}
    fmt = Format(name=name, title=model.title, rules=frozen(rules), path=path, layer=layer,
                 documents=frozen([{**({"日期": model.dates} if model.dates else {}),
                                    **d.model_dump(by_alias=True, exclude_none=True)} for d in model.documents]),
                 files=files, model=model)
    return Read(fmt, tuple(findings), loaded.doc)


def template_names(doc: Document) -> list[tuple[int, str]]:
    """(index, 模板) of each document of a format file that names a usable template path, read from the file
    as written: a template is looked for even when other parts of the file are wrong."""
    data = doc.data if isinstance(doc.data, dict) else {}
    docs = data.get("文档")
    return [(i, d["模板"]) for i, d in enumerate(docs if isinstance(docs, list) else [])
            if isinstance(d, dict) and isinstance(d.get("模板"), str) and usable_template(d["模板"])]


def _summary(name: str, findings: tuple[Finding, ...]) -> str:
    """What `check` says of a format it cannot use: the first few problems, where they are."""
    errors = sorted((f for f in findings if f.is_error), key=lambda f: (f.file or "", f.line or 0, f.column or 0))
    shown = "；".join((f"第 {f.line} 行：" if f.line else "") + f.message + (f"（{f.hint}）" if f.hint else "")
                     for f in errors[:3])
    more = f"；共 {len(errors)} 处" if len(errors) > 3 else ""
    where = errors[0].file if errors else name
    return f"格式「{name}」（{where}）有误：{shown}{more}。运行 yusuan formats check {name} 查看全部"


@lru_cache(maxsize=256)
def sheet_names(path: Path) -> tuple[str, ...]:
    """A workbook's worksheet names, read from its workbook part only."""
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    return tuple(el.get("name", "") for el in root.iter() if el.tag.endswith("}sheet"))
