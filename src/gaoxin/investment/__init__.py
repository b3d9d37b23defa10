"""Investment projects (招商) and industry chains (链长制): the pure computations (no Django).

``projects``: the stage order, the funnel with its conversion rates, median days per stage and stalled
projects. ``chains``: a chain's node tree, each node's local strength and the gaps (补链 targets).
The web app (``gaoxin.web.investment``) reads its tables into these plain objects and shows the
answers; it never computes a rate or a flag itself.
"""

from gaoxin.investment.chains import (
    DEFAULT_THRESHOLDS,
    Firm,
    Gap,
    Node,
    NodeStrength,
    Thresholds,
    chain_gaps,
    node_strengths,
)
from gaoxin.investment.projects import (
    DEFAULT_STALLED_DAYS,
    STAGE_LABELS,
    STAGES,
    Funnel,
    FunnelStage,
    ProjectPath,
    Stalled,
    date_problems,
    funnel,
    median_days,
    stage_index,
    stalled,
)

__all__ = [
    "DEFAULT_STALLED_DAYS",
    "DEFAULT_THRESHOLDS",
    "STAGES",
    "STAGE_LABELS",
    "Firm",
    "Funnel",
    "FunnelStage",
    "Gap",
    "Node",
    "NodeStrength",
    "ProjectPath",
    "Stalled",
    "Thresholds",
    "chain_gaps",
    "date_problems",
    "funnel",
    "median_days",
    "node_strengths",
    "stage_index",
    "stalled",
]
