"""Read a YAML file into plain data while remembering where every key and value came from.

PyYAML's composer gives us the node graph with marks; we build the Python values ourselves so that
- every scalar stays the exact text the user typed (amounts are parsed from it later, never via float),
- duplicate keys are findings instead of silently overwritten values,
- every value's file:line:column is known by its path (('项目', 2, '金额') -> line 41, column 9).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

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

    def at(self, code: str, message: str, path: PathT, *, hint: str | None = None, key: bool = False) -> Finding:
        """A finding located at `path` in this document."""
        p = self.pos(path, key=key)
        return finding(code, message, hint=hint, file=self.file, line=p.line if p else None,
                       column=p.column if p else None, path=format_path(path))


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
        hint = "请用 UTF-8 编码保存（记事本/WPS：另存为 → 编码选 UTF-8）"
        try:
            raw.decode("gb18030")
            hint = "文件看起来是 GBK/GB18030 编码；" + hint
        except UnicodeDecodeError:
            pass
        return None, finding("E-FILE-ENCODING", f"文件不是 UTF-8 编码（第 {line} 行第 {column} 列起无法解码）",
                             hint=hint, file=file, line=line, column=column)
    if "\x00" in text:
        return None, finding("E-FILE-ENCODING", "文件含有 NUL 字符，不是文本文件（可能是 UTF-16 或二进制文件）",
                             hint="请用 UTF-8 编码保存为纯文本 YAML", file=file, line=1, column=1)
    return text, None


def read_document(path: Path) -> Document:
    """Parse one YAML file. Problems become findings on the returned document (data None when unusable)."""
    file = str(path)
    doc = Document(file=file, text="")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.findings.append(finding("E-FILE-NOT-FOUND", f"无法读取文件：{exc.strerror or exc}", file=file))
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
        doc.findings.append(finding(
            "E-YAML-SYNTAX", _translate(exc.problem, exc.context), file=doc.file,
            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None))
        return doc
    except yaml.YAMLError as exc:  # reader errors: control characters etc.
        doc.findings.append(finding("E-YAML-SYNTAX", f"YAML 无法读取：{exc}", file=doc.file))
        return doc
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        doc.findings.append(finding("E-FILE-EMPTY", "文件是空的（没有任何内容）", file=doc.file, line=1, column=1,
                                    hint="从 examples/ 中复制一份示例规格开始填写"))
        return doc
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        doc.findings.append(finding("E-YAML-MULTIDOC", "一个文件只能写一个单位一年的规格，这里出现了第二个文档（---）",
                                    file=doc.file, line=mark.line + 1, column=mark.column + 1))
    doc.data = _Walker(doc).value(nodes[0], ())
    return doc


class _Walker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.active: set[int] = set()  # node ids on the current path, to stop recursive aliases

    def mark(self, node: yaml.Node) -> Any:
        return node.start_mark

    def value(self, node: yaml.Node, path: PathT) -> Any:
        self.doc.values.setdefault(path, self.mark(node))
        if id(node) in self.active:
            self.doc.findings.append(self.doc.at("E-YAML-SYNTAX", "锚点引用了自身（循环别名）", path))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
            if node.tag == NULL_TAG and node.style is None:
                return None
            return node.value  # the exact text; types are decided by the model
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: PathT) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.doc.findings.append(finding(
                    "E-YAML-SYNTAX", "键必须是一段文字，不能是列表或映射", file=self.doc.file,
                    line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1))
                continue
            key = key_node.value
            child = path + (key,)
            if key in out:
                first = _pos(self.doc.keys[child])
                self.doc.findings.append(finding(
                    "E-YAML-DUPLICATE-KEY", f"键「{key}」重复出现（第 {first.line} 行已写过），后一个值被忽略",
                    hint="删除或合并重复的键", file=self.doc.file, line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1, path=format_path(child)))
                continue
            self.doc.keys.setdefault(child, self.mark(key_node))
            out[key] = self.value(value_node, child)
        for source in merged:  # YAML merge keys (<<: *anchor): explicit keys win
            extra = self.value(source, path) if isinstance(source, yaml.MappingNode) else None
            for key, val in (extra or {}).items():
                out.setdefault(key, val)
        return out
