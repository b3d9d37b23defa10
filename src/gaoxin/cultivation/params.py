"""Named thresholds a zone may correct (``overrides`` in its ladder config).

Each rule module declares its single-sourced or uncertain numbers in a ``PARAMS`` table
(key → (default, certainty note)); this module gathers them. ``param(config, key)`` is the value in
force: the zone's override, or the default.
"""

from __future__ import annotations

from gaoxin.cultivation import growth, hightech_2016, sme_2022, sme_2026, tech_sme_2017

PARAMS: dict[str, tuple[float, str]] = {
    **tech_sme_2017.PARAMS,
    **hightech_2016.PARAMS,
    **sme_2022.PARAMS,
    **sme_2026.PARAMS,
    **growth.PARAMS,
}


def param(config, key: str) -> float:
    over = getattr(config, "overrides", None) or {}
    return float(over[key]) if key in over else float(PARAMS[key][0])
