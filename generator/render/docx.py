"""The docx template engine: docxtpl templates (real .docx files with Jinja tags), compiled once.

docxtpl prepares a template's body XML for Jinja (joining the runs a tag was split into, turning
`{%tr %}` / `{%p %}` into row and paragraph loops); we keep that prepared XML and its compiled Jinja
template, and for each unit only render it, let docxtpl fix up tables and line breaks, and write the
package with every other part copied byte for byte. Values are autoescaped (`&`, `<`, `>` stay text);
newlines in values become line breaks.

Grouped vertical merges (一级/二级 indicator cells spanning their group) are marked while rendering by
the `纵合并` helper and turned into `w:vMerge` afterwards — one merge per group, not one per loop.
"""
from __future__ import annotations

import html
import re
from functools import cached_property
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError as JinjaError, UndefinedError
from lxml import etree

from .package import core_properties, read_parts, zip_bytes
from .placeholders import DataError, TemplateError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MARK = re.compile(r"⟦vm:(restart|continue)⟧")


def merge_marker(first: bool) -> str:
    return "⟦vm:restart⟧" if first else "⟦vm:continue⟧"


class DocxForm:
    """A compiled docx template."""

    def __init__(self, path: Path, filters: dict[str, Any] | None = None):
        self.path = path
        self.parts = read_parts(path)
        self.filters = filters or {}

    @cached_property
    def _tpl(self) -> DocxTemplate:
        """docxtpl's view of the template: its XML preparation and table fixes."""
        tpl = DocxTemplate(str(self.path))
        tpl.render_init()
        return tpl

    @cached_property
    def _compiled(self):
        tpl = self._tpl
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
        xml = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", _unescape_tag, xml, flags=re.DOTALL)
        env = Environment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
        env.filters.update(self.filters)
        try:
            return env.from_string(xml)
        except JinjaError as exc:
            raise TemplateError(f"模板 {self.path.name} 的标记有误：{exc}") from None

    def render(self, context: dict[str, Any], *, title: str, when: str) -> bytes:
        template = self._compiled
        try:
            xml = template.render(context)
        except DataError:
            raise
        except UndefinedError as exc:
            raise TemplateError(f"模板 {self.path.name} 引用了没有的值：{exc.message}") from None
        except JinjaError as exc:
            raise TemplateError(f"模板 {self.path.name}：{exc}") from None
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        xml = self._tpl.resolve_listing(xml)
        if "<w:tbl" in xml or "⟦vm:" in xml:  # tables may need docxtpl's grid fixes and our merges
            body = self._tpl.fix_tables(xml)
            _apply_merges(body)
            xml = etree.tostring(body, encoding="unicode")
        before, after = self._frame
        parts = dict(self.parts)
        parts["word/document.xml"] = before + xml.encode("utf-8") + after
        parts["docProps/core.xml"] = core_properties(title, when)
        return zip_bytes(parts, frozenset(k for k, v in parts.items() if self.parts.get(k) is v))

    @cached_property
    def _frame(self) -> tuple[bytes, bytes]:
        """document.xml around its <w:body> element, kept as bytes: only the body is rendered."""
        data = self.parts["word/document.xml"]
        start = data.index(b"<w:body")
        end = data.rindex(b"</w:body>") + len(b"</w:body>")
        return data[:start], data[end:]


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


def _apply_merges(body: etree._Element) -> None:
    """Turn ⟦vm:…⟧ markers in table cells into w:vMerge; a continued cell loses its text."""
    for t in body.iter(f"{{{W}}}t"):
        if t.text and "⟦vm:" in t.text:
            kind = MARK.search(t.text).group(1)
            cell = next(t.iterancestors(f"{{{W}}}tc"), None)
            if cell is None:
                t.text = MARK.sub("", t.text)
                continue
            props = cell.find(f"{{{W}}}tcPr")
            if props is None:
                props = etree.Element(f"{{{W}}}tcPr")
                cell.insert(0, props)
            for old in props.findall(f"{{{W}}}vMerge"):
                props.remove(old)
            merge = etree.Element(f"{{{W}}}vMerge")
            if kind == "restart":
                merge.set(f"{{{W}}}val", "restart")
            # schema order inside tcPr: tcW, gridSpan, vMerge, … — after gridSpan if present, else after tcW
            anchor = props.find(f"{{{W}}}gridSpan")
            if anchor is None:
                anchor = props.find(f"{{{W}}}tcW")
            if anchor is not None:
                anchor.addnext(merge)
            else:
                props.insert(0, merge)
            t.text = MARK.sub("", t.text) if kind == "restart" else ""
