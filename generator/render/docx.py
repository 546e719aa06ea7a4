"""The docx template engine: docxtpl templates (real .docx files with Jinja tags), compiled once.

Every part that carries text is a template: the body of word/document.xml, headers, footers, footnotes,
endnotes and comments — prepared for Jinja by docxtpl, which joins the runs a tag was split into and
turns `{%tr %}` / `{%p %}` into row and paragraph loops — and the document properties (their text).
Whatever docxtpl does to a rendered part that does not depend on the data — fitting table grids,
knowing which run each value is printed in, which cells merge — is done when compiling (wordml.py), so
rendering only runs Jinja: each value is written as the finished XML (escaped; newlines as line breaks,
tabs as tab runs), grouped merges are written by their cells. A part without a tag is copied byte for
byte. Values are autoescaped (`&`, `<`, `>` stay text).

Templates are user-editable, so Jinja runs sandboxed: no internal attributes, no changing the data.
The template's own text (what Jinja prints as it is) is checked when compiling: a `{{`, `{%`, `}}` or
`%}` Jinja did not read as a tag — split in a way docxtpl does not join, or in a part we do not
render — is an error; docxtpl's escapes `{_{` `}_}` `{_%` `%_}` become braces in that text only, so
spec text always prints exactly as written.

Grouped vertical merges (一级/二级 indicator cells spanning their group) are marked while rendering by
the `纵合并` helper with an XML comment, which escaped spec text can never produce; the cell that calls
it turns the marker into `w:vMerge` — one merge per group, not one per loop.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2 import TemplateError as JinjaError
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from .package import core_properties, read_parts, zip_bytes
from .placeholders import DataError, TemplateError
from .wordml import (
    CONTINUE,
    MERGE_HELPER,
    RESTART,
    SENTINEL,
    TAG,
    WRITER_FILTERS,
    BrokenXml,
    W,
    Writers,
    canonical,
    collapse,
)

DCTERMS = "http://purl.org/dc/terms/"
BODY = "word/document.xml"
CORE = "docProps/core.xml"
WORD_PARTS = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
PROPERTY_PARTS = (CORE, "docProps/app.xml", "docProps/custom.xml")
DATES = (f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified")  # always the document's own date
MARKS = ("{{", "{%", "{#", "{_{", "}_}", "{_%", "%_}")  # a part holding one of these is a template
STRAY = re.compile(r"\{\{|\{%|\}\}|%\}")
STRAY_HINT = "标记要在同一段文字里连续写出，中间不夹修订或域；要印出花括号本身，写 {_{ 和 }_}"
HIDDEN = re.compile(r"<w:(instrText|delText|delInstrText)(?:\s[^>]*)?(?<!/)>.*?</w:\1>", re.DOTALL)  # not shown
TEXT_PARTS = re.compile(r"word/.+\.xml")  # parts that may show text (glossary, charts, diagrams …)
ESCAPE = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def merge_marker(first: bool) -> Markup:
    """Marks the cell it is printed in as the first or a continued cell of a vertical merge (see
    wordml.merged_cell): an XML comment, markup no autoescaped value can produce."""
    return Markup(f"<!--{RESTART if first else CONTINUE}-->")


@dataclass(frozen=True)
class _Part:
    template: Template
    canonical: bool = False  # written as lxml writes XML (see wordml)
    regrid: bool = False  # a table's columns depend on the data: fitted after rendering


class DocxForm:
    """A compiled docx template."""

    def __init__(self, path: Path, filters: dict[str, Any] | None = None):
        self.path = path
        self.parts = read_parts(path)
        self.filters = filters or {}
        self._writers = Writers()

    def shared_parts(self) -> list[bytes]:
        """The parts every output carries unchanged; this compiles the others, as a first render would (a
        broken template raises TemplateError)."""
        return [data for name, data in self.parts.items() if name not in self._templates and name != CORE]

    @cached_property
    def _tpl(self) -> DocxTemplate:
        """docxtpl's XML preparation and fixes (given our parts: it never loads the document itself)."""
        return DocxTemplate(self.path)

    @cached_property
    def _env(self) -> ImmutableSandboxedEnvironment:
        env = _Sandbox(autoescape=True, undefined=StrictUndefined, finalize=_finalize, extensions=[_TemplateText])
        env.filters.update(self.filters)
        env.filters.update(self._writers.filters())
        return env

    @cached_property
    def _templates(self) -> dict[str, _Part]:
        """The compiled template of every part that has tags (for word/document.xml: of its body). Every
        other part that shows text must show no tag marks: it is copied as it is."""
        templates = {}
        for name, data in self.parts.items():
            xml = self._prepared(name, data)
            if xml is not None and any(mark in xml for mark in MARKS):
                templates[name] = self._compile(name, xml)
            elif xml is not None or TEXT_PARTS.fullmatch(name):
                stray = _stray(data.decode("utf-8", "replace") if xml is None else TAG.sub(_unescape_tag, xml))
                if stray:
                    hint = STRAY_HINT if xml is not None else "这一部分不套用模板"
                    raise self._error(name, f"中有未能识别的标记「{stray}」（{hint}）")
        return templates

    def _prepared(self, name: str, data: bytes) -> str | None:
        """The part's XML as docxtpl prepares it for Jinja; None for a part we do not render."""
        if name == BODY or WORD_PARTS.fullmatch(name):
            root = parse_xml(data)
            return self._tpl.patch_xml(self._tpl.xml_to_string(root.find(f"{{{W}}}body") if name == BODY else root))
        if name in PROPERTY_PARTS:
            return etree.tostring(parse_xml(data), encoding="unicode")
        return None

    def _compile(self, name: str, xml: str) -> _Part:
        """Properties are text templates; a Word part is written by wordml's writers, canonical (as lxml
        writes it) where it has tables or merges — as docxtpl's fix_tables and our merges left it."""
        try:
            if name in PROPERTY_PARTS:
                return _Part(self._env.from_string(TAG.sub(_unescape_tag, xml)))
            is_canonical, regrid = "<w:tbl" in xml or MERGE_HELPER in xml, False
            if is_canonical:
                xml, regrid = canonical(xml, self._tpl.fix_tables)
            return _Part(self._env.from_string(self._writers.prepare(xml, is_canonical)), is_canonical, regrid)
        except BrokenXml as exc:
            raise self._error(name, f"中的标记打断了 Word 的结构（{exc}）：{STRAY_HINT}") from None
        except _Stray as exc:
            raise self._error(name, f"中有未能识别的标记「{exc.message}」（{STRAY_HINT}）") from None
        except JinjaError as exc:
            raise self._error(name, f"的标记有误：{exc.message}") from None

    def _error(self, name: str, problem: str) -> TemplateError:
        return TemplateError(f"模板 {self.path.name} 的 {name} {problem}")

    def render(self, context: dict[str, Any], *, title: str, when: str) -> bytes:
        rendered = {name: self._render(name, part, context) for name, part in self._templates.items()}
        parts = {**self.parts, **rendered, CORE: self._core(rendered.get(CORE), title, when)}
        return zip_bytes(parts, frozenset(k for k, v in parts.items() if self.parts.get(k) is v))

    def _render(self, name: str, part: _Part, context: dict[str, Any]) -> bytes:
        try:
            xml = part.template.render(context)
        except DataError:
            raise
        except SecurityError as exc:
            raise self._error(name, f"中有不允许的操作（模板只能取值、调用给定的函数，不能访问内部属性或改动数据）："
                                    f"{exc.message}") from None
        except UndefinedError as exc:
            raise self._error(name, f"引用了没有的值：{exc.message}") from None
        except JinjaError as exc:
            raise self._error(name, f"无法套用：{exc.message}") from None
        except (ArithmeticError, TypeError) as exc:  # e.g. 1/0, 'a' + 1, a range beyond the sandbox's limit
            raise self._error(name, f"无法套用：{exc}") from None
        if part.canonical and SENTINEL in xml:
            xml = collapse(xml)
        if part.regrid:
            xml = etree.tostring(self._tpl.fix_tables(xml), encoding="unicode")
        if name == BODY:
            before, after = self._frame
            return before + xml.encode("utf-8") + after
        return (DECLARATION + xml).encode("utf-8")

    @cached_property
    def _frame(self) -> tuple[bytes, bytes]:
        """document.xml around its <w:body> element, kept as bytes: only the body is rendered."""
        data = self.parts[BODY]
        start = data.index(b"<w:body")
        end = data.rindex(b"</w:body>") + len(b"</w:body>")
        return data[:start], data[end:]

    @cached_property
    def _own_properties(self) -> list[str]:
        """The core properties the template fills in itself (its text for them has a tag)."""
        return [el.tag for el in parse_xml(self.parts[CORE])
                if el.text and el.tag not in DATES and any(mark in el.text for mark in MARKS)]

    def _core(self, rendered: bytes | None, title: str, when: str) -> bytes:
        """Our core properties (title, dated `when`), with those the template fills in itself rendered."""
        ours = core_properties(title, when)
        if rendered is None or not self._own_properties:
            return ours
        root, theirs = etree.fromstring(ours), etree.fromstring(rendered)
        for tag in self._own_properties:
            old = root.find(tag)
            if old is None:
                root.append(theirs.find(tag))
            else:
                root.replace(old, theirs.find(tag))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class _Generator(CodeGenerator):
    """Jinja's code generator, but what our writers print (`_t`, `_a`, `_tc`: finished XML, escaped by them,
    always Markup) is yielded as it is, not passed through finalize and escape again."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if _written(node):
            self.write("(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if _written(node):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


def _written(node: nodes.Expr) -> bool:
    return isinstance(node, nodes.Filter) and node.name in WRITER_FILTERS


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox our templates render in. `行.名称` of the data we give (plain dicts) is its item: looked up
    first, without the failed attribute lookup Jinja tries before it (what else it reads is as Jinja reads it)."""

    code_generator_class = _Generator

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class _Stray(TemplateSyntaxError):
    """Template text with a tag mark Jinja did not read as a tag; the message is the text around it."""


class _TemplateText(Extension):
    """The template's own text (Jinja's data tokens): a stray tag mark is an error; docxtpl's escapes
    become the braces they stand for."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        for token in stream:
            if token.type == "data":
                stray = _stray(token.value)
                if stray:
                    raise _Stray(stray, token.lineno)
                token = Token(token.lineno, "data", ESCAPE.sub(lambda m: m.group(0).replace("_", ""), token.value))
            yield token


def _stray(xml: str) -> str | None:
    """The words around the first tag mark in the visible text of `xml`, if it has one."""
    text = html.unescape(re.sub(r"<[^>]*>", "", HIDDEN.sub("", xml))).replace("\n", "")
    m = STRAY.search(text)
    if m is None:
        return None
    if m.group(0)[0] == "{":
        return text[m.start():m.start() + 6] + ("…" if len(text) > m.start() + 6 else "")
    return ("…" if m.end() > 6 else "") + text[max(0, m.end() - 6):m.end()]


def _unescape_tag(m: re.Match) -> str:
    """Inside a Jinja tag the document's XML escapes are code: {{ 数('基本支出&amp;…') }} means &."""
    return html.unescape(m.group(0))


def _finalize(value: Any) -> Any:
    """None prints as nothing; control characters docxtpl would read as page/paragraph breaks are spaces."""
    if value is None:
        return ""
    if isinstance(value, str) and ("\a" in value or "\f" in value):
        return value.replace("\a", " ").replace("\f", " ")
    return value
