"""The green app's business operations: the zone's coefficient sets and their changes, figures computed
from the energy data and stored with the sets used, the zone page, a firm's own view, the metrics the
command centre reads, and green lists published to banks.

Every number comes from ``gaoxin.green``; this module reads rows, hands them to the core, stores and
lays out the answers. Callers pass zones and enterprises they have authorised (or querysets scoped with
``accounts.scoping.visible``). Services never commit: writers expect the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.green import zone as zone_rules
from gaoxin.green.benchmarks import POSITIONS
from gaoxin.green.benchmarks import Benchmark as BenchmarkLevel
from gaoxin.green.benchmarks import position as bench_position
from gaoxin.green.certificates import Batch, SerialError, parse_serials
from gaoxin.green.coefficients import (
    BASES,
    CoefficientError,
    CoefficientSet,
    EmissionSet,
    is_emission_file,
    parse_emissions,
    parse_set,
    shipped,
)
from gaoxin.green.energy import EnergyError, PeriodData, compute, merge
from gaoxin.green.energy import EnergyLine as CoreLine
from gaoxin.green.energy import Figures as CoreFigures
from gaoxin.web.green.models import (
    Benchmark,
    CertificateHolding,
    CoefficientFile,
    EnergyRecord,
    EnergyUse,
    Figure,
    GreenList,
    GreenListEntry,
    Recompute,
    SetChoice,
)
from gaoxin.web.platform.caching import remember
from gaoxin.web.platform.labels import label, unit
from gaoxin.web.registry.models import Enterprise, Zone

TOP = 10
INTENSITY_TARGET = "intensity_va"


class GreenError(ValueError):
    """A request the green app refuses, with a message for the person."""


def today() -> dt.date:
    return timezone.localdate()


# --- coefficient sets ---------------------------------------------------------------------------------


def _store_file(zone: Zone, text: str, file_name: str, user, shipped_file: bool) -> CoefficientFile:
    emission = is_emission_file(text)
    try:
        parsed = parse_emissions(text, file_name) if emission else parse_set(text, file_name)
    except CoefficientError as e:
        raise GreenError(str(e)) from None
    kind = CoefficientFile.Kind.EMISSIONS if emission else CoefficientFile.Kind.COEFFICIENTS
    found = CoefficientFile.objects.filter(
        zone=zone, kind=kind, set_id=parsed.id, digest=parsed.digest
    ).first()
    if found is not None:
        return found
    return CoefficientFile.objects.create(
        zone=zone,
        kind=kind,
        set_id=parsed.id,
        version=parsed.version,
        name=parsed.name,
        digest=parsed.digest,
        text=text,
        file_name=file_name[:255],
        shipped=shipped_file,
        uploaded_by=user,
    )


def ensure_sets(zone: Zone) -> SetChoice:
    """The zone's chosen sets; on first use the shipped files are stored and the defaults chosen."""
    choice = SetChoice.objects.filter(zone=zone).select_related("coefficients", "emissions").first()
    if choice is not None:
        return choice
    sets, emissions = shipped()
    stored = [_store_file(zone, text, name, None, True) for name, text in [*sets, *emissions]]
    default_c = next(f for f in stored if f.kind == "coefficients" and parse_set(f.text).default)
    default_e = next(f for f in stored if f.kind == "emissions" and parse_emissions(f.text).default)
    return SetChoice.objects.create(zone=zone, coefficients=default_c, emissions=default_e)


def parsed_sets(choice: SetChoice) -> tuple[CoefficientSet, EmissionSet]:
    return (
        parse_set(choice.coefficients.text, choice.coefficients.file_name or choice.coefficients.set_id),
        parse_emissions(choice.emissions.text, choice.emissions.file_name or choice.emissions.set_id),
    )


def upload_set(zone: Zone, raw: bytes, file_name: str, user) -> CoefficientFile:
    """Store an uploaded set file of the zone (checked by the core's parser; nothing is stored when it
    is wrong)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GreenError(_("The file is not UTF-8 text.")) from None
    ensure_sets(zone)
    return _store_file(zone, text, file_name, user, False)


def sets_label(choice: SetChoice) -> str:
    return f"{choice.coefficients.ref} + {choice.emissions.ref}"


def sets_title(choice: SetChoice) -> str:
    """The sets as a clerk reads them (names and versions), for the register's record of the figures;
    the exact references (with their digests) stay on the figures and the change log."""
    c, e = choice.coefficients, choice.emissions
    return f"能耗与碳排放核算（{c.name}；{e.name}）"[:250]


def change_sets(
    zone: Zone, coefficients: CoefficientFile, emissions: CoefficientFile, reason: str, user
) -> Recompute:
    """Choose other sets for the zone and recompute every figure; the reason is kept with the change."""
    reason = (reason or "").strip()
    if not reason:
        raise GreenError(_("Say why the coefficients change (document, notice, decision)."))
    if coefficients.zone_id != zone.pk or emissions.zone_id != zone.pk:
        raise GreenError(_("Choose sets of this zone."))
    if coefficients.kind != "coefficients" or emissions.kind != "emissions":
        raise GreenError(_("Choose one coefficient set and one emission-factor set."))
    choice = ensure_sets(zone)
    before = sets_label(choice)
    choice.coefficients, choice.emissions = coefficients, emissions
    choice.save()
    return recompute(zone, reason, user, from_sets=before)


def recompute(
    zone: Zone, reason: str, user, from_sets: str = "", enterprises: Iterable[int] | None = None
) -> Recompute:
    """Compute and store the figures of the zone (or of ``enterprises``) with the chosen sets."""
    choice = ensure_sets(zone)
    n, changed = compute_figures(zone, choice, enterprises)
    to_register(zone, choice, user, enterprises)
    return Recompute.objects.create(
        zone=zone,
        from_sets=from_sets,
        to_sets=sets_label(choice),
        reason=reason[:2000],
        figures=n,
        changed=changed,
        user=user,
    )


# --- from rows to the core and back ------------------------------------------------------------------


def _period_data(record: EnergyRecord, uses, certs) -> PeriodData:
    lines = tuple(
        CoreLine(u.carrier, u.quantity, u.unit, feedstock=u.use == EnergyUse.Use.FEEDSTOCK, kgce=u.kgce)
        for u in uses
    )
    batches = []
    for c in certs:
        try:
            serials = tuple(parse_serials(c.serials))
        except SerialError:
            serials = ()
        batches.append(Batch(c.count, c.origin, serials, key=c.pk))
    return PeriodData(
        lines=lines,
        pv_self_kwh=record.pv_self_kwh,
        green_power_kwh=record.green_power_kwh,
        certificates=tuple(batches),
        output_value=record.output_value,
        value_added=record.value_added,
        product_output=record.product_output,
    )


def benchmark_levels(zone: Zone) -> dict[str, BenchmarkLevel]:
    return {
        b.product: BenchmarkLevel(b.product, b.unit, b.benchmark, b.baseline, b.edition, b.source)
        for b in Benchmark.objects.filter(zone=zone)
    }


_Q = Decimal("1e-10")
_A = Decimal("1e-6")


def _r(x: Decimal | None, q: Decimal = _Q) -> Decimal | None:
    return None if x is None else x.quantize(q)


def _figure_values(f: CoreFigures, position: str | None, months: int) -> dict:
    return {
        "months": months,
        "set_ref": f.set_ref,
        "basis": f.basis,
        "emissions_ref": f.emissions_ref,
        "total_tce": _r(f.total_tce, _A),
        "feedstock_tce": _r(f.feedstock_tce, _A),
        "non_fossil_tce": _r(f.non_fossil_tce, _A),
        "controlled_tce": _r(f.controlled_tce, _A),
        "electricity_kwh": _r(f.electricity_kwh, _A),
        "renewable_kwh": _r(f.renewable_kwh, _A),
        "co2_t": _r(f.co2_t, _A),
        "value_added": f.value_added,
        "output_value": f.output_value,
        "intensity_va": _r(f.intensity_va),
        "intensity_output": _r(f.intensity_output),
        "non_fossil_share": _r(f.non_fossil_share),
        "renewable_share": _r(f.renewable_share),
        "carbon_per_tce": _r(f.carbon_per_tce),
        "unit_product_kgce": _r(f.unit_product_kgce, _A),
        "position": position or "",
        "detail": {
            "by_carrier": {k: str(_r(v, _A)) for k, v in f.by_carrier.items()},
            "pv_kwh": str(f.pv_kwh),
            "green_power_counted_kwh": str(f.green_power_counted_kwh),
            "green_power_unproven_kwh": str(f.green_power_unproven_kwh),
            "standalone_counted_kwh": str(f.standalone_counted_kwh),
            "certificates_surplus_kwh": str(f.certificates_surplus_kwh),
            "co2_per_va": None if f.co2_per_va is None else str(_r(f.co2_per_va)),
            "notes": list(f.notes),
        },
    }


def compute_figures(
    zone: Zone, choice: SetChoice, enterprises: Iterable[int] | None = None
) -> tuple[int, int]:
    """(figures stored, figures whose numbers changed) for the zone's firms' periods."""
    cset, eset = parsed_sets(choice)
    levels = benchmark_levels(zone)
    records = EnergyRecord.objects.filter(enterprise__zone=zone)
    if enterprises is not None:
        records = records.filter(enterprise_id__in=list(enterprises))
    records = list(records.order_by("enterprise_id", "year", "month"))
    ids = [r.pk for r in records]
    uses, certs = defaultdict(list), defaultdict(list)
    for u in EnergyUse.objects.filter(record_id__in=ids, superseded_by__isnull=True).order_by("id"):
        uses[u.record_id].append(u)
    for c in CertificateHolding.objects.filter(record_id__in=ids, superseded_by__isnull=True).order_by("id"):
        certs[c.record_id].append(c)
    wanted: dict[tuple[int, int, int], dict] = {}
    by_year: dict[tuple[int, int], list[EnergyRecord]] = defaultdict(list)
    for r in records:
        by_year[(r.enterprise_id, r.year)].append(r)
    for (ent, year), rs in by_year.items():
        whole = next((r for r in rs if r.month == 0), None)
        months = [r for r in rs if r.month]
        product = (whole or (months[-1] if months else rs[0])).product
        level = levels.get(product) if product else None
        for r in months:
            f = _compute(_period_data(r, uses[r.pk], certs[r.pk]), cset, eset, r)
            if f is not None:
                wanted[(ent, year, r.month)] = _figure_values(
                    f, bench_position(f.unit_product_kgce, level), 0
                )
        if whole is not None:
            data, n = _period_data(whole, uses[whole.pk], certs[whole.pk]), 0
        else:
            data, n = merge([_period_data(r, uses[r.pk], certs[r.pk]) for r in months]), len(months)
        f = _compute(data, cset, eset, whole or months[0])
        if f is not None:
            wanted[(ent, year, 0)] = _figure_values(f, bench_position(f.unit_product_kgce, level), n)
    existing = Figure.objects.filter(enterprise__zone=zone)
    if enterprises is not None:
        existing = existing.filter(enterprise_id__in=list(enterprises))
    have = {(f.enterprise_id, f.year, f.month): f for f in existing}
    changed = 0
    fresh = []
    for key, values in wanted.items():
        old = have.pop(key, None)
        if old is None:
            fresh.append(Figure(enterprise_id=key[0], year=key[1], month=key[2], **values))
            changed += 1
            continue
        diff = [k for k, v in values.items() if getattr(old, k) != v]
        if diff:
            for k in diff:
                setattr(old, k, values[k])
            old.save()
            if set(diff) - {"set_ref", "emissions_ref", "detail", "basis"}:
                changed += 1  # the numbers moved, not only the refs
    Figure.objects.bulk_create(fresh, batch_size=500)
    if have:
        Figure.objects.filter(pk__in=[f.pk for f in have.values()]).delete()
    return len(wanted), changed


# The whole-year figures as data-dictionary fields of the annual report (any scoring model, policy or
# list reads them from the register): field → Figure attribute.
REGISTER_FIELDS = {
    "energy_consumption": "total_tce",
    "energy_intensity_va": "intensity_va",
    "energy_intensity_output": "intensity_output",
    "non_fossil_share": "non_fossil_share",
    "renewable_power_share": "renewable_share",
    "co2_emissions": "co2_t",
}
REGISTER_DEPARTMENT = "绿色低碳核算"  # the source department the register names for these values


def to_register(zone: Zone, choice: SetChoice, user, enterprises: Iterable[int] | None = None):
    """Write the firms' whole-year figures into their annual reports, as one registry batch named after
    the coefficient sets used (``registry.services.apply_report_values``: each value's source is the
    batch, each change a ``ChangeRecord``). Returns the batch, or None when nothing changed."""
    from gaoxin.web.registry.services import apply_report_values

    figures = annual_figures(zone)
    if enterprises is not None:
        figures = figures.filter(enterprise_id__in=list(enterprises))
    rows = [
        {
            "uscc": f.enterprise.uscc,
            "year": f.year,
            **{
                fid: None if getattr(f, attr) is None else float(getattr(f, attr))
                for fid, attr in REGISTER_FIELDS.items()
            },
        }
        for f in figures.order_by("enterprise__uscc", "year")
    ]
    return apply_report_values(
        zone,
        rows,
        file_name=sets_title(choice),
        department=REGISTER_DEPARTMENT,
        user=user,
    )


def _compute(data: PeriodData, cset, eset, record) -> CoreFigures | None:
    try:
        return compute(data, cset, eset)
    except (EnergyError, CoefficientError):
        return None  # an unusable period (a carrier the set lacks): no figure, the import said why


# --- the zone page ------------------------------------------------------------------------------------


def _firm_figure(f: Figure) -> zone_rules.FirmFigure:
    return zone_rules.FirmFigure(
        f.enterprise_id,
        f.enterprise.name,
        f.total_tce,
        f.value_added,
        f.electricity_kwh,
        f.renewable_kwh,
        f.non_fossil_tce,
        f.co2_t,
        f.enterprise.industry or "",
    )


def annual_figures(zone: Zone, qs: QuerySet | None = None) -> QuerySet:
    qs = Figure.objects.all() if qs is None else qs
    return qs.filter(enterprise__zone=zone, month=0).select_related("enterprise")


def zone_series(zone: Zone, qs: QuerySet | None = None) -> dict[int, zone_rules.ZoneFigures]:
    """The zone's roll-up year by year (whole-year figures of its firms)."""
    per_year: dict[int, list] = defaultdict(list)
    for f in annual_figures(zone, qs):
        per_year[f.year].append(_firm_figure(f))
    return {y: zone_rules.rollup(per_year[y]) for y in sorted(per_year)}


def zone_rollups(zone: Zone) -> dict[int, zone_rules.ZoneFigures]:
    """The zone's roll-up year by year, as ``zone_series`` gives it, for the command centre's metrics.

    Every command page asks it once per green metric; the roll-up changes only when the zone's
    whole-year figures do (an import or a change of set recomputes them): it is kept in the cache
    under their version (``_figures_version``: one aggregate) and rolled up again after a change,
    from plain values (no model instances, no firm names: the zone figures do not need them)."""
    return remember("green:rollups", [zone.pk, _figures_version(zone)], lambda: _rollups(zone))


def _figures_version(zone: Zone) -> str:
    """What changes whenever the zone's whole-year figures do: their count, their last id and their
    last computation time (a recomputed figure is saved, ``computed`` is ``auto_now``)."""
    agg = Figure.objects.filter(enterprise__zone=zone, month=0).aggregate(
        n=Count("pk"), last=Max("pk"), at=Max("computed")
    )
    at = agg["at"].isoformat() if agg["at"] is not None else ""
    return f"{agg['n']}.{agg['last']}.{at}"


def _rollups(zone: Zone) -> dict[int, zone_rules.ZoneFigures]:
    per_year: dict[int, list] = defaultdict(list)
    rows = (
        Figure.objects.filter(enterprise__zone=zone, month=0)
        .order_by("enterprise_id", "year")
        .values_list(
            "year",
            "enterprise_id",
            "total_tce",
            "value_added",
            "electricity_kwh",
            "renewable_kwh",
            "non_fossil_tce",
            "co2_t",
        )
    )
    for year, ent, energy, va, elec, ren, nf, co2 in rows:
        per_year[year].append(zone_rules.FirmFigure(ent, "", energy, va, elec, ren, nf, co2))
    return {y: zone_rules.rollup(per_year[y]) for y in sorted(per_year)}


def _pct(x) -> str:
    return "" if x is None else f"{Decimal(x) * 100:.1f}%"


def _num(x, places: int = 4) -> str:
    return "" if x is None else f"{Decimal(x):,.{places}f}"


@dataclass
class Indicator:
    label: str
    value: str
    level: str
    ok: bool | None
    source: str


def zone_indicators(z: zone_rules.ZoneFigures, previous: zone_rules.ZoneFigures | None) -> list[Indicator]:
    levels = zone_rules.indicators()
    out = []
    iv = levels["intensity_va"][0]
    out.append(
        Indicator(
            label(iv),
            _num(z.intensity),
            f"≤ {iv.max} {unit(iv.unit)}",
            zone_rules.meets(z.intensity, iv),
            iv.source,
        )
    )
    for key in ("non_fossil_share", "renewable_share"):
        lv = levels[key][0]
        out.append(
            Indicator(
                label(lv),
                _pct(getattr(z, key)),
                f"≥ {_pct(lv.min)}",
                zone_rules.meets(getattr(z, key), lv),
                lv.source,
            )
        )
    dec = levels["co2_decline"][0]
    change = None
    if previous is not None and previous.co2_per_va and z.co2_per_va is not None:
        change = (z.co2_per_va - previous.co2_per_va) / previous.co2_per_va
    out.append(
        Indicator(
            label(dec),
            "" if change is None else _pct(-change),
            f"≥ {_pct(dec.min)}",
            None if change is None else -change >= dec.min,
            dec.source,
        )
    )
    core = zone_rules.carbon_level(z.energy_tce, levels["carbon_per_tce"])
    if core is not None:
        out.append(
            Indicator(
                label(core),
                _num(z.carbon_per_tce),
                f"≤ {core.max} tCO₂/tce",
                zone_rules.meets(z.carbon_per_tce, core),
                core.source,
            )
        )
    else:
        lv = levels["carbon_per_tce"][0]
        out.append(
            Indicator(
                label(lv),
                _num(z.carbon_per_tce),
                _("no level for a park using under 200,000 tce a year"),
                None,
                lv.source,
            )
        )
    return out


def _contribution_rows(cs) -> list[dict]:
    return [
        {
            "firm": c.firm,
            "enterprise_id": c.firm.key,
            "weight": _pct(c.weight),
            "value": _num(c.value) if c.value < 10 else _num(c.value, 2),
            "share": _pct(c.share_of_numerator),
            "contribution": f"{c.contribution:+.4f}",
            "effect": "" if c.effect is None else f"{c.effect:+.4f}",
            "raises": c.contribution > 0,
        }
        for c in cs
    ]


def _renewable_rows(cs) -> list[dict]:
    return [
        {
            "firm": c.firm,
            "enterprise_id": c.firm.key,
            "weight": _pct(c.weight),
            "value": _pct(c.value),
            "contribution": f"{c.contribution * 100:+.2f}",
            "effect": "" if c.effect is None else f"{c.effect * 100:+.2f}",
            "raises": c.contribution > 0,
        }
        for c in cs
    ]


def zone_page(zone: Zone, year: int | None = None, qs: QuerySet | None = None) -> dict:
    """Everything the zone page shows: the series against the target, the shares, the indicators of
    the chosen year (default: the latest), and the ten firms that weigh most on each figure."""
    choice = ensure_sets(zone)
    # The zone's roll-up is kept per version of its figures (``zone_rollups``): used whenever the
    # reader sees every whole-year figure of the zone (zone staff); a narrower scope rolls up its own.
    # "Sees every one" as "no whole-year figure of the zone outside the reader's scope": one EXISTS
    # (5 ms at 100,000 firms on SQLite, where counting the scope's IN subquery took 2.5 s).
    whole = Figure.objects.filter(enterprise__zone=zone, month=0)
    if qs is None or not whole.exclude(pk__in=qs.values("pk")).exists():
        series = zone_rollups(zone)
    else:
        series = zone_series(zone, qs)
    years = list(series)
    if year not in series:
        year = years[-1] if years else None
    z = series.get(year) if year else None
    firms = [_firm_figure(f) for f in annual_figures(zone, qs).filter(year=year)] if year else []
    target = zone_rules.indicators()[INTENSITY_TARGET][0]
    values = list(series.values())
    chart = {
        "kind": "line",
        "x": [str(y) for y in years],
        "series": [
            {
                "name": _("Energy per 10,000 yuan of value added (tce)"),
                "y": [None if v.intensity is None else float(v.intensity) for v in values],
            },
            {"name": _("Target ≤ %(v)s tce") % {"v": target.max}, "y": [float(target.max)] * len(years)},
        ]
        if years
        else [],
        "ytitle": str(target.unit),
    }
    shares = {
        "kind": "line",
        "x": [str(y) for y in years],
        "series": [
            {
                "name": _("Non-fossil share (%)"),
                "y": [
                    None if v.non_fossil_share is None else float(v.non_fossil_share * 100) for v in values
                ],
            },
            {
                "name": _("Renewable power share incl. certificates (%)"),
                "y": [None if v.renewable_share is None else float(v.renewable_share * 100) for v in values],
            },
        ]
        if years
        else [],
        "ytitle": "%",
    }
    rows = [
        {
            "year": y,
            "firms": s.firms,
            "energy": _num(s.energy_tce, 1),
            "value_added": _num(s.value_added, 1),
            "intensity": _num(s.intensity),
            "meets": zone_rules.meets(s.intensity, target),
            "non_fossil": _pct(s.non_fossil_share),
            "renewable": _pct(s.renewable_share),
            "co2": _num(s.co2_t, 1),
            "carbon_per_tce": _num(s.carbon_per_tce),
        }
        for y, s in series.items()
    ]
    previous = series.get(year - 1) if year else None
    return {
        "zone": zone,
        "choice": choice,
        "set_names": (set_name(choice.coefficients), set_name(choice.emissions)),
        "year": year,
        "years": years,
        "current": z,
        "rows": rows,
        "chart": chart,
        "shares": shares,
        "target": target,
        "indicators": zone_indicators(z, previous) if z else [],
        "top_intensity": _contribution_rows(
            zone_rules.weightiest(zone_rules.intensity_contributions(firms), TOP)
        ),
        "top_renewable": _renewable_rows(
            zone_rules.weightiest(zone_rules.renewable_contributions(firms), TOP)
        ),
        "recomputes": list(Recompute.objects.filter(zone=zone)[:5]),
    }


# --- a firm's own view --------------------------------------------------------------------------------


def set_name(f: CoefficientFile) -> str:
    """A stored set's name in the reader's language: its file gives ``name`` and ``name_en`` (the
    record keeps only the Chinese one)."""
    source = f.file_name or f.set_id
    parsed = parse_set(f.text, source) if f.kind == "coefficients" else parse_emissions(f.text, source)
    return label((parsed.name, parsed.name_en))


def coefficients_table(choice_file: CoefficientFile) -> dict:
    cset = parse_set(choice_file.text, choice_file.file_name or choice_file.set_id)
    return {
        "set": cset,
        "name": label((cset.name, cset.name_en)),
        "basis": label(BASES[cset.basis]),
        "rows": [
            {
                "carrier": label(c),
                "unit": c.unit,
                "kgce": c.kgce,
                "confirmed": c.confirmed,
                "source": c.source,
            }
            for c in cset.carriers.values()
        ],
    }


def emission_tables(files: Iterable[CoefficientFile]) -> list[dict]:
    out = []
    for f in files:
        e = parse_emissions(f.text, f.file_name or f.set_id)
        out.append(
            {
                "file": f,
                "set": e,
                "name": label((e.name, e.name_en)),
                "rows": [
                    {
                        "carrier": k,
                        "unit": v.unit,
                        "kgco2": v.kgco2,
                        "confirmed": v.confirmed,
                        "source": v.source,
                    }
                    for k, v in e.factors.items()
                ],
            }
        )
    return out


def entry_rows(entries: Iterable[GreenListEntry]) -> list[dict]:
    def dec(v):
        return None if v in (None, "") else Decimal(v)

    return [
        {
            "entry": e,
            "intensity": _num(dec(e.values.get("intensity_va"))),
            "renewable": _pct(dec(e.values.get("renewable_share"))),
            "non_fossil": _pct(dec(e.values.get("non_fossil_share"))),
            "carbon_per_tce": _num(dec(e.values.get("carbon_per_tce"))),
            "position": label(POSITIONS.get(e.values.get("position") or "", ("", ""))),
            "set_ref": e.values.get("set_ref", ""),
        }
        for e in entries
    ]


def _file_of_ref(zone: Zone, ref: str) -> CoefficientFile | None:
    set_id, _sep, rest = ref.partition("@")
    digest = rest.partition("#")[2]
    return CoefficientFile.objects.filter(zone=zone, set_id=set_id, digest=digest).first()


def figure_rows(figures: Iterable[Figure]) -> list[dict]:
    return [
        {
            "figure": f,
            "period": f"{f.year}" if not f.month else f"{f.year}-{f.month:02d}",
            "total": _num(f.total_tce, 2),
            "feedstock": _num(f.feedstock_tce, 2),
            "intensity": _num(f.intensity_va),
            "intensity_output": _num(f.intensity_output),
            "non_fossil": _pct(f.non_fossil_share),
            "renewable": _pct(f.renewable_share),
            "co2": _num(f.co2_t, 2),
            "carbon_per_tce": _num(f.carbon_per_tce),
            "unit_product": _num(f.unit_product_kgce, 2),
            "position": label(POSITIONS.get(f.position, ("", ""))),
            "position_key": f.position,
            "set_ref": f.set_ref,
            "emissions_ref": f.emissions_ref,
            "notes": f.detail.get("notes", []),
            "detail": f.detail,
        }
        for f in figures
    ]


def firm_view(enterprise: Enterprise, figures: QuerySet, records: QuerySet) -> dict:
    """A firm's figures year by year (and month by month), with the coefficients they were computed
    with and its zone's benchmark level. ``figures`` and ``records`` are scoped querysets."""
    zone = enterprise.zone
    annual = list(figures.filter(enterprise=enterprise, month=0).order_by("-year"))
    monthly = list(figures.filter(enterprise=enterprise).exclude(month=0).order_by("-year", "-month"))
    used = {f.set_ref for f in annual} | {f.set_ref for f in monthly}
    sets = []
    for ref in sorted(used):
        file = _file_of_ref(zone, ref)
        if file is not None:
            sets.append({"ref": ref, "file": file, **coefficients_table(file)})
    target = zone_rules.indicators()[INTENSITY_TARGET][0]
    latest_record = records.filter(enterprise=enterprise).order_by("-year", "-month").first()
    level = None
    if latest_record is not None and latest_record.product:
        level = Benchmark.objects.filter(zone=zone, product=latest_record.product).first()
    return {
        "enterprise": enterprise,
        "annual": figure_rows(annual),
        "monthly": figure_rows(monthly[:24]),
        "sets": sets,
        "benchmark": level,
        "chart": {
            "kind": "line",
            "x": [str(f.year) for f in reversed(annual)],
            "series": [
                {
                    "name": _("Energy per 10,000 yuan of value added (tce)"),
                    "y": [
                        None if f.intensity_va is None else float(f.intensity_va) for f in reversed(annual)
                    ],
                },
                {"name": _("Zone target"), "y": [float(target.max)] * len(annual)},
            ]
            if annual
            else [],
        },
    }


# --- the command centre's metrics ---------------------------------------------------------------------

METRICS = {
    "green:energy_intensity": (
        "intensity",
        "万元工业增加值综合能耗（绿色低碳计算，吨标准煤/万元）",
        "energy per 10,000 yuan of value added (tce), from green data",
    ),
    "green:non_fossil_share": (
        "non_fossil_share",
        "非化石能源消费占比（绿色低碳计算）",
        "non-fossil energy share, from green data",
    ),
    "green:renewable_share": (
        "renewable_share",
        "可再生电力占比（含绿证，绿色低碳计算）",
        "renewable power share incl. certificates, from green data",
    ),
    "green:carbon_per_tce": (
        "carbon_per_tce",
        "单位能耗碳排放（tCO₂/tce，绿色低碳计算）",
        "CO₂ per tce of energy, from green data",
    ),
    "green:co2_per_va": (
        "co2_per_va",
        "万元工业增加值二氧化碳排放（吨，绿色低碳计算）",
        "CO₂ per 10,000 yuan of value added (t), from green data",
    ),
    "green:energy_total": (
        "energy_tce",
        "园区企业综合能耗合计（吨标准煤，绿色低碳计算）",
        "total energy of zone firms (tce), from green data",
    ),
}


def metric_values(key: str, zone: Zone, last_complete_year: int) -> dict[int, Decimal]:
    """The command centre's computed metric ``key`` for each complete year with green data."""
    attr = METRICS[key][0]
    out = {}
    for year, z in zone_rollups(zone).items():
        value = getattr(z, attr)
        if year <= last_complete_year and value is not None:
            out[year] = value
    return out


def register_metrics() -> None:
    """Name the metrics in ``gaoxin.command.metrics`` and give the command centre their values (its
    registration points ``provide`` and ``METRIC_PROVIDERS``; absent in an older command app)."""
    try:
        from gaoxin.command import metrics as command_metrics
        from gaoxin.web.command import services as command_services
    except ImportError:
        return
    provide = getattr(command_metrics, "provide", None)
    providers = getattr(command_services, "METRIC_PROVIDERS", None)
    if provide is None or providers is None:
        return
    for key, (_attr, zh, en) in METRICS.items():
        provide(key, zh, en)
        providers[key] = lambda zone, last, key=key: metric_values(key, zone, last)


# --- green lists --------------------------------------------------------------------------------------


def parse_criteria(data: dict) -> zone_rules.Criteria:
    """Criteria from a form or the API: numbers as text, shares in percent; empty means not applied."""

    def dec(name: str, percent: bool = False) -> Decimal | None:
        raw = str(data.get(name) or "").strip().rstrip("%")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except ArithmeticError:
            raise GreenError(_("“%(value)s” is not a number.") % {"value": raw}) from None
        if not value.is_finite() or value < 0:
            raise GreenError(_("“%(value)s” is not a number.") % {"value": raw})
        return value / 100 if percent else value

    pos = str(data.get("min_position") or "").strip() or None
    if pos not in (None, "benchmark", "baseline"):
        raise GreenError(_("Unknown benchmark level “%(value)s”.") % {"value": pos})
    criteria = zone_rules.Criteria(
        max_intensity=dec("max_intensity"),
        min_renewable_share=dec("min_renewable_share", True),
        min_non_fossil_share=dec("min_non_fossil_share", True),
        max_carbon_per_tce=dec("max_carbon_per_tce"),
        min_position=pos,
    )
    if not criteria.describe():
        raise GreenError(_("Set at least one criterion."))
    return criteria


def criteria_dict(c: zone_rules.Criteria) -> dict:
    return {
        k: (None if v is None else str(v))
        for k, v in {
            "max_intensity": c.max_intensity,
            "min_renewable_share": c.min_renewable_share,
            "min_non_fossil_share": c.min_non_fossil_share,
            "max_carbon_per_tce": c.max_carbon_per_tce,
            "min_position": c.min_position,
        }.items()
    }


def criteria_from_dict(d: dict) -> zone_rules.Criteria:
    def dec(k):
        return None if d.get(k) in (None, "") else Decimal(d[k])

    return zone_rules.Criteria(
        dec("max_intensity"),
        dec("min_renewable_share"),
        dec("min_non_fossil_share"),
        dec("max_carbon_per_tce"),
        d.get("min_position") or None,
    )


def candidates(
    zone: Zone, year: int, criteria: zone_rules.Criteria, qs: QuerySet | None = None
) -> list[tuple[Figure, zone_rules.Assessment]]:
    """Every firm's whole-year figure of ``year`` with its assessment against ``criteria``, passing
    firms first (lowest intensity first)."""
    out = []
    for f in annual_figures(zone, qs).filter(year=year):
        a = zone_rules.assess(
            criteria,
            intensity=f.intensity_va,
            renewable_share=f.renewable_share,
            non_fossil_share=f.non_fossil_share,
            carbon_per_tce=f.carbon_per_tce,
            position=f.position or None,
        )
        out.append((f, a))
    big = Decimal(10) ** 9
    out.sort(
        key=lambda p: (
            not p[1].passed,
            p[0].intensity_va if p[0].intensity_va is not None else big,
            p[0].enterprise.uscc,
        )
    )
    return out


def _frozen(f: Figure) -> dict:
    return {
        "intensity_va": None if f.intensity_va is None else str(f.intensity_va),
        "renewable_share": None if f.renewable_share is None else str(f.renewable_share),
        "non_fossil_share": None if f.non_fossil_share is None else str(f.non_fossil_share),
        "carbon_per_tce": None if f.carbon_per_tce is None else str(f.carbon_per_tce),
        "total_tce": str(f.total_tce),
        "position": f.position,
        "set_ref": f.set_ref,
        "emissions_ref": f.emissions_ref,
    }


def publish_green_list(
    zone: Zone, year: int, title: str, criteria: zone_rules.Criteria, banks, user
) -> GreenList:
    """Freeze the firms of ``zone`` meeting ``criteria`` in ``year`` into a list for ``banks``."""
    title = (title or "").strip()
    if not title:
        raise GreenError(_("A list needs a title."))
    banks = list(banks)
    if not banks:
        raise GreenError(_("Choose at least one bank."))
    passing = [f for f, a in candidates(zone, year, criteria) if a.passed]
    if not passing:
        raise GreenError(_("No firm meets these criteria; nothing was published."))
    choice = ensure_sets(zone)
    with transaction.atomic():
        published = GreenList.objects.create(
            zone=zone,
            year=year,
            title=title[:200],
            criteria=criteria_dict(criteria),
            set_ref=choice.coefficients.ref,
            emissions_ref=choice.emissions.ref,
            created_by=user,
        )
        published.banks.set(banks)
        GreenListEntry.objects.bulk_create(
            [
                GreenListEntry(green_list=published, enterprise=f.enterprise, position=n, values=_frozen(f))
                for n, f in enumerate(passing, 1)
            ]
        )
    return published


def latest_year(zone: Zone) -> int | None:
    return Figure.objects.filter(enterprise__zone=zone, month=0).aggregate(y=Max("year"))["y"]
