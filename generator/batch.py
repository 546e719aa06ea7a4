"""`batch`: every spec under some folders, in worker processes — forked after this process compiled the
templates their formats use — with progress, a summary workbook and a JSON report per year (the
warnings of units that built wait on disk meanwhile, so memory stays flat). A unit that fails never stops
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
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from . import __version__
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

MANIFESTS = ".yusuan"  # OUT/.yusuan/<key>.json: what each spec last built
SUMMARY_TEMPLATE = "xlsx/汇总.xlsx"
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
    findings: list[dict] = field(default_factory=list)  # after a run: a failed unit's (the others' are in report.json)
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "失败"

    @property
    def first_error(self) -> str:
        """The unit's first error as `file:line: 代码 说明` (what a terminal shows for a failed unit)."""
        error = next((f for f in self.findings if f.get("severity") == "error"), None)
        if error is None:
            return self.message
        where = ":".join(str(x) for x in (error.get("file") or self.spec, error.get("line"), error.get("column")) if x)
        more = f"（共 {self.errors} 个错误）" if self.errors > 1 else ""
        return f"{where}: {error['code']} {error['message']}{more}"


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


def shard(specs: list[Path], k: int, n: int) -> list[Path]:
    """The k-th of n shares (1-based) of the specs: every n-th one, so shares are even and stable."""
    return specs[k - 1::n]


_TOP_KEYS = re.compile(r"^(格式|年度|科目版本)[ \t]*:[ \t]*[\"']?([\w-]+)", re.M)  # as a spec writes them


def warm(specs: list[Path], options: Options) -> None:
    """Before the workers fork: import the checks, load the 科目 editions and compile the templates of the
    formats the specs name (read from each spec's top-level lines as text), so every worker inherits them
    instead of doing it again. Only a head start: whatever this misses a worker does itself."""
    rules()  # the rule modules are imported on first use
    formats, editions = set(), set()
    for spec in specs:
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


class Spool:
    """The warnings of units that built, in a temporary file until report.json is written: the batch
    process keeps a few hundred bytes per unit, however large the district. Without a file (none could
    be made, or writing to it failed) they stay in memory, as before."""

    def __init__(self, file: IO[bytes] | None):
        self.file = file
        self.at: dict[str, tuple[int, int]] = {}  # spec → (offset, length)

    def keep(self, u: UnitResult) -> None:
        if self.file is None or u.failed or not u.findings:
            return  # a failed unit keeps its findings: its first error is shown
        data = json.dumps(u.findings, ensure_ascii=False).encode("utf-8")
        try:
            at = self.file.seek(0, os.SEEK_END)
            self.file.write(data)
        except OSError:  # a full temporary folder: keep them here
            return
        self.at[u.spec] = (at, len(data))
        u.findings = []

    def findings(self, u: UnitResult) -> list[dict]:
        """All of the unit's findings: those kept here, then any added since (a clash of folders)."""
        hit = self.at.get(u.spec)
        if hit is None or self.file is None:
            return u.findings
        self.file.seek(hit[0])
        return json.loads(self.file.read(hit[1])) + u.findings


@contextmanager
def _scratch() -> Iterator[IO[bytes] | None]:
    """An anonymous temporary file, or None where none can be made."""
    try:
        file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the `with` below)
    except OSError:
        yield None
        return
    with file:
        yield file


def run_batch(folders: Iterable[Path], out: Path, options: Options = Options(), *, jobs: int | None = None,
              part: tuple[int, int] | None = None,
              on_result: Callable[[UnitResult, int, int], None] | None = None) -> BatchResult:
    """Build every spec under `folders` (or the `part` = (k, n) share of them). District summaries are
    written for a whole run only: a shard's units are in OUT/.yusuan, and a final run without --shard
    finds them current and writes the summaries."""
    specs = without_members(spec_files(folders))
    if part is not None:
        specs = shard(specs, *part)
    clean_leftovers(out)
    results: dict[str, UnitResult] = {}
    with _scratch() as spooled:
        spool = Spool(spooled)

        def collect(r: UnitResult) -> None:
            results[r.spec] = r
            if on_result:
                on_result(r, len(results), len(specs))
            spool.keep(r)

        interrupted = _build_all(specs, out, options, max(1, jobs or os.cpu_count() or 1), collect)
        units = [results[str(s)] for s in specs if str(s) in results]
        _same_folder(units)
        summaries = ([] if interrupted or part is not None else
                     write_summaries(units, out, options.templates, spool.findings))
    return BatchResult(units, summaries, interrupted)


def _build_all(specs: list[Path], out: Path, options: Options, jobs: int,
               collect: Callable[[UnitResult], None]) -> bool:
    """Process every spec, in `jobs` worker processes, each result to `collect` as it comes. True when
    interrupted (Ctrl-C): what finished is collected, the rest cancelled."""
    if jobs == 1:
        for spec in specs:
            collect(process(spec, out, options))
        return False
    if multiprocessing.get_start_method() == "fork":  # else the workers would not inherit it
        warm(specs, options)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        waiting = iter(specs)
        pending: set[Future] = set()
        try:
            while True:  # a few tasks per worker in flight, not the whole district up front
                for spec in itertools.islice(waiting, jobs * 4 - len(pending)):
                    pending.add(pool.submit(process, spec, out, options))
                if not pending:
                    return False
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    collect(future.result())
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            return True


def _same_folder(units: list[UnitResult]) -> None:
    """Two specs of the same unit and year wrote the same files: both are failures."""
    by_spec = {u.spec: u for u in units}
    for spec, others in clashes((u.spec, Path(u.folder)) for u in units if u.folder is not None).items():
        u = by_spec[spec]
        u.status, u.errors = "失败", u.errors + 1
        clash = finding("E-BUILD-DUPLICATE", file=u.spec, others="、".join(others), folder=u.folder)
        u.message = clash.message
        u.findings.append(clash.to_dict())


# --- summary ------------------------------------------------------------------------------------------------

UNKNOWN_YEAR = "未知年度"


def write_summaries(units: list[UnitResult], out: Path, templates: Path | None = None,
                    findings: Callable[[UnitResult], list[dict]] = lambda u: u.findings) -> list[Path]:
    """OUT/<年度>/汇总.xlsx and report.json per year; units whose year could not be read have their own,
    under OUT/未知年度/. report.json is written unit by unit (`findings` reads each unit's back)."""
    years: dict[int | None, list[UnitResult]] = {}
    for u in sorted(units, key=lambda u: (u.year is None, u.year or 0)):
        years.setdefault(u.year, []).append(u)
    written = []
    for year, mine in years.items():
        folder = out / (str(year) if year is not None else UNKNOWN_YEAR)
        totals = {k: sum((Decimal(v) for u in mine if (v := u.figures.get(k)) is not None), ZERO)
                  for k in SUMMARY_FIGURES}
        head = {"年度": year, "单位数": len(mine), "失败": sum(u.failed for u in mine),
                "合计": {k: plain(v) for k, v in totals.items()}}
        write_all([(folder / "report.json", _report(head, (_report_unit(u, findings(u)) for u in mine))),
                   (folder / "汇总.xlsx", _summary_workbook(mine, totals, year, templates))])
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


def _report_unit(u: UnitResult, findings: list[dict]) -> dict[str, Any]:
    """What a unit's outputs are, independent of whether this run made them or found them current."""
    return {"规格": u.spec, "单位": u.unit, "结果": "失败" if u.failed else "成功", "通过检查": u.errors == 0, "错误": u.errors,
            "警告": u.warnings, "数字": u.figures, "文件": u.files, "说明": u.message or None, "问题": findings}


def _summary_workbook(units: list[UnitResult], totals: dict[str, Decimal], year: int | None,
                      templates: Path | None) -> bytes:
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
    found = templates_for(None, templates).find(SUMMARY_TEMPLATE)
    if found is None:
        raise FormatError(f"找不到汇总表模板 {SUMMARY_TEMPLATE}")
    template = xlsx_template(found[0])
    fill = SheetFill(template.order[0], "汇总", resolve, {"行": rows})
    return template.render([fill], title=f"{year}年部门预算文书汇总", when=f"{year or 2000}-01-01T00:00:00Z")
