"""Hand-worked figures of one firm's period (docs/en/green.md works the same cases)."""

import re
from decimal import Decimal as D

import pytest

from gaoxin.green.certificates import Batch, parse_serials
from gaoxin.green.coefficients import default_emissions, default_set, parse_set, shipped
from gaoxin.green.energy import EnergyError, EnergyLine, PeriodData, compute, merge, tce_of

GB = default_set()
CO2 = default_emissions()
SUBST = next(parse_set(t, n) for n, t in shipped()[0] if "substitution" in n)


def line(carrier, q, unit, **kw):
    return EnergyLine(carrier, D(q), unit, **kw)


def test_the_default_set_is_gbt_2589_equivalent_and_carries_its_ref():
    assert GB.id == "gbt2589-2020-equivalent" and GB.basis == "equivalent" and GB.basis_zh == "当量值"
    assert GB.ref.startswith("gbt2589-2020-equivalent@2020#") and len(GB.digest) == 12
    assert GB.coefficient("electricity").confirmed and not GB.coefficient("natural_gas").confirmed


@pytest.mark.parametrize(
    ("carrier", "quantity", "unit", "tce"),
    [
        ("electricity", "10000", "kWh", "1.229"),  # 10,000 × 0.1229 kgce ÷ 1000
        ("electricity", "1", "万kWh", "1.229"),
        ("electricity", "10", "MWh", "1.229"),
        ("raw_coal", "100", "t", "71.43"),  # 100 t × 0.7143 tce/t
        ("raw_coal", "100000", "kg", "71.43"),
        ("natural_gas", "10000", "m³", "12.143"),  # 10,000 × 1.2143 kgce ÷ 1000
        ("natural_gas", "1", "万m³", "12.143"),
        ("heat", "1000", "GJ", "34.12"),  # 1000 GJ × 34.12 kgce
        ("heat", "1000000", "MJ", "34.12"),
        ("gasoline", "10", "t", "14.714"),
        ("diesel", "10", "t", "14.571"),
    ],
)
def test_each_conversion(carrier, quantity, unit, tce):
    assert tce_of(line(carrier, quantity, unit), GB) == D(tce)


def test_a_unit_of_the_wrong_dimension_is_refused():
    with pytest.raises(EnergyError, match="原煤"):
        tce_of(line("raw_coal", "1", "kWh"), GB)


def test_a_measured_coefficient_replaces_the_sets():
    assert tce_of(line("natural_gas", "10000", "m³", kgce=D("1.3")), GB) == D(13)


def test_feedstock_is_excluded_from_the_total():
    energy = PeriodData(lines=(line("electricity", "10000", "kWh"), line("natural_gas", "10000", "m³")))
    with_feedstock = PeriodData(lines=(*energy.lines, line("natural_gas", "50000", "m³", feedstock=True)))
    a, b = compute(energy, GB, CO2), compute(with_feedstock, GB, CO2)
    assert a.total_tce == b.total_tce == D("13.372")  # 1.229 + 12.143
    assert b.feedstock_tce == D("60.715") and a.feedstock_tce == 0
    assert a.co2_t == b.co2_t  # feedstock is not burned here


def test_intensity_per_value_added_and_output():
    p = PeriodData(lines=(line("raw_coal", "140", "t"),), value_added=D(250), output_value=D(1000))
    f = compute(p, GB, CO2)
    assert f.total_tce == D("100.002")  # 140 × 0.7143
    assert f.intensity_va == D("100.002") / 250
    assert f.intensity_output == D("0.100002")


def test_no_intensity_without_positive_value_added():
    f = compute(PeriodData(lines=(line("raw_coal", "1", "t"),), value_added=D(0)), GB, CO2)
    assert f.intensity_va is None and any("value added" in n for n in f.notes)


def test_certificates_with_green_power_are_its_proof_not_more_power():
    # grid 1,000,000 kWh, of which 300,000 bought as green power with its 300 certificates;
    # 100 certificates bought alone
    p = PeriodData(
        lines=(line("electricity", "1000000", "kWh"),),
        green_power_kwh=D(300000),
        certificates=(Batch(300, "green_power"), Batch(100, "standalone")),
    )
    f = compute(p, GB, CO2)
    assert f.green_power_counted_kwh == 300000 and f.standalone_counted_kwh == 100000
    assert f.renewable_kwh == 400000  # not 700,000: the 300 certificates are the green power's proof
    assert f.renewable_share == D("0.4")
    # non-fossil: 400,000 kWh × 0.1229 = 49.16 tce of 122.9 tce
    assert f.non_fossil_tce == D("49.16") and f.non_fossil_share == D("0.4")
    assert f.controlled_tce == D("73.74")
    # CO₂: the 600,000 kWh not proven renewable × 0.5703 kg
    assert f.co2_t == D("342.18")


def test_green_power_without_certificates_is_not_counted():
    p = PeriodData(
        lines=(line("electricity", "1000000", "kWh"),),
        green_power_kwh=D(300000),
        certificates=(Batch(200, "green_power"),),
    )
    f = compute(p, GB, CO2)
    assert f.green_power_counted_kwh == 200000 and f.green_power_unproven_kwh == 100000
    assert f.renewable_kwh == 200000


def test_more_bundled_certificates_than_green_power_add_nothing():
    base = dict(lines=(line("electricity", "1000000", "kWh"),), green_power_kwh=D(300000))
    a = compute(PeriodData(**base, certificates=(Batch(300, "green_power"),)), GB, CO2)
    b = compute(PeriodData(**base, certificates=(Batch(900, "green_power"),)), GB, CO2)
    assert a.renewable_kwh == b.renewable_kwh == 300000
    assert b.certificates_surplus_kwh == 600000


def test_standalone_certificates_cover_at_most_the_grid_power_left():
    p = PeriodData(lines=(line("electricity", "100000", "kWh"),), certificates=(Batch(150, "standalone"),))
    f = compute(p, GB, CO2)
    assert f.renewable_kwh == 100000 and f.certificates_surplus_kwh == 50000
    assert f.renewable_share == 1 and f.co2_t == 0


def test_own_pv_counts_once_with_or_without_its_certificates():
    base = dict(lines=(line("electricity", "800000", "kWh"),), pv_self_kwh=D(200000))
    a = compute(PeriodData(**base), GB, CO2)
    b = compute(PeriodData(**base, certificates=(Batch(200, "self_pv"),)), GB, CO2)
    assert a.renewable_kwh == b.renewable_kwh == 200000
    assert a.electricity_kwh == 1000000 and a.renewable_share == D("0.2")
    assert a.total_tce == D("122.9")  # own PV is energy consumed too


def test_a_coefficient_set_change_recomputes():
    p = PeriodData(lines=(line("electricity", "10000", "kWh"), line("raw_coal", "1", "t")))
    a, b = compute(p, GB, CO2), compute(p, SUBST, CO2)
    assert a.total_tce == D("1.229") + D("0.7143")
    assert b.total_tce == D("2.8078") + D("0.7143")  # 等价值 electricity 0.28078 kgce/kWh
    assert (a.set_ref, a.basis) != (b.set_ref, b.basis) and b.basis == "substitution"


def test_a_carrier_without_emission_factor_leaves_co2_unknown():
    text = (
        'id="x"\nversion="1"\nname="x"\nbasis="equivalent"\nstandard="s"\nsource="s"\n'
        '[carriers.electricity]\nzh="电力"\nkind="electricity"\nunit="kWh"\nkgce="0.1229"\n'
        'status="confirmed"\nsource="s"\n'
        '[carriers.lpg]\nzh="液化石油气"\nkind="fossil"\nunit="t"\nkgce="1714.3"\nstatus="unconfirmed"\nsource="s"\n'
    )
    f = compute(PeriodData(lines=(line("lpg", "1", "t"),)), parse_set(text), CO2)
    assert f.total_tce == D("1.7143") and f.co2_t is None and any("lpg" in n for n in f.notes)


def test_biomass_is_non_fossil_and_emits_nothing():
    text = (
        'id="x"\nversion="1"\nname="x"\nbasis="equivalent"\nstandard="s"\nsource="s"\n'
        '[carriers.electricity]\nzh="电力"\nkind="electricity"\nunit="kWh"\nkgce="0.1229"\n'
        'status="confirmed"\nsource="s"\n'
        '[carriers.biomass]\nzh="生物质"\nkind="non_fossil"\nunit="t"\nkgce="500"\nstatus="unconfirmed"\nsource="s"\n'
    )
    f = compute(PeriodData(lines=(line("biomass", "2", "t"),)), parse_set(text), CO2)
    assert f.non_fossil_tce == 1 and f.non_fossil_share == 1 and f.co2_t == 0


def test_unit_product_energy():
    p = PeriodData(lines=(line("raw_coal", "100", "t"),), product_output=D(1000))
    assert compute(p, GB, CO2).unit_product_kgce == D("71.43")  # 71.43 tce × 1000 / 1000 t


def test_months_merge_into_a_year():
    m1 = PeriodData(lines=(line("electricity", "10000", "kWh"),), value_added=D(10), pv_self_kwh=D(5))
    m2 = PeriodData(lines=(line("electricity", "20000", "kWh"),), value_added=None, pv_self_kwh=D(5))
    year = merge([m1, m2])
    assert len(year.lines) == 2 and year.value_added == 10 and year.pv_self_kwh == 10
    assert year.output_value is None
    assert compute(year, GB, CO2).total_tce == D("3.687") + D("0.001229")


def test_certificate_count_must_match_serials():
    b = Batch(100, "standalone", tuple(parse_serials("GEC0001-GEC0099")))
    f = compute(PeriodData(lines=(line("electricity", "1000000", "kWh"),), certificates=(b,)), GB, CO2)
    assert any("99" in n for n in f.notes)


def test_the_shipped_sets_say_where_each_value_comes_from_in_chinese():
    """The sets page shows each source to zone staff (found by the walk-through: they were English)."""
    from gaoxin.green.coefficients import parse_emissions

    prose = re.compile(r"\b[A-Za-z]{3,}\s+[a-z]{3,}\b")  # two English words in a row; units and codes pass
    sets, factors = shipped()
    texts = []
    for name, text in sets:
        s = parse_set(text, name)
        texts += [s.standard, s.source, *(c.source for c in s.carriers.values())]
    for name, text in factors:
        e = parse_emissions(text, name)
        texts += [e.source, *(f.source for f in e.factors.values())]
    assert texts and not [t for t in texts if prose.search(t)]
    assert prose.search("recalled default [R]")  # what the files said before
    assert all("[R]" in t or "D1" in t or "[C]" in t for t in texts if "凭记忆" in t)  # certainty kept
