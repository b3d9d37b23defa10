"""The services the pages, the API and the command centre call: they feed the pure core the zone's rows
and hand its answers back (funnel, stalled, chain maps, gaps), and the writers keep the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin import investment as core
from gaoxin.web.credit.models import Score
from gaoxin.web.investment import services
from gaoxin.web.investment.models import Chain, ChainNode, InvestmentSettings, NodeFirm, Project, StageChange
from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification

from .conftest import TODAY

D = dt.date


def test_funnel_matches_the_pure_core(invest):
    zone = invest.zone_a
    f = services.funnel(zone)
    rows = list(Project.objects.filter(zone=zone))
    assert f.total == len(rows) == 60
    expected = core.funnel([services.path_of(p) for p in rows])
    assert f == expected
    # Reached counts by hand from the table: projects at the stage or beyond.
    for i, s in enumerate(core.STAGES):
        assert f.reached[s] == sum(1 for p in rows if core.stage_index(p.stage) >= i)
    assert f.dropped == sum(1 for p in rows if p.status == "dropped")
    # Zone B's project is not in zone A's funnel, and a user of zone A gets nothing of zone B.
    assert services.funnel(invest.zone_b).total == 1
    assert services.funnel(invest.zone_b, user=invest.users["zone_admin"]).total == 0


def test_funnel_as_of_a_date(invest):
    early = services.funnel(invest.zone_a, on=TODAY - dt.timedelta(days=365))
    assert early.total < services.funnel(invest.zone_a).total


def test_stalled_uses_the_zone_setting(invest):
    zone = invest.zone_a
    found = services.stalled_projects(zone, on=TODAY)
    assert found and all(s.days > 90 for s in found)
    assert all(s.project.status == "active" and s.project.stage != "operating" for s in found)
    assert [s.days for s in found] == sorted((s.days for s in found), reverse=True)
    longest = found[0].days
    InvestmentSettings.objects.filter(zone=zone).update(stalled_days=longest)
    assert services.stalled_projects(zone, on=TODAY) == []
    InvestmentSettings.objects.filter(zone=zone).update(stalled_days=0)
    assert len(services.stalled_projects(zone, on=TODAY)) > len(found)


@pytest.fixture
def small_chain(platform):
    """One chain of zone A with three nodes: 设计 (2 known firms), 制造 (empty), 封测 (1 firm), and
    figures set by hand: revenue of the zone's latest year, a high-tech qualification, scores."""
    zone = platform.zone_a
    year = (
        AnnualReport.objects.filter(enterprise__zone=zone).order_by("-year").values_list("year", flat=True)[0]
    )
    ents = list(
        Enterprise.objects.filter(zone=zone, reports__year=year, scores__run=platform.run_a).order_by("uscc")[
            :3
        ]
    )
    a, b, c = ents
    AnnualReport.objects.filter(enterprise=a, year=year).update(revenue=Decimal("6000.25"))
    AnnualReport.objects.filter(enterprise=b, year=year).update(revenue=Decimal("5000"))
    AnnualReport.objects.filter(enterprise=c, year=year).update(revenue=None)
    Qualification.objects.filter(enterprise__in=ents, kind="hightech").delete()
    Qualification.objects.create(
        enterprise=a, kind="hightech", valid_from=D(2024, 1, 1), valid_to=D(2099, 1, 1)
    )
    Qualification.objects.create(
        enterprise=b, kind="hightech", valid_from=D(2000, 1, 1), valid_to=D(2001, 1, 1)
    )
    Score.objects.filter(run=platform.run_a, enterprise=a).update(total=70.0)
    Score.objects.filter(run=platform.run_a, enterprise=b).update(total=50.0)
    Score.objects.filter(run=platform.run_a, enterprise=c).update(total=90.0)
    chain = Chain.objects.create(zone=zone, name="测试链", leader="链长甲")
    root = ChainNode.objects.create(chain=chain, name="芯片", order=0)
    design = ChainNode.objects.create(chain=chain, parent=root, name="设计", order=0)
    fab = ChainNode.objects.create(chain=chain, parent=root, name="制造", order=1)
    pack = ChainNode.objects.create(chain=chain, parent=root, name="封测", order=2)
    NodeFirm.objects.create(node=design, enterprise=a)
    NodeFirm.objects.create(node=design, enterprise=b)
    NodeFirm.objects.create(node=pack, enterprise=c)
    p1 = Project.objects.create(
        zone=zone, code="T1", name="制造项目", node=fab, stage="lead", lead_on=D(2026, 1, 1)
    )
    p2 = Project.objects.create(
        zone=zone, code="T2", name="封测项目", node=pack, stage="signed", signed_on=D(2026, 2, 1)
    )
    InvestmentSettings.objects.create(zone=zone, weak_min_firms=2, weak_min_revenue=Decimal("10000"))
    return {
        "chain": chain,
        "root": root,
        "design": design,
        "fab": fab,
        "pack": pack,
        "p1": p1,
        "p2": p2,
        "ents": ents,
    }


def test_chain_map_strength_from_the_register(small_chain, platform):
    (m,) = services.chain_maps(platform.zone_a)
    by_name = {v.node.name: v for v in m.nodes}
    assert [v.node.name for v in m.nodes] == ["芯片", "设计", "制造", "封测"]
    assert [v.node.name for v in m.roots] == ["芯片"] and len(m.roots[0].children) == 3
    design = by_name["设计"].strength
    assert design.firms == 2 and design.revenue == Decimal("11000.25")
    assert design.hightech_share == 0.5  # b's qualification expired long ago
    assert design.avg_score == pytest.approx(60.0)
    assert by_name["设计"].status == "ok"
    assert by_name["制造"].status == "empty" and by_name["制造"].projects == 1
    pack = by_name["封测"].strength
    assert pack.status == "weak" and pack.reasons == ("firms", "revenue")  # 1 firm, no revenue
    assert by_name["芯片"].strength.firms == 3 and by_name["芯片"].status == "ok"
    assert m.gaps == 2 and m.firms == 3


def test_chain_gaps_with_linked_projects(small_chain, platform):
    gaps = services.chain_gaps(platform.zone_a)
    assert [(g.node.name, [p.code for p in g.projects]) for g in gaps] == [("制造", ["T1"]), ("封测", ["T2"])]
    assert gaps[1].reasons  # translated reasons for the page
    # A zone B user sees none of it; zone B has its own chain.
    assert services.chain_gaps(platform.zone_a, user=platform.users["zone_admin_b"]) == []
    # Stronger thresholds make the design node a gap too.
    InvestmentSettings.objects.filter(zone=platform.zone_a).update(weak_min_score=65)
    assert "设计" in [g.node.name for g in services.chain_gaps(platform.zone_a)]


def test_node_detail(small_chain, platform):
    d = services.node_detail(small_chain["root"], user=platform.users["zone_admin"])
    assert d["view"].strength.firms == 3
    assert {f["mapping"].enterprise_id for f in d["firms"]} == {e.pk for e in small_chain["ents"]}
    d = services.node_detail(small_chain["fab"])
    assert [p.code for p in d["projects"]] == ["T1"]


def test_advance_drop_revive_link(small_chain, platform):
    user = platform.users["zone_admin"]
    p = small_chain["p1"]
    with pytest.raises(services.InvestmentError):
        services.advance(p, "lead", D(2026, 2, 1), user)  # not later
    with pytest.raises(services.InvestmentError):
        services.advance(p, "signed", D(2025, 12, 1), user)  # before the lead date
    with pytest.raises(services.InvestmentError):
        services.advance(p, "signed", services.today() + dt.timedelta(days=1), user)  # future
    with pytest.raises(services.InvestmentError):
        services.advance(p, "signed", None, user)
    change = services.advance(p, "signed", D(2026, 1, 1), user, "同日签约")  # skip negotiation, same day
    p.refresh_from_db()
    assert p.stage == "signed" and p.signed_on == D(2026, 1, 1) and p.negotiation_on is None
    assert (change.from_stage, change.stage, change.user) == ("lead", "signed", user)
    services.drop(p, D(2026, 3, 1), user, "投资方撤回")
    p.refresh_from_db()
    assert p.status == "dropped" and p.dropped_on == D(2026, 3, 1)
    with pytest.raises(services.InvestmentError):
        services.advance(p, "started", D(2026, 3, 2), user)
    with pytest.raises(services.InvestmentError):
        services.drop(p, D(2026, 3, 2), user)
    services.revive(p, D(2026, 3, 5), user)
    p.refresh_from_db()
    assert p.status == "active" and p.dropped_on is None
    assert StageChange.objects.filter(project=p).count() == 3
    ent = small_chain["ents"][0]
    assert services.find_enterprise(user, platform.zone_a, ent.uscc.lower()) == ent
    assert services.find_enterprise(user, platform.zone_a, ent.name) == ent
    with pytest.raises(services.InvestmentError):
        services.find_enterprise(user, platform.zone_a, platform.other.uscc)  # zone B's firm
    services.link_enterprise(p, ent, user)
    assert Project.objects.get(pk=p.pk).enterprise == ent
    with pytest.raises(services.InvestmentError):
        services.link_enterprise(p, platform.other, user)


def test_amount_by_stage_is_exact(small_chain, platform):
    Project.objects.filter(code="T2").update(amount=Decimal("0.1"))
    Project.objects.create(
        zone=platform.zone_a,
        code="T3",
        name="x",
        stage="signed",
        signed_on=D(2026, 2, 1),
        amount=Decimal("0.2"),
    )
    signed = next(r for r in services.amount_by_stage(platform.zone_a) if r["stage"] == "signed")
    assert signed["projects"] == 2 and signed["amount"] == Decimal("0.3")


def test_a_revived_project_counts_from_its_revival(platform):
    user = platform.users["zone_admin"]
    p = Project.objects.create(
        zone=platform.zone_a, code="R1", name="恢复", stage="lead", lead_on=D(2025, 1, 1)
    )
    on = D(2026, 6, 1)
    assert [s.project.pk for s in services.stalled_projects(platform.zone_a, on=on)] == [p.pk]
    services.drop(p, D(2025, 2, 1), user)
    assert services.stalled_projects(platform.zone_a, on=on) == []  # dropped: never stalls
    services.revive(p, D(2026, 5, 1), user)
    assert services.stalled_projects(platform.zone_a, on=on) == []  # 31 days since the revival
    (s,) = services.stalled_projects(platform.zone_a, on=D(2026, 9, 1))
    assert s.last_change == D(2026, 5, 1) and s.days == 123
