"""`build`: render a spec's documents for its format and write them — atomically, deterministically —
to OUT/<年度>/<单位名称>/<文档>.xlsx."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .checks import Checked
from .department import Department
from .figures import Figures
from .findings import Finding, finding
from .formats import Format, file_version
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


def xlsx_template(path: Path) -> XlsxTemplate:
    """Compiled once per process and version of the file."""
    return _xlsx_template(path, file_version(path))


def docx_template(path: Path) -> DocxForm:
    """Compiled once per process and version of the file."""
    return _docx_template(path, file_version(path))


@lru_cache(maxsize=256)
def _xlsx_template(path: Path, version: tuple[int, int] | None) -> XlsxTemplate:
    return XlsxTemplate(path)


@lru_cache(maxsize=256)
def _docx_template(path: Path, version: tuple[int, int] | None) -> DocxForm:
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


def render_documents(fig: Figures, fmt: Format, member: bool = False) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every document of the format. A `member` of a 部门 publishes its 单位预算:
    its documents' names say so (部门预算公开表 → 单位预算公开表). Raises TemplateError."""
    spec = fig.spec
    when = (spec.unit.filed_on.isoformat() if spec.unit.filed_on else f"{spec.year}-01-01") + "T00:00:00Z"
    out = []
    for doc in fmt.documents:
        template = fmt.template(doc)
        name = doc["名称"].replace("部门预算", "单位预算") if member else doc["名称"]
        title = f"{spec.unit.name} {spec.year}年{name}"
        if template.suffix == ".xlsx":
            tpl = xlsx_template(template)
            data = tpl.render(Builder(fig, doc, member).fills(tpl.order), title=title, when=when)
        elif template.suffix == ".docx":
            words = Words(fig, doc, member)
            data = docx_template(template).render({**words.context(), **words.globals()}, title=title, when=when)
        else:
            raise TemplateError(f"不支持的模板类型：{template.name}")
        out.append((f"{safe_name(name)}{template.suffix}", data))
    return out


EDITIONS = ("部门", "单位")  # a 部门 file publishes its 部门预算 and each unit's 单位预算, unless its format says


def build(checked: Checked | Department, out: Path) -> Built:
    """Render and write every document of a unit — or of a 部门: its 部门预算 in OUT/<年度>/<部门>/ and each
    unit's 单位预算 in OUT/<年度>/<部门>/<单位>/, as its format's 「版本」 says — all or none."""
    result = Built()
    fig, fmt = checked.figures, checked.format
    if not checked.ok or fig is None or fmt is None:
        result.findings.append(finding("E-BUILD-REFUSED", file=str(checked.path)))
        return result
    folder = output_dir(out, fig.spec)
    editions: list[tuple[Figures, Path, bool]] = [(fig, folder, False)]
    if isinstance(checked, Department):
        wanted = fmt.rule("版本", list(EDITIONS))
        editions = [(fig, folder, False)] if "部门" in wanted else []
        if "单位" in wanted:
            editions += [(m.figures, folder / safe_name(m.figures.spec.unit.name), True)
                         for m in checked.members if m.figures is not None]
    files: list[tuple[Path, bytes]] = []
    for figures, where, member in editions:
        try:
            documents = render_documents(figures, fmt, member)
        except DataError as exc:
            result.findings.append(finding("E-BUILD-DATA", file=str(checked.path), format=fmt.name, reason=exc))
            return result
        except TemplateError as exc:
            result.findings.append(finding("E-TEMPLATE", file=str(fmt.path), format=fmt.name, reason=exc))
            return result
        wrong = [f for name, data in documents if name.endswith(".docx")
                 for f in narrative_findings(name, data, figures.spec, str(checked.path))]
        if wrong:  # a sentence whose parts do not add up to its total is never published
            result.findings += wrong
            return result
        files += [(where / name, data) for name, data in documents]
    try:
        write_all(files)
    except OutputError as exc:
        result.findings.append(finding("E-OUTPUT", file=str(checked.path), target=exc.path, reason=exc.reason))
        return result
    result.files = [path for path, _ in files]
    return result
