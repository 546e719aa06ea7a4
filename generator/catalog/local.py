"""A workspace's own codes (本地科目): `yusuan-codes.yaml` in the spec's folder or any folder above it.

    # yusuan-codes.yaml
    - {编码: 2130199, 名称: 其他农业农村支出（本地）, 说明: 区级自设项}

Local codes never replace a national one silently: a clash is reported."""
from __future__ import annotations

from pathlib import Path

from ..findings import Finding
from ..spec.yamlsrc import read_document
from . import LEVELS, Catalog, Code, kind_of, parent_of

FILENAME = "yusuan-codes.yaml"


def find_local_file(start: Path) -> Path | None:
    for folder in [start.resolve(), *start.resolve().parents]:
        candidate = folder / FILENAME
        if candidate.is_file():
            return candidate
    return None


def load_local(path: Path, catalog: Catalog) -> tuple[list[Code], list[Finding]]:
    doc = read_document(path)
    findings = list(doc.findings)
    codes: list[Code] = []
    if doc.data is None:
        return codes, findings
    if not isinstance(doc.data, list):
        return codes, findings + [doc.at("E-SCHEMA-TYPE", (), "local_top")]
    for i, row in enumerate(doc.data):
        if not isinstance(row, dict) or not row.get("编码") or not row.get("名称"):
            findings.append(doc.at("E-SCHEMA-MISSING", (i,), "local_code"))
            continue
        code, name = str(row["编码"]).strip(), str(row["名称"]).strip()
        kind = kind_of(code)
        if kind is None:
            findings.append(doc.at("E-CODE-MALFORMED", (i, "编码"), "local", code=code))
            continue
        national = catalog.get(code)
        if national and national.name != name:
            findings.append(doc.at("W-CODE-LOCAL-CLASH", (i, "编码"), code=code, name=name, national=national.name))
        pos = doc.pos((i,))
        codes.append(Code(code, name, kind, LEVELS[kind][len(code)], parent_of(code), "LOCAL",
                          f"{path.name}:{pos.line if pos else '?'}"))
    return codes, findings
