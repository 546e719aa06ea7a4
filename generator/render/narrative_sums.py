"""Does every 情况说明 sentence that lists the parts of a total list parts that add up to it? Read back from
the rendered document, so whatever a template or the code puts together is checked as a reader sees it.

The text of each body paragraph (not table cells) is read with all whitespace removed (the 重庆 template
spaces its numbers: 「500.75 万元」). Spec texts the narrative quotes (增减原因, 主要用途, 职能职责 … — see `quoted_texts`) are
first blanked out, line by line, where they contain an amount or a word of the grammar (万元, 其中, 分类, 总额,
「；」, 「。」): what a unit wrote in its own words is never read as a part, a list or a sentence break.

Grammar:

    paragraph := sentence {「。」 sentence}
    sentence  := segment {「；」 segment}
    segment   := clause {「，」|「：」 clause}

Clauses, tried in this order:

    reason     starts with 主要原因 / 主要用于 / 主要是 / 主要用途: it and the rest of its segment (to the next
               「；」 or 「。」) are not read — a reason may mention amounts (主要原因是新增项目20万元)
    opener     「其中」 — alone (其中：) or before a change (其中基本支出增加…) — or 「按…分类」 (按支出功能分类，):
               a list starts after it
    sub-total  「其中<名称><金额>万元」 (重庆: 其中一般公共预算拨款政府采购1.5万元): a list starts after it, and its
               own amount is that list's total; it is an "of which", not a part of the list before it
    amount     「<名称><金额>万元」, the clause ending with the amount. A change amount — 名称 ending with
               增加 / 减少 / 增长 / 下降 (比2022年增加80.57万元, 收入较去年增加49.68万元) — is neither part nor total.
               An amount whose 名称 ends with 「总额」 starts a list right after it (重庆: 政府采购预算总额1.5万元，
               政府采购货物预算1.5万元).

A list runs to the end of its sentence or to the next opener or sub-total; its parts are its amount clauses.
Its total is the nearest amount before the list that is neither a change nor a part of a list: in the same
sentence, else the last such amount of the nearest previous sentence of the paragraph that has one and no list
(…支出750万元。按支出功能分类，…。其中：基本支出…；项目支出… — both lists are parts of 750). A list with
no parts (其中基本支出增加…，项目支出减少…) states nothing; parts with no amount before them are 不平.

Each printed amount is rounded to two decimals, so parts may miss their total by up to 0.01 × the number of
parts: that is 尾差, reported apart from a real mismatch (不平).
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from lxml import etree

from ..findings import Finding, finding
from ..money import ZERO, plain
from ..spec.model import Narrative, Reason, Spec
from .docx import W

Amount = tuple[str, Decimal]  # (名称, 金额) as printed
Status = Literal["平", "尾差", "不平"]

AMOUNT = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)万元$")  # 3,355.65 with thousands separators
CHANGE_WORDS = ("增加", "减少", "增长", "下降")
REASON_WORDS = ("主要原因", "主要用于", "主要是", "主要用途")
BY_CLASS = re.compile(r"按.{1,12}分类")
CENT = Decimal("0.01")
BLANK = "…"
MARKERS = ("万元", "其中", "分类", "总额", "；", "。")  # quoted text with one of these is blanked


@dataclass(frozen=True)
class Statement:
    """One total and the parts a sentence lists for it."""

    paragraph: str  # the paragraph's text as read (whitespace removed, quoted texts blanked)
    sentence: str  # the sentence of the list
    total: Amount | None  # None: parts listed with no amount before them
    parts: tuple[Amount, ...]

    @property
    def sum(self) -> Decimal:
        return sum((amount for _, amount in self.parts), ZERO)

    @property
    def difference(self) -> Decimal | None:
        return None if self.total is None else self.sum - self.total[1]

    @property
    def status(self) -> Status:
        diff = self.difference
        if diff == 0:
            return "平"
        return "尾差" if diff is not None and abs(diff) <= CENT * len(self.parts) else "不平"

    def message(self) -> str:
        listed = " + ".join(f"{name}{plain(amount)}" for name, amount in self.parts)
        if self.total is None:
            return f"「{self.sentence}」列出 {listed} 万元，但前面没有它们的总数"
        name, total = self.total
        said = f"「{self.sentence}」：{listed} = {plain(self.sum)} 万元，{name} {plain(total)} 万元"
        gap = plain(abs(self.sum - total))
        return {"平": f"{said}，相符", "不平": f"{said}，相差 {gap} 万元，各项不是这个总数的组成",
                "尾差": f"{said}，尾差 {gap} 万元（各数分别四舍五入到两位小数所致）"}[self.status]


@dataclass
class _List:
    total: Amount | None
    parts: list[Amount] = field(default_factory=list)


def _amount(clause: str) -> Amount | None:
    """(名称, 金额) of an amount clause; None for any other clause and for a change amount."""
    m = AMOUNT.search(clause)
    if m is None:
        return None
    name = clause[:m.start()]
    return None if name.endswith(CHANGE_WORDS) else (name, Decimal(m.group(1).replace(",", "")))


def _sentence(sentence: str, before: Amount | None) -> tuple[list[_List], list[Amount]]:
    """The lists of one sentence, and its amounts that are neither changes nor parts."""
    lists: list[_List] = []
    free: list[Amount] = []
    current: _List | None = None
    for segment in sentence.split("；"):
        for clause in re.split("[，：]", segment):
            if clause.startswith(REASON_WORDS):
                break
            if clause.startswith("其中") or BY_CLASS.fullmatch(clause):
                own = _amount(clause[2:]) if clause.startswith("其中") else None
                current = _List(own or (free[-1] if free else before))
                lists.append(current)
                continue
            amount = _amount(clause)
            if amount is None:
                continue
            if current is not None:
                current.parts.append(amount)
                continue
            free.append(amount)
            if amount[0].endswith("总额"):
                current = _List(amount)
                lists.append(current)
    return [x for x in lists if x.parts], free


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def statements(paragraphs: Iterable[str], quoted: Iterable[str] = ()) -> list[Statement]:
    """Every total-and-parts statement of a narrative's paragraphs, in order."""
    lines = {_squeeze(line) for text in quoted for line in text.splitlines()}
    masks = sorted((m for m in lines if any(w in m for w in MARKERS)), key=len, reverse=True)
    out = []
    for raw in paragraphs:
        text = _squeeze(raw)
        for mask in masks:
            text = text.replace(mask, BLANK)
        before: Amount | None = None
        for sentence in filter(None, text.split("。")):
            lists, free = _sentence(sentence, before)
            out += [Statement(text, sentence, x.total, tuple(x.parts)) for x in lists]
            if not lists and free:
                before = free[-1]
    return out


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of each paragraph of a .docx's body, in order. Table cells are forms, not sentences: a
    绩效目标表 has none to read."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml")
    body = etree.fromstring(_without_tables(xml)).find(f"{{{W}}}body")
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in body.iterchildren(f"{{{W}}}p")]


_W_PREFIX = f'xmlns:w="{W}"'.encode()
_TABLE_TAG = re.compile(rb"<(/?)w:tbl[\s>]")


def _without_tables(xml: bytes) -> bytes:
    """document.xml without its tables (w:tbl elements, nested ones within them): a form of hundreds of rows
    need not be parsed to read the few paragraphs around it. Returned unchanged where the main namespace is
    not written with the prefix `w` (Word and every docx library write `w:`) or the table tags do not pair."""
    start = xml.find(b"<w:document")
    root_end = xml.find(b">", start) if start >= 0 else -1
    if root_end < 0 or _W_PREFIX not in xml[start:root_end]:
        return xml
    kept, depth, at = [], 0, 0
    for m in _TABLE_TAG.finditer(xml, root_end):
        if m.group(1):  # </w:tbl>
            depth -= 1
            if depth == 0:
                at = m.end()
        else:
            if depth == 0:
                kept.append(xml[at:m.start()])
            depth += 1
    return b"".join(kept) + xml[at:] if depth == 0 else xml


def quoted_texts(spec: Spec) -> list[str]:
    """The spec's own words a narrative prints: 说明 (增减原因, 主要用途, each 功能科目's 用途), 职能职责, 单位构成,
    国有资产说明."""
    texts = [spec.unit.duties, spec.unit.composition, spec.assets.note if spec.assets else None]
    if spec.narrative:
        for name in Narrative.model_fields:
            reason = getattr(spec.narrative, name)
            if isinstance(reason, Reason):
                texts += [reason.change, reason.use]
        texts += list(spec.narrative.functions.values())
    return [t for t in texts if t]


def check_docx(data: bytes, spec: Spec | None = None) -> list[Statement]:
    """Every total-and-parts statement of a rendered narrative (.docx bytes); `spec` names its quoted texts."""
    return statements(docx_paragraphs(data), quoted_texts(spec) if spec else ())


def narrative_findings(name: str, data: bytes, spec: Spec, file: str | None = None) -> list[Finding]:
    """E-NARRATIVE-SUM for each sentence of a rendered document (`name`, .docx bytes) whose listed parts do
    not add up to their total: the engine's error, not the spec's — such a document must not be published."""
    return [finding("E-NARRATIVE-SUM", file=file, document=name, detail=s.message())
            for s in check_docx(data, spec) if s.status == "不平"]
