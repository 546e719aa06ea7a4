"""The docx template engine: docxtpl templates (real .docx files with Jinja tags), compiled once.

Every part that carries text is a template: the body of word/document.xml, headers, footers, footnotes,
endnotes and comments — prepared for Jinja by docxtpl, which joins the runs a tag was split into and
turns `{%tr %}` / `{%p %}` into row and paragraph loops — and the document properties (their text).
For each unit we only render the compiled templates and let docxtpl fix up tables and line breaks; a
part without a tag is copied byte for byte. Values are autoescaped (`&`, `<`, `>` stay text); newlines
in values become line breaks.

Templates are user-editable, so Jinja runs sandboxed: no internal attributes, no changing the data.
The template's own text (what Jinja prints as it is) is checked when compiling: a `{{`, `{%`, `}}` or
`%}` Jinja did not read as a tag — split in a way docxtpl does not join, or in a part we do not
render — is an error; docxtpl's escapes `{_{` `}_}` `{_%` `%_}` become braces in that text only, so
spec text always prints exactly as written.

Grouped vertical merges (一级/二级 indicator cells spanning their group) are marked while rendering by
the `纵合并` helper with an XML comment, which escaped spec text can never produce, and turned into
`w:vMerge` afterwards — one merge per group, not one per loop.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError
from jinja2 import TemplateError as JinjaError
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from .package import core_properties, read_parts, zip_bytes
from .placeholders import DataError, TemplateError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DCTERMS = "http://purl.org/dc/terms/"
BODY = "word/document.xml"
CORE = "docProps/core.xml"
WORD_PARTS = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
PROPERTY_PARTS = (CORE, "docProps/app.xml", "docProps/custom.xml")
DATES = (f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified")  # always the document's own date
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
MARKS = ("{{", "{%", "{#", "{_{", "}_}", "{_%", "%_}")  # a part holding one of these is a template
STRAY = re.compile(r"\{\{|\{%|\}\}|%\}")
STRAY_HINT = "标记要在同一段文字里连续写出，中间不夹修订或域；要印出花括号本身，写 {_{ 和 }_}"
HIDDEN = re.compile(r"<w:(instrText|delText|delInstrText)(?:\s[^>]*)?(?<!/)>.*?</w:\1>", re.DOTALL)  # not shown
TEXT_PARTS = re.compile(r"word/.+\.xml")  # parts that may show text (glossary, charts, diagrams …)
ESCAPE = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
RESTART, CONTINUE = "vm:restart", "vm:continue"  # the texts of merge markers
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def merge_marker(first: bool) -> Markup:
    """Marks the cell it is printed in as the first or a continued cell of a vertical merge (see
    _apply_merges): an XML comment, markup no autoescaped value can produce."""
    return Markup(f"<!--{RESTART if first else CONTINUE}-->")


class DocxForm:
    """A compiled docx template."""

    def __init__(self, path: Path, filters: dict[str, Any] | None = None):
        self.path = path
        self.parts = read_parts(path)
        self.filters = filters or {}

    @cached_property
    def _tpl(self) -> DocxTemplate:
        """docxtpl's XML preparation and fixes (given our parts: it never loads the document itself)."""
        return DocxTemplate(self.path)

    @cached_property
    def _env(self) -> ImmutableSandboxedEnvironment:
        env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize,
                                            extensions=[_TemplateText])
        env.filters.update(self.filters)
        return env

    @cached_property
    def _templates(self) -> dict[str, Template]:
        """The compiled template of every part that has tags (for word/document.xml: of its body). Every
        other part that shows text must show no tag marks: it is copied as it is."""
        templates = {}
        for name, data in self.parts.items():
            source = self._source(name, data)
            if source is not None and any(mark in source for mark in MARKS):
                templates[name] = self._compile(name, source)
            elif source is not None or TEXT_PARTS.fullmatch(name):
                stray = _stray(data.decode("utf-8", "replace") if source is None else source)
                if stray:
                    hint = STRAY_HINT if source is not None else "这一部分不套用模板"
                    raise self._error(name, f"中有未能识别的标记「{stray}」（{hint}）")
        return templates

    def _source(self, name: str, data: bytes) -> str | None:
        """The part as Jinja source; None for a part we do not render."""
        if name == BODY or WORD_PARTS.fullmatch(name):
            root = parse_xml(data)
            xml = self._tpl.xml_to_string(root.find(f"{{{W}}}body") if name == BODY else root)
            xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", self._tpl.patch_xml(xml))
        elif name in PROPERTY_PARTS:
            xml = etree.tostring(parse_xml(data), encoding="unicode")
        else:
            return None
        return TAG.sub(_unescape_tag, xml)

    def _compile(self, name: str, source: str) -> Template:
        try:
            return self._env.from_string(source)
        except _Stray as exc:
            raise self._error(name, f"中有未能识别的标记「{exc.message}」（{STRAY_HINT}）") from None
        except JinjaError as exc:
            raise self._error(name, f"的标记有误：{exc.message}") from None

    def _error(self, name: str, problem: str) -> TemplateError:
        return TemplateError(f"模板 {self.path.name} 的 {name} {problem}")

    def render(self, context: dict[str, Any], *, title: str, when: str) -> bytes:
        rendered = {name: self._render(name, template, context) for name, template in self._templates.items()}
        parts = {**self.parts, **rendered, CORE: self._core(rendered.get(CORE), title, when)}
        return zip_bytes(parts, frozenset(k for k, v in parts.items() if self.parts.get(k) is v))

    def _render(self, name: str, template: Template, context: dict[str, Any]) -> bytes:
        try:
            xml = template.render(context)
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
        if name not in PROPERTY_PARTS:
            xml = self._finish(xml)
        if name == BODY:
            before, after = self._frame
            return before + xml.encode("utf-8") + after
        return (DECLARATION + xml).encode("utf-8")

    def _finish(self, xml: str) -> str:
        """Rendered Word XML made whole: docxtpl's line breaks and tabs, table grids, then our grouped merges."""
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        if "\n" in xml or "\t" in xml:  # what resolve_listing turns into w:br / w:tab (\a, \f: see _finalize)
            xml = self._tpl.resolve_listing(xml)
        if "<w:tbl" in xml or "<!--vm:" in xml:
            tree = self._tpl.fix_tables(xml)
            _apply_merges(tree)
            xml = etree.tostring(tree, encoding="unicode")
        return xml

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


def _apply_merges(root: etree._Element) -> None:
    """Turn merge markers in table cells into w:vMerge; a continued cell loses its text."""
    for mark in [c for c in root.iter(etree.Comment) if c.text in (RESTART, CONTINUE)]:
        restart = mark.text == RESTART
        cell = next(mark.iterancestors(f"{{{W}}}tc"), None)
        _drop(mark, keep_text=restart or cell is None)
        if cell is None:
            continue
        if not restart:
            for t in cell.iter(f"{{{W}}}t"):
                t.text = ""
        props = cell.find(f"{{{W}}}tcPr")
        if props is None:
            props = etree.Element(f"{{{W}}}tcPr")
            cell.insert(0, props)
        for old in props.findall(f"{{{W}}}vMerge"):
            props.remove(old)
        merge = etree.Element(f"{{{W}}}vMerge")
        if restart:
            merge.set(f"{{{W}}}val", "restart")
        # schema order inside tcPr: tcW, gridSpan, vMerge, … — after gridSpan if present, else after tcW
        anchor = props.find(f"{{{W}}}gridSpan")
        if anchor is None:
            anchor = props.find(f"{{{W}}}tcW")
        if anchor is not None:
            anchor.addnext(merge)
        else:
            props.insert(0, merge)


def _drop(node: etree._Element, *, keep_text: bool) -> None:
    """Remove a node; with keep_text, the text that follows it stays where it was."""
    parent, before = node.getparent(), node.getprevious()
    if keep_text and node.tail:
        if before is None:
            parent.text = (parent.text or "") + node.tail
        else:
            before.tail = (before.tail or "") + node.tail
    parent.remove(node)
