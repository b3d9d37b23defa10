"""What the pages keep in the cache (issue 15 item 2) is exactly what they would compute afresh, and a
change of what it was computed from is seen on the next request:

- the green roll-up the command centre's metrics read (``green.services.zone_rollups``), under the
  version of the zone's whole-year figures;
- the register's aggregates the command centre's computed metrics read (years, R&D sums, firms, tier
  counts: ``command.services.register_figures``), under the register's version;
- the comparison of two finished runs (``credit.services.compare_runs``), per pair, scope, language and
  the register's last change; never while a run is unfinished;
- the zone benchmarking (``benchmark.services.benchmark``), under a digest of the facts, the peer table
  and the arguments: a request after the first scores and simulates nothing;
- a finished run's explanation of a firm (``credit.services.explain_in_run``), while the profile's "the
  data changed since the run" stays live.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.benchmark.facts import COMPUTED
from gaoxin.benchmark.synth import synthetic_peers
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.benchmark import services as benchmarking
from gaoxin.web.credit import services as credit
from gaoxin.web.credit.models import Score, ScoreRun
from gaoxin.web.green import services as green
from gaoxin.web.green.models import Figure
from gaoxin.web.registry.models import ChangeRecord, Enterprise
from tests.web.benchmark.conftest import workbook
from tests.web.green.conftest import load

YEAR = 2025


class Calls:
    """Counts the calls of a function it wraps (``monkeypatch.setattr(module, name, Calls(fn))``)."""

    def __init__(self, fn):
        self.fn, self.n = fn, 0

    def __call__(self, *args, **kwargs):
        self.n += 1
        return self.fn(*args, **kwargs)


# --- the green roll-up of the command centre's metrics ------------------------------------------------


def _firms(zone, n: int, skip: int = 0) -> list[Enterprise]:
    return list(Enterprise.objects.filter(zone=zone).order_by("uscc")[skip : skip + n])


def test_the_green_roll_up_is_the_zone_series_and_follows_the_figures(platform):
    zone, clerk = platform.zone_a, platform.users["clerk"]
    load(zone, _firms(zone, 6), clerk)
    first = green.zone_rollups(zone)
    assert first and first == green.zone_series(zone)  # what the green page rolls up, year by year
    last = max(first)
    assert green.metric_values("green:energy_intensity", zone, last) == {
        y: z.intensity for y, z in first.items() if z.intensity is not None
    }
    with CaptureQueriesContext(connection) as ctx:
        again = green.zone_rollups(zone)
    assert again == first and len(ctx.captured_queries) == 1  # the version only, no figures read

    # more firms' energy data imported: a new version, the new roll-up
    load(zone, _firms(zone, 3, skip=6), clerk, seed=4, name="more.xlsx")
    grown = green.zone_rollups(zone)
    assert grown == green.zone_series(zone) and grown[last].firms == first[last].firms + 3

    # one figure recomputed in place (same row, same count): seen too
    figure = Figure.objects.filter(enterprise__zone=zone, year=last, month=0).order_by("pk").first()
    figure.total_tce += 1000
    figure.save()
    moved = green.zone_rollups(zone)
    assert moved == green.zone_series(zone) and moved[last].energy_tce == grown[last].energy_tce + 1000


def test_the_green_page_reads_the_kept_roll_up_for_zone_staff_and_rolls_up_a_narrower_scope(
    platform, monkeypatch
):
    zone, clerk = platform.zone_a, platform.users["clerk"]
    load(zone, _firms(zone, 6), clerk)
    with monkeypatch.context() as m:  # the page computed afresh, without the kept roll-up
        m.setattr(green, "zone_rollups", green.zone_series)
        expected = green.zone_page(zone, None, visible(platform.users["zone_admin"], Figure))
    calls = Calls(green.zone_series)
    monkeypatch.setattr(green, "zone_series", calls)
    page = green.zone_page(zone, None, visible(platform.users["zone_admin"], Figure))
    assert calls.n == 0 and page["chart"] == expected["chart"] and page["rows"] == expected["rows"]
    # a reader who sees only some of the zone's figures gets the roll-up of what it sees
    some = Figure.objects.filter(pk__in=Figure.objects.filter(enterprise__zone=zone).order_by("pk")[:3])
    narrow = green.zone_page(zone, None, some)
    assert calls.n == 1 and narrow["rows"] != expected["rows"]


# --- the register's aggregates of the command centre ---------------------------------------------------


def test_the_command_centres_register_figures_are_kept_until_the_register_changes(platform, monkeypatch):
    from gaoxin.command.metrics import parse_metric
    from gaoxin.web.command import services as command
    from gaoxin.web.registry.models import AnnualReport, Qualification

    zone, on = platform.zone_a, dt.date(2026, 3, 15)
    metrics = [parse_metric(k) for k in ("tier_count:hightech", "rd_total", "firms")]
    kinds = {"tier_count", "rd_total", "firms"}
    uncached = command._read_aggregates

    def figures():
        f = command.register_figures(zone, metrics, on)
        return f.years, f.tiers, f.rd_totals, f.firms

    first = figures()
    assert first == uncached(zone, kinds, 2025) and first[0] == [2023, 2024, 2025]
    spy = Calls(uncached)
    monkeypatch.setattr(command, "_read_aggregates", spy)
    assert figures() == first and spy.n == 0  # kept: no report summed, no certificate counted

    # a report's R&D changed by an import or a correction (each leaves a change record)
    report = AnnualReport.objects.filter(enterprise__zone=zone, year=2025).order_by("pk").first()
    old = report.rd_expense
    report.rd_expense = (old or 0) + 1000
    report.save()
    ChangeRecord.objects.create(
        enterprise=report.enterprise, year=2025, field="rd_expense", old=str(old), new=str(report.rd_expense)
    )
    moved = figures()
    assert spy.n == 1 and moved == uncached(zone, kinds, 2025) and moved[2][2025] == first[2][2025] + 1000

    # a certificate added by hand (no import): the count of qualifications shows it
    firm = Enterprise.objects.filter(zone=zone).exclude(qualifications__kind="hightech").first()
    Qualification.objects.create(
        enterprise=firm, kind="hightech", valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2027, 12, 31)
    )
    more = figures()
    assert spy.n == 2 and more[1][2025]["hightech"] == first[1][2025]["hightech"] + 1

    # a report deleted: the count of reports shows it
    AnnualReport.objects.filter(pk=report.pk).delete()
    fewer = figures()
    assert spy.n == 3 and fewer[3][2025] == first[3][2025] - 1 and fewer == uncached(zone, kinds, 2025)

    # the page reads the same figures
    page = platform.client("zone_admin").get(reverse("command:targets"))
    assert page.status_code == 200 and spy.n == 3


# --- comparing two runs -------------------------------------------------------------------------------


@pytest.fixture
def later(platform) -> ScoreRun:
    """A second finished run of zone A over the same data."""
    from gaoxin.scoring import load_model

    return credit.run_scores(platform.zone_a, YEAR, load_model("national-2024"), None)


def test_a_comparison_of_finished_runs_is_kept_and_equals_a_fresh_one(platform, later, monkeypatch):
    run = platform.run_a
    scores = visible(platform.users["zone_admin"], Score)
    uncached = credit._compare_runs
    fresh = uncached(run, later, scores)
    spy = Calls(uncached)
    monkeypatch.setattr(credit, "_compare_runs", spy)
    first = credit.compare_runs(run, later, scores)
    again = credit.compare_runs(run, later, scores)
    assert first == fresh and again == fresh and spy.n == 1
    assert again.before is run and again.after is later  # the caller's instances

    # another scope is another entry (a scope never reads another's)
    few = Score.objects.filter(enterprise__in=_firms(platform.zone_a, 5))
    part = credit.compare_runs(run, later, few)
    assert spy.n == 2 and part == uncached(run, later, few) and part != first

    # a firm renamed (a correction or an import leaves a change record): the comparison reads it
    firm = Score.objects.filter(run=later).order_by("enterprise__uscc").first().enterprise
    old = firm.name
    firm.name = f"{old}（更名）"
    firm.save()
    ChangeRecord.objects.create(enterprise=firm, field="name", old=old, new=firm.name)
    renamed = credit.compare_runs(run, later, scores)
    assert spy.n == 3 and renamed == uncached(run, later, scores)
    names = {r["name"] for r in renamed.new + renamed.dropped} | {m.name for m in renamed.movers}
    assert old not in names

    # the page shows the same comparison as the service
    page = platform.client("zone_admin").get(reverse("credit:compare"), {"a": run.pk, "b": later.pk})
    assert page.status_code == 200 and page.context["result"] == renamed


def test_a_comparison_with_an_unfinished_run_is_never_kept(platform, later, monkeypatch):
    spy = Calls(credit._compare_runs)
    monkeypatch.setattr(credit, "_compare_runs", spy)
    later.status = ScoreRun.Status.RUNNING
    credit.compare_runs(platform.run_a, later)
    credit.compare_runs(platform.run_a, later)
    assert spy.n == 2
    later.status = ScoreRun.Status.DONE
    credit.compare_runs(platform.run_a, later)
    credit.compare_runs(platform.run_a, later)
    assert spy.n == 3


# --- the zone benchmarking ----------------------------------------------------------------------------


@pytest.fixture
def facts(platform):
    """Both zones' facts (computed from the registry, the rest of the return imported) and a peer
    table, as ``tests/web/benchmark/conftest.py`` makes them; the peer table is returned."""
    p, model = platform, benchmarking.zone_model()
    admin = p.users["platform_admin"]
    for zone in (p.zone_a, p.zone_b):
        benchmarking.compute_from_registry(zone, YEAR, admin)
    made_up = synthetic_peers(model, n=2, years=(YEAR - 1, YEAR), seed=3)
    rows = []
    for i, zone in enumerate((p.zone_a, p.zone_b)):
        for r in made_up.filter(made_up["id"] == f"P{i + 1:03d}").iter_rows(named=True):
            rows.append(
                {**{k: v for k, v in r.items() if k not in COMPUTED}, "id": zone.code, "name": zone.name}
            )
    allowed = {z.code: z for z in (p.zone_a, p.zone_b)}
    assert benchmarking.import_facts(workbook(rows), "return.xlsx", admin, allowed).applied
    return _peer_table(admin, seed=5)


def _peer_table(admin, seed: int):
    model = benchmarking.zone_model()
    peers = synthetic_peers(model, n=12, years=(YEAR - 1, YEAR), seed=seed)
    record, table = benchmarking.import_peers(
        workbook(list(peers.iter_rows(named=True))), f"peers-{seed}.xlsx", "全国", admin
    )
    assert table is not None, record.problems
    return table


def _fresh(zone, table, **kw):
    """The benchmarking computed afresh (the cache emptied first)."""
    cache.clear()
    return benchmarking.benchmark(zone, YEAR, table=table, **kw)


def test_the_benchmarking_is_kept_and_scores_nothing_on_the_next_request(platform, facts, monkeypatch):
    zone = platform.zone_a
    kw = {"full": True, "named_zones": {zone.code}}
    fresh = _fresh(zone, facts, **kw)
    cache.clear()
    scoring, analyse = Calls(benchmarking.score), Calls(benchmarking.mc.analyse)
    monkeypatch.setattr(benchmarking, "score", scoring)
    monkeypatch.setattr(benchmarking.mc, "analyse", analyse)
    first = benchmarking.benchmark(zone, YEAR, table=facts, **kw)
    assert (scoring.n, analyse.n) == (1, 1)
    again = benchmarking.benchmark(zone, YEAR, table=facts, **kw)
    assert (scoring.n, analyse.n) == (1, 1)  # no scoring, no simulation: the kept result
    assert repr(first) == repr(fresh) and repr(again) == repr(fresh)
    assert again.zone is zone and again.table is facts
    # other arguments are another result (the ranking withheld, another peer set)
    plain = benchmarking.benchmark(zone, YEAR, table=facts)
    assert scoring.n == 2 and not plain.ranking and again.ranking
    top = benchmarking.benchmark(zone, YEAR, kind="top", top=5, table=facts, **kw)
    assert scoring.n == 3 and repr(top) == repr(_fresh(zone, facts, kind="top", top=5, **kw))


def test_the_benchmarking_follows_an_import_of_facts_or_of_a_peer_table(platform, facts):
    zone, admin = platform.zone_a, platform.users["platform_admin"]
    kw = {"full": True, "named_zones": {zone.code}}
    before = benchmarking.benchmark(zone, YEAR, table=facts, **kw)
    # the zone's return imported again with another value: the next request sees it
    field = next(f.id for f in benchmarking.zone_model().fields if f.type != "text" and f.id not in COMPUTED)
    record = benchmarking.import_facts(
        workbook([{"id": zone.code, "name": zone.name, "year": YEAR, field: 123456.0}]),
        "fix.xlsx",
        admin,
        {zone.code: zone},
    )
    assert record.applied, record.problems
    changed = benchmarking.benchmark(zone, YEAR, table=facts, **kw)
    assert repr(changed) != repr(before)
    assert repr(changed) == repr(_fresh(zone, facts, **kw))
    # a new peer table (the supervision page takes the latest): its own result
    table = _peer_table(admin, seed=9)
    other = benchmarking.benchmark(zone, YEAR, table=table, **kw)
    assert other.table is table and repr(other) == repr(_fresh(zone, table, **kw))
    assert [r["name"] for r in other.ranking] != [r["name"] for r in changed.ranking]


# --- a finished run's explanation of a firm ----------------------------------------------------------


def test_a_runs_explanation_is_kept_while_data_changed_stays_live(platform, monkeypatch):
    run, firm = platform.run_a, platform.unlisted
    fresh = credit.explain_values(
        credit.run_model(run), credit.run_values(run), run.year, firm.uscc, levers=3
    )
    first = credit.explain_in_run(run, firm.uscc)
    assert repr(first.explanation) == repr(fresh) and not first.data_changed
    spy = Calls(credit.explain_values)
    monkeypatch.setattr(credit, "explain_values", spy)
    again = credit.explain_in_run(run, firm.uscc)
    assert spy.n == 0 and again.explanation == first.explanation

    # the register changes after the run: the explanation stays the run's, the page says so
    ChangeRecord.objects.create(enterprise=firm, field="name", old=firm.name, new=firm.name)
    later = credit.explain_in_run(run, firm.uscc)
    assert spy.n == 0 and later.explanation == first.explanation and later.data_changed
    page = platform.client("enterprise").get(reverse("registry:my_enterprise"))
    assert page.status_code == 200 and 'id="data-changed"' in page.content.decode()
    assert spy.n == 0
