"""Plain text tables for a terminal: Chinese (double-width) text lined up; a ranking's first rows.

Used by the ``gaoxin`` commands and by the demo's console report (so neither imports the other).
"""

from __future__ import annotations

import polars as pl

from gaoxin.io.problems import _width  # the terminal width of Chinese text, one rule


def _pad(value: object, width: int, right: bool = False) -> str:
    text = "" if value is None else str(value)
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def table(headers: list[str], rows: list[list], right: set[int] | None = None) -> str:
    """A plain text table that lines up Chinese (double-width) text."""
    right = right or set()
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[j]) for r in cells]) for j, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[j], j in right) for j, h in enumerate(headers))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(v, widths[j], j in right) for j, v in enumerate(r)) for r in cells]
    return "\n".join(lines)


def top_table(frame: pl.DataFrame, model, n: int = 10) -> str:
    stages = {s.id: s.name.zh for s in model.stages}
    lists = {x.id: x.name.zh for x in model.lists}
    rows = [
        [
            r["rank"],
            r["name"],
            r["zone"],
            stages.get(r["stage"], r["stage"]),
            f"{r['total']:.2f}",
            r["grade"],
            lists.get(r["list"], ""),
        ]
        for r in frame.head(n).iter_rows(named=True)
    ]
    return table(["同组排名", "企业", "园区", "阶段", "总分", "等级", "榜单"], rows, right={0, 4})
