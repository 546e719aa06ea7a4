"""`batch`: every spec under some folders, in worker processes — each worker compiles the templates
once — with progress, a summary workbook and a JSON report per year. A unit that fails never stops
the others. A unit whose inputs (spec, local codes, bundled catalog, format, templates, yusuan version,
--pdf) are unchanged since its last build is skipped; its manifest, written after its files, makes an
interrupted batch resumable: run it again and it finishes the job."""
from __future__ import annotations

import hashlib
import json
import multiprocessing.util
import os
import shutil
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__
from .build import build, output_dir
from .catalog import DATA as CATALOG_DATA
from .catalog.local import find_local_file
from .checks import check_file, spec_files
from .formats import DEFAULT, Format, load_format, templates_dir
from .money import ZERO, plain
from .render.package import write_atomic

MANIFESTS = ".yusuan"  # OUT/.yusuan/<key>.json: what each spec last built
SUMMARY_FIGURES = {"收支总计": "", "基本支出": "基本支出", "项目支出": "项目支出", "三公经费": "三公经费",
                   "机关运行经费": "机关运行经费"}


@dataclass
class UnitResult:
    spec: str
    status: str  # 生成 / 未变 / 失败
    unit: str | None = None
    year: int | None = None
    folder: str | None = None
    files: list[str] = field(default_factory=list)
    figures: dict[str, str | None] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    findings: list[dict] = field(default_factory=list)
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "失败"


# --- inputs and their fingerprint ------------------------------------------------------------------------

def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "big"))
        h.update(chunk)
    return h.hexdigest()


def _format_files(fmt: Format) -> list[Path]:
    files = [fmt.path] if fmt.path else []
    return files + [templates_dir() / doc["模板"] for doc in fmt.documents]


def fingerprint(spec: Path, fmt_name: str | None, pdf: bool) -> str:
    """Everything a unit's outputs depend on. (The format named inside the spec is read cheaply:
    any change to the spec's bytes changes the fingerprint anyway.)"""
    raw = spec.read_bytes()
    name = fmt_name or _declared_format(raw) or DEFAULT
    parts = [__version__.encode(), _catalog_digest().encode(), raw, b"pdf" if pdf else b"", name.encode()]
    local = find_local_file(spec.parent)
    if local:
        parts.append(local.read_bytes())
    try:
        for path in _format_files(load_format(name)):
            parts.append(path.read_bytes() if path.is_file() else b"missing")
    except Exception:  # an unknown format: the check reports it
        parts.append(b"no format")
    return _digest(*parts)


@lru_cache(maxsize=1)
def _catalog_digest() -> str:
    """The bundled 科目 tables (names printed in the tables), read once per process."""
    return _digest(*(p.read_bytes() for p in sorted(CATALOG_DATA.glob("*.csv"))))


def _declared_format(raw: bytes) -> str | None:
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.startswith("格式:"):
            return line.split(":", 1)[1].split("#")[0].strip() or None
    return None


def _manifest_path(out: Path, spec: Path) -> Path:
    return out / MANIFESTS / (hashlib.sha1(str(spec.resolve()).encode()).hexdigest()[:20] + ".json")


# --- one unit (runs in a worker) --------------------------------------------------------------------------

_converter = None  # one LibreOffice per worker, with its own profile


def _pdf(files: list[Path]) -> list[Path]:
    """Convert in one soffice call (the converter retries once with a fresh profile)."""
    global _converter
    from .pdf import Converter
    if _converter is None:
        _converter = Converter()
        # workers leave through multiprocessing's exit hooks, not atexit: remove the profile there
        multiprocessing.util.Finalize(_converter, _converter.close, exitpriority=10)
    return _converter.convert(files, files[0].parent)


def process(spec: Path, out: Path, fmt_name: str | None, pdf: bool, force: bool) -> UnitResult:
    """Check and build one spec. Never raises: a failure is a result."""
    try:
        key = fingerprint(spec, fmt_name, pdf)
        manifest = _manifest_path(out, spec)
        if not force and manifest.is_file():
            saved = json.loads(manifest.read_text(encoding="utf-8"))
            if saved.get("fingerprint") == key and all((out / f).is_file() for f in saved["result"]["files"]):
                return UnitResult(**{**saved["result"], "status": "未变"})
        checked = check_file(spec, None, fmt_name)
        findings = checked.findings
        result = UnitResult(spec=str(spec), status="失败", errors=sum(f.is_error for f in findings),
                            warnings=sum(not f.is_error for f in findings),
                            findings=[f.to_dict() for f in findings])
        if checked.spec is not None:
            result.unit, result.year = checked.spec.unit.name, checked.spec.year
        if checked.figures is not None:
            result.figures = {k: _num(checked.figures.shown(e)) for k, e in SUMMARY_FIGURES.items()}
        built = build(checked, out)
        result.findings += [f.to_dict() for f in built.findings if f.code != "E-BUILD-REFUSED"]
        if built.findings:
            result.errors += sum(f.is_error for f in built.findings if f.code != "E-BUILD-REFUSED")
            result.message = built.findings[0].message
            return result
        files = list(built.files)
        if pdf and files:
            files += _pdf(files)
        result.status, result.files = "生成", [str(f.relative_to(out)) for f in files]
        result.folder = str(output_dir(out, checked))
        write_atomic(manifest, json.dumps({"fingerprint": key, "result": asdict(result)}, ensure_ascii=False,
                                          indent=1).encode("utf-8"))
        return result
    except Exception as exc:  # one unit's surprise must not stop a district
        return UnitResult(spec=str(spec), status="失败", errors=1, message=f"{type(exc).__name__}: {exc}",
                          findings=[{"code": "E-BATCH", "severity": "error", "message": f"处理失败：{exc}",
                                     "file": str(spec)}])


def _num(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


# --- the district -------------------------------------------------------------------------------------------

@dataclass
class BatchResult:
    units: list[UnitResult]
    summaries: list[Path]
    interrupted: bool = False

    @property
    def failed(self) -> list[UnitResult]:
        return [u for u in self.units if u.failed]


def clean_leftovers(out: Path) -> None:
    """What an interrupted run left behind (.~name.part files, .~pdf-….part folders): never outputs."""
    for stale in list(out.rglob(".~*.part")) if out.is_dir() else ():
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def run_batch(folders: Iterable[Path], out: Path, *, jobs: int | None = None, fmt_name: str | None = None,
              pdf: bool = False, force: bool = False,
              on_result: Callable[[UnitResult, int, int], None] | None = None) -> BatchResult:
    specs = spec_files(folders)
    clean_leftovers(out)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: dict[str, UnitResult] = {}
    interrupted = False
    if jobs == 1:
        for spec in specs:
            r = process(spec, out, fmt_name, pdf, force)
            results[r.spec] = r
            if on_result:
                on_result(r, len(results), len(specs))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pending: set[Future] = {pool.submit(process, s, out, fmt_name, pdf, force) for s in specs}
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        r = future.result()
                        results[r.spec] = r
                        if on_result:
                            on_result(r, len(results), len(specs))
            except KeyboardInterrupt:
                interrupted = True
                for future in pending:
                    future.cancel()
                pool.shutdown(wait=True, cancel_futures=True)
    units = [results[str(s)] for s in specs if str(s) in results]
    _same_folder(units)
    summaries = [] if interrupted else write_summaries(units, out)
    return BatchResult(units, summaries, interrupted)


def _same_folder(units: list[UnitResult]) -> None:
    """Two specs of the same unit and year would write the same files: both are failures."""
    owners: dict[str, UnitResult] = {}
    for u in units:
        if u.folder is None:
            continue
        first = owners.setdefault(u.folder, u)
        if first is not u:
            for x, other in ((first, u), (u, first)):
                x.status, x.errors = "失败", x.errors + 1
                x.message = f"与 {other.spec} 输出到同一文件夹 {u.folder}"
                x.findings.append({"code": "E-BATCH-DUPLICATE", "severity": "error", "message": x.message, "file": x.spec})


# --- summary ------------------------------------------------------------------------------------------------

def write_summaries(units: list[UnitResult], out: Path) -> list[Path]:
    """OUT/<年度>/汇总.xlsx and report.json per year (units without a year go to the first year's report)."""
    years = sorted({u.year for u in units if u.year is not None}) or [None]
    written = []
    for year in years:
        mine = [u for u in units if u.year == year or (u.year is None and year == years[0])]
        folder = out / (str(year) if year is not None else "未知年度")
        totals = {k: sum((Decimal(u.figures[k]) for u in mine if u.figures.get(k) is not None), ZERO)
                  for k in SUMMARY_FIGURES}
        report = {"年度": year, "单位数": len(mine), "失败": sum(u.failed for u in mine),
                  "合计": {k: plain(v) for k, v in totals.items()},
                  "单位": [_report_unit(u) for u in mine]}
        write_atomic(folder / "report.json", json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
        write_atomic(folder / "汇总.xlsx", _summary_workbook(mine, totals, year))
        written += [folder / "汇总.xlsx", folder / "report.json"]
    return written


def _report_unit(u: UnitResult) -> dict[str, Any]:
    """What a unit's outputs are, independent of whether this run made them or found them current."""
    return {"规格": u.spec, "单位": u.unit, "结果": "失败" if u.failed else "成功", "通过检查": u.errors == 0, "错误": u.errors,
            "警告": u.warnings, "数字": u.figures, "文件": u.files, "说明": u.message or None, "问题": u.findings}


def _summary_workbook(units: list[UnitResult], totals: dict[str, Decimal], year: int | None) -> bytes:
    from .build import xlsx_template
    from .render.placeholders import lookup
    from .render.xlsx import SheetFill
    rows = []
    for n, u in enumerate(units, start=1):
        rows.append({"序号": n, "单位": u.unit or "（未能读取）", "规格": u.spec, "状态": "失败" if u.failed else "成功",
                     "检查": "通过" if u.errors == 0 else f"{u.errors} 个错误", "警告": u.warnings,
                     **{k: Decimal(v) if v is not None else None for k, v in u.figures.items()},
                     "__blocks__": ("行",)})
    context = {"年度": year or "", "单位数": len(units), "合计": totals}

    def resolve(ph, row):
        if row is not None and ph.root == "行":
            return lookup(row, ph.fields, "", strict=False)
        return lookup(context, (ph.root, *ph.fields), "汇总表")
    template = xlsx_template(templates_dir() / "xlsx" / "汇总.xlsx")
    fill = SheetFill(template.order[0], "汇总", resolve, {"行": rows})
    return template.render([fill], title=f"{year}年部门预算文书汇总", when=f"{year or 2000}-01-01T00:00:00Z")
