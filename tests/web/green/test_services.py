"""The green app's services and import: figures stored with their sets, recomputation on a change of
set (with why), per-cell import errors, certificates never counted twice, the command centre's metric,
green lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from gaoxin.command.metrics import parse_metric
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.green import bulk_io, services
from gaoxin.web.green.models import (
    CertificateHolding,
    CoefficientFile,
    EnergyBatch,
    EnergyRecord,
    EnergyUse,
    Figure,
    GreenListEntry,
    Recompute,
)

from .conftest import workbook


def _cset(zone):
    return services.parsed_sets(services.ensure_sets(zone))[0]


def _import(zone, user, rows, name="x.xlsx"):
    return bulk_io.import_energy(zone, user, workbook(rows, zone), name, _cset(zone), "发改委")


def test_figures_carry_the_default_set(green):
    zone = green.platform.zone_a
    figures = Figure.objects.filter(enterprise__zone=zone, month=0)
    assert figures.count() == 12 * 3
    refs = set(figures.values_list("set_ref", flat=True))
    assert len(refs) == 1 and next(iter(refs)).startswith("gbt2589-2020-equivalent@2020#")
    assert set(figures.values_list("basis", flat=True)) == {"equivalent"}


def test_a_hand_worked_import(green):
    p = green.platform
    firm = green.firms_a[0]
    rows = {
        "periods": [
            {"uscc": firm.uscc, "year": 2020, "month": None, "value_added": "250", "output_value": "1000"}
        ],
        "uses": [
            {
                "uscc": firm.uscc,
                "year": 2020,
                "month": None,
                "carrier": "electricity",
                "quantity": "1",
                "unit": "万kWh",
            },
            {
                "uscc": firm.uscc,
                "year": 2020,
                "month": None,
                "carrier": "raw_coal",
                "quantity": "100",
                "unit": "t",
            },
            {
                "uscc": firm.uscc,
                "year": 2020,
                "month": None,
                "carrier": "natural_gas",
                "quantity": "50000",
                "unit": "m³",
                "use": "feedstock",
            },
        ],
    }
    out = _import(p.zone_a, p.users["clerk"], rows)
    assert out.ok
    services.recompute(p.zone_a, "t", p.users["clerk"], enterprises=out.enterprises)
    f = Figure.objects.get(enterprise=firm, year=2020, month=0)
    assert f.total_tce == D("72.659")  # 1.229 + 71.43; the feedstock gas is not in it
    assert f.feedstock_tce == D("60.715")
    assert f.intensity_va == D("72.659") / 250
    batch = out.batch
    assert (batch.department, batch.user, batch.file_name) == ("发改委", p.users["clerk"], "x.xlsx")
    assert EnergyRecord.objects.get(enterprise=firm, year=2020).sources["value_added"] == batch.pk


def test_a_refused_file_changes_nothing_and_names_each_cell(green):
    p = green.platform
    firm, other = green.firms_a[0], green.firms_b[0]
    before = (EnergyUse.objects.count(), EnergyRecord.objects.count(), EnergyBatch.objects.count())
    rows = {
        "periods": [
            {"uscc": firm.uscc, "year": 2025, "month": 13, "value_added": "-1"},
            {"uscc": other.uscc, "year": 2025, "month": None},
        ],
        "uses": [
            {
                "uscc": firm.uscc,
                "year": 2025,
                "month": None,
                "carrier": "raw_coal",
                "quantity": "5",
                "unit": "kWh",
            },
            {
                "uscc": firm.uscc,
                "year": 2025,
                "month": None,
                "carrier": "electricity",
                "quantity": "abc",
                "unit": "kWh",
            },
        ],
    }
    out = _import(p.zone_a, p.users["clerk"], rows)
    assert not out.ok
    reasons = {(x.sheet, x.row, x.column): x.reason for x in out.problems if x.is_error}
    assert reasons[("期间数据", 2, "月份")] == bulk_io.R_MONTH
    assert reasons[("期间数据", 2, "工业增加值（万元）")] == bulk_io.R_NEGATIVE
    assert reasons[("期间数据", 3, "统一社会信用代码")] == bulk_io.R_UNKNOWN_FIRM  # zone B's firm
    assert reasons[("能源消费", 2, "计量单位")].startswith(bulk_io.R_UNIT)
    assert ("能源消费", 3, "实物量") in reasons  # not a number
    assert (EnergyUse.objects.count(), EnergyRecord.objects.count(), EnergyBatch.objects.count()) == before


def test_the_same_file_twice_changes_nothing(green):
    p = green.platform
    firm = green.firms_a[0]
    rows = {"periods": [{"uscc": firm.uscc, "year": 2019, "month": None, "value_added": "10"}]}
    data = workbook(rows, p.zone_a)
    cset = _cset(p.zone_a)
    first = bulk_io.import_energy(p.zone_a, p.users["clerk"], data, "a.xlsx", cset)
    again = bulk_io.import_energy(p.zone_a, p.users["clerk"], data, "a.xlsx", cset)
    assert first.batch is not None and again.batch is None and again.duplicate_of == first.batch


def test_a_reimport_supersedes_and_keeps_history(green):
    p = green.platform
    firm = green.firms_a[1]
    key = {"uscc": firm.uscc, "year": 2025, "month": None}
    old = list(
        EnergyUse.objects.filter(record__enterprise=firm, record__year=2025, superseded_by__isnull=True)
    )
    out = _import(
        p.zone_a,
        p.users["clerk"],
        {"uses": [{**key, "carrier": "electricity", "quantity": "10000", "unit": "kWh"}]},
    )
    assert out.ok
    current = EnergyUse.objects.filter(record__enterprise=firm, record__year=2025, superseded_by__isnull=True)
    assert [u.quantity for u in current] == [D(10000)]
    assert all(EnergyUse.objects.get(pk=u.pk).superseded_by == out.batch for u in old)


def test_csv_of_one_table(green):
    p = green.platform
    firm = green.firms_a[2]
    text = f"统一社会信用代码,年份,月份,绿证张数,来源,证书编号\n{firm.uscc},2018,,5,单独购买,ZZZ001-ZZZ005\n"
    out = bulk_io.import_energy(p.zone_a, p.users["clerk"], text.encode("gb18030"), "c.csv", _cset(p.zone_a))
    assert out.ok and out.counts["certificates"] == 1
    assert CertificateHolding.objects.get(record__enterprise=firm, record__year=2018).origin == "standalone"


def test_certificates_are_never_counted_twice(green):
    p = green.platform
    a, b = green.firms_a[3], green.firms_a[4]

    def certificates(firm, count: int, serials: str) -> dict:
        row = {"uscc": firm.uscc, "year": 2017, "month": None, "count": count, "origin": "standalone"}
        return {"certificates": [{**row, "serials": serials}]}

    first = certificates(a, 10, "QQQ0001-QQQ0010")
    assert _import(p.zone_a, p.users["clerk"], first).ok
    # another firm declaring some of the same serials is refused
    second = certificates(b, 5, "QQQ0008-QQQ0012")
    out = _import(p.zone_a, p.users["clerk"], second, "y.xlsx")
    assert [x.reason for x in out.problems if x.is_error] == [bulk_io.R_HELD]
    # the same firm re-declaring its own period replaces it: no double count with itself
    again = certificates(a, 10, "QQQ0001-QQQ0010")
    assert _import(p.zone_a, p.users["clerk"], again, "z.xlsx").ok
    # within one file, and a count that does not match the serials
    twice = {
        "certificates": [
            {
                "uscc": b.uscc,
                "year": 2016,
                "month": None,
                "count": 3,
                "origin": "standalone",
                "serials": "RRR01-RRR03",
            },
            {
                "uscc": b.uscc,
                "year": 2016,
                "month": 1,
                "count": 4,
                "origin": "standalone",
                "serials": "RRR03-RRR05",
            },
        ]
    }
    reasons = [x.reason for x in _import(p.zone_a, p.users["clerk"], twice, "w.xlsx").problems if x.is_error]
    assert bulk_io.R_TWICE in reasons and any(r.startswith(bulk_io.R_COUNT) for r in reasons)


def test_a_change_of_set_recomputes_and_records_why(green):
    p = green.platform
    zone = p.zone_a
    choice = services.ensure_sets(zone)
    alt = CoefficientFile.objects.get(zone=zone, set_id="db31-783-substitution")
    before = {f.pk: f.total_tce for f in Figure.objects.filter(enterprise__zone=zone)}
    with pytest.raises(services.GreenError):
        services.change_sets(zone, alt, choice.emissions, "  ", p.users["zone_admin"])
    done = services.change_sets(
        zone, alt, choice.emissions, "按省发改委通知改用等价值", p.users["zone_admin"]
    )
    assert done.reason == "按省发改委通知改用等价值" and done.from_sets.startswith("gbt2589")
    assert done.figures == len(before) and done.changed == len(before)
    after = Figure.objects.filter(enterprise__zone=zone)
    assert {f.set_ref for f in after} == {alt.ref} and {f.basis for f in after} == {"substitution"}
    assert all(f.total_tce > before[f.pk] for f in after if f.electricity_kwh > 0)
    # zone B is untouched
    assert set(Figure.objects.filter(enterprise__zone=p.zone_b).values_list("basis", flat=True)) == {
        "equivalent"
    }
    # and back: the same numbers as before
    services.change_sets(
        zone,
        CoefficientFile.objects.get(zone=zone, set_id="gbt2589-2020-equivalent"),
        choice.emissions,
        "恢复",
        None,
    )
    assert {f.pk: f.total_tce for f in Figure.objects.filter(enterprise__zone=zone)} == before
    assert Recompute.objects.filter(zone=zone, reason="恢复").exists()


def test_an_uploaded_set_is_checked(green):
    zone = green.platform.zone_a
    with pytest.raises(services.GreenError, match="status"):
        services.upload_set(
            zone,
            b'id="x"\nversion="1"\nname="x"\nbasis="equivalent"\nstandard="s"\nsource="s"\n[carriers.electricity]\nzh="e"\nkind="electricity"\nunit="kWh"\nkgce="0.2"\nsource="s"\n',
            "bad.toml",
            None,
        )
    n = CoefficientFile.objects.filter(zone=zone).count()
    good = b'id="x"\nversion="1"\nname="x"\nbasis="equivalent"\nstandard="s"\nsource="s"\n[carriers.electricity]\nzh="e"\nkind="electricity"\nunit="kWh"\nkgce="0.2"\nstatus="unconfirmed"\nsource="s"\n'
    stored = services.upload_set(zone, good, "mine.toml", None)
    assert stored.set_id == "x" and CoefficientFile.objects.filter(zone=zone).count() == n + 1
    assert services.upload_set(zone, good, "again.toml", None) == stored


def test_zone_rollup_and_top_ten(green):
    zone = green.platform.zone_a
    page = services.zone_page(zone)
    assert page["year"] == 2025 and page["years"] == [2023, 2024, 2025]
    figures = list(Figure.objects.filter(enterprise__zone=zone, month=0, year=2025))
    e = sum(f.total_tce for f in figures if f.value_added and f.value_added > 0)
    v = sum(f.value_added for f in figures if f.value_added and f.value_added > 0)
    assert page["current"].intensity == e / v
    assert len(page["top_intensity"]) == 10
    assert page["chart"]["series"][1]["y"] == [0.4, 0.4, 0.4]
    labels = [i.label for i in page["indicators"]]
    assert "单位工业增加值综合能耗" in labels and "非化石能源消费占比" in labels


def test_the_command_centre_computes_green_targets(green):
    from gaoxin.web.command import services as command
    from gaoxin.web.command.models import Target

    zone = green.platform.zone_a
    metric = parse_metric("green:energy_intensity")
    assert metric.computed and "绿色低碳" in metric.describe()
    target = Target.objects.create(
        zone=zone,
        name="能耗强度",
        metric="green:energy_intensity",
        baseline_value=D("0.6"),
        baseline_year=2023,
        target_value=D("0.4"),
        target_year=2027,
    )
    view = command.target_view(target, on=dt.date(2026, 3, 1))
    series = services.zone_series(zone)
    assert {p.period.year: p.actual for p in view.points} == {
        y: float(s.intensity) for y, s in series.items()
    }


def test_green_list_is_frozen_for_banks(green):
    p = green.platform
    zone = p.zone_a
    criteria = services.parse_criteria({"max_intensity": "0.4"})
    passing = [f for f, a in services.candidates(zone, 2025, criteria) if a.passed]
    assert passing and all(f.intensity_va <= D("0.4") for f in passing)
    published = services.publish_green_list(
        zone, 2025, "绿色名单", criteria, [p.bank_a], p.users["zone_admin"]
    )
    entries = list(GreenListEntry.objects.filter(green_list=published))
    assert [e.enterprise_id for e in entries] == [f.enterprise_id for f in passing]
    frozen = entries[0].values["intensity_va"]
    # a later change of set does not change the published list
    alt = CoefficientFile.objects.get(zone=zone, set_id="db31-783-substitution")
    services.change_sets(zone, alt, services.ensure_sets(zone).emissions, "x", None)
    assert GreenListEntry.objects.get(pk=entries[0].pk).values["intensity_va"] == frozen
    with pytest.raises(services.GreenError):
        services.parse_criteria({})
    with pytest.raises(services.GreenError):
        services.publish_green_list(zone, 2025, "x", criteria, [], None)


def test_audit_labels_exist():
    from gaoxin.web.accounts.audit_labels import ACTIONS

    for code in ("green_import", "green_set_upload", "green_set_change", "green_benchmarks", "green_publish"):
        assert code in ACTIONS
    assert AuditEvent  # imported for the pages' tests


def test_the_zone_page_rolls_up_only_what_the_reader_sees(green):
    zone = green.platform.zone_a
    everything = Figure.objects.all()
    whole = services.zone_page(zone, None, everything)
    assert whole["current"] == services.zone_rollups(zone)[whole["year"]]
    one = Figure.objects.filter(enterprise=green.firms_a[0])  # a narrower scope: one firm's figures
    narrow = services.zone_page(zone, None, one)
    assert narrow["current"] == services.zone_series(zone, one)[narrow["year"]]
    assert narrow["current"] != whole["current"]
