"""The green app's part of ``gaoxin demo``: synthetic energy data by sector for the demo zone's largest
firms (and the demo firm, month by month in the last year), brought in through the real import path
(one workbook from the 发改委, so every value has its provenance), an illustrative benchmark table, a
change of coefficient set and back (recorded with why), the command centre's green targets and a green
list published to the demo bank.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from gaoxin.green import synth
from gaoxin.io.tables import Sheet, to_bytes
from gaoxin.web.green import bulk_io, services
from gaoxin.web.green.models import Benchmark, CoefficientFile
from gaoxin.web.registry.models import AnnualReport, Enterprise

FIRMS = 300  # the energy-reporting firms of the demo zone (the largest by revenue)
YEARS = (2021, 2025)
DEPARTMENT = "发改委（节能监察）"


def populate(ctx) -> None:
    zone = ctx.zones[0]
    admin = ctx.users.get("zone_admin") or ctx.users.get("admin")
    years = list(range(YEARS[0], min(YEARS[1], ctx.year) + 1))
    reports = AnnualReport.objects.filter(enterprise__zone=zone, year=ctx.year, revenue__isnull=False)
    chosen = list(reports.order_by("-revenue").values_list("enterprise_id", flat=True)[:FIRMS])
    firm = getattr(ctx, "firm", None)
    if firm is not None and firm.zone_id == zone.pk and firm.pk not in chosen:
        chosen.append(firm.pk)
    ents = {e.pk: e for e in Enterprise.objects.filter(pk__in=chosen)}
    revenue: dict[int, dict[int, float]] = {pk: {} for pk in chosen}
    for ent, year, rev in AnnualReport.objects.filter(
        Q(enterprise_id__in=chosen), year__in=years, revenue__isnull=False
    ).values_list("enterprise_id", "year", "revenue"):
        revenue[ent][year] = float(rev)
    firms = [
        synth.FirmIn(ents[pk].uscc, ents[pk].tech_field or "", revenue[pk]) for pk in chosen if pk in ents
    ]
    rows = synth.generate(firms, years, months_for={firm.uscc} if firm is not None else set())

    for product, unit, benchmark, baseline in synth.BENCHMARKS:
        Benchmark.objects.update_or_create(
            zone=zone,
            product=product,
            defaults={
                "unit": unit,
                "benchmark": benchmark,
                "baseline": baseline,
                "edition": "示例",
                "source": "演示用示例数值，须按国家发展改革委公布的能效标杆水平和基准水平核对后替换",
            },
        )
    choice = services.ensure_sets(zone)
    cset, _e = services.parsed_sets(choice)
    workbook = to_bytes(
        [
            Sheet(bulk_io.PERIOD_SHEET, bulk_io.PERIOD_COLUMNS, rows["periods"]),
            Sheet(bulk_io.USE_SHEET, bulk_io.use_columns(cset), rows["uses"]),
            Sheet(bulk_io.CERT_SHEET, bulk_io.CERT_COLUMNS, rows["certificates"]),
        ]
    )
    clerk = ctx.users.get("clerk") or admin
    out = bulk_io.import_energy(zone, clerk, workbook, "能耗在线监测-2021-2025.xlsx", cset, DEPARTMENT)
    if not out.ok:
        first = next(p for p in out.problems if p.is_error)
        raise RuntimeError(f"green demo import refused: {first}")
    services.recompute(zone, "演示数据导入", clerk, enterprises=out.enterprises)

    # a change of set and back, each recorded with why (the 等价值 set, then the default again)
    alt = (
        CoefficientFile.objects.filter(zone=zone, kind="coefficients")
        .exclude(pk=choice.coefficients_id)
        .first()
    )
    if alt is not None:
        default = choice.coefficients
        services.change_sets(zone, alt, choice.emissions, "对比等价值口径（演示）", admin)
        services.change_sets(zone, default, choice.emissions, "恢复 GB/T 2589-2020 当量值口径（演示）", admin)

    _targets(zone)
    criteria = services.parse_criteria({"max_intensity": "0.4", "min_position": ""})
    year = services.latest_year(zone)
    listed = 0
    if year is not None and ctx.bank is not None:
        try:
            published = services.publish_green_list(
                zone, year, f"{year} 年度绿色低碳企业名单", criteria, [ctx.bank], admin
            )
            listed = published.entries.count()
        except services.GreenError:
            listed = 0
    series = services.zone_series(zone)
    latest = series.get(year) if year else None
    intensity = f"{latest.intensity:.3f}" if latest and latest.intensity is not None else "—"
    ctx.report.append(
        f"绿色低碳：{len(firms)} 家企业 {len(years)} 年能耗数据，{year} 年园区万元增加值综合能耗 {intensity} 吨标准煤"
        f"（目标 ≤0.4），绿色企业名单 {listed} 家"
    )


def _targets(zone) -> None:
    """The zone's green targets in the command centre, computed from the green figures."""
    try:
        from gaoxin.web.command.models import Target
    except ImportError:
        return
    series = services.zone_series(zone)
    if not series:
        return
    first = min(series)
    base = series[first]
    for name, unit, metric, baseline, goal, order in (
        ("万元工业增加值综合能耗", "吨标准煤/万元", "green:energy_intensity", base.intensity, "0.4", 90),
        ("非化石能源消费占比", "比例", "green:non_fossil_share", base.non_fossil_share, "0.20", 91),
        ("可再生电力占比（含绿证）", "比例", "green:renewable_share", base.renewable_share, "0.30", 92),
    ):
        if baseline is None:
            continue
        Target.objects.update_or_create(
            zone=zone,
            name=name,
            defaults={
                "unit": unit,
                "metric": metric,
                "baseline_value": baseline.quantize(Decimal("0.0001")),
                "baseline_year": first,
                "target_value": goal,
                "target_year": 2025 if first < 2025 else first + 1,
                "owner": "发改委",
                "source": "国科发火〔2021〕28号；省级近零碳园区指标",
                "order": order,
            },
        )
