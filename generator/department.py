"""A 部门预算: 本级 and its 下属单位, each a unit spec of its own — checked, and published as its 单位预算, on
its own — consolidated into one 部门预算.

    # 部门.yaml
    年度: 2024
    格式: …
    部门: {名称: 某区城市管理局, 编码: "115"}
    本级: 本级.yaml
    下属: [环卫中心.yaml, {规格: 执法大队.yaml, 支出合计: 812.40}]

The consolidated figures add up every unit's ledger; money that stays inside the 部门 (本级's 对附属单位补助
and the 下属单位's 上级补助收入 from it; a 下属单位's 上缴上级 and 本级's 附属单位上缴收入) is taken out of both
sides, after checking that both sides say the same."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .checks import Checked, Context, check_file, resolve_format
from .figures import Figures, Unit
from .findings import Finding, PathT
from .formats import Format
from .money import ZERO, plain
from .spec.load import Loaded, load_model
from .spec.model import Assets, DepartmentSpec, MemberRef, Spec, Staff, VehicleGroup, Vehicles
from .spec.model import Unit as UnitFacts

MARK = re.compile(r"^部门\s*:", re.MULTILINE)  # a 部门 file names its 部门 at the top level; a unit spec never does


def is_department(path: Path) -> bool:
    """Whether a YAML file is a 部门 file (read cheaply: its first lines)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return bool(MARK.search(fh.read(8192)))
    except OSError:
        return False


def member_files(path: Path) -> list[Path]:
    """The unit specs a 部门 file lists (those that exist), for tools that need them before checking."""
    loaded = load_model(path, DepartmentSpec)
    spec = loaded.spec
    if not isinstance(spec, DepartmentSpec):
        return []
    files = [path.parent / _file(ref) for ref in (spec.own, *spec.members)]
    return [f for f in files if f.is_file()]


def _file(ref: str | MemberRef) -> str:
    return ref if isinstance(ref, str) else ref.file


@dataclass
class Department:
    """Everything `check` learned about a 部门 file: its units, checked one by one, and the consolidation."""

    path: Path
    loaded: Loaded
    members: list[Checked] = field(default_factory=list)  # 本级 first
    findings: list[Finding] = field(default_factory=list)  # the 部门's own and every unit's
    figures: Figures | None = None
    format: Format | None = None

    @property
    def spec(self) -> Spec | None:
        return self.figures.spec if self.figures else None

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)

    @property
    def files(self) -> list[str]:
        return [str(self.path), *(str(m.path) for m in self.members)]


def check_department(path: Path, codes_file: Path | None = None, format_name: str | None = None,
                     templates: Path | None = None) -> Department:
    loaded = load_model(path, DepartmentSpec)
    out = Department(path=path, loaded=loaded, findings=list(loaded.findings))
    dept = loaded.spec
    if not isinstance(dept, DepartmentSpec):
        return out
    out.format, problems = resolve_format(loaded, path, format_name, templates)
    out.findings += problems
    refs: list[tuple[PathT, str | MemberRef]] = [(("本级",), dept.own)]
    refs += [(("下属", i), ref) for i, ref in enumerate(dept.members)]
    units: list[Unit] = []
    declared: list[tuple[PathT, MemberRef, Figures]] = []
    for where, ref in refs:
        file = path.parent / _file(ref)
        spot = where + (("规格",) if isinstance(ref, MemberRef) else ())
        if not file.is_file():
            out.findings.append(loaded.doc.at("E-FILE-NOT-FOUND", spot, "member", member=_file(ref)))
            continue
        if file.resolve() in (Path(m.path).resolve() for m in out.members):
            out.findings.append(loaded.doc.at("E-DEPT-MEMBER", spot, "twice", member=_file(ref)))
            continue
        checked = check_file(file, codes_file, format_name or dept.format, templates)
        out.members.append(checked)
        out.findings += checked.findings
        if checked.figures is None or checked.spec is None:
            continue
        if checked.spec.year != dept.year:
            out.findings.append(loaded.doc.at("E-DEPT-MEMBER", spot, "year", member=_file(ref),
                                              year=checked.spec.year, expected=dept.year))
        role = "本级" if where == ("本级",) else "下属"
        units.append(Unit(len(units), checked.spec, checked.figures.catalog, role))
        if isinstance(ref, MemberRef):
            declared.append((where, ref, checked.figures))
    if not units or units[0].role != "本级":
        return out
    catalog = units[0].catalog
    out.figures = Figures(consolidate(dept, units), catalog, units)
    fmt = out.format
    assert fmt is not None
    ctx = Context(doc=loaded.doc, spec=out.figures.spec, catalog=catalog, figures=out.figures, format=fmt,
                  unit_docs=tuple(m.loaded.doc for m in out.members if m.figures is not None))
    out.findings += _flows(ctx, out.members)
    out.findings += _declared(ctx, declared)
    out.findings += _unique(ctx, units, refs)
    for rule in department_rules():
        out.findings += rule(ctx)
    return out


def department_rules() -> list[Any]:
    """The rules that look at the 部门 as a whole (each unit's own are run on it): its tables' footing, its
    published figures, its "三公" growth."""
    from .checks import policy, rounding, sums
    return [*rounding.RULES, sums.published, *policy.RULES]


# --- the consolidated spec: what the 部门 shows as a whole -------------------------------------------------

def consolidate(dept: DepartmentSpec, units: list[Unit]) -> Spec:
    """A Spec for the 部门's documents: the 部门's facts, its units' people, vehicles and assets added up,
    every unit's lines in order (the ledger itself is built unit by unit: see Figures), and what the 部门
    file says for itself (上年, 说明, 公布数, 整体绩效)."""
    specs = [u.spec for u in units]
    facts = dept.department
    composition = facts.composition or _composition(units)
    unit = UnitFacts.model_construct(
        name=facts.name, code=facts.code, department=None, department_code=None, kind=None, funding=None,
        duties=facts.duties, composition=composition, staff=_sum_model(Staff, [s.unit.staff for s in specs]),
        vehicles=_sum_model(Vehicles, [s.unit.vehicles for s in specs]), contact=facts.contact, phone=facts.phone,
        preparer=None, head=None, finance_head=None, filed_on=facts.filed_on)
    basic = None if any(s.basic is None for s in specs) else [line for s in specs for line in s.basic_lines]
    return Spec.model_construct(
        year=dept.year, format=dept.format, money_unit="万元", edition=dept.edition, unit=unit,
        income=specs[0].income if len(specs) == 1 else _any_income(specs), basic=basic,
        projects=[p for s in specs for p in s.projects], subsidies=[t for s in specs for t in s.subsidies],
        remittances=[t for s in specs for t in s.remittances], programs=[p for s in specs for p in s.programs],
        performance=dept.performance, procurement=[p for s in specs for p in s.procurement],
        services=[x for s in specs for x in s.services],
        assets=_sum_model(Assets, [s.assets for s in specs], keep=("as_of",)),
        prior=dept.prior, narrative=dept.narrative, published=dept.published)


def _composition(units: list[Unit]) -> str:
    """本部门由 本级 和 3 个下属单位组成：行政单位 2 个，参照公务员法管理的事业单位 1 个，事业单位 1 个。"""
    words = {"行政": "行政单位", "参公": "参照公务员法管理的事业单位", "事业": "事业单位"}
    counts = [(words[k], sum(u.spec.unit.kind == k for u in units)) for k in words]
    told = "，".join(f"{name} {n} 个" for name, n in counts if n)
    return f"本部门由本级和 {len(units) - 1} 个下属单位组成" + (f"：{told}" if told else "") + "。"


def _any_income(specs: list[Spec]) -> Any:
    """Income is read from the Figures (by source, flows taken out); the spec only says whether there is any."""
    return next((s.income for s in specs if s.income is not None), None)


def _sum_model(model: Any, items: list[Any], keep: tuple[str, ...] = ()) -> Any:
    """Several units' facts as one: counts added up, lists joined (vehicles by category: the same category's
    counts added), texts from the first unit that gives one; a field no unit gives stays unknown."""
    given = [x for x in items if x is not None]
    if not given:
        return None
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        found = [v for x in given if (v := getattr(x, name)) is not None]
        if not found:
            values[name] = [] if isinstance(info.default, list) else None
        elif isinstance(found[0], list):
            values[name] = _joined([item for v in found for item in v])
        elif name not in keep and all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in found):
            values[name] = sum(found)
        else:
            values[name] = found[0]
    return model.model_construct(**values)


def _joined(items: list[Any]) -> list[Any]:
    """Items of several units in one list; items that count a category (车辆构成) are added up by category."""
    if not items or not all(isinstance(i, VehicleGroup) for i in items):
        return items
    counts: dict[str, int] = {}
    for item in items:
        counts[item.category] = counts.get(item.category, 0) + item.count
    return [VehicleGroup.model_construct(category=k, count=n) for k, n in counts.items()]


# --- rules of the 部门 ---------------------------------------------------------------------------------------

def _flows(ctx: Context, members: list[Checked]) -> list[Finding]:
    """Each side of money that stays inside the 部门 must say the same: what 本级 pays a 下属单位 as 对附属单位补助
    is that unit's 上级补助收入; what the 下属单位 pay as 上缴上级 is 本级's 附属单位上缴收入."""
    fig = ctx.figures
    found: list[Finding] = []
    by_unit = {u.index: m for u, m in zip(fig.units, members)}
    paid = fig.flows()
    for u in fig.units:
        member = by_unit[u.index]
        for i, t in enumerate(u.spec.subsidies):
            if fig.unit_named(t.to) is None:
                found.append(member.loaded.doc.at("E-DEPT-FLOW", ("对附属单位补助", i, "单位"), "unknown_unit",
                                                  unit=t.to or "（未写）", department=ctx.spec.unit.name))
    own = fig.units[0]
    remitted = sum((a for (_, source), a in paid.items() if source == "附属单位上缴收入"), ZERO)
    checks: list[tuple[Unit, str, Decimal, str]] = [
        (u, "上级补助收入", paid.get((u.index, "上级补助收入"), ZERO), "本级的对附属单位补助") for u in fig.units[1:]]
    checks.append((own, "附属单位上缴收入", remitted, "下属单位的上缴上级"))
    for u, source, amount, payer in checks:
        income = u.spec.income
        recorded = getattr(income, {"上级补助收入": "superior", "附属单位上缴收入": "subsidiary"}[source]) if income else None
        if (recorded or ZERO) != amount:
            found.append(by_unit[u.index].loaded.doc.at(
                "E-DEPT-FLOW", ("收入", source), key=True, unit=u.spec.unit.name, source=source,
                recorded=plain(recorded or ZERO), payer=payer, paid=plain(amount)))
    return found


def _declared(ctx: Context, declared: list[tuple[PathT, MemberRef, Figures]]) -> list[Finding]:
    """Figures the 部门 file declares for a unit, against that unit's ledger."""
    from .checks.sums import compare
    out: list[Finding] = []
    for where, ref, fig in declared:
        name = fig.spec.unit.name
        for attr, label, computed in (("expenditure", "支出合计", fig.total), ("income", "收入合计", fig.income_total)):
            value = getattr(ref, attr)
            if value is not None and computed is not None:
                out += compare(ctx, "E-SUM-DECLARED", f"单位「{name}」的{label}", value, computed, 2, where + (label,))
    return out


def _unique(ctx: Context, units: list[Unit], refs: list[tuple[PathT, Any]]) -> list[Finding]:
    """Two units of a 部门 with one name or code would share a folder and be indistinguishable in its tables."""
    out: list[Finding] = []
    seen: dict[str, str] = {}
    for u in units:
        for value in (u.spec.unit.name, u.spec.unit.code):
            if not value:
                continue
            if value in seen and seen[value] != str(u.index):
                out.append(ctx.at("E-DEPT-MEMBER", refs[u.index][0], "same_unit", member=value))
            seen.setdefault(value, str(u.index))
    return out


# --- what a command is given ---------------------------------------------------------------------------

def check_any(path: Path, codes_file: Path | None = None, format_name: str | None = None,
              templates: Path | None = None) -> Checked | Department:
    """A unit spec's or a 部门 file's check."""
    if is_department(path):
        return check_department(path, codes_file, format_name, templates)
    return check_file(path, codes_file, format_name, templates)


def without_members(files: list[Path]) -> list[Path]:
    """The files a command works on: a unit spec that a 部门 file among them lists is part of that 部门
    (checked and published with it), not a spec of its own."""
    members = {m.resolve() for f in files if is_department(f) for m in member_files(f)}
    return [f for f in files if f.resolve() not in members]
