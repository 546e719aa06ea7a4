"""Benchmark: `yusuan batch` on a synthetic district against the naive reference pipeline.

    python bench/bench.py --units 1000 --format chongqing --sample 30 --jobs 2 [--record]

Prints per-unit CPU milliseconds for both pipelines and their ratio, the batch's wall time for the whole
district, and peak memory for a quarter and the whole district (memory must not grow with N).
--record writes the results into bench/RESULTS.md."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT / "bench"))

from make_district import write_district  # noqa: E402

from generator.build import build, output_dir  # noqa: E402
from generator.checks import check_file  # noqa: E402
from generator.render.package import write_atomic  # noqa: E402
from naive import naive_documents  # noqa: E402


def per_unit_ms(specs: list[Path], out: Path, naive: bool, rounds: int = 3) -> float:
    """CPU milliseconds per unit — check, compute, render and write its whole filing set — the best of
    `rounds` passes over the sample (the usual way to take CPU timings on a shared machine)."""
    warm = check_file(specs[0])
    (naive_documents(warm) if naive else build(warm, out))  # compile/import once
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for spec in specs:
            checked = check_file(spec)
            if naive:
                folder = output_dir(out, checked)
                for i, data in enumerate(naive_documents(checked)):
                    write_atomic(folder / f"naive{i}", data)
            else:
                build(checked, out)
        best = min(best, (time.process_time() - start) / len(specs) * 1000)
    return best


def batch(folder: Path, out: Path, jobs: int) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MB of the heaviest process) of one `yusuan batch --force`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = f"import sys; from generator.cli import main; sys.argv=['yusuan','batch','{folder}','-o','{out}','-j','{jobs}','--force']; main()"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"batch failed: {proc.stdout[-500:]} {proc.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--format", default="chongqing")
    parser.add_argument("--sample", type=int, default=30, help="units timed one by one in each pipeline")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--record", action="store_true", help="write bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        specs = write_district(tmp / "district", args.units, args.format)
        quarter = tmp / "quarter"
        quarter.mkdir()
        for spec in specs[: max(1, args.units // 4)]:
            (quarter / spec.name).write_bytes(spec.read_bytes())
        sample = specs[: args.sample]
        ours = per_unit_ms(sample, tmp / "ours", naive=False)
        theirs = per_unit_ms(sample, tmp / "naive", naive=True)
        wall_q, _, rss_q = batch(quarter, tmp / "out-q", args.jobs)
        wall, cpu, rss = batch(tmp / "district", tmp / "out", args.jobs)
    rows = [
        ("格式", args.format),
        ("单位数", str(args.units)),
        ("yusuan：每单位 CPU（检查+计算+生成+写入全部文书）", f"{ours:.1f} ms"),
        ("朴素流程：每单位 CPU（openpyxl 每次载入/保存，docxtpl 每次载入）", f"{theirs:.1f} ms"),
        ("倍数", f"{theirs / ours:.1f}×"),
        (f"batch -j {args.jobs}：{args.units} 个单位总耗时（墙钟）", f"{wall:.1f} s（CPU {cpu:.1f} s，每单位 {cpu / args.units * 1000:.1f} ms）"),
        (f"峰值内存：{max(1, args.units // 4)} 个单位 / {args.units} 个单位", f"{rss_q} MB / {rss} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k.ljust(width)}  {v}")
    if args.record:
        record(rows, args)


def record(rows: list[tuple[str, str]], args) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    machine = f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} 核, {platform.machine()}"
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    entry = (f"\n## {dt.date.today().isoformat()} · {args.format} · {args.units} 个单位\n\n{machine}；"
             f"`python bench/bench.py --units {args.units} --format {args.format} --sample {args.sample} --jobs {args.jobs}`\n\n"
             f"| 项目 | 结果 |\n|---|---|\n{table}\n")
    text = path.read_text(encoding="utf-8") if path.exists() else "# 基准测试结果\n"
    path.write_text(text + entry, encoding="utf-8")
    print(f"已记入 {path}")


if __name__ == "__main__":
    main()
