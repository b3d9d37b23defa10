"""The cultivation ladder (``gaoxin.cultivation.qualify``) on a synthetic zone and on a province-sized population.

    python -m bench.qualify [--sizes 20000,200000] [--repeat 3] [--seed 0]

For each size: synthesize the population once (years Y−4 … Y, Y = 2025; one zone for the first size,
ten zones above), then run ``qualify`` ``--repeat`` times in a fresh subprocess each (so the peak RSS,
VmHWM, belongs to one run) and report the median wall time, the CPU time, the peak memory, the rows of
the long frame and the number of gaps. The machine's load average is printed beside each run: the
machine may be shared, and a busy machine stretches wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
YEAR = 2025


def _population(n: int, seed: int) -> Path:
    from gaoxin.data import synth

    out = DATA / f"qualify-{n}-{seed}"
    if not (out / "reports.parquet").exists():
        zones = 1 if n <= 50_000 else 10
        synth.write(synth.synthesize(n, zones=zones, years=(YEAR - 4, YEAR), seed=seed), out, fmt="parquet")
    return out


def _child(path: str) -> None:
    import polars as pl

    from gaoxin.cultivation import qualify
    from gaoxin.data.dataset import Dataset

    data = Dataset(
        enterprises=pl.read_parquet(f"{path}/enterprises.parquet"),
        reports=pl.read_parquet(f"{path}/reports.parquet"),
        qualifications=pl.read_parquet(f"{path}/qualifications.parquet"),
    )
    t0, c0 = time.perf_counter(), time.process_time()
    r = qualify(data, YEAR)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    hwm = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "peak_bytes": hwm,
                "firms": r.wide.height,
                "rows": r.long.height,
                "gaps": int(r.long["gaps"].list.len().sum()),
                "load": os.getloadavg()[0],
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20000,200000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child")
    args = ap.parse_args()
    if args.child:
        _child(args.child)
        return
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for n in (int(s) for s in args.sizes.split(",")):
        path = _population(n, args.seed)
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, "-m", "bench.qualify", "--child", str(path)],
                check=True,
                capture_output=True,
                text=True,
                cwd=HERE.parent,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        peak = max(r["peak_bytes"] for r in runs) / 2**30
        last = runs[-1]
        walls = ", ".join(f"{r['wall']:.2f}" for r in runs)
        loads = ", ".join(f"{r['load']:.1f}" for r in runs)
        print(
            f"{n:>9,} firms: qualify median {wall:.2f} s wall ({walls}), "
            f"{cpu:.2f} s CPU, peak RSS {peak:.2f} GB; {last['rows']:,} (firm, tier) rows, {last['gaps']:,} gaps; "
            f"load average {loads}"
        )


if __name__ == "__main__":
    main()
