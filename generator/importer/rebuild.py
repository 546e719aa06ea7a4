"""From the facts of a workbook to the ledger of a spec, in stages, each taking the finest figures the tables
print and the sums of the others as constraints:

    收入     the sources and 上年结转 the income figures name (收支总表, 收入总表 …)
    B        each 功能科目 (项) × kind (基本 / 项目 / 对附属单位补助 / 上缴上级) × 资金来源
    C        基本支出 × 经济科目: the 功能 × 经济 cross where a table prints it, else a fill that meets every
             printed margin (each 功能科目's 基本支出, each 经济科目's, 人员/公用 …), noted for the author
    D        项目: as listed (清单: 项目), else named by their forms (每项: 项目) and placed by amount, else one
             per 功能科目; their 经济科目 where printed (and the “三公” part the basic lines do not carry)
    E        对附属单位补助, 上缴上级

A figure is matched against ledger cells by its terms; a term on a coordinate a stage has not settled yet
makes the figure wait for a later stage, where it is used with what the earlier stages settled taken out."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..catalog import Catalog
from ..figures import IncomeView, Term, Terms
from ..ledger import FUND_OF, GENERAL_PARTS, STAFF_CLASSES
from ..money import WAN, Display
from ..spec.model import SOURCE_NAMES
from .draft import Draft, Line, Money, Project, Transfer
from .facts import Extracted, Fact
from .solve import Sum, solve

ZERO = Decimal(0)
UNKNOWN = "?"
KIND_ORDER = ("基本支出", "项目支出", "对附属单位补助支出", "上缴上级支出")
TRANSFER_KEYS = {"对附属单位补助支出": "对附属单位补助", "上缴上级支出": "上缴上级"}
SOURCE_ORDER = ("一般公共预算拨款", "政府性基金拨款", "国有资本经营预算拨款", "财政专户管理资金", "事业收入", "其他收入",
                "上级补助收入", "附属单位上缴收入", "事业单位经营收入", *GENERAL_PARTS)
FUND_SOURCE = {"一般公共预算": "一般公共预算拨款", "政府性基金": "政府性基金拨款", "国有资本经营": "国有资本经营预算拨款",
               "财政专户": "财政专户管理资金", "单位资金": "事业收入"}
CARRY_KEY = {"一般公共预算": "一般公共预算拨款", "政府性基金": "政府性基金拨款", "国有资本经营": "国有资本经营预算拨款",
             "财政专户": "财政专户管理资金", "单位资金": "单位资金"}
NO_PROJECT = -2  # a cell that is no project's
SOME_PROJECT = -1  # a project's cell, which project not settled


@dataclass(frozen=True)
class Cell:
    """A ledger cell; a coordinate UNKNOWN is not settled yet, None is settled as none."""

    kind: str
    f: str
    m: Money
    e: str | None = UNKNOWN
    g: str | None = UNKNOWN
    staff: str | None = UNKNOWN
    p: int = SOME_PROJECT


def staff_of(economic: str) -> str:
    return STAFF_CLASSES.get(economic[:3], "公用经费")


class Matcher:
    """Whether a figure's terms select a cell: True, False, or None (a coordinate it reads is not settled)."""

    def __init__(self, catalog: Catalog, nature: str | None):
        self.catalog, self.nature = catalog, nature

    def gov(self, c: Cell) -> str | None:
        if c.g != UNKNOWN:
            return c.g
        if c.e == UNKNOWN:
            return UNKNOWN
        if c.e is None or len(c.e) != 5:
            return None
        return self.catalog.government(c.e, self.nature) if self.nature else UNKNOWN

    def match(self, terms: Terms, c: Cell) -> bool | None:
        unknown = False
        for t in terms:
            ok = self._one(t, c)
            if ok is False:
                return False
            unknown = unknown or ok is None
        return None if unknown else True

    def _one(self, t: Term, c: Cell) -> bool | None:
        d, values = t.dim, t.values
        if d == "kind":
            return c.kind in values
        if d == "功能":
            return any(c.f.startswith(v) for v in values)
        if d == "部门经济":
            if c.e == UNKNOWN:
                return None
            return c.e is not None and any(c.e.startswith(v) for v in values)
        if d == "政府经济":
            g = self.gov(c)
            if g == UNKNOWN:
                return None
            return g is not None and any(g.startswith(v) for v in values)
        if d == "staff":
            if c.kind != "基本支出":
                return False
            if c.e not in (UNKNOWN, None):
                assert c.e is not None
                return staff_of(c.e) in values
            if c.staff == UNKNOWN:
                return None
            return c.staff in values
        if d == "fund":
            return FUND_OF[c.m[0]] in values
        if d == "source":
            return c.m[0] in values
        if d == "carryover":
            return ("上年结转" if c.m[1] else "本年") in values
        if d == "project":
            if c.p == NO_PROJECT:
                return False
            return None if c.p == SOME_PROJECT else c.p in values
        if d == "nature":
            return None if self.nature is None else self.nature in values
        if d == "role":
            return "本级" in values
        if d == "unit":
            return 0 in values
        return None  # 项目:名称, 单位:编码 — not read here


def in_unit(value: Decimal, display: Display | None, unit: str) -> Decimal:
    """A printed amount in the spec's unit."""
    shown = display.unit if display is not None else unit
    if shown == unit:
        return value
    return value * WAN if unit == "元" else value / WAN


@dataclass
class Figure:
    """One figure the workbook prints (perhaps in several cells), with the value most of them print."""

    terms: Terms
    value: Decimal
    facts: list[Fact]


def figures_of(ex: Extracted, unit: str) -> list[Figure]:
    by: dict[Terms, list[Fact]] = {}
    for f in ex.facts:
        if f.kind == "数":
            by.setdefault(f.key, []).append(f)
    out = []
    for terms, facts in by.items():
        counts = Counter(in_unit(f.amount, f.display, unit) for f in facts)
        best = max(counts.values())
        value = next(v for v in (in_unit(f.amount, f.display, unit) for f in facts) if counts[v] == best)
        out.append(Figure(terms, value, facts))
    return out


class Rebuild:
    def __init__(self, ex: Extracted, catalog: Catalog, draft: Draft, nature: str | None):
        self.ex, self.catalog, self.draft = ex, catalog, draft
        self.unit = draft.unit_money
        self.figures = figures_of(ex, self.unit)
        self.matcher = Matcher(catalog, nature)
        self.classes: list[Money] = []
        self.income_given = False
        self.gov_mode = False
        self.gov_figures = False
        self.guessed_b: set[Any] = set()
        self.guessed_c: set[Any] = set()

    # --- the constraints a stage can use ----------------------------------------------------------------------

    def sums(self, cells: list[Cell], known: dict[Cell, Decimal]) -> list[Sum]:
        by_kind: dict[str, list[Cell]] = defaultdict(list)
        for c in cells:
            by_kind[c.kind].append(c)
        out = []
        for fig in self.figures:
            kinds = next((t.values for t in fig.terms if t.dim == "kind"), None)
            if any(t.dim == "staff" for t in fig.terms):
                kinds = ("基本支出",) if kinds is None else tuple(k for k in kinds if k == "基本支出")
            pool = [c for k in (kinds or by_kind) for c in by_kind.get(k, ())]
            hit: list[Cell] = []
            usable = True
            for c in pool:
                r = self.matcher.match(fig.terms, c)
                if r is None:
                    usable = False
                    break
                if r:
                    hit.append(c)
            if not usable:
                continue
            residual = fig.value
            for c, v in known.items():
                if kinds is not None and c.kind not in kinds:
                    continue
                r = self.matcher.match(fig.terms, c)
                if r is None:
                    usable = False
                    break
                if r:
                    residual -= v
            if usable and (hit or residual):
                out.append(Sum(frozenset(hit), residual, fig.facts[0].where))
        unique: dict[frozenset[Any], Sum] = {}
        for s in out:  # one figure printed in several tables: once
            unique.setdefault(s.cells, s)
        return list(unique.values())

    # --- 收入 ---------------------------------------------------------------------------------------------------

    def income(self) -> None:
        names = [*SOURCE_ORDER, *(s for s in SOURCE_NAMES if s not in SOURCE_ORDER)]
        carry = [("结转", fund) for fund in CARRY_KEY]
        cells: list[Any] = [("来源", s) for s in names] + carry
        by: dict[str, list[Fact]] = {}
        for f in self.ex.facts:
            if f.kind == "收入":
                by.setdefault(f.key, []).append(f)
        # a source or a fund's 上年结转 the workbook never names by itself, or with its fund, is none: what a grand
        # total leaves over it is rounding
        named = set()
        for expr in by:
            hit = [c for c in cells if _income_has(expr, c)]
            if len({w for w, _ in hit}) == 1:  # this year's sources, or 上年结转, not both (收入合计)
                named |= set(hit)
        cells = [c for c in cells if c in named]
        sums = []
        for expr, facts in by.items():
            counts = Counter(in_unit(f.amount, f.display, self.unit) for f in facts)
            value = counts.most_common(1)[0][0]
            members = frozenset(c for c in cells if _income_has(expr, c))
            if members or value:
                sums.append(Sum(members, value, facts[0].where))
        self.income_given = bool(by)
        result = solve(cells, sums)
        d = self.draft
        for (what, name), amount in result.values.items():
            if amount and what == "来源":
                d.income[name] = amount
            elif amount:
                d.carryover[CARRY_KEY[name]] = amount
        plain = set(FUND_SOURCE.values()) - {"事业收入"}  # a fund's own 拨款: what its total is, not a guess
        guessed = [name for (what, name) in sorted(result.guessed) if result.values.get((what, name)) and name not in plain]
        if guessed:
            d.note("收入", f"工作簿只印出资金性质的合计，没有按来源分列；已记为 {'、'.join(guessed)}，请按实际来源核实。")
        sources = [s for s in names if d.income.get(s)]
        self.classes = [(s, False) for s in sources]
        carried = any(t.dim == "carryover" and t.values == ("上年结转",) and fig.value
                      for fig in self.figures for t in fig.terms)
        if carried:
            for key, amount in d.carryover.items():
                fund = next(f for f, k in CARRY_KEY.items() if k == key)
                source = next((s for s in sources if FUND_OF[s] == fund), FUND_SOURCE[fund])
                if amount and (source, True) not in self.classes:
                    self.classes.append((source, True))
        elif d.carryover:
            d.note("收入", "工作簿没有按支出列示上年结转资金的安排，各项支出都记为本年资金；由上年结转安排的支出请标注「上年结转: 是」。")
        if not self.classes:
            self.classes = [("一般公共预算拨款", False)]
        given = [s for s in sources]
        d.default_source = given[0] if len(given) == 1 else "一般公共预算拨款"

    # --- B: 功能科目 × kind × 资金 --------------------------------------------------------------------------------

    def functions(self) -> list[str]:
        codes = {v for fig in self.figures for t in fig.terms if t.dim == "功能" for v in t.values}
        leaves = sorted(c for c in codes if len(c) == 7)
        # a 类 or 款 the tables print with no 项 under it (a table by 类 only): a cell of its own, placed later
        open_ = sorted(c for c in codes if len(c) < 7 and not any(x.startswith(c) for x in codes if len(x) > len(c)))
        return leaves + open_

    def kinds(self) -> list[str]:
        named = {v for fig in self.figures for t in fig.terms if t.dim == "kind" for v in t.values if len(t.values) == 1}
        return [k for k in KIND_ORDER if k in named or k in ("基本支出", "项目支出")]

    def stage_b(self, fixed: dict[Cell, Decimal]) -> dict[Cell, Decimal]:
        functions = self.functions()
        listed = sorted({c.f for c in fixed} - set(functions))  # a listed project's 项 no figure prints by itself
        kinds = self.kinds()
        cells = [Cell(k, f, m, p=SOME_PROJECT if k == "项目支出" else NO_PROJECT)
                 for f in functions for k in kinds for m in self.classes]
        cells += [Cell("项目支出", f, m) for f in listed for m in self.classes]
        # listed projects are cells of their own: their 功能 × 资金 sum is fixed, other 项目 cells get what is left
        fixed_b: dict[Cell, Decimal] = defaultdict(lambda: ZERO)
        for c, v in fixed.items():
            fixed_b[Cell(c.kind, c.f, c.m, p=SOME_PROJECT)] += v
        order = [c for c in cells if c not in fixed_b]
        result = solve(order, self.sums(cells, {}), dict(fixed_b))
        self.guessed_b = result.guessed
        return {c: v for c, v in result.values.items() if v}

    # --- C: 基本支出 × 经济科目 ------------------------------------------------------------------------------------

    def econ_codes(self, dim: str, kind: str) -> list[str]:
        """The 经济科目 the tables print for one kind: by figures of that kind only (基本支出: or of 人员/公用经费);
        for 项目支出 also by figures of every kind (“三公” …), whose 基本支出 part is known by then."""
        codes = set()
        for fig in self.figures:
            k = next((t.values for t in fig.terms if t.dim == "kind"), None)
            if any(t.dim == "staff" for t in fig.terms):
                k = ("基本支出",)
            if kind == "基本支出" and k != ("基本支出",):
                continue
            if kind == "项目支出" and k is not None and "项目支出" not in k:
                continue
            codes |= {v for t in fig.terms if t.dim == dim for v in t.values}
        # a 类 is a cell of its own too (the part of it no 款 the tables print takes): filled after the 款
        return sorted(c for c in codes if len(c) == 5) + sorted(c for c in codes if len(c) == 3)

    def stage_c(self, b: dict[Cell, Decimal]) -> dict[Cell, Decimal]:
        basic = {c: v for c, v in b.items() if c.kind == "基本支出"}
        known = {c: v for c, v in b.items() if c.kind != "基本支出"}
        if not basic:
            return {}
        dept = self.econ_codes("部门经济", "基本支出")
        gov = [] if dept else self.econ_codes("政府经济", "基本支出")
        self.gov_mode = bool(gov)
        covered = self._econ_money("部门经济" if dept else "政府经济")
        cells: list[Cell] = []
        for c in basic:
            if (dept or gov) and c.m in covered:
                if dept:
                    cells += [replace(c, e=e, g=UNKNOWN, staff=UNKNOWN, p=NO_PROJECT) for e in dept]
                else:
                    cells += [replace(c, e=None, g=g, staff=s, p=NO_PROJECT) for g in gov for s in ("人员经费", "公用经费")]
            else:
                cells.append(replace(c, e=None, g=None, staff=UNKNOWN if dept or gov else None, p=NO_PROJECT))
        sums = self.sums(cells, known)
        printed = {s.cells: s for s in sums}
        for c, v in basic.items():  # each 功能 × 资金 adds up to what stage B found: the rows of the cross
            row = frozenset(x for x in cells if (x.f, x.m) == (c.f, c.m))
            if row in printed:
                printed[row].row = True
            else:
                sums.append(Sum(row, v, "", row=True))
        order = sorted(cells, key=lambda c: (len(c.e or c.g or "") == 3, _staff_rank(c), c.e or c.g or "", c.f,
                                             self.classes.index(c.m)))
        result = solve(order, sums, pairs=True)
        self.guessed_c = {c for c in result.guessed if result.values.get(c)}
        out: dict[Cell, Decimal] = {c: v for c, v in result.values.items() if v}
        if gov:
            out = self._carve(out)
            self.draft.note("基本支出", "工作簿只按政府预算经济分类列出基本支出：各行写政府经济科目与经费类型（人员经费、公用经费）；"
                            "“三公”经费等按部门经济科目算出的数，另列了对应的经济科目行。请补上实际的部门经济科目。")
        if not dept and not gov:
            self.draft.note("基本支出", "工作簿没有印出基本支出的经济科目，各行只有功能科目；请补上经济科目（“三公”经费、机关运行经费由它算出）。")
        return out

    def _carve(self, cells: dict[Cell, Decimal]) -> dict[Cell, Decimal]:
        """Tables by 政府经济 only, yet figures by 部门经济 (“三公”: 30217 公务接待费 …): that part of the 政府经济 款 the
        对照表 maps the code to becomes a line with the code itself."""
        nature = self.matcher.nature
        carved: dict[str, Decimal] = defaultdict(lambda: ZERO)
        wanted = []
        for fig in self.figures:
            dims = {t.dim for t in fig.terms}
            kinds = next((t.values for t in fig.terms if t.dim == "kind"), None)
            if "部门经济" not in dims or not dims <= {"部门经济", "kind", "fund", "source", "carryover"} or not fig.value:
                continue
            if kinds is not None and "基本支出" not in kinds:
                continue
            codes = [v for t in fig.terms if t.dim == "部门经济" for v in t.values if len(v) == 5]
            wanted.append((len(codes), codes, fig))
        for _, codes, fig in sorted(wanted, key=lambda x: x[0]):
            need = fig.value - sum((carved[c] for c in codes), ZERO)
            code = next((c for c in codes if nature and self.catalog.government(c, nature)), None)
            if need <= 0 or code is None:
                continue
            g = self.catalog.government(code, nature)
            money = tuple(t for t in fig.terms if t.dim in ("fund", "source", "carryover"))
            pool = sorted((c for c in cells if c.g == g and c.staff == "公用经费" and self.matcher.match(money, c)),
                          key=lambda c: -cells[c])
            for c in pool:
                take = min(need, cells[c])
                if take <= 0:
                    continue
                cells[c] -= take
                line = replace(c, e=code, g=UNKNOWN, staff=UNKNOWN)
                cells[line] = cells.get(line, ZERO) + take
                carved[code] += take
                need -= take
        return {c: v for c, v in cells.items() if v}

    def _econ_money(self, dim: str) -> set[Money]:
        """The 资金 the tables by 经济科目 of 基本支出 cover (一般公共预算 only, or all)."""
        covered: set[Money] = set()
        probe = Matcher(self.catalog, self.matcher.nature)
        for fig in self.figures:
            if not any(t.dim == dim for t in fig.terms):
                continue
            k = next((t.values for t in fig.terms if t.dim == "kind"), None)
            if k is not None and "基本支出" not in k:
                continue
            money_terms = tuple(t for t in fig.terms if t.dim in ("fund", "source", "carryover"))
            covered |= {m for m in self.classes if probe.match(money_terms, Cell("基本支出", "", m)) is not False}
        return covered

    # --- D: 项目 ------------------------------------------------------------------------------------------------

    def stage_d(self, b: dict[Cell, Decimal], c: dict[Cell, Decimal], listed: list[Project]) -> list[Project]:
        projects = list(listed)
        if not listed:
            projects = self._projects_by_function(b)
        codes = self.econ_codes("部门经济", "项目支出")
        codes += [e for e in self._reverse(self.econ_codes("政府经济", "项目支出")) if e not in codes]
        if not codes or not projects:
            return projects
        known = {**c, **{Cell(x.kind, x.f, x.m, e=None, g=None, staff=None, p=NO_PROJECT): v
                         for x, v in b.items() if x.kind not in ("基本支出", "项目支出")}}
        cells: list[Cell] = []
        totals = []
        for i, p in enumerate(projects):
            mine = [Cell("项目支出", p.function or "", p.money, e=e, g=UNKNOWN, staff=None, p=i) for e in codes]
            rest = Cell("项目支出", p.function or "", p.money, e=None, g=None, staff=None, p=i)
            cells += mine + [rest]
            totals.append(Sum(frozenset([*mine, rest]), p.amount, ""))
        sums = self.sums(cells, known) + totals
        order = sorted(cells, key=lambda x: (x.e is None, len(x.e or "") == 3, x.p, x.e or ""))
        result = solve(order, sums)
        for i, p in enumerate(projects):
            p.economic = {}
            p.rest = ZERO
            for e in [*codes, None]:
                v = result.values.get(Cell("项目支出", p.function or "", p.money, e=e, g=UNKNOWN if e else None,
                                           staff=None, p=i), ZERO)
                if e is None:
                    p.rest = v
                elif v:
                    p.economic[e] = v
        spare = [e for e in ("30299", "30399", "31099") if e not in codes]
        for p in projects:  # a breakdown must add up to the amount: what no printed figure places goes to 30299
            if p.economic and p.rest and spare:
                p.economic[spare[0]] = p.economic.get(spare[0], ZERO) + p.rest
                p.rest = ZERO
                self.draft.note("项目", f"项目经济科目中工作簿没有印出的部分记在 {spare[0]}（{self.catalog.name(spare[0]) or ''}）上，请按实际科目核实。")
        if any(len(e) == 3 for p in projects for e in p.economic):
            self.draft.note("项目", "工作簿只按经济分类的类列出项目支出，各项目的经济科目记在该类的「其他」款上（如 30299），请按实际科目核实。")
        return projects

    def _reverse(self, gov: list[str]) -> list[str]:
        """For each 政府经济 款 a projects' table prints, a 部门经济 款 the 对照表 maps to it (projects are broken down by
        部门经济 科目 only)."""
        nature = self.matcher.nature
        if not nature:
            return []
        out = []
        for g in (x for x in gov if len(x) == 5):
            hits = sorted(e for (e, t), x in self.catalog.mapping.items() if x == g and self.catalog.government(e, nature) == g)
            if hits:
                named = [e for e in hits if self.catalog.name(e) == self.catalog.name(g)]
                out.append((named or hits)[0])
        if out:
            self.draft.note("项目", "工作簿只按政府预算经济分类列出项目支出；各项目的部门经济科目按两套经济分类对照表取了对应的一款"
                                  f"（{'、'.join(out)}），请按实际科目核实。")
        return out

    def _projects_by_function(self, b: dict[Cell, Decimal]) -> list[Project]:
        out = []
        for c, v in sorted(b.items(), key=lambda x: (x[0].f, self.classes.index(x[0].m))):
            if c.kind != "项目支出" or not v:
                continue
            name = (self.catalog.name(c.f) or c.f) + ("（上年结转）" if c.m[1] else "")
            out.append(Project(name, c.f, c.m, v, named=False))
        if out:
            self.draft.note("项目", "工作簿没有逐项列出项目，只有各功能科目的项目支出；下面每个功能科目记为一个项目，以科目名称命名，"
                                  "请改为实际的项目（名称、金额，可按经济科目分解）。")
        return out

    # --- E: 对附属单位补助, 上缴上级 ---------------------------------------------------------------------------------

    def stage_e(self, b: dict[Cell, Decimal]) -> list[Transfer]:
        return [Transfer(TRANSFER_KEYS[c.kind], c.f, c.m, v) for c, v in sorted(b.items(), key=lambda x: x[0].f)
                if c.kind in TRANSFER_KEYS and v]


def _staff_rank(c: Cell) -> int:
    s = staff_of(c.e) if c.e is not None and c.e != UNKNOWN else c.staff
    return 0 if s == "人员经费" else 1


def _income_has(expr: str, cell: tuple[str, str]) -> bool:
    what, name = cell
    view = IncomeView({name: Decimal(1)}, {}) if what == "来源" else IncomeView({}, {name: Decimal(1)})
    try:
        return bool(view.figure(expr))
    except Exception:  # an expression IncomeView does not read: no cell
        return False


def lines_of(c: dict[Cell, Decimal]) -> list[Line]:
    out = []
    for cell, v in c.items():
        economic = cell.e if cell.e not in (None, UNKNOWN) else None
        government = cell.g if cell.g not in (None, UNKNOWN) and economic is None else None
        staff = cell.staff if economic is None and cell.staff not in (None, UNKNOWN) else None
        out.append(Line(cell.f, economic, v, cell.m, government, staff))
    return out
