"""Word XML compiled for Jinja once, so that rendering writes the finished part (see docx.py).

docxtpl renders a part and then fixes it up: newlines and tabs in values become `w:br` / `w:tab` (a regex
over every paragraph), a part with tables is parsed and written again by lxml (`fix_tables`), merge markers
are turned into `w:vMerge`. Here everything that does not depend on the data is done when compiling, and
the rest where each value is written:

- A part with tables or merged cells is written as lxml writes XML ("canonical"): its template is parsed
  and written by lxml once, tables whose columns cannot change are fitted to their rows then (docxtpl's
  `fix_tables`), and values are escaped as lxml escapes text or attributes. An element the data may leave
  empty gets SENTINEL after its start tag; where nothing was written between them, `collapse` turns
  `<w:t …>` SENTINEL `</w:t>` into `<w:t …/>`, as lxml would. A part without tables keeps the XML docxtpl
  prepared and Jinja's escaping, as docxtpl renders it.
- Each value printed in the text of a run (`w:t`) goes through the filter `_t`, which knows the run's
  properties from compiling: a newline becomes `w:br`, a tab a `w:tab` run, as docxtpl's resolve_listing
  makes them.
- A table cell whose text calls 纵合并 is captured and handed to `_tc`, which reads the merge markers of
  words.vertical_merge and writes the cell's `w:vMerge` (and empties a continued cell's text).
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from lxml import etree
from markupsafe import Markup, escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TR, TC, GRID_COL, GRID_SPAN = (f"{{{W}}}{n}" for n in ("tr", "tc", "gridCol", "gridSpan"))
SENTINEL = "\x01"  # never in XML text, and dropped from values (as lxml drops control characters)
RESTART, CONTINUE = "vm:restart", "vm:continue"  # the texts of merge markers
MERGE_HELPER = "纵合并"
WRITER_FILTERS = frozenset(("_t", "_a", "_tc"))  # they write finished XML: Jinja prints it as it is

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# a Jinja tag, a comment or processing instruction, other markup, or text
TOKEN = re.compile(r"""(\{\{.*?\}\}|\{%.*?%\}|\{\#.*?\#\})|(<!--.*?-->|<\?.*?\?>)"""
                   r"""|(<(?:\{\{.*?\}\}|\{%.*?%\}|"[^"]*"|'[^']*'|[^>"'])*>)|([^<{]+|\{)""", re.DOTALL)
OUTPUT = re.compile(r"\{\{([-+]?)(.*?)([-+]?)\}\}", re.DOTALL)
BLOCK = re.compile(r"\{%[-+]?\s*(\w+)")
OPENERS = frozenset({"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw"})
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # (\a and \f are spaces by then)
SPECIAL = re.compile(r"[\x00-\x1f<]")  # in an escaped value: control characters, or markup
BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
PIECES = re.compile(r"([\n\t])")
EMPTIED = re.compile(f">{SENTINEL}+</[^>]*>")
MARK = re.compile(r"<!--vm:(restart|continue)-->([^<]*)")
RESTART_MARK, CONTINUE_MARK = f"<!--{RESTART}-->", f"<!--{CONTINUE}-->"
CONTINUED = re.compile(f"{CONTINUE_MARK}[^<]*")  # a continue marker drops the text after it
CELL_TEXT = re.compile(r'<w:t((?:\s[^>]*")?)(?:/>|>[^<]*</w:t>)')  # a w:t, empty or not (canonical attributes)
NO_TEXT = re.compile(r'<w:t((?:\s[^>]*")?)></w:t>')
OLD_MERGE = re.compile(r"<w:vMerge\b[^>]*/>")
MERGE_ANCHORS = (re.compile(r"<w:gridSpan\b[^>]*/>"), re.compile(r"<w:tcW\b[^>]*/>"))


class BrokenXml(ValueError):
    """The template's XML, with its tags as docxtpl joins them, is not well formed."""


# --- compile time ----------------------------------------------------------------------------------------

def canonical(xml: str, fix_tables: Callable[[str], etree._Element]) -> tuple[str, bool]:
    """The prepared part as lxml writes it, with the grids of tables whose columns cannot change fitted
    to their rows; and whether some table's columns depend on the data (then fitted after rendering)."""
    protected = TAG.sub(lambda m: xml_escape(html.unescape(m.group(0)), {'"': "&quot;"}), xml)
    try:
        root = etree.fromstring(protected)
    except etree.XMLSyntaxError as exc:
        raise BrokenXml(str(exc)) from None
    tables = list(root.iter(f"{{{W}}}tbl"))
    if any(not _fixed_grid(t) for t in tables):
        return etree.tostring(root, encoding="unicode"), True
    if tables:
        root = fix_tables(etree.tostring(root, encoding="unicode"))
    return etree.tostring(root, encoding="unicode"), False


def _fixed_grid(tbl: etree._Element) -> bool:
    """Whether fix_tables would do the same to the table whatever rows the data repeats or leaves out:
    no row's cells come and go, and the rows always shown are as wide as any."""
    rows = list(tbl.iter(TR))
    if any(_tagged(r.text) or any(_tagged(c.tail) for c in r) for r in rows):
        return False
    if any(_tagged(v) for el in tbl.iter(GRID_COL, GRID_SPAN) for v in el.attrib.values()):
        return False
    state, always = _Content(), []
    for piece in _pieces(tbl):
        if isinstance(piece, str):
            for tag in TAG.findall(piece):
                state.tag(tag)
        elif piece.tag == TR and state.unconditional:
            always.append(piece)
    return bool(always) and all(max(map(width, rows)) == max(map(width, always)) for width in (_cells, _spans))


def _pieces(el: etree._Element) -> list:
    out = [el.text or ""]
    for child in el:
        out += [child, child.tail or ""]
    return out


def _tagged(text: str | None) -> bool:
    return text is not None and ("{{" in text or "{%" in text)


def _cells(row: etree._Element) -> int:
    return len(row.findall(TC))


def _spans(row: etree._Element) -> int:
    spans = [c.find(f"{{{W}}}tcPr/{GRID_SPAN}") for c in row.findall(TC)]
    return sum(1 if s is None else int(s.get(f"{{{W}}}val")) for s in spans)


@dataclass
class _Content:
    """Where an element's own content stands among the block tags in it: inside a block opened there
    (depth), or after an `else`/`elif` of a block opened before it."""

    depth: int = 0
    other_branch: bool = False

    @property
    def unconditional(self) -> bool:
        return self.depth == 0 and not self.other_branch

    def tag(self, tag: str) -> int:
        """Follow a tag; returns +1 for a block opened, -1 for one closed, else 0."""
        m = BLOCK.match(tag)
        if m is None:
            return 0
        name = m.group(1)
        if name in OPENERS or (name == "set" and "=" not in tag):
            self.depth += 1
            return 1
        if name.startswith("end"):
            if self.depth == 0:
                self.other_branch = False  # the end of a block this element sits in
            self.depth = max(0, self.depth - 1)
            return -1
        if name in ("else", "elif") and self.depth == 0:
            self.other_branch = True
        return 0


@dataclass
class _Open(_Content):
    """An element being read."""

    name: str = ""
    after_start: int = 0  # where SENTINEL goes in the output, right after the start tag
    count: int = 0  # content read so far
    solid: bool = False  # has content that is always written
    tags: bool = False
    guarded: bool = False  # its first content is a value whose writer puts SENTINEL itself
    rpr: str | None = None  # a run's properties as the template writes them (its first w:rPr)
    rpr_from: int | None = None  # where a run's w:rPr starts in the output
    merge: bool = False  # a cell that calls 纵合并
    balance: int = 0
    unbalanced: bool = False


@dataclass(frozen=True, slots=True)
class Slot:
    """What the writer of one printed value knows about where it is."""

    rpr: str  # the run's properties, for the runs a tab starts
    listing: bool  # in the text of a run: newlines and tabs become w:br / w:tab
    canonical: bool
    first: bool  # first in its element: an empty value may leave the element empty
    merged: bool  # in a cell merged by 纵合并: its markers stay for the cell


@dataclass
class Writers:
    """The filters that write values, and the slots the compiled templates refer to."""

    slots: list[Slot] = field(default_factory=list)
    captures: int = 0

    def filters(self) -> dict[str, Callable]:
        return {"_t": self.text, "_a": attribute, "_tc": merged_cell}  # each returns Markup (WRITER_FILTERS)

    def text(self, value: Any, k: int) -> Markup:
        slot = self.slots[k]
        s = _escaped(value, slot.canonical)
        if SPECIAL.search(s) is not None:
            s = _special(s, slot)
        elif slot.canonical and slot.first and not s:
            s = SENTINEL
        return Markup(s)

    def prepare(self, xml: str, canonical: bool) -> str:
        """The Jinja source of a prepared part: its tags as they were written (XML escapes undone), every
        printed value given its writer, and — in a canonical part — SENTINEL where an element may be
        left empty and the cells that call 纵合并 captured for `_tc`."""
        out: list[str] = []
        stack: list[_Open] = []
        for m in TOKEN.finditer(xml):
            tag, other, markup, text = m.groups()
            parent = stack[-1] if stack else None
            if tag is not None:
                out.append(self._tag(html.unescape(tag), stack, canonical))
            elif markup is not None and markup.startswith("</"):
                self._close(markup, stack, out, canonical)
            elif markup is not None:
                markup = TAG.sub(lambda t: html.unescape(t.group(0)), markup)
                if canonical:
                    markup = OUTPUT.sub(lambda o: _wrap(o, "_a"), markup)
                self._open(markup, parent, stack, out)
            else:
                if parent is not None:
                    parent.count += 1
                    parent.solid |= parent.unconditional
                out.append(other if other is not None else text)
        return "".join(out)

    def _tag(self, tag: str, stack: list[_Open], canonical: bool) -> str:
        parent = stack[-1] if stack else None
        if MERGE_HELPER in tag:
            for e in stack:
                e.merge |= e.name == "w:tc"
        step = _Content().tag(tag)
        for e in stack:
            if e.name == "w:tc":
                e.balance += step
                e.unbalanced |= e.balance < 0
        if parent is not None:
            first = parent.count == 0
            parent.count += 1
            parent.tags = True
            parent.tag(tag)
        if tag.startswith("{{"):
            listing = _in_run_text(stack)
            if canonical or listing:
                slot = Slot((_run(stack).rpr or "") if listing else "", listing, canonical, parent is not None and first,
                            any(e.merge for e in stack if e.name == "w:tc"))
                self.slots.append(slot)
                if slot.first and parent is not None:
                    parent.guarded = True
                return OUTPUT.sub(lambda o: _wrap(o, f"_t({len(self.slots) - 1})"), tag)
        return tag

    def _open(self, markup: str, parent: _Open | None, stack: list[_Open], out: list[str]) -> None:
        if parent is not None:
            parent.count += 1
            parent.solid |= parent.unconditional
        name = re.split(r"[\s/>]", markup[1:], maxsplit=1)[0]
        if name == "w:tc":
            out.append("")  # where a merged cell's capture starts
        out.append(markup)
        if markup.endswith("/>"):
            return
        out.append("")
        opened = _Open(name=name, after_start=len(out) - 1)
        if name == "w:rPr" and parent is not None and parent.name == "w:r":
            opened.rpr_from = len(out) - 2
        stack.append(opened)

    def _close(self, markup: str, stack: list[_Open], out: list[str], canonical: bool) -> None:
        """The end tag of the innermost open element of that name (those left open inside it end too)."""
        name = markup[2:-1].strip()
        if all(e.name != name for e in stack):
            out.append(markup)
            return
        while True:
            e = stack.pop()
            if e.name == name:
                out.append(markup)
            if canonical and e.tags and not e.solid and not e.guarded:
                out[e.after_start] = SENTINEL
            if e.rpr_from is not None and stack[-1].rpr is None:
                rpr = "".join(out[e.rpr_from:])
                stack[-1].rpr = "" if "{" in rpr else rpr  # (properties with tags: tab runs get none)
            if e.name == "w:tc" and e.merge and canonical:
                if e.unbalanced or e.balance:
                    raise BrokenXml(f"调用{MERGE_HELPER}的单元格里，{{% %}} 标记要在单元格内成对")
                var = f"_vm{self.captures}"
                self.captures += 1
                out[e.after_start - 2] = f"{{% set {var} %}}"
                out.append(f"{{% endset %}}{{{{ {var}|_tc }}}}")
            if e.name == name:
                return


def _wrap(m: re.Match, writer: str) -> str:
    lead, expr, trail = m.groups()
    return f"{{{{{lead} ({expr})|{writer} {trail}}}}}"


def _in_run_text(stack: list[_Open]) -> bool:
    """Whether the top of the stack is a w:t within a w:r within a w:p (where resolve_listing works)."""
    if not stack or stack[-1].name != "w:t":
        return False
    names = [e.name for e in reversed(stack)]
    return "w:r" in names and "w:p" in names[names.index("w:r"):]


def _run(stack: list[_Open]) -> _Open:
    return next(e for e in reversed(stack) if e.name == "w:r")


# --- render time ---------------------------------------------------------------------------------------

def _escaped(value: Any, canonical: bool) -> str:
    """A value as Jinja prints it autoescaped (None as nothing); in a canonical part, as lxml escapes
    text: quotes as they are."""
    if value is None:
        return ""
    if type(value) is str:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if canonical else str(escape(value))
    if isinstance(value, (int, Decimal)):  # digits, signs, points, separators: nothing to escape
        return str(value)
    s = str(escape(value))
    return s.replace("&#34;", '"').replace("&#39;", "'") if canonical and "&#3" in s else s


def _special(s: str, slot: Slot) -> str:
    """An escaped value with control characters or markup (a merge marker) in it. \\a and \\f, which
    docxtpl reads as paragraph and page breaks, are spaces; in a canonical part other control characters
    are dropped, as lxml drops them, and a marker outside a merged cell too."""
    if "\a" in s or "\f" in s:
        s = s.replace("\a", " ").replace("\f", " ")
    if slot.canonical:
        s = CONTROL.sub("", s)
        if not slot.merged and "<!--vm:" in s:
            s = MARK.sub(lambda m: m.group(2), s)
    if slot.listing and ("\n" in s or "\t" in s):
        s = _listing(s, slot)
    elif slot.canonical and slot.first and not s:
        s = SENTINEL
    return s.replace("\r", "\n") if slot.canonical else s  # lxml reads a carriage return as a newline


def _listing(s: str, slot: Slot) -> str:
    """Newlines as w:br, tabs as a run with w:tab (in the run's properties); in a canonical part, a text
    left empty is marked to become <w:t …/>."""
    tab = f'</w:t></w:r><w:r>{slot.rpr}<w:tab/></w:r><w:r>{slot.rpr}<w:t xml:space="preserve">'
    out = []
    for i, piece in enumerate(PIECES.split(s)):
        if i % 2:
            out.append(BREAK if piece == "\n" else tab)
        elif piece or not slot.canonical or not (i or slot.first):
            out.append(piece)
        else:
            out.append(SENTINEL)
    return "".join(out)


def attribute(value: Any) -> Markup:
    """A value in an attribute, as lxml writes it after reading it: whitespace as spaces, quotes escaped."""
    if value is None:
        return Markup("")
    s = html.unescape(_escaped(value, False)).replace("\a", " ").replace("\f", " ")
    s = CONTROL.sub("", re.sub(r"\r\n|[\r\n\t]", " ", s))
    return Markup(xml_escape(s, {'"': "&quot;"}))


def collapse(xml: str) -> str:
    """Elements SENTINEL marks that were left empty as <name …/>, as lxml writes them; no SENTINEL left."""
    return EMPTIED.sub("/>", xml).replace(SENTINEL, "")


def merged_cell(cell: str) -> Markup:
    """A rendered cell with its merge markers turned into w:vMerge (the last marker decides), as
    docxtpl's tree would have it: a restart keeps the text; a continue marker drops the text after it
    and a continued cell's texts are set to "" (which lxml writes as <w:t …></w:t>)."""
    cell = str(cell)  # the captured Markup's own methods would escape what they are given
    last_restart, last_continue = cell.rfind(RESTART_MARK), cell.rfind(CONTINUE_MARK)
    if last_continue >= 0:
        cell = CONTINUED.sub("", cell)
    if last_restart >= 0:
        cell = cell.replace(RESTART_MARK, "")
    if SENTINEL in cell:
        cell = collapse(cell)
    if last_restart < 0 and last_continue < 0:
        return Markup(cell)
    if last_continue >= 0:
        cell = CELL_TEXT.sub(r"<w:t\1></w:t>", cell)
    elif "></w:t>" in cell:
        cell = NO_TEXT.sub(r"<w:t\1/>", cell)  # a text that held only the marker
    merge = '<w:vMerge w:val="restart"/>' if last_restart > last_continue else "<w:vMerge/>"
    start = cell.index(">") + 1  # after <w:tc …>
    if cell.startswith("<w:tcPr/>", start):
        return Markup(f"{cell[:start]}<w:tcPr>{merge}</w:tcPr>{cell[start + 9:]}")
    if not cell.startswith(("<w:tcPr>", "<w:tcPr "), start):
        return Markup(f"{cell[:start]}<w:tcPr>{merge}</w:tcPr>{cell[start:]}")
    end = cell.index("</w:tcPr>", start)
    props = cell[start:end]
    if "<w:vMerge" in props:
        props = OLD_MERGE.sub("", props)
    anchor = next((m for m in (a.search(props) for a in MERGE_ANCHORS) if m), None)
    at = anchor.end() if anchor else props.index(">") + 1  # schema order: tcW, gridSpan, vMerge, …
    return Markup(f"{cell[:start]}{props[:at]}{merge}{props[at:]}{cell[end:]}")
