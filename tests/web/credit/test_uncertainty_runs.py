"""A score run with the uncertainty analysis (composite-model.md, issue 11): the platform runs the pure
core (``scoring.uncertainty``) with the run's seed and stores each firm's interval on its Score row;
the ranking, the exports, the lists, the profile and the leave-one-out page show them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gaoxin.io import display
from gaoxin.scoring import load_model
from gaoxin.scoring import uncertainty as mc
from gaoxin.web.credit import services
from gaoxin.web.credit.models import Score, ScoreRun

YEAR = 2025
FIELDS = (
    "enterprise_id",
    "rank",
    "rank_median",
    "rank_p05",
    "rank_p95",
    "total_p05",
    "total_p95",
    "list_share",
)


def _run(platform, **options) -> ScoreRun:
    model = load_model("example-zone")  # a model with lists (national-2024 has none)
    return services.run_scores(platform.zone_a, YEAR, model, platform.users["zone_admin"], **options)


def _rows(run) -> list[tuple]:
    return list(Score.objects.filter(run=run).order_by("enterprise_id").values_list(*FIELDS))


@pytest.fixture
def mc_run(platform):
    return _run(platform, uncertainty=True, samples=200)


def test_a_seeded_run_gives_identical_intervals_twice(platform, mc_run):
    again = _run(platform, uncertainty=True, samples=200)
    first, second = _rows(mc_run), _rows(again)
    assert first == second and all(r[2] is not None for r in first)
    assert mc_run.uncertainty_seed == again.uncertainty_seed == services.UNCERTAINTY_SEED
    other_seed = _rows(_run(platform, uncertainty=True, samples=200, seed=1))
    assert other_seed != first  # the seed is what makes it reproducible, not a constant answer


def test_the_stored_intervals_are_the_cores_and_contain_the_nominal_rank(platform, mc_run):
    model = services.run_model(mc_run)
    core = mc.analyse(model, services.run_values(mc_run), 200, services.UNCERTAINTY_NOISE, 0).frame
    by_uscc = {r["uscc"]: r for r in core.iter_rows(named=True)}
    stored = Score.objects.filter(run=mc_run).select_related("enterprise")
    widths = []
    for s in stored:
        c = by_uscc[s.enterprise.uscc]
        assert (s.rank_median, s.rank_p05, s.rank_p95) == (c["rank_median"], c["rank_p05"], c["rank_p95"])
        assert s.list_share == c["list_share"] and s.total_p05 == c["total_p05"]
        assert s.rank_p05 <= s.rank_median <= s.rank_p95
        if not s.vetoed:
            assert s.rank_p05 <= s.rank <= s.rank_p95, s.enterprise.uscc
        assert (s.list_share is None) == (s.list == "")
        widths.append(s.rank_p95 - s.rank_p05)
    assert max(widths) > 0  # the weights matter in this model: some ranks do move
    assert mc_run.sensitivity and {r["indicator"] for r in mc_run.sensitivity} == {
        i.id for i in model.all_indicators
    }


def test_a_run_without_the_option_stores_no_interval(platform):
    run = platform.run_a
    assert not run.uncertainty and run.sensitivity == []
    assert not Score.objects.filter(run=run, rank_p05__isnull=False).exists()


# --- the pages ------------------------------------------------------------------------------------------


def _page(client, name, *args, **params) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_run_form_offers_the_option_and_the_run_keeps_it(platform, monkeypatch):
    # the form asks for the default 1,000 weightings; 50 keep the test short
    monkeypatch.setattr(
        services.start_run, "__kwdefaults__", {**services.start_run.__kwdefaults__, "samples": 50}
    )
    client = platform.client("zone_admin")
    form = _page(client, "credit:runs")
    assert 'name="uncertainty"' in form and "评估排名稳健性（蒙特卡洛 1,000 次权重抽样）" in form
    response = client.post(
        reverse("credit:runs"), {"model": "shipped:national-2024", "year": YEAR, "uncertainty": "on"}
    )
    run = ScoreRun.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert run.status == "done" and run.uncertainty and run.uncertainty_samples == 50
    assert not Score.objects.filter(run=run, rank_p05__isnull=True).exists()
    page = _page(client, "credit:run", run.pk)
    assert "50 次权重抽样" in page and reverse("credit:run_sensitivity", args=[run.pk]) in page
    again = services.rerun(run, platform.users["zone_admin"])  # a re-run keeps the analysis
    assert again.uncertainty and _rows(again) == _rows(run)
    plain = client.post(reverse("credit:runs"), {"model": "shipped:national-2024", "year": YEAR})
    assert not ScoreRun.objects.get(pk=int(plain["Location"].rstrip("/").split("/")[-1])).uncertainty


def test_the_ranking_shows_the_interval_column_only_for_a_run_with_the_analysis(platform, mc_run):
    client = platform.client("zone_admin")
    page = _page(client, "credit:ranking", run=mc_run.pk, per=100)
    assert "排名区间（90%）" in page and page.count('class="rank-range-span"') == mc_run.scored
    first = Score.objects.filter(run=mc_run).order_by("rank", "-total", "enterprise__uscc").first()
    i = services.rank_interval(first)
    assert f"{first.rank_p05}–{first.rank_p95}" in page
    assert f'style="left: {i["left"]:.2f}%; width: {i["width"]:.2f}%"' in page
    assert i["left"] == pytest.approx(100 * (first.rank_p05 - 1) / first.cohort_size, abs=0.01)
    plain = _page(client, "credit:ranking", run=platform.run_a.pk)
    assert "排名区间（90%）" not in plain and "rank-range" not in plain


def test_the_exports_carry_the_interval_columns(platform, mc_run):
    import csv
    import io

    import openpyxl

    client = platform.client("zone_admin")
    response = client.get(reverse("credit:ranking_export"), {"run": mc_run.pk, "sort": "rank"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)["排名"]
    table = list(sheet.iter_rows(values_only=True))
    head = list(table[0])
    for header in services.INTERVAL_HEADERS.values():
        assert header in head
    stored = {s.enterprise.uscc: s for s in Score.objects.filter(run=mc_run).select_related("enterprise")}
    lo, hi, share = (head.index(services.INTERVAL_HEADERS[k]) for k in ("rank_p05", "rank_p95", "list_share"))
    for row in table[1:]:
        s = stored[row[0]]
        assert (row[lo], row[hi], row[share]) == (s.rank_p05, s.rank_p95, s.list_share)
    plain = client.get(reverse("credit:ranking_export"), {"run": platform.run_a.pk})
    plain_head = next(
        openpyxl.load_workbook(io.BytesIO(plain.content), read_only=True)["排名"].iter_rows(values_only=True)
    )
    assert services.INTERVAL_HEADERS["rank_p05"] not in plain_head

    published = services.publish_list(
        mc_run, title="稳健性", filters={"top": 5}, banks=[platform.bank_a], user=platform.users["zone_admin"]
    )
    text = client.get(reverse("credit:list_export", args=[published.pk, "csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert services.INTERVAL_HEADERS["rank_p95"] in rows[0] and len(rows) == 6


def test_a_published_list_marks_its_robust_members(platform, mc_run):
    published = services.publish_list(
        mc_run,
        title="稳健性",
        filters={"list": mc_run_list(mc_run)},
        banks=[platform.bank_a],
        user=platform.users["zone_admin"],
    )
    entries = list(published.entries.select_related("score"))
    robust = [e for e in entries if e.score.list_share >= services.ROBUST_SHARE]
    shaky = [e for e in entries if e.score.list_share < services.ROBUST_SHARE]
    assert robust and shaky  # the fixture's list has both kinds
    page = _page(platform.client("zone_admin"), "credit:list", published.pk)
    assert page.count('class="badge robust"') == len(robust)
    assert f"稳健成员（在评分记录至少 90% 的权重抽样下仍在所在名单内）：{len(robust)} 家" in page
    bank = _page(platform.client("bank"), "credit:bank_list", published.pk)  # the bank sees the same marks
    assert bank.count('class="badge robust"') == len(robust)
    plain = _page(platform.client("zone_admin"), "credit:list", platform.published.pk)
    assert "badge robust" not in plain and "robust-summary" not in plain


def mc_run_list(run) -> str:
    """The model's largest list (the most members, so some sit near its edge)."""
    return services.run_model(run).lists[-1].id


def test_the_profile_says_how_robust_the_firms_rank_is_and_only_to_who_may_see_it(platform, mc_run):
    firm = platform.unlisted  # the enterprise user's own firm
    mine = Score.objects.get(run=mc_run, enterprise=firm)
    expected = f"排名第 {mine.rank} 位，90% 的权重组合下在第 {mine.rank_p05}–{mine.rank_p95} 位之间"
    for role in ("zone_admin", "enterprise"):
        body = _page(platform.client(role), "registry:enterprise", firm.pk)
        assert 'id="rank-robustness-panel"' in body and expected in body, role
        assert 'id="rank-interval-panel"' not in body  # not estimated again beside the stored one
    top = Score.objects.filter(run=mc_run).exclude(list="").select_related("enterprise").first()
    name = {x.id: x.name.zh for x in services.run_model(mc_run).lists}[top.list]
    body = _page(platform.client("zone_admin"), "registry:enterprise", top.enterprise_id)
    assert f"在 {display.pct(top.list_share, 0)} 的权重组合下进入「{name}」名单" in body
    # the enterprise sees only itself: another firm's profile is not its to read, nor zone B's staff's
    from gaoxin.web.credit.panels import robustness_panel

    assert (
        platform.client("enterprise")
        .get(reverse("registry:enterprise", args=[top.enterprise_id]))
        .status_code
        == 404
    )
    assert robustness_panel(platform.users["enterprise"], top.enterprise) is None
    assert robustness_panel(platform.users["zone_admin_b"], firm) is None
    assert robustness_panel(platform.users["bank_b"], firm) is None


def test_the_leave_one_out_page(platform, mc_run):
    import json

    client = platform.client("zone_admin")
    page = _page(client, "credit:run_sensitivity", mc_run.pk)
    model = services.run_model(mc_run)
    core = mc.leave_one_out(model, services.run_values(mc_run))
    for r in core.iter_rows(named=True):
        assert f'data-indicator="{r["indicator"]}"' in page
    first = core.row(0, named=True)
    assert page.index(f'data-indicator="{first["indicator"]}"') < page.index(
        f'data-indicator="{core.row(-1, named=True)["indicator"]}"'
    )
    chart = json.loads(page.split('id="sensitivity-chart" type="application/json">')[1].split("</script>")[0])
    assert chart["kind"] == "hbar" and chart["y"][0] == model.indicator(first["indicator"]).name.zh
    assert chart["series"][1]["x"] == core["max_shift"].to_list()
    assert "vendor/plotly/plotly-finance.min.js" in page and "cdn" not in page.lower()
    # a run without the analysis: computed from its values file, the same numbers
    plain = services.sensitivity(platform.run_a, services.run_model(platform.run_a))
    again = mc.leave_one_out(services.run_model(platform.run_a), services.run_values(platform.run_a))
    assert [(r["indicator"], r["max_shift"]) for r in plain] == list(
        zip(again["indicator"], again["max_shift"], strict=True)
    )
    assert (
        platform.client("zone_admin_b").get(reverse("credit:run_sensitivity", args=[mc_run.pk])).status_code
        == 404
    )
    assert (
        platform.client("enterprise").get(reverse("credit:run_sensitivity", args=[mc_run.pk])).status_code
        == 403
    )


def test_the_services_audit_what_the_pages_do(platform, monkeypatch):
    """Issue 10: the audit calls are in the services; a page's action is recorded once, with its detail."""
    from gaoxin.web.accounts.models import AuditEvent

    monkeypatch.setattr(
        services.start_run, "__kwdefaults__", {**services.start_run.__kwdefaults__, "samples": 20}
    )
    client = platform.client("zone_admin")
    response = client.post(
        reverse("credit:runs"), {"model": "shipped:example-zone", "year": YEAR, "uncertainty": "on"}
    )
    run = ScoreRun.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    event = AuditEvent.objects.get(action="run_scores", object_id=str(run.pk))
    assert event.detail == {
        "model": "example-zone",
        "version": run.model_version,
        "year": YEAR,
        "uncertainty": 20,
    }
    assert event.user == platform.users["zone_admin"]
    client.post(reverse("credit:run_rerun", args=[run.pk]))
    again = ScoreRun.objects.latest("id")
    assert AuditEvent.objects.get(action="run_scores", object_id=str(again.pk)).detail["rerun_of"] == run.pk
    before = AuditEvent.objects.filter(action="export").count()
    client.get(reverse("credit:run_export", args=[run.pk]))
    client.get(reverse("credit:ranking_export"), {"run": run.pk, "stage": "growth"})
    exports = list(AuditEvent.objects.filter(action="export").order_by("id")[before:])
    assert [e.detail.get("what") for e in exports] == ["run", "ranking"]
    assert exports[1].detail["filters"] == {"stage": "growth"}


def test_the_api_gives_a_bank_the_intervals_and_refuses_an_unfinished_run(platform, mc_run):
    from django.test import Client

    from gaoxin.web.accounts.services import new_token

    c = Client(headers={"Authorization": f"Bearer {new_token(platform.users['zone_admin'], 'test')}"})
    run = c.get(f"/api/runs/{mc_run.pk}").json()
    assert run["uncertainty"] is True and run["uncertainty_samples"] == 200
    assert run["uncertainty_seed"] == services.UNCERTAINTY_SEED
    items = c.get(f"/api/runs/{mc_run.pk}/scores", {"limit": 500}).json()["items"]
    stored = {row[0]: row[1:] for row in _rows(mc_run)}
    assert items and all(
        stored[i["enterprise"]["id"]]
        == (
            i["rank"],
            i["rank_median"],
            i["rank_p05"],
            i["rank_p95"],
            i["total_p05"],
            i["total_p95"],
            i["list_share"],
        )
        for i in items
    )
    plain = c.get(f"/api/runs/{_run(platform).pk}/scores").json()["items"]
    assert plain and all(i["rank_p05"] is None and i["list_share"] is None for i in plain)

    ScoreRun.objects.filter(pk=mc_run.pk).update(status=ScoreRun.Status.RUNNING)
    refused = c.get(f"/api/runs/{mc_run.pk}/scores")
    assert refused.status_code == 409 and "尚未完成" in refused.json()["detail"]
    on_profile = c.get(f"/api/enterprises/{items[0]['enterprise']['id']}/scores").json()
    assert mc_run.pk not in {s["run"] for s in on_profile}
