"""Green figures are data-dictionary fields (issue 14 item 3): a recompute writes each firm's whole-year
figures into its annual report, with the coefficient sets as the source, so any scoring model can read
them; a change of set changes the register's values and records each change."""

from __future__ import annotations

from decimal import Decimal as D

from gaoxin.scoring import loads
from gaoxin.web.credit.services import run_scores
from gaoxin.web.green import services
from gaoxin.web.green.models import CoefficientFile, Figure
from gaoxin.web.registry.models import AnnualReport, ChangeRecord, ImportBatch
from gaoxin.web.registry.services import pages

YEAR = 2025
# lower is better: full marks at ≤ 0.4 tce/万元 (the national target), nothing from 1.0 up; the linear
# rule of docs/en/model-format.md: points = (1.0 − value) / (1.0 − 0.4) × weight, clamped to [0, weight]
MODEL = """
id: green-test
version: 1
name: {zh: 绿色测试模型, en: Green test model}
cohort: [zone]
stages: [{id: all, name: 全部, when: "true"}]
categories: [{id: g, name: 绿色低碳}]
indicators:
  - id: intensity
    name: 万元工业增加值能耗
    category: g
    value: energy_intensity_va
    method: linear
    linear: [0.4, 1.0]
    direction: lower
    weight: 100
"""


def expected_points(x: float) -> float:
    return max(0.0, min(1.0, (1.0 - x) / (1.0 - 0.4))) * 100


def test_a_model_on_energy_intensity_scores_firms_after_a_recompute(green):
    p = green.platform
    figures = {
        f.enterprise_id: f
        for f in Figure.objects.filter(enterprise__zone=p.zone_a, year=YEAR, month=0)
        if f.intensity_va is not None
    }
    assert len(figures) >= 5
    run = run_scores(p.zone_a, YEAR, loads(MODEL, name="green-test.yaml"), p.users["zone_admin"])
    scores = {s.enterprise_id: s for s in run.scores.all()}
    for eid, f in figures.items():
        s = scores[eid]
        assert abs(s.details["val"]["intensity"] - float(f.intensity_va)) < 1e-9
        assert abs(s.total - expected_points(float(f.intensity_va))) < 1e-6
    # every other firm is scored on what the register holds (here the synthetic data); missing earns 0
    register = dict(
        AnnualReport.objects.filter(enterprise__zone=p.zone_a, year=YEAR).values_list(
            "enterprise_id", "energy_intensity_va"
        )
    )
    AnnualReport.objects.filter(enterprise_id=next(e for e in scores if e not in figures), year=YEAR).update(
        energy_intensity_va=None
    )
    for eid, s in scores.items():
        if eid in figures:
            continue
        if register.get(eid) is None:
            assert "intensity" in s.details["missing"] and s.total == 0
        else:
            assert abs(s.total - expected_points(float(register[eid]))) < 1e-6
    again = run_scores(p.zone_a, YEAR, loads(MODEL, name="green-test.yaml"), p.users["zone_admin"])
    missing = [s for s in again.scores.all() if "intensity" in s.details["missing"]]
    assert len(missing) >= 1 and all(s.total == 0 for s in missing)


def test_the_register_holds_the_figures_with_the_sets_as_source(green):
    p = green.platform
    zone = p.zone_a
    choice = services.ensure_sets(zone)
    batch = ImportBatch.objects.filter(zone=zone, department=services.REGISTER_DEPARTMENT).latest("pk")
    assert batch.file_name == services.sets_title(choice) and batch.status == ImportBatch.Status.APPLIED
    # the register's record names the sets in words, not by their references and digests
    assert choice.coefficients.name in batch.file_name and choice.coefficients.digest not in batch.file_name
    firm = green.firms_a[0]
    f = Figure.objects.get(enterprise=firm, year=YEAR, month=0)
    r = AnnualReport.objects.get(enterprise=firm, year=YEAR)
    assert r.energy_consumption == f.total_tce
    assert r.energy_intensity_va == f.intensity_va and r.energy_intensity_output == f.intensity_output
    assert r.non_fossil_share == f.non_fossil_share.quantize(D("1e-8"))
    assert r.renewable_power_share == f.renewable_share.quantize(D("1e-8"))
    assert r.co2_emissions == f.co2_t
    for fid in services.REGISTER_FIELDS:
        assert r.sources[fid] == batch.pk, fid
    # the enterprise page shows the value and names its source
    page = pages.profile(p.users["zone_admin"], firm)
    row = next(x for x in page.report_rows if x["label"] == pages.field_label("energy_intensity_va"))
    cell = row["cells"][page.years.index(YEAR)]
    assert cell["value"] == pages.display("energy_intensity_va", r.energy_intensity_va)
    assert cell["source"] == f"{batch.file_name} · {services.REGISTER_DEPARTMENT}"
    # a recompute with the same sets changes nothing and leaves no empty batch behind
    n = ImportBatch.objects.filter(zone=zone).count()
    services.recompute(zone, "again", p.users["clerk"])
    assert ImportBatch.objects.filter(zone=zone).count() == n


def test_a_change_of_set_changes_the_register_and_records_each_change(green):
    p = green.platform
    zone = p.zone_a
    choice = services.ensure_sets(zone)
    firm = next(
        e for e in green.firms_a if Figure.objects.get(enterprise=e, year=YEAR, month=0).electricity_kwh > 0
    )
    before = AnnualReport.objects.get(enterprise=firm, year=YEAR).energy_consumption
    alt = CoefficientFile.objects.get(zone=zone, set_id="db31-783-substitution")
    services.change_sets(zone, alt, choice.emissions, "按省发改委通知改用等价值", p.users["zone_admin"])
    r = AnnualReport.objects.get(enterprise=firm, year=YEAR)
    f = Figure.objects.get(enterprise=firm, year=YEAR, month=0)
    assert r.energy_consumption == f.total_tce > before  # 等价值 counts grid power higher
    batch = ImportBatch.objects.get(pk=r.sources["energy_consumption"])
    assert alt.name in batch.file_name and batch.user == p.users["zone_admin"]
    change = ChangeRecord.objects.get(enterprise=firm, year=YEAR, field="energy_consumption", batch=batch)
    assert D(change.old) == before and D(change.new) == r.energy_consumption
    assert change.user == p.users["zone_admin"]
    # zone B's register is untouched by zone A's change
    assert not ChangeRecord.objects.filter(enterprise__zone=p.zone_b, batch=batch).exists()
