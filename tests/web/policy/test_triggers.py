"""Triggers from the other modules: a new 高企 certificate in a registry import, a published score list and
a finished ladder assessment re-match (as a simulation) the published policies that read such data,
once the other module's transaction has committed, and name the firms now paid that the official list
does not pay; a policy that reads none of it is left alone."""

from __future__ import annotations

import datetime as dt

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.policy import services
from gaoxin.web.policy.models import MatchRun, Policy
from gaoxin.web.registry.models import Enterprise, ImportBatch, Qualification

YEAR = 2025
HEADER = """
doc_no: 测试〔2025〕9号
issuer: 测试区管委会
level: 区
valid: {from: 2025-01-01, to: 2026-12-31}
execution: 资格定补
"""
HIGHTECH = (
    "code: new-hightech\ntitle: 新认定高企奖励\n"
    + HEADER
    + """clauses:
  - id: hightech-new
    title: 当年新认定高新技术企业：20万元
    when: ["new(hightech)"]
    amount: 20
"""
)
CREDIT = (
    "code: credit-top\ntitle: 创新积分前三奖励\n"
    + HEADER
    + """clauses:
  - id: top3
    title: 创新积分排名前三：5万元
    when: ["score_rank <= 3"]
    amount: 5
"""
)
LADDER = (
    "code: ladder-hightech\ntitle: 高企培育入库奖励\n"
    + HEADER
    + """clauses:
  - id: seed
    title: 达到高企条件或接近：1万元
    when: ["ladder(hightech) or near(hightech)"]
    amount: 1
"""
)
REVENUE = (
    "code: revenue-only\ntitle: 营收奖励\n"
    + HEADER
    + """clauses:
  - id: big
    title: 营业收入不低于0：1万元
    when: ["revenue >= 0"]
    amount: 1
"""
)


def _publish(platform, text: str) -> Policy:
    admin = platform.users["zone_admin"]
    p = services.save_draft(platform.zone_a, text, admin)
    return services.publish_policy(p, admin)


def _triggered(policy: Policy) -> list[MatchRun]:
    return [r for r in policy.runs.filter(kind=MatchRun.Kind.SIMULATION) if "trigger" in r.summary]


def test_a_new_hightech_certificate_re_matches_and_names_the_firm(
    platform, django_capture_on_commit_callbacks
):
    admin = platform.users["zone_admin"]
    hightech, other = _publish(platform, HIGHTECH), _publish(platform, REVENUE)
    official = services.match(hightech, YEAR, admin, kind=MatchRun.Kind.OFFICIAL)
    firm = (
        Enterprise.objects.filter(zone=platform.zone_a)
        .exclude(qualifications__kind="hightech")
        .order_by("uscc")
        .first()
    )
    assert not official.awards.filter(enterprise=firm, eligible=True).exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = ImportBatch.objects.create(
            zone=platform.zone_a,
            file_name="高企认定名单.xlsx",
            sha256="x" * 64,
            department="科技局",
            user=admin,
        )
        Qualification.objects.create(
            enterprise=firm,
            kind="hightech",
            valid_from=dt.date(2025, 11, 20),
            valid_to=dt.date(2028, 11, 19),
            batch=batch,
        )
        assert not _triggered(hightech)  # nothing happens before the import is applied and committed
        batch.status = ImportBatch.Status.APPLIED
        batch.save(update_fields=["status"])
    assert len(callbacks) == 1
    (run,) = _triggered(hightech)
    assert run.year == YEAR and run.summary["trigger"]["kind"] == "qualification"
    assert run.summary["trigger"]["source"] == "高企认定名单.xlsx"
    assert run.summary["trigger"]["against"] == official.pk
    assert run.summary["trigger"]["new"] == [{"uscc": firm.uscc, "clause": "hightech-new"}]
    assert run.awards.get(enterprise=firm).amount == 20
    assert not _triggered(other)  # a policy that reads no qualification is not re-matched
    assert AuditEvent.objects.filter(action="policy_trigger", object_id=str(run.pk)).exists()

    page = platform.client("zone_admin").get("/policy/").content.decode()
    assert 'id="triggers"' in page and firm.name in page
    assert f"/policy/runs/{run.pk}/compare/{official.pk}/" in page
    # an import of another kind of qualification does not touch this policy
    with django_capture_on_commit_callbacks(execute=True):
        b2 = ImportBatch.objects.create(
            zone=platform.zone_a, file_name="瞪羚.xlsx", sha256="y" * 64, user=admin
        )
        Qualification.objects.create(
            enterprise=firm,
            kind="gazelle",
            valid_from=dt.date(2025, 3, 1),
            valid_to=dt.date(2027, 2, 28),
            batch=b2,
        )
        b2.status = ImportBatch.Status.APPLIED
        b2.save()
    assert len(_triggered(hightech)) == 1


def test_a_published_score_list_re_matches_the_rank_tier_policy(platform, django_capture_on_commit_callbacks):
    from gaoxin.web.credit.services import publish_list

    credit, other = _publish(platform, CREDIT), _publish(platform, HIGHTECH)
    with django_capture_on_commit_callbacks(execute=True):
        publish_list(
            platform.run_a,
            title="2025年创新积分榜",
            filters={"top": 10},
            banks=[platform.bank_a],
            user=platform.users["platform_admin"],
        )
    (run,) = _triggered(credit)
    t = run.summary["trigger"]
    assert t["kind"] == "score_list" and t["source"] == "2025年创新积分榜" and t["against"] is None
    top3 = set(platform.run_a.scores.filter(rank__lte=3).values_list("enterprise__uscc", flat=True))
    assert {n["uscc"] for n in t["new"]} == top3 and len(top3) >= 3  # no official list yet: all are new
    assert not _triggered(other)

    # once the official list pays them, the same list published again brings nobody new
    services.match(credit, YEAR, platform.users["zone_admin"], kind=MatchRun.Kind.OFFICIAL)
    with django_capture_on_commit_callbacks(execute=True):
        publish_list(
            platform.run_a,
            title="再次发布",
            filters={"top": 10},
            banks=[platform.bank_a],
            user=platform.users["platform_admin"],
        )
    latest = max(_triggered(credit), key=lambda r: r.pk)
    assert latest.summary["trigger"]["new"] == []


def test_a_finished_ladder_assessment_re_matches_ladder_policies(
    platform, django_capture_on_commit_callbacks
):
    from gaoxin.web.cultivation.services import run_assessment

    ladder, other = _publish(platform, LADDER), _publish(platform, CREDIT)
    with django_capture_on_commit_callbacks(execute=True):
        lrun = run_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    (run,) = _triggered(ladder)
    assert run.summary["trigger"]["kind"] == "ladder" and run.summary["trigger"]["source"] == f"#{lrun.pk}"
    paid = set(run.awards.filter(amount__gt=0).values_list("enterprise__uscc", flat=True))
    assert {n["uscc"] for n in run.summary["trigger"]["new"]} == paid
    assert not _triggered(other)


def test_a_draft_is_never_re_matched(platform, django_capture_on_commit_callbacks):
    from gaoxin.web.credit.services import publish_list

    draft = services.save_draft(platform.zone_a, CREDIT, platform.users["zone_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        publish_list(
            platform.run_a,
            title="榜单",
            filters={"top": 5},
            banks=[platform.bank_a],
            user=platform.users["platform_admin"],
        )
    assert not draft.runs.exists()


def test_a_failing_trigger_is_logged_and_never_reaches_the_other_module(
    platform, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from gaoxin.web.credit.services import publish_list

    credit = _publish(platform, CREDIT)

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "match", broken)
    with django_capture_on_commit_callbacks(execute=True):
        published = publish_list(
            platform.run_a,
            title="榜单",
            filters={"top": 5},
            banks=[platform.bank_a],
            user=platform.users["platform_admin"],
        )
    assert published.pk and published.entries.count() == 5  # the list stands
    assert not credit.runs.exists()
    assert "policy trigger failed" in caplog.text
