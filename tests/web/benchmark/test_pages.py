"""The benchmark app's behaviour: facts with their sources, the import (round trip, every bad cell,
atomic), the benchmark page and API (rank interval, peer sets, gaps), contributions, the demo step."""

from __future__ import annotations

import re

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.benchmark.facts import firm_parts
from gaoxin.io.units import read_units
from gaoxin.web.benchmark import services
from gaoxin.web.benchmark.models import FactsImport, ZoneFacts
from gaoxin.web.registry.models import AnnualReport
from gaoxin.web.registry.services import zone_dataset
from tests.web.benchmark.conftest import PEERS, YEAR, workbook


def test_computed_facts_carry_their_source_and_match_the_registry(bench):
    p = bench.platform
    facts = ZoneFacts.objects.get(zone=p.zone_a, year=YEAR)
    reports = AnnualReport.objects.filter(enterprise__zone=p.zone_a, year=YEAR)
    revenue = sum(float(r.revenue) for r in reports if r.revenue is not None)
    assert facts.values["revenue"] == pytest.approx(revenue)
    reported = sum(r.revenue is not None for r in reports)
    assert f"{reported}/{reports.count()} 家企业填报" in facts.sources["revenue"]
    assert facts.sources["revenue"].startswith("园区企业年报合计：营业收入")
    # the imported part of the return keeps the file as its source
    assert facts.sources["value_added"].startswith("导入：return.xlsx")
    # the year before was computed too (growth indicators read it)
    assert ZoneFacts.objects.filter(zone=p.zone_a, year=YEAR - 1).exists()


def test_export_then_import_is_a_round_trip(bench):
    p = bench.platform
    before = {(f.zone_id, f.year): dict(f.values) for f in ZoneFacts.objects.all()}
    data = services.export_facts(ZoneFacts.objects.filter(zone=p.zone_a).select_related("zone"))
    record = services.import_facts(data, "back.xlsx", p.users["clerk"], {p.zone_a.code: p.zone_a})
    assert record.applied and record.rows == 2 and record.counts == {"created": 0, "updated": 2}
    after = {(f.zone_id, f.year): dict(f.values) for f in ZoneFacts.objects.all()}
    assert after.keys() == before.keys()
    for key, values in before.items():
        assert after[key].keys() == values.keys()
        for k, v in values.items():
            assert after[key][k] == (pytest.approx(v) if isinstance(v, float) else v), k


def test_a_file_with_bad_cells_is_refused_whole_naming_each_cell(bench):
    p = bench.platform
    header = "编码,名称,年度,营业收入（亿元）,研发经费内部支出（万元）,总绿地率\n"
    text = header + f"{p.zone_a.code},甲,{YEAR},12,abc,0.3\n" + f"{p.zone_a.code},甲,20x5,1,2,0.3\n"
    before = {f.pk: dict(f.values) for f in ZoneFacts.objects.all()}
    r = p.client("clerk").post(
        "/benchmark/facts/import/", {"file": SimpleUploadedFile("bad.csv", text.encode("utf-8"))}
    )
    record = FactsImport.objects.order_by("-id").first()
    assert r.status_code == 302 and r.url.endswith(f"/benchmark/imports/{record.pk}/")
    assert not record.applied
    cells = {(pr["row"], pr["column"], pr["value"]) for pr in record.problems if pr["severity"] == "error"}
    assert (2, "研发经费内部支出（万元）", "abc") in cells
    assert (3, "年度", "20x5") in cells
    assert {f.pk: dict(f.values) for f in ZoneFacts.objects.all()} == before  # nothing changed
    page = p.client("clerk").get(r.url).content.decode()
    assert "abc" in page and "20x5" in page
    report = p.client("clerk").get(f"/benchmark/imports/{record.pk}/problems/")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    # a good file in 亿元 is converted to the field's 万元
    good = header + f"{p.zone_a.code},甲,{YEAR},12,3000,30%\n"
    rec = services.import_facts(good.encode(), "good.csv", p.users["clerk"], {p.zone_a.code: p.zone_a})
    assert rec.applied
    values = ZoneFacts.objects.get(zone=p.zone_a, year=YEAR).values
    assert values["revenue"] == 120000.0 and values["rd_expense"] == 3000.0 and values["green_ratio"] == 0.3


def test_a_file_without_a_year_is_refused(bench):
    p = bench.platform
    text = f"编码,名称,总绿地率\n{p.zone_a.code},甲,0.3\n"
    rec = services.import_facts(text.encode(), "y.csv", p.users["clerk"], {p.zone_a.code: p.zone_a})
    assert not rec.applied and any(pr["reason"] == services.R_NO_YEAR for pr in rec.problems)


def test_the_template_reads_back_with_every_field(bench):
    read = read_units("t.xlsx", services.zone_model(), data=services.template(), name="t.xlsx")
    assert not read.errors and not [pr for pr in read.problems if pr.reason.startswith("无法识别")]


def test_the_benchmark_page_shows_the_rank_and_its_interval(bench):
    p = bench.platform
    b = services.benchmark(p.zone_a, YEAR, table=bench.table)
    assert b.scored == PEERS + 2 and b.from_table == PEERS
    iv = b.interval
    assert 1 <= iv.p05 <= iv.median <= iv.p95 <= iv.of == PEERS + 2
    assert iv.total_p05 <= iv.total_p95
    body = p.client("zone_admin").get(f"/benchmark/?table={bench.table.pk}").content.decode()
    assert f"第 {iv.rank} 名" in body or f"Rank {iv.rank} of" in body
    assert f"{iv.p05}" in body and f"{iv.p95}" in body
    assert 'class="range-bar"' in body and 'id="gaps"' in body
    # the same numbers on every view (seeded)
    again = services.benchmark(p.zone_a, YEAR, table=bench.table)
    assert again.interval == iv and [g.__dict__ for g in again.gaps] == [g.__dict__ for g in b.gaps]


def test_peer_sets_on_the_page_and_the_api(bench):
    p = bench.platform
    client = p.client("zone_admin")
    rows = [r for r in bench.table.rows if r["year"] == YEAR]
    same = sum(r.get("province") == "江苏" for r in rows)
    api = client.get(f"/api/benchmark/standing?peers=province&table={bench.table.pk}").json()
    assert api["peer_count"] == same and "江苏" in api["peers"]
    api = client.get(f"/api/benchmark/standing?peers=top&top=5&table={bench.table.pk}").json()
    assert api["peer_count"] == 5
    total = next(s for s in api["standings"] if s["dimension"] == "total")
    assert total["of"] == 6 and 1 <= total["rank"] <= 6
    named = rows[3]
    api = client.get(f"/api/benchmark/standing?peers=named&named={named['id']}&table={bench.table.pk}").json()
    gap = next(g for g in api["gaps"] if g["indicator"] == "rd_intensity")
    assert gap["peer_value"] == pytest.approx(named["rd_expense"] / named["revenue"])
    # without a peer table only the platform's zones are compared
    api = client.get("/api/benchmark/standing?table=0").json()
    assert api["scored"] == 2 and api["interval"]["of"] == 2
    assert client.get("/api/benchmark/standing?peers=bogus").status_code == 400
    assert client.get("/api/benchmark/standing?year=1999").status_code == 404


def test_a_zone_without_facts_is_told_what_to_do(bench):
    p = bench.platform
    body = p.client("zone_admin").get("/benchmark/?year=2019").content.decode()
    assert 'id="no-facts"' in body


def test_contributions_name_the_zones_firms_and_offer_no_way_to_drop_one(bench):
    p = bench.platform
    body = p.client("zone_admin").get(f"/benchmark/contributions/?indicator=rd_intensity&year={YEAR}").content
    body = body.decode()
    data = zone_dataset([p.zone_a], [YEAR])
    parts = firm_parts(data, YEAR)
    firms_a = set(parts["name"].to_list())
    shown = [n for n in firms_a if n in body]
    assert shown
    other = set(firm_parts(zone_dataset([p.zone_b], [YEAR]), YEAR)["name"].to_list())
    assert not [n for n in other if n in body]
    assert '<form method="post"' not in body and "exclude" not in body.lower()
    # hand check: the best contributor's contribution is the zone's intensity minus the one without it
    result = services.contributions_for(p.zone_a, YEAR, "rd_intensity")
    best = result["best"][0]
    rows = parts.filter(pl.col("rd_expense").is_not_null() & pl.col("revenue").is_not_null())
    rd, rev = parts["rd_expense"].sum(), parts["revenue"].sum()
    mine = parts.filter(pl.col("uscc") == best["uscc"]).row(0, named=True)
    without = (rd - (mine["rd_expense"] or 0)) / (rev - (mine["revenue"] or 0))
    assert rows.height and best["contribution"] == pytest.approx(rd / rev - without)
    assert p.client("zone_admin").get("/benchmark/contributions/?indicator=green_ratio").status_code == 404


def test_the_template_download_and_export_are_xlsx(bench):
    client = bench.platform.client("clerk")
    for url in ("/benchmark/facts/template/", "/benchmark/facts/export/"):
        r = client.get(url)
        assert r.status_code == 200 and r.content[:2] == b"PK"
    data = client.get("/benchmark/facts/export/").content
    read = read_units("e.xlsx", services.zone_model(), data=data, name="e.xlsx")
    assert read.frame["id"].unique().to_list() == [bench.platform.zone_a.code]


def test_peer_table_import_by_the_platform_administrator(bench):
    p = bench.platform
    rows = [dict(r) for r in bench.table.rows[:4]]
    r = p.client("platform_admin").post(
        "/benchmark/peers/", {"title": "小表", "file": SimpleUploadedFile("p.xlsx", workbook(rows))}
    )
    assert r.status_code == 302
    page = p.client("zone_admin").get("/benchmark/peers/").content.decode()
    assert "小表" in page and 'id="import-peers"' not in page


def test_the_demo_step(bench, tmp_path):
    from types import SimpleNamespace

    from gaoxin.web.benchmark import demo
    from gaoxin.web.benchmark.models import PeerTable

    p = bench.platform
    ctx = SimpleNamespace(
        year=YEAR, zones=[p.zone_a, p.zone_b], users={"admin": p.users["platform_admin"]}, report=[]
    )
    demo.populate(ctx)
    table = PeerTable.objects.order_by("-id").first()
    assert table.zones == demo.PEERS
    assert ctx.report and f"{demo.PEERS + 2} 个园区" in ctx.report[0]
    facts = ZoneFacts.objects.get(zone=p.zone_b, year=YEAR)
    assert facts.values["city_gdp"] > 0 and facts.sources["city_gdp"].startswith("导入：")


def test_the_profile_shows_how_sure_the_firms_rank_is(platform):
    from django.urls import reverse

    from gaoxin.scoring import uncertainty
    from gaoxin.web.benchmark import panels
    from gaoxin.web.credit.services import run_model, run_values

    p = platform
    firm = p.listed
    run = p.run_a
    model = run_model(run)
    expected = uncertainty.analyse(model, run_values(run), panels.SAMPLES, panels.NOISE, panels.SEED).frame
    row = expected.filter(pl.col("uscc") == firm.uscc).row(0, named=True)
    body = p.client("zone_admin").get(reverse("registry:enterprise", args=[firm.pk])).content.decode()
    assert 'id="rank-interval-panel"' in body
    assert (
        f"{row['rank_p05']} 至 {row['rank_p95']}" in body
        or f"between {row['rank_p05']} and {row['rank_p95']}" in body
    )
    # zone B's staff never get the panel of zone A's firm (the profile is a 404 for them anyway)
    assert panels.rank_interval_panel(p.users["zone_admin_b"], firm) is None
    assert panels.rank_interval_panel(p.users["bank_b"], firm) is None


def test_a_what_if_changes_a_value_and_shows_the_new_rank(bench):
    p = bench.platform
    facts = ZoneFacts.objects.get(zone=p.zone_a, year=YEAR)
    same = services.what_if(p.zone_a, YEAR, "rd_expense", facts.values["rd_expense"], bench.table)
    assert same.total_after == same.total_before and same.rank_after == same.rank_before
    more = services.what_if(p.zone_a, YEAR, "rd_expense", facts.values["rd_expense"] * 3, bench.table)
    assert more.total_after > more.total_before and more.rank_after <= more.rank_before
    assert more.of == PEERS + 2
    body = (
        p.client("zone_admin")
        .get(f"/benchmark/?table={bench.table.pk}&wf=rd_expense&wv={facts.values['rd_expense'] * 3}")
        .content.decode()
    )
    assert 'id="what-if-result"' in body and f"{more.rank_after}" in body
    assert ZoneFacts.objects.get(zone=p.zone_a, year=YEAR).values == facts.values  # nothing stored
    bad = p.client("zone_admin").get("/benchmark/?wf=name&wv=1").content.decode()
    assert 'id="what-if-result"' not in bad


@pytest.mark.django_db
def test_the_api_endpoints_are_pinned_with_auth_and_errors():
    from tests.web.api.schema import openapi_schema

    schema = openapi_schema()  # behind sign-in: as a signed-in caller is served it
    found = {(m, path): op for path, ops in schema["paths"].items() for m, op in ops.items()}
    mine = {k for k in found if k[1].startswith("/api/benchmark/")}
    assert mine == {("get", "/api/benchmark/standing"), ("get", "/api/benchmark/facts")}
    for key in mine:
        op = found[key]
        assert {"403", "404"} <= set(op["responses"]) and op.get("security"), key


def test_the_api_needs_a_login(bench):
    from django.test import Client

    assert Client().get("/api/benchmark/standing").status_code in (401, 403)


def test_the_page_shows_what_drives_the_ranking(bench):
    from gaoxin.scoring import uncertainty

    p = bench.platform
    b = services.benchmark(p.zone_a, YEAR, table=bench.table)
    model = services.zone_model()
    units = services.unit_table(YEAR, bench.table).drop("source")
    from gaoxin.scoring.engine import score

    loo = uncertainty.leave_one_out(model, score(model, units, YEAR, keep_values=True).values)
    assert [d["indicator"] for d in b.drivers] == loo["indicator"].to_list()[:10]
    assert b.drivers[0]["width"] == 100.0 and all(0 <= d["width"] <= 100 for d in b.drivers)
    body = p.client("zone_admin").get(f"/benchmark/?table={bench.table.pk}").content.decode()
    assert 'id="drivers"' in body and b.drivers[0]["name"] in body


@pytest.mark.parametrize("year", ["-1", "0", "99999", "1e999", "abc"])
def test_a_year_out_of_range_is_no_year_not_a_server_error(bench, year):
    """Found by bench/probe.py: ``?year=-1`` reached ``datetime.date`` (500)."""
    client = bench.platform.client("zone_admin")
    for page in ("/benchmark/contributions/?indicator=rd_intensity&year=", "/benchmark/?year="):
        assert client.get(page + year).status_code == 200, page


def test_a_supervisor_sees_contributions_by_name_only_where_the_zone_opens_firms_details(bench):
    """The contributions page reads the register directly; a supervisor of a zone whose rule keeps
    firms' details inside the zone sees each contribution, not whose it is (found by bench/probe.py)."""
    from django.test import Client

    from gaoxin.web.accounts.models import Role
    from gaoxin.web.registry.models import Region, Zone
    from tests.web.conftest import make_user

    p = bench.platform
    nation = Region.objects.create(code="cn", name="全国", level=Region.Level.NATION)
    Zone.objects.filter(pk__in=[p.zone_a.pk, p.zone_b.pk]).update(region=nation, details_to_supervisors=False)
    c = Client()
    c.force_login(make_user("nation", Role.SUPERVISOR, region=nation))
    url = f"/benchmark/contributions/?indicator=rd_intensity&zone={p.zone_a.code}"
    names = set(firm_parts(zone_dataset([p.zone_a], [YEAR]), YEAR)["name"].to_list())
    closed = c.get(url).content.decode()
    assert "details not open to you" in closed or "不向您开放" in closed
    assert not [n for n in names if n in closed] and not re.search(r"/registry/enterprises/\d+/", closed)
    Zone.objects.filter(pk=p.zone_a.pk).update(details_to_supervisors=True)
    opened = c.get(url).content.decode()
    assert [n for n in names if n in opened]


def test_the_facts_page_prints_numbers_with_thousands_separators(bench):
    p = bench.platform
    facts = ZoneFacts.objects.get(zone=p.zone_a, year=YEAR)
    revenue = facts.values["revenue"]
    assert revenue >= 1000
    body = p.client("zone_admin").get(f"/benchmark/facts/?year={YEAR}").content.decode()
    from gaoxin.io import display

    assert display.num(revenue) in body and "," in display.num(revenue)
    assert f">{revenue}<" not in body
