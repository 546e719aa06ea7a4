"""Load a YAML file into a typed model — a unit's `Spec`, a 部门, a format — every problem a located finding:
YAML → data with positions (yamlsrc) → pydantic model, whose errors become findings at their line with a
"did you mean" for unknown keys."""
from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..findings import Finding
from .model import Spec
from .yamlsrc import Document, read_document


@dataclass
class Loaded:
    doc: Document
    spec: Any = None  # the model (a Spec for load_spec), None when it could not be made
    findings: list[Finding] = field(default_factory=list)


def load_spec(path: Path) -> Loaded:
    return load_model(path, Spec)


def load_model(path: Path, model: type[BaseModel], top: str = "top") -> Loaded:
    """`model` from a YAML file whose top level is a mapping; amounts in it follow its 「金额单位」. `top`: the
    E-SCHEMA-TYPE variant that says what the file should look like."""
    doc = read_document(path)
    out = Loaded(doc=doc, findings=list(doc.findings))
    if doc.data is None:
        return out
    if not isinstance(doc.data, dict):
        out.findings.append(doc.at("E-SCHEMA-TYPE", (), top))
        return out
    try:
        out.spec = model.model_validate(doc.data, context={"unit": doc.data.get("金额单位")})
    except ValidationError as exc:
        out.findings.extend(_schema_finding(doc, err, model) for err in exc.errors())
    return out


_TYPE_WORDS = {
    "string_type": "文字", "int_type": "整数", "int_parsing": "整数", "int_from_float": "整数",
    "list_type": "列表（每项以「- 」开头）", "tuple_type": "列表（每项以「- 」开头）",
    "dict_type": "映射（「键: 值」）", "model_type": "映射（「键: 值」）",
    "model_attributes_type": "映射（「键: 值」）", "bool_type": "是/否", "bool_parsing": "是/否",
}


def _schema_finding(doc: Document, err: Any, root: type[BaseModel] = Spec) -> Finding:
    loc: tuple = tuple(err["loc"])
    kind: str = err["type"]
    ctx = err.get("ctx") or {}
    label = _label(loc)
    got = err.get("input")
    if kind == "yusuan":  # our own validators say which finding (model._refuse)
        return doc.at(ctx["code"], loc, ctx["variant"], label=label, **ctx["params"])
    if kind == "missing":
        typo = difflib.get_close_matches(str(loc[-1]), list(got) if isinstance(got, dict) else [], n=1, cutoff=0.4)
        return doc.at("E-SCHEMA-MISSING", loc[:-1], key=True, name=loc[-1],
                      within=f"（在「{_label(loc[:-1])}」中）" if loc[:-1] else "",
                      suggestion=f"「{typo[0]}」是否为「{loc[-1]}」的笔误？" if typo else "")
    if kind == "extra_forbidden":
        known = _aliases_at(loc[:-1], root)
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.4)
        suggestion = f"是否想写「{guess[0]}」？" if guess else ("此处可用的键：" + "、".join(known) if known else "")
        return doc.at("E-SCHEMA-UNKNOWN-KEY", loc, key=True, name=loc[-1], suggestion=suggestion)
    if kind == "literal_error":
        return doc.at("E-SCHEMA-ENUM", loc, label=label, got=got,
                      choices=str(ctx.get("expected", "")).replace("'", ""))
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return doc.at("E-SCHEMA-RANGE", loc, label=label, got=got, detail=err["msg"])
    if kind in _TYPE_WORDS:
        return doc.at("E-SCHEMA-TYPE", loc, label=label, expected=_TYPE_WORDS[kind],
                      got="空" if got is None else f"「{_short(got)}」")
    return doc.at("E-SCHEMA-TYPE", loc, "detail", label=label, detail=err["msg"])


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "映射（" + "、".join(map(str, list(value)[:4])) + "…）"
    if isinstance(value, list):
        return f"列表（{len(value)} 项）"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _label(loc: tuple) -> str:
    from ..findings import format_path
    return format_path(tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-"))))


def _aliases_at(loc: tuple, root: type[BaseModel] = Spec) -> list[str]:
    """The YAML keys allowed at `loc` (for "did you mean")."""
    model: Any = root
    for part in loc:
        model = _unwrap(model)
        if isinstance(part, int):
            continue
        if typing.get_origin(model) is dict:  # a key of a mapping whose keys are data (a format's 表)
            model = typing.get_args(model)[1]
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        fld = next((f for f in model.model_fields.values() if f.alias == part), None)
        if fld is None:
            return []
        model = fld.annotation
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias for f in model.model_fields.values() if f.alias]
    return []


def _unwrap(tp: Any) -> Any:
    """Optional[X] / list[X] / tuple[X, ...] → X."""
    while True:
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        elif origin in (list, tuple) or origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        else:
            return tp
