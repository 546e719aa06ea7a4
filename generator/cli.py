"""The `yusuan` command: a thin layer over the library."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .catalog import load_catalog
from .checks import check_file, missing, spec_files
from .findings import escalate
from .formats import available, load_format
from .report import dump, findings_json, print_findings, summary
from .spec.model import json_schema

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="yusuan 预算文书生成引擎：校验单位预算规格，计算每一个数字，生成公开文书。")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

Specs = Annotated[list[Path], typer.Argument(help="规格文件或文件夹（文件夹内的 .yaml 逐个检查）", show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]
Codes = Annotated[Optional[Path], typer.Option("--codes", help="本地科目文件（默认就近查找 yusuan-codes.yaml）")]
FormatOpt = Annotated[Optional[str], typer.Option("--format", help="公开格式（默认取规格中的「格式」）")]


def _files(specs: list[Path]) -> list[Path]:
    problems = missing(specs)
    if problems:
        for p in problems:
            err.print(f"[red]错误[/] {p.file}：{p.message}")
        raise typer.Exit(2)
    files = spec_files(specs)
    if not files:
        err.print("[red]错误[/] 没有找到规格文件（.yaml）")
        raise typer.Exit(2)
    return files


@app.command()
def check(specs: Specs, as_json: AsJson = False,
          strict: Annotated[bool, typer.Option("--strict", help="警告也按错误处理")] = False,
          codes: Codes = None, format: FormatOpt = None) -> None:
    """校验规格：列出全部问题（错误与警告），每条指向 YAML 的行与列。退出码 0 无错误，1 有错误，2 无法运行。"""
    results = []
    for path in _files(specs):
        checked = check_file(path, codes, format)
        findings = escalate(checked.findings) if strict else checked.findings
        results.append((str(path), findings))
    everything = [f for _, fs in results for f in fs]
    if as_json:
        out.print(dump(findings_json(results)), soft_wrap=True)
    else:
        print_findings(out, everything, [file for file, _ in results])
        out.print(summary(everything, len(results)))
    raise typer.Exit(1 if any(f.is_error for f in everything) else 0)


@app.command()
def show(specs: Specs, as_json: AsJson = False, codes: Codes = None, format: FormatOpt = None) -> None:
    """显示单位的主要数字（收支、功能分类、经济分类、三公、机关运行经费、项目、上年对比）；--json 输出全部数字。"""
    from .show import show_figures
    docs, failed = [], False
    for path in _files(specs):
        checked = check_file(path, codes, format)
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
                out.print(f"[red]注意：此规格有 {len(errors)} 个错误，数字仅供参考（运行 yusuan check {path} 查看）[/]")
            out.print()
    if as_json:
        out.print(dump(docs[0] if len(docs) == 1 else docs), soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


@app.command()
def build(specs: Specs,
          output: Annotated[Path, typer.Option("-o", "--output", help="输出文件夹")] = Path("build"),
          codes: Codes = None, format: FormatOpt = None) -> None:
    """生成文书：OUT/<年度>/<单位名称>/<文档>.xlsx。有错误的规格不生成（先打印其问题）。"""
    from .build import build as build_one
    failed = False
    for path in _files(specs):
        checked = check_file(path, codes, format)
        errors = [f for f in checked.findings if f.is_error]
        if errors:
            print_findings(err, errors, [str(path)])
        result = build_one(checked, output)
        if result.findings:
            failed = True
            print_findings(err, result.findings, [])
        for file in result.files:
            out.print(f"[green]✓[/] {file}")
        if not result.files and not result.findings:
            out.print(f"[dim]- {path}：格式「{checked.format.name}」没有文书[/]")
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(output: Annotated[Optional[Path], typer.Option("-o", "--output", help="写入文件而非标准输出")] = None) -> None:
    """输出规格的 JSON Schema（编辑器据此自动补全与校验）。"""
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
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
        out.print(dump([{"编码": c.code, "名称": c.name, "分类": c.kind, "级次": c.level, "上级": c.parent,
                         "来源": c.status, "出处": c.source} for c in hits]), soft_wrap=True)
        raise typer.Exit(0 if hits else 1)
    if not hits:
        err.print(f"{cat.edition} 年版科目表中没有找到「{query}」")
        raise typer.Exit(1)
    table = Table(title=f"{cat.edition} 年版政府收支分类科目：{query}（{len(hits)} 条）", title_justify="left")
    for col in ("编码", "名称", "分类", "级次", "上级", "来源"):
        table.add_column(col)
    for c in hits[:200]:
        parents = " › ".join(f"{p} {cat.name(p) or ''}".strip() for p in cat.ancestors(c.code))
        table.add_row(c.code, c.name, c.kind, c.level, parents, c.status)
    out.print(table)
    if len(hits) > 200:
        out.print(f"[dim]（仅显示前 200 条）[/]")


@app.command()
def formats() -> None:
    """列出可用的公开格式。"""
    table = Table(title="公开格式", title_justify="left")
    table.add_column("格式")
    table.add_column("名称")
    for name in available():
        table.add_row(name, load_format(name).title)
    out.print(table)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"yusuan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                                       help="显示版本")] = False) -> None:
    pass


def main() -> None:
    app()
