"""The imported spec, part by part: the unit, its income and ledger (rebuild.py), its projects with what their
forms print, 一级项目, 整体绩效, 政府采购, 政府购买服务 and 上年 — each from the cells that show it. Field names
are those the templates use (vocabulary.py), read back into the spec keys they come from (render/tables.py)."""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..catalog import Catalog
from ..figures import NATURES, ExprError, parse
from ..ledger import FUND_OF, FUNDS
from ..money import Display
from .draft import Draft, Line, Money, Project
from .facts import Extracted, Fact, Record
from .layout import Layout
from .rebuild import UNKNOWN, Cell, Rebuild, in_unit, lines_of
from .workbook import number_of, text_of

ZERO = Decimal(0)

UNIT_TEXT = ("名称", "编码", "主管部门", "主管部门编码", "经费形式", "职能职责", "单位构成", "联系人", "联系电话", "填表人",
             "单位负责人", "财务负责人")
PROJECT_TEXT = ("编码", "类别", "一级项目", "所属专项", "主管部门", "资金来源", "实施期", "资金用途", "项目概况", "项目用途",
                "立项依据", "采购品目", "中期目标", "年度目标", "备注")
PROJECT_MONEY = ("总金额", "财政拨款资金", "其他资金", "中央转移支付资金", "政府购买服务资金", "本级安排", "上级补助", "固定资产采购金额")
INDICATOR_TEXT = ("一级", "二级", "三级", "指标值", "计量单位", "指标性质", "绩效标准", "目标值来源", "备注")
PRIOR_KEYS = {"收入合计": ("收入合计",), "支出合计": ("支出合计",), "一般公共预算财政拨款": ("一般公共预算财政拨款",),
              "基本支出": ("基本支出",), "项目支出": ("项目支出",), "机关运行经费": ("机关运行经费",), "运行经费": ("运行经费",),
              "政府采购": ("政府采购",), "三公经费": ("三公经费", "合计"), "因公出国（境）费": ("三公经费", "因公出国（境）费"),
              "公务接待费": ("三公经费", "公务接待费"), "公务用车购置费": ("三公经费", "公务用车购置费"),
              "公务用车运行维护费": ("三公经费", "公务用车运行维护费")}
CURRENT_EXPR = {"支出合计": "", "一般公共预算财政拨款": "一般公共预算"}


def date_text(text: str | None) -> str | None:
    """A printed date (2022. 4. 15, 2024年1月5日, 2024-01-05) as the spec writes it."""
    numbers = re.findall(r"[0-9]+", text or "")
    if len(numbers) != 3 or len(numbers[0]) != 4:
        return None
    return f"{numbers[0]}-{int(numbers[1]):02}-{int(numbers[2]):02}"


class Assembler:
    def __init__(self, ex: Extracted, layout: Layout, catalog: Catalog, draft: Draft):
        self.ex, self.layout, self.catalog, self.draft = ex, layout, catalog, draft
        self.unit = draft.unit_money

    def money(self, value: Any, display: Display | None) -> Decimal | None:
        amount = number_of(value)
        return None if amount is None else in_unit(amount, display, self.unit)

    # --- the unit -----------------------------------------------------------------------------------------------

    def unit_facts(self, name: str | None) -> None:
        d, ex = self.draft, self.ex
        units = [r for r in ex.records if r.source == ("清单", "单位")]
        for key in UNIT_TEXT:
            value = ex.value("单位", key) or next((r.text(key) for r in units if r.text(key)), None)
            if value not in (None, ""):
                d.unit[key] = text_of(value)
        if name:
            d.unit["名称"] = name
        elif "名称" not in d.unit and ex.value("整体", "部门名称"):
            d.unit["名称"] = text_of(ex.value("整体", "部门名称"))
        filed = ex.value("单位", "填报日期") or ex.value("填报日期")
        if date_text(text_of(filed)):
            d.unit["填报日期"] = date_text(text_of(filed))
        kind = next((r.text("性质") for r in units if r.text("性质") in NATURES), None)
        counts = {k: number_of(ex.value("单位性质", k)) for k in NATURES}
        if kind is None and any(counts.values()):
            kind = next(k for k, v in counts.items() if v)
        if kind:
            d.unit["性质"] = kind
        staff = {"编制": "编制", "在编": "在编", "实有": "实有", "离休": "离休", "退休": "退休", "遗属": "遗属"}
        people = {k: int(v) for k, key in staff.items() if (v := number_of(ex.value("单位", key))) is not None}
        if people:
            d.unit["人员"] = people
        cars = {k: int(v) for k, key in (("编制", "车辆编制"), ("实有", "车辆实有"))
                if (v := number_of(ex.value("单位", key))) is not None}
        if cars:
            d.unit["车辆"] = cars

    def nature(self) -> str | None:
        """The unit's 性质 as the workbook prints it (清单: 单位, 单位性质 counts), if it does; otherwise ledger()
        tries 行政 and 事业 and keeps whichever the tables by 政府经济 fit."""
        return self.draft.unit.get("性质")

    # --- the ledger ---------------------------------------------------------------------------------------------

    def ledger(self) -> None:
        d = self.draft
        listed = self.listed_projects()
        nature = self.nature()
        guesses = [nature] if nature else ["行政", "事业"]
        best: tuple[int, Any] | None = None
        for guess in guesses:
            rb = Rebuild(self.ex, self.catalog, Draft(d.year, d.format, d.unit_money), guess)
            outcome = self._rebuild(rb, listed)
            misses = self._gov_misses(rb, outcome)
            if best is None or misses < best[0]:
                best = (misses, (guess, rb, outcome))
            if misses == 0:
                break
        assert best is not None
        guess, rb, (lines, projects, transfers) = best[1]
        if guess and not nature and rb.gov_figures:
            d.unit["性质"] = guess
            d.note("单位", f"工作簿没有印出单位性质；按政府经济分类各表推定为「{guess}」" +
                   ("（行政与参公单位在表中无从区分）" if guess == "行政" else "") + "，请核实。")
        elif not nature and self._prints_operating():
            d.unit["性质"] = "行政"
            d.note("单位", "工作簿没有印出单位性质；它列出了机关运行经费，推定为「行政」（也可能是参公），请核实。")
        elif not nature:  # the narrative needs one (机关运行经费): from the 功能科目 the unit runs on
            kind = "事业" if any(line.function.endswith("50") and "事业运行" in (self.catalog.name(line.function) or "")
                               for line in lines) else "行政"
            d.unit["性质"] = kind
            d.note("单位", f"工作簿没有印出单位性质，暂记为「{kind}」（按基本支出的功能科目推定），请改为实际的性质："
                           "行政、参公 或 事业；机关运行经费只算行政与参公单位。")
        d.income, d.carryover, d.default_source = rb.draft.income, rb.draft.carryover, rb.draft.default_source
        for section, notes in rb.draft.notes.items():
            for n in notes:
                d.note(section, n)
        d.lines, d.projects, d.transfers = lines, projects, transfers
        if not rb.gov_mode and rb.gov_figures and rb.matcher.nature:
            self._gov_overrides(rb)
        if not rb.income_given:
            self._income_from_spending()
        self._place_open_codes()
        self._name_local_codes()

    def _rebuild(self, rb: Rebuild, listed: list[Project]) -> tuple[list[Line], list[Project], list[Any]]:
        rb.income()
        fixed: dict[Cell, Decimal] = defaultdict(lambda: ZERO)
        for i, p in enumerate(listed):
            p.money = self._listed_money(rb, i, p)
            if p.function:
                fixed[Cell("项目支出", p.function, p.money)] += p.amount
        b = rb.stage_b(dict(fixed))
        c = rb.stage_c(b)
        named = self.named_projects() if not listed else []
        projects = listed or self._place_named(rb, b, named)
        projects = rb.stage_d(b, c, projects)
        transfers = rb.stage_e(b)
        if rb.guessed_c and any(k.e not in (None, UNKNOWN) or k.g not in (None, UNKNOWN) for k in rb.guessed_c):
            self.draft.note("基本支出", "工作簿没有印出功能科目与经济科目的交叉，只印了两者各自的合计；下面各行是按这些合计依次分配出的一种交叉"
                            "（每个功能科目的基本支出、每个经济科目的金额都与工作簿相符），并非单位账上的明细，请按实际核对。")
        rb.gov_figures = any(t.dim == "政府经济" for fig in rb.figures for t in fig.terms)
        return lines_of(c), projects, transfers

    def _gov_misses(self, rb: Rebuild, outcome: tuple[list[Line], list[Project], list[Any]]) -> int:
        """How many figures by 政府经济 the ledger misses (to tell 机关 from 事业)."""
        if not any(t.dim == "政府经济" for fig in rb.figures for t in fig.terms):
            return 0
        lines = outcome[0]
        cells: dict[Cell, Decimal] = {}
        for line in lines:
            cells[Cell("基本支出", line.function, line.money, e=line.economic, g=line.government or UNKNOWN,
                       staff=line.staff or UNKNOWN, p=-2)] = line.amount
        misses = 0
        for fig in rb.figures:
            if not any(t.dim == "政府经济" for t in fig.terms):
                continue
            total, usable = ZERO, True
            for c, v in cells.items():
                r = rb.matcher.match(fig.terms, c)
                if r is None:
                    usable = False
                    break
                if r:
                    total += v
            kinds = next((t.values for t in fig.terms if t.dim == "kind"), ())
            if usable and kinds == ("基本支出",) and total != fig.value:
                misses += 1
        return misses

    def _gov_overrides(self, rb: Rebuild) -> None:
        """Where the workbook's tables by 政府经济 put a 部门经济 科目 elsewhere than the 对照表 does (荷塘: 30226 劳务费
        under 50201 办公经费), those lines get the 政府经济科目 the tables show — split off where only part of a line moved."""
        d = self.draft
        step = self.layout.display.step if self.layout.display.unit == self.unit else Decimal("0.01")

        def cell(line: Line) -> Cell:
            return Cell("基本支出", line.function, line.money, e=line.economic, g=line.government or UNKNOWN,
                        staff=line.staff, p=-2)

        groups: dict[Any, dict[str, Decimal]] = defaultdict(dict)
        for fig in rb.figures:
            kinds = next((t.values for t in fig.terms if t.dim == "kind"), None)
            gov = [t for t in fig.terms if t.dim == "政府经济"]
            if kinds != ("基本支出",) or len(gov) != 1 or len(gov[0].values) != 1 or len(gov[0].values[0]) != 5:
                continue
            scope = tuple(t for t in fig.terms if t.dim != "政府经济")
            if not any(t.dim == "功能" for t in scope):
                continue
            groups[scope][gov[0].values[0]] = fig.value
        moved = []
        for scope, expected in groups.items():
            for _ in range(20):
                mine = [x for x in d.lines if rb.matcher.match(scope, cell(x))]
                have: dict[str, Decimal] = defaultdict(lambda: ZERO)
                for x in mine:
                    g = rb.matcher.gov(cell(x))
                    if isinstance(g, str) and g != UNKNOWN:
                        have[g] += x.amount
                short = {g: v - have[g] for g, v in expected.items() if v - have[g] > step}
                over = {g: have[g] - expected.get(g, ZERO) for g in have if g in expected and have[g] - expected[g] > step}
                if not short or not over:
                    break
                g_to, need = max(short.items(), key=lambda x: x[1])
                pool = [x for x in mine if rb.matcher.gov(cell(x)) in over]
                exact = [x for x in pool if x.amount == need]
                line = exact[0] if exact else max(pool, key=lambda x: x.amount, default=None)
                if line is None:
                    break
                if line.amount > need:  # part of the line is elsewhere: split it off
                    line.amount -= need
                    line = Line(line.function, line.economic, need, line.money, None, line.staff)
                    d.lines.append(line)
                line.government = g_to
                moved.append(f"{line.function} {line.economic}→{g_to}")
        if moved:
            d.note("基本支出", "工作簿的政府经济分类表把以下经济科目列在与对照表不同的政府经济科目下，这些行照表写出「政府经济科目」："
                   + "、".join(moved) + "。")

    def _prints_operating(self) -> bool:
        return any(f.kind == "数" and any(t.dim == "nature" for t in f.key) and f.amount for f in self.ex.facts)

    def _income_from_spending(self) -> None:
        d = self.draft
        by: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in d.lines:
            by[line.money[0]] += line.amount
        for p in d.projects:
            by[p.money[0]] += p.amount
        for t in d.transfers:
            by[t.money[0]] += t.amount
        d.income = {k: v for k, v in by.items() if v}
        d.note("收入", "工作簿没有印出收入；各来源的收入按支出合计写出（收入合计 = 支出合计），请核实。")

    def _place_open_codes(self) -> None:
        """Cells the tables print only by 类 (功能 by 类, 经济 by 类): a 项 or 款 under it, noted for the author."""
        d = self.draft
        printed = {v for f in self.ex.facts if f.kind == "数" for t in f.key if t.dim in ("功能", "部门经济", "政府经济")
                   for v in t.values}
        placed_f: dict[str, str] = {}
        for line in d.lines:
            if len(line.function) < 7:
                line.function = placed_f.setdefault(line.function, self._leaf(line.function, printed))
            if line.economic and len(line.economic) == 3:
                line.economic = self._kuan(line.economic, printed, "部门经济")
            if line.government and len(line.government) == 3:
                line.government = self._kuan(line.government, printed, "政府经济")
        for p in d.projects:
            if p.function and len(p.function) < 7:
                p.function = placed_f.setdefault(p.function, self._leaf(p.function, printed))
            for e in [e for e in p.economic if len(e) == 3]:
                kuan = self._kuan(e, printed, "部门经济")
                p.economic[kuan] = p.economic.get(kuan, ZERO) + p.economic.pop(e)
        for t in d.transfers:
            if len(t.function) < 7:
                t.function = placed_f.setdefault(t.function, self._leaf(t.function, printed))
        if placed_f:
            shown = "、".join(f"{k}→{v}" for k, v in placed_f.items())
            d.note("基本支出", f"工作簿只按功能分类的类（或款）列出这部分支出，功能科目取其下的一项（{shown}），请改为实际的项。")
        merged: dict[tuple[Any, ...], Line] = {}
        for line in d.lines:
            key = (line.function, line.economic, line.government, line.staff, line.money)
            if key in merged:
                merged[key].amount += line.amount
            else:
                merged[key] = line
        d.lines = list(merged.values())

    def _name_local_codes(self) -> None:
        """A 科目 the catalog lacks is written with the name its row prints (2101109 其他行政事业单位医疗支出): a known
        name makes it a local code check accepts (W-CODE-UNKNOWN), a bare unknown code would be an error."""
        d, names = self.draft, self.ex.names

        def named(code: str | None) -> str | None:
            if not code or code in self.catalog.codes or code not in names:
                return code
            return f"{code} {names[code]}"
        for line in d.lines:
            line.function = named(line.function) or line.function
            line.economic = named(line.economic)
        for p in d.projects:
            p.function = named(p.function)
            p.economic = {named(e) or e: v for e, v in p.economic.items()}
        for t in d.transfers:
            t.function = named(t.function) or t.function

    def _leaf(self, code: str, printed: set[str]) -> str:
        used = [p.function for p in self.draft.projects if p.function and p.function.startswith(code) and len(p.function) == 7]
        under = sorted(c for c, x in self.catalog.codes.items() if x.kind == "功能" and len(c) == 7 and c.startswith(code))
        for base in [u[:5] for u in used] + [c[:5] for c in under]:
            if base + "01" in self.catalog.codes:
                return base + "01"
        return under[0] if under else code + "0" * (7 - len(code))

    def _kuan(self, code: str, printed: set[str], kind: str) -> str:
        under = sorted(c for c, x in self.catalog.codes.items() if x.kind == kind and len(c) == 5 and c.startswith(code))
        free = [c for c in under if c not in printed]
        if code + "99" in free:
            return code + "99"
        return free[0] if free else (under[-1] if under else code + "99")

    # --- projects -----------------------------------------------------------------------------------------------

    def listed_projects(self) -> list[Project]:
        """Projects as a 清单: 项目 table lists them, with their 功能科目 and amount."""
        records = [r for r in self.ex.records if r.source == ("清单", "项目")]
        if not records:
            return []
        table = records[0].table
        records = [r for r in records if r.table == table]
        out = []
        for r in records:
            name = r.text("名称")
            code_name = r.text("编码名称")
            fields = self.project_fields(r)
            if not name and code_name:
                code, _, rest = code_name.partition("-")
                name = rest if rest and re.fullmatch(r"[0-9A-Za-z]+", code) else code_name
            if not name:
                continue
            function = self._function(r)
            amount = self._project_amount(r)
            out.append(Project(name, function, ("一般公共预算拨款", False), amount or ZERO, fields=fields))
        self._merge_forms(out)
        return out

    def _function(self, r: Record) -> str | None:
        code = r.text("功能科目")
        if code and code.isdigit() and len(code) == 7:
            return code
        lei, kuan, xiang = (re.sub(r"\s", "", r.text(k) or "") for k in ("类", "款", "项"))
        if lei and kuan and xiang:
            return lei + kuan.zfill(2) + xiang.zfill(2)
        return None

    def _project_amount(self, r: Record) -> Decimal | None:
        for f in self.ex.facts:  # the row's own figure: {{行}}
            if f.kind == "数" and f.table == r.table and f.ident[:2] == (r.block, r.index) and \
                    [t.dim for t in f.placing] == ["project"]:
                return in_unit(f.amount, f.display, self.unit)
        return self.money(r.get("金额"), r.display)

    def _listed_money(self, rb: Rebuild, i: int, p: Project) -> Money:
        """A listed project's 资金: the class its row's figures by 资金 put it in."""
        best: tuple[Decimal, Money] | None = None
        for f in self.ex.facts:
            if f.kind != "数" or not f.amount or not any(t.dim == "project" and t.values == (i,) for t in f.key):
                continue
            terms = tuple(t for t in f.key if t.dim in ("fund", "source", "carryover"))
            if not terms:
                continue
            for m in rb.classes:
                if rb.matcher.match(terms, Cell("项目支出", "", m)) and (best is None or f.amount > best[0]):
                    hits = [x for x in rb.classes if rb.matcher.match(terms, Cell("项目支出", "", x))]
                    if len(hits) == 1:
                        best = (f.amount, m)
        return best[1] if best else rb.classes[0]

    def project_fields(self, r: Record | None, values: dict[str, Any] | None = None, display: Display | None = None
                       ) -> dict[str, Any]:
        get = (lambda k: r.get(k)) if r is not None else (lambda k: (values or {}).get(k))
        display = r.display if r is not None else display
        out: dict[str, Any] = {}
        code_name = text_of(get("编码名称"))
        if code_name and not text_of(get("编码")):
            code, _, rest = code_name.partition("-")
            if rest and re.fullmatch(r"[0-9A-Za-z]+", code):
                out["编码"] = code
        for key in PROJECT_TEXT:
            value = text_of(get(key))
            if value:
                out[key] = value
        for key in PROJECT_MONEY:
            amount = self.money(get(key), display)
            if amount is not None:
                out[key] = amount
        weight = number_of(get("预算执行率权重"))
        if weight is not None:
            out["预算执行率权重"] = weight
        for key in ("开始日期", "完成日期"):
            if date_text(text_of(get(key))):
                out[key] = date_text(text_of(get(key)))
        return out

    def named_projects(self) -> list[Project]:
        """Projects as their own forms (每项: 项目) print them, when no table lists them."""
        out = []
        for item, values, display, sheet in self._forms("项目"):
            name = text_of(values.get("名称"))
            code_name = text_of(values.get("编码名称"))
            if not name and code_name:
                code, _, rest = code_name.partition("-")
                name = rest if rest and re.fullmatch(r"[0-9A-Za-z]+", code) else code_name
            if not name:
                continue
            amount = self.money(values.get("金额"), display) or ZERO
            p = Project(name, None, ("一般公共预算拨款", False), amount, fields=self.project_fields(None, values, display))
            p.indicators = self.indicators(sheet, item, "项目")
            p.details = self.details(sheet, item)
            out.append(p)
        return out

    def _forms(self, each: str) -> list[tuple[int, dict[str, Any], Display, str]]:
        out = []
        for name, (sheet, item) in self.ex.sheets.items():
            if sheet.each != each or not item:
                continue
            values: dict[str, Any] = {}
            for f in self.ex.facts:
                if f.kind == "值" and f.sheet == name and f.key[0] == each and len(f.key) == 2:
                    values.setdefault(f.key[1], f.value)
            out.append((item, values, sheet.display, name))
        return sorted(out, key=lambda x: x[0])

    def _merge_forms(self, listed: list[Project]) -> None:
        taken: set[int] = set()
        for _item, values, display, sheet in self._forms("项目"):
            name = text_of(values.get("名称"))
            code_name = text_of(values.get("编码名称"))
            i = next((k for k, p in enumerate(listed) if (k not in taken and p.name in (name, code_name))
                      or (code_name and code_name.endswith("-" + listed[k].name))), None)
            if i is None:
                continue
            taken.add(i)
            for key, value in self.project_fields(None, values, display).items():
                listed[i].fields.setdefault(key, value)
            listed[i].indicators = self.indicators(sheet, _item, "项目")
            listed[i].details = self.details(sheet, _item)

    def _place_named(self, rb: Rebuild, b: dict[Cell, Decimal], named: list[Project]) -> list[Project]:
        """Named projects (from their forms) placed on the 功能科目 whose 项目支出 they add up to; what is left of a
        功能科目 is a project of its own, named by it."""
        pots = {c: v for c, v in sorted(b.items(), key=lambda x: (x[0].f, rb.classes.index(x[0].m)))
                if c.kind == "项目支出" and v}
        if not named:
            return rb._projects_by_function(b)
        left = list(range(len(named)))
        placed: dict[int, Cell] = {}
        for c, v in sorted(pots.items(), key=lambda x: -x[1]):
            chosen = _subset(v, [(i, named[i].amount) for i in left])
            for i in chosen:
                placed[i] = c
                left.remove(i)
        out = []
        for i, p in enumerate(named):
            if i in placed:
                p.function, p.money = placed[i].f, placed[i].m
            out.append(p)
        if left:
            self.draft.note("项目", "以下项目的金额无法与工作簿中任何功能科目的项目支出对上，未填功能科目：" +
                            "、".join(named[i].name for i in left) + "。")
        for c, v in pots.items():
            rest = v - sum((p.amount for i, p in enumerate(named) if placed.get(i) == c), ZERO)
            if rest > 0:
                name = (self.catalog.name(c.f) or c.f) + ("（上年结转）" if c.m[1] else "")
                out.append(Project(name, c.f, c.m, rest, named=False))
        if placed:
            self.draft.note("项目", "工作簿的项目表不印功能科目；各项目的功能科目是按金额与功能分类表中各科目的项目支出对上而推定的，请核实。")
        return out

    # --- indicators, details, lists -----------------------------------------------------------------------------

    def indicators(self, sheet: str, item: int | None, owner: str) -> list[dict[str, Any]]:
        out = []
        for r in self.ex.records:
            if r.sheet != sheet or r.source != ("指标", owner) or (item is not None and r.item != item):
                continue
            ind: dict[str, Any] = {}
            for key in INDICATOR_TEXT:
                if r.text(key):
                    ind[key] = r.text(key)
            if "指标值" not in ind and r.text("指标值及单位"):
                ind["指标值"] = r.text("指标值及单位")
            weight = r.get("权重")
            if text_of(weight):
                ind["权重"] = text_of(weight) if number_of(weight) is None else _plain_number(weight)
            core = r.text("核心指标")
            if core in ("是", "否"):
                ind["核心指标"] = core
            if ind:
                out.append(ind)
        return out

    def details(self, sheet: str, item: int | None) -> list[dict[str, Any]]:
        out = []
        for r in self.ex.records:
            if r.sheet != sheet or r.source != ("明细", "项目") or (item is not None and r.item != item):
                continue
            amount = self.money(r.get("金额"), r.display)
            content = r.text("内容") or r.text("明细")
            if amount is None or not content:
                continue
            line: dict[str, Any] = {"内容": content}
            if r.text("明细"):
                line["明细"] = r.text("明细")
            line["金额"] = amount
            if r.text("测算依据"):
                line["测算依据"] = r.text("测算依据")
            out.append(line)
        return out

    def programs(self) -> None:
        d = self.draft
        for item, values, display, sheet in self._forms("一级项目"):
            name = text_of(values.get("名称"))
            if not name:
                continue
            table = self.ex.sheets[sheet][0]
            program: dict[str, Any] = {"名称": name}
            kind = table.config.get("类型") or text_of(values.get("类型"))
            if kind:
                program["类型"] = kind
            for key in ("编制单位", "业务主管部门"):
                if text_of(values.get(key)):
                    program[key] = text_of(values.get(key))
            program["当年预算"] = self.money(values.get("当年预算"), display) or ZERO
            for key in ("项目概况", "立项依据", "当年绩效目标"):
                if text_of(values.get(key)):
                    program[key] = text_of(values.get(key))
            program["指标"] = self.indicators(sheet, item, "一级项目")
            d.programs.append(program)

    def performance(self) -> None:
        d = self.draft
        perf: dict[str, Any] = {}
        goal = text_of(self.ex.value("整体", "年度目标"))
        if goal:
            perf["年度目标"] = goal
        duties = text_of(self.ex.value("整体", "职责概述"))
        if duties and duties != d.unit.get("职能职责"):
            perf["职责概述"] = duties
        tasks = []
        for r in self.ex.records:
            if r.source == ("清单", "重点工作") and r.text("事项"):
                task = {"事项": r.text("事项")}
                for key in ("责任单位", "目标"):
                    if r.text(key):
                        task[key] = r.text(key)
                tasks.append(task)
        if tasks:
            perf["重点工作"] = tasks
        sheets = {r.sheet for r in self.ex.records if r.source == ("指标", "整体")}
        indicators = [i for s in sorted(sheets) for i in self.indicators(s, None, "整体")]
        if indicators:
            perf["指标"] = indicators
        d.performance = perf

    def procurement(self) -> None:
        d = self.draft
        records = [r for r in self.ex.records if r.source == ("清单", "政府采购")]
        if records:
            table = records[0].table
            for r in (x for x in records if x.table == table):
                amount = self.money(r.get("金额"), r.display)
                if amount is None:
                    continue
                item: dict[str, Any] = {}
                for key in ("项目", "品目"):
                    if r.text(key):
                        item[key] = r.text(key)
                kind = r.text("类别")
                if kind not in ("货物", "工程", "服务"):
                    guess = (r.text("品目") or "") + (r.text("项目") or "")
                    kind = "工程" if "工程" in guess else "服务" if "服务" in guess else "货物"
                    d.note("政府采购", "工作簿没有印出采购类别（货物、工程、服务），已按品目名称推定，请核实。")
                item["类别"] = kind
                if number_of(r.get("数量")) is not None:
                    item["数量"] = _plain_number(r.get("数量"))
                if r.text("计量单位"):
                    item["计量单位"] = r.text("计量单位")
                item["金额"] = amount
                function = self._function(r)
                if function:
                    item["功能科目"] = function
                source = self._source_of(r, "资金")
                if source:
                    item["资金来源"] = source
                if self.money(r.get("上年结转"), r.display):
                    item["上年结转"] = "是"
                for key in ("面向中小企业预留", "小微企业"):
                    amount = self.money(r.get(key), r.display)
                    if amount:
                        item[key] = amount
                if r.text("备注"):
                    item["备注"] = r.text("备注")
                d.procurement.append(item)
            self._reserved(d.procurement)
            return
        totals = {k: self.money(self.ex.value("采购", k), self.layout.display) for k in ("货物", "工程", "服务")}
        if not any(totals.values()):
            whole = self.money(self.ex.value("采购", "合计"), self.layout.display)
            if whole:
                totals = {"货物": whole}
                d.note("政府采购", "工作簿只印出政府采购合计，没有分类别，已记为货物一项，请按实际拆分。")
        sme = self.money(self.ex.value("采购", "面向中小企业预留"), self.layout.display) or ZERO
        small = self.money(self.ex.value("采购", "小微企业"), self.layout.display) or ZERO
        general = self.money(self.ex.value("采购", "一般公共预算"), self.layout.display)
        for kind, amount in totals.items():
            if not amount:
                continue
            item = {"项目": f"{kind}类采购", "类别": kind, "金额": amount}
            for key, left in (("面向中小企业预留", sme), ("小微企业", small)):
                part = min(left, amount)
                if part:
                    item[key] = part
            sme -= item.get("面向中小企业预留", ZERO)
            small -= item.get("小微企业", ZERO)
            d.procurement.append(item)
        if d.procurement:
            d.note("政府采购", "工作簿只印出政府采购按类别的合计，没有逐项列示；下面每个类别记为一项，请按实际采购项目拆分。")
            if general is not None and general < sum((i["金额"] for i in d.procurement), ZERO):
                d.note("政府采购", "其中一般公共预算以外安排的部分请标注资金来源。")

    def _reserved(self, items: list[dict[str, Any]]) -> None:
        """面向中小企业预留 and 小微企业 printed as totals only: spread over the items in order (小微 within 中小)."""
        display = self.layout.display
        for key, within in (("面向中小企业预留", "金额"), ("小微企业", "面向中小企业预留")):
            total = self.money(self.ex.value("采购", key), display)
            if not total or any(key in i for i in items):
                continue
            left = total
            for i in items:
                part = min(left, i.get(within) or ZERO)
                if part:
                    i[key] = part
                    left -= part
            self.draft.note("政府采购", f"工作簿只印出{key}的合计，没有逐项列示；已依次分到各项（每项不超过其"
                            f"{'金额' if within == '金额' else '面向中小企业预留'}），请按实际核实。")

    def services(self) -> None:
        d = self.draft
        for r in self.ex.records:
            if r.source != ("清单", "政府购买服务") or not r.text("项目"):
                continue
            amount = self.money(r.get("金额"), r.display)
            if amount is None:
                continue
            item: dict[str, Any] = {"项目": r.text("项目")}
            for key in ("具体项目", "资金项目"):
                if r.text(key):
                    item[key] = r.text(key)
            item["金额"] = amount
            source = self._source_of(r, "资金")
            if source:
                item["资金来源"] = source
            for key in ("承接主体类别", "直接受益对象", "绩效目标"):
                if r.text(key):
                    item[key] = r.text(key)
            d.services.append(item)

    def _source_of(self, r: Record, prefix: str) -> str | None:
        """The 资金来源 a list row's money columns put it under (资金.经费拨款 …; a fund column: its main source)."""
        hits = [path[1] for path, value in r.fields.items() if len(path) == 2 and path[0] == prefix and number_of(value)]
        sources = [h for h in hits if h in FUND_OF]
        funds = [h for h in hits if h in FUNDS]
        default = self.draft.default_source
        if sources:
            return None if sources[0] == default else sources[0]
        if funds and FUND_OF.get(default) != funds[0]:
            return next((s for s in self.draft.income if FUND_OF[s] == funds[0]), None)
        return None

    # --- 上年 ---------------------------------------------------------------------------------------------------

    def prior(self) -> None:
        d = self.draft
        changes: dict[tuple[str, str], Fact] = {}
        for f in self.ex.facts:
            if f.kind == "上年对比":
                changes.setdefault(f.key, f)
        out: dict[str, Any] = {}
        for (what, name), f in changes.items():
            amount: Decimal | None = None
            if what == "上年" and f.value is not None:
                amount = in_unit(f.value, f.display, self.unit)
            elif what == "增减额" and f.value is not None and ("上年", name) not in changes:
                current = self._current(name)
                if current is not None:
                    amount = current - in_unit(f.value, f.display, self.unit)
            if amount is None or amount < 0:
                continue
            if name in PRIOR_KEYS:
                path = PRIOR_KEYS[name]
            elif name.startswith("收入:"):
                path = ("收入", name[3:])
            elif name.startswith("支出:"):
                path = ("支出", name[3:])
            elif name.startswith("功能:"):
                path = ("功能分类", name[3:])
            else:
                continue
            at = out
            for key in path[:-1]:
                at = at.setdefault(key, {})
            at.setdefault(path[-1], amount)
        sangong = out.get("三公经费")
        if isinstance(sangong, dict) and all(k in sangong for k in ("因公出国（境）费", "公务接待费", "公务用车购置费",
                                                                     "公务用车运行维护费")):
            sangong.pop("合计", None)
        d.prior = out

    def _current(self, name: str) -> Decimal | None:
        expr = CURRENT_EXPR.get(name, name)
        try:
            terms = parse(expr)
        except ExprError:
            return None
        for f in self.ex.facts:
            if f.kind == "数" and tuple(t for t in f.key if t.dim != "nature") == tuple(t for t in terms if t.dim != "nature"):
                return in_unit(f.amount, f.display, self.unit)
        return None


def _plain_number(value: Any) -> Any:
    amount = number_of(value)
    if amount is None:
        return text_of(value)
    return amount


def _subset(target: Decimal, items: list[tuple[int, Decimal]]) -> list[int]:
    """Items whose amounts add up to exactly `target` (by cents), else []."""
    cents = int((target * 100).to_integral_value())
    if cents <= 0 or cents > 10_000_000:
        return []
    reach: dict[int, list[int]] = {0: []}
    for i, amount in items:
        a = int((amount * 100).to_integral_value())
        if a <= 0 or amount * 100 != a:
            continue
        for total, chosen in list(reach.items()):
            t = total + a
            if t <= cents and t not in reach:
                reach[t] = [*chosen, i]
        if cents in reach:
            return reach[cents]
    return reach.get(cents, [])
