"""Zone benchmarking core (gaoxin.benchmark): facts from firms, peer sets, gaps, contributions."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from gaoxin.benchmark import contributions, facts, gaps, peers, synth
from gaoxin.scoring import load_model, shipped
from gaoxin.scoring.engine import score
from tests.scoring.helpers import dataset

MODEL = load_model("zone-eval-2021")


def test_the_shipped_zone_model_has_the_official_weights():
    assert "zone-eval-2021" in shipped("zone") and "zone-eval-2021" not in shipped()
    assert MODEL.unit == "zone" and MODEL.weighted and MODEL.missing == "reweight"
    assert [(c.id, c.weight) for c in MODEL.top_categories] == [
        ("innovation", 20),
        ("structure", 20),
        ("green", 15),
        ("open", 15),
        ("quality", 30),
    ]
    inno = [i for i in MODEL.indicators if i.category == "innovation"]
    assert (inno[0].id, inno[0].weight("all")) == ("rd_institutions", 0.8)
    assert (inno[1].id, inno[1].weight("all")) == ("rd_staff_share", 1.2)
    assert {i.weight("all") for i in MODEL.indicators[2:]} == {1.0}  # unknown relative weights are 1


FIRMS = [
    # zone A: two firms; zone B: one
    {
        "uscc": "A1",
        "zone": "A",
        "employees": 100,
        "rd_staff": 10,
        "revenue": 1000,
        "rd_expense": 80,
        "rd_institution": "国家级",
        "equity_financing": 5,
        "established": dt.date(2025, 3, 1),
    },
    {
        "uscc": "A2",
        "zone": "A",
        "employees": 300,
        "rd_staff": 30,
        "revenue": 60000,
        "rd_expense": 600,
        "rd_institution": "市级",
        "equity_financing": 0,
    },
    {
        "uscc": "B1",
        "zone": "B",
        "employees": 50,
        "rd_staff": None,
        "revenue": 500,
        "rd_expense": None,
        "rd_institution": "省级",
    },
]
QUALS = [
    {"uscc": "A1", "kind": "hightech", "valid_from": dt.date(2023, 1, 1), "valid_to": dt.date(2025, 12, 31)},
    {"uscc": "A2", "kind": "tech_sme", "valid_from": dt.date(2025, 5, 1), "valid_to": dt.date(2025, 12, 31)},
    {"uscc": "B1", "kind": "hightech", "valid_from": dt.date(2022, 1, 1), "valid_to": dt.date(2024, 12, 31)},
]


def data():
    return dataset(FIRMS, qualifications=QUALS)


def test_zone_facts_from_firms_hand_worked():
    zf = {r["id"]: r for r in facts.zone_facts(data(), [2025]).iter_rows(named=True)}
    a, b = zf["A"], zf["B"]
    assert (a["firms"], a["staff"], a["rd_staff_fte"], a["revenue"], a["rd_expense"]) == (
        2,
        400,
        40,
        61000,
        680,
    )
    assert a["rd_institutions"] == 1 and a["firms_national_rd"] == 1  # 市级 does not count
    assert a["hightech_firms"] == 1 and a["new_tech_smes"] == 1 and a["vc_backed_firms"] == 1
    assert a["new_registered_firms"] == 1
    # R&D ≥ 5 %: A1 (8 %) yes, A2 (1 %) no → revenue 1000; big (> 5亿 = 50000万) and ≥ 5 %: none
    assert a["rd5_firm_revenue"] == 1000 and a["rd5_big_firms"] == 0
    # B: nobody reported R&D → missing, not 0; the expired high-tech title does not count
    assert b["rd_expense"] is None and b["rd_staff_fte"] is None and b["hightech_firms"] == 0
    assert b["rd_institutions"] == 1 and b["n:rd_expense"] == 0 and a["n:rd_expense"] == 2
    assert "2/2" in facts.source_text("rd_expense", a["n:rd_expense"], a["firms"], 2025)


def test_contribution_of_a_firm_to_a_ratio_and_to_a_count():
    parts = facts.firm_parts(data(), 2025).filter(pl.col("zone") == "A")
    out = {
        r["uscc"]: r for r in contributions.contributions(MODEL, "rd_intensity", parts).iter_rows(named=True)
    }
    # zone: 680 / 61000; without A1: 600 / 60000 = 1 %; without A2: 80 / 1000 = 8 %
    assert out["A1"]["zone_value"] == pytest.approx(680 / 61000)
    assert out["A1"]["contribution"] == pytest.approx(680 / 61000 - 0.01)  # raises the zone's intensity
    assert out["A2"]["contribution"] == pytest.approx(680 / 61000 - 0.08)  # pulls it down
    ranked = contributions.contributions(MODEL, "rd_intensity", parts)["uscc"].to_list()
    assert ranked == ["A1", "A2"]
    hi = {
        r["uscc"]: r["contribution"]
        for r in contributions.contributions(MODEL, "rd_institutions", parts).iter_rows(named=True)
    }
    assert hi == {"A1": 1.0, "A2": 0.0}
    assert "rd_intensity" in [i.id for i in contributions.computable(MODEL)]
    assert "gdp_share" not in [i.id for i in contributions.computable(MODEL)]
    with pytest.raises(ValueError):
        contributions.contributions(MODEL, "gdp_share", parts)


def test_a_contribution_that_needs_last_year_is_unknown_without_it():
    # staff_net_increase reads prev(staff): A1 new this year → without it the increase is smaller
    parts = facts.firm_parts(data(), 2025).filter(pl.col("zone") == "A")
    prev = parts.clear()
    out = contributions.contributions(MODEL, "staff_net_increase", parts, prev)
    assert out.filter(pl.col("uscc") == "A2")["contribution"][0] is None  # no previous year: unknown


@pytest.fixture(scope="module")
def scored():
    table = synth.synthetic_peers(MODEL, n=30, seed=4)
    out = score(MODEL, table, 2025).frame
    return peers.with_attributes(out, table, 2025), table


def test_peer_sets(scored):
    frame, _ = scored
    me = "P001"
    province = frame.filter(pl.col("id") == me)["province"][0]
    same = peers.peer_set(frame, me, "province")
    assert me not in same.ids and set(same.ids) == set(
        frame.filter((pl.col("province") == province) & (pl.col("id") != me))["id"]
    )
    top = peers.peer_set(frame, me, "top", top=5)
    assert len(top.ids) == 5 and me not in top.ids
    best = frame.filter(pl.col("id") != me).sort("total", descending=True)["id"].head(5).to_list()
    assert list(top.ids) == best
    named = peers.peer_set(frame, me, "named", named="P002")
    assert named.ids == ("P002",) and named.label.startswith("标杆")
    assert len(peers.peer_set(frame, me, "all").ids) == frame.height - 1
    for bad in ({"kind": "named", "named": me}, {"kind": "named", "named": "nope"}, {"kind": "x"}):
        with pytest.raises(peers.PeerError):
            peers.peer_set(frame, me, **bad)


def test_standings_rank_against_the_peer_set_only(scored):
    frame, _ = scored
    top = peers.peer_set(frame, "P003", "top", top=3)
    st = {s.dimension: s for s in peers.standings(frame, MODEL, "P003", top)}
    group = frame.filter(pl.col("id").is_in(["P003", *top.ids]))
    mine = frame.filter(pl.col("id") == "P003")["total"][0]
    assert st["total"].rank == 1 + int((group["total"] > mine).sum()) and st["total"].of == 4
    assert set(st) == {"total", "innovation", "structure", "green", "open", "quality"}


def test_gaps_hand_worked_on_two_zones():
    table = pl.DataFrame(
        {
            "id": ["A", "B", "C"],
            "name": ["甲", "乙", "丙"],
            "staff": [100.0, 200.0, 400.0],
            "rd_institutions": [1.0, 5.0, 9.0],
            "energy_tce": [10.0, 10.0, 30.0],
            "value_added": [100.0, 50.0, 100.0],
        }
    )
    frame = score(MODEL, table, None).frame
    named = peers.peer_set(frame, "A", "named", named="C")
    by = {g.indicator: g for g in gaps.gaps(frame, MODEL, "A", named)}
    # rd_institutions: A 1, C 9 → gap 8 institutions; min-max over A, B, C: A 0, C 100
    assert by["rd_institutions"].gap == 8 and by["rd_institutions"].score_gap == pytest.approx(100)
    # energy per value added (lower is better): A 0.1, B 0.2, C 0.3 → A is ahead: gap −0.2
    assert by["energy_per_value_added"].gap == pytest.approx(-0.2)
    assert by["energy_per_value_added"].score_gap == pytest.approx(-100)
    # nominal shares: rd_institutions 0.8 / 10.0 of innovation (20 / 100)
    assert by["rd_institutions"].share == pytest.approx(0.8 / 10.0 * 0.2)
    assert by["rd_institutions"].at_stake == pytest.approx(100 * 0.016)
    assert sum(gaps.shares(MODEL).values()) == pytest.approx(1.0)
