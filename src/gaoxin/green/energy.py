"""One firm's energy in one period: 综合能耗, intensities, non-fossil and renewable shares, CO₂.

Definitions (domain notes §(d); docs/en/green.md works each one by hand):

- **综合能耗** (tce) = Σ over the energy lines used *as energy* of quantity × coefficient of the set
  (kgce per unit ÷ 1000), plus self-generated PV consumed at the set's electricity coefficient. Lines
  used as **feedstock** (原料用能) are reported apart (``feedstock_tce``) and never enter 综合能耗.
- **万元增加值综合能耗** = 综合能耗 / 增加值 (万元); **万元产值综合能耗** = 综合能耗 / 工业总产值 (万元);
  **单位产品综合能耗** (kgce per unit of product) = 综合能耗 × 1000 / product output.
- **Renewable electricity counted** (kWh) = PV self-generated and consumed + green power bought *as far
  as certificates transferred with it prove it* + certificates bought alone, *as far as grid power is
  left to cover*. Certificates transferred with green power are the proof of that power, never added
  on top of it; certificates for the firm's own PV are the proof of the PV. What is bought and not
  proven, and certificates beyond the power they could cover, are reported, not counted.
- **可再生电力占比（含绿证）** = renewable electricity counted / electricity consumed (grid + own PV).
- **非化石能源消费占比** = (renewable electricity counted × the set's electricity coefficient + non-fossil
  carriers such as biomass) / 综合能耗. Grid power beyond what certificates prove counts as not
  renewable: the certificate is the sole proof.
- **能耗双控口径** (``controlled_tce``) = 综合能耗 − non-fossil energy (2024: non-fossil energy is not
  counted in the control of total and intensity).
- **CO₂** (t) = fossil fuels and heat used as energy × their factors + grid power not covered by counted
  green power or certificates × the grid factor; own PV and non-fossil carriers emit nothing here.

Every ``Figures`` carries the refs of the coefficient and emission sets it was computed with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from gaoxin.green.certificates import Batch
from gaoxin.green.coefficients import CoefficientSet, EmissionSet
from gaoxin.green.units import UnitError, convert

ZERO = Decimal(0)
THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class EnergyLine:
    carrier: str
    quantity: Decimal
    unit: str
    feedstock: bool = False  # 原料用能: reported apart, excluded from 综合能耗
    kgce: Decimal | None = None  # a measured coefficient (from the 低位发热量), per the set's unit


@dataclass(frozen=True)
class PeriodData:
    lines: tuple[EnergyLine, ...] = ()
    pv_self_kwh: Decimal = ZERO  # self-generated PV consumed by the firm
    green_power_kwh: Decimal = ZERO  # bought in green-power trades (part of the grid electricity)
    certificates: tuple[Batch, ...] = ()
    output_value: Decimal | None = None  # 工业总产值, 万元
    value_added: Decimal | None = None  # 工业增加值, 万元
    product_output: Decimal | None = None  # 产品产量 in the benchmark's unit (t …)


@dataclass(frozen=True)
class Figures:
    set_ref: str
    basis: str
    emissions_ref: str
    total_tce: Decimal
    feedstock_tce: Decimal
    by_carrier: dict[str, Decimal]
    electricity_kwh: Decimal
    renewable_kwh: Decimal
    pv_kwh: Decimal
    green_power_counted_kwh: Decimal
    green_power_unproven_kwh: Decimal
    standalone_counted_kwh: Decimal
    certificates_surplus_kwh: Decimal
    non_fossil_tce: Decimal
    controlled_tce: Decimal
    co2_t: Decimal | None
    intensity_va: Decimal | None  # tce / 万元 增加值
    intensity_output: Decimal | None  # tce / 万元 产值
    unit_product_kgce: Decimal | None
    non_fossil_share: Decimal | None
    renewable_share: Decimal | None
    carbon_per_tce: Decimal | None  # t CO₂ / tce
    co2_per_va: Decimal | None  # t CO₂ / 万元 增加值
    value_added: Decimal | None
    output_value: Decimal | None
    notes: tuple[str, ...] = field(default=())


class EnergyError(ValueError):
    pass


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


def tce_of(line: EnergyLine, cset: CoefficientSet) -> Decimal:
    """The line in tonnes of standard coal with the set's coefficient (or the line's measured one)."""
    c = cset.coefficient(line.carrier)
    try:
        quantity = convert(line.quantity, line.unit, c.unit)
    except UnitError as e:
        raise EnergyError(f"{c.zh}: {e}") from None
    kgce = c.kgce if line.kgce is None else line.kgce
    return quantity * kgce / THOUSAND


def compute(data: PeriodData, cset: CoefficientSet, emissions: EmissionSet) -> Figures:
    """All figures of one firm's period with ``cset`` and ``emissions``."""
    notes: list[str] = []
    total = feedstock = non_fossil = ZERO
    by_carrier: dict[str, Decimal] = {}
    grid_kwh = ZERO
    co2: Decimal | None = ZERO
    elec = cset.coefficient("electricity")
    for line in data.lines:
        if line.quantity < 0:
            raise EnergyError(f"{line.carrier}: a quantity cannot be negative")
        tce = tce_of(line, cset)
        if line.feedstock:
            feedstock += tce
            continue
        total += tce
        by_carrier[line.carrier] = by_carrier.get(line.carrier, ZERO) + tce
        kind = cset.coefficient(line.carrier).kind
        if line.kgce is not None:
            notes.append(f"{line.carrier}: measured coefficient {line.kgce} kgce/unit used")
        if kind == "electricity":
            grid_kwh += convert(line.quantity, line.unit, "kWh")
        elif kind == "non_fossil":
            non_fossil += tce
        elif co2 is not None:
            f = emissions.factors.get(line.carrier)
            if f is None:
                notes.append(f"{line.carrier}: no emission factor in {emissions.id}; CO₂ not computed")
                co2 = None
            else:
                co2 += convert(line.quantity, line.unit, f.unit) * f.kgco2 / THOUSAND
    pv = data.pv_self_kwh
    if pv < 0 or data.green_power_kwh < 0:
        raise EnergyError("PV and green power cannot be negative")
    pv_tce = pv * elec.kgce / THOUSAND
    total += pv_tce
    if pv:
        by_carrier["pv"] = pv_tce
    electricity = grid_kwh + pv

    # renewable electricity: each kWh counted once, with its proof
    by_origin = {"green_power": ZERO, "self_pv": ZERO, "standalone": ZERO}
    for b in data.certificates:
        by_origin[b.origin] += b.kwh
        problem = b.count_problem()
        if problem:
            notes.append(f"certificates: {problem}")
    green = data.green_power_kwh
    if green > grid_kwh:
        notes.append(f"green power bought ({green} kWh) exceeds the grid electricity ({grid_kwh} kWh)")
        green = grid_kwh
    green_counted = min(green, by_origin["green_power"])
    unproven = data.green_power_kwh - green_counted
    if unproven:
        notes.append(f"{unproven} kWh of green power bought without certificates: not counted")
    room = grid_kwh - green_counted
    standalone_counted = min(by_origin["standalone"], room)
    surplus = (by_origin["standalone"] - standalone_counted) + max(
        by_origin["green_power"] - data.green_power_kwh, ZERO
    )
    if by_origin["self_pv"] > pv:
        surplus += by_origin["self_pv"] - pv
    renewable = pv + green_counted + standalone_counted
    non_fossil += renewable * elec.kgce / THOUSAND

    if co2 is not None:
        grid_f = emissions.factors.get("electricity")
        if grid_f is None:
            notes.append(f"electricity: no grid factor in {emissions.id}; CO₂ not computed")
            co2 = None
        else:
            fossil_grid = grid_kwh - green_counted - standalone_counted
            co2 += convert(fossil_grid, "kWh", grid_f.unit) * grid_f.kgco2 / THOUSAND

    product = None
    if data.product_output is not None and data.product_output > 0:
        product = total * THOUSAND / data.product_output
    if data.value_added is not None and data.value_added <= 0:
        notes.append("value added ≤ 0: no intensity per value added")
    return Figures(
        set_ref=cset.ref,
        basis=cset.basis,
        emissions_ref=emissions.ref,
        total_tce=total,
        feedstock_tce=feedstock,
        by_carrier=by_carrier,
        electricity_kwh=electricity,
        renewable_kwh=renewable,
        pv_kwh=pv,
        green_power_counted_kwh=green_counted,
        green_power_unproven_kwh=unproven,
        standalone_counted_kwh=standalone_counted,
        certificates_surplus_kwh=surplus,
        non_fossil_tce=non_fossil,
        controlled_tce=total - non_fossil,
        co2_t=co2,
        intensity_va=_ratio(total, data.value_added),
        intensity_output=_ratio(total, data.output_value),
        unit_product_kgce=product,
        non_fossil_share=_ratio(non_fossil, total),
        renewable_share=_ratio(renewable, electricity),
        carbon_per_tce=_ratio(co2, total),
        co2_per_va=_ratio(co2, data.value_added),
        value_added=data.value_added,
        output_value=data.output_value,
        notes=tuple(notes),
    )


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    got = [v for v in values if v is not None]
    return sum(got, ZERO) if got else None


def merge(periods: Sequence[PeriodData]) -> PeriodData:
    """The months of a year as one period: lines and certificates together, amounts summed (an amount
    missing in every month stays missing)."""
    return PeriodData(
        lines=tuple(line for p in periods for line in p.lines),
        pv_self_kwh=sum((p.pv_self_kwh for p in periods), ZERO),
        green_power_kwh=sum((p.green_power_kwh for p in periods), ZERO),
        certificates=tuple(b for p in periods for b in p.certificates),
        output_value=_sum(p.output_value for p in periods),
        value_added=_sum(p.value_added for p in periods),
        product_output=_sum(p.product_output for p in periods),
    )
