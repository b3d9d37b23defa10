"""Qualification rules of the cultivation ladder (梯度培育): pure Python + Polars, no Django.

One module per rule set, each with its source document, effective dates and certainty tags:
``tech_sme_2017`` (科技型中小企业), ``hightech_2016`` (高新技术企业), ``sme_2022`` and ``sme_2026``
(创新型 / 专精特新 / 小巨人), ``growth`` (瞪羚, 独角兽, 科技领军 — zone settings). ``ladder.qualify``
evaluates them all; ``config`` holds a zone's settings. See docs/en/cultivation-rules.md.
"""

from gaoxin.cultivation.common import RuleSet
from gaoxin.cultivation.config import (
    TIERS,
    ConfigError,
    GazelleConfig,
    LadderConfig,
    LeadingConfig,
    UnicornConfig,
    load_config,
)
from gaoxin.cultivation.ladder import STATUSES, LadderResult, qualify, rule_sets
from gaoxin.cultivation.params import PARAMS

__all__ = [
    "PARAMS",
    "STATUSES",
    "TIERS",
    "ConfigError",
    "GazelleConfig",
    "LadderConfig",
    "LadderResult",
    "LeadingConfig",
    "RuleSet",
    "UnicornConfig",
    "load_config",
    "qualify",
    "rule_sets",
]
