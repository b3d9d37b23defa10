"""Finance services: products, matching (and its refresh on publish), every transition, pools, stats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from gaoxin.finance import loans as L
from gaoxin.finance.products import ProductError
from gaoxin.web.accounts.models import AuditEvent
from gaoxin.web.credit.models import Score
from gaoxin.web.credit.services import publish_list
from gaoxin.web.finance import services
from gaoxin.web.finance.models import Application, LossClaim, Match, Product, Transition

pytestmark = pytest.mark.django_db


def test_products_are_checked_against_the_zone_model_with_every_fault(platform):
    with pytest.raises(ProductError) as exc:
        services.save_product(
            platform.users["zone_admin"],
            zone=platform.zone_a,
            kind="fund",
            name="基金",
            rules={"eligibility": {"min_grade": "Z", "stages": ["nope"]}, "ticket_min": "5"},
        )
    where = {f.where for f in exc.value.faults}
    assert {"eligibility.min_grade", "eligibility.stages", "ticket_max"} <= where
    assert not Product.objects.exists()


def test_who_may_edit_which_product(fin):
    u = fin.p.users
    assert services.can_edit_product(u["zone_admin"], fin.guarantee)
    assert not services.can_edit_product(u["zone_admin"], fin.loan_a)  # a bank's product
    assert services.can_edit_product(u["bank"], fin.loan_a)
    assert not services.can_edit_product(u["bank_b"], fin.loan_a)
    assert not services.can_edit_product(u["clerk"], fin.guarantee)
    assert not services.can_edit_product(u["zone_admin_b"], fin.guarantee)
    with pytest.raises(PermissionDenied):
        services.save_product(
            u["bank_b"], zone=fin.p.zone_a, kind="loan", name="x", rules=fin.loan_a.rules, instance=fin.loan_a
        )


def test_matching_stores_eligible_firms_with_lines_and_refreshes_when_stale(fin):
    p = fin.p
    assert services.refresh_matches(p.zone_a) == 4  # the pool is not matched
    scored = Score.objects.filter(run=p.run_a).count()
    assert Match.objects.filter(product=fin.loan_a).count() == scored  # open to all scored firms
    assert list(Match.objects.filter(product=fin.whitelist_a).values_list("enterprise", flat=True)) == [
        p.listed.pk
    ]
    top = Match.objects.get(product=fin.loan_a, enterprise=p.listed)
    assert top.line == services.credit_line(services.core(fin.loan_a).line, top.rank, top.cohort_size)
    assert services.ensure_matches(p.zone_a.pk) == 0  # nothing stale
    # a new list published to bank A → the matches are refreshed in the publishing transaction
    second = Score.objects.filter(run=p.run_a).exclude(enterprise=p.listed).order_by("-total").first()
    publish_list(
        p.run_a, title="第二份", filters={"top": 2}, banks=[p.bank_a], user=p.users["platform_admin"]
    )
    assert services.ensure_matches(p.zone_a.pk) == 0  # already fresh: no page had to notice
    assert set(Match.objects.filter(product=fin.whitelist_a).values_list("enterprise", flat=True)) == {
        p.listed.pk,
        second.enterprise_id,
    }
    # a changed rule → only that product is recomputed
    fin.guarantee.rules = {**fin.guarantee.rules, "eligibility": {}}
    fin.guarantee.save()
    assert services.ensure_matches(p.zone_a.pk) == 1
    # and if the hook had not run (a list published before the finance app existed), pages catch up
    Match.objects.filter(product=fin.whitelist_a, enterprise=second.enterprise_id).delete()
    Product.objects.filter(pk=fin.whitelist_a.pk).update(match_key="")
    assert services.ensure_matches(p.zone_a.pk) == 1
    assert Match.objects.filter(product=fin.whitelist_a, enterprise=second.enterprise_id).exists()
    assert Match.objects.filter(product=fin.guarantee).count() == scored


def test_options_give_reasons_and_gaps_for_one_firm(fin):
    opts, _score, _run = services.options(fin.p.unlisted, Product.objects.all())
    by = {o.product.pk: o for o in opts}
    assert by[fin.loan_b.pk].eligible and by[fin.loan_b.pk].line is not None
    wl = by[fin.whitelist_a.pk]
    assert not wl.eligible
    with translation.override("en"):
        assert [services.describe(c) for c in wl.result.gaps] == ["not on the bank's white-list"]
    with translation.override("zh-hans"):
        assert [services.describe(c) for c in wl.result.gaps] == ["不在该银行的白名单上"]
    assert fin.loan_zb.pk not in by  # another zone's product


def test_apply_snapshots_the_score_and_refuses_what_it_must(fin):
    p, u = fin.p, fin.p.users
    app = fin.app_b
    score = Score.objects.get(run=p.run_a, enterprise=p.unlisted)
    assert app.state == L.PENDING and app.bank_id == p.bank_b.pk and app.grade == score.grade
    assert app.stage == score.stage and app.run_id == p.run_a.pk and app.indicative_line is not None
    assert Transition.objects.filter(application=app, action="apply", to_state="pending").count() == 1
    assert AuditEvent.objects.filter(action="finance_apply", object_id=str(app.pk)).exists()
    with pytest.raises(services.FinanceError) as exc:  # one open application per product
        services.apply(u["enterprise"], fin.loan_b, p.unlisted, D("10"), 6)
    assert exc.value.status == 409
    with (
        translation.override("en"),
        pytest.raises(services.FinanceError, match="white-list"),
    ):  # the gap is named
        services.apply(u["enterprise"], fin.whitelist_a, p.unlisted, D("10"), 6)
    with pytest.raises(PermissionDenied):  # a firm applies only for itself
        services.apply(u["enterprise"], fin.loan_a, p.listed, D("10"), 6)
    with pytest.raises(services.FinanceError):  # bank A may not see the unlisted firm (no list, no consent)
        services.apply(u["bank"], fin.loan_a, p.unlisted, D("10"), 6)
    with pytest.raises(PermissionDenied):  # a bank applies only to its own products
        services.apply(u["bank"], fin.loan_b, p.listed, D("10"), 6)
    with translation.override("en"), pytest.raises(services.FinanceError, match="months"):
        services.apply(u["enterprise"], fin.loan_a, p.unlisted, D("10"), 13)
    with translation.override("en"), pytest.raises(services.FinanceError, match="another zone"):
        services.apply(u["enterprise_b"], fin.loan_a, p.other, D("10"), 6)


def _lifecycle(fin, app, bank_user):
    services.act(bank_user, app, L.APPROVE, amount=D("90.5"), rate=D("3.45"), term=12, note="ok")
    services.act(bank_user, app, L.DISBURSE)
    return Application.objects.get(pk=app.pk)


def test_the_whole_life_of_a_loan_with_exact_amounts_and_history(fin):
    bank = fin.p.users["bank"]
    app = _lifecycle(fin, fin.app_a, bank)
    assert app.state == L.DISBURSED and app.disbursed_amount == D("90.5") and app.outstanding == D("90.5")
    assert app.first_loan is True and app.disbursed_on == timezone.localdate()
    app = services.act(bank, app, L.REPAY, amount=D("0.000001"))
    assert app.state == L.DISBURSED and app.outstanding == D("90.499999")
    app = services.act(bank, app, L.REPAY)  # the rest
    assert app.state == L.REPAID and app.outstanding == 0 and app.repaid_amount == D("90.5")
    assert app.closed_on == timezone.localdate()
    steps = list(
        Transition.objects.filter(application=app).values_list("action", "from_state", "to_state", "user")
    )
    assert steps == [
        ("apply", "", "pending", bank.pk),
        ("approve", "pending", "approved", bank.pk),
        ("disburse", "approved", "disbursed", bank.pk),
        ("repay", "disbursed", "disbursed", bank.pk),
        ("repay", "disbursed", "repaid", bank.pk),
    ]
    assert AuditEvent.objects.filter(action="finance_repay", object_id=str(app.pk)).count() == 2


@pytest.mark.parametrize("state", L.STATES)
@pytest.mark.parametrize("action", L.ACTIONS)
def test_every_transition_through_the_service(fin, state, action):
    """Put the application in ``state`` and try ``action``: legal ones move it, illegal ones are a 409
    naming the state and the action, and change nothing."""
    app = fin.app_a
    Application.objects.filter(pk=app.pk).update(
        state=state,
        approved_amount=D(100),
        rate=D(3),
        term_months=12,
        outstanding=D(100),
        disbursed_amount=D(100),
        disbursed_on=timezone.localdate() - dt.timedelta(days=5),
        decided_at=timezone.now() - dt.timedelta(days=6),
    )
    app.refresh_from_db()
    user = fin.p.users["enterprise"] if action == L.WITHDRAW else fin.p.users["bank"]
    if action == L.WITHDRAW:  # withdrawing is the firm's own: use the bank-B application of the user's firm
        app = fin.app_b
        Application.objects.filter(pk=app.pk).update(state=state)
        app.refresh_from_db()
    kw = {"amount": D(100), "rate": D(3), "term": 12} if action == L.APPROVE else {}
    if action == L.REJECT:
        kw = {"note": "资料不全"}
    if (state, action) in L.TRANSITIONS:
        moved = services.act(user, app, action, **kw)
        expected = L.REPAID if action == L.REPAY else L.TRANSITIONS[(state, action)]  # repay all by default
        assert moved.state == expected
    else:
        with pytest.raises(services.FinanceError) as exc:
            services.act(user, app, action, **kw)
        assert exc.value.status == 409
        assert services.state_label(state) in str(exc.value)
        assert services.action_label(action) in str(exc.value)
        app.refresh_from_db()
        assert app.state == state
        assert not Transition.objects.filter(application=app, action=action).exists()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_wrong_actors_and_bad_amounts_are_refused(fin, english):
    u = fin.p.users
    for who in ("bank_b", "zone_admin", "clerk", "enterprise"):
        with pytest.raises(PermissionDenied):
            services.act(u[who], fin.app_a, L.APPROVE, amount=D(1), rate=D(3), term=12)
    with pytest.raises(PermissionDenied):
        services.act(u["bank"], fin.app_b, L.WITHDRAW)  # the firm withdraws, not the bank
    bank = u["bank"]
    with pytest.raises(services.FinanceError, match="amount, the rate and the term"):
        services.act(bank, fin.app_a, L.APPROVE, amount=D(1))
    with pytest.raises(services.FinanceError, match="36"):
        services.act(bank, fin.app_a, L.APPROVE, amount=D(1), rate=D(40), term=12)
    with pytest.raises(services.FinanceError, match="Say why"):
        services.act(bank, fin.app_a, L.REJECT)
    services.act(bank, fin.app_a, L.APPROVE, amount=D(50), rate=D(3), term=12)
    with pytest.raises(services.FinanceError, match="more than the approved"):
        services.act(bank, fin.app_a, L.DISBURSE, amount=D("50.000001"))
    with pytest.raises(services.FinanceError, match="future"):
        services.act(bank, fin.app_a, L.DISBURSE, on=timezone.localdate() + dt.timedelta(days=1))
    app = services.act(bank, fin.app_a, L.DISBURSE, amount=D(40))
    with pytest.raises(services.FinanceError, match="outstanding"):
        services.act(bank, app, L.REPAY, amount=D("40.000001"))
    assert Application.objects.get(pk=app.pk).outstanding == D(40)


def test_a_default_claims_the_loss_from_the_pool_split_2_6_2(fin):
    bank = fin.p.users["bank"]
    app = _lifecycle(fin, fin.app_a, bank)
    app = services.act(bank, app, L.REPAY, amount=D("40.499999"))
    app = services.act(bank, app, L.DEFAULT, note="逾期")
    assert app.state == L.DEFAULTED
    claim = LossClaim.objects.get(application=app)
    assert claim.loss == D("50.000001")
    assert (claim.government, claim.guarantor, claim.bank) == (D("10"), D("30.000001"), D("10"))
    [pv] = services.pools(Product.objects.filter(pk=fin.pool.pk), Application.objects.all())
    assert pv.state.disbursed == D("90.5") and pv.state.losses == D("50.000001")
    assert pv.state.owed["guarantor"] == D("30.000001") and pv.state.status == "breached"
    assert pv.ratio_pct == "55.25%"
    # the split of a pool with claims cannot change
    with pytest.raises(services.FinanceError):
        services.save_product(
            fin.p.users["zone_admin"],
            zone=fin.p.zone_a,
            kind="pool",
            name="风险池",
            instance=fin.pool,
            rules={
                "split": {"government": 1, "guarantor": 1, "bank": 1},
                "ceiling": "0.03",
                "fund_size": "1000",
            },
        )


def test_statistics_of_the_zone(fin):
    bank = fin.p.users["bank"]
    _lifecycle(fin, fin.app_a, bank)
    stats = services.statistics(Application.objects.filter(product__zone=fin.p.zone_a))
    assert stats.total.applications == 2 and stats.pending == 1
    assert stats.total.approved == D("90.5") and stats.total.disbursed == D("90.5")
    assert stats.first_time_borrowers == 1 and stats.borrowers == 1
    assert stats.by_grade[fin.app_a.grade].disbursed == D("90.5")
