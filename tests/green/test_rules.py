"""Certificates, coefficient files, benchmarks and the zone roll-up, by hand."""

from decimal import Decimal as D

import pytest

from gaoxin.green.benchmarks import Benchmark, BenchmarkError, gap_to, position
from gaoxin.green.certificates import Batch, SerialError, overlaps, parse_serials, serial_count
from gaoxin.green.coefficients import CoefficientError, parse_emissions, parse_set, shipped
from gaoxin.green.zone import (
    Criteria,
    FirmFigure,
    assess,
    carbon_level,
    indicators,
    intensity_contributions,
    meets,
    renewable_contributions,
    rollup,
    weightiest,
    yearly_change,
)

GOOD = (
    'id="z"\nversion="1"\nname="z"\nbasis="equivalent"\nstandard="s"\nsource="s"\n'
    '[carriers.electricity]\nzh="电力"\nkind="electricity"\nunit="kWh"\nkgce="0.1229"\n'
    'status="confirmed"\nsource="s"\n'
)


# --- certificates ---


def test_serials_single_and_ranges():
    r = parse_serials("GEC2025000001-GEC2025000100, GEC2025000200；GEC2025000301-0310")
    assert [str(x) for x in r] == [
        "GEC2025000001-GEC2025000100",
        "GEC2025000200",
        "GEC2025000301-GEC2025000310",
    ]
    assert serial_count(r) == 111
    assert parse_serials("") == [] and parse_serials(None) == []


@pytest.mark.parametrize("bad", ["GEC0100-GEC0001", "GEC0001-ABC0005", "ABC", "-"])
def test_bad_serials_are_refused(bad):
    with pytest.raises(SerialError):
        parse_serials(bad)


def test_a_serial_held_twice_is_found():
    a = Batch(100, "standalone", tuple(parse_serials("GEC0001-GEC0100")), key="A")
    b = Batch(11, "standalone", tuple(parse_serials("GEC0090-GEC0100")), key="B")
    c = Batch(10, "standalone", tuple(parse_serials("GEC0101-GEC0110")), key="C")  # adjacent: fine
    found = overlaps([a, b, c])
    assert len(found) == 1
    o = found[0]
    assert (o.a, o.b, o.count, str(o)) == ("A", "B", 11, "GEC0090-GEC0100")
    assert overlaps([a, c]) == []


def test_other_prefixes_never_overlap():
    a = Batch(10, serials=tuple(parse_serials("AAA01-AAA10")), key=1)
    b = Batch(10, serials=tuple(parse_serials("BBB01-BBB10")), key=2)
    assert overlaps([a, b]) == []


def test_batch_checks_its_origin_and_count():
    with pytest.raises(SerialError):
        Batch(1, "stolen")
    with pytest.raises(SerialError):
        Batch(-1)
    assert Batch(3).kwh == 3000


# --- coefficient files ---


def test_every_shipped_file_parses_with_sources():
    sets, emissions = shipped()
    assert len(sets) >= 2 and len(emissions) >= 1
    for name, text in sets:
        s = parse_set(text, name)
        assert all(c.source for c in s.carriers.values())
    assert [parse_set(t, n).default for n, t in sets].count(True) == 1
    e = parse_emissions(emissions[0][1], emissions[0][0])
    assert not e.factors["electricity"].confirmed  # [NF] in the rules: data with a source


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (('status="confirmed"', 'status="maybe"'), "status"),
        (('unit="kWh"', 'unit="furlong"'), "unknown unit"),
        (('kgce="0.1229"', 'kgce="-1"'), "≥ 0"),
        (('kgce="0.1229"', 'kgce="abc"'), "number"),
        (('basis="equivalent"', 'basis="guess"'), "basis"),
        (('kind="electricity"', 'kind="magic"'), "kind"),
        (("[carriers.electricity]", "[carriers.power]"), "electricity"),
        (('source="s"\n', ""), "source"),
    ],
)
def test_a_bad_set_file_names_the_fault(change, fault):
    with pytest.raises(CoefficientError, match=fault) as e:
        parse_set(
            GOOD.replace(*change, 1) if change[0] != 'source="s"\n' else GOOD[: GOOD.rfind('source="s"')],
            "mine.toml",
        )
    assert "mine.toml" in str(e.value)


def test_not_toml_is_refused():
    with pytest.raises(CoefficientError, match="TOML"):
        parse_set("id = [", "x.toml")


def test_the_digest_follows_the_content():
    other = GOOD.replace('kgce="0.1229"', 'kgce="0.1230"')
    assert parse_set(GOOD).ref != parse_set(other).ref


# --- benchmarks ---

LEVEL = Benchmark("水泥熟料", "kgce/t", D(100), D(117))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("99", "benchmark"),
        ("100", "benchmark"),
        ("100.01", "baseline"),
        ("117", "baseline"),
        ("117.01", "below"),
    ],
)
def test_position_is_inclusive_at_each_level(value, expected):
    assert position(D(value), LEVEL) == expected


def test_position_and_gap_without_data():
    assert position(None, LEVEL) is None and position(D(1), None) is None
    assert (
        gap_to(D(120), LEVEL) == 20 and gap_to(D(90), LEVEL) == 0 and gap_to(D(120), LEVEL, "baseline") == 3
    )


def test_a_benchmark_above_its_baseline_is_refused():
    with pytest.raises(BenchmarkError):
        Benchmark("x", "kgce/t", D(120), D(100))


# --- the zone ---

A = FirmFigure("a", "甲", D(100), D(100), D(1000), D(100))
B = FirmFigure("b", "乙", D(50), D(200), D(1000), D(500))
C = FirmFigure("c", "丙", D(10), None, D(0), D(0))  # no value added: in energy, not in the intensity


def test_zone_intensity_is_energy_over_value_added():
    z = rollup([A, B, C])
    assert z.firms == 3 and z.energy_tce == 160 and z.intensity_firms == 2
    assert z.intensity == D("0.5")  # (100 + 50) / (100 + 200)
    assert z.renewable_share == D("0.3")  # 600 / 2000
    assert z.co2_t is None  # not every firm has CO₂


def test_contributions_by_hand():
    cs = {c.firm.key: c for c in intensity_contributions([A, B, C])}
    assert set(cs) == {"a", "b"}
    # A: (100 − 0.5 × 100) / 300 = 1/6; B: (50 − 0.5 × 200) / 300 = −1/6
    assert cs["a"].contribution == D(50) / 300 and cs["b"].contribution == D(-50) / 300
    # without A the zone is 50/200 = 0.25: A adds 0.25; without B it is 1.0: B takes away 0.5
    assert cs["a"].effect == D("0.25") and cs["b"].effect == D("-0.5")
    assert cs["a"].weight == D(1) / 3 and cs["a"].share_of_numerator == D(2) / 3
    r = {c.firm.key: c for c in renewable_contributions([A, B, C])}
    assert r["b"].contribution == D("0.1")  # (500 − 0.3 × 1000) / 2000


def test_weightiest_orders_by_size_of_contribution():
    firms = [FirmFigure(i, f"f{i}", D(i), D(10)) for i in range(1, 15)]
    top = weightiest(intensity_contributions(firms), 10)
    assert len(top) == 10
    sizes = [abs(c.contribution) for c in top]
    assert sizes == sorted(sizes, reverse=True)


def test_the_zero_carbon_core_level_by_park_size():
    levels = indicators()["carbon_per_tce"]
    assert carbon_level(D(199999), levels) is None
    assert carbon_level(D(200000), levels).max == D("0.20")
    assert carbon_level(D(999999), levels).max == D("0.20")
    assert carbon_level(D(1000000), levels).max == D("0.30")


def test_meets_is_inclusive():
    target = indicators()["intensity_va"][0]
    assert target.max == D("0.4") and target.source
    assert meets(D("0.4"), target) is True and meets(D("0.4001"), target) is False
    assert meets(None, target) is None
    share = indicators()["non_fossil_share"][0]
    assert meets(D("0.20"), share) is True and meets(D("0.1999"), share) is False


def test_yearly_change():
    ch = yearly_change({2023: D(100), 2024: D(96), 2025: None})
    assert ch == {2023: None, 2024: D("-0.04"), 2025: None}


def test_green_criteria():
    c = Criteria(max_intensity=D("0.4"), min_renewable_share=D("0.3"), min_position="baseline")
    ok = assess(
        c,
        intensity=D("0.4"),
        renewable_share=D("0.3"),
        non_fossil_share=None,
        carbon_per_tce=None,
        position="baseline",
    )
    assert ok.passed and ok.reasons == []
    bad = assess(
        c,
        intensity=D("0.41"),
        renewable_share=None,
        non_fossil_share=None,
        carbon_per_tce=None,
        position="below",
    )
    assert not bad.passed and len(bad.reasons) == 3
    assert any("无数据" in r for r in bad.reasons)
    assert len(c.describe()) == 3
