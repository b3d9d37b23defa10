"""The green step of ``gaoxin demo`` gives what the issue's "done when" names: the zone officer sees the
zone's intensity against 0.4 tce/万元 over the years, the non-fossil and renewable shares and the ten
firms that weigh most; the demo firm sees its own figures (month by month too) with the coefficients
used; the change of coefficient set and back is recorded with why; a green list reached the demo bank."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.web.green import demo, services
from gaoxin.web.green.models import EnergyBatch, Figure, GreenList, Recompute
from gaoxin.web.registry.models import Enterprise
from tests.web.demo_steps import demo_context


def test_demo_step_shows_the_zone_and_the_firm(platform):
    p = platform
    firm = (
        Enterprise.objects.filter(zone=p.zone_a, reports__year=2025, reports__revenue__gt=0)
        .order_by("uscc")
        .first()
    )
    ctx = demo_context(
        p,
        {"zone_admin": p.users["zone_admin"], "clerk": p.users["clerk"], "firm": p.users["enterprise"]},
        firm,
    )
    demo.populate(ctx)
    assert ctx.report and "绿色低碳" in ctx.report[0]
    batch = EnergyBatch.objects.get(zone=p.zone_a)
    assert batch.department == demo.DEPARTMENT and batch.user == p.users["clerk"]  # provenance
    years = sorted(
        set(Figure.objects.filter(enterprise__zone=p.zone_a, month=0).values_list("year", flat=True))
    )
    assert years == [2023, 2024, 2025]  # every year the register has revenue for
    assert Figure.objects.filter(enterprise=firm, year=2025).exclude(month=0).count() == 12
    reasons = list(Recompute.objects.filter(zone=p.zone_a).order_by("pk").values_list("reason", flat=True))
    assert reasons[-2:] == ["对比等价值口径（演示）", "恢复 GB/T 2589-2020 当量值口径（演示）"]
    assert services.ensure_sets(p.zone_a).coefficients.ref.startswith("gbt2589-2020-equivalent@")
    listed = GreenList.objects.get(zone=p.zone_a)
    assert list(listed.banks.all()) == [p.bank_a] and listed.entries.exists()

    page = services.zone_page(p.zone_a)
    assert page["years"] == years and len(page["top_intensity"]) == 10
    assert page["chart"]["series"][1]["y"] == [0.4] * len(years)  # the 0.4 tce/万元 line, every year

    html = p.client("zone_admin").get(reverse("green:home")).content.decode()
    for part in ('id="intensity"', 'id="shares"', 'id="top-intensity"', 'id="top-renewable"'):
        assert part in html, part
    months = p.client("zone_admin").get(reverse("green:firm", args=[firm.pk])).content.decode()
    assert 'id="monthly"' in months and 'id="coefficients"' in months and firm.name in months
    bank = p.client("bank").get(reverse("green:list", args=[listed.pk]))
    assert bank.status_code == 200
