"""`check`: load a spec, resolve its codes, build its figures and run every rule; collect all findings.

Each rule is a small function `rule(ctx) -> Iterable[Finding]` in one of the modules below; a rule
never stops the others."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..catalog import Catalog, editions, load_catalog
from ..catalog.local import find_local_file, load_local
from ..figures import Figures
from ..findings import Finding, PathT, finding
from ..formats import DEFAULT, Format, FormatError, UnknownFormat, templates_for
from ..money import WAN, ZERO, plain, tolerance
from ..spec.load import Loaded, load_spec
from ..spec.model import Spec
from ..spec.yamlsrc import Document


@dataclass
class Context:
    doc: Document
    spec: Spec
    catalog: Catalog
    figures: Figures
    format: Format

    unit_docs: tuple[Document, ...] = ()  # a 部门's: each unit's spec, where its ledger amounts are written

    def at(self, code: str, path: PathT, variant: str = "", /, *, key: bool = False, **params: Any) -> Finding:
        return self.doc.at(code, path, variant, key=key, **params)

    def at_unit(self, unit: int, code: str, path: PathT, variant: str = "", /, **params: Any) -> Finding:
        """A finding at `path` in the spec of the unit whose ledger amount it is about."""
        doc = self.unit_docs[unit] if self.unit_docs else self.doc
        return doc.at(code, path, variant, **params)

    def amounts(self, **values: Decimal) -> dict[str, str]:
        """Amounts for a message, in the unit the spec is written in (万元 two decimals, or 元), with `unit`."""
        if self.spec.money_unit == "元":
            return {**{k: plain(v * WAN) for k, v in values.items()}, "unit": "元"}
        return {**{k: plain(v) for k, v in values.items()}, "unit": "万元"}

    def tolerance(self, addends: int) -> Decimal:
        """How far a declared sum may miss its parts by rounding: amounts typed in 元 are exact, so not at all."""
        return ZERO if self.spec.money_unit == "元" else tolerance(addends)


@dataclass
class Checked:
    """Everything `check` learned about one spec file."""

    path: Path
    loaded: Loaded
    findings: list[Finding] = field(default_factory=list)
    figures: Figures | None = None
    format: Format | None = None

    @property
    def spec(self) -> Spec | None:
        return self.loaded.spec

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


Rule = Callable[[Context], Iterable[Finding]]


def rules() -> list[Rule]:
    from . import codes, indicators, policy, rounding, sums
    return [*codes.RULES, *sums.RULES, *rounding.RULES, *indicators.RULES, *policy.RULES]


def check_file(path: Path, codes_file: Path | None = None, format_name: str | None = None,
               templates: Path | None = None) -> Checked:
    """Check one spec. `format_name` overrides the spec's 格式; `templates` is a --templates folder."""
    loaded = load_spec(path)
    out = Checked(path=path, loaded=loaded, findings=list(loaded.findings))
    spec = loaded.spec
    if spec is None:
        return out
    catalog = load_catalog(spec.catalog_edition)
    low, high = editions()
    if not low <= spec.catalog_edition <= high:
        out.findings.append(loaded.doc.at("W-CATALOG-EDITION", ("科目版本",) if spec.edition else ("年度",),
                                          edition=spec.catalog_edition, low=low, high=high, used=catalog.edition))
    local_file = codes_file or find_local_file(path.parent)
    if local_file:
        local, problems = load_local(local_file, catalog)
        catalog = catalog.with_local(local)
        out.findings.extend(problems)
    out.format, problems = resolve_format(loaded, path, format_name, templates)
    out.findings.extend(problems)
    out.figures = Figures(spec, catalog)
    ctx = Context(doc=loaded.doc, spec=spec, catalog=catalog, figures=out.figures, format=out.format)
    for rule in rules():
        out.findings.extend(rule(ctx))
    return out


def resolve_format(loaded: Loaded, path: Path, format_name: str | None,
                   templates: Path | None) -> tuple[Format, list[Finding]]:
    """The spec's format from its template layers; what is wrong with them is a finding. The checks still
    run with an unknown format (with the default one's rules, or none)."""
    stack = templates_for(path.parent, templates)
    findings = [finding("E-TEMPLATES", file=str(path), reason=problem) for problem in stack.problems]
    spec = loaded.spec
    name = format_name or (spec.format if spec else None) or DEFAULT
    try:
        return stack.format(name), findings
    except UnknownFormat as exc:
        names = stack.names()
        suggestion = ("可用格式：" + "、".join(names)) if names else "没有可用的格式：检查模板文件夹"
        if format_name is None and spec is not None and spec.format:
            findings.append(loaded.doc.at("E-FORMAT-UNKNOWN", ("格式",), reason=exc, suggestion=suggestion))
        else:
            findings.append(finding("E-FORMAT-UNKNOWN", "option", file=str(path), reason=exc, suggestion=suggestion))
    except FormatError as exc:  # and each of the format file's problems at its own line
        findings += [finding("E-FORMAT-INVALID", file=str(path), reason=exc), *exc.findings]
    try:
        return stack.format(DEFAULT), findings
    except FormatError:
        return Format(name=name, title=name), findings


SPEC_SUFFIXES = (".yaml", ".yml")


def spec_files(paths: Iterable[Path]) -> list[Path]:
    """Spec files named on the command line; folders are searched recursively. Workspace files
    (yusuan-*.yaml) and files starting with '_' or '.' are not specs."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()
                              and not p.name.startswith(("yusuan-", "_", "."))
                              and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            out.append(path)
    return out


_SPEC_KEY = re.compile(r"^(?:年度|单位|格式|金额单位|成员|部门)\s*[:：]|yaml-language-server:.*spec\.schema\.json", re.M)


def is_spec_like(path: Path) -> bool:
    """Whether a YAML file is meant as a spec (or 部门 file): a top-level key of one, or the spec schema's
    modeline, in its first 64 KB. Format files, CI configuration and yusuan-*.yaml workspace files are not."""
    if path.name.startswith(("yusuan-", ".")):
        return False
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return bool(_SPEC_KEY.search(fh.read(65536)))
    except OSError:
        return False


def missing(paths: Iterable[Path]) -> list[Finding]:
    return [finding("E-FILE-NOT-FOUND", file=str(p)) for p in paths if not p.exists()]
