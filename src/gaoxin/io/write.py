"""Writing score runs: CSV, Parquet, or an xlsx a zone officer can hand round.

CSV and Parquet carry the spec's columns at full precision and nothing that changes between runs,
so the same inputs give byte-identical files; the run's record (model hash, inputs, code version,
time) goes beside them in ``<out>.run.json``. The xlsx holds a summary sheet, the ranking with
Chinese headers, and the model and run record.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from gaoxin.io import safe
from gaoxin.io.runinfo import RunInfo
from gaoxin.scoring.model import Model

FIXED_HEADERS = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "zone": "所在园区",
    "year": "年度",
    "stage": "发展阶段",
    "total": "总分",
    "base": "基础分",
    "bonus": "加分",
    "penalty": "扣分",
    "vetoed": "一票否决",
    "rank": "同组排名",
    "cohort_size": "同组企业数",
    "grade": "等级",
    "list": "榜单",
    "missing": "缺失指标",
}
SUFFIXES = (".csv", ".xlsx", ".parquet")


def chinese_headers(model: Model) -> dict[str, str]:
    """Column id → the Chinese header a zone officer reads."""
    headers = dict(FIXED_HEADERS)
    for c in model.categories:
        headers[f"cat:{c.id}"] = f"{c.name.zh}（小计）"
    for i in model.all_indicators:
        tag = "加分项：" if i.bonus else ""
        headers[f"pts:{i.id}"] = f"{tag}{i.name.zh}（得分）"
        headers[f"val:{i.id}"] = f"{tag}{i.name.zh}（值）"
    return headers


def write_scores(frame: pl.DataFrame, model: Model, info: RunInfo, out: str | Path) -> list[Path]:
    """Write a run to ``out`` (.csv, .xlsx or .parquet); returns the files written."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"output must end in {', '.join(SUFFIXES)}: {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        write_xlsx(frame, model, info, out)
        return [out]
    if suffix == ".csv":
        safe.frame(frame).write_csv(out, include_bom=True)  # the BOM lets Excel open Chinese names correctly
    else:
        frame.write_parquet(out, statistics=False)
    record = out.with_name(out.name + ".run.json")
    record.write_text(json.dumps(info.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [out, record]


def _display(frame: pl.DataFrame, model: Model) -> pl.DataFrame:
    """Stage, list and missing ids replaced by their Chinese names; 是/否 for the veto."""
    stages = {s.id: s.name.zh for s in model.stages}
    lists = {x.id: x.name.zh for x in model.lists}
    names = {i.id: i.name.zh for i in model.all_indicators}
    return frame.with_columns(
        pl.col("stage").replace_strict(stages, return_dtype=pl.Utf8),
        pl.col("list").replace_strict(lists, default=None, return_dtype=pl.Utf8),
        pl.when(pl.col("vetoed")).then(pl.lit("是")).otherwise(pl.lit("否")).alias("vetoed"),
        pl.col("missing").map_elements(
            lambda s: "、".join(names.get(x, x) for x in s.split(",") if x), return_dtype=pl.Utf8
        ),
    )


def write_xlsx(frame: pl.DataFrame, model: Model, info: RunInfo, out: Path) -> None:
    wb = safe.workbook(str(out), {"nan_inf_to_errors": True})  # xlsxwriter: only imported here
    try:
        bold = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        title = wb.add_format({"bold": True, "font_size": 14})
        _summary_sheet(wb, frame, model, info, bold, title)
        _ranking_sheet(wb, frame, model, bold)
        _run_sheet(wb, model, info, bold, title)
        if info.skipped_rows:
            _skipped_sheet(wb, info, bold)
    finally:
        wb.close()


def _summary_sheet(wb, frame: pl.DataFrame, model: Model, info: RunInfo, bold, title) -> None:
    ws = wb.add_worksheet("汇总")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 12, 12)
    ws.write(0, 0, f"{model.name.zh}　{info.year} 年度评分汇总", title)
    ws.write(1, 0, f"参评企业 {frame.height} 家；一票否决 {int(frame['vetoed'].sum())} 家")
    grades = [g.grade for g in model.grades] or []
    row = 3
    ws.write_row(row, 0, ["发展阶段", *grades, "合计"], bold)
    for stage in model.stages:
        part = frame.filter(pl.col("stage") == stage.id)
        counts = [part.filter(pl.col("grade") == g).height for g in grades]
        row += 1
        ws.write_row(row, 0, [stage.name.zh, *counts, part.height])
    row += 1
    ws.write_row(
        row, 0, ["合计", *[frame.filter(pl.col("grade") == g).height for g in grades], frame.height], bold
    )
    if model.lists:
        row += 2
        ws.write_row(row, 0, ["榜单", "入选企业数", "范围"], bold)
        for lst in model.lists:
            row += 1
            ws.write_row(
                row,
                0,
                [
                    lst.name.zh,
                    frame.filter(pl.col("list") == lst.id).height,
                    f"同组前 {float(lst.top) * 100:g}%",
                ],
            )
    if info.notes:
        row += 2
        ws.write(row, 0, "说明", bold)
        for note in info.notes:
            row += 1
            ws.write(row, 0, note)


def _ranking_sheet(wb, frame: pl.DataFrame, model: Model, bold) -> None:
    ws = wb.add_worksheet("排名")
    headers = chinese_headers(model)
    shown = _display(frame, model)
    cols = shown.columns
    ws.write_row(0, 0, [headers.get(c, c) for c in cols], bold)
    score_fmt = wb.add_format({"num_format": "0.00"})  # display only: cells keep full precision
    value_fmt = wb.add_format({"num_format": "#,##0.####"})
    formats = {
        c: score_fmt
        for c in cols
        if c in ("total", "base", "bonus", "penalty") or c.startswith(("cat:", "pts:"))
    }
    formats |= {c: value_fmt for c in cols if c.startswith("val:")}
    for j, c in enumerate(cols):
        width = 22 if c in ("uscc", "name") else 12
        ws.set_column(j, j, width, formats.get(c))
    for i, record in enumerate(shown.iter_rows(), start=1):
        for j, value in enumerate(record):
            if value is not None:
                ws.write(i, j, value)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(shown.height, 1), len(cols) - 1)
    ws.set_row(0, 45)


def _run_sheet(wb, model: Model, info: RunInfo, bold, title) -> None:
    ws = wb.add_worksheet("模型与运行")
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 70)
    ws.write(0, 0, "模型与运行记录", title)
    rows = [
        ("模型编号 model id", info.model_id),
        ("模型版本 version", info.model_version),
        ("模型名称 name", info.model_name),
        ("模型文件 SHA-256", info.model_sha256),
        ("模型文件 file", info.model_path),
        ("评价年度 year", info.year),
        ("程序版本 code version", info.code_version),
        ("运行时间 time (UTC)", info.started),
        ("参评企业 scored", info.scored),
        ("同组比较 cohort", "、".join(model.cohort) or "全部"),
    ]
    for i, (k, v) in enumerate(rows, start=2):
        ws.write(i, 0, k, bold)
        ws.write(i, 1, v)
    r = len(rows) + 3
    ws.write_row(r, 0, ["输入文件 input", "SHA-256", "行数 rows"], bold)
    for n, src in enumerate(info.inputs, start=r + 1):
        ws.write_row(n, 0, [src.get("name"), src.get("sha256"), src.get("rows")])


def _skipped_sheet(wb, info: RunInfo, bold) -> None:
    ws = wb.add_worksheet("跳过的行")
    ws.write_row(0, 0, ["文件", "行", "原因"], bold)
    ws.set_column(0, 0, 30)
    ws.set_column(2, 2, 80)
    for i, item in enumerate(info.skipped_rows, start=1):
        ws.write_row(i, 0, [item.get("file"), item.get("row"), item.get("reason", "")])
    ws.freeze_panes(1, 0)
