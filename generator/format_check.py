"""`yusuan formats check`: a format's file and every template it names, checked against the format model
and the vocabulary (generator/vocabulary.py), every problem at once and where it is — the format file's
line, the workbook's sheet and cell, the Word file's part:

- the format file: unknown keys (with "did you mean"), values that are no choice, figure expressions that
  name no figure, row sources that are not exactly one, templates that are not there (format_model.py);
- a workbook: a sheet the format names that it lacks (saying when the names differ only by spaces or
  full/half-width), placeholders whose value or field the sheet does not have, figure expressions that
  name no figure, a block the format gives that has no repeated row;
- a Word file: names, fields and filters the context does not have, helper arguments that are no figure,
  no 上年对比 or no choice.

A template that does not compile is one finding (E-TEMPLATE), as `build` would report it."""
from __future__ import annotations

import difflib
import html
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from pydantic import ValidationError

from .findings import Finding, finding
from .format_model import Source, Table
from .formats import Templates, read_format, template_names
from .money import UNITS
from .render.docx import MARKS, DocxForm
from .render.placeholders import Placeholder, TemplateError, compile_text
from .render.words import FILTERS
from .render.xlsx import SheetTemplate, XlsxTemplate
from .spec.yamlsrc import Document
from .vocabulary import CHANGE_CELLS, DOCX, EACH, HELPERS, SHEET, SHEET_SPECIAL, Value, change_problem, figure_problem

UNREADABLE = (TemplateError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, TemplateSyntaxError)


def check_format(templates: Templates, name: str) -> list[Finding]:
    """Every problem of the format `name`. Raises UnknownFormat."""
    read = read_format(templates, name)
    found = list(read.findings)
    for doc in _documents(read.doc):
        hit = templates.find(doc.template)
        if hit is None:
            continue  # reported with the format file
        path = hit[0]
        if path.suffix == ".xlsx":
            found += _workbook(read.doc, doc, path, name)
        elif path.suffix == ".docx":
            found += _word(path, name)
    return list(dict.fromkeys(found))  # one finding once, however often a template repeats it


# --- what of the format file can be used, even when parts of it are wrong ---------------------------------

@dataclass(frozen=True)
class _Doc:
    index: int
    template: str
    tables: dict[str, Table | None]  # None: a table whose settings are wrong (reported with the file)


def _documents(doc: Document) -> list[_Doc]:
    out = []
    for i, template in template_names(doc):
        tables = doc.data["文档"][i].get("表")
        out.append(_Doc(i, template, {sheet: _valid(t) for sheet, t in (tables if isinstance(tables, dict) else {}).items()}))
    return out


def _valid(raw: Any) -> Table | None:
    try:
        return Table.model_validate(raw or {})
    except ValidationError:
        return None


# --- workbooks ---------------------------------------------------------------------------------------------

def _workbook(file: Document, doc: _Doc, path: Path, name: str) -> list[Finding]:
    """A workbook against its document in the format file (`file`, where its keys are)."""
    try:
        tpl = XlsxTemplate(path)
    except UNREADABLE as exc:
        return [finding("E-TEMPLATE", file=str(path), format=name, reason=exc)]
    out = []
    for sheet in doc.tables:
        if sheet not in tpl.sheets:
            out.append(file.at("E-FORMAT-SHEET", ("文档", doc.index, "表", sheet), key=True, sheet=sheet,
                               template=doc.template, suggestion=_sheet_hint(sheet, list(tpl.sheets))))
    loose = {_loose(s): s for s in doc.tables}
    for sheet, st in tpl.sheets.items():
        listed = sheet if sheet in doc.tables else loose.get(_loose(sheet))  # a near miss is reported above
        table = doc.tables[listed] if listed is not None else Table()
        blocks = table.sources if table is not None else {}
        try:
            spans = {b for b, _, _ in st.blocks(list(blocks))}
        except TemplateError as exc:
            out.append(finding("E-FORMAT-SOURCE", "broken", file=str(path), path=sheet, reason=exc))
            spans = set(blocks)
        for block in blocks.keys() - spans:
            at = ("文档", doc.index, "表", listed or sheet) + (("行",) if block == "行" else ("块", block))
            out.append(file.at("E-FORMAT-SOURCE", at, "unused", key=True, block=block, sheet=sheet))
        out += _cells(st, _sheet_values(table, blocks), path, strict=table is not None)
    return out + _texts(file, doc, name)


def _texts(file: Document, doc: _Doc, name: str) -> list[Finding]:
    """The texts the format file itself writes into a table (无数据说明, a panel line's 项目): their
    placeholders name the sheet's values (never a row's), reported at their line of the format file."""
    out = []
    for sheet, table in doc.tables.items():
        raw = file.data["文档"][doc.index]["表"][sheet]
        values = _sheet_values(table, {})
        for at, text in _strings(raw, ("文档", doc.index, "表", sheet)):
            try:
                compiled = compile_text(text)
            except TemplateError as exc:
                out.append(file.at("E-TEMPLATE", at, format=name, reason=exc))
                continue
            for ph in compiled.placeholders if compiled else ():
                problem = _placeholder(ph, values, strict=True)
                if problem is not None:
                    code, variant, params = problem
                    out.append(file.at(code, at, variant, where=f"格式中「{sheet}」的文字", text=ph.text, **params))
    return out


def _strings(raw: Any, at: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(raw, str):
        yield at, raw
    elif isinstance(raw, dict):
        for key, value in raw.items():
            yield from _strings(value, (*at, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            yield from _strings(value, (*at, i))


def _cells(st: SheetTemplate, values: dict[str, Value], path: Path, strict: bool) -> list[Finding]:
    """The placeholders of one template sheet against the values it has. A value the sheet lacks is
    reported at its first cell only."""
    out, unknown = [], set()
    for row in st.rows:
        for cell in row.cells:
            for ph in (p for p in cell.text.parts if isinstance(p, Placeholder)) if cell.text else ():
                problem = _placeholder(ph, values, strict)
                if problem is None:
                    continue
                code, variant, params = problem
                if (code, variant) == ("E-FORMAT-PLACEHOLDER", ""):
                    if ph.root in unknown:
                        continue
                    unknown.add(ph.root)
                out.append(finding(code, variant, file=str(path), path=f"{st.name}!{cell.letter}{row.r}",
                                   where=f"工作表「{st.name}」{cell.letter}{row.r}", text=ph.text, **params))
    return out


def _sheet_values(table: Table | None, blocks: dict[str, Source]) -> dict[str, Value]:
    values = dict(SHEET)
    if table is not None and table.each:
        values[table.each] = EACH[table.each]
    values.update({root: source.row_value() for root, source in blocks.items()})
    return values


def _placeholder(ph: Placeholder, values: dict[str, Value], strict: bool) -> tuple[str, str, dict] | None:
    """What is wrong with a placeholder in a sheet whose values are `values` (not `strict`: the sheet's own
    blocks are unknown, so only the names every sheet has are checked)."""
    if ph.root == "数" and not ph.fields:
        problem = figure_problem(ph.expr or "")
        return ("E-FORMAT-FIGURE", "template", {"figure": ph.expr, "reason": problem}) if problem else None
    if ph.root in CHANGE_CELLS and not ph.fields:
        problem = change_problem(ph.expr or "")
        return ("E-FORMAT-FIGURE", "template", {"figure": ph.expr, "reason": problem}) if problem else None
    if ph.root in SHEET_SPECIAL:
        return _path(Value(SHEET_SPECIAL[ph.root]), ph.root, ph.fields, ph.expr)
    if ph.root not in values:
        if not strict:
            return None
        known = [*values, *SHEET_SPECIAL]
        return "E-FORMAT-PLACEHOLDER", "", {"name": ph.root, "suggestion": _guess(ph.root, known, "可用：")}
    return _path(values[ph.root], ph.root, ph.fields, ph.expr)


def _path(value: Value, owner: str, fields: Iterable[str], expr: str | None) -> tuple[str, str, dict] | None:
    """Follow fields from a value; then a figure within it, if `expr`."""
    for name in fields:
        if value.fields is None or name not in value.fields:
            known = list(value.fields or ())
            hint = _guess(name, known, "它的字段：") if known else f"「{owner}」是单个值，没有字段"
            return "E-FORMAT-PLACEHOLDER", "field", {"owner": owner, "name": name, "suggestion": hint}
        owner, value = f"{owner}.{name}", value.fields[name]
    if expr is None:
        return None
    if not value.scoped:
        return "E-FORMAT-PLACEHOLDER", "scope", {"owner": owner}
    problem = figure_problem(expr)
    return ("E-FORMAT-FIGURE", "template", {"figure": expr, "reason": problem}) if problem else None


def _loose(name: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name))


def _sheet_hint(sheet: str, sheets: list[str]) -> str:
    near = [s for s in sheets if _loose(s) == _loose(sheet)]
    if near:
        return f"模板中有「{near[0]}」，与格式中的名称只差空格或全角/半角：两处要写得一样"
    return _guess(sheet, sheets, "模板中的工作表：")


def _guess(name: str, known: list[str], listing: str) -> str:
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.4)
    return f"是否想写「{guess[0]}」？" if guess else listing + "、".join(known)


# --- Word files --------------------------------------------------------------------------------------------

_ENV = ImmutableSandboxedEnvironment()
_DICT_METHODS = frozenset(("get", "items", "keys", "values"))


def _word(path: Path, name: str) -> list[Finding]:
    try:
        form = DocxForm(path, FILTERS)
        sources = {part: form._prepared(part, data) for part, data in form.parts.items()}
    except UNREADABLE as exc:
        return [finding("E-TEMPLATE", file=str(path), format=name, reason=exc)]
    out = []
    for part, xml in sources.items():
        if xml is None or not any(mark in xml for mark in MARKS):
            continue
        where = f"模板 {path.name} 的 {part}"
        try:
            tree = _ENV.parse(xml)
        except TemplateSyntaxError as exc:
            out.append(finding("E-TEMPLATE", file=str(path), path=part, format=name, reason=f"{where}：{exc.message}"))
            continue
        walker = _Names()
        walker.walk(tree, {**DOCX, **dict.fromkeys([*HELPERS, *_ENV.globals])})
        out += [finding(code, variant, file=str(path), path=part, where=where, **params)
                for code, variant, params in walker.problems]
    try:
        form._templates  # noqa: B018  compiles every part as build does (raises TemplateError)
    except TemplateError as exc:
        if not any(f.variant == "filter" for f in out):  # Jinja refuses an unknown filter when compiling
            out.append(finding("E-TEMPLATE", file=str(path), format=name, reason=exc))
    return out


class _Names:
    """The names a Jinja template uses, checked against the docx vocabulary; loop variables take the
    shape of what they loop over. A value of unknown shape (None) is not looked into."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str, dict[str, Any]]] = []

    def walk(self, node: nodes.Node, scope: dict[str, Value | None]) -> None:
        if isinstance(node, nodes.For):
            value = self.value(node.iter, scope)
            item = Value(value.text, value.fields, scoped=value.scoped) if value is not None and value.many else None
            inner = {**scope, "loop": None, **_bound(node.target, item)}
            for child in [*([node.test] if node.test else []), *node.body]:
                self.walk(child, inner)
            for child in node.else_:
                self.walk(child, scope)
        elif isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for child in [node.node] if isinstance(node, nodes.Assign) else node.body:
                self.walk(child, scope)
            scope.update(_bound(node.target, None))
        elif isinstance(node, (nodes.Macro, nodes.CallBlock, nodes.With)):
            names = node.targets if isinstance(node, nodes.With) else node.args
            inner = {**scope, **{n: None for target in names for n in _bound(target, None)}, "caller": None}
            for child in node.iter_child_nodes():
                self.walk(child, inner)
        elif isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self.value(node, scope)
        else:
            if isinstance(node, nodes.Call):
                self.call(node)
            if isinstance(node, nodes.Filter) and node.name not in FILTERS and node.name not in _ENV.filters:
                self.problems.append(("E-FORMAT-PLACEHOLDER", "filter",
                                      {"name": node.name, "suggestion": _guess(node.name, list(FILTERS), "可用：")}))
            for child in node.iter_child_nodes():
                self.walk(child, scope)

    def value(self, node: nodes.Node, scope: dict[str, Value | None]) -> Value | None:
        """The shape of an expression (reporting a name or field it lacks), None when unknown."""
        if isinstance(node, nodes.Name):
            if node.name not in scope:
                self.problems.append(("E-FORMAT-PLACEHOLDER", "name", {
                    "name": node.name, "suggestion": _guess(node.name, list(DOCX), "可用：")}))
                return None
            return scope[node.name]
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                self.walk(node.arg, scope)
            base = self.value(node.node, scope)
            attr = node.attr if isinstance(node, nodes.Getattr) else node.arg.value if isinstance(node.arg, nodes.Const) else None
            if base is None or base.many or base.fields is None or not isinstance(attr, str) or attr in _DICT_METHODS:
                return None
            text = f"「{_dotted(node)}」"
            problem = _path(base, _dotted(node.node), [attr], None)
            if problem:
                self.problems.append((problem[0], problem[1], {"text": text, **problem[2]}))
                return None
            return (base.fields or {})[attr]
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in HELPERS:
            self.call(node)
            for child in [*node.args, *node.kwargs]:
                self.walk(child, scope)
            return HELPERS[node.node.name].returns
        self.walk(node, scope)
        return None

    def call(self, node: nodes.Call) -> None:
        """A helper's constant argument: a figure, a 上年对比, a choice."""
        if not (isinstance(node.node, nodes.Name) and node.node.name in HELPERS):
            return
        helper, name = HELPERS[node.node.name], node.node.name
        consts = [a.value for a in node.args if isinstance(a, nodes.Const) and isinstance(a.value, str)]
        if not consts:
            return
        arg = html.unescape(consts[0] if helper.argument in ("figure", "change") else consts[-1])
        if helper.argument in ("figure", "change") and name in ("数", "增减") and len(consts) > 1 \
                and consts[1] not in UNITS:  # 数("基本支出", "元"): in that unit
            self.problems.append(("E-FORMAT-OPTION", "helper", {"call": name, "got": consts[1],
                                                                "choices": "、".join(UNITS)}))
        if helper.argument in ("figure", "scope"):
            problem = figure_problem(arg, income=helper.argument == "figure")
            if problem:
                self.problems.append(("E-FORMAT-FIGURE", "template", {"text": f"{name}(…)", "figure": arg, "reason": problem}))
        elif helper.argument == "change":
            problem = change_problem(arg)
            if problem:
                self.problems.append(("E-FORMAT-FIGURE", "change", {"call": name, "figure": arg, "reason": problem}))
        elif helper.options and arg not in helper.options:
            self.problems.append(("E-FORMAT-OPTION", "helper", {"call": name, "got": arg,
                                                                "choices": "、".join(helper.options)}))


def _bound(target: nodes.Node, value: Value | None) -> dict[str, Value | None]:
    """The names a loop or {% set %} binds (a tuple target: each of unknown shape)."""
    if isinstance(target, nodes.Name):
        return {target.name: value}
    return {n.name: None for n in _names(target)}


def _names(node: nodes.Node) -> Iterator[nodes.Name]:
    yield from node.find_all(nodes.Name)


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "…"
