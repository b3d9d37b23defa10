"""The zone's own corrections and decisions through the pages: settings (checked by the core before they
are saved), a new incubator, the self-evaluation, an admission decided with its reason, an expert's scores."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.carriers import services
from gaoxin.web.carriers.models import Admission, CarrierSettings, ChallengeReview, Incubator, IncubatorGrade

pytestmark = pytest.mark.django_db


def _settings_form(**over):
    data = {
        "stalled_days": "90",
        "incubator_rules": json.dumps({"min_firms": 60}),
        "reward_schedule": json.dumps({"tutoring_filed": "30", "listed": "500"}),
        "reward_netting": "per_stage",
        "reward_cap": "",
        "payment_shares": "60/20/20",
        "min_first_share": "0.6",
        "self_evaluation": "",
        "admission": "",
    }
    data.update(over)
    return data


def test_settings_change_the_rules_and_a_bad_value_is_refused(carriers):
    zone = carriers.platform.zone_a
    c = carriers.client("zone_admin")
    before = {ch.code: ch.passed for ch in services.incubator_views(zone, services.today())[0].checks}
    assert before["firms"] is True  # 54 firms ≥ 50
    assert c.post("/carriers/settings/", _settings_form()).status_code == 302
    s = CarrierSettings.objects.get(zone=zone)
    assert s.stalled_days == 90 and s.incubator_rules == {"min_firms": 60}
    after = {ch.code: ch for ch in services.incubator_views(zone, services.today())[0].checks}
    assert after["firms"].passed is False and after["firms"].gap == 6  # 54 against 60
    # an unknown threshold, or shares that do not sum to 100 %, are refused and nothing changes
    r = c.post("/carriers/settings/", _settings_form(incubator_rules=json.dumps({"no_such": 1})))
    assert r.status_code == 400 and "no_such" in r.content.decode()
    r = c.post("/carriers/settings/", _settings_form(payment_shares="50/20/20"))
    assert r.status_code == 400
    r = c.post(
        "/carriers/settings/", _settings_form(payment_shares="50/30/20")
    )  # first below the 60 % minimum
    assert r.status_code == 400
    assert CarrierSettings.objects.get(zone=zone).payment_shares == ["0.6", "0.2", "0.2"]
    assert AuditEvent.objects.filter(action="carriers_settings").count() == 1


def test_secondary_and_unfound_numbers_are_settings_by_section(carriers):
    zone = carriers.platform.zone_a
    c = carriers.client("zone_admin")
    day = services.today()
    overdue_48 = sum(len(v.overdue) for v in services.incubator_views(zone, day))
    rules = {"period": {"max_months": 12}, "star": {"caps": ["1", "1", "1", "1", "1"]}, "min_firms": 50}
    assert c.post("/carriers/settings/", _settings_form(incubator_rules=json.dumps(rules))).status_code == 302
    assert sum(len(v.overdue) for v in services.incubator_views(zone, day)) > overdue_48
    for v in services.reserve_views(zone, day, 2024):  # every market-value condition is now met
        assert all(ch.passed for st in v.standards for ch in st.checks if ch.code == "market_cap")
    r = c.post(
        "/carriers/settings/", _settings_form(incubator_rules=json.dumps({"period": {"max_month": 1}}))
    )
    assert r.status_code == 400 and "max_month" in r.content.decode()


def test_a_new_incubator_the_self_evaluation_and_an_admission(carriers):
    c = carriers.client("zone_admin")
    r = c.post(
        "/carriers/incubators/new/",
        {"code": "FH-009", "name": "新建孵化器", "kind": "incubator", "level": "none", "graduates_before": 0},
    )
    inc = Incubator.objects.get(zone=carriers.platform.zone_a, code="FH-009")
    assert r.status_code == 302
    again = c.post(
        "/carriers/incubators/new/",
        {"code": "FH-009", "name": "重复", "kind": "incubator", "level": "none", "graduates_before": 0},
    )
    assert again.status_code == 400
    # a clerk keeps registers but does not save the self-evaluation or decide admissions
    url = f"/carriers/incubators/{carriers.incubator.pk}/action/"
    assert carriers.client("clerk").post(url, {"action": "self_evaluation"}).status_code == 403
    c.post(url, {"action": "self_evaluation"})
    g = IncubatorGrade.objects.get(incubator=carriers.incubator, source="self", year=services.today().year)
    assert g.grade in "ABCD" and g.detail
    adm = Admission.objects.get(incubator=carriers.incubator)
    c.post(url, {"action": "decide_admission", "admission": adm.pk, "decision": "admitted", "reason": ""})
    assert Admission.objects.get(pk=adm.pk).decision == "pending"  # a decision needs its reason
    c.post(
        url,
        {
            "action": "decide_admission",
            "admission": adm.pk,
            "decision": "admitted",
            "reason": "得分高于入驻线",
        },
    )
    adm.refresh_from_db()
    assert adm.decision == "admitted" and adm.decided_by == carriers.platform.users["zone_admin"]
    assert inc.zone == carriers.platform.zone_a


def test_an_expert_scores_within_the_rubric_while_the_review_is_open(carriers):
    ch = carriers.challenge
    ch.status = "review"
    ch.save()
    review = ChallengeReview.objects.filter(expert__user=carriers.experts["expert1"]).first()
    c = carriers.client("expert1")
    assert "评分" in c.get(f"/carriers/reviews/{review.pk}/").content.decode()
    over = {
        "action": "score",
        "c_route": "31",
        "c_team": "10",
        "c_indicators": "10",
        "c_budget": "10",
        "c_transfer": "10",
    }
    assert c.post(f"/carriers/reviews/{review.pk}/", over).status_code == 400  # route is out of 30
    ok = dict(over, c_route="25")
    assert c.post(f"/carriers/reviews/{review.pk}/", ok).status_code == 302
    review.refresh_from_db()
    assert review.total == 65 and review.scores["route"] == "25"


def test_admission_fields_come_from_the_model_and_official_grades_feed_the_title_risk(carriers):
    c = carriers.client("clerk")
    url = f"/carriers/incubators/{carriers.incubator.pk}/action/"
    page = c.get(f"/carriers/incubators/{carriers.incubator.pk}/").content.decode()
    assert 'name="v_tech_sme"' in page and 'name="v_financing"' in page  # one field per model input
    c.post(
        url,
        {
            "action": "admission",
            "name": "团队乙",
            "v_tech_sme": "true",
            "v_age_months": "6",
            "v_ip_count": "3",
            "v_field_match": "true",
            "v_team_size": "10",
            "v_financing": "300",
        },
    )
    adm = Admission.objects.get(name="团队乙")
    # 100 less the age: 6 of 24 months on a "lower is better" line loses 15 × 6/24 = 3.75 points
    assert adm.score == Decimal("96.25") and adm.suggestion == "入驻"
    # a national carrier whose self-evaluation is D, after an official D: two failing in a row
    special = Incubator.objects.get(zone=carriers.platform.zone_a, code="FH-002")
    special.level = "national"
    special.save()
    year = services.today().year
    c.post(
        f"/carriers/incubators/{special.pk}/action/",
        {"action": "official_grade", "year": year - 1, "grade": "D"},
    )
    assert IncubatorGrade.objects.get(incubator=special, source="official").grade == "D"
    view = services.incubator_views(special.zone, services.today(), only=special)[0]
    assert view.evaluation.grade == "D" and view.risk.level == "revoked"
    assert "连续两次评价不合格" in c.get(f"/carriers/incubators/{special.pk}/").content.decode()
