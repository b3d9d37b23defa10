"""Query counts that stay flat as the register grows (issue 15 item 2): the pages whose services were
made to read in aggregates (the cultivation ladder's counts, a bank's consented firms, the command
centre's investment summary, the investment home) issue as many SQL queries for a zone of a few dozen
firms as for the same zone after hundreds more firms, qualifications, consents, chain mappings, green
figures and a new ladder assessment — and no more than the pinned number.

Each page is requested once to warm the process (a finished run's counts, a finished pair's comparison,
the green roll-up are kept), then counted on its second request, before and after the growth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gaoxin.web.consent.models import Consent
from gaoxin.web.credit.models import ScoreRun
from gaoxin.web.cultivation import services as ladder
from gaoxin.web.cultivation.models import LadderRun
from gaoxin.web.green.models import Figure
from gaoxin.web.investment.models import ChainNode, NodeFirm
from gaoxin.web.registry.models import Enterprise, Qualification

YEAR = 2025
GROWTH = 400  # firms added to zone A between the two counts

# role, page ({ladder} = the zone's latest ladder run, {run} and {later} its first and latest score
# runs, {node} its first chain node), the most queries it may make. The cultivation home counts its
# trend and its pipelines in one query (9, was 10), the investment home reads the projects once for the
# funnel and the stalled (17, was 18); the command pages read the green figures' version once per
# green metric (three) and no figure (the world has green targets since), and the register's version
# (four small aggregates) in place of the years, the R&D sums and the tier counts (three, kept).
PAGES = [
    ("zone_admin", "/cultivation/", 9),
    ("zone_admin", "/cultivation/runs/{ladder}/", 4),
    ("zone_admin", "/cultivation/tiers/hightech/", 7),
    ("zone_admin", "/api/cultivation/tier-counts", 4),
    ("bank", "/consent/bank/", 5),
    ("bank", "/api/consent/profiles", 4),
    ("zone_admin", "/investment/", 17),
    ("zone_admin", "/investment/chains/", 13),
    ("zone_admin", "/command/", 33),
    ("zone_admin", "/command/report/", 39),
    ("zone_admin", "/api/investment/funnel", 7),
    # the green metrics' roll-up kept per figures' version, a finished pair's comparison kept, the
    # chain node's firms' figures read once, a finished run's explanation kept
    ("zone_admin", "/command/targets/", 14),
    ("zone_admin", "/api/command/targets", 14),
    ("zone_admin", "/credit/compare/?a={run}&b={later}", 7),
    ("zone_admin", "/investment/chains/nodes/{node}/", 16),
    ("enterprise", "/registry/my-enterprise/", 23),
]


@dataclass
class Ctx:
    """What the apps' demo steps read (a part of ``platform.demo.DemoContext``)."""

    zones: list
    users: dict
    year: int = YEAR
    report: list = field(default_factory=list)


@pytest.fixture
def world(platform):
    """The platform with zone A's ladder assessed, the demo's chains, projects and command data, energy
    data of a few firms with the green targets, and a second score run of zone A."""
    from gaoxin.scoring import load_model
    from gaoxin.web.command import demo as command_demo
    from gaoxin.web.credit.services import run_scores
    from gaoxin.web.green import demo as green_demo
    from gaoxin.web.investment import demo as investment_demo
    from tests.web.green.conftest import load

    zone, admin = platform.zone_a, platform.users["zone_admin"]
    ladder.run_assessment(zone, YEAR, admin)
    investment_demo.build(zone, dt.date(YEAR, 11, 30), user=admin, projects=30)
    command_demo.populate(Ctx([zone], {"zone_admin": admin}))
    load(zone, list(Enterprise.objects.filter(zone=zone).order_by("uscc")[:6]), platform.users["clerk"])
    green_demo._targets(zone)
    run_scores(zone, YEAR, load_model("national-2024"), None)
    _consents(platform, list(Enterprise.objects.filter(zone=zone).order_by("pk")[:20]))
    return platform


def _consents(platform, firms) -> None:
    now = timezone.now()
    Consent.objects.bulk_create(
        Consent(
            enterprise=e,
            bank=platform.bank_a,
            starts_at=now - dt.timedelta(days=1),
            expires_at=now + dt.timedelta(days=300),
            purpose="测试授权",
        )
        for e in firms
    )


def grow(platform, n: int) -> None:
    """``n`` more firms in zone A, each with a high-tech qualification, a consent to bank A and a place
    on a chain node; then a new ladder assessment of the zone (which reads them)."""
    zone = platform.zone_a
    firms = Enterprise.objects.bulk_create(
        Enterprise(uscc=f"91{i:016d}", name=f"增长测试企业{i}", zone=zone) for i in range(n)
    )
    Qualification.objects.bulk_create(
        Qualification(
            enterprise=e, kind="hightech", valid_from=dt.date(2021, 1, 1), valid_to=dt.date(2026, 12, 31)
        )
        for e in firms
    )
    _consents(platform, firms)
    nodes = list(ChainNode.objects.filter(chain__zone=zone).order_by("pk"))
    assert nodes, "the investment demo made no chain"
    NodeFirm.objects.bulk_create(
        NodeFirm(node=nodes[i % len(nodes)], enterprise=e) for i, e in enumerate(firms)
    )
    like = Figure.objects.filter(enterprise__zone=zone, month=0).order_by("pk").first()
    assert like is not None, "the world has no green figures"
    Figure.objects.bulk_create(
        Figure(**{**_fields(like), "enterprise_id": e.pk, "year": y}) for e in firms for y in (2024, 2025)
    )
    ladder.run_assessment(zone, YEAR, platform.users["zone_admin"])


def _fields(figure: Figure) -> dict:
    """A figure's values, to make others like it (the row's own id and firm left out)."""
    return {
        f.attname: getattr(figure, f.attname)
        for f in Figure._meta.concrete_fields
        if f.attname not in ("id", "enterprise_id")
    }


def count(platform, role: str, url: str) -> int:
    run = LadderRun.objects.filter(zone=platform.zone_a, status=LadderRun.Status.DONE).latest("pk")
    later = ScoreRun.objects.filter(zone=platform.zone_a, status=ScoreRun.Status.DONE).latest("pk")
    node = ChainNode.objects.filter(chain__zone=platform.zone_a).order_by("pk").first()
    url = url.format(ladder=run.pk, run=platform.run_a.pk, later=later.pk, node=node.pk)
    c = platform.client(role)
    assert c.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_register(world):
    small = {(role, url): count(world, role, url) for role, url, _pin in PAGES}
    before = Enterprise.objects.filter(zone=world.zone_a).count()
    grow(world, GROWTH)
    assert Enterprise.objects.filter(zone=world.zone_a).count() == before + GROWTH
    large = {(role, url): count(world, role, url) for role, url, _pin in PAGES}
    assert large == small  # flat: the same number of queries at both sizes, page by page
    for role, url, pin in PAGES:
        assert small[(role, url)] <= pin, (url, small[(role, url)], pin)


def test_the_bank_list_holds_every_live_consent_and_nothing_else(world):
    """The consented list (no longer intersected with every firm the bank sees) still lists exactly
    the firms with a consent live now to the bank: not a revoked one, not another bank's."""
    from gaoxin.web.consent import services

    bank_user = world.users["bank"]
    live = set(
        Consent.objects.filter(bank=world.bank_a, revoked_at__isnull=True).values_list(
            "enterprise_id", flat=True
        )
    )
    revoked = Consent.objects.filter(bank=world.bank_a).order_by("pk").first()
    revoked.revoked_at = timezone.now() - dt.timedelta(minutes=1)
    revoked.save()
    other = Enterprise.objects.filter(zone=world.zone_b).first()
    _other_bank = Consent.objects.create(
        enterprise=other,
        bank=world.bank_b,
        starts_at=timezone.now() - dt.timedelta(days=1),
        expires_at=timezone.now() + dt.timedelta(days=30),
        purpose="乙银行",
    )
    listed = set(services.bank_consents(bank_user).values_list("enterprise_id", flat=True))
    assert listed == live - {revoked.enterprise_id}
    assert other.pk not in listed


def test_finished_ladder_counts_are_kept_per_run_and_match_a_fresh_count(world):
    """A finished run's counts come from the kept copy on the second call (no query) and equal a
    count made afresh; a new run is counted anew."""
    from gaoxin.web.cultivation.models import LadderEntry

    zone = world.zone_a
    run = LadderRun.objects.filter(zone=zone, status=LadderRun.Status.DONE).latest("pk")
    first = ladder.status_counts(LadderEntry.objects.all(), run)
    with CaptureQueriesContext(connection) as ctx:
        again = ladder.status_counts(LadderEntry.objects.all(), run)
    assert len(ctx.captured_queries) == 0 and again == first
    fresh = {
        (t, s): LadderEntry.objects.filter(run=run, tier=t, status=s).count() for t in first for s in first[t]
    }
    assert all(first[t][s] == n for (t, s), n in fresh.items())
    # a scope that sees none of the run counts nothing (and shares nothing with the full scope)
    assert all(
        n == 0 for per in ladder.status_counts(LadderEntry.objects.none(), run).values() for n in per.values()
    )
    grow(world, 50)
    newer = LadderRun.objects.filter(zone=zone, status=LadderRun.Status.DONE).latest("pk")
    assert newer.pk != run.pk
    counts = ladder.status_counts(LadderEntry.objects.all(), newer)
    assert sum(counts["hightech"].values()) == sum(first["hightech"].values()) + 50


def test_tier_counts_grouped_by_kind_count_each_firm_once_per_year_end(world):
    """The grouped count: valid_from ≤ 31 Dec ≤ valid_to, a firm with two overlapping certificates of
    one kind once, a certificate ending before a year-end not in that year."""
    zone = world.zone_a
    years = [2021, 2022, 2023, 2024, 2025]
    before = ladder.tier_counts(zone, years)
    a, b = Enterprise.objects.bulk_create(
        [
            Enterprise(uscc="910000000000000001", name="甲", zone=zone),
            Enterprise(uscc="910000000000000002", name="乙", zone=zone),
        ]
    )
    Qualification.objects.bulk_create(
        [
            Qualification(
                enterprise=a, kind="gazelle", valid_from=dt.date(2021, 6, 1), valid_to=dt.date(2023, 12, 31)
            ),
            Qualification(
                enterprise=a, kind="gazelle", valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2025, 6, 30)
            ),
            Qualification(
                enterprise=b, kind="gazelle", valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2022, 12, 30)
            ),
        ]
    )
    after = ladder.tier_counts(zone, years)
    added = {y: after[y]["gazelle"] - before[y]["gazelle"] for y in years}
    assert added == {2021: 1, 2022: 1, 2023: 1, 2024: 1, 2025: 0}
    assert all(after[y][t] == before[y][t] for y in years for t in ladder.TIERS if t != "gazelle")


def test_tier_counts_of_several_zones_in_one_query_are_each_zones_count(world):
    """The supervision page's tier counts (one query for all its zones) equal ``tier_counts`` of each
    zone, in a scope too."""
    zones = [world.zone_a, world.zone_b]
    grow(world, 30)
    for year in (2023, 2025):
        with CaptureQueriesContext(connection) as ctx:
            together = ladder.tier_counts_by_zone(zones, year)
        # one count for all the zones, and one read of their register versions (the cache's key)
        counts = [q for q in ctx.captured_queries if "COUNT(DISTINCT" in q["sql"]]
        assert len(counts) == 1 and len(ctx.captured_queries) == 2
        assert together == {z.pk: ladder.tier_counts(z, [year])[year] for z in zones}
        few = Qualification.objects.filter(enterprise__in=Enterprise.objects.order_by("pk")[:40])
        assert ladder.tier_counts_by_zone(zones, year, few) == {
            z.pk: ladder.tier_counts(z, [year], few)[year] for z in zones
        }
    assert sum(together[world.zone_a.pk].values()) > 0
