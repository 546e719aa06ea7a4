"""The imported spec, checked against the workbook it came from: rendered with the same format and read back
the same way, every figure cell compared with the one it should reproduce. A cell that differs is where the
workbook's tables disagree with one another (the spec follows the most detailed of them), or a sum that no
exact amounts could make print as it does."""
from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..catalog import Catalog, load_catalog
from ..figures import Figures
from ..findings import Finding
from ..render.placeholders import TemplateError
from ..render.tables import Builder
from ..spec.load import load_spec
from ..spec.model import Spec
from .facts import Extracted, Fact, extract
from .layout import Layout
from .workbook import number_of, read_workbook


class Unloadable(ValueError):
    """The imported text does not load (a bug of the importer): its findings."""

    def __init__(self, findings: list[Finding]):
        super().__init__("；".join(f"{f.line}: {f.code} {f.message}" for f in findings[:5]))
        self.findings = findings


@dataclass
class Rendered:
    spec: Spec
    figures: Figures
    catalog: Catalog
    extracted: Extracted | None  # None: the format could not render it (the message in `problem`)
    problem: str | None = None


def load_text(text: str) -> tuple[Spec, list[Finding]]:
    with tempfile.TemporaryDirectory(prefix="yusuan-import-") as tmp:
        path = Path(tmp) / "导入.yaml"
        path.write_text(text, encoding="utf-8")
        loaded = load_spec(path)
    errors = [f for f in loaded.findings if f.is_error]
    if loaded.spec is None or errors:
        raise Unloadable(errors or list(loaded.findings))
    return loaded.spec, list(loaded.findings)


def render(text: str, layout: Layout) -> Rendered:
    spec, _ = load_text(text)
    catalog = load_catalog(spec.catalog_edition)
    fig = Figures(spec, catalog)
    tpl = layout.template
    try:
        data = tpl.render(Builder(fig, layout.document).fills(tpl.order), title="导入核对", when="2000-01-01T00:00:00Z")
    except TemplateError as exc:
        return Rendered(spec, fig, catalog, None, str(exc))
    grids = read_workbook(io.BytesIO(data))
    return Rendered(spec, fig, catalog, extract(layout, grids, catalog))


@dataclass
class Mismatch:
    fact: Fact  # the workbook's cell
    got: Any  # what the imported spec prints there

    @property
    def expected(self) -> Decimal:
        return self.fact.amount


def _key(f: Fact) -> tuple[Any, ...]:
    return (f.table, f.item, f.kind, f.ident)


def shown(value: Any, fact: Fact) -> Decimal:
    """A number as its cell shows it (blank is 0), to the cell's precision."""
    amount = value if isinstance(value, Decimal) else Decimal(0)
    if fact.display is None or (fact.kind == "上年对比" and fact.key[0] == "增减率"):
        step = Decimal("0.01")
    else:
        step = fact.display.step
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def compare(given: Extracted, made: Extracted) -> tuple[int, list[Mismatch]]:
    """(how many figure cells were compared, the ones that differ)."""
    got: dict[tuple[Any, ...], Any] = {}
    for f in made.facts:
        got.setdefault(_key(f), number_of(f.value) if f.kind == "值" else f.value)
    compared, out = 0, []
    for f in given.facts:
        if f.kind == "值":  # a value that is a number (采购.合计, 项目.金额 …) is compared too
            if number_of(f.value) is None or f.display is None:
                continue
            f = replace(f, value=number_of(f.value))
        compared += 1
        value = got.get(_key(f))
        if shown(value, f) != shown(f.value, f):
            out.append(Mismatch(f, value))
    return compared, out
