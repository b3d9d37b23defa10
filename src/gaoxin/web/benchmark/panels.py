"""The benchmark app's enterprise-profile panel: how sure the firm's rank is.

On the profile of a firm (zone staff; the firm itself when it may see the run): its rank in the latest
finished score run of its zone, with the 90 % interval over 1,000 plausible weightings (each weight ×
U(0.75, 1.25), seed 0 — ``scoring.uncertainty``) and the share of weightings in which it stays on the
list it made: "rank 40, 90 % between 31 and 52; on the 竞跑 list in 83 % of weightings". A finished
run never changes, so the analysis is computed once per run and process.
"""

from __future__ import annotations

from gaoxin.web.accounts.scoping import visible
from gaoxin.web.platform.labels import label

SAMPLES = 1000
NOISE = 0.25
SEED = 0


_CACHE: dict[tuple, dict] = {}
_CACHE_SIZE = 16


def _analysis(run) -> dict:
    """uscc → nominal rank, cohort size, list and the interval, for one finished run (cached)."""
    from gaoxin.scoring import engine
    from gaoxin.scoring import uncertainty as mc
    from gaoxin.web.credit.services import parsed_model, run_values

    key = (run.pk, run.created.isoformat(), run.model_source, run.model_id, run.model_version, run.year)
    if key not in _CACHE:
        model = parsed_model(run.model_source, f"{run.model_id} v{run.model_version}")
        values = run_values(run)
        nominal = engine.finish(model, engine.rate(model, values), run.year, order=False).collect()
        result = mc.analyse(model, values, SAMPLES, NOISE, SEED).frame
        joined = nominal.select("uscc", "rank", "cohort_size", "list").join(result, on="uscc", how="left")
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = {r["uscc"]: r for r in joined.iter_rows(named=True)}
    return _CACHE[key]


def rank_interval_panel(user, enterprise) -> dict | None:
    from gaoxin.web.credit.models import ScoreRun

    run = (
        visible(user, ScoreRun)
        .filter(zone=enterprise.zone_id, status=ScoreRun.Status.DONE)
        .order_by("-created", "-id")
        .first()
    )
    if run is None or run.uncertainty:  # a run with its own analysis: credit's panel shows it as stored
        return None
    row = _analysis(run).get(enterprise.uscc)
    if row is None:
        return None
    from gaoxin.web.credit.services import parsed_model

    model = parsed_model(run.model_source, f"{run.model_id} v{run.model_version}")
    labels = {lst.id: label(lst.name) for lst in model.lists}
    return {
        "template": "benchmark/rank_panel.html",
        "run": run,
        "row": row,
        "list_name": labels.get(row["list"], row["list"]) if row["list"] else None,
        "samples": SAMPLES,
        "noise": NOISE,
        "seed": SEED,
    }


def _register() -> None:
    from gaoxin.web.registry import panels

    panels.register("rank_interval", rank_interval_panel)


_register()
