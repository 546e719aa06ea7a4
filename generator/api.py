"""The Python API: what the `yusuan` command does, for scripts and notebooks (the command is built on it).

    from generator import check, build

    report = check("specs/2023")                 # every spec under the folder
    for f in report.findings:
        print(f.file, f.line, f.code, f.message)
    if report.ok:
        for path in build("specs/2023", output="build").files:
            print(path)

Errors that stop a command before any spec is read (a file that does not exist, a --templates folder without
templates, no LibreOffice for PDF) are raised as `YusuanError`s with a Chinese message; what is wrong inside a
spec is never raised: it is a finding of the report.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .checks import Checked, is_spec_like, missing, spec_files
from .department import Department, check_any, without_members
from .findings import Finding, escalate, finding
from .spec.model import Spec

PathLike = str | Path


class YusuanError(Exception):
    """A command that cannot run; `problems` are its message line by line (what the command prints, each as
    an error), `findings` say what and where, when there are findings."""

    def __init__(self, problems: str | Iterable[str], findings: Iterable[Finding] = ()):
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__("；".join(self.problems))
        self.findings = tuple(findings)


class SpecNotFound(YusuanError):
    """Named spec files or folders that do not exist, or no spec in them."""


class TemplatesNotFound(YusuanError):
    """A `templates` folder that does not exist or holds no templates."""


class OfficeNotFound(YusuanError):
    """PDF asked for, and LibreOffice is not installed."""


class SpecInvalid(YusuanError):
    """`load_spec` of a file with errors; its findings say where."""


# --- what the functions give -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileReport:
    """One file's findings (a 部门 file and each of its unit specs are files of their own)."""

    file: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


@dataclass(frozen=True)
class CheckReport:
    files: tuple[FileReport, ...]
    checked: tuple[Checked | Department, ...]  # each spec's check: figures, format (None where it could not load)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass(frozen=True)
class UnitBuild:
    """One spec's build: the files written (none when it has errors) and what stopped it."""

    spec: str
    files: tuple[Path, ...]
    findings: tuple[Finding, ...]  # the spec's errors, or what went wrong building it

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


@dataclass(frozen=True)
class BuildReport:
    units: tuple[UnitBuild, ...] = field(default=())

    @property
    def files(self) -> list[Path]:
        return [p for u in self.units for p in u.files]

    @property
    def ok(self) -> bool:
        return all(u.ok for u in self.units)


# --- the functions -----------------------------------------------------------------------------------------

def spec_paths(paths: Iterable[PathLike], specs_only: bool = False) -> list[Path]:
    """The spec files that paths name (folders searched; a 部门's unit specs belong to its 部门 file).
    `specs_only` (a pre-commit hook given every changed YAML file): other YAML files are left out, and none
    left is no error. Raises SpecNotFound."""
    given = [Path(p) for p in paths]
    absent = missing(given)
    if absent:
        raise SpecNotFound([f"{f.file}：{f.message}" for f in absent], absent)
    files = without_members([f for f in spec_files(given) if not specs_only or is_spec_like(f)])
    if not files and not specs_only:
        raise SpecNotFound("没有找到规格文件（.yaml）")
    return files


def templates_folder(templates: PathLike | None) -> Path | None:
    """A `templates` option, checked: it must hold templates. Raises TemplatesNotFound."""
    if templates is None:
        return None
    from .formats import templates_for
    folder = Path(templates)
    problems = templates_for(None, folder).problems
    if problems:
        raise TemplatesNotFound(problems)
    return folder


def load_spec(path: PathLike) -> Spec:
    """A unit spec, read and validated (the figures are not checked: see `check`). Raises SpecInvalid."""
    from .spec.load import load_spec as load
    file = Path(path)
    if not file.is_file():
        raise SpecNotFound(f"{file}：{finding('E-FILE-NOT-FOUND', file=str(file)).message}")
    loaded = load(file)
    errors = [f for f in loaded.findings if f.is_error]
    if loaded.spec is None or errors:
        first = errors[0] if errors else None
        where = f"{file}:{first.line}" if first and first.line else str(file)
        raise SpecInvalid(f"{where}：{first.message if first else '规格无法读取'}（共 {len(errors)} 个错误）", errors)
    return loaded.spec


def check(*paths: PathLike, codes: PathLike | None = None, format: str | None = None,
          templates: PathLike | None = None, strict: bool = False, specs_only: bool = False) -> CheckReport:
    """Check specs (files or folders): every finding, each at its file and line. `strict`: warnings count as
    errors; `specs_only`: YAML files that are no spec are skipped. Raises SpecNotFound, TemplatesNotFound."""
    folder = templates_folder(templates)
    files, checks = [], []
    for path in spec_paths(paths, specs_only):
        checked = check_any(path, _path(codes), format, folder)
        checks.append(checked)
        found = escalate(checked.findings) if strict else checked.findings
        names = checked.files if isinstance(checked, Department) else [str(path)]
        files += [FileReport(name, tuple(f for f in found if (f.file or str(path)) == name)) for name in names]
    return CheckReport(tuple(files), tuple(checks))


def build(*paths: PathLike, output: PathLike = "build", codes: PathLike | None = None, format: str | None = None,
          templates: PathLike | None = None, pdf: bool = False,
          on_unit: Callable[[UnitBuild], None] | None = None) -> BuildReport:
    """Build specs into OUTPUT/<年度>/<单位名称>/: a spec with errors writes nothing (its errors are its
    findings); two specs of one unit and year write neither. `on_unit` hears of each spec as it is done.
    Raises SpecNotFound, TemplatesNotFound, OfficeNotFound."""
    from .build import build as build_one
    from .build import clashes, output_dir
    out = Path(output)
    folder = templates_folder(templates)
    converter = _converter() if pdf else None
    checks = [check_any(path, _path(codes), format, folder) for path in spec_paths(paths)]
    same = clashes((str(c.path), output_dir(out, c.spec)) for c in checks if c.ok and c.spec is not None)
    units = []
    try:
        for checked in checks:
            path = str(checked.path)
            errors = [f for f in checked.findings if f.is_error]
            if path in same and checked.spec is not None:  # which one is right is the author's call
                clash = finding("E-BUILD-DUPLICATE", file=path, others="、".join(same[path]),
                                folder=output_dir(out, checked.spec))
                unit = UnitBuild(path, (), (*errors, clash))
            else:
                result = build_one(checked, out)
                files = list(result.files)
                problems = list(result.findings)
                if converter and files:
                    try:
                        files += converter.convert(files, files[0].parent)
                    except RuntimeError as exc:
                        problems.append(finding("E-PDF", file=path, reason=exc))
                unit = UnitBuild(path, tuple(files), (*errors, *problems))
            units.append(unit)
            if on_unit:
                on_unit(unit)
    finally:
        if converter:
            converter.close()
    return BuildReport(tuple(units))


def batch(*folders: PathLike, output: PathLike = "build", jobs: int | None = None, format: str | None = None,
          templates: PathLike | None = None, pdf: bool = False, codes: PathLike | None = None, force: bool = False,
          shard: tuple[int, int] | None = None, on_result: Callable | None = None):
    """Build a district: every spec under `folders`, in `jobs` processes; a failing unit is reported and
    skipped, unchanged units are skipped (unless `force`), OUTPUT/<年度>/汇总.xlsx and report.json are
    written. `shard` = (k, n): only the k-th of n shares. Returns a batch.BatchResult.
    Raises SpecNotFound, TemplatesNotFound, OfficeNotFound; OutputError when the summaries cannot be written."""
    from .batch import Options, run_batch
    from .pdf import soffice
    folder = templates_folder(templates)
    if pdf and soffice() is None:
        from .pdf import OfficeMissing
        raise OfficeNotFound(str(OfficeMissing()))
    given = [Path(f) for f in folders]
    spec_paths(given)
    options = Options(fmt_name=format, templates=folder, pdf=pdf, force=force, codes=_path(codes))
    return run_batch(given, Path(output), options, jobs=jobs, part=shard, on_result=on_result)


def _path(value: PathLike | None) -> Path | None:
    return None if value is None else Path(value)


def _converter():
    from .pdf import Converter, OfficeMissing
    try:
        return Converter()
    except OfficeMissing as exc:
        raise OfficeNotFound(str(exc)) from None
