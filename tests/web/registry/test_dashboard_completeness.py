"""The dashboard's completeness panel: what is missing (worst first, per department), not 94 bars, and
the source departments credited for every table they brought in — the demo's situation, where
市场监管局 loaded the register and 统计局 the reports, read "统计局 100 %" before the fix."""

from __future__ import annotations

import polars as pl
from django.utils import translation

from gaoxin.data import synth
from gaoxin.data.dataset import Dataset, empty
from gaoxin.web.registry.models import Department, Enterprise, ImportBatch, Qualification, Zone
from gaoxin.web.registry.services import apply_dataset, pages

DASHBOARD = "/registry/dashboard/"


def _demo_zone(code: str = "Z909", n: int = 40) -> Zone:
    """A zone imported as the demo does: the register and its qualifications from 市场监管局, the
    annual reports from 统计局 (one batch each, through the import path)."""
    zone = Zone.objects.create(code=code, name="演示园区")
    data = synth.synthesize(n, zones=1, years=(2023, 2025), seed=11, missing=0.1)
    ents = data.enterprises.with_columns(pl.lit(code).alias("zone"))
    parts = {
        "市场监管局": Dataset(ents, empty("report"), data.qualifications),
        "统计局": Dataset(empty("enterprise"), data.reports, empty("qualification")),
    }
    for department, ds in parts.items():
        batch = ImportBatch.objects.create(zone=zone, file_name=f"{department}.csv", sha256=department * 8,
                                           department=department)  # fmt: skip
        apply_dataset(ds, batch, allowed_zones={code: zone})
        batch.status = ImportBatch.Status.APPLIED
        batch.save()
    return zone


def test_every_department_is_credited_with_the_tables_it_brought_in(platform):
    zone = _demo_zone()
    c = platform.client("platform_admin").get(DASHBOARD, {"zone": zone.code}).context["board"].completeness
    by_name = {d["name"]: d for d in c.departments}
    assert set(by_name) == {"市场监管局", "统计局"}
    firms = list(Enterprise.objects.filter(zone=zone))
    register = sum(1 for e in firms for k in e.sources if k != "uscc")
    quals = Qualification.objects.filter(enterprise__zone=zone).count()
    assert register > len(firms) and quals > 0
    assert by_name["市场监管局"]["values"] == register + quals  # was 0: only report values were counted
    reports = [r for e in firms for r in e.reports.all() if r.year == c.year]
    assert by_name["统计局"]["values"] == sum(len([k for k in r.sources if k != "year"]) for r in reports)
    total = register + quals + by_name["统计局"]["values"]
    assert by_name["统计局"]["share"] == pages.percent(by_name["统计局"]["values"] / total) != "100%"
    assert by_name["市场监管局"]["batches"] == by_name["统计局"]["batches"] == 1


def test_the_panel_lists_only_what_is_missing_worst_first_under_its_department(platform):
    zone = _demo_zone("Z908")
    # 科技局 usually supplies the high-tech field: blank it for 7 firms so that it is missing there
    blank = list(Enterprise.objects.filter(zone=zone).order_by("pk")[:7])
    Enterprise.objects.filter(pk__in=[e.pk for e in blank]).update(tech_field="")
    response = platform.client("platform_admin").get(DASHBOARD, {"zone": zone.code})
    c = response.context["board"].completeness
    rows = {r["id"]: r for r in c.fields}
    firms = Enterprise.objects.filter(zone=zone).count()
    assert (
        rows["tech_field"]["missing"]
        == firms - Enterprise.objects.filter(zone=zone).exclude(tech_field="").count()
        >= 7
    )
    incomplete = [f for g in c.incomplete for f in g["fields"]]
    assert incomplete and all(f["share"] < 1 for f in incomplete)
    assert len(incomplete) + c.complete == len([r for r in c.fields if r["total"]])
    science = next(g for g in c.incomplete if g["department"] == "科技局")
    assert "tech_field" in [f["id"] for f in science["fields"]]
    usual = dict(Department.objects.values_list("name", "fields"))
    for g in c.incomplete:  # each field under the first department (in order) that usually supplies it
        for f in g["fields"]:
            owners = [d.name for d in Department.objects.filter(active=True) if f["id"] in d.fields]
            assert g["department"] == (owners[0] if owners else "通常无部门报送"), f["id"]
        assert [f["share"] for f in g["fields"]] == sorted(f["share"] for f in g["fields"])
    worst = [g["fields"][0]["share"] for g in c.incomplete]
    assert worst == sorted(worst)  # the worst group first
    assert usual["科技局"]
    page = response.content.decode()
    n = rows["tech_field"]["missing"]
    assert f"缺 {n} 家" in page and f"其余 {c.complete} 项完整" in page
    assert page.count('<tr data-field="') == len(incomplete)  # no bar for a complete field
    chart = c.by_department
    assert len(chart["y"]) == len(incomplete)


def test_the_panel_reads_in_english(platform):
    zone = _demo_zone("Z907")
    client = platform.client("platform_admin")
    client.post("/i18n/setlang/", {"language": "en", "next": DASHBOARD})
    page = client.get(DASHBOARD, {"zone": zone.code}).content.decode()
    assert "missing" in page and "fields are complete" in page
    with translation.override("zh-hans"):
        assert pages.completeness(platform.users["platform_admin"], zone).incomplete
