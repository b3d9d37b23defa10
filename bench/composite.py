"""Uncertainty analysis against plain runs (composite-model.md): ``python -m bench.composite``.

    python -m bench.composite [--enterprises 10000] [--samples 1000] [--plain 1000] [--seed 0]

One synthetic zone of ``--enterprises`` firms (seed ``--seed``, years 2021–2025), scored for 2025 with
the shipped national models. For each model it times, in this process:

- one plain run (``engine.score``: prepare, evaluate, rate, finish, ordered), median of 5;
- ``--plain`` plain runs back to back (the cost of the naive way to get ``--samples`` weightings:
  one whole run per weighting; note that a plain run with changed weights would need a new model);
- ``uncertainty.analyse`` with ``--samples`` weightings (δ = 0.25), median of 3;
- ``uncertainty.leave_one_out``.

and checks, outside the timing, that δ = 0 reproduces the nominal ranks. Wall and CPU time (this
process, all threads) are printed as a Markdown table for bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import polars as pl


def _timed(fn, repeat: int = 1) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=10_000)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--plain", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models", default="national-2025,national-2024")
    args = ap.parse_args(argv)

    from gaoxin.data.synth import synthesize
    from gaoxin.scoring import engine, load_model, uncertainty

    data = synthesize(args.enterprises, zones=1, years=(2021, 2025), seed=args.seed)
    rows = []
    for model_id in args.models.split(","):
        model = load_model(model_id)
        values = engine.evaluate(model, engine.prepare(model, data, 2025)).collect()
        zero = uncertainty.analyse(model, values, samples=3, noise=0.0, seed=args.seed).frame
        nominal = engine.score(model, data, 2025).frame.join(zero, on="uscc")
        assert (nominal["rank"] == nominal["rank_p05"]).all() and (
            nominal["rank"] == nominal["rank_p95"]
        ).all()
        one_w, _ = _timed(lambda m=model: engine.score(m, data, 2025), repeat=5)

        def plain_runs(m=model):
            for _ in range(args.plain):
                engine.score(m, data, 2025)

        plain_w, plain_c = _timed(plain_runs)
        mc_w, mc_c = _timed(
            lambda m=model, v=values: uncertainty.analyse(m, v, args.samples, 0.25, args.seed), repeat=3
        )
        loo_w, _ = _timed(lambda m=model, v=values: uncertainty.leave_one_out(m, v), repeat=3)
        result = uncertainty.analyse(model, values, args.samples, 0.25, args.seed).frame
        width = (result["rank_p95"] - result["rank_p05"]).median()
        rows.append(
            (
                model_id,
                len(model.all_indicators),
                values.height,
                one_w,
                plain_w,
                plain_c,
                mc_w,
                mc_c,
                loo_w,
                width,
            )
        )
    print(
        f"{args.enterprises:,} firms in one zone, {args.samples:,} weightings, δ = 0.25, seed {args.seed}; "
        f"{platform.python_implementation()} {platform.python_version()}, Polars {pl.__version__}, "
        f"{os.cpu_count()} cores (shared), load average {os.getloadavg()[0]:.2f}"
    )
    print()
    print(
        f"| model | indicators | firms | 1 plain run | {args.plain:,} plain runs (wall / CPU) | "
        f"MC {args.samples:,} samples (wall / CPU) | leave-one-out (wall) | median 90 % rank interval width |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for m, k, n, one_w, plain_w, plain_c, mc_w, mc_c, loo_w, width in rows:
        print(
            f"| {m} | {k} | {n:,} | {one_w * 1000:.0f} ms | {plain_w:.1f} s / {plain_c:.1f} s | "
            f"{mc_w:.2f} s / {mc_c:.2f} s | {loo_w:.2f} s | {width:g} ranks |"
        )


if __name__ == "__main__":
    main()
