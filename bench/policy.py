"""Policy engine benchmark: every clause of the seeded policies against 100,000 synthetic firms.

``uv run python -m bench.policy [--firms N]`` synthesises a population (``gaoxin.data.synth``), adds
the facts the seeded policies declare (规上, 地方综合贡献度, city award amounts, one to three technology
contracts per tenth firm), builds the facts frame (``engine.prepare``) and runs ``engine.run`` over all
seeded policies at once (eligibility, exact Decimal amounts, caps, ranking, 从高不重复, 总量控制,
pro-rata, co-funding). It appends (or replaces) the "Policy engine" section of bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import time
from pathlib import Path

import numpy as np
import polars as pl

from gaoxin.data import synth
from gaoxin.policy import engine
from gaoxin.policy.model import load_file, shipped

RESULTS = Path(__file__).parent / "results.md"
YEAR = 2025


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data = synth.synthesize(args.firms, zones=20, years=(YEAR - 1, YEAR), seed=11)
    t_synth = time.perf_counter() - t0
    rng = np.random.default_rng(5)
    usccs = data.enterprises["uscc"]
    n = len(usccs)
    inputs = pl.DataFrame(
        {
            "uscc": usccs,
            "above_scale": rng.random(n) < 0.4,
            "local_contribution": np.round(rng.gamma(2.0, 60.0, n), 4),
            "contribution": np.round(rng.gamma(2.0, 70.0, n), 4),
            "city_hightech_award": np.where(rng.random(n) < 0.5, 30.0, 20.0),
            "city_gazelle_award": np.full(n, 50.0),
        }
    )
    tx_firms = usccs.sample(fraction=0.1, seed=2)
    reps = rng.integers(1, 4, len(tx_firms))
    items = pl.DataFrame(
        {
            "uscc": np.repeat(tx_firms.to_numpy(), reps),
            "item": [f"合同{j}" for r in reps for j in range(r)],
            "tx_amount": np.round(rng.gamma(2.0, 30.0, int(reps.sum())), 4),
        }
    ).with_columns((pl.col("tx_amount") * 0.9).round(4).alias("tx_paid"))
    policies = [load_file(p) for p in shipped()]
    clauses = sum(len(p.clauses) for p in policies)
    t1 = time.perf_counter()
    facts = engine.prepare(policies, data, YEAR, inputs=inputs)
    t_prepare = time.perf_counter() - t1
    t2 = time.perf_counter()
    result = engine.run(policies, facts, YEAR, items=items)
    t_run = time.perf_counter() - t2
    lines = result.lines
    paid = [ln for ln in lines if ln.amount > 0]
    total = sum(ln.amount for ln in paid)
    rows = [
        ("firms", f"{n:,}"),
        ("policies / clauses", f"{len(policies)} / {clauses}"),
        ("technology-contract items", f"{items.height:,}"),
        ("synthesise population (not the engine)", f"{t_synth:.2f} s"),
        ("build the facts frame (`engine.prepare`)", f"{t_prepare:.2f} s"),
        ("match all clauses (`engine.run`)", f"{t_run:.2f} s"),
        ("award lines with a positive formula amount", f"{len(lines):,}"),
        ("lines paid after every step", f"{len(paid):,}"),
        ("total paid (万元, exact)", f"{total:,}"),
    ]
    for k, v in rows:
        print(f"{k:45} {v}")
    if args.no_write:
        return
    section = [
        "## Policy engine",
        "",
        f"`uv run python -m bench.policy` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Polars {pl.__version__}; one run, wall-clock (the machine is shared,",
        "so figures vary by tens of percent). Eligibility is vectorised (floats, boundary rows re-decided",
        "exactly); every amount is exact `Decimal`, computed per eligible firm in Python.",
        "",
        "| step | figure |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in rows],
        "",
    ]
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    text = re.sub(r"\n## Policy engine\n.*?(?=\n## |\Z)", "\n", text, flags=re.S).rstrip("\n")
    RESULTS.write_text(text + "\n\n" + "\n".join(section), encoding="utf-8")


if __name__ == "__main__":
    main()
