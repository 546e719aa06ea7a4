"""What the tests of the two 株洲 seeds (000 网格化, 001 学林: 绩效目标表 附表1, 附表2, 附表3 …) share: the seed's
forms and ours cut at their labels, the cells of a rendered form, its layout flags and its pages."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from fidelity import between, document_tokens, tokens

BOOKMARK = "[bookmark: _GoBack]"


def without_bookmarks(text: str) -> str:
    """The seed without «[bookmark: _GoBack]»: Word's hidden bookmark at the last edit, which the text extractor
    wrote out before the cell it sits in. Nothing prints there."""
    return text.replace(BOOKMARK, "")


def seed_forms(text: str, labels: list[str]) -> list[list[str]]:
    """The seed's forms in order, each from the line that is its label (附表1, 附表3 …; a label may repeat) to
    the next form's label, as texts."""
    out = []
    for k, label in enumerate(labels):
        following = labels[k + 1] if k + 1 < len(labels) else None
        out.append(tokens(between(text, label, following, nth=labels[: k + 1].count(label))))
    return out


def rendered_forms(path: Path, labels: list[str]) -> list[list[str]]:
    """Our document's texts cut at the forms' labels, in order (each label must be there, as a text of its own)."""
    found = document_tokens(path)
    starts: list[int] = []
    for label in labels:
        starts.append(found.index(label, starts[-1] + 1 if starts else 0))
    return [found[a:b] for a, b in zip(starts, [*starts[1:], len(found)])]


def texts(t: Table) -> list[list[str]]:
    """Each row's cells as printed (a merged cell once per row), whitespace removed."""
    out = []
    for tr in t._tbl.tr_lst:
        out.append([re.sub(r"\s+", "", "".join(x.text or "" for x in tc.iter(qn("w:t")))) for tc in tr.tc_lst])
    return out


def right_of(t: Table, label: str, nth: int = 1) -> str:
    """The text of the cell right of the `nth` cell that reads `label`."""
    hits = [row[i + 1] for row in texts(t) for i, text in enumerate(row[:-1]) if text == label]
    return hits[nth - 1]


def row_flags(t: Table, flag: str) -> list[bool]:
    """Whether each row has a row property (w:cantSplit, w:tblHeader)."""
    return [tr.trPr is not None and tr.trPr.find(qn(flag)) is not None for tr in t._tbl.tr_lst]


def spans(t: Table, row: int) -> list[int]:
    """The grid columns each cell of a row spans."""
    return [tc.grid_span for tc in t._tbl.tr_lst[row].tc_lst]


def document(path: Path):
    return docx.Document(str(path))


def caption_tab_stops(path: Path) -> list[tuple[str, int, int]]:
    """For every 填报单位 line: its tab stops (alignment, position in twips) and the text width in twips."""
    doc = document(path)
    section = doc.sections[0]
    width = round((section.page_width - section.left_margin - section.right_margin) / 635)
    out = []
    for p in doc.paragraphs:
        if p.text.startswith("填报单位"):
            assert "\t" in p.text, p.text  # the unit of amounts after a tab, not after spaces
            for stop in p._p.findall(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}"):
                out.append((stop.get(qn("w:val")), int(stop.get(qn("w:pos"))), width))
    return out


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF, whitespace removed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f")]
    return [page for page in pages if page]
