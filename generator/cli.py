"""The `yusuan` command: a thin layer over the library."""

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from . import __version__, api, cli_zh  # noqa: F401  (cli_zh: click's own words in Chinese)
from .catalog import load_catalog
from .checks import check_file
from .department import check_any
from .formats import templates_for
from .os_errors import reason
from .output import OutputError
from .report import dump, findings_json, print_counts, print_findings, summary
from .spec.model import json_schema

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich",
                  help="yusuan 预算文书生成引擎：校验单位预算规格，计算每一个数字，生成公开文书。")


def _console(stderr: bool = False) -> Console:
    """Rich output; piped into a file or another program (and no COLUMNS given) lines are never wrapped at 80."""
    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, highlight=False, width=100_000 if piped else None, soft_wrap=piped)


def _table(title: str) -> Any:
    """A rich Table (imported when a command prints one: `check` does not)."""
    from rich.table import Table
    return Table(title=title, title_justify="left")


out = _console()
err = _console(stderr=True)

Specs = Annotated[list[Path], typer.Argument(help="规格文件或文件夹（文件夹内的 .yaml 逐个检查）", show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
Codes = Annotated[Path | None, typer.Option("--codes", help="本地科目文件（默认就近查找 yusuan-codes.yaml）")]
FormatOpt = Annotated[str | None, typer.Option("--format", help="公开格式（默认取规格中的「格式」）")]
TemplatesOpt = Annotated[Path | None, typer.Option(
    "--templates", help="模板文件夹：其中的格式与模板优先于工作区的 templates/、YUSUAN_TEMPLATES 和内置模板")]


def _json(data: object) -> None:
    """Machine output: plain JSON on stdout, never through rich (spec text like [/二期] is not markup)."""
    sys.stdout.write(dump(data) + "\n")


@contextmanager
def _cannot_run() -> Iterator[None]:
    """A command that cannot run (a spec or folder that does not exist, a --templates folder without templates,
    no LibreOffice): its message, exit code 2."""
    try:
        yield
    except api.YusuanError as exc:
        for problem in exc.problems:
            err.print(f"[red]错误[/] {escape(problem)}", soft_wrap=True)
        raise typer.Exit(2) from None


def _templates_exist(templates: Path | None) -> None:
    """--templates must name a folder with templates: anything else cannot run (exit 2)."""
    with _cannot_run():
        api.templates_folder(templates)


def _files(specs: list[Path]) -> list[Path]:
    """The spec files the arguments name; none, or one that does not exist, cannot run (exit 2)."""
    with _cannot_run():
        return api.spec_paths(specs)


@app.command()
def check(specs: Specs, as_json: AsJson = False,
          strict: Annotated[bool, typer.Option("--strict", help="警告也按错误处理")] = False,
          codes: Codes = None, format: FormatOpt = None, templates: TemplatesOpt = None,
          brief: Annotated[bool, typer.Option("--summary", help="每个文件一行：错误、警告的个数（按代码计）")] = False,
          specs_only: Annotated[bool, typer.Option(
              "--specs-only", help="跳过不是规格的 YAML（格式文件、CI 配置、yusuan-*.yaml），供 pre-commit 钩子使用")] = False,
          ) -> None:
    """校验规格：列出全部问题（错误与警告），每条指向 YAML 的行与列。退出码 0 无错误，1 有错误，2 无法运行。"""
    with _cannot_run():
        report = api.check(*specs, codes=codes, format=format, templates=templates, strict=strict,
                           specs_only=specs_only)
    if as_json:
        _json(findings_json([(r.file, list(r.findings)) for r in report.files]))
    elif brief:
        print_counts(out, [(r.file, list(r.findings)) for r in report.files])
        out.print(summary(report.findings, len(report.files)) + "（逐条查看：yusuan check 文件）")
    else:
        print_findings(out, report.findings, [r.file for r in report.files])
        out.print(summary(report.findings, len(report.files)))
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def init(name: Annotated[str | None, typer.Argument(help="单位全称（不写则询问）", show_default=False)] = None,
         output: Annotated[Path | None, typer.Option(
             "-o", "--output", help="写到此文件（.yaml）或文件夹（默认 specs/<年度>/<名称>.yaml）", show_default=False)] = None,
         kind: Annotated[str | None, typer.Option("--kind", help="单位性质：行政、参公、事业（不写则询问）", show_default=False)] = None,
         year: Annotated[int | None, typer.Option("--year", help="预算年度（默认明年）", show_default=False)] = None,
         format: FormatOpt = None, templates: TemplatesOpt = None,
         force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False) -> None:
    """新建一个单位的规格：写出带中文注释的起始规格（各部分、哪些数由 yusuan 算出），填上金额即可通过 check。"""
    import datetime as dt

    from .build import safe_name
    from .figures import NATURES as KINDS
    from .formats import DEFAULT, FormatError
    from .output import write_atomic
    from .starter import schema_for, starter
    asking = sys.stdin.isatty()
    if name is None:
        if not asking:
            err.print("[red]错误[/] 请写出单位全称：yusuan init 单位名称 [--kind 行政] [--year 2025] [--format mof]")
            raise typer.Exit(2)
        name = typer.prompt("单位全称")
    name = " ".join(name.split())
    if not name:
        err.print("[red]错误[/] 单位全称不能为空")
        raise typer.Exit(2)
    if kind is None:
        kind = typer.prompt("单位性质（行政/参公/事业）", default="行政") if asking else "行政"
    if kind not in KINDS:
        err.print(f"[red]错误[/] 单位性质「{escape(kind)}」应为 行政、参公 或 事业")
        raise typer.Exit(2)
    year = year or (typer.prompt("预算年度", default=dt.date.today().year + 1, type=int) if asking else dt.date.today().year + 1)
    if not 2000 <= year <= 2100:
        err.print(f"[red]错误[/] 预算年度 {year} 不像预算年度")
        raise typer.Exit(2)
    with _cannot_run():
        folder = api.templates_folder(templates)
    target = output if output is not None and output.suffix in (".yaml", ".yml") else \
        (output or Path("specs") / str(year)) / f"{safe_name(name)}.yaml"
    stack = templates_for(target.parent, folder)
    if format is None and asking:
        format = typer.prompt(f"公开格式（{'、'.join(stack.names())}）", default=DEFAULT)
    try:
        fmt = stack.format(format or DEFAULT)
    except FormatError as exc:
        err.print(f"[red]错误[/] {escape(str(exc))}（可用：{escape('、'.join(stack.names()))}）", soft_wrap=True)
        raise typer.Exit(2) from None
    if target.exists() and not force:
        err.print(f"[red]错误[/] {escape(str(target))} 已存在（--force 覆盖）", soft_wrap=True)
        raise typer.Exit(2)
    ref, schema_file = schema_for(target, Path.cwd())
    try:
        if schema_file is not None:
            schema_text = json.dumps(json_schema(stack.names()), ensure_ascii=False, indent=2) + "\n"
            write_atomic(schema_file, schema_text.encode("utf-8"))
        write_atomic(target, starter(name, kind, year, fmt, ref).encode("utf-8"))
    except OSError as exc:
        err.print(f"[red]错误[/] 无法写入 {escape(str(target))}：{escape(reason(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    out.print(f"[green]✓[/] {escape(str(target))}", soft_wrap=True)
    if schema_file is not None:
        out.print(f"[green]✓[/] {escape(str(schema_file))}（编辑器据此补全与提示）", soft_wrap=True)
    out.print(f"下一步：把每个「~」换成金额，然后运行 yusuan check {escape(str(target))}", soft_wrap=True)


@app.command()
def show(specs: Specs, as_json: AsJson = False, codes: Codes = None, format: FormatOpt = None,
         templates: TemplatesOpt = None) -> None:
    """显示单位的主要数字（收支、功能分类、经济分类、三公、机关运行经费、项目、上年对比）；--json 输出全部数字。"""
    from .show import show_figures
    _templates_exist(templates)
    docs, failed = [], False
    for path in _files(specs):
        checked = check_any(path, codes, format, templates)
        if checked.figures is None:
            failed = True
            print_findings(err, checked.findings, [str(path)])
            continue
        errors = [f for f in checked.findings if f.is_error]
        if as_json:
            docs.append({"file": str(path), "errors": len(errors), "figures": checked.figures.to_json()})
        else:
            show_figures(out, checked.figures)
            if errors:
                out.print(f"[red]注意：此规格有 {len(errors)} 个错误，数字仅供参考（运行 yusuan check {escape(str(path))} 查看）[/]")
            out.print()
    if as_json:
        _json(docs[0] if len(docs) == 1 else docs)
    raise typer.Exit(1 if failed else 0)


Output = Annotated[Path, typer.Option("-o", "--output", help="输出文件夹")]
Pdf = Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 转成 PDF")]


@app.command()
def build(specs: Specs, output: Output = Path("build"), codes: Codes = None, format: FormatOpt = None,
          templates: TemplatesOpt = None, pdf: Pdf = False, as_json: AsJson = False) -> None:
    """生成文书：OUT/<年度>/<单位名称>/<文档>.xlsx/.docx。有错误的规格不生成（先打印其问题）。"""

    def done(unit: api.UnitBuild) -> None:
        if as_json:
            return
        if unit.findings:
            print_findings(err, unit.findings, [])
        for file in unit.files:
            out.print(f"[green]✓[/] {escape(str(file))}", soft_wrap=True)
        if unit.ok and not unit.files:
            out.print(f"[dim]- {escape(unit.spec)}：格式没有文书[/]", soft_wrap=True)

    with _cannot_run():
        report = api.build(*specs, output=output, codes=codes, format=format, templates=templates, pdf=pdf, on_unit=done)
    if as_json:
        _json({"ok": report.ok, "units": [{"spec": u.spec, "ok": u.ok, "files": [str(f) for f in u.files],
                                           "findings": [f.to_dict() for f in u.findings]} for u in report.units]})
    raise typer.Exit(0 if report.ok else 1)


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    k, _, n = text.partition("/")
    if not (k.isascii() and n.isascii() and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise typer.BadParameter("写作 k/n（1 ≤ k ≤ n），如 --shard 2/8：共分 8 份，本次做第 2 份", param_hint="--shard")
    return int(k), int(n)


@app.command()
def batch(folders: Annotated[list[Path], typer.Argument(help="放规格的文件夹（或文件）", show_default=False)],
          output: Output = Path("build"),
          jobs: Annotated[int | None, typer.Option("-j", "--jobs", help="并行进程数（默认：全部 CPU 核）")] = None,
          format: FormatOpt = None, templates: TemplatesOpt = None, pdf: Pdf = False, codes: Codes = None,
          force: Annotated[bool, typer.Option("--force", help="全部重新生成（不跳过未变的单位）")] = False,
          shard: Annotated[str | None, typer.Option(
              "--shard", help="只做 n 份中的第 k 份（k/n，如 2/8），供 CI 矩阵、Slurm 数组作业等分头生成", show_default=False)] = None,
          as_json: AsJson = False) -> None:
    """批量生成一个区的全部单位：失败的单位报告后跳过；未变的单位跳过；写出 OUT/<年度>/汇总.xlsx 与 report.json。"""
    part = _shard(shard)
    with _cannot_run():
        files = api.spec_paths(folders)
        total = len(files if part is None else files[part[0] - 1::part[1]])
        del files  # the batch lists them itself: a district's paths are not kept twice
        try:
            with _progress(total, quiet=as_json) as report:
                result = api.batch(*folders, output=output, jobs=jobs, format=format, templates=templates, pdf=pdf,
                                   codes=codes, force=force, shard=part, on_result=report)
        except OutputError as exc:  # the summaries (each unit's own failure is in its result)
            err.print(f"[red]错误[/] E-OUTPUT {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(1) from None
    counts = {s: result.count(s) for s in ("生成", "未变", "失败")}
    if as_json:
        _json({"单位数": len(result.units), "生成": counts["生成"], "未变": counts["未变"], "失败": counts["失败"],
               "中断": result.interrupted, "汇总": [str(p) for p in result.summaries],
               "单位": [{"规格": u.spec, "单位": u.unit, "年度": u.year, "结果": u.status, "错误": u.errors,
                        "警告": u.warnings, "文件": u.files, "首个错误": u.first_error if u.failed else None}
                       for u in result.units]})
    else:
        shard_note = f"（第 {part[0]}/{part[1]} 份）" if part else ""
        out.print(f"{len(result.units)} 个单位{shard_note}：生成 {counts['生成']}，未变跳过 {counts['未变']}，失败 {counts['失败']}")
        for u in result.failed:
            out.print(f"[red]✗[/] {escape(u.spec)}：{escape(u.first_error)}", soft_wrap=True)
        for path in result.summaries:
            out.print(f"汇总：{escape(str(path))}", soft_wrap=True)
        if part:
            out.print("[dim]分份运行不写汇总：各份完成后，不带 --shard 再运行一次即写出汇总（已生成的单位跳过）[/]")
    if result.interrupted:
        err.print("已中断：已完成的单位保留，再次运行会接着完成其余单位")
        raise typer.Exit(130)
    raise typer.Exit(1 if result.failed else 0)


class _progress:
    """A rich progress bar on a terminal; one plain line per unit otherwise."""

    def __init__(self, total: int, quiet: bool = False):
        self.total, self.failures, self.quiet = total, 0, quiet
        self.bar: Any = None  # a rich Progress on a terminal

    def __enter__(self):
        if out.is_terminal and not self.quiet:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            self.bar = Progress(TextColumn("[bold]生成文书"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("失败 {task.fields[failures]}"), TextColumn("{task.fields[rate]}"),
                                TimeRemainingColumn(), console=out)
            self.bar.start()
            self.task = self.bar.add_task("", total=self.total, failures=0, rate="")
        return self

    def __call__(self, unit, done: int, total: int) -> None:
        self.failures += unit.failed
        if self.bar:
            task = self.bar.tasks[0]
            rate = f"{task.speed:.1f} 个/秒" if task.speed else ""
            self.bar.update(self.task, advance=1, failures=self.failures, rate=rate)
        elif not self.quiet:
            mark = {"生成": "✓", "未变": "=", "失败": "✗"}[unit.status]
            out.print(f"{mark} \\[{done}/{total}] {escape(unit.unit or unit.spec)}（{unit.status}）", soft_wrap=True)

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.stop()


@app.command()
def serve(specs: Specs,
          port: Annotated[int, typer.Option("--port", "-p", help="端口（0：任选一个空闲端口）")] = 8765,
          host: Annotated[str, typer.Option("--host", help="监听地址（默认只有本机能打开；0.0.0.0 则局域网内都能打开）")] = "127.0.0.1",
          codes: Codes = None, format: FormatOpt = None, templates: TemplatesOpt = None) -> None:
    """本地预览：在浏览器中显示规格的问题（连同出错的 YAML 行）和主要表格；保存文件后页面自动更新。Ctrl-C 停止。"""
    from .serve import serve as make_server
    if not 0 <= port <= 65535:
        err.print(f"[red]错误[/] 端口 {port} 应在 0–65535 之间（0：任选一个空闲端口）")
        raise typer.Exit(2)
    with _cannot_run():
        try:
            server = make_server(specs, host=host, port=port, codes=codes, format=format, templates=templates)
        except OSError as exc:
            err.print(f"[red]错误[/] 无法在 {escape(host)}:{port} 上监听：{escape(reason(exc))}"
                      "（换一个端口，或用 --port 0 任选一个）", soft_wrap=True)
            raise typer.Exit(2) from None
    out.print(f"yusuan 预览：{escape(server.url)}  （保存规格后页面自动更新；Ctrl-C 停止）", soft_wrap=True)
    if not server.local:
        out.print(f"[yellow]注意[/] 监听 {escape(host)}：同一网络中的其他电脑也能打开此页面", soft_wrap=True)
    sys.stdout.flush()
    server.run()
    out.print("已停止预览")


@app.command()
def rollover(spec: Annotated[Path, typer.Argument(help="本年规格", show_default=False)],
             to: Annotated[int, typer.Option("--to", help="下一年度，如 2024")],
             output: Annotated[Path | None, typer.Option("-o", "--output", help="新规格文件（默认 specs/<新年度>/同名.yaml）")] = None,
             force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
             codes: Codes = None, format: FormatOpt = None, templates: TemplatesOpt = None) -> None:
    """编制下一年：年度前移，本年数字写成上年数，项目保留为草稿；注释与键的顺序尽量保留。"""
    from .rollover import TargetError, default_target, write_next
    from .rollover import rollover as roll
    if spec.is_dir():
        err.print(f"[red]错误[/] {escape(str(spec))} 是文件夹：rollover 一次编制一份规格，请写出规格文件", soft_wrap=True)
        raise typer.Exit(2)
    _templates_exist(templates)
    checked = check_file(_files([spec])[0], codes, format, templates)
    if not checked.ok or checked.figures is None:
        print_findings(err, [f for f in checked.findings if f.is_error], [str(spec)])
        err.print("[red]错误[/] 规格有错误，先修正再编制下一年")
        raise typer.Exit(1)
    year = checked.figures.spec.year
    if to <= year:
        err.print(f"[red]错误[/] --to {to} 应晚于本年度 {year}")
        raise typer.Exit(2)
    target = output or default_target(spec, year, to)
    try:
        errors = write_next(roll(spec, checked.figures, to), target, codes, force)
    except TargetError as exc:
        err.print(f"[red]错误[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    if errors:
        err.print(f"[red]错误[/] 编制出的 {to} 年规格通过不了检查，未写出 {escape(str(target))}"
                  "（行号指将要写出的内容）：", soft_wrap=True)
        for f in errors:
            where = ":".join(str(x) for x in (f.file, f.line, f.column) if x)
            err.print(f"  {escape(where)}: {f.code} {escape(f.message)}", soft_wrap=True)
            if f.hint:
                err.print(f"    [cyan]提示：{escape(f.hint)}[/]", soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"[green]✓[/] {escape(str(target))}（{year} 年数已写入「上年」；请核实项目与金额后运行 yusuan check）")


@app.command("import")
def import_workbook(
        workbook: Annotated[Path, typer.Argument(help="填好的部门预算公开表（.xlsx，已知格式）", show_default=False)],
        output: Annotated[Path, typer.Option("-o", "--output", help="写出的规格文件（.yaml）", show_default=False)],
        format: Annotated[str | None, typer.Option("--format", help="公开格式（默认按工作表名判断）")] = None,
        templates: TemplatesOpt = None,
        year: Annotated[int | None, typer.Option("--year", help="预算年度（工作簿没有印出时）", show_default=False)] = None,
        name: Annotated[str | None, typer.Option("--name", help="单位全称（工作簿没有印出时）", show_default=False)] = None,
        force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
        as_json: AsJson = False) -> None:
    """从填好的部门预算公开表读出规格：收入、基本支出、项目、“三公”、政府采购、上年；工作簿没有说的写成注释。
    退出码 0 写出，2 无法导入（文件读不了、格式认不出、目标已存在）。"""
    from .importer import ImportFailed
    from .importer import import_workbook as read_back
    from .output import write_atomic
    from .spec.model import json_schema as spec_schema
    from .starter import schema_for
    _templates_exist(templates)
    if output.exists() and not force:
        err.print(f"[red]错误[/] {escape(str(output))} 已存在（--force 覆盖）", soft_wrap=True)
        raise typer.Exit(2)
    ref, schema_file = schema_for(output, Path.cwd())
    try:
        imported = read_back(workbook, format=format, templates=templates, year=year, name=name, schema=ref,
                             start=output.parent)
    except ImportFailed as exc:
        err.print(f"[red]错误[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        if schema_file is not None and not schema_file.exists():
            names = templates_for(output.parent, templates).names()
            write_atomic(schema_file, (json.dumps(spec_schema(names), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        write_atomic(output, imported.text.encode("utf-8"))
    except OSError as exc:
        err.print(f"[red]错误[/] 无法写入 {escape(str(output))}：{escape(reason(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    if as_json:
        _json({"规格": str(output), "格式": imported.format, "单位": imported.unit, "年度": imported.year,
               "核对": imported.compared, "不一致": imported.differing,
               "警告": [{"位置": w.where, "说明": w.message} for w in imported.warnings]})
        raise typer.Exit(0)
    for w in imported.warnings:
        err.print(f"[yellow]警告[/] {escape(w.where)}：{escape(w.message)}", soft_wrap=True)
    out.print(f"[green]✓[/] {escape(str(output))}（格式 {escape(imported.format)}；{imported.compared} 个数字与工作簿逐格核对，"
              f"{imported.differing} 处不同）", soft_wrap=True)
    out.print(f"下一步：读一遍文件中的注释（工作簿没有说的都写在那里），然后运行 yusuan check {escape(str(output))}", soft_wrap=True)


@app.command()
def diff(old: Annotated[Path, typer.Argument(help="原规格", show_default=False)],
         new: Annotated[Path, typer.Argument(help="新规格", show_default=False)],
         as_json: AsJson = False, codes: Codes = None) -> None:
    """比较两份规格：按合计、科目和项目列出金额与增减率的变化。"""
    from .money import show as money
    from .rollover import diff as compare
    figures = []
    for path in _files([old]) + _files([new]):
        checked = check_file(path, codes)
        if checked.figures is None:
            print_findings(err, checked.findings, [str(path)])
            raise typer.Exit(1)
        figures.append(checked.figures)
    lines = compare(*figures)
    if as_json:
        _json([line.to_dict() for line in lines])
        raise typer.Exit(0)
    if not lines:
        out.print("两份规格的数字相同")
        raise typer.Exit(0)
    table = _table(escape(f"{old} → {new}（万元）"))
    for col in ("分组", "编码", "名称", "原", "新", "增减", "增减率"):
        table.add_column(col, justify="right" if col in ("原", "新", "增减", "增减率") else "left")
    for line in lines:
        c = line.change
        table.add_row(line.group, escape(line.key), escape(line.name), money(line.old), money(line.new),
                      line.status if line.renamed or not c else f"{c.direction} {money(abs(c.diff))}",
                      "" if not c or c.percent is None else f"{c.percent}%")
    out.print(table)


@app.command()
def schema(output: Annotated[Path | None, typer.Option("-o", "--output", help="写入文件而非标准输出")] = None,
           templates: TemplatesOpt = None) -> None:
    """输出规格的 JSON Schema（编辑器据此自动补全与校验；「格式」可选的是当前模板层中的格式）。"""
    with _cannot_run():
        folder = api.templates_folder(templates)
    names = templates_for(output.resolve().parent if output else Path.cwd(), folder).names()
    text = json.dumps(json_schema(names), ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def catalog(query: Annotated[str, typer.Argument(help="科目编码（或其开头）或名称中的文字，如 2010301、行政运行")],
            edition: Annotated[int, typer.Option("--edition", "-e", help="科目版本年度")] = 2023,
            as_json: AsJson = False) -> None:
    """查科目：按编码或名称查找政府收支分类科目。"""
    cat = load_catalog(edition)
    hits = cat.search(query)
    if as_json:
        _json([{"编码": c.code, "名称": c.name, "分类": c.kind, "级次": c.level, "上级": c.parent,
                "来源": c.status, "出处": c.source} for c in hits])
        raise typer.Exit(0 if hits else 1)
    if not hits:
        err.print(f"{cat.edition} 年版科目表中没有找到「{escape(query)}」")
        raise typer.Exit(1)
    table = _table(escape(f"{cat.edition} 年版政府收支分类科目：{query}（{len(hits)} 条）"))
    for col in ("编码", "名称", "分类", "级次", "上级", "来源"):
        table.add_column(col)
    for c in hits[:200]:
        parents = " › ".join(f"{p} {cat.name(p) or ''}".strip() for p in cat.ancestors(c.code))
        table.add_row(c.code, escape(c.name), c.kind, c.level, escape(parents), c.status)
    out.print(table)
    if len(hits) > 200:
        out.print("[dim]（仅显示前 200 条）[/]")


formats_app = typer.Typer(add_completion=False, rich_markup_mode="rich",
                          help="公开格式：yusuan formats 列出，yusuan formats check 检查。")
app.add_typer(formats_app, name="formats")


@formats_app.callback(invoke_without_command=True)
def formats(ctx: typer.Context, templates: TemplatesOpt = None, as_json: AsJson = False) -> None:
    """列出可用的公开格式，及每个格式文件和模板来自哪一层（--templates、工作区 templates/、YUSUAN_TEMPLATES、内置）；
    yusuan formats check 检查格式与模板。"""
    if ctx.invoked_subcommand is not None:
        return
    from .formats import FormatError
    _templates_exist(templates)
    stack = templates_for(None, templates)
    rows: list[dict[str, Any]] = []
    for name in stack.names():
        try:
            fmt = stack.format(name)
        except FormatError as exc:
            rows.append({"格式": name, "名称": None, "问题": str(exc), "文件": []})
            continue
        files = [{"文件": f"{name}.yaml", "来源": fmt.layer.origin if fmt.layer else "", "路径": str(fmt.path)}]
        files += [{"文件": rel, "来源": layer.origin, "路径": str(path)} for rel, (path, layer) in fmt.files.items()]
        rows.append({"格式": name, "名称": fmt.title, "问题": None, "文件": files})
    if as_json:
        _json({"模板层": [{"来源": layer.origin, "路径": str(layer.path)} for layer in stack.layers],
               "问题": list(stack.problems), "格式": rows})
        raise typer.Exit(1 if stack.problems or not rows else 0)
    for problem in stack.problems:
        err.print(f"[red]错误[/] {escape(problem)}", soft_wrap=True)
    out.print("模板层（先找到的优先）：" + "；".join(escape(layer.label) for layer in stack.layers), soft_wrap=True)
    table = _table("公开格式")
    for column in ("格式", "名称", "文件", "来源"):
        table.add_column(column)
    for row in rows:
        if row["问题"]:
            table.add_row(row["格式"], f"[red]{escape(row['问题'])}[/]", "", "")
        for i, f in enumerate(row["文件"]):
            table.add_row(row["格式"] if i == 0 else "", escape(row["名称"]) if i == 0 else "", escape(f["文件"]),
                          escape(f["来源"]))
    out.print(table)
    if not rows:
        err.print("[red]错误[/] 没有可用的格式")
    raise typer.Exit(1 if stack.problems or not rows else 0)


@formats_app.command("check")
def formats_check(name: Annotated[str | None, typer.Argument(help="格式名（不写则检查全部格式）", show_default=False)] = None,
                  templates: TemplatesOpt = None, as_json: AsJson = False) -> None:
    """检查格式：格式文件的每个键，各模板的工作表、占位符、数字表达式和行的来源，一次列出全部问题。
    退出码 0 无错误，1 有错误，2 无法运行（未知的格式、模板文件夹不存在）。"""
    from .format_check import check_format
    from .formats import UnknownFormat
    _templates_exist(templates)
    stack = templates_for(None, templates)
    names = [name] if name else stack.names()
    try:
        results = [(n, check_format(stack, n)) for n in names]
    except UnknownFormat as exc:
        err.print(f"[red]错误[/] {escape(str(exc))}（可用：{escape('、'.join(stack.names()))}）", soft_wrap=True)
        raise typer.Exit(2) from None
    files = [str(hit[0]) if (hit := stack.find(f"{n}.yaml")) else n for n in names]
    everything = [f for _, fs in results for f in fs]
    failed = bool(stack.problems) or not names or any(f.is_error for f in everything)
    if as_json:
        data = findings_json([(file, fs) for file, (_, fs) in zip(files, results)])
        for entry, n in zip(data["files"], names):
            entry["format"] = n
        _json({**data, "ok": not failed, "problems": list(stack.problems)})
        raise typer.Exit(1 if failed else 0)
    for problem in stack.problems:
        err.print(f"[red]错误[/] {escape(problem)}", soft_wrap=True)
    for n, file, (_, fs) in zip(names, files, results):  # a template several formats share: its problems in each
        out.print(f"[bold]格式 {escape(n)}[/]" + ("" if fs else "：[green]✓[/]"), soft_wrap=True)
        if fs:
            print_findings(out, fs, [file])
    errors = sum(f.is_error for f in everything)
    out.print(f"{len(names)} 个格式：{errors} 个错误，{len(everything) - errors} 个警告")
    raise typer.Exit(1 if failed else 0)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"yusuan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: Annotated[bool, typer.Option("--version", "-V", callback=version_callback, is_eager=True,
                                                       help="显示版本")] = False) -> None:
    pass


def main() -> None:
    app()
