"""What each ``gaoxin`` sub-command does (argument parsing lives in ``cli``)."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import polars as pl

from gaoxin.cli.progress import Progress
from gaoxin.io.console import table, top_table

EXIT_BAD_INPUT = 2
EXIT_BAD_MODEL = 3


class CliError(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# --- shared steps ----------------------------------------------------------------------------------


def load(model: str):
    from gaoxin.scoring.model import ModelError, load_model

    try:
        return load_model(model)
    except ModelError as exc:
        lines = "\n".join(f"  - {f}" for f in exc.faults)
        raise CliError(f"模型文件有误，未评分 / the model was refused:\n{lines}", EXIT_BAD_MODEL) from None


def read(inputs: list[str], skip_invalid: bool, errors_path: Path, progress: Progress):
    """Read and validate every input; refuse them all on any error unless ``skip_invalid``."""
    from gaoxin.io.problems import format_problems, write_problems_xlsx
    from gaoxin.io.read import read_inputs

    for path in inputs:
        if not Path(path).exists():
            raise CliError(f"找不到文件 / no such file: {path}", EXIT_BAD_INPUT)
    with progress.step("读取数据 / reading"):
        result = read_inputs(inputs)
    warnings = [p for p in result.problems if p.severity != "error"]
    if warnings:
        print(f"提示 / warnings ({len(warnings)}):\n{format_problems(warnings, limit=20)}")
    if result.errors:
        write_problems_xlsx(result.problems, errors_path)
        print(
            f"数据错误 / errors in the input ({len(result.errors)}):\n{format_problems(result.errors, limit=50)}"
        )
        print(f"完整错误报告 / full error report: {errors_path}")
        if not skip_invalid:
            raise CliError(
                "输入有误，未写出任何结果；修正后重试，或用 --skip-invalid 跳过有错误的行。\n"
                "The input has errors; nothing was written. Fix them, or pass --skip-invalid.",
                EXIT_BAD_INPUT,
            )
        print(f"已跳过 {len(result.skipped)} 行 / skipped {len(result.skipped)} rows")
    return result


# --- score -----------------------------------------------------------------------------------------


def run_score(model, inputs: list[str], year: int, skip_invalid: bool, errors_path: Path, progress: Progress):
    """Read, score and describe a run: (frame, RunInfo, Dataset)."""
    from gaoxin.io.runinfo import RunInfo
    from gaoxin.scoring.engine import score

    result = read(inputs, skip_invalid, errors_path, progress)
    with progress.step("评分 / scoring"):
        try:
            scored = score(model, result.dataset, year)
        except ValueError as exc:
            raise CliError(f"无法评分 / cannot score: {exc}", EXIT_BAD_INPUT) from None
    info = RunInfo.for_model(
        model,
        year,
        inputs=[{"name": s.name, "sha256": s.sha256, "rows": s.rows} for s in result.sources],
        scored=scored.frame.height,
        notes=scored.notes,
        skipped_rows=[
            {"file": p.file, "row": p.row, "reason": f"{p.column or ''}: {p.reason}"} for p in result.errors
        ]
        if skip_invalid
        else [],
    )
    if scored.frame.height == 0:
        raise CliError(f"{year} 年度没有可评分的企业 / no enterprise has a report for {year}", EXIT_BAD_INPUT)
    return scored.frame, info, result.dataset


def cmd_score(args: Namespace, progress: Progress) -> int:
    from gaoxin.io.write import SUFFIXES, write_scores

    out = Path(args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise CliError(
            f"输出文件须为 {'/'.join(SUFFIXES)} / --out must end in {', '.join(SUFFIXES)}", EXIT_BAD_INPUT
        )
    model = load(args.model)
    errors = Path(args.errors) if args.errors else out.with_name(out.stem + "-errors.xlsx")
    if not model.is_enterprise:
        return _score_units(args, model, out, errors, progress)
    if args.year is None:
        raise CliError("企业模型须给出 --year / an enterprise model needs --year", EXIT_BAD_INPUT)
    frame, info, data = run_score(model, args.inputs, args.year, args.skip_invalid, errors, progress)
    frame = _with_uncertainty(args, model, frame, info, lambda: data, progress)
    with progress.step("写出 / writing"):
        written = write_scores(frame, model, info, out)
    for note in info.notes:
        print(f"说明 / note: {note}")
    print(f"{model.name.zh}（{model.id} v{model.version}）{args.year} 年度：评分 {frame.height} 家企业")
    print(top_table(frame.sort(["total", "uscc"], descending=[True, False]), model))
    print("结果 / written: " + ", ".join(str(p) for p in written))
    return 0


def _with_uncertainty(args: Namespace, model, frame, info, data, progress: Progress):
    """``--uncertainty N``: the rank and total intervals added to the frame, leave-one-out printed."""
    if not args.uncertainty:
        return frame
    from gaoxin.scoring import engine, uncertainty

    with progress.step("不确定性分析 / uncertainty"):
        try:
            values = engine.evaluate(model, engine.prepare(model, data(), info.year)).collect()
            result = uncertainty.analyse(model, values, args.uncertainty, args.weight_noise, args.seed)
            loo = uncertainty.leave_one_out(model, values)
        except ValueError as exc:
            raise CliError(f"无法分析 / cannot analyse: {exc}", EXIT_BAD_INPUT) from None
    info.notes.append(
        f"uncertainty: {result.samples} weightings, weight noise {result.noise:g}, seed {result.seed}"
    )
    print("逐项剔除：排名平均/最大变动 / leave one out: mean / largest rank shift")
    rows = [[r["name"], f"{r['mean_shift']:.2f}", r["max_shift"]] for r in loo.head(10).iter_rows(named=True)]
    print(table(["指标", "平均变动", "最大变动"], rows, right={1, 2}))
    return uncertainty.attach(frame, result, model.key)


def _score_units(args: Namespace, model, out: Path, errors: Path, progress: Progress) -> int:
    """``gaoxin score`` on a model whose unit is not an enterprise: one unit table in, one ranking out."""
    from gaoxin.io.problems import format_problems, write_problems_xlsx
    from gaoxin.io.runinfo import RunInfo, sha256_file
    from gaoxin.io.units import read_unit_files
    from gaoxin.io.write import write_scores
    from gaoxin.scoring.engine import score, unit_year

    for path in args.inputs:
        if not Path(path).exists():
            raise CliError(f"找不到文件 / no such file: {path}", EXIT_BAD_INPUT)
    with progress.step("读取数据 / reading"):
        read = read_unit_files(args.inputs, model)
    warnings = [p for p in read.problems if not p.is_error]
    if warnings:
        print(f"提示 / warnings ({len(warnings)}):\n{format_problems(warnings, limit=20)}")
    if read.frame is None:
        write_problems_xlsx(read.errors, errors)
        raise CliError(
            f"输入有误，未评分 / the input was refused ({len(read.errors)} errors, see {errors}):\n"
            + format_problems(read.errors, limit=30),
            EXIT_BAD_INPUT,
        )
    with progress.step("评分 / scoring"):
        try:
            year = unit_year(model, read.frame, args.year)
            scored = score(model, read.frame, year)
        except ValueError as exc:
            raise CliError(f"无法评分 / cannot score: {exc}", EXIT_BAD_INPUT) from None
    if scored.frame.height == 0:
        raise CliError("没有可评分的单位 / no unit to score", EXIT_BAD_INPUT)
    info = RunInfo.for_model(
        model,
        year,
        inputs=[{"name": Path(p).name, "sha256": sha256_file(p), "rows": None} for p in args.inputs],
        scored=scored.frame.height,
        notes=scored.notes,
    )
    frame = _with_uncertainty(args, model, scored.frame, info, lambda: read.frame, progress)
    with progress.step("写出 / writing"):
        written = write_scores(frame, model, info, out)
    for note in info.notes:
        print(f"说明 / note: {note}")
    period = f"{year} 年度" if year is not None else "单期"
    print(f"{model.name.zh}（{model.id} v{model.version}）{period}：评分 {frame.height} 个单位")
    top = frame.sort(["total", "id"], descending=[True, False]).head(10)
    rows = [[r["rank"], r["id"], r["name"], f"{r['total']:.2f}"] for r in top.iter_rows(named=True)]
    print(table(["排名", "编码", "名称", "总分"], rows, right={0, 3}))
    print("结果 / written: " + ", ".join(str(p) for p in written))
    return 0


# --- explain ---------------------------------------------------------------------------------------


def cmd_explain(args: Namespace, progress: Progress) -> int:
    from gaoxin.io.uscc import normalize
    from gaoxin.scoring.explain import UnknownEnterprise, explain

    model = load(args.model)
    result = read(args.inputs, args.skip_invalid, Path("gaoxin-errors.xlsx"), progress)
    with progress.step("计算 / computing"):
        try:
            ex = explain(model, result.dataset, args.year, normalize(args.uscc))
        except UnknownEnterprise as exc:
            raise CliError(f"未找到该企业 / not found: {exc}", EXIT_BAD_INPUT) from None
    print(render_explanation(ex, model))
    return 0


def _num(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "缺失"
    return f"{x:,.{digits}f}" if abs(x) >= 1 or x == 0 else f"{x:.4g}"


def render_explanation(ex, model) -> str:
    cats = {c.id: c.name.zh for c in model.categories}
    lists = {x.id: x.name.zh for x in model.lists}
    head = [
        f"{ex.name}（{ex.uscc}）  {ex.zone or ''}  {ex.year} 年度  {ex.stage_name}",
        f"总分 {ex.total:.2f} = 基础分 {ex.base:.2f} + 加分 {ex.bonus:.2f} − 扣分 {ex.penalty:.2f}"
        + ("  【一票否决：总分为 0】" if ex.vetoed else ""),
        f"同组排名 {ex.rank}/{ex.cohort_size}  等级 {ex.grade or '—'}  榜单 {lists.get(ex.list, '—')}",
        "分类小计：" + "；".join(f"{cats[c]} {v:.2f}" for c, v in ex.categories.items()),
        "",
    ]
    rows = [
        [
            ("加分·" if i.bonus else "") + i.name,
            cats.get(i.category, i.category),
            _num(i.value, 4),
            f"{i.points:.2f}",
            f"{i.full_points:g}",
            "—" if i.percentile is None else f"{i.percentile:.0%}",
        ]
        for i in ex.indicators
    ]
    body = table(["指标", "类别", "值", "得分", "满分", "同组百分位"], rows, right={2, 3, 4, 5})
    tail = []
    if ex.penalties:
        tail.append("扣分项：" + "；".join(f"{name} −{pts:g}" for _, name, pts in ex.penalties))
    if ex.levers:
        tail.append(
            "\n最有效的提升路径（每项指标提升一个可达到的台阶：按档计分的到下一档，其余到同组下一个四分位数，"
            "不超过满分所需数值；整组重新评分）："
        )
        steps = {"Q1": "同组第一四分位", "Q2": "同组中位数", "Q3": "同组第三四分位", "band": "下一档"}
        for n, lv in enumerate(ex.levers, 1):
            step = steps.get(lv.quartile, "满分所需数值")
            tail.append(
                f"  {n}. {lv.name}：{_num(lv.value, 4)} → {_num(lv.target, 4)}（{step}），"
                f"得分 {lv.points_now:.2f} → {lv.points_after:.2f}，总分 +{lv.total_gain:.2f}"
            )
    elif ex.vetoed:
        tail.append("\n一票否决项成立，任何指标的改善都不会改变总分。")
    else:
        tail.append("\n没有哪一项指标提升一个可达到的台阶（下一档或同组下一个四分位数）就能提高总分。")
    return "\n".join(head) + body + "\n" + "\n".join(tail)


# --- qualify ---------------------------------------------------------------------------------------


def cmd_qualify(args: Namespace, progress: Progress) -> int:
    """Read the inputs, run the cultivation ladder, write the wide frame (and the xlsx's candidate
    sheets), print the counts per tier and status."""
    import datetime as dt

    from gaoxin.cultivation import ConfigError, load_config, qualify
    from gaoxin.data.dictionary import QUALIFICATION_KINDS
    from gaoxin.io.qualify_write import STATUS_ZH, SUFFIXES, summary, write_ladder

    out = Path(args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise CliError(
            f"输出文件须为 {'/'.join(SUFFIXES)} / --out must end in {', '.join(SUFFIXES)}", EXIT_BAD_INPUT
        )
    try:
        config = load_config(args.config) if args.config else None
    except ConfigError as exc:
        lines = "\n".join(f"  - {f}" for f in exc.faults)
        raise CliError(f"园区设置有误 / the config was refused:\n{lines}", EXIT_BAD_INPUT) from None
    on = None
    if args.on:
        try:
            on = dt.date.fromisoformat(args.on)
        except ValueError:
            raise CliError(
                f"--on 应为 YYYY-MM-DD / --on must be YYYY-MM-DD, got {args.on!r}", EXIT_BAD_INPUT
            ) from None
    errors = Path(args.errors) if args.errors else out.with_name(out.stem + "-errors.xlsx")
    result = read(args.inputs, args.skip_invalid, errors, progress)
    reports = result.dataset.reports
    if reports.filter(pl.col("year") == args.year).height == 0:
        raise CliError(f"没有 {args.year} 年度的年报 / no annual report for {args.year}", EXIT_BAD_INPUT)
    with progress.step("对标 / judging"):
        ladder = qualify(result.dataset, args.year, config, on)
    with progress.step("写出 / writing"):
        written = write_ladder(ladder, out)
    counts = summary(ladder)
    rows = [
        [QUALIFICATION_KINDS[r["tier"]], ladder.rule_sets[r["tier"]].id, *[r[s] for s in STATUS_ZH]]
        for r in counts.iter_rows(named=True)
    ]
    print(
        f"梯度培育对标 {args.year} 年度：{ladder.wide.height} 家企业（资质按 {ladder.on:%Y-%m-%d} 判断）"
        f" / ladder for {args.year}: {ladder.wide.height} firms"
    )
    print(table(["层级", "规则", *STATUS_ZH.values()], rows, right={2, 3, 4, 5, 6}))
    print("结果 / written: " + ", ".join(str(p) for p in written))
    return 0


# --- models ----------------------------------------------------------------------------------------


def cmd_models(args: Namespace, progress: Progress) -> int:
    from gaoxin.scoring.model import ModelError, load_model, shipped

    if args.action == "list":
        rows = []
        for mid in shipped():
            m = load(mid)
            rows.append(
                [
                    m.id,
                    m.version,
                    m.name.zh,
                    len(m.indicators),
                    len(m.bonus_indicators),
                    len(m.stages),
                    f"{m.stage_max(m.stages[0].id):g}" + (f"+{m.bonus_cap:g}" if m.bonus_indicators else ""),
                ]
            )
        print(table(["编号", "版本", "名称", "指标", "加分指标", "阶段", "满分"], rows, right={1, 3, 4, 5}))
        return 0
    if args.action == "show":
        print(describe_model(load(args.model)))
        return 0
    failed = 0
    for path in args.models:
        try:
            m = load_model(path)
            print(
                f"✓ {path}: {m.id} v{m.version}, {len(m.all_indicators)} 项指标 / indicators, sha256 {m.sha256[:12]}"
            )
        except ModelError as exc:
            failed += 1
            print(f"✗ {path}:")
            for f in exc.faults:
                print(f"  - {f.where}: {f.fault}")
    return EXIT_BAD_MODEL if failed else 0


def describe_model(m) -> str:
    stage_ids = [s.id for s in m.stages]
    lines = [
        f"{m.name.zh} / {m.name.en}  ({m.id} v{m.version}, sha256 {m.sha256[:12]})",
        "同组比较 cohort: " + ("、".join(m.cohort) or "全部 / all"),
        "",
        "阶段 stages:",
    ]
    lines += [f"  {s.id:10} {s.name.zh}（{s.name.en}）  when: {s.when.text}" for s in m.stages]
    rows = []
    for c in m.categories:
        for i in m.all_indicators:
            if i.category == c.id:
                rows.append(
                    [
                        c.name.zh,
                        ("加分·" if i.bonus else "") + i.name.zh,
                        i.id,
                        i.method,
                        i.direction,
                        i.value.text,
                        *[f"{i.weight(s):g}" for s in stage_ids],
                    ]
                )
    lines += ["", table(["类别", "指标", "编号", "方法", "方向", "取值", *stage_ids], rows)]
    lines.append(
        "  "
        + "合计 max: "
        + "  ".join(f"{s} {m.stage_max(s):g}" for s in stage_ids)
        + (f"；加分上限 bonus cap {m.bonus_cap:g}" if m.bonus_indicators else "")
    )
    if m.penalties:
        lines.append(
            "扣分 penalties: " + "；".join(f"{p.name.zh}（{p.when.text}）−{p.points:g}" for p in m.penalties)
        )
    if m.veto:
        lines.append("一票否决 veto: " + "；".join(v.text for v in m.veto))
    if m.grades:
        lines.append("等级 grades: " + "  ".join(f"{g.grade} ≥ {g.min:g}" for g in m.grades))
    if m.lists:
        lines.append("榜单 lists: " + "  ".join(f"{x.name.zh} 前 {float(x.top):.0%}" for x in m.lists))
    return "\n".join(lines)


# --- synth and demo --------------------------------------------------------------------------------


def _years(text: str) -> tuple[int, int]:
    try:
        first, _, last = text.partition("-")
        span = (int(first), int(last or first))
    except ValueError:
        raise CliError(f"年度范围应如 2021-2025 / --years must look like 2021-2025, got {text!r}") from None
    if span[0] > span[1]:
        raise CliError(f"年度范围颠倒 / --years runs backwards: {text}")
    return span


def cmd_synth(args: Namespace, progress: Progress) -> int:
    from gaoxin.data import synth

    years = _years(args.years)
    data = synth.synthesize(
        args.enterprises,
        zones=args.zones,
        years=years,
        seed=args.seed,
        progress=progress.fraction("生成 / generating"),
    )
    paths = synth.write(data, Path(args.out), fmt=args.format)
    print(
        f"已生成 {data.enterprises.height} 家企业、{data.reports.height} 份年报、"
        f"{data.qualifications.height} 条资质 / generated:"
    )
    for p in paths:
        print(f"  {p}")
    return 0
