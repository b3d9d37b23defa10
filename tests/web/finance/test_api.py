"""The finance API: a bank's token reads and moves only its own applications; exact money; 409 on an
illegal transition; statistics for zone staff; the OpenAPI page lists the endpoints."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.test import Client

from gaoxin.finance import loans as L
from gaoxin.web.accounts.services import new_token
from gaoxin.web.finance.models import Application, LossClaim

pytestmark = pytest.mark.django_db


def token_client(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {new_token(user, 'test')}"})


def post(c: Client, url: str, body: dict):
    return c.post(url, json.dumps(body), content_type="application/json")


def test_a_bank_token_lists_only_its_own_applications(fin):
    a = token_client(fin.p.users["bank"]).get("/api/finance/applications").json()
    assert [x["id"] for x in a["items"]] == [fin.app_a.pk] and a["total"] == 1
    b = token_client(fin.p.users["bank_b"]).get("/api/finance/applications").json()
    assert {x["id"] for x in b["items"]} == {fin.app_b.pk, fin.app_zb.pk}
    item = a["items"][0]
    assert item["requested_amount"] == "100.000000" and item["allowed_actions"] == [
        "approve",
        "reject",
        "withdraw",
    ]
    assert token_client(fin.p.users["bank"]).get("/api/finance/applications?state=nope").status_code == 400


def test_the_full_loan_through_the_api_with_exact_money(fin):
    c = token_client(fin.p.users["bank"])
    url = f"/api/finance/applications/{fin.app_a.pk}"
    r = post(c, f"{url}/disburse", {})
    assert r.status_code == 409
    assert "pending" in r.json()["detail"] or "待审核" in r.json()["detail"]
    r = post(c, f"{url}/decide", {"decision": "approve", "amount": 99.5, "rate": "3.45", "term_months": 12})
    assert r.status_code == 400  # a float is not money
    r = post(c, f"{url}/decide", {"decision": "approve", "amount": "99.5", "rate": "3.45", "term_months": 12})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "approved" and body["approved_amount"] == "99.500000" and body["rate"] == "3.4500"
    r = post(c, f"{url}/disburse", {"amount": "99.5", "first_loan": True})
    assert r.status_code == 200 and r.json()["outstanding"] == "99.500000" and r.json()["first_loan"] is True
    r = post(c, f"{url}/repay", {"amount": "0.1234567"})
    assert (r.status_code == 400 and "decimal places" in r.json()["detail"]) or "小数位" in r.json()["detail"]
    r = post(c, f"{url}/repay", {"amount": "49.5"})
    assert r.json()["outstanding"] == "50.000000" and r.json()["state"] == "disbursed"
    r = post(c, f"{url}/default", {"note": "逾期"})
    assert r.status_code == 200 and r.json()["state"] == "defaulted"
    claim = LossClaim.objects.get(application=fin.app_a)
    assert (claim.loss, claim.government, claim.guarantor, claim.bank) == (D(50), D(10), D(30), D(10))
    history = c.get(url).json()["history"]
    assert [h["action"] for h in history] == ["apply", "approve", "disburse", "repay", "default"]
    assert post(c, f"{url}/repay", {}).status_code == 409  # a defaulted loan takes no more repayments


def test_a_bank_cannot_read_or_move_another_banks_application(fin):
    c = token_client(fin.p.users["bank_b"])
    url = f"/api/finance/applications/{fin.app_a.pk}"
    assert c.get(url).status_code == 404
    assert post(c, f"{url}/decide", {"decision": "reject", "note": "x"}).status_code == 404
    assert Application.objects.get(pk=fin.app_a.pk).state == L.PENDING
    # the firm reads its own application but may not decide it
    firm = token_client(fin.p.users["enterprise"])
    assert firm.get(f"/api/finance/applications/{fin.app_b.pk}").status_code == 200
    assert (
        post(
            firm, f"/api/finance/applications/{fin.app_b.pk}/decide", {"decision": "reject", "note": "x"}
        ).status_code
        == 403
    )


def test_detail_hides_the_score_from_a_bank_without_list_or_consent(fin):
    body = token_client(fin.p.users["bank_b"]).get(f"/api/finance/applications/{fin.app_b.pk}").json()
    assert body["score_total"] is None and body["grade"] is None
    body = token_client(fin.p.users["bank"]).get(f"/api/finance/applications/{fin.app_a.pk}").json()
    assert body["score_total"] is not None and body["grade"]


def test_products_and_statistics(fin):
    names = {p["name"] for p in token_client(fin.p.users["bank"]).get("/api/finance/products").json()}
    assert {"甲行积分贷", "甲行白名单贷", "风险池", "政策担保"} <= names and "乙行积分贷" not in names
    assert token_client(fin.p.users["bank"]).get(f"/api/finance/products/{fin.loan_b.pk}").status_code == 404
    bank = fin.p.users["bank"]
    from gaoxin.web.finance import services

    services.act(bank, fin.app_a, L.APPROVE, amount=D(100), rate=D(3), term=12)
    services.act(bank, fin.app_a, L.DISBURSE)
    stats = token_client(fin.p.users["zone_admin"]).get("/api/finance/statistics").json()
    assert stats["total"]["disbursed"] == "100.000000" and stats["first_time_borrowers"] == 1
    assert stats["pools"][0]["split"] == {"government": "2", "guarantor": "6", "bank": "2"}
    assert stats["pools"][0]["status"] == "ok"
    assert token_client(fin.p.users["bank"]).get("/api/finance/statistics").status_code == 403
    assert (
        token_client(fin.p.users["zone_admin_b"])
        .get("/api/finance/statistics?zone=" + fin.p.zone_a.code)
        .status_code
        == 404
    )


def test_openapi_documents_the_finance_endpoints(fin):
    schema = fin.p.client("bank").get("/api/openapi.json").json()
    paths = set(schema["paths"])
    for p in (
        "/api/finance/applications",
        "/api/finance/applications/{app_id}/decide",
        "/api/finance/applications/{app_id}/disburse",
        "/api/finance/applications/{app_id}/repay",
        "/api/finance/applications/{app_id}/default",
        "/api/finance/products",
        "/api/finance/statistics",
    ):
        assert p in paths
