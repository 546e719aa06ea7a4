"""`batch`: every spec under some folders, in worker processes — forked after this process compiled the
templates their formats use — with progress, a summary workbook and a JSON report per year (the units'
results wait on disk meanwhile, see batch_results, so memory stays flat). A unit that fails never stops
the others. A unit whose inputs (spec, local codes, bundled catalog, format, templates, yusuan version,
--pdf) are unchanged since its last build is skipped; its manifest, written after its files, makes an
interrupted batch resumable: run it again and it finishes the job."""
from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import multiprocessing.util
import os
import re
import shutil
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .batch_results import LazyList, Results, UnitResult
from .build import build, clashes, docx_template, output_dir, xlsx_template
from .catalog import DATA as CATALOG_DATA
from .catalog import load_catalog
from .catalog.local import find_local_file
from .checks import rules, spec_files
from .department import check_any, is_department, member_files, without_members
from .findings import finding
from .formats import DEFAULT, Format, FormatError, file_version, templates_for
from .money import ZERO, plain
from .output import OutputError, write_all
from .render.package import precompress

T = TypeVar("T")
MANIFESTS = ".yusuan"  # OUT/.yusuan/<key>.json: what each spec last built
SUMMARY_TEMPLATE = "xlsx/汇总.xlsx"
SUMMARY_FIGURES = {"收支总计": "", "基本支出": "基本支出", "项目支出": "项目支出", "三公经费": "三公经费",
                   "机关运行经费": "机关运行经费"}


# --- inputs and their fingerprint ------------------------------------------------------------------------

def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "big"))
        h.update(chunk)
    return h.hexdigest()


@lru_cache(maxsize=4096)
def _file_digest(path: Path, version: tuple[int, int] | None) -> str:
    """A file's digest, read once per process while it is unchanged (templates are shared by many units)."""
    return _digest(path.read_bytes())


def _digest_of(path: Path) -> str:
    return _file_digest(path, file_version(path))


def fingerprint(raw: bytes, fmt: Format, local: Path | None, pdf: bool) -> str:
    """Everything a unit's outputs depend on: the spec's bytes, its local codes, the bundled catalog, the
    resolved format (its file and every template it uses, from whichever layer they come), --pdf, and
    the yusuan version."""
    parts = [__version__.encode(), _catalog_digest().encode(), raw, b"pdf" if pdf else b"", fmt.name.encode()]
    parts += [f"{path}:{_digest_of(path)}".encode() for path in fmt.sources()]
    if local is not None:
        parts.append(local.read_bytes())
    return _digest(*parts)


@lru_cache(maxsize=1)
def _catalog_digest() -> str:
    """The bundled 科目 tables (names printed in the tables), read once per process."""
    return _digest(*(p.read_bytes() for p in sorted(CATALOG_DATA.glob("*.csv"))))


def _manifest_path(out: Path, spec: Path) -> Path:
    return out / MANIFESTS / (hashlib.sha1(os.path.normpath(spec).encode()).hexdigest()[:20] + ".json")


def _current(manifest: Path, raw: bytes, spec: Path, out: Path, options: Options) -> UnitResult | None:
    """The unit's saved result when nothing it depends on changed and its files are still there. The
    format is the one the manifest records: the spec's bytes are in the fingerprint, so when they are
    unchanged its 格式 is too; that format's files are read as they are now."""
    if options.force or not manifest.is_file():
        return None
    saved = json.loads(manifest.read_text(encoding="utf-8"))
    try:
        fmt = templates_for(spec.parent, options.templates).format(saved["format"])
    except FormatError:
        return None  # the format is gone: check it again, and report it
    key = fingerprint(raw, fmt, options.codes or find_local_file(spec.parent), options.pdf)
    if saved.get("fingerprint") != key or not all((out / f).is_file() for f in saved["result"]["files"]):
        return None
    return UnitResult(**{**saved["result"], "status": "未变"})


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


@dataclass(frozen=True)
class Options:
    """How a batch builds each unit (the same for every unit; sent to the workers)."""

    fmt_name: str | None = None
    templates: Path | None = None
    pdf: bool = False
    force: bool = False
    codes: Path | None = None  # a local codes file for every unit (default: each spec's nearest yusuan-codes.yaml)


def spec_bytes(spec: Path) -> bytes:
    """What a spec's outputs are made from: its bytes, and a 部门 file's every unit spec's too."""
    parts = [spec.read_bytes()]
    if is_department(spec):
        parts += [str(m.name).encode() + b"\0" + m.read_bytes() for m in member_files(spec)]
    return _digest(*parts).encode() if len(parts) > 1 else parts[0]


def process(spec: Path, out: Path, options: Options) -> UnitResult:
    """Check and build one spec (a unit's, or a 部门 file with its units). Never raises: a failure is a result."""
    try:
        raw = spec_bytes(spec)
        manifest = _manifest_path(out, spec)
        current = _current(manifest, raw, spec, out, options)
        if current is not None:
            return current
        checked = check_any(spec, options.codes, options.fmt_name, options.templates)
        findings = checked.findings
        result = UnitResult(spec=str(spec), status="失败", errors=sum(f.is_error for f in findings),
                            warnings=sum(not f.is_error for f in findings),
                            findings=[f.to_dict() for f in findings])
        if checked.spec is not None:
            result.unit, result.year = checked.spec.unit.name, checked.spec.year
        if checked.figures is not None:
            result.figures = {k: _num(checked.figures.shown(e)) for k, e in SUMMARY_FIGURES.items()}
        built = build(checked, out)
        problems = [f for f in built.findings if f.code != "E-BUILD-REFUSED"]
        result.findings += [f.to_dict() for f in problems]
        result.errors += sum(f.is_error for f in problems)
        if built.findings:
            return result
        files = list(built.files)
        if options.pdf and files:
            for folder in dict.fromkeys(f.parent for f in built.files):  # a 部门: its folder and each unit's
                files += _pdf([f for f in built.files if f.parent == folder])
        result.status, result.files = "生成", [str(f.relative_to(out)) for f in files]
        assert checked.spec is not None and checked.format is not None  # a spec that built has both
        result.folder = str(output_dir(out, checked.spec))
        key = fingerprint(raw, checked.format, options.codes or find_local_file(spec.parent), options.pdf)
        write_all([(manifest, json.dumps({"fingerprint": key, "format": checked.format.name, "result": asdict(result)},
                                         ensure_ascii=False, indent=1).encode("utf-8"))])
        return result
    except OutputError as exc:
        failure = finding("E-OUTPUT", file=str(spec), target=exc.path, reason=exc.reason)
        return UnitResult(spec=str(spec), status="失败", errors=1, message=failure.message, findings=[failure.to_dict()])
    except Exception as exc:  # one unit's surprise must not stop a district
        failure = finding("E-BATCH", file=str(spec), reason=f"{type(exc).__name__}: {exc}")
        return UnitResult(spec=str(spec), status="失败", errors=1, message=failure.message, findings=[failure.to_dict()])


def _num(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


# --- the district -------------------------------------------------------------------------------------------

@dataclass
class BatchResult:
    results: Results  # kept in a temporary file
    summaries: list[Path]
    interrupted: bool = False

    @property
    def units(self) -> LazyList[UnitResult]:
        """Every unit's result, in the order of the specs."""
        return self.results.in_order()

    def count(self, status: str) -> int:
        """How many units were 生成, 未变 or 失败."""
        return self.results.count_of(status)

    @property
    def failed(self) -> list[UnitResult]:
        return [self.results.at(p) for p in self.results.places("失败")]


def clean_leftovers(out: Path) -> None:
    """What an interrupted run left behind (.~name.part files, .~pdf-….part folders): never outputs."""
    for stale in list(out.rglob(".~*.part")) if out.is_dir() else ():
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def shard(specs: list[T], k: int, n: int) -> list[T]:
    """The k-th of n shares (1-based) of the specs: every n-th one, so shares are even and stable."""
    return specs[k - 1::n]


_TOP_KEYS = re.compile(r"^(格式|年度|科目版本)[ \t]*:[ \t]*[\"']?([\w-]+)", re.M)  # as a spec writes them


def warm(specs: list[str], options: Options) -> None:
    """Before the workers fork: import the checks, load the 科目 editions and compile the templates of the
    formats the specs name (read from each spec's top-level lines as text), so every worker inherits them
    instead of doing it again. Only a head start: whatever this misses a worker does itself."""
    rules()  # the rule modules are imported on first use
    formats, editions = set(), set()
    for spec in map(Path, specs):
        try:
            keys = dict(_TOP_KEYS.findall(spec.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue  # the worker reports it
        formats.add((templates_for(spec.parent, options.templates), options.fmt_name or keys.get("格式") or DEFAULT))
        edition = keys.get("科目版本") or keys.get("年度") or ""
        if edition.isdigit():
            editions.add(int(edition))
    for edition in editions:
        load_catalog(edition)
    for stack, name in formats:
        try:
            for path, _ in stack.format(name).files.values():
                template = xlsx_template(path) if path.suffix == ".xlsx" else docx_template(path)
                precompress(template.shared_parts())
        except Exception:  # a broken format or template is its units' finding, in the workers
            continue


def run_batch(folders: Iterable[Path], out: Path, options: Options = Options(), *, jobs: int | None = None,
              part: tuple[int, int] | None = None,
              on_result: Callable[[UnitResult, int, int], None] | None = None) -> BatchResult:
    """Build every spec under `folders` (or the `part` = (k, n) share of them). District summaries are
    written for a whole run only: a shard's units are in OUT/.yusuan, and a final run without --shard
    finds them current and writes the summaries."""
    specs = [str(s) for s in without_members(spec_files(folders))]  # as text: a district's paths, compactly
    if part is not None:
        specs = shard(specs, *part)
    clean_leftovers(out)
    results = Results(len(specs))

    def collect(place: int, r: UnitResult) -> None:
        results.put(place, r)
        if on_result:
            on_result(r, results.done, len(specs))

    interrupted = _build_all(specs, out, options, max(1, jobs or os.cpu_count() or 1), collect)
    _same_folder(results)
    summaries = [] if interrupted or part is not None else write_summaries(results, out, options.templates)
    return BatchResult(results, summaries, interrupted)


def _build_all(specs: list[str], out: Path, options: Options, jobs: int,
               collect: Callable[[int, UnitResult], None]) -> bool:
    """Process every spec, in `jobs` worker processes, each result to `collect` (with the spec's place)
    as it comes. True when interrupted (Ctrl-C): what finished is collected, the rest cancelled."""
    if jobs == 1:
        for place, spec in enumerate(specs):
            collect(place, process(Path(spec), out, options))
        return False
    if multiprocessing.get_start_method() == "fork":  # else the workers would not inherit it
        warm(specs, options)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        waiting = enumerate(specs)
        pending: dict[Future, int] = {}
        try:
            while True:  # a few tasks per worker in flight, not the whole district up front
                for place, spec in itertools.islice(waiting, jobs * 4 - len(pending)):
                    pending[pool.submit(process, Path(spec), out, options)] = place
                if not pending:
                    return False
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    collect(pending.pop(future), future.result())
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            return True


def _same_folder(results: Results) -> None:
    """Two specs of the same unit and year wrote the same files: both are failures. Folders are compared
    by their hash first (the district's folders are never all in memory), then as paths."""
    first: dict[int, int] = {}  # hash of a folder → the first place that wrote it
    suspects: set[int] = set()
    for place in results.places():
        folder = results.at(place).folder
        if folder is not None:
            seen = first.setdefault(hash(folder), place)
            if seen != place:
                suspects.update((seen, place))
    units: dict[str, tuple[int, UnitResult]] = {}
    for place in sorted(suspects):
        u = results.at(place)
        units[u.spec] = (place, u)
    for spec, others in clashes((u.spec, Path(u.folder)) for _, u in units.values() if u.folder).items():
        place, u = units[spec]
        u.status, u.errors = "失败", u.errors + 1
        clash = finding("E-BUILD-DUPLICATE", file=u.spec, others="、".join(others), folder=u.folder)
        u.message = clash.message
        u.findings.append(clash.to_dict())
        results.put(place, u)


# --- summary ------------------------------------------------------------------------------------------------

UNKNOWN_YEAR = "未知年度"


def write_summaries(results: Results, out: Path, templates: Path | None = None) -> list[Path]:
    """OUT/<年度>/汇总.xlsx and report.json per year; units whose year could not be read have their own,
    under OUT/未知年度/. Both are written unit by unit, each read back from `results` as it is written."""
    years: dict[int | None, array] = {}
    totals: dict[int | None, dict[str, Decimal]] = {}
    failed: dict[int | None, int] = {}
    for place in results.places():
        u = results.at(place)
        years.setdefault(u.year, array("l")).append(place)
        failed[u.year] = failed.get(u.year, 0) + u.failed
        mine = totals.setdefault(u.year, dict.fromkeys(SUMMARY_FIGURES, ZERO))
        for k in SUMMARY_FIGURES:
            if (v := u.figures.get(k)) is not None:
                mine[k] += Decimal(v)
    written = []
    for year in sorted(years, key=lambda y: (y is None, y or 0)):
        places, folder = years[year], out / (str(year) if year is not None else UNKNOWN_YEAR)
        head = {"年度": year, "单位数": len(places), "失败": failed[year],
                "合计": {k: plain(v) for k, v in totals[year].items()}}
        units = results.in_order(places)
        rows = LazyList(len(units), partial(_summary_row, units=units))
        write_all([(folder / "report.json", _report(head, map(_report_unit, units))),
                   (folder / "汇总.xlsx", _summary_workbook(rows, totals[year], year, templates))])
        written += [folder / "汇总.xlsx", folder / "report.json"]
    return written


def _report(head: dict[str, Any], units: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """{**head, "单位": [...]} as json.dumps(indent=2) writes it, one unit at a time."""
    text = json.dumps(head, ensure_ascii=False, indent=2)
    yield (text[:-2] + ',\n  "单位": [').encode("utf-8")  # without its closing "\n}"
    empty = True
    for unit in units:
        yield (("" if empty else ",") + "\n    " +
               json.dumps(unit, ensure_ascii=False, indent=2).replace("\n", "\n    ")).encode("utf-8")
        empty = False
    yield b"]\n}" if empty else b"\n  ]\n}"


def _report_unit(u: UnitResult) -> dict[str, Any]:
    """What a unit's outputs are, independent of whether this run made them or found them current."""
    return {"规格": u.spec, "单位": u.unit, "结果": "失败" if u.failed else "成功", "通过检查": u.errors == 0, "错误": u.errors,
            "警告": u.warnings, "数字": u.figures, "文件": u.files, "说明": u.message or None, "问题": u.findings}


def _summary_row(n: int, units: Sequence[UnitResult]) -> dict:
    """Row `n` (from 0) of a year's 汇总表."""
    u = units[n]
    return {"序号": n + 1, "单位": u.unit or "（未能读取）", "规格": u.spec, "状态": "失败" if u.failed else "成功",
            "检查": "通过" if u.errors == 0 else f"{u.errors} 个错误", "警告": u.warnings,
            **{k: Decimal(v) if v is not None else None for k, v in u.figures.items()}, "__blocks__": ("行",)}


def _summary_workbook(rows: Sequence[dict], totals: dict[str, Decimal], year: int | None,
                      templates: Path | None) -> bytes:
    from .build import xlsx_template
    from .render.placeholders import lookup
    from .render.xlsx import SheetFill
    context = {"年度": year or "", "单位数": len(rows), "合计": totals}

    def resolve(ph, row):
        if row is not None and ph.root == "行":
            return lookup(row, ph.fields, "", strict=False)
        return lookup(context, (ph.root, *ph.fields), "汇总表")
    found = templates_for(None, templates).find(SUMMARY_TEMPLATE)
    if found is None:
        raise FormatError(f"找不到汇总表模板 {SUMMARY_TEMPLATE}")
    template = xlsx_template(found[0])
    fill = SheetFill(template.order[0], "汇总", resolve, {"行": rows})
    return template.render([fill], title=f"{year}年部门预算文书汇总", when=f"{year or 2000}-01-01T00:00:00Z")
