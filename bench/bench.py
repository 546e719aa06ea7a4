"""Benchmark: yusuan against the naive pipeline and against the re-save floor, for every format and for a
district mixing the real units.

    python bench/bench.py [--sample 10] [--replicas 20] [--jobs 2] [--pdf-replicas 4] [--memory-units 1000 5000]
                          [--runs 3] [--record] [--tree PATH …]

For each format (a synthetic district of --sample units from examples/make_district.py) and for each
bundled spec, the CPU milliseconds per unit of the process measured here, best of several passes:

- yusuan: check_file + build (every document of the format, written atomically);
- naive (bench/naive.py): the same checks and figures, then openpyxl / docxtpl loading each template,
  filling and saving it, for every unit;
- re-save floor: openpyxl / python-docx merely opening yusuan's own output files and saving them again.

Then `yusuan batch -j J --force` on the bundled specs, each replicated --replicas times: wall time, CPU of
the batch and its workers, peak RSS of the batch process itself and of its largest worker (each read by
that process; RUSAGE_CHILDREN here would count this benchmark's own image), against the re-save floor of
the same outputs. `yusuan check SPEC` of each bundled spec, a fresh process each time: the wall time of
the slowest (best of ten). For each of --memory-units N, a synthetic district of N mof units through
`batch -j J`: the peak RSS of the batch process and of its largest worker. Measured yusuan processes use
bytecode caches (a folder of the benchmark's own), as an installed wheel does. With --pdf-replicas N > 0,
`batch --pdf -j J` on a district of N copies of each spec: PDFs per second of wall time. Each run is a
fresh process; --runs repeats it, --record adds the runs and their spread to bench/RESULTS.md. --tree
measures other checkouts of yusuan (their `generator` package) with this same script, run by run in turn,
so that a before and an after share the machine's moods.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("mof", "chongqing", "hunan", "zhuzhou", "shenzhen")


def _import(tree: Path) -> None:
    """yusuan from `tree`, its templates too (YUSUAN_TEMPLATES: an installed yusuan would bring its own)."""
    global build, check_file, write_atomic, naive_documents, write_district, openpyxl, docx
    os.environ["YUSUAN_TEMPLATES"] = str(tree / "templates")
    sys.path[:0] = [str(tree), str(ROOT / "examples"), str(ROOT / "bench")]
    import docx
    import openpyxl
    from make_district import write_district
    from naive import naive_documents

    from generator.build import build
    from generator.checks import check_file
    try:
        from generator.output import write_atomic
    except ImportError:  # a checkout from before it moved there
        from generator.render.package import write_atomic


def best_ms(items: list, work: Callable, rounds: int) -> float:
    """CPU milliseconds of this process per item, the best of `rounds` passes (the usual way to take CPU
    timings on a shared machine); a first pass outside the timing compiles and imports what it needs."""
    work(items[0])
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            work(item)
        best = min(best, (time.process_time() - start) / len(items) * 1000)
    return best


def ours(out: Path) -> Callable[[Path], list[Path]]:
    def run(spec: Path) -> list[Path]:
        result = build(check_file(spec), out)
        if not result.files:
            raise SystemExit(f"{spec}: {result.findings}")
        return result.files
    return run


def naive(out: Path) -> Callable[[Path], None]:
    def run(spec: Path) -> None:
        for i, data in enumerate(naive_documents(check_file(spec))):
            write_atomic(out / spec.stem / f"naive{i}", data)
    return run


def resave(out: Path) -> Callable[[list[Path]], None]:
    """Open a unit's output files with openpyxl / python-docx and save them again."""
    def run(files: list[Path]) -> None:
        for path in files:
            doc = openpyxl.load_workbook(path) if path.suffix == ".xlsx" else docx.Document(str(path))
            buf = io.BytesIO()
            doc.save(buf)
            write_atomic(out / path.parent.name / path.name, buf.getvalue())
    return run


def compare(specs: list[Path], tmp: Path, rounds: int) -> dict[str, float]:
    """ms per unit of yusuan, naive and re-save over the same units."""
    made = [ours(tmp / "ours")(spec) for spec in specs]
    return {"ours": best_ms(specs, ours(tmp / "ours"), rounds), "naive": best_ms(specs, naive(tmp / "naive"), 2),
            "resave": best_ms(made, resave(tmp / "resave"), 2)}


def replicate(tree: Path, folder: Path, copies: int) -> list[Path]:
    """`copies` of every spec bundled with `tree`, each unit renamed (one output folder per unit), in a
    folder of their own (no workspace templates/ around them: the tree's own templates are used)."""
    folder.mkdir(parents=True)
    out = []
    for spec in sorted((tree / "specs").rglob("*.yaml")):
        text = spec.read_text(encoding="utf-8")
        for k in range(copies):
            path = folder / (f"{spec.stem}-{k:03d}.yaml" if copies > 1 else spec.name)
            path.write_text(re.sub(r"(\n单位:\n  名称: )([^\n]+)", rf"\g<1>\g<2>（{k}）", text, count=1)
                            if copies > 1 else text, encoding="utf-8")
            out.append(path)
    return out


# The batch process's own peak is its VmHWM: ru_maxrss of a process started by fork + exec keeps the peak
# of the process that forked it (this benchmark). Its workers are forks of it: their ru_maxrss is theirs.
BATCH = """import atexit, re, resource, runpy, sys
def peaks():
    with open("/proc/self/status") as fh:
        own = int(re.search(r"VmHWM:\\s+(\\d+)", fh.read()).group(1))
    print("RSS", own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
atexit.register(peaks)
sys.argv = ["yusuan", *sys.argv[1:]]
runpy.run_module("generator", run_name="__main__")
"""


def installed_env(tree: Path) -> dict[str, str]:
    """The environment of a measured yusuan process: `tree` on the path, with bytecode caches (in a folder
    of the benchmark's own) as an installed wheel has them — PYTHONDONTWRITEBYTECODE would make every run
    compile the package's sources again."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "yusuan-bench-pyc")}


def check_wall(tree: Path, specs: list[Path], rounds: int = 10) -> float:
    """Seconds of wall time of `yusuan check SPEC`, a fresh process each time, best of `rounds`; the slowest
    of the specs (the first call, not timed, writes the bytecode caches)."""
    worst = 0.0
    for spec in specs:
        best = float("inf")
        for i in range(rounds + 1):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "generator", "check", str(spec)], capture_output=True, cwd=tree,
                           env=installed_env(tree), check=False)
            if i:
                best = min(best, time.perf_counter() - start)
        worst = max(worst, best)
    return worst


def batch(tree: Path, folder: Path, out: Path, jobs: int, *extra: str) -> dict[str, float]:
    """One `yusuan batch --force` in its own process: wall s, CPU s (the batch and its workers), peak RSS MB
    of the batch process and of its largest worker."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", BATCH, "batch", str(folder), "-o", str(out), "-j", str(jobs), "--force",
                           *extra], capture_output=True, text=True, cwd=tree, env=installed_env(tree))
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"batch failed: {proc.stdout[-800:]} {proc.stderr[-800:]}")
    rss = re.search(r"^RSS (\d+) (\d+)$", proc.stderr, re.M)
    return {"wall": wall, "cpu": (after.children_user - before.children_user) + (after.children_system - before.children_system),
            "rss_main": int(rss.group(1)) / 1024, "rss_worker": int(rss.group(2)) / 1024}


def one_run(args: argparse.Namespace) -> list[tuple[str, float, str]]:
    """(label, value, unit) of every measurement."""
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for fmt in args.formats:
            sample = write_district(tmp / f"district-{fmt}", args.sample, fmt)
            rows += _compared(f"{fmt}（合成 {args.sample} 个）", compare(sample, tmp / fmt, 3))
        floors = []
        for spec in replicate(args.tree, tmp / "real", 1):
            r = compare([spec], tmp / spec.stem, 5)
            floors.append(r["resave"])
            rows += _compared(f"{spec.stem}（{check_file(spec).format.name}）", r)
        district = replicate(args.tree, tmp / "mixed", args.replicas)
        b = batch(args.tree, tmp / "mixed", tmp / "mixed-out", args.jobs)
        floor = sum(floors) * args.replicas / 1000
        n = len(district)
        rows += [(f"混合区 {n} 个单位：batch -j {args.jobs} 墙钟", b["wall"], "s"),
                 ("混合区：batch CPU（主进程 + 工作进程）", b["cpu"], "s"),
                 ("混合区：每单位 CPU", b["cpu"] / n * 1000, "ms"),
                 ("混合区：同样输出的重存下限 CPU", floor, "s"),
                 ("混合区：batch CPU / 重存下限", b["cpu"] / floor, ""),
                 ("混合区：batch 主进程峰值内存", b["rss_main"], "MB"),
                 ("混合区：最大工作进程峰值内存", b["rss_worker"], "MB")]
        rows.append(("check：单个真实单位的墙钟（最慢的一个，各取最好的一次）",
                     check_wall(args.tree, replicate(args.tree, tmp / "check", 1)), "s"))
        for n in args.memory_units:
            write_district(tmp / f"memory-{n}", n, "mof")
            m = batch(args.tree, tmp / f"memory-{n}", tmp / f"memory-{n}-out", args.jobs)
            rows += [(f"内存：{n} 个合成单位（mof），batch -j {args.jobs} 墙钟", m["wall"], "s"),
                     (f"内存：{n} 个单位，batch 主进程峰值", m["rss_main"], "MB"),
                     (f"内存：{n} 个单位，最大工作进程峰值", m["rss_worker"], "MB")]
        if args.pdf_replicas:
            replicate(args.tree, tmp / "pdf", args.pdf_replicas)
            p = batch(args.tree, tmp / "pdf", tmp / "pdf-out", args.jobs, "--pdf")
            pdfs = len(list((tmp / "pdf-out").rglob("*.pdf")))
            rows += [(f"PDF：batch --pdf -j {args.jobs}，{pdfs} 个 PDF 墙钟", p["wall"], "s"),
                     ("PDF：每秒文件数", pdfs / p["wall"], "个/s")]
    return rows


def _compared(label: str, r: dict[str, float]) -> list[tuple[str, float, str]]:
    return [(f"{label}：yusuan 每单位 CPU", r["ours"], "ms"), (f"{label}：朴素流程", r["naive"], "ms"),
            (f"{label}：重存下限", r["resave"], "ms"), (f"{label}：朴素 / yusuan", r["naive"] / r["ours"], "×"),
            (f"{label}：yusuan / 重存", r["ours"] / r["resave"], "")]


def _num(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def table(runs: list[list[tuple[str, float, str]]]) -> str:
    """A Markdown table: each measurement, its value in every run, and the spread (min–max)."""
    head = "| 项目 | " + " | ".join(f"第 {i} 次" for i in range(1, len(runs) + 1)) + " | 范围 |"
    lines = [head, "|---" * (len(runs) + 2) + "|"]
    for i, (label, _, unit) in enumerate(runs[0]):
        values = [run[i][1] for run in runs]
        spread = f"{_num(min(values))}–{_num(max(values))} {unit}".strip()
        lines.append(f"| {label} | " + " | ".join(f"{_num(v)} {unit}".strip() for v in values) + f" | {spread} |")
    return "\n".join(lines)


def record(text: str, args: argparse.Namespace, load: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    machine = f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} 核, {platform.machine()}"
    command = " ".join(["python bench/bench.py", *sys.argv[1:]])
    entry = f"\n## {dt.date.today().isoformat()} · {args.runs} 次\n\n{machine}；开始时负载 {load}；`{command}`\n\n{text}\n"
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")
    print(f"已记入 {path}")


def child(tree: Path, args: argparse.Namespace) -> list[tuple[str, float, str]]:
    """One run over `tree`, in a fresh process of its own (nothing compiled or cached from another run)."""
    options = ["--sample", str(args.sample), "--replicas", str(args.replicas), "--pdf-replicas", str(args.pdf_replicas),
               "--jobs", str(args.jobs), "--formats", *args.formats, "--memory-units", *map(str, args.memory_units)]
    proc = subprocess.run([sys.executable, __file__, "--child", "--tree", str(tree), *options], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return [tuple(row) for row in json.loads(proc.stdout)]


def label(tree: Path) -> str:
    """A measured checkout by its commit (and whether it has changes beyond it), else by its folder's name."""
    try:
        commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "generator", "templates"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"`{tree.name}`"
    return f"`{commit}`" + ("（另有未提交的改动）" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=10, help="synthetic units of each format timed one by one")
    parser.add_argument("--formats", nargs="*", default=list(FORMATS))
    parser.add_argument("--replicas", type=int, default=20, help="copies of each bundled spec in the mixed district")
    parser.add_argument("--pdf-replicas", type=int, default=4, help="copies of each spec converted to PDF (0: none)")
    parser.add_argument("--memory-units", type=int, nargs="*", default=[1000, 5000],
                        help="synthetic districts whose batch memory is measured (none: skip)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--record", action="store_true", help="add the results to bench/RESULTS.md")
    parser.add_argument("--tree", type=Path, nargs="*", default=[ROOT],
                        help="checkouts of yusuan to measure (their `generator` package), run by run in turn")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    trees = [t.resolve() for t in args.tree]
    if args.child:
        args.tree = trees[0]
        _import(args.tree)
        print(json.dumps(one_run(args), ensure_ascii=False))
        return
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    runs: dict[Path, list] = {tree: [] for tree in trees}
    for i in range(args.runs):
        for tree in trees:
            runs[tree].append(child(tree, args))
        print(f"第 {i + 1} 次完成", file=sys.stderr)
    text = "\n\n".join((f"{label(tree)}\n\n" if len(trees) > 1 else "") + table(r) for tree, r in runs.items())
    print(text)
    if args.record:
        record(text, args, load)


if __name__ == "__main__":
    main()
