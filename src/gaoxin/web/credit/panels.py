"""The credit app's section of the enterprise profile: how robust the firm's rank is, when its zone's
latest finished run carried the uncertainty analysis (the intervals stored on the firm's Score row:
"排名第 40 位，90% 的权重组合下在第 31–52 位之间；在 83% 的权重组合下进入「竞跑」名单").

The firm's score itself, its explanation and the lists it is on are the profile's own core
(``registry.services.pages.profile``), because every profile has them. A run without the analysis
adds nothing here (the benchmark app's panel estimates the interval for such a run).
"""

from __future__ import annotations

from gaoxin.web.accounts.scoping import visible


def robustness_panel(user, enterprise) -> dict | None:
    from gaoxin.web.credit import services
    from gaoxin.web.credit.models import Score

    run = services.latest_zone_run(user, enterprise.zone_id)
    if run is None or not run.uncertainty:
        return None
    score = visible(user, Score).filter(run=run, enterprise=enterprise).first()
    if score is None or score.rank_p05 is None:
        return None
    return {"template": "credit/robustness_panel.html", **services.robustness(run, score)}


def _register() -> None:
    from gaoxin.web.registry import panels

    panels.register("rank_robustness", robustness_panel)


_register()
