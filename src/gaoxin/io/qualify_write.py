"""Writing a cultivation-ladder result (``gaoxin.cultivation.qualify``): CSV, Parquet or an xlsx for zone officers.

CSV and Parquet carry the wide frame (one row per firm, English column ids, gaps in Chinese joined with
"；"). The xlsx has a summary sheet (counts per tier and status), the wide frame with Chinese headers,
one sheet per tier listing its candidates (qualifies, near, far) closest first with what each lacks,
and the rule sets applied.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from gaoxin.data.dictionary import QUALIFICATION_KINDS
from gaoxin.io import safe

SUFFIXES = (".csv", ".xlsx", ".parquet")
STATUS_ZH = {
    "holds": "已持有",
    "qualifies": "符合条件",
    "near": "接近达标",
    "far": "差距较大",
    "ineligible": "不具备申报资格",
}
FIXED_HEADERS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "zone": "所在园区",
    "next_tier": "下一步培育目标",
    "tech_sme_score": "科技型中小企业评价得分",
    "hightech_rd_ratio_3y": "高企：近三年研发费用占比",
    "hightech_rd_threshold": "高企：研发费用占比要求",
    "hightech_growth_points_min": "高企：成长性得分（低）",
    "hightech_growth_points_max": "高企：成长性得分（高）",
    "hightech_capability_min": "高企：创新能力评价（保守）",
    "hightech_capability_max": "高企：创新能力评价（乐观）",
    "innovative_sme_score": "创新型中小企业评价得分",
    "specialized_sme_score": "专精特新中小企业评价得分",
}


def chinese_headers(columns: list[str]) -> dict[str, str]:
    out = {}
    for c in columns:
        if c in FIXED_HEADERS:
            out[c] = FIXED_HEADERS[c]
            continue
        for tier, zh in QUALIFICATION_KINDS.items():
            if c == f"{tier}_status":
                out[c] = f"{zh}：状态"
            elif c == f"{tier}_gaps":
                out[c] = f"{zh}：差距"
            elif c == f"{tier}_distance":
                out[c] = f"{zh}：距离"
        out.setdefault(c, c)
    return out


def _display(wide: pl.DataFrame) -> pl.DataFrame:
    status_cols = [c for c in wide.columns if c.endswith("_status")]
    return wide.with_columns(
        [pl.col(c).replace_strict(STATUS_ZH, default=None, return_dtype=pl.Utf8) for c in status_cols]
        + [pl.col("next_tier").replace_strict(QUALIFICATION_KINDS, default=None, return_dtype=pl.Utf8)]
    )


def write_ladder(result, out: str | Path) -> list[Path]:
    """Write ``result`` (a ``LadderResult``) to ``out`` (.csv, .xlsx or .parquet); the files written."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"output must end in {', '.join(SUFFIXES)}: {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        safe.frame(result.wide).write_csv(out, include_bom=True)
    elif suffix == ".parquet":
        result.wide.write_parquet(out, statistics=False)
    else:
        _write_xlsx(result, out)
    return [out]


def summary(result) -> pl.DataFrame:
    """Counts per tier (rows, in ladder order) and status (columns)."""
    counts = result.long.group_by("tier", "status").len()
    rows = []
    for tier in QUALIFICATION_KINDS:
        got = {r["status"]: r["len"] for r in counts.filter(pl.col("tier") == tier).iter_rows(named=True)}
        rows.append({"tier": tier, **{s: int(got.get(s, 0)) for s in STATUS_ZH}})
    return pl.DataFrame(rows, schema={"tier": pl.Utf8, **{s: pl.Int64 for s in STATUS_ZH}})


def _write_xlsx(result, out: Path) -> None:
    wb = safe.workbook(str(out))
    head = wb.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    pct = wb.add_format({"num_format": "0.0%", "valign": "top"})
    dec = wb.add_format({"num_format": "0.00", "valign": "top"})

    def sheet(name: str, frame: pl.DataFrame, headers: dict[str, str], widths: dict[str, int] | None = None):
        ws = wb.add_worksheet(name)
        cols = frame.columns
        for j, c in enumerate(cols):
            ws.write(0, j, headers.get(c, c), head)
            w = (widths or {}).get(c, 14)
            fmt = (
                pct
                if c in ("hightech_rd_ratio_3y", "hightech_rd_threshold")
                else (dec if frame[c].dtype == pl.Float64 else (wrap if w > 30 else None))
            )
            ws.set_column(j, j, w, fmt)
        for i, row in enumerate(frame.iter_rows(), start=1):
            for j, v in enumerate(row):
                if v is not None:
                    ws.write(i, j, v)
        ws.freeze_panes(1, 2 if len(cols) > 2 else 0)
        if frame.height:
            ws.autofilter(0, 0, frame.height, len(cols) - 1)
        return ws

    # summary
    s = summary(result)
    ws = wb.add_worksheet("汇总")
    ws.write(0, 0, f"梯度培育对标 {result.year} 年度（资质持有按 {result.on:%Y-%m-%d} 判断）", head)
    ws.write_row(2, 0, ["层级", *STATUS_ZH.values()], head)
    for i, row in enumerate(s.iter_rows(named=True), start=3):
        ws.write(i, 0, QUALIFICATION_KINDS[row["tier"]])
        ws.write_row(i, 1, [row[k] for k in STATUS_ZH])
    ws.set_column(0, 0, 24)
    ws.set_column(1, len(STATUS_ZH), 14)

    wide = _display(result.wide)
    widths = {c: 60 for c in wide.columns if c.endswith("_gaps")} | {"name": 30, "uscc": 20}
    sheet("全部企业", wide, chinese_headers(wide.columns), widths)

    for tier, zh in QUALIFICATION_KINDS.items():
        cand = result.candidates(tier).select(
            pl.col("status").replace_strict(STATUS_ZH, return_dtype=pl.Utf8).alias("状态"),
            pl.col("distance").alias("距离"),
            pl.col("uscc").alias("统一社会信用代码"),
            pl.col("name").alias("企业名称"),
            pl.col("zone").alias("所在园区"),
            pl.col("gaps").list.eval(pl.element().struct.field("text_zh")).list.join("；").alias("尚缺条件"),
        )
        sheet(
            zh.replace("“", "").replace("”", "")[:31],
            cand,
            {},
            {"尚缺条件": 90, "企业名称": 30, "统一社会信用代码": 20},
        )

    rules = pl.DataFrame(
        [
            {
                "层级": QUALIFICATION_KINDS[t],
                "规则编号": rs.id,
                "规则": rs.title_zh,
                "依据": rs.source,
                "生效": "" if rs.effective_from is None else rs.effective_from.isoformat(),
                "失效": "" if rs.effective_to is None else rs.effective_to.isoformat(),
                "确定性": rs.certainty,
                "网址": rs.url,
            }
            for t, rs in result.rule_sets.items()
        ]
    )
    sheet("规则依据", rules, {}, {"规则": 50, "依据": 40, "网址": 60})
    wb.close()
