"""How sure is a rank: Monte Carlo over the weights, and leave one indicator out (composite-model.md).

A zone sets weights by judgement; a bank lends on a rank. This module answers "is firm #40 really
ahead of firm #41?" by re-scoring the same units under many plausible weightings:

- ``analyse``: ``samples`` weightings, each weight (every indicator's for every stage, every
  category's) multiplied by an independent draw from U(1 − δ, 1 + δ) (NumPy's PCG64 generator from
  ``seed``: the same numbers on every machine). Under ``points`` each stage's multiplied weights are
  rescaled to keep the stage maximum (bonus indicators: to keep the stage's bonus total). Per unit:
  the median and 5–95 % interval of its rank within ``rank_cohort`` (nearest-rank percentiles), the
  5–95 % interval of its total, and the share of weightings in which it makes the list it has.
- ``leave_one_out``: for each indicator, its weight set to 0 (under ``points`` the stage's other
  weights rescaled to keep its maximum) and the units re-ranked: the mean and the largest absolute
  rank shift, i.e. which indicators drive the ranking.

What does not depend on the weights — values, stages, fractions within the cohort (percentile and
min-max ranks are over values, not scores), penalties, vetoes — is computed once by the engine on the
same evaluated frame. Only the aggregation is repeated, as array arithmetic over all samples at once
(in chunks, to bound memory), in exactly the engine's order of operations: with δ = 0 every sample
reproduces the engine's totals bit for bit, and so its ranks (tested).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from gaoxin.scoring import engine
from gaoxin.scoring.model import Model

DEFAULT_SAMPLES = 1000
DEFAULT_NOISE = 0.25
CHUNK_CELLS = 2_000_000  # units × samples held at once per intermediate array
OUTPUT_COLUMNS = ("rank_median", "rank_p05", "rank_p95", "total_p05", "total_p95", "list_share")


@dataclass
class Uncertainty:
    frame: pl.DataFrame  # key column + OUTPUT_COLUMNS, one row per scored unit
    samples: int
    noise: float
    seed: int

    def describe(self) -> dict:
        return {"samples": self.samples, "weight_noise": self.noise, "seed": self.seed}


@dataclass
class _Prepared:
    model: Model
    keys: np.ndarray  # the unit ids (uscc or id)
    f: np.ndarray  # (N, I) fraction of every indicator (model.all_indicators order)
    present: np.ndarray  # (N, I) value not missing
    stage: np.ndarray  # (N,) index into model.stages
    penalty: np.ndarray  # (N,)
    vetoed: np.ndarray  # (N,) bool
    group: np.ndarray  # (N,) rank-cohort index, 0 … G-1
    group_start: np.ndarray  # (G,) first position of each group when sorted by group
    group_size: np.ndarray  # (N,) size of the unit's rank cohort
    rank: np.ndarray  # (N,) nominal rank (engine)
    total: np.ndarray  # (N,) nominal total (engine)
    list_index: np.ndarray  # (N,) nominal list (index into model.lists), -1 for none


def prepare(model: Model, values: pl.DataFrame) -> _Prepared:
    """Everything the weights do not change, from the engine's evaluated values (``engine.evaluate``)."""
    keys = engine.cohort_keys(model)
    rated = (
        engine.rate(model, values)
        .with_columns(
            [engine.fraction_expr(i, keys).alias(f"f:{i.id}") for i in model.all_indicators],
        )
        .collect()
    )
    inds = model.all_indicators
    stage_of = {s.id: n for n, s in enumerate(model.stages)}
    groups = engine.rank_keys(model)
    if groups:
        label = rated.select(
            pl.concat_str([pl.col(k).cast(pl.Utf8).fill_null("\x00") for k in groups], separator="\x1f")
        ).to_series()
        _, group = np.unique(label.to_numpy().astype(str), return_inverse=True)
    else:
        group = np.zeros(rated.height, dtype=np.int64)
    counts = np.bincount(group) if rated.height else np.zeros(0, dtype=np.int64)
    list_of = {lst.id: n for n, lst in enumerate(model.lists)}
    return _Prepared(
        model=model,
        keys=rated[model.key].to_numpy(),
        f=np.column_stack([rated[f"f:{i.id}"].to_numpy() for i in inds])
        if inds
        else np.zeros((rated.height, 0)),
        present=np.column_stack([rated[f"val:{i.id}"].is_not_null().to_numpy() for i in inds])
        if inds
        else np.zeros((rated.height, 0), dtype=bool),
        stage=np.array([stage_of[s] for s in rated["stage"].to_list()], dtype=np.int64),
        penalty=rated["penalty"].to_numpy().astype(np.float64),
        vetoed=rated["vetoed"].to_numpy().astype(bool),
        group=group.astype(np.int64),
        group_start=np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
        group_size=counts[group].astype(np.int64),
        rank=rated["rank"].to_numpy().astype(np.int64),
        total=rated["total"].to_numpy().astype(np.float64),
        list_index=np.array([list_of.get(x, -1) if x is not None else -1 for x in rated["list"].to_list()]),
    )


# --- weights ---------------------------------------------------------------------------------------


def nominal_weights(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """(I, T) indicator weights by stage and (C,) category weights, in model order."""
    ind = np.array([[i.weight(s.id) for s in model.stages] for i in model.all_indicators], dtype=np.float64)
    cat = np.array([c.weight for c in model.categories], dtype=np.float64)
    return ind.reshape(len(model.all_indicators), len(model.stages)), cat


def _seq_sum(a: np.ndarray, axis: int) -> np.ndarray:
    """Left-to-right sum (as the engine and ``Model.stage_max`` add), not NumPy's pairwise sum."""
    out = np.zeros(np.delete(a.shape, axis))
    for k in range(a.shape[axis]):
        out = out + np.take(a, k, axis=axis)
    return out


def rescaled(model: Model, ind_w: np.ndarray) -> np.ndarray:
    """Under ``points``: each sample's stage weights scaled back to the stage maximum (bonus: to the
    stage's bonus total). ``ind_w`` is (K, I, T); unchanged under ``weighted_mean``."""
    if model.weighted:
        return ind_w
    nominal, _ = nominal_weights(model)
    out = ind_w.copy()
    bonus = np.array([i.bonus for i in model.all_indicators], dtype=bool)
    for part in (~bonus, bonus):
        if not part.any():
            continue
        target = _seq_sum(nominal[part], axis=0)  # (T,)
        got = _seq_sum(ind_w[:, part, :], axis=1)  # (K, T)
        factor = np.where(got > 0, target[None, :] / np.where(got > 0, got, 1.0), 1.0)
        out[:, part, :] = ind_w[:, part, :] * factor[:, None, :]
    return out


# --- the aggregation, over K weightings at once ------------------------------------------------------


def _wmean(children: list[tuple[np.ndarray, np.ndarray, np.ndarray]], reweight: bool) -> np.ndarray:
    """engine.weighted_mean_expr over (score, present, weight) arrays of shape (N, K); NaN = missing."""
    num = den = None
    for s, p, w in children:
        term = np.where(p, w * s, 0.0)
        wt = np.where(p, w, 0.0)
        num = term if num is None else num + term
        den = wt if den is None else den + wt
    assert num is not None and den is not None
    mean = np.where(den == 0, 0.0, num * (1.0 / np.where(den == 0, 1.0, den)))  # as the engine
    if reweight:
        anyp = np.zeros(mean.shape, dtype=bool)
        for _, p, _ in children:
            anyp |= p
        mean = np.where(anyp, mean, np.nan)
    return mean


def totals(prep: _Prepared, ind_w: np.ndarray, cat_w: np.ndarray) -> np.ndarray:
    """(N, K) totals for K weightings: ``ind_w`` (K, I, T) (already rescaled), ``cat_w`` (K, C)."""
    model = prep.model
    n, k = prep.f.shape[0], ind_w.shape[0]
    inds = model.all_indicators
    index = {i.id: j for j, i in enumerate(inds)}

    def w_of(j: int) -> np.ndarray:  # (N, K): the weight of indicator j for each unit's stage
        return ind_w[:, j, :].T[prep.stage]

    if model.weighted:
        reweight = model.missing == "reweight"
        scores: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        cat_index = {c.id: j for j, c in enumerate(model.categories)}
        for c in model.categories_bottom_up():
            kids_i, kids_c = model.children(c.id)
            children = []
            for ind in kids_i:
                j = index[ind.id]
                s = model.scale * prep.f[:, j]
                p = prep.present[:, j] if reweight else np.ones(n, dtype=bool)
                children.append(
                    (np.broadcast_to(s[:, None], (n, k)), np.broadcast_to(p[:, None], (n, k)), w_of(j))
                )
            for kid in kids_c:
                s, p = scores[kid.id]
                children.append((s, p, np.broadcast_to(cat_w[:, cat_index[kid.id]][None, :], (n, k))))
            mean = _wmean(children, reweight)
            scores[c.id] = (mean, ~np.isnan(mean))
        top = [
            (*scores[c.id], np.broadcast_to(cat_w[:, cat_index[c.id]][None, :], (n, k)))
            for c in model.top_categories
        ]
        base = np.nan_to_num(_wmean(top, reweight), nan=0.0)
    else:
        base = np.zeros((n, k))
        first = True
        for ind in model.indicators:
            j = index[ind.id]
            pts = prep.f[:, j : j + 1] * w_of(j)
            base = pts if first else base + pts
            first = False
    bonus_sum = None
    for ind in model.bonus_indicators:
        j = index[ind.id]
        pts = prep.f[:, j : j + 1] * w_of(j)
        bonus_sum = pts if bonus_sum is None else bonus_sum + pts
    bonus = np.minimum(model.bonus_cap, bonus_sum) if bonus_sum is not None else np.zeros((n, k))
    total = np.maximum(0.0, base + bonus - prep.penalty[:, None])
    return np.where(prep.vetoed[:, None], 0.0, total)


def _round(x: np.ndarray, decimals: int) -> np.ndarray:
    """Round half away from zero at ``decimals`` (as the engine's Polars ``round``), exactly."""
    m = 10.0**decimals
    v = np.abs(x * m)
    r = np.floor(v)
    r = r + ((v - r) >= 0.5)
    return np.copysign(r, x) / m


def ranks(prep: _Prepared, total: np.ndarray) -> np.ndarray:
    """(N, K) competition ranks within the rank cohort, on totals rounded as the engine compares them."""
    n, k = total.shape
    if n == 0:
        return np.zeros((0, k), dtype=np.int64)
    compared = _round(total, engine.COMPARE_DECIMALS)
    order = np.argsort(-compared, axis=0, kind="stable")
    by_group = np.argsort(prep.group[order], axis=0, kind="stable")
    order = np.take_along_axis(order, by_group, axis=0)
    vals = np.take_along_axis(compared, order, axis=0)
    grp = prep.group[order]
    pos = np.broadcast_to(np.arange(n)[:, None], (n, k))
    new = np.ones((n, k), dtype=bool)
    new[1:] = (vals[1:] != vals[:-1]) | (grp[1:] != grp[:-1])
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=0)
    sorted_rank = first - prep.group_start[grp] + 1
    out = np.empty((n, k), dtype=np.int64)
    np.put_along_axis(out, order, sorted_rank, axis=0)
    return out


def lists(prep: _Prepared, rank: np.ndarray) -> np.ndarray:
    """(N, K) list index each unit makes (−1 none): the first list whose ceil(top × n) the rank meets."""
    out = np.full(rank.shape, -1, dtype=np.int64)
    n = prep.group_size[:, None]
    for idx in reversed(range(len(prep.model.lists))):
        top = prep.model.lists[idx].top
        bound = (n * top.numerator + (top.denominator - 1)) // top.denominator
        out = np.where(~prep.vetoed[:, None] & (rank <= bound), idx, out)
    return out


def _nearest_rank(sorted_rows: np.ndarray, p: float) -> np.ndarray:
    k = sorted_rows.shape[1]
    return sorted_rows[:, max(1, math.ceil(p * k)) - 1]


def _chunks(n: int, k: int):
    step = max(1, CHUNK_CELLS // max(1, n))
    for start in range(0, k, step):
        yield start, min(k, start + step)


def analyse(
    model: Model,
    values: pl.DataFrame,
    samples: int = DEFAULT_SAMPLES,
    noise: float = DEFAULT_NOISE,
    seed: int = 0,
) -> Uncertainty:
    """Monte Carlo over the weights on the engine's evaluated ``values`` of one run."""
    if samples < 1:
        raise ValueError("the number of samples must be at least 1")
    if not 0 <= noise < 1:
        raise ValueError("the weight noise δ must lie in [0, 1)")
    prep = prepare(model, values)
    ind0, cat0 = nominal_weights(model)
    rng = np.random.Generator(np.random.PCG64(seed))
    u_ind = rng.uniform(1 - noise, 1 + noise, size=(samples, *ind0.shape))
    u_cat = rng.uniform(1 - noise, 1 + noise, size=(samples, cat0.shape[0]))
    n = prep.f.shape[0]
    all_ranks = np.empty((n, samples), dtype=np.int64)
    all_totals = np.empty((n, samples), dtype=np.float64)
    same_list = np.zeros(n, dtype=np.int64)
    for a, b in _chunks(n, samples):
        ind_w = rescaled(model, ind0[None] * u_ind[a:b])
        cat_w = cat0[None] * u_cat[a:b]
        t = totals(prep, ind_w, cat_w)
        r = ranks(prep, t)
        all_totals[:, a:b] = t
        all_ranks[:, a:b] = r
        same_list += (lists(prep, r) == prep.list_index[:, None]).sum(axis=1)
    all_ranks.sort(axis=1)
    all_totals.sort(axis=1)
    has_list = prep.list_index >= 0
    frame = pl.DataFrame(
        {
            model.key: prep.keys,
            "rank_median": _nearest_rank(all_ranks, 0.5),
            "rank_p05": _nearest_rank(all_ranks, 0.05),
            "rank_p95": _nearest_rank(all_ranks, 0.95),
            "total_p05": _nearest_rank(all_totals, 0.05),
            "total_p95": _nearest_rank(all_totals, 0.95),
            "list_share": np.where(has_list, same_list / samples, np.nan),
        },
        schema={
            model.key: pl.Utf8,
            "rank_median": pl.Int64,
            "rank_p05": pl.Int64,
            "rank_p95": pl.Int64,
            "total_p05": pl.Float64,
            "total_p95": pl.Float64,
            "list_share": pl.Float64,
        },
    ).with_columns(pl.col("list_share").fill_nan(None))
    return Uncertainty(frame, samples, noise, seed)


def leave_one_out(model: Model, values: pl.DataFrame) -> pl.DataFrame:
    """Per indicator: the mean and the largest absolute rank shift when it is left out (weight 0)."""
    prep = prepare(model, values)
    ind0, cat0 = nominal_weights(model)
    inds = model.all_indicators
    rows = []
    n = prep.f.shape[0]
    for a, b in _chunks(n, len(inds)):
        ind_w = np.repeat(ind0[None], b - a, axis=0)
        for s, j in enumerate(range(a, b)):
            ind_w[s, j, :] = 0.0
        t = totals(prep, rescaled(model, ind_w), np.repeat(cat0[None], b - a, axis=0))
        shift = np.abs(ranks(prep, t) - prep.rank[:, None])
        for s, j in enumerate(range(a, b)):
            col = shift[:, s]
            rows.append(
                {
                    "indicator": inds[j].id,
                    "name": inds[j].name.zh,
                    "category": inds[j].category,
                    "mean_shift": float(col.mean()) if n else 0.0,
                    "max_shift": int(col.max()) if n else 0,
                }
            )
    schema = {
        "indicator": pl.Utf8,
        "name": pl.Utf8,
        "category": pl.Utf8,
        "mean_shift": pl.Float64,
        "max_shift": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).sort(["mean_shift", "indicator"], descending=[True, False])


def attach(frame: pl.DataFrame, result: Uncertainty, key: str) -> pl.DataFrame:
    """The score frame with the uncertainty columns (composite-model.md, Output), row order kept."""
    return frame.join(result.frame, on=key, how="left", maintain_order="left")
