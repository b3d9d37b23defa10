"""Benchmarks and independent baselines for the scoring engine (``make bench``).

``baseline_pandas`` and ``baseline_duckdb`` implement ``shared/spec/indicator-model.md`` again, written
from the spec rather than from the engine, so that they double as a check of the engine's results.
"""
