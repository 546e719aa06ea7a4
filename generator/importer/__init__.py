"""`yusuan import`: a filled 部门预算公开表 of a known format back into a spec.

    imported = import_workbook("公开表.xlsx")              # the format found by its sheets (or format="mof")
    print(imported.text)                                   # the spec, with notes for its author
    for w in imported.warnings:                            # where the workbook's tables disagree: 附件3-6!C12 …
        print(w.where, w.message)

The layout comes from the format itself (its template workbook and its 表); the figures from the finest table
that prints them, the others used as checks; what the workbook cannot tell is noted, never made up silently.
The imported spec is rendered again with the same format and compared with the workbook cell by cell
(verify.py): exact amounts (元-level where the workbook's rounded figures need them, see rounding.py), and
as a last resort a 公布数 where the workbook prints one figure two ways."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..api import YusuanError
from ..build import xlsx_template
from ..catalog import load_catalog
from ..formats import FormatError, Templates, templates_for
from .assemble import Assembler
from .draft import Draft
from .emit import write
from .facts import Extracted, extract
from .layout import Layout, candidates, compile_layout
from .rounding import published_for, repair
from .verify import Mismatch, Unloadable, compare, render, shown
from .workbook import WorkbookError, read_workbook


class ImportFailed(YusuanError):
    """A workbook that cannot be imported: unreadable, or of no known format (message in Chinese)."""


@dataclass(frozen=True)
class Problem:
    where: str  # 附件3-6!C12
    message: str


@dataclass
class Imported:
    text: str
    format: str
    unit: str
    year: int | None
    warnings: list[Problem] = field(default_factory=list)
    compared: int = 0  # figure cells compared with the spec rendered again
    differing: int = 0  # of them, how many the spec does not reproduce


def import_workbook(path: str | Path, *, format: str | None = None, templates: str | Path | None = None,
                    year: int | None = None, name: str | None = None, schema: str = "schema/spec.schema.json",
                    start: Path | None = None) -> Imported:
    """Read a filled workbook into spec text; `start`: the folder the spec goes to (its workspace templates/
    are among the formats). Raises ImportFailed."""
    source = Path(path)
    try:
        grids = read_workbook(source)
    except WorkbookError as exc:
        raise ImportFailed(str(exc)) from None
    stack = _stack(templates, start)
    try:
        matches = candidates(stack, list(grids), format)
    except FormatError as exc:
        raise ImportFailed(f"格式「{format}」无法使用：{exc}") from None
    if not matches:
        names = "、".join(list(grids)[:8]) + ("……" if len(grids) > 8 else "")
        known = "、".join(stack.names())
        if format:
            raise ImportFailed(f"格式「{format}」没有 .xlsx 公开表，无法导入（可用：{known}）")
        raise ImportFailed(f"{source.name} 的工作表（{names}）与已知格式（{known}）的公开表都对不上，无法判断格式；"
                           "请用 --format 指定格式")
    match = matches[0]
    layout = compile_layout(match.format, match.document, xlsx_template(match.template))
    ex = extract(layout, grids, load_catalog(year or 2024))
    given = year
    year = year or _year(ex)
    guessed = None
    if year is None:  # some formats print no 年度: the year its 填报日期 falls in
        filed = ex.value("单位", "填报日期") or ex.value("填报日期")
        m = re.search(r"(20[0-9]{2})", str(filed or ""))
        guessed = year = int(m.group(1)) if m else None
    catalog = load_catalog(year or 2024)
    ex = extract(layout, grids, catalog)
    draft = Draft(year, match.format.name, layout.display.unit)
    if guessed and not given:
        draft.note("文件", f"工作簿没有印出预算年度，按填报日期取 {guessed} 年；不对时用 --year 给出。")
    asm = Assembler(ex, layout, catalog, draft)
    asm.unit_facts(name)
    asm.ledger()
    asm.programs()
    asm.performance()
    asm.procurement()
    asm.services()
    asm.prior()
    problems: list[Problem] = []
    if "名称" not in draft.unit:
        problems.append(Problem(source.name, "工作簿没有印出单位名称，请用 --name 给出（已写作占位文字）"))
    if year is None:
        problems.append(Problem(source.name, "工作簿没有印出预算年度，请用 --year 给出"))
    text = write(draft, schema, source.name)
    compared, differing = 0, 0
    mismatches: list[tuple[Mismatch, bool]] = []
    try:
        text, compared, differing, mismatches = _verify(draft, layout, ex, schema, source.name, text)
    except Unloadable as exc:
        problems.append(Problem(source.name, f"导入的规格无法载入（这是 yusuan 的错误，请报告）：{exc}"))
    for miss, resolved in mismatches:
        problems.append(Problem(miss.fact.where, _disagreement(miss, resolved)))
    units = [r for r in ex.records if r.source == ("清单", "单位")]
    if len(units) > 1:
        problems.append(Problem(units[0].sheet, f"工作簿列出 {len(units)} 个单位（部门预算）：导入为一份合并的规格；"
                                "部门请为本级和各下属单位分别写规格，再写部门文件"))
    for sheet in ex.skipped:
        problems.append(Problem(sheet, f"工作表「{sheet}」不是格式 {match.format.name} 的表，未读取"))
    return Imported(text, match.format.name, str(draft.unit.get("名称", "")), year, problems, compared, differing)


def _stack(templates: str | Path | None, start: Path | None) -> Templates:
    stack = templates_for(start, Path(templates) if templates is not None else None)
    if stack.problems:
        raise ImportFailed("；".join(stack.problems))
    return stack


def _year(ex: Extracted) -> int | None:
    for key in (("年度",), ("上年度",)):
        for f in ex.values(*key):
            text = str(f.value or "").strip()
            if text.isdigit() and 2000 <= int(text) + (key == ("上年度",)) <= 2100:
                return int(text) + (key == ("上年度",))
    return None


def _verify(draft: Draft, layout: Layout, ex: Extracted, schema: str, source: str, text: str
            ) -> tuple[str, int, int, list[tuple[Mismatch, bool]]]:
    """Render the spec, compare; make exact amounts where rounded figures need them, then 公布数 for a figure
    the workbook prints two ways. Returns the text, how many cells were compared, how many still differ, and
    the disagreements of the workbook's own tables (each: whether a 公布数 now prints it as the workbook does)."""
    made = render(text, layout)
    if made.extracted is None:
        return text, 0, 0, []
    compared, mismatches = compare(ex, made.extracted)
    if mismatches and repair(draft, ex, made):
        text = write(draft, schema, source)
        made = render(text, layout)
        if made.extracted is None:
            return text, 0, 0, []
        compared, mismatches = compare(ex, made.extracted)
    found = list(mismatches)
    for _ in range(3):
        if not published_for(draft, mismatches, made):
            break
        text = write(draft, schema, source)
        made = render(text, layout)
        if made.extracted is None:
            break
        compared, mismatches = compare(ex, made.extracted)
    left = {id(m.fact) for m in mismatches}
    return text, compared, len(mismatches), [(m, id(m.fact) not in left) for m in found]


def _disagreement(m: Mismatch, resolved: bool) -> str:
    f = m.fact
    got = "空" if m.got in (None, 0) else format(shown(m.got, f), "f")
    printed = "空" if f.value is None else format(shown(f.value, f), "f")
    if resolved:
        return f"工作簿印 {printed}，按其余各表应为 {got}（只差尾数）：各表不一致，已照印写作公布数"
    return f"工作簿印 {printed}，按其余各表应为 {got}：这张表与其他表不一致（导入的规格按更明细的表），请核实"
