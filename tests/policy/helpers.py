"""Small builders for policy tests: a policy from YAML text and a facts frame from rows."""

from __future__ import annotations

import polars as pl

from gaoxin.policy.model import loads_policy

HEAD = """
code: {code}
title: 测试政策
doc_no: 测试〔2025〕1号
issuer: 测试区管委会
level: 区
valid: {{from: 2025-01-01, to: 2025-12-31}}
execution: 资格定补
"""


def policy(body: str, code: str = "test", **head):
    text = HEAD.format(code=code) + "".join(f"{k}: {v}\n" for k, v in head.items()) + body
    return loads_policy(text, f"{code}.yaml")


def frame(rows: list[dict]) -> pl.DataFrame:
    """A facts frame; floats for numbers, so the engine sees what ``facts.facts`` gives it."""
    cols: dict[str, list] = {}
    keys = list(dict.fromkeys(k for r in rows for k in r))
    for k in keys:
        cols[k] = [r.get(k) for r in rows]
    schema = {}
    for k, vals in cols.items():
        sample = next((v for v in vals if v is not None), None)
        if isinstance(sample, bool):
            schema[k] = pl.Boolean
        elif isinstance(sample, int | float):
            schema[k] = pl.Float64
            cols[k] = [None if v is None else float(v) for v in vals]
        elif sample is None:
            schema[k] = pl.Null
        else:
            schema[k] = pl.Utf8
    df = pl.DataFrame(cols, schema=schema)
    if "name" not in df.columns:
        df = df.with_columns(pl.col("uscc").alias("name"))
    return df
