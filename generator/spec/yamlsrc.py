"""Read a YAML file into plain data while remembering where every key and value came from.

PyYAML's composer gives us the node graph with marks; we build the Python values ourselves so that
- every scalar stays the exact text the user typed (amounts are parsed from it later, never via float),
- duplicate keys are findings instead of silently overwritten values,
- every value's file:line:column is known by its path (('项目', 2, '金额') -> line 41, column 9).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard

import yaml

from ..findings import Finding, PathT, finding, format_path

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG, SEQ_TAG, MAP_TAG = (yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                             yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG)
MERGE_TAG = "tag:yaml.org,2002:merge"


class Pos(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


def _pos(mark: Any) -> Pos | None:
    """A YAML mark (0-based) as a Pos; marks are kept as they come and converted only when asked."""
    return None if mark is None else Pos(mark.line + 1, mark.column + 1)


@dataclass
class Document:
    """A parsed YAML file: its data, its text and where each path sits in it."""

    file: str
    text: str
    data: Any = None
    values: dict[PathT, Any] = field(default_factory=dict)  # path → YAML mark of its value
    keys: dict[PathT, Any] = field(default_factory=dict)  # path → YAML mark of its key
    findings: list[Finding] = field(default_factory=list)

    def pos(self, path: PathT, *, key: bool = False) -> Pos | None:
        """Position of a path's value (or its key), else of its nearest ancestor we know: a missing key
        points at the mapping that lacks it."""
        for cut in range(len(path), -1, -1):
            prefix = path[:cut]
            hit = (self.keys.get(prefix) if key else None) or self.values.get(prefix) or self.keys.get(prefix)
            if hit:
                return _pos(hit)
        return None

    def at(self, code: str, path: PathT, variant: str = "", /, *, key: bool = False, **params: Any) -> Finding:
        """A finding located at `path` in this document (at its key with `key`)."""
        p = self.pos(path, key=key)
        return finding(code, variant, file=self.file, line=p.line if p else None,
                       column=p.column if p else None, path=format_path(path), **params)


# PyYAML's wording of a syntax error → the registry's E-YAML-SYNTAX variant that says it in Chinese.
_PROBLEMS = {
    "mapping values are not allowed here": "mapping_values",
    "could not find expected ':'": "no_colon",
    "found character '\\t' that cannot start any token": "tab",
    "found a tab character that violates indentation": "tab",
    "found undefined alias": "undefined_alias",
    "found unexpected end of stream": "end_of_stream",
    "found unknown escape character": "escape",
    "did not find expected key": "no_key",
    "did not find expected '-' indicator": "no_dash",
    "did not find expected node content": "no_content",
    "expected <block end>, but found": "indentation",
    "found unexpected ':'": "extra_colon",
    "while scanning a quoted scalar": "quote",
    "found character '@' that cannot start any token": "at_sign",
    "found character '`' that cannot start any token": "backtick",
    "while scanning an anchor": "anchor_name",
    "while parsing a flow sequence": "flow_sequence",
    "while parsing a flow mapping": "flow_mapping",
    "while scanning an alias": "anchor_name",
}


def _syntax(problem: str | None, context: str | None) -> tuple[str, dict[str, str]]:
    """The E-YAML-SYNTAX variant and parameters for PyYAML's description of a syntax error."""
    text = " ".join(x for x in (context, problem) if x)
    for en, variant in _PROBLEMS.items():
        if en in text:
            return variant, {}
    return "", {"problem": text}


def _decode(raw: bytes, file: str) -> tuple[str | None, Finding | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = ""
        try:
            raw.decode("gb18030")
            guess = "文件看起来是 GBK/GB18030 编码；"
        except UnicodeDecodeError:
            pass
        return None, finding("E-FILE-ENCODING", file=file, line=line, column=column, guess=guess)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return None, finding("E-FILE-ENCODING", "nul", file=file, line=line, column=nul - text.rfind("\n", 0, nul))
    return text, None


def read_document(path: Path) -> Document:
    """Parse one YAML file. Problems become findings on the returned document (data None when unusable)."""
    file = str(path)
    doc = Document(file=file, text="")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            doc.findings.append(finding("E-FILE-TOO-LARGE", file=file, size=_bytes(size), limit=_bytes(MAX_BYTES)))
            return doc
        raw = path.read_bytes()
    except OSError as exc:
        doc.findings.append(finding("E-FILE-NOT-FOUND", "unreadable", file=file, reason=exc.strerror or exc))
        return doc
    text, problem = _decode(raw, file)
    if problem or text is None:
        doc.findings.extend([problem] if problem else [])
        return doc
    doc.text = text
    return parse_text(doc)


MAX_BYTES = 5_000_000  # a spec is some tens of kilobytes
MAX_DEPTH = 64  # specs nest six levels deep
MAX_VALUES = 200_000  # values, once aliases are expanded (nine levels of ten aliases are 10⁹)
MAX_TEXT = 32_767  # characters in one text: what an Excel cell holds
# What YAML's reader refuses, and XML (docx, xlsx) cannot hold: control characters, U+FFFE/U+FFFF,
# lone surrogates (from a "\ud800" escape). Tab and line breaks are text.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _bytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"


NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))  # the plain scalars that are null


class _TextResolver(yaml.resolver.BaseResolver):
    """We keep every scalar's text and only need to know nulls and merge keys: skip YAML 1.1's regex
    guessing of ints, floats, booleans and dates (the model decides types from the text)."""

    def resolve(self, kind, value, implicit, _scalar=yaml.ScalarNode, _sequence=yaml.SequenceNode):
        # BaseResolver's answer without its generality (no implicit or path resolvers): libyaml asks this
        # of every node of a spec
        if kind is _scalar:
            if implicit[0]:
                return NULL_TAG if value in NULL_WORDS else MERGE_TAG if value == "<<" else STR_TAG
            return STR_TAG
        return SEQ_TAG if kind is _sequence else MAP_TAG


_RESOLVER = _TextResolver()
KNOWN_TAGS = frozenset((STR_TAG, SEQ_TAG, MAP_TAG, NULL_TAG, MERGE_TAG))

# libyaml: ten times faster than the pure-Python parser, whose messages are clearer (errors are re-read with it)
FAST_PARSER: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None) or yaml.SafeLoader


class _TooDeep(Exception):
    def __init__(self, mark: Any):
        self.mark = mark


# libyaml's own composer (C) builds the node graph twice as fast as the loop below, but recursively: tens of
# thousands of levels overflow the C stack (a crash, not an exception). It is used only where the text itself
# bounds the nesting well below that: a block collection opens an indentation level, at a column no greater
# than its line's run of blanks and `- `/`? `/`: ` indicators (an indentless sequence adds one level per
# mapping), and a flow collection needs a `[` or `{`. Other texts go through the loop, which never recurses.
C_SAFE_DEPTH = 2_000  # 10,000 levels were fine on an 8 MB stack, 30,000 crashed; Linux threads get 8 MB too
_BLOCK_PREFIX = re.compile(r"^[ \t]*(?:[-?:][ \t]+)*", re.M)


def depth_bound(text: str) -> int:
    """An upper bound of the nesting depth of any YAML document in `text`."""
    widest = max((m.end() - m.start() for m in _BLOCK_PREFIX.finditer(text)), default=0)
    return 2 * (widest + 1) + text.count("[") + text.count("{")


class _CComposer(FAST_PARSER, _TextResolver):
    """libyaml's parser and composer, our resolver."""

    def __init__(self, text: str):
        FAST_PARSER.__init__(self, text)
        _TextResolver.__init__(self)


def compose(text: str, parser_class: Any = FAST_PARSER) -> list[yaml.Node]:
    """The documents' node graphs, as PyYAML's composer makes them, nesting limited to MAX_DEPTH (raises
    _TooDeep) and anchors resolved per document: by libyaml's composer where the text bounds the nesting
    (see C_SAFE_DEPTH), else from the parser's events without recursion."""
    bound = depth_bound(text) if parser_class is FAST_PARSER is not yaml.SafeLoader else None
    if bound is not None and bound <= C_SAFE_DEPTH:
        parser = _CComposer(text)
        try:
            documents = []
            while parser.check_node():
                documents.append(parser.get_node())
        finally:
            parser.dispose()
        if bound > MAX_DEPTH:  # else no document can be too deep
            for node in documents:
                _limit_depth(node)
        return documents
    return _compose_events(text, parser_class)


def _limit_depth(root: yaml.Node) -> None:
    """_TooDeep at the first collection (in document order) nested deeper than MAX_DEPTH, as the event loop
    finds it; an alias is not nesting, and a node reached again through one is not walked again."""
    if not isinstance(root, yaml.CollectionNode):
        return
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        if depth > MAX_DEPTH:
            raise _TooDeep(node.start_mark)
        seen.add(id(node))
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, yaml.CollectionNode))


def _compose_events(text: str, parser_class: Any) -> list[yaml.Node]:
    parser = parser_class(text)
    documents: list[yaml.Node] = []
    anchors: dict[str, yaml.Node] = {}
    open_: list[list[Any]] = []  # [collection node, pending mapping key or None]
    try:
        while True:
            event = parser.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                return documents
            if isinstance(event, yaml.DocumentStartEvent):
                anchors = {}
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                node = open_.pop()[0]
                node.end_mark = event.end_mark
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}",
                                                      event.start_mark)
                node = anchors[event.anchor]
            else:
                node = _node(event)
                if event.anchor:
                    anchors[event.anchor] = node
                if isinstance(event, yaml.CollectionStartEvent):
                    if len(open_) >= MAX_DEPTH:
                        raise _TooDeep(event.start_mark)
                    _add(open_, documents, node)
                    open_.append([node, None])
                    continue
            if not isinstance(event, yaml.CollectionEndEvent):
                _add(open_, documents, node)
            elif not open_:
                documents.append(node)
    finally:
        parser.dispose()


def _node(event: Any) -> yaml.Node:
    implicit = event.implicit
    if isinstance(event, yaml.ScalarEvent):
        tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(yaml.ScalarNode, event.value, implicit)
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
    kind = yaml.MappingNode if isinstance(event, yaml.MappingStartEvent) else yaml.SequenceNode
    tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(kind, None, implicit)
    return kind(tag, [], event.start_mark, None, flow_style=event.flow_style)


def _add(open_: list[list[Any]], documents: list[yaml.Node], node: yaml.Node) -> None:
    """A finished (or, for collections, started) node into its parent, or as a document."""
    if not open_:
        if not isinstance(node, yaml.CollectionNode):
            documents.append(node)  # a collection is added as a document when it ends
        return
    entry = open_[-1]
    parent = entry[0]
    if isinstance(parent, yaml.SequenceNode):
        parent.value.append(node)
    elif entry[1] is None:
        entry[1] = node
    else:
        parent.value.append((entry[1], node))
        entry[1] = None


def _clean_text(doc: Document) -> None:
    """Characters YAML refuses (and XML cannot hold) typed into the file itself are removed, each with a
    warning at its line, before the text is parsed (they mostly come from pasting)."""
    for m in _UNWRITABLE.finditer(doc.text):
        line = doc.text.count("\n", 0, m.start()) + 1
        column = m.start() - doc.text.rfind("\n", 0, m.start())
        doc.findings.append(finding("W-TEXT-CHARACTER", file=doc.file, line=line, column=column,
                                    char=f"U+{ord(m.group()):04X}"))
    doc.text = _UNWRITABLE.sub("", doc.text)


def parse_text(doc: Document) -> Document:
    _clean_text(doc)
    try:
        try:
            nodes = compose(doc.text)
        except yaml.YAMLError:
            nodes = compose(doc.text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        slips = _Scanner(doc.text).slips
        doc.findings.extend(s.finding(doc.file) for s in slips)
        if not (mark and any(s.line <= mark.line for s in slips)):  # else a full-width slip is the likely cause
            variant, params = _syntax(exc.problem, exc.context)
            doc.findings.append(finding("E-YAML-SYNTAX", variant, file=doc.file, line=mark.line + 1 if mark else None,
                                        column=mark.column + 1 if mark else None, **params))
        return doc
    except yaml.YAMLError as exc:  # reader errors the cleaning above does not foresee
        doc.findings.append(finding("E-YAML-SYNTAX", "unreadable", file=doc.file, reason=exc))
        return doc
    except _TooDeep as exc:
        doc.findings.append(finding("E-YAML-LIMIT", file=doc.file, line=exc.mark.line + 1, column=exc.mark.column + 1,
                                    limit=MAX_DEPTH))
        return doc
    if not nodes:
        doc.findings.append(finding("E-FILE-EMPTY", file=doc.file, line=1, column=1))
        return doc
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        doc.findings.append(finding("E-YAML-MULTIDOC", file=doc.file, line=mark.line + 1, column=mark.column + 1))
    walker = _Walker(doc)
    walker.text_node(nodes[0])
    data = walker.value(nodes[0], ())
    lines = _BREAKS.split(doc.text) if walker.texts else []
    slips = [s for node in walker.texts for s in _slips_in(node, lines)]
    doc.findings.extend(s.finding(doc.file) for s in slips)
    # YAML did not read those lines as meant, or the data is cut short: nothing below them is reliable
    doc.data = None if slips or walker.exhausted else data
    return doc


# --- full-width slips: 「：」 after a key, U+3000 in an indentation ----------------------------------------
# YAML reads `金额：100` and `　　性质: 行政` as text. When the file parses, the plain keys, sequence items and
# documents (never a mapping's value: `职能职责: 负责：…` is text as meant) are searched for them. When it does
# not, a rough line scanner looks for them; a slip at or above the line YAML stopped at is taken as the cause,
# and YAML's own message is left out.

_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as its marks count lines
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*\s*(#.*)?$")
_SPECIAL = re.compile(r"[\s#'\"|>{}\[\],:：]")
_FLOW_END = re.compile(r"[,}\]]")


@dataclass(frozen=True)
class _Slip:
    line: int  # 0-based, as YAML marks count
    start: int  # column where the text YAML read begins (the would-be key)
    column: int  # column of the full-width character
    end: int  # column where the would-be value ends
    text: str  # the line

    def finding(self, file: str) -> Finding:
        line, column = self.line + 1, self.column + 1
        if self.text[self.column] == "　":
            return finding("E-YAML-SYNTAX", "fullwidth_space", file=file, line=line, column=column)
        key = self.text[self.start:self.column].strip()
        rest = re.split(r"\s#", self.text[self.column + 1:self.end])[0].strip()
        rest = rest if len(rest) <= 20 else rest[:20] + "…"
        example = f"加一个空格：「{key}: {rest}」" if rest else f"：「{key}:」"
        return finding("E-YAML-SYNTAX", "fullwidth_colon", file=file, line=line, column=column, name=key, example=example)


def _leading_space(n: int, text: str, at: int) -> _Slip | None:
    """A U+3000 where the token starting at `at` begins (also in `-　…`, a dash then U+3000)."""
    fw = re.match("-?　", text[at:])
    return _Slip(n, at, at + fw.end() - 1, len(text), text) if fw else None


def _slips_in(node: yaml.ScalarNode, lines: list[str]) -> Iterator[_Slip]:
    """Slips inside a plain scalar YAML read as a key, an item or a document, line by line."""
    first, last = node.start_mark, node.end_mark
    for n in range(first.line, last.line + 1):
        text = lines[n]
        begin = first.column if n == first.line else len(text) - len(text.lstrip(" "))
        end = last.column if n == last.line else len(text)
        space = _leading_space(n, text, begin) if not text[:begin].strip(" -") else None
        if space:
            yield space
        colon = text.find("：", begin, end)
        if colon > begin and text[begin:colon].strip():
            yield _Slip(n, begin, colon, end, text)


class _Scanner:
    """Slips in text YAML cannot parse, seen by a rough line scanner: lines of block scalars (| >) and the
    continuation lines of a long value are skipped, and so are quotes, comments and values on a line."""

    def __init__(self, text: str):
        self.slips: list[_Slip] = []
        self.block: int | None = None  # inside a block scalar: its lines are indented more than this
        self.plain: int | None = None  # after a plain value: continuation lines are indented more than this
        self.quote: str | None = None  # a quoted scalar still open at the end of the previous line
        self.depth = 0  # flow collection ({…} […]) nesting
        for n, line in enumerate(_BREAKS.split(text)):
            self.scan(n, line)

    def scan(self, n: int, s: str) -> None:
        indent = len(s) - len(s.lstrip(" "))
        limit = self.block if self.block is not None else self.plain
        if limit is not None and (not s.strip() or indent > limit):
            return  # a line of a block scalar or of a long plain value
        self.block = self.plain = None
        i = 0
        if self.quote:
            i = self.closing(s, 0, self.quote)
            if i < 0:
                return
            self.quote = None
            if not self.depth:
                return
        if not self.depth:  # block context: indentation, then "- " markers, then a key or a value
            i = indent
            while s.startswith("- ", i) or s[i:] == "-":
                i = len(s) - len(s[i + 1:].lstrip(" "))
            space = _leading_space(n, s, i)
            if space:
                self.slips.append(space)
        self.tokens(n, s, i)

    def tokens(self, n: int, s: str, i: int) -> None:
        key: int | None = i  # where the current key would start; None once past its ":" (a value)
        column = i  # the line's first token: a key, or a sequence item
        start, plain = True, False  # at the start of a token; inside a plain scalar
        while i < len(s):
            c = s[i]
            if c in " \t":
                start = start or not plain
                i += 1
                continue
            if c == "#" and (i == 0 or s[i - 1] in " \t"):
                break
            if start and c in "'\"":
                end = self.closing(s, i + 1, c)
                if end < 0:
                    self.quote = c
                    return
                i, start, plain = end, False, False
                continue
            if start and c in "|>" and not self.depth and key is None and _BLOCK_HEADER.match(s, i):
                self.block = column
                return
            if (start and c in "{[") or (self.depth and c == ","):
                self.depth += c != ","
                key, start, plain = i + 1, True, False
            elif self.depth and c in "]}":
                self.depth -= 1
                key, start, plain = None, True, False
            elif c == "：" and key is not None and plain:
                flow_end = _FLOW_END.search(s, i) if self.depth else None
                self.slips.append(_Slip(n, key, i, flow_end.start() if flow_end else len(s), s))
                key, start, plain = None, True, False
            elif c == ":" and (s[i + 1:i + 2] in ("", " ", "\t") or (self.depth and s[i + 1:i + 2] in ",]}")):
                key, start, plain = None, True, False
            else:  # plain text, up to the next character that may matter
                if start and key is not None:
                    key = i
                start, plain = False, True
                more = _SPECIAL.search(s, i + 1)
                i = more.start() if more else len(s)
                continue
            i += 1
        if plain and not self.depth:
            self.plain = column

    @staticmethod
    def closing(s: str, i: int, quote: str) -> int:
        """Index just past the quote closing at or after i ('' and \\" escape), or -1 if the line ends first."""
        while i < len(s):
            if s[i] == quote:
                if quote == "'" and s[i + 1:i + 2] == "'":
                    i += 2
                    continue
                return i + 1
            i += 2 if quote == '"' and s[i] == "\\" else 1
        return -1


def _plain(node: yaml.Node) -> TypeGuard[yaml.ScalarNode]:
    return isinstance(node, yaml.ScalarNode) and not node.style  # libyaml says '', PyYAML None


_INTEGER = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})*")
_GROUP = re.compile(r"[0-9]{3}(\.[0-9]+)?")


class _Walker:
    """Python values from the node graph: scalars as the text typed, positions recorded by path, and what
    a spec must not contain (explicit tags, merge keys, duplicate keys, unwritable characters, texts an
    Excel cell cannot hold, aliases that expand without end) reported where it is."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.active: set[int] = set()  # node ids on the current path, to stop recursive aliases
        self.texts: list[yaml.ScalarNode] = []  # plain scalars read as keys, sequence items or the document
        self.count = 0  # values walked, aliases expanded
        self.exhausted = False

    def text_node(self, node: yaml.Node) -> None:
        if _plain(node) and ("：" in node.value or "　" in node.value):
            self.texts.append(node)

    def at(self, code: str, node: yaml.Node, variant: str = "", **params: Any) -> None:
        mark = node.start_mark
        self.doc.findings.append(finding(code, variant, file=self.doc.file, line=mark.line + 1,
                                         column=mark.column + 1, **params))

    def value(self, node: yaml.Node, path: PathT) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            if not self.exhausted:
                self.exhausted = True
                self.at("E-YAML-LIMIT", node, "values", limit=f"{MAX_VALUES:,}")
            return None
        self.doc.values.setdefault(path, node.start_mark)
        if node.tag not in KNOWN_TAGS:  # reported, then read as if untagged (the error stops the build)
            self.at("E-YAML-SYNTAX", node, "tag", tag=node.tag.replace("tag:yaml.org,2002:", "!!"))
        if isinstance(node, yaml.ScalarNode):  # a scalar holds nothing: no alias can recurse through it
            return None if node.tag == NULL_TAG and _plain(node) else self.text(node)  # the text; the model types it
        if id(node) in self.active:
            self.doc.findings.append(self.doc.at("E-YAML-SYNTAX", path, "self_alias"))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            for item in node.value:
                self.text_node(item)
            return [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
        finally:
            self.active.discard(id(node))

    def text(self, node: yaml.ScalarNode) -> str:
        """A scalar's text, without characters a document cannot hold (an escape like "\x01" or "\ud800"
        can make them): each removed with a warning."""
        text = node.value
        if node.style == '"' and _UNWRITABLE.search(text):  # only escapes make them: the file's text has none
            for char in sorted(set(_UNWRITABLE.findall(text))):
                self.at("W-TEXT-CHARACTER", node, char=f"U+{ord(char):04X}")
            text = _UNWRITABLE.sub("", text)
        if len(text) > MAX_TEXT:
            self.at("E-TEXT-TOO-LONG", node, length=f"{len(text):,}", limit=f"{MAX_TEXT:,}")
        return text

    def mapping(self, node: yaml.MappingNode, path: PathT) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in _rejoin_numbers(node):
            self.text_node(key_node)
            if key_node.tag == MERGE_TAG:
                self.at("E-YAML-SYNTAX", key_node, "merge")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in KNOWN_TAGS:
                self.at("E-YAML-SYNTAX", key_node, "key_not_text")
                continue
            key = self.text(key_node)
            child = path + (key,)
            if key in out:
                first = _pos(self.doc.keys[child])
                assert first is not None
                self.doc.findings.append(finding(
                    "E-YAML-DUPLICATE-KEY", file=self.doc.file, line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1, path=format_path(child), name=key, first=first.line))
                continue
            self.doc.keys.setdefault(child, key_node.start_mark)
            out[key] = self.value(value_node, child)
        return out


def _rejoin_numbers(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """A comma ends a value inside a flow mapping, so YAML reads `{金额: 1,250.00}` as {金额: 1, 250.00: null}.
    Put such a number back together ('1,250.00', the text the user typed) so that the amount check refuses it
    with its hint, instead of an unknown key 250.00 and an amount of 1."""
    if not node.flow_style:
        return node.value
    pairs: list[tuple[yaml.Node, yaml.Node]] = []
    for key, value in node.value:
        prev = pairs[-1][1] if pairs else None
        if (prev is not None and _plain(prev) and _plain(key) and _plain(value) and value.tag == NULL_TAG
                and _INTEGER.fullmatch(prev.value) and _GROUP.fullmatch(key.value)
                and (key.start_mark.line, key.start_mark.column) == (prev.end_mark.line, prev.end_mark.column + 1)):
            pairs[-1] = (pairs[-1][0], yaml.ScalarNode(prev.tag, f"{prev.value},{key.value}", prev.start_mark,
                                                       key.end_mark, style=prev.style))
        else:
            pairs.append((key, value))
    return pairs
