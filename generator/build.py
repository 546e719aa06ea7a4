"""`build`: render a spec's documents for its format and write them — atomically, deterministically —
to OUT/<年度>/<单位名称>/<文档>.xlsx."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .checks import Checked
from .figures import Figures
from .findings import Finding, finding
from .formats import Format
from .output import OutputError, write_all
from .render.docx import DocxForm
from .render.narrative_sums import narrative_findings
from .render.placeholders import DataError, TemplateError
from .render.tables import Builder
from .render.words import FILTERS, Words
from .render.xlsx import XlsxTemplate
from .spec.model import Spec

MAX_NAME_BYTES = 200  # of a folder or file name in UTF-8: file systems allow 255, temporary names need room


def safe_name(name: str) -> str:
    """A folder/file name from a unit or document name: no separators, no '..', no control characters,
    at most MAX_NAME_BYTES bytes (cut at a character), never empty."""
    text = unicodedata.normalize("NFC", name)
    text = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", text).strip().strip(".")
    text = re.sub(r"\s+", " ", text)
    text = text.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")
    return text.rstrip(" .") or "未命名"


@cache
def xlsx_template(path: Path) -> XlsxTemplate:
    """Compiled once per process."""
    return XlsxTemplate(path)


@cache
def docx_template(path: Path) -> DocxForm:
    """Compiled once per process."""
    return DocxForm(path, FILTERS)


@dataclass
class Built:
    files: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def output_dir(out: Path, spec: Spec) -> Path:
    return out / str(spec.year) / safe_name(spec.unit.name)


def clashes(folders: Iterable[tuple[str, Path]]) -> dict[str, list[str]]:
    """Specs that would write into the same folder (the same unit and year, or names that become the
    same folder name), each with the others it clashes with."""
    by_folder: dict[Path, list[str]] = {}
    for spec, folder in folders:
        by_folder.setdefault(folder, []).append(spec)
    return {spec: [o for o in specs if o != spec] for specs in by_folder.values() if len(specs) > 1 for spec in specs}


def render_documents(fig: Figures, fmt: Format) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every document of the format. Raises TemplateError."""
    spec = fig.spec
    when = (spec.unit.filed_on.isoformat() if spec.unit.filed_on else f"{spec.year}-01-01") + "T00:00:00Z"
    out = []
    for doc in fmt.documents:
        template = fmt.template(doc)
        title = f"{spec.unit.name} {spec.year}年{doc['名称']}"
        if template.suffix == ".xlsx":
            tpl = xlsx_template(template)
            data = tpl.render(Builder(fig, doc).fills(tpl.order), title=title, when=when)
        elif template.suffix == ".docx":
            words = Words(fig, doc)
            data = docx_template(template).render({**words.context(), **words.globals()}, title=title, when=when)
        else:
            raise TemplateError(f"不支持的模板类型：{template.name}")
        out.append((f"{safe_name(doc['名称'])}{template.suffix}", data))
    return out


def build(checked: Checked, out: Path) -> Built:
    result = Built()
    fig, fmt = checked.figures, checked.format
    if not checked.ok or fig is None or fmt is None:
        result.findings.append(finding("E-BUILD-REFUSED", file=str(checked.path)))
        return result
    try:
        documents = render_documents(fig, fmt)
    except DataError as exc:
        result.findings.append(finding("E-BUILD-DATA", file=str(checked.path), format=fmt.name, reason=exc))
        return result
    except TemplateError as exc:
        result.findings.append(finding("E-TEMPLATE", file=str(fmt.path), format=fmt.name, reason=exc))
        return result
    wrong = [f for name, data in documents if name.endswith(".docx")
             for f in narrative_findings(name, data, fig.spec, str(checked.path))]
    if wrong:  # a sentence whose parts do not add up to its total is never published
        result.findings += wrong
        return result
    files = [(output_dir(out, fig.spec) / name, data) for name, data in documents]
    try:
        write_all(files)
    except OutputError as exc:
        result.findings.append(finding("E-OUTPUT", file=str(checked.path), target=exc.path, reason=exc.reason))
        return result
    result.files = [path for path, _ in files]
    return result
