"""Print titles, opened the fast way for the PDF converter.

LibreOffice 7.4 spends about 35 ms per sheet opening an xlsx print-titles name (`'附件3-1'!$1:$4`: whole
rows, which it spans over all 16,384 columns): 湖南's 公开表, 34 sheets with titles, takes 1.5 s to open
and 0.2 s to print. The converter opens a copy without those names instead and sets the same rows (or
columns) to repeat through UNO once the copy is open: 0.3 s, and the same pages, pixel for pixel. The
workbook a unit publishes keeps its names as they are (Excel and WPS read them so). Only the listening
LibreOffice (UNO) can set titles after opening; `soffice --convert-to` opens the workbook as it is."""
from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string

WORKBOOK = "xl/workbook.xml"
RELS = "xl/_rels/workbook.xml.rels"
CHARTSHEET = b"/relationships/chartsheet"
_NAME = re.compile(rb'<definedName name="_xlnm\.Print_Titles"(?: localSheetId="(\d+)")?[^>]*>([^<]*)</definedName>')
_REF = re.compile(r"(?:'(?:[^']|'')+'|[^'!]+)!\$?(?:(\d+):\$?(\d+)|([A-Z]{1,3}):\$?([A-Z]{1,3}))")

Span = tuple[int, int]  # first and last row or column, from 0


@dataclass(frozen=True)
class Titles:
    rows: Span | None = None
    columns: Span | None = None


def split(workbook: bytes) -> tuple[bytes, dict[int, Titles]] | None:
    """workbook.xml without its print-titles names, and what each name repeats, by sheet index; None when
    it has none, or one this does not read (the workbook is then opened as it is)."""
    titles: dict[int, Titles] = {}
    for m in _NAME.finditer(workbook):
        if m.group(1) is None:
            return None
        rows = columns = None
        for ref in _refs(html.unescape(m.group(2).decode("utf-8"))):
            r = _REF.fullmatch(ref.strip())
            if r is None:
                return None
            if r.group(1):
                rows = (int(r.group(1)) - 1, int(r.group(2)) - 1)
            else:
                columns = (column_index_from_string(r.group(3)) - 1, column_index_from_string(r.group(4)) - 1)
        titles[int(m.group(1))] = Titles(rows, columns)
    return (_NAME.sub(b"", workbook), titles) if titles else None


def _refs(formula: str) -> list[str]:
    """The references of a name's formula, split at the commas outside quoted sheet names."""
    parts, start, quoted = [], 0, False
    for i, ch in enumerate(formula):
        if ch == "'":
            quoted = not quoted  # '' inside a quoted name toggles twice
        elif ch == "," and not quoted:
            parts.append(formula[start:i])
            start = i + 1
    return [*parts, formula[start:]]


def lighter_copy(source: Path, folder: Path) -> tuple[Path, dict[int, Titles]] | None:
    """A copy of the workbook in `folder` without its print-titles names, and the titles to set once it is
    open; None when it has none this can take out, or is no workbook this can read (LibreOffice then opens
    the file itself, and says what is wrong with it)."""
    try:
        with zipfile.ZipFile(source) as zf:
            if CHARTSHEET in zf.read(RELS):  # sheet indices that may not be LibreOffice's: open it as it is
                return None
            found = split(zf.read(WORKBOOK))
            if found is None:
                return None
            folder.mkdir(parents=True, exist_ok=True)
            copy = folder / source.name
            with zipfile.ZipFile(copy, "w", compresslevel=1) as out:
                for info in zf.infolist():
                    out.writestr(info, found[0] if info.filename == WORKBOOK else zf.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    return copy, found[1]
