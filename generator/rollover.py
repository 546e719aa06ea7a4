"""Next year's filing (`rollover`) and what changed between two specs (`diff`).

rollover: the year moves on, this year's figures become next year's 上年数, projects stay as drafts
to edit, last year's words (增减原因, 公布数, 填报日期) go. The YAML is edited round-trip (ruamel.yaml),
so comments and key order survive."""
from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from dataclasses import dataclass, replace
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .checks import check_file
from .figures import SANGONG_PARTS, Change, Figures
from .findings import Finding
from .money import round2
from .os_errors import reason
from .output import write_atomic
from .spec.model import Project


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 100000
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(Decimal, lambda r, d: r.represent_scalar("tag:yaml.org,2002:float", f"{d:.2f}"))
    return y


def _amount(value: Decimal | None) -> Decimal | None:
    """A figure as next year's spec states it: two decimals, written as a plain number."""
    return None if value is None else round2(value)


def prior_figures(fig: Figures) -> CommentedMap:
    """This year's figures, as next year's 上年 section."""
    out = CommentedMap()

    def put(key: str, value: Decimal | None) -> None:
        if value is not None:
            out[key] = _amount(value)

    if fig.spec.income is not None:
        put("收入合计", fig.income_total)
        by_source = CommentedMap()
        for source in fig.income_sources:
            value = fig._income_of(source)  # as 上年对比 will read it next year
            if value:
                by_source[source] = _amount(value)
        if by_source:
            out["收入"] = by_source
    put("支出合计", fig.total)
    put("一般公共预算财政拨款", fig.value("一般公共预算"))
    put("基本支出", fig.value("基本支出"))
    put("项目支出", fig.value("项目支出"))
    if fig.dim_known("功能"):
        classes = CommentedMap()
        for row in fig.rollup("功能")[1:]:
            if row.level == "类" and row.values[0]:
                classes[row.code] = _amount(row.values[0])
        out["功能分类"] = classes
    if fig.value("三公经费") is not None:
        sangong = CommentedMap()
        sangong["合计"] = _amount(fig.value("三公经费"))
        for part in SANGONG_PARTS:
            sangong[part] = _amount(fig.value(part))
        out["三公经费"] = sangong
    put("机关运行经费", fig.value("机关运行经费"))
    put("运行经费", fig.value("运行经费"))
    if fig.spec.procurement:
        out["政府采购"] = _amount(fig.procurement()["合计"])
    return out


def rollover(spec_path: Path, fig: Figures, to_year: int) -> str:
    """The text of next year's spec."""
    y = _yaml()
    data = y.load(spec_path.read_text(encoding="utf-8"))
    old = fig.spec.year
    data["年度"] = to_year
    if data.get("科目版本") == old:
        data["科目版本"] = to_year
    unit = data.get("单位")
    if isinstance(unit, dict):
        unit.pop("填报日期", None)
    for key in ("公布数", "说明"):
        data.pop(key, None)
    prior = prior_figures(fig)
    if "上年" in data:
        data["上年"] = prior
        data.ca.items.pop("上年", None)  # last year's notes on its own 上年 no longer apply
    else:
        data.insert(len(data), "上年", prior)
    data.yaml_set_comment_before_after_key("上年", before=f"{old} 年数：由 {spec_path.name} 计算得出（yusuan rollover）")
    projects = data.get("项目")
    if projects:
        data.yaml_set_comment_before_after_key(
            "项目", before=f"以下项目沿用 {old} 年规格，作为 {to_year} 年草稿：请核实金额、实施期与绩效目标")
    out = StringIO()
    y.dump(data, out)
    return out.getvalue()


class TargetError(Exception):
    """Next year's spec cannot be written where asked; the message says why, in Chinese."""


def write_next(text: str, target: Path, codes: Path | None = None, force: bool = False) -> list[Finding]:
    """Write next year's spec `text` to `target` only if it checks there (with the local codes and templates
    of the target's folder): else its errors, located at the lines of `text`, and nothing is written.
    Raises TargetError when the target exists (without `force`) or cannot be written; folders made for it
    are removed again whenever nothing is written."""
    made: list[Path] = []
    written = False
    try:
        if target.is_dir():
            raise TargetError(f"{target} 是文件夹，不能写成规格文件（-o 写新规格的文件名）")
        if target.exists() and not force:
            raise TargetError(f"{target} 已存在（加 --force 覆盖）")
        _make_folders(target.parent, made)
        errors = _errors_at(target, text, codes)
        if not errors:
            write_atomic(target, text.encode("utf-8"))
            written = True
        return errors
    except OSError as exc:
        raise TargetError(f"无法写入 {target}：{_why_unwritable(target, exc)}") from None
    finally:
        for folder in reversed(made if not written else []):
            with suppress(OSError):  # no longer empty: someone else's now
                folder.rmdir()


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Create `folder` and its missing parents, outermost first, each added to `made` once created."""
    for p in [p for p in (folder, *folder.parents) if not p.exists()][::-1]:
        p.mkdir()
        made.append(p)


def _errors_at(target: Path, text: str, codes: Path | None) -> list[Finding]:
    """The errors of `text` checked as a spec in the target's folder (from a temporary file beside it,
    removed again); those in the text name the target and quote their line."""
    fd, name = tempfile.mkstemp(prefix=".~" + target.stem[:40], suffix=".yaml", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        findings = check_file(temporary, codes).findings
    finally:
        temporary.unlink(missing_ok=True)
    lines = text.splitlines()

    def located(f: Finding) -> Finding:
        if f.file != str(temporary):
            return f  # in another file (local codes)
        quoted = f"（第 {f.line} 行：{lines[f.line - 1].strip()}）" if f.line and f.line <= len(lines) else ""
        return replace(f, file=str(target), message=f.message + quoted)

    return [located(f) for f in findings if f.is_error]


def _why_unwritable(target: Path, exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        where = Path(exc.filename).parent if exc.filename else target.parent
        return f"没有在「{where}」中写入的权限"
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        blocker = next((p for p in target.parents if p.is_file()), None)
        if blocker is not None:
            return f"「{blocker}」是文件，不是文件夹"
    return reason(exc)


def default_target(spec_path: Path, old: int, new: int) -> Path:
    """specs/2023/x.yaml → specs/2024/x.yaml; otherwise x.2024.yaml beside it."""
    if spec_path.parent.name == str(old):
        return spec_path.parent.parent / str(new) / spec_path.name
    return spec_path.with_name(f"{spec_path.stem}.{new}{spec_path.suffix}")


# --- diff ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    group: str  # 合计 / 功能分类 / 经济分类 / 项目
    key: str
    name: str
    old: Decimal | None
    new: Decimal | None
    renamed: bool = False

    @property
    def change(self) -> Change | None:
        if self.old is None or self.new is None:
            return None
        return Change.of(self.new, round2(self.old))

    @property
    def status(self) -> str:
        return "新增" if self.old is None else "删除" if self.new is None else "改名" if self.renamed else "变化"

    def to_dict(self) -> dict[str, Any]:
        c = self.change
        return {"分组": self.group, "编码": self.key, "名称": self.name, "原": _cents(self.old), "新": _cents(self.new),
                "增减额": _cents(c.diff) if c else None, "增减率": None if not c or c.percent is None else f"{c.percent}",
                "状态": self.status}


def _cents(value: Decimal | None) -> str | None:
    return None if value is None else f"{round2(value):.2f}"


def diff(old: Figures, new: Figures) -> list[Line]:
    """What changed, by total, by 科目 and by project; only what differs (as printed, to the cent)."""
    lines: list[Line] = []

    def add(group: str, key: str, name: str, a: Decimal | None, b: Decimal | None, renamed: bool = False) -> None:
        if _amount(a) != _amount(b) or renamed:
            lines.append(Line(group, key, name, a, b, renamed))

    for name in ("收入合计", "合计", "基本支出", "项目支出", "人员经费", "公用经费", "三公经费", "机关运行经费"):
        add("合计", "", "支出合计" if name == "合计" else name, old.value(name), new.value(name))
    for dim, group, where in (("功能", "功能分类", ""), ("部门经济", "经济分类（基本支出）", "基本支出")):
        was, now = _rows(old, dim, where), _rows(new, dim, where)
        for code in sorted(set(was) | set(now)):
            name = (now.get(code) or was[code])[0]
            add(group, code, name, was.get(code, (name, None))[1], now.get(code, (name, None))[1])
    for a, b in pair_projects(old.spec.projects, new.spec.projects):
        one = b or a
        assert one is not None  # a pair has at least one side
        renamed = a is not None and b is not None and a.name != b.name
        name = f"{a.name} → {b.name}" if a is not None and b is not None and renamed else one.name
        add("项目", one.code or "", name, a.amount if a else None, b.amount if b else None, renamed)
    return lines


def pair_projects(old: list[Project], new: list[Project]) -> list[tuple[Project | None, Project | None]]:
    """Last year's projects beside this year's, by identity: the same 编码; else the same name (the k-th
    of a name with the k-th); else, for a project renamed in place, the same position in the list.
    What is left was removed or added."""
    pairs: dict[int, int] = {}  # old index → new index
    free = set(range(len(new)))
    for same in (lambda a, b: a.code is not None and a.code == b.code, lambda a, b: a.name == b.name):
        for i, a in enumerate(old):
            if i not in pairs:
                j = next((j for j in sorted(free) if same(a, new[j])), None)
                if j is not None:
                    pairs[i] = j
                    free.discard(j)
    for i in range(len(old)):  # renamed in place: neither has a code the other lacks
        if i not in pairs and i in free and (old[i].code is None or new[i].code is None):
            pairs[i] = i
            free.discard(i)
    out: list[tuple[Project | None, Project | None]] = [(a, new[pairs[i]] if i in pairs else None) for i, a in enumerate(old)]
    return out + [(None, new[j]) for j in sorted(free)]


def _rows(fig: Figures, dim: str, where: str) -> dict[str, tuple[str, Decimal]]:
    if not fig.dim_known(dim, where):
        return {}
    return {r.code: (r.name, r.values[0]) for r in fig.rollup(dim, [""], where)[1:] if r.code}
