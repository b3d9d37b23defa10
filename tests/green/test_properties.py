"""Invariants of the green figures, for any input."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.green.certificates import Batch, SerialRange, overlaps
from gaoxin.green.coefficients import default_emissions, default_set
from gaoxin.green.energy import EnergyLine, PeriodData, compute
from gaoxin.green.zone import FirmFigure, intensity_contributions, renewable_contributions, rollup

GB = default_set()
CO2 = default_emissions()
amount = st.integers(min_value=0, max_value=10**9).map(D)
carrier = st.sampled_from(["electricity", "raw_coal", "natural_gas", "heat", "gasoline", "diesel"])
UNITS = {
    "electricity": "kWh",
    "raw_coal": "t",
    "natural_gas": "m³",
    "heat": "GJ",
    "gasoline": "t",
    "diesel": "t",
}
lines = st.lists(
    st.builds(lambda c, q, f: EnergyLine(c, q, UNITS[c], feedstock=f), carrier, amount, st.booleans()),
    max_size=6,
)
batches = st.lists(
    st.builds(Batch, st.integers(0, 10**6), st.sampled_from(["green_power", "self_pv", "standalone"])),
    max_size=4,
)
periods = st.builds(
    PeriodData,
    lines=lines.map(tuple),
    pv_self_kwh=amount,
    green_power_kwh=amount,
    certificates=batches.map(tuple),
)
TINY = D("1e-18")


@given(periods)
@settings(max_examples=200)
def test_renewable_power_never_exceeds_electricity_nor_its_sources(p):
    f = compute(p, GB, CO2)
    assert 0 <= f.renewable_kwh <= f.electricity_kwh
    standalone = sum((b.kwh for b in p.certificates if b.origin == "standalone"), D(0))
    assert f.renewable_kwh <= p.pv_self_kwh + p.green_power_kwh + standalone
    assert f.renewable_share is None or 0 <= f.renewable_share <= 1
    assert f.non_fossil_share is None or 0 <= f.non_fossil_share <= 1
    assert 0 <= f.non_fossil_tce <= f.total_tce
    assert f.co2_t is None or f.co2_t >= 0


@given(periods, st.integers(1, 10**6))
def test_bundled_certificates_never_count_on_top_of_green_power(p, extra):
    more = PeriodData(**{**p.__dict__, "certificates": (*p.certificates, Batch(extra, "green_power"))})
    a, b = compute(p, GB, CO2), compute(more, GB, CO2)
    assert b.renewable_kwh - a.renewable_kwh <= max(p.green_power_kwh - a.green_power_counted_kwh, D(0))
    assert b.renewable_kwh <= a.pv_kwh + min(p.green_power_kwh, b.electricity_kwh - a.pv_kwh) + sum(
        (x.kwh for x in p.certificates if x.origin == "standalone"), D(0)
    )


@given(periods, st.builds(lambda c, q: EnergyLine(c, q, UNITS[c], feedstock=True), carrier, amount))
def test_feedstock_never_changes_the_total(p, feed):
    more = PeriodData(**{**p.__dict__, "lines": (*p.lines, feed)})
    a, b = compute(p, GB, CO2), compute(more, GB, CO2)
    assert a.total_tce == b.total_tce and a.co2_t == b.co2_t and a.renewable_kwh == b.renewable_kwh
    assert b.feedstock_tce >= a.feedstock_tce


@given(lines, st.integers(1, 1000))
def test_the_total_is_linear_in_the_quantities(ls, k):
    scaled = tuple(EnergyLine(x.carrier, x.quantity * k, x.unit, x.feedstock) for x in ls)
    assert (
        compute(PeriodData(lines=scaled), GB, CO2).total_tce
        == k * compute(PeriodData(lines=ls), GB, CO2).total_tce
    )


firm = st.builds(
    lambda i, e, v, el, share: FirmFigure(i, str(i), e, v, el, (el * share).quantize(D(1))),
    st.integers(0, 10**6),
    amount,
    st.one_of(st.none(), st.integers(1, 10**7).map(D)),
    amount,
    st.integers(0, 100).map(lambda x: D(x) / 100),
)


@given(st.lists(firm, min_size=1, max_size=30, unique_by=lambda f: f.key))
@settings(max_examples=200)
def test_contributions_add_up_to_zero_and_the_zone_is_the_weighted_mean(firms):
    z = rollup(firms)
    cs = intensity_contributions(firms)
    if z.intensity is None:
        assert cs == []
        return
    assert abs(sum(c.contribution for c in cs)) < TINY * (1 + z.intensity)
    mean = sum(c.weight * c.value for c in cs)
    assert abs(mean - z.intensity) < TINY * (1 + z.intensity)
    for c in cs:  # a firm above the zone figure raises it, one below lowers it
        assert (c.contribution > TINY) == (c.value - z.intensity > TINY * 10) or abs(
            c.contribution
        ) <= TINY * 10
    rs = renewable_contributions(firms)
    if rs:
        assert abs(sum(c.contribution for c in rs)) < TINY


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 50)), min_size=1, max_size=8))
def test_overlaps_are_found_exactly(spans):
    batches = [
        Batch(n + 1, serials=(SerialRange("G", a, a + n, 6),), key=i) for i, (a, n) in enumerate(spans)
    ]
    held = [set(range(a, a + n + 1)) for a, n in spans]
    twice = sum(len(s) for s in held) - len(set().union(*held))
    found = overlaps(batches)
    assert (twice == 0) == (found == [])
    assert sum(o.count for o in found) >= min(twice, 1) if twice else True
