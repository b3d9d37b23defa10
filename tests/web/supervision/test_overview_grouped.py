"""The supervision overview reads its zones' loans, pools and score counts in grouped queries for the
whole region (issue 15 item 2): each zone's figures are still those the finance app computes for that
zone alone, and the page issues as many queries for two zones with loans as for one zone without."""

from __future__ import annotations

from decimal import Decimal as D

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.finance import loans as L
from gaoxin.web.accounts.scoping import covered
from gaoxin.web.credit.models import Score
from gaoxin.web.finance import services as finance
from gaoxin.web.finance.models import Application, Product
from gaoxin.web.registry.models import Enterprise, Zone
from tests.web.finance.conftest import fin  # noqa: F401  (the finance fixture: loans in both zones)
from tests.web.supervision.test_supervision import client_for, regions  # noqa: F401


def _lend(fin) -> None:  # noqa: F811
    """A disbursed loan in each zone, a defaulted one under zone A's pool, one still pending."""
    u = fin.p.users
    for app, bank in ((fin.app_a, u["bank"]), (fin.app_zb, u["bank_b"])):
        finance.act(bank, app, L.APPROVE, amount=D("60.5"), rate=D("3.45"), term=12, note="")
        finance.act(bank, app, L.DISBURSE)
    finance.act(u["bank"], Application.objects.get(pk=fin.app_a.pk), L.DEFAULT, note="逾期")
    # a second pool, in zone B, covering zone B's loan
    pool_b = finance.save_product(
        u["zone_admin_b"],
        zone=fin.p.zone_b,
        kind="pool",
        name="乙区风险池",
        rules={
            "split": {"government": "5", "guarantor": "0", "bank": "5"},
            "ceiling": "0.05",
            "fund_size": "500",
        },
    )
    Product.objects.filter(pk=fin.loan_zb.pk).update(pool=pool_b)


def _fields(stats) -> tuple:
    return (
        stats.total,
        stats.by_state,
        stats.by_grade,
        stats.by_stage,
        stats.borrowers,
        stats.first_time_borrowers,
    )


def test_each_zones_loans_and_pools_are_the_finance_apps_figures_for_that_zone(regions, fin):  # noqa: F811
    _lend(fin)
    nation = regions["users"]["nation"]
    r = client_for(nation).get(reverse("supervision:home"))
    assert r.status_code == 200
    rows = {row.zone.pk: row for row in r.context["rows"]}
    apps, products = covered(nation, Application), covered(nation, Product)
    for zone in (fin.p.zone_a, fin.p.zone_b):
        row, mine = rows[zone.pk], apps.filter(product__zone=zone)
        expected = finance.statistics(mine)
        assert expected.total.disbursed > 0  # each zone has lent: the comparison is not of zeros
        assert _fields(row.loans) == _fields(expected)
        pools = finance.pools(products.filter(zone=zone), mine)
        assert [p.pool.pk for p in row.pools] == [p.pool.pk for p in pools] and pools
        assert [p.state for p in row.pools] == [p.state for p in pools]
        assert [[c.pk for c in p.products] for p in row.pools] == [[c.pk for c in p.products] for p in pools]
    # zone A's default shows in its own pool's state only
    [a_pool] = rows[fin.p.zone_a.pk].pools
    [b_pool] = rows[fin.p.zone_b.pk].pools
    assert a_pool.state.ratio > 0 and b_pool.state.ratio == 0


def test_the_score_counts_are_the_zones_counts_by_grade_stage_and_list(regions, platform):  # noqa: F811
    nation = regions["users"]["nation"]
    r = client_for(nation).get(reverse("supervision:home"))
    rows = {row.zone.pk: row for row in r.context["rows"]}
    for zone in (platform.zone_a, platform.zone_b):
        row = rows[zone.pk]
        assert row.run is not None
        scores = covered(nation, Score).filter(run=row.run)
        for name, by in (("grades", "grade"), ("stages", "stage"), ("lists", "list")):
            expected = {x[by]: x["n"] for x in scores.order_by().values(by).annotate(n=Count("pk")) if x[by]}
            assert getattr(row, name) == dict(sorted(expected.items())), (zone.code, name)
        assert sum(row.stages.values()) == scores.count() > 0


def test_the_overview_makes_as_many_queries_for_more_zones_with_pools(regions, fin):  # noqa: F811
    _lend(fin)
    c = client_for(regions["users"]["nation"])
    url = reverse("supervision:home")
    c.get(url)
    with CaptureQueriesContext(connection) as before:
        assert c.get(url).status_code == 200
    for i in range(3):  # three more zones under the nation, each with a pool and an application
        zone = Zone.objects.create(code=f"extra{i}", name=f"新区{i}", region=regions["east"])
        Product.objects.create(zone=zone, kind=Product.Kind.POOL, name=f"池{i}", rules=fin.pool.rules)
        firm = Enterprise.objects.create(uscc=f"91000000000000{i:04d}", name=f"新区企业{i}", zone=zone)
        loan = Product.objects.create(
            zone=zone, kind=Product.Kind.LOAN, name=f"贷{i}", rules=fin.loan_zb.rules, bank=fin.loan_zb.bank
        )
        Application.objects.create(
            product=loan, enterprise=firm, bank=fin.loan_zb.bank, requested_amount=D("10"), requested_term=6
        )
    c.get(url)
    with CaptureQueriesContext(connection) as after:
        r = c.get(url)
    assert r.status_code == 200 and len(r.context["rows"]) == 5
    assert len(after.captured_queries) == len(before.captured_queries)
