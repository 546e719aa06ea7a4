"""科目 rules: every code a spec names must be well formed, a leaf, known (or at least named), agree with
the catalog's name and fit the unit."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from ..catalog import LEAF_LENGTH, garbled_code, kind_of, same_name, split_ref
from ..findings import Finding, PathT, format_path
from ..money import ascii_digits
from . import Context

LEVEL_WORD = {"功能": "项（7 位）", "部门经济": "款（5 位）", "政府经济": "款（5 位）"}


def refs(ctx: Context) -> Iterator[tuple[str, str, PathT]]:
    """(expected classification, reference text, path) for every code the spec names."""
    spec = ctx.spec
    for i, line in enumerate(spec.basic_lines):
        if line.function:
            yield "功能", line.function, ("基本支出", i, "功能科目")
        if line.economic:
            yield "部门经济", line.economic, ("基本支出", i, "经济科目")
        if line.government:
            yield "政府经济", line.government, ("基本支出", i, "政府经济科目")
    for i, p in enumerate(spec.projects):
        if p.function:
            yield "功能", p.function, ("项目", i, "功能科目")
        for econ in p.economic:
            yield "部门经济", econ, ("项目", i, "经济科目", econ)
    for i, item in enumerate(spec.procurement):
        if item.function:
            yield "功能", item.function, ("政府采购", i, "功能科目")


def check_codes(ctx: Context) -> Iterable[Finding]:
    # One finding per (problem, code): a code used on twenty lines is one mistake, reported where it first occurs.
    seen: dict[tuple[str, str], list[PathT]] = defaultdict(list)
    made: dict[tuple[str, str], tuple[str, str, dict[str, Any], PathT]] = {}
    for expected, text, path in refs(ctx):
        for code, variant, params in _problems(ctx, expected, str(text)):
            key = (code, split_ref(str(text))[0] or str(text))
            seen[key].append(path)
            made.setdefault(key, (code, variant, params, path))
    for key, (code, variant, params, path) in made.items():
        count = len(seen[key])
        yield ctx.at(code, path, variant, **{**params, "times": f"（共 {count} 处）" if count > 1 else ""})


Problem = tuple[str, str, dict[str, Any]]  # code, variant, parameters


def _problems(ctx: Context, expected: str, text: str) -> Iterator[Problem]:
    code, name = split_ref(text)
    label = {"功能": "功能科目", "部门经济": "经济科目", "政府经济": "政府经济科目"}[expected]
    garbled = garbled_code(text)
    if garbled:
        yield _garbled(ctx, label, text, garbled)
        return
    if code is None:
        guesses = ctx.catalog.by_name(expected, name or "")
        suggestion = ("是否指 " + "、".join(c.label for c in guesses[:5]) + "？") if guesses else "写作如「2010301 行政运行」"
        yield "E-CODE-MALFORMED", "no_code", {"label": label, "text": text, "suggestion": suggestion}
        return
    kind = kind_of(code)
    if kind != expected:
        what = {"功能": "支出功能分类（2 开头，3/5/7 位）", "部门经济": "部门预算经济分类（3 开头，3/5 位）",
                "政府经济": "政府预算经济分类（5 开头，3/5 位）"}[expected]
        yield "E-CODE-MALFORMED", "", {"label": label, "code": code, "classification": what}
        return
    if len(code) != LEAF_LENGTH[kind]:
        children = [c.label for c in ctx.catalog.search(code) if len(c.code) == LEAF_LENGTH[kind]][:6]
        here = ctx.catalog.get(code)
        yield "E-CODE-NOT-LEAF", "", {"label": label, "code": code, "level": here.level if here else "上级",
                                      "leaf": LEVEL_WORD[kind], "suggestion": ("可选：" + "、".join(children)) if children else ""}
        return
    known = ctx.catalog.get(code)
    if known is None:
        parent = ctx.catalog.get(code[:-2])
        where = {"label": label, "code": code, "edition": str(ctx.catalog.edition),
                 "parent": f"（上级「{parent.label}」）" if parent else ""}
        if name:
            same = [c.label for c in ctx.catalog.by_name(kind, name)]
            suggestion = ("同名的科目是 " + "、".join(same) + "，是否写错了编码？") if same else \
                "若为本地科目，可加入 yusuan-codes.yaml 以免此提示"
            yield "W-CODE-UNKNOWN", "", {**where, "name": name, "suggestion": suggestion}
        else:
            yield "E-CODE-UNKNOWN", "", where
        return
    if name and not same_name(name, known.name):
        yield "W-CODE-NAME", "", {"label": label, "code": code, "name": name, "catalog_name": known.name}
    other = _unfit(ctx.spec.unit.kind, known.code, known.name)
    if other:
        yield "W-CODE-UNIT-TYPE", "", {
            "unit_kind": ctx.spec.unit.kind or "", "other": other, "code": known.code, "name": known.name,
            "suggestion": "若本单位为参照公务员法管理的事业单位，请将 单位.性质 写作「参公」"
            if ctx.spec.unit.kind == "事业" else "核对单位性质或科目"}


def _garbled(ctx: Context, label: str, text: str, code: str) -> Problem:
    """A code that is not plain ASCII digits: '30299x', '２０１０３０１'."""
    meant = ascii_digits(code)
    if meant.isascii() and meant.isdigit():
        return "E-CODE-MALFORMED", "fullwidth", {"label": label, "text": text, "meant": meant}
    digits = "".join(ch for ch in meant if ch in "0123456789")
    known = ctx.catalog.get(digits)
    example = f"：是否指「{known.label}」？" if known else f"，如「{digits} 名称」"
    return "E-CODE-MALFORMED", "letters", {"label": label, "text": text, "example": example}


def economic_mapping(ctx: Context) -> Iterable[Finding]:
    """A 政府经济科目 stated on a line should be the one the 对照表 gives for its 部门经济科目."""
    for i, line in enumerate(ctx.spec.basic_lines):
        econ, gov = split_ref(line.economic or "")[0], split_ref(line.government or "")[0]
        if not (econ and gov):
            continue
        expected = ctx.catalog.government(econ, ctx.spec.unit.kind)
        if expected and expected != gov:
            names = {c: f"{c} {ctx.catalog.name(c) or ''}".strip() for c in (econ, gov, expected)}
            yield ctx.at("W-ECON-MAP", ("基本支出", i, "政府经济科目"), economic=names[econ], expected=names[expected],
                         given=names[gov])


def fund_codes(ctx: Context) -> Iterable[Finding]:
    """政府性基金 money should be spent under the 政府性基金预算支出 功能科目, not under a 一般公共预算 one.
    One finding per project or 基本支出 line and code."""
    seen: set[tuple] = set()
    for e in ctx.figures.ledger:
        where = e.path[:2]  # ("项目", i) or ("基本支出", i)
        if e.fund != "政府性基金" or not e.function or (where, e.function) in seen:
            continue
        seen.add((where, e.function))
        if ctx.catalog.budget(e.function) != "一般公共预算":
            continue
        who = f"项目「{e.project}」" if e.project else format_path(where)
        name = ctx.catalog.name(e.function) or ctx.catalog.name(e.function[:5]) or ""
        yield ctx.at("W-FUND-CODE", where + ("功能科目",), who=who, code=e.function, name=name)


def _unfit(unit_kind: str | None, code: str, name: str) -> str | None:
    """The other kind of unit whose 科目 this is ("行政" / "事业"), when it does not fit the unit."""
    if unit_kind == "事业" and (name == "行政运行" or code == "2101101"):
        return "行政"
    if unit_kind in ("行政", "参公") and (name == "事业运行" or code == "2101102"):
        return "事业"
    return None


RULES = [check_codes, economic_mapping, fund_codes]
