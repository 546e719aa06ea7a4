"""Reading a seed's printed forms and our rendered ones side by side.

Both sides become the same thing: the texts a reader sees, in reading order — every non-empty cell (a merged cell
once) and every paragraph, split at line breaks, whitespace removed. A seed is a text extract of a published filing
(cells separated by tabs, rows by line breaks); a rendered workbook shows its numbers as their number format says
(`0.00` → 282.50, General → 282.5), so "every number as displayed" is compared as text. `differences` lists what
differs, each with the text just before it, so a test can name the few deliberate departures and fail on any other.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
from docx.oxml.ns import qn

from conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
_SPACE = re.compile(r"\s+")


def tokens(text: str) -> list[str]:
    """The texts of a seed extract (or any text): split at tabs and line breaks, whitespace and the `#` of an
    extract's headings removed."""
    return [t for t in (_SPACE.sub("", part).lstrip("#") for part in re.split(r"[\t\n]", text)) if t]


def seed(name: str) -> str:
    """A seed's text by its file name (e.g. `004_3baf89feee0f98ba.txt`)."""
    path = SEEDS / name
    if not path.is_file():
        raise FileNotFoundError(f"找不到种子文本 {path}：保真测试读仓库旁边的 shared/seeds/"
                                "（CI 的布局：仓库与 shared/ 在同一个文件夹里）")
    return path.read_text(encoding="utf-8")


def between(text: str, start: str, end: str | None = None, *, nth: int = 1) -> str:
    """The part of `text` from the `nth` line that is `start` (stripped) up to the next line that is `end` (not
    included; to the end of the text without one)."""
    lines = text.splitlines()
    found = [i for i, line in enumerate(lines) if line.strip() == start]
    if len(found) < nth:
        raise LookupError(f"seed has no line «{start}» (#{nth})")
    first = found[nth - 1]
    last = next((i for i in range(first + 1, len(lines)) if end is not None and lines[i].strip() == end), len(lines))
    return "\n".join(lines[first:last])


# --- rendered workbooks ---------------------------------------------------------------------------------------

def shown(value: object, number_format: str) -> str:
    """A cell's value as a spreadsheet shows it, for the number formats our templates use."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    section = number_format.split(";")[0]
    if '"' in section:  # literal text around the number, as in General"万元" → 41万元
        pieces = [p for p in re.split(r'("[^"]*")', section) if p]
        number = shown(value, "".join(p for p in pieces if not p.startswith('"')).strip() or "General")
        at = next((i for i, p in enumerate(pieces) if not p.startswith('"')), len(pieces))
        return "".join(p[1:-1] if p.startswith('"') else number if i == at else "" for i, p in enumerate(pieces))
    if section in ("General", "@", ""):
        number = Decimal(str(value))
        text = f"{number.normalize():f}" if number != number.to_integral_value() else str(int(number))
        return text
    percent = "%" in section
    number = Decimal(str(value)) * (100 if percent else 1)
    digits = re.search(r"\.(0+)", section)
    places = len(digits.group(1)) if digits else 0
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}" if "," in section else f"{rounded:.{places}f}"
    return text + ("%" if percent else "")


def sheet_tokens(path: Path, sheet: str) -> list[str]:
    """The texts of one rendered sheet, row by row (formulas as their cached value, if any)."""
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    out: list[str] = []
    for row in ws.iter_rows():
        for cell in row:
            out += tokens(shown(cell.value, cell.number_format))
    return out


# --- rendered Word documents ----------------------------------------------------------------------------------

def document_tokens(path: Path) -> list[str]:
    """The texts of a rendered Word document in body order: paragraphs, and tables cell by cell (a cell merged
    across columns or down rows once); headers and footers left out."""
    body = docx.Document(str(path)).element.body
    return list(_block_tokens(body))


def _block_tokens(element) -> Iterator[str]:
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield from tokens(_paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            for tr in child.iterchildren(qn("w:tr")):
                for tc in tr.iterchildren(qn("w:tc")):
                    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                    if merge is not None and merge.get(qn("w:val")) != "restart":
                        continue  # the rest of a vertical merge
                    yield from _block_tokens(tc)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_tokens(content)


def _paragraph_text(p) -> str:
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        parts.append(node.text or "" if node.tag == qn("w:t") else "\n")
    return "".join(parts)


# --- comparing ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """One place where the rendered form differs from the seed: `after` is the last text both share before it."""

    after: str
    seed: tuple[str, ...]
    ours: tuple[str, ...]

    def __str__(self) -> str:
        return f"after «{self.after}»: seed {list(self.seed)} ≠ ours {list(self.ours)}"


def differences(printed: Iterable[str], rendered: Iterable[str]) -> list[Difference]:
    """What differs between the seed's texts and ours, in order."""
    a, b = list(printed), list(rendered)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(Difference(a[i1 - 1] if i1 else "", tuple(a[i1:i2]), tuple(b[j1:j2])))
    return out


def report(name: str, found: list[Difference], expected: dict[Difference, str]) -> str:
    """A readable account of the differences that are not deliberate, and of deliberate ones no longer seen."""
    lines = [f"{name}: {d}" for d in found if d not in expected]
    lines += [f"{name}: listed departure not seen any more ({why}): {d}" for d, why in expected.items() if d not in found]
    return "\n".join(lines)
