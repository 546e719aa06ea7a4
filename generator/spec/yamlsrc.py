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


_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现「键: 值」：可能缺少缩进、漏了引号，或冒号后少了空格",
    "could not find expected ':'": "找不到应有的冒号「:」",
    "found character '\\t' that cannot start any token": "YAML 不能用制表符（Tab）缩进，请改用空格",
    "found undefined alias": "引用了未定义的锚点（*别名）",
    "found unexpected end of stream": "文件意外结束：引号或括号没有闭合",
    "found unknown escape character": "双引号字符串中有无法识别的转义符「\\」，可改用单引号",
    "did not find expected key": "缩进不一致或缺少冒号，找不到应有的键",
    "did not find expected '-' indicator": "列表项的缩进不一致，找不到应有的「-」",
    "did not find expected node content": "此处缺少内容",
    "found a tab character that violates indentation": "YAML 不能用制表符（Tab）缩进，请改用空格",
    "expected <block end>, but found": "缩进不一致：此行与上文的层级对不上",
    "found unexpected ':'": "出现了多余的冒号「:」，含冒号的文字请加引号",
    "while scanning a quoted scalar": "引号没有闭合",
    "found character '@' that cannot start any token": "「@」不能作为文字开头，请给这段文字加引号",
    "found character '`' that cannot start any token": "「`」不能作为文字开头，请给这段文字加引号",
}


def _translate(problem: str | None, context: str | None) -> str:
    text = " ".join(x for x in (context, problem) if x)
    for en, zh in _PROBLEMS.items():
        if en in text:
            return zh
    return f"YAML 语法错误（{text}）"


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
    if "\x00" in text:
        return None, finding("E-FILE-ENCODING", "nul", file=file, line=1, column=1)
    return text, None


def read_document(path: Path) -> Document:
    """Parse one YAML file. Problems become findings on the returned document (data None when unusable)."""
    file = str(path)
    doc = Document(file=file, text="")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.findings.append(finding("E-FILE-NOT-FOUND", "unreadable", file=file, reason=exc.strerror or exc))
        return doc
    text, problem = _decode(raw, file)
    if problem:
        doc.findings.append(problem)
        return doc
    doc.text = text
    return parse_text(doc)


class _TextResolver(yaml.resolver.BaseResolver):
    """We keep every scalar's text and only need to know nulls and merge keys: skip YAML 1.1's regex
    guessing of ints, floats, booleans and dates (the model decides types from the text)."""

    NULLS = frozenset(("", "~", "null", "Null", "NULL"))

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return NULL_TAG if value in self.NULLS else MERGE_TAG if value == "<<" else self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


try:  # libyaml: ten times faster than the pure-Python parser
    from yaml.cyaml import CParser

    class FAST_LOADER(CParser, yaml.constructor.BaseConstructor, _TextResolver):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.constructor.BaseConstructor.__init__(self)
            _TextResolver.__init__(self)
except ImportError:
    FAST_LOADER = yaml.SafeLoader
# libyaml's error wording differs from PyYAML's: errors are re-read with the pure-Python parser, whose
# messages we translate.


def parse_text(doc: Document) -> Document:
    try:
        try:
            nodes = list(yaml.compose_all(doc.text, Loader=FAST_LOADER))
        except yaml.YAMLError:
            nodes = list(yaml.compose_all(doc.text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        slips = _Scanner(doc.text).slips
        doc.findings.extend(s.finding(doc.file) for s in slips)
        if not (mark and any(s.line <= mark.line for s in slips)):  # else a full-width slip is the likely cause
            doc.findings.append(finding(
                "E-YAML-SYNTAX", file=doc.file, line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None, problem=_translate(exc.problem, exc.context)))
        return doc
    except yaml.YAMLError as exc:  # reader errors: control characters etc.
        doc.findings.append(finding("E-YAML-SYNTAX", "unreadable", file=doc.file, reason=exc))
        return doc
    nodes = [n for n in nodes if n is not None]
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
    doc.data = None if slips else data  # YAML did not read those lines as meant: nothing below them is reliable
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
        where = {"file": file, "line": self.line + 1, "column": self.column + 1}
        if self.text[self.column] == "　":
            return finding("E-YAML-SYNTAX", "fullwidth_space", **where)
        key = self.text[self.start:self.column].strip()
        rest = re.split(r"\s#", self.text[self.column + 1:self.end])[0].strip()
        rest = rest if len(rest) <= 20 else rest[:20] + "…"
        example = f"加一个空格：「{key}: {rest}」" if rest else f"：「{key}:」"
        return finding("E-YAML-SYNTAX", "fullwidth_colon", **where, name=key, example=example)


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
            if start and c in "{[" or self.depth and c == ",":
                self.depth += c != ","
                key, start, plain = i + 1, True, False
            elif self.depth and c in "]}":
                self.depth -= 1
                key, start, plain = None, True, False
            elif c == "：" and key is not None and plain:
                flow_end = _FLOW_END.search(s, i) if self.depth else None
                self.slips.append(_Slip(n, key, i, flow_end.start() if flow_end else len(s), s))
                key, start, plain = None, True, False
            elif c == ":" and (s[i + 1:i + 2] in ("", " ", "\t") or self.depth and s[i + 1:i + 2] in ",]}"):
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
    def __init__(self, doc: Document):
        self.doc = doc
        self.active: set[int] = set()  # node ids on the current path, to stop recursive aliases
        self.texts: list[yaml.ScalarNode] = []  # plain scalars read as keys, sequence items or the document

    def text_node(self, node: yaml.Node) -> None:
        if _plain(node) and ("：" in node.value or "　" in node.value):
            self.texts.append(node)

    def mark(self, node: yaml.Node) -> Any:
        return node.start_mark

    def value(self, node: yaml.Node, path: PathT) -> Any:
        self.doc.values.setdefault(path, self.mark(node))
        if id(node) in self.active:
            self.doc.findings.append(self.doc.at("E-YAML-SYNTAX", path, "self_alias"))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                for item in node.value:
                    self.text_node(item)
                return [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
            if node.tag == NULL_TAG and node.style is None:
                return None
            return node.value  # the exact text; types are decided by the model
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: PathT) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in _rejoin_numbers(node):
            self.text_node(key_node)
            if key_node.tag == MERGE_TAG:
                merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.doc.findings.append(finding(
                    "E-YAML-SYNTAX", "key_not_text", file=self.doc.file,
                    line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1))
                continue
            key = key_node.value
            child = path + (key,)
            if key in out:
                first = _pos(self.doc.keys[child])
                self.doc.findings.append(finding(
                    "E-YAML-DUPLICATE-KEY", file=self.doc.file, line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1, path=format_path(child), name=key, first=first.line))
                continue
            self.doc.keys.setdefault(child, self.mark(key_node))
            out[key] = self.value(value_node, child)
        for source in merged:  # YAML merge keys (<<: *anchor): explicit keys win
            extra = self.value(source, path) if isinstance(source, yaml.MappingNode) else None
            for key, val in (extra or {}).items():
                out.setdefault(key, val)
        return out


def _rejoin_numbers(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """A comma ends a value inside a flow mapping, so YAML reads `{金额: 1,250.00}` as {金额: 1, 250.00: null}.
    Put such a number back together ('1,250.00', the text the user typed) so that the amount check refuses it
    with its hint, instead of an unknown key 250.00 and an amount of 1."""
    pairs: list[tuple[yaml.Node, yaml.Node]] = []
    for key, value in node.value:
        prev = pairs[-1][1] if pairs and node.flow_style else None
        if (prev is not None and _plain(prev) and _plain(key) and _plain(value) and value.tag == NULL_TAG
                and _INTEGER.fullmatch(prev.value) and _GROUP.fullmatch(key.value)
                and (key.start_mark.line, key.start_mark.column) == (prev.end_mark.line, prev.end_mark.column + 1)):
            pairs[-1] = (pairs[-1][0], yaml.ScalarNode(prev.tag, f"{prev.value},{key.value}", prev.start_mark,
                                                       key.end_mark, style=prev.style))
        else:
            pairs.append((key, value))
    return pairs
