"""Cultivation services: tier counts at year-end boundaries, assessments (job, record, rows), settings,
candidates order, the pipeline toward a target."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import polars as pl
import pytest

from gaoxin import cultivation as rules
from gaoxin.web.cultivation import bulk_io, services
from gaoxin.web.cultivation.models import STATUS_ORDER, LadderEntry, LadderRun, LadderSettings
from gaoxin.web.platform.models import Job
from gaoxin.web.registry.models import Enterprise, Qualification
from gaoxin.web.registry.services import zone_dataset
from tests.web.conftest import YEAR

from .conftest import NEAR_A, qualify_firm

# --- tier counts -------------------------------------------------------------------------------------


def test_tier_counts_count_a_firm_in_a_year_when_valid_on_31_december(platform):
    zone = platform.zone_a
    Qualification.objects.filter(enterprise__zone=zone).delete()
    a, b, c = Enterprise.objects.filter(zone=zone).order_by("uscc")[:3]
    qualify_firm(a, "hightech", dt.date(2020, 1, 1), dt.date(2022, 12, 31))  # ends on 31 Dec 2022
    qualify_firm(
        b, "hightech", dt.date(2023, 1, 1), dt.date(2025, 12, 30)
    )  # starts 1 Jan 2023, lapses before 31 Dec 2025
    qualify_firm(c, "hightech", dt.date(2021, 12, 31), dt.date(2024, 6, 1))  # starts on 31 Dec 2021
    qualify_firm(c, "hightech", dt.date(2022, 6, 1), dt.date(2025, 6, 1))  # overlapping renewal: counts once
    qualify_firm(a, "tech_sme", dt.date(2023, 3, 1), dt.date(2023, 12, 31))
    counts = services.tier_counts(zone, [2020, 2021, 2022, 2023, 2024, 2025])
    assert [counts[y]["hightech"] for y in range(2020, 2026)] == [1, 2, 2, 2, 2, 0]
    assert [counts[y]["tech_sme"] for y in range(2020, 2026)] == [0, 0, 0, 1, 0, 0]
    assert set(counts[2020]) == set(services.TIERS)
    assert all(v == 0 for y in counts for t, v in counts[y].items() if t not in ("hightech", "tech_sme"))


def test_tier_counts_never_count_another_zones_firms(platform):
    Qualification.objects.all().delete()
    qualify_firm(platform.other, "gazelle", dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert services.tier_counts(platform.zone_a, [2024])[2024]["gazelle"] == 0
    assert services.tier_counts(platform.zone_b, [2024])[2024]["gazelle"] == 1
    assert services.tier_counts(platform.zone_a, []) == {}


def test_tier_counts_agree_with_the_register_for_the_synthetic_zone(platform):
    end = dt.date(YEAR, 12, 31)
    expected = (
        Qualification.objects.filter(enterprise__zone=platform.zone_a, kind="hightech")
        .filter(valid_from__lte=end, valid_to__gte=end)
        .values("enterprise")
        .distinct()
        .count()
    )
    assert services.tier_counts(platform.zone_a, [YEAR])[YEAR]["hightech"] == expected


# --- assessments --------------------------------------------------------------------------------------


def test_an_assessment_stores_every_firm_and_tier_as_the_rules_core_decides(ladder):
    run = ladder.ladder_a
    assert run.status == LadderRun.Status.DONE and run.finished is not None
    firms = Enterprise.objects.filter(zone=ladder.zone_a).count()
    assert run.assessed == firms
    assert run.entries.count() == firms * len(services.TIERS)
    assert set(run.rule_sets) == set(services.TIERS) and all(run.rule_sets.values())
    assert len(run.snapshot_sha256) == 64 and len(run.config_sha256) == 64 and run.code_version
    # Every stored row is the core's row: status, distance, gaps, next tier.
    data = zone_dataset([ladder.zone_a], years=range(YEAR - services.YEARS_READ, YEAR + 1))
    assert run.config == NEAR_A
    result = rules.qualify(data, YEAR, rules.load_config(NEAR_A), on=dt.date(YEAR, 12, 31))
    core = {(r["uscc"], r["tier"]): r for r in result.long.iter_rows(named=True)}
    stored = run.entries.select_related("enterprise")
    assert stored.count() == len(core)
    for e in stored:
        r = core[(e.enterprise.uscc, e.tier)]
        assert e.status == r["status"]
        assert e.status_order == STATUS_ORDER[r["status"]]
        assert e.distance == pytest.approx(r["distance"]) if r["distance"] is not None else e.distance is None
        assert [g["text_zh"] for g in e.gaps] == [g["text_zh"] for g in r["gaps"] or []]
        assert e.next_tier == (r["next_tier"] or "")
    # the high-tech rows carry the high-tech figures
    hightech = stored.filter(tier="hightech").exclude(status="ineligible").first()
    assert hightech is not None and "rd_threshold" in hightech.numbers


def test_the_same_data_and_settings_give_the_same_hashes(ladder):
    again = services.run_assessment(ladder.zone_a, YEAR, ladder.users["zone_admin"])
    first = ladder.ladder_a
    assert again.snapshot_sha256 == first.snapshot_sha256
    assert again.config_sha256 == first.config_sha256
    before = list(
        first.entries.order_by("enterprise_id", "tier").values_list(
            "enterprise_id", "tier", "status", "distance"
        )
    )
    after = list(
        again.entries.order_by("enterprise_id", "tier").values_list(
            "enterprise_id", "tier", "status", "distance"
        )
    )
    assert before == after


def test_submitting_runs_a_background_job_with_progress(platform):
    run = services.submit_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    run.refresh_from_db()
    assert run.status == LadderRun.Status.DONE
    assert run.job.kind == "ladder_run" and run.job.status == Job.Status.DONE and run.job.progress == 1.0
    assert run.job.result == {"ladder_run": run.pk, "assessed": run.assessed}
    assert services.run_progress(run) == {
        "status": "done",
        "progress": 1.0,
        "message": "",
        "assessed": run.assessed,
    }


def test_a_failing_assessment_is_marked_failed_with_the_reason(platform, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("规则出错")

    monkeypatch.setattr(rules, "qualify", broken)
    run = services.submit_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    run.refresh_from_db()
    assert run.status == LadderRun.Status.FAILED and run.finished is not None
    assert run.job.status == Job.Status.FAILED and "规则出错" in run.job.message
    assert not run.entries.exists()
    assert services.run_progress(run)["message"] == run.job.message


def test_the_zone_settings_change_what_counts_as_near(platform):
    admin = platform.users["zone_admin"]
    services.save_settings(platform.zone_a, {"near": {"hightech": 0.0}}, admin)
    strict = services.run_assessment(platform.zone_a, YEAR, admin)
    services.save_settings(platform.zone_a, {"near": {"hightech": 1000.0}}, admin)
    loose = services.run_assessment(platform.zone_a, YEAR, admin)
    assert strict.config == {"near": {"hightech": 0.0}}
    assert strict.config_sha256 != loose.config_sha256
    assert not strict.entries.filter(tier="hightech", status="near").exists()
    # with a very wide "near" every firm that is not ineligible, held or qualifying is near
    assert not loose.entries.filter(tier="hightech", status="far").exists()
    assert loose.entries.filter(tier="hightech", status="near").count() == (
        strict.entries.filter(tier="hightech", status="far").count()
    )


# --- settings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("near: {hightech: [", ("line 1", "第 1 行")),  # broken YAML: where
        ("- just\n- a list", "near: {hightech: 0.2}"),  # not a mapping: an example of the shape
        ("near: {hightech: 很近}", "near.hightech"),  # the core names the key
        ("gazelle: {cagr: -1}", "gazelle.cagr"),
        ("sme_rules: 2099", "sme_rules"),
        ("no_such_setting: 1", "no_such_setting"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_reason(text, needle):
    with pytest.raises(services.SettingsError) as found:
        services.parse_settings(text)
    assert any(n in str(found.value) for n in ((needle,) if isinstance(needle, str) else needle))


def test_good_settings_parse_and_round_trip(platform):
    text = 'near: {hightech: 0.3, tech_sme: 0.2}\nsme_rules: "2022"\n'
    config = services.parse_settings(text)
    assert config == {"near": {"hightech": 0.3, "tech_sme": 0.2}, "sme_rules": "2022"}
    assert services.parse_settings(services.settings_text(config)) == config
    assert services.parse_settings("") == {} and services.parse_settings("  \n") == {}
    services.save_settings(platform.zone_a, config, platform.users["zone_admin"])
    assert services.zone_config(platform.zone_a) == config
    assert services.zone_config(platform.zone_b) == {}
    with pytest.raises(services.SettingsError):
        services.save_settings(platform.zone_a, {"near": {"hightech": "x"}}, platform.users["zone_admin"])
    assert LadderSettings.objects.get(zone=platform.zone_a).config == config


def test_the_defaults_show_every_setting():
    defaults = services.default_settings()
    assert {"near", "sme_rules", "gazelle", "unicorn", "leading"} <= set(defaults)
    assert (
        services.parse_settings(services.settings_text(defaults)) == defaults
    )  # the core takes its own defaults


# --- candidates --------------------------------------------------------------------------------------------


def test_candidates_qualify_first_then_near_by_smallest_gap(ladder):
    run = ladder.ladder_a
    rows = list(services.candidates(LadderEntry.objects.all(), run, "hightech"))
    assert rows, "the synthetic zone has high-tech candidates"
    assert {e.status for e in rows} <= {"qualifies", "near"}
    keys = [(e.status_order, e.distance, e.enterprise.uscc) for e in rows]
    assert keys == sorted(keys)
    expected = run.entries.filter(tier="hightech", status__in=["qualifies", "near"]).count()
    assert len(rows) == expected
    everything = list(services.candidates(LadderEntry.objects.all(), run, "hightech", status="all"))
    assert len(everything) == run.assessed
    far = services.candidates(LadderEntry.objects.all(), run, "hightech", status="far")
    assert all(e.status == "far" for e in far)
    one = rows[0].enterprise
    assert [
        e.enterprise for e in services.candidates(LadderEntry.objects.all(), run, "hightech", q=one.uscc)
    ] == [one]


def test_the_export_lists_each_firm_once_with_its_gaps_in_chinese(ladder):
    import io

    import openpyxl

    run = ladder.ladder_a
    qs = services.candidates(LadderEntry.objects.all(), run, "hightech")
    content = bulk_io.export_candidates(run, "hightech", qs, "状态：候选")
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb["候选企业"]
    header = [c.value for c in ws[1]]
    assert header[:9] == [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "高新技术领域",
        "状态",
        "差距（越小越近）",
        "缺少的条件数",
        "缺少的条件",
        "下一梯度",
    ]
    body = list(ws.iter_rows(min_row=2, values_only=True))
    entries = list(qs)
    assert [r[1] for r in body] == [e.enterprise.uscc for e in entries]
    assert len({r[1] for r in body}) == len(body)
    for r, e in zip(body, entries, strict=True):
        assert r[4] == services.STATUS_ZH[e.status]
        assert r[6] == len(e.gaps)
        for g in e.gaps:
            assert g["text_zh"] in (r[7] or "")
    info = {r[0]: r[1] for r in wb["说明"].iter_rows(values_only=True)}
    assert info["梯度"] == "高新技术企业" and info["评估记录"] == f"#{run.pk}"
    assert info["数据快照 SHA-256"] == run.snapshot_sha256


# --- the ladder of one firm and the pipeline ---------------------------------------------------------------


def test_a_firms_ladder_is_its_rows_of_the_latest_run_in_ladder_order(ladder):
    firm = ladder.unlisted
    older = ladder.ladder_a
    newer = services.run_assessment(ladder.zone_a, YEAR, ladder.users["zone_admin"])
    found = services.enterprise_ladder(LadderEntry.objects.all(), firm)
    assert found.run == newer != older
    assert [r["tier"] for r in found.rows] == list(services.TIERS)
    for row in found.rows:
        assert row["gaps"] == [g["text_zh"] for g in row["entry"].gaps]
    assert found.next_tier == (
        newer.entries.filter(enterprise=firm)
        .exclude(next_tier="")
        .values_list("next_tier", flat=True)
        .first()
        or ""
    )
    assert services.enterprise_ladder(LadderEntry.objects.none(), firm) is None


def test_the_pipeline_compares_year_end_counts_with_the_straight_path(platform):
    zone = platform.zone_a
    Qualification.objects.filter(enterprise__zone=zone).delete()
    firms = list(Enterprise.objects.filter(zone=zone).order_by("uscc")[:6])
    for n, firm in enumerate(firms):  # 2 at the end of 2023, 4 at the end of 2024, 6 at the end of 2025
        qualify_firm(firm, "hightech", dt.date(2023 + n // 2, 6, 1), dt.date(2030, 1, 1))
    target = SimpleNamespace(
        pk=1,
        name="高新技术企业数",
        metric="tier_count:hightech",
        baseline_value=2,
        baseline_year=2023,
        target_value=12,
        target_year=2027,
    )
    statuses = {"hightech": {"qualifies": 3, "near": 5}}
    (pipe,) = services.pipelines([target], zone, statuses, this_year=2025)
    assert pipe.years == [2023, 2024, 2025, 2026, 2027]
    assert pipe.actual == [2, 4, 6, None, None]
    assert pipe.expected == [2.0, 4.5, 7.0, 9.5, 12.0]
    assert pipe.year == 2025 and pipe.short == 6
    assert pipe.progress.status == "off_track"  # 1 short of 7, more than 5 % of the change of 10
    assert pipe.progress.expected == 7.0 and pipe.progress.actual == 6
    assert pipe.candidates == 8
    assert pipe.chart["series"][0]["y"] == [2, 4, 6, None, None]
    assert services.pipelines([], zone, statuses) == []


def test_entry_rows_skip_firms_that_left_the_zone(ladder):
    result = SimpleNamespace(
        long=pl.DataFrame(
            {
                "uscc": ["X"],
                "tier": ["hightech"],
                "status": ["near"],
                "distance": [0.1],
                "gaps": [[]],
                "next_tier": [None],
            },
            schema_overrides={"gaps": pl.List(pl.Struct({"condition": pl.Utf8}))},
        ),
        wide=None,
    )
    columns, n = services.entry_rows(ladder.ladder_a, result, {})
    assert n == 0 and columns["enterprise_id"] == []


def test_names_and_gaps_follow_the_readers_language():
    from django.utils import translation

    gap = {
        "condition": "x",
        "label_zh": "研发",
        "text_zh": "研发费用占比 3.6% < 4%",
        "text_en": "R&D ratio 3.6% < 4%",
    }
    with translation.override("zh-hans"):
        assert services.tier_name("hightech") == "高新技术企业"
        assert services.gap_text(gap) == "研发费用占比 3.6% < 4%"
        assert services.status_label("near") == "接近"
    with translation.override("en"):
        assert services.tier_name("hightech") == "High-tech enterprise"
        assert services.gap_text(gap) == "R&D ratio 3.6% < 4%"
        assert services.gap_text({**gap, "text_en": None}) == "研发费用占比 3.6% < 4%"
        assert services.status_label("near") == "near"


def test_a_panic_in_the_engine_fails_the_job_instead_of_leaving_it_running(platform, monkeypatch):
    class Panic(BaseException):  # what pyo3 raises when Rust code panics
        pass

    def panics(*args, **kwargs):
        raise Panic("assertion failed")

    monkeypatch.setattr(rules, "qualify", panics)
    run = services.submit_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    run.refresh_from_db()
    assert run.status == LadderRun.Status.FAILED
    assert run.job.status == Job.Status.FAILED and "Panic: assertion failed" in run.job.message
    with pytest.raises(RuntimeError):
        services.run_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    assert LadderRun.objects.filter(status=LadderRun.Status.FAILED).count() == 2


def test_renewals_due_in_the_next_round_are_listed_soonest_first(platform):
    zone = platform.zone_a
    Qualification.objects.filter(enterprise__zone=zone, kind="hightech").delete()
    soon, later, safe = Enterprise.objects.filter(zone=zone).order_by("uscc")[:3]
    qualify_firm(soon, "hightech", dt.date(YEAR - 2, 3, 1), dt.date(YEAR + 1, 2, 28))
    qualify_firm(
        later, "hightech", dt.date(YEAR - 1, 1, 1), dt.date(YEAR + 1, 12, 31)
    )  # the window's last day
    qualify_firm(safe, "hightech", dt.date(YEAR, 1, 1), dt.date(YEAR + 2, 12, 31))
    run = services.run_assessment(zone, YEAR, platform.users["zone_admin"])
    due = list(services.candidates(LadderEntry.objects.all(), run, "hightech", status="renewal"))
    assert [e.enterprise for e in due] == [soon, later]
    assert due[0].status == "holds" and due[0].numbers["held_until"] == f"{YEAR + 1}-02-28"
    holds = services.candidates(LadderEntry.objects.all(), run, "hightech", status="holds")
    assert {e.enterprise for e in holds} == {soon, later, safe}
