"""The green API: the zone roll-up by year equals the zone page's figures, each figure names the sets
it was computed with, a green list carries its frozen values; scoped as the pages are."""

from __future__ import annotations

from decimal import Decimal as D

from gaoxin.web.green import services
from gaoxin.web.green.models import Figure


def test_zone_roll_up_and_figures(green):
    p = green.platform
    office = p.client("zone_admin")
    (zone,) = office.get(f"/api/green/zones?zone={p.zone_a.code}").json()
    series = services.zone_series(p.zone_a)
    assert [y["year"] for y in zone["years"]] == sorted(series)
    for y in zone["years"]:
        s = series[y["year"]]
        assert abs(D(y["intensity"]) - s.intensity) < D("1e-9")
        assert abs(D(y["energy_tce"]) - s.energy_tce) < D("1e-5")
        assert y["firms"] == s.firms
    assert zone["coefficients"].startswith("gbt2589-2020-equivalent@")

    items = office.get("/api/green/figures?year=2025&limit=500").json()["items"]
    assert len(items) == len(green.firms_a)
    one = items[0]
    f = Figure.objects.get(pk=one["id"])
    assert one["set_ref"] == f.set_ref and one["emissions_ref"] == f.emissions_ref
    assert D(one["total_tce"]) == f.total_tce and one["enterprise"]["uscc"] == f.enterprise.uscc
    monthly = office.get("/api/green/figures?monthly=true&limit=500").json()["items"]
    assert all(m["month"] for m in monthly)
    assert p.client("enterprise").get("/api/green/zones").status_code == 403
    assert p.client("bank").get("/api/green/figures").json()["items"] == []


def test_a_green_list_in_the_api_is_what_was_published(green):
    p = green.platform
    criteria = services.parse_criteria({"max_intensity": "0.4"})
    published = services.publish_green_list(
        p.zone_a, 2025, "绿色名单", criteria, [p.bank_a], p.users["zone_admin"]
    )
    bank = p.client("bank")
    assert [x["id"] for x in bank.get("/api/green/lists").json()] == [published.pk]
    body = bank.get(f"/api/green/lists/{published.pk}").json()
    entries = list(published.entries.select_related("enterprise").order_by("position"))
    assert [e["enterprise"]["uscc"] for e in body["entries"]] == [e.enterprise.uscc for e in entries]
    assert body["criteria"] == published.criteria and body["set_ref"] == published.set_ref
    assert all(D(str(e["values"]["intensity_va"])) <= D("0.4") for e in body["entries"])
    assert p.client("bank_b").get(f"/api/green/lists/{published.pk}").status_code == 404
