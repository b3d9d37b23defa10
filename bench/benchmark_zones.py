"""Zone benchmarking with its rank interval (issue 11): ``python -m bench.benchmark_zones``.

    python -m bench.benchmark_zones [--zones 43,178,2000] [--samples 1000] [--seed 0]

For each count of zones: a synthetic peer table (``gaoxin.benchmark.synth``, two years) scored on the
shipped ``zone-eval-2021`` model (46 indicators, five dimensions, two levels, ``missing: reweight``).
Times, in this process (median of 3, wall): one plain run (``engine.score``), the Monte Carlo over
the weights with ``--samples`` weightings (δ = 0.25; what the benchmark page computes on every view),
leave-one-out, and the peer comparison of one zone (peer set, standings, gaps). Checks, outside the
timing, that δ = 0 reproduces the engine's ranks. Prints a Markdown table for bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import polars as pl


def _timed(fn, repeat: int = 3) -> float:
    walls = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--zones", default="43,178,2000")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from gaoxin.benchmark.gaps import gaps
    from gaoxin.benchmark.peers import peer_set, standings, with_attributes
    from gaoxin.benchmark.synth import synthetic_peers
    from gaoxin.scoring import engine, load_model, uncertainty

    model = load_model("zone-eval-2021")
    rows = []
    for n in (int(x) for x in args.zones.split(",")):
        table = synthetic_peers(model, n=n, years=(2024, 2025), seed=args.seed)
        values = engine.evaluate(model, engine.prepare(model, table, 2025)).collect()
        zero = uncertainty.analyse(model, values, samples=2, noise=0.0).frame
        nominal = engine.score(model, table, 2025).frame.join(zero, on="id")
        assert (nominal["rank"] == nominal["rank_p05"]).all() and (
            nominal["total"] == nominal["total_p95"]
        ).all()
        plain = _timed(lambda t=table: engine.score(model, t, 2025))
        mc = _timed(lambda v=values: uncertainty.analyse(model, v, args.samples, 0.25, args.seed))
        loo = _timed(lambda v=values: uncertainty.leave_one_out(model, v))
        scored = with_attributes(nominal, table, 2025)

        def compare(s=scored):
            peers = peer_set(s, "P001", "province")
            standings(s, model, "P001", peers)
            gaps(s, model, "P001", peers)

        cmp = _timed(compare)
        result = uncertainty.analyse(model, values, args.samples, 0.25, args.seed).frame
        width = (result["rank_p95"] - result["rank_p05"]).median()
        rows.append((n, plain, mc, loo, cmp, width))
    print(
        f"zone-eval-2021 ({len(model.all_indicators)} indicators), {args.samples:,} weightings, δ = 0.25, "
        f"seed {args.seed}; {platform.python_implementation()} {platform.python_version()}, Polars "
        f"{pl.__version__}, {os.cpu_count()} cores (shared), load average {os.getloadavg()[0]:.2f}"
    )
    print()
    print(
        f"| zones | 1 plain run | MC {args.samples:,} samples | leave-one-out | peer comparison of one zone "
        "| median 90 % rank interval width |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for n, plain, mc, loo, cmp, width in rows:
        print(
            f"| {n:,} | {plain * 1000:.0f} ms | {mc * 1000:.0f} ms | {loo * 1000:.0f} ms | {cmp * 1000:.0f} ms "
            f"| {width:g} ranks |"
        )


if __name__ == "__main__":
    main()
