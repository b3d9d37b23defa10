"""Finance fixtures on top of the platform: products in both zones, applications to both banks.

zone A: a 2 : 6 : 2 pool (3 % ceiling), bank A's loan (open to all, covered by the pool), bank A's
white-list loan, bank B's loan (open to all), a guarantee plan; zone B: bank B's loan.
Applications: the listed firm → bank A (entered by bank A), the unlisted firm (the enterprise user's)
→ bank B, zone B's firm (enterprise_b) → bank B in zone B.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from gaoxin.web.finance import services
from gaoxin.web.finance.models import Application, Product

OPEN_LOAN = {
    "line": {"base": "100", "cap": "300", "step": "10", "uplift": {"mode": "linear", "max": "1"}},
    "rate": "3.45",
    "term_months": 12,
}


@dataclass
class Fin:
    p: object  # the platform
    pool: Product
    loan_a: Product  # bank A, zone A, open to all, pool-covered
    whitelist_a: Product  # bank A, zone A, white-list only
    loan_b: Product  # bank B, zone A
    guarantee: Product
    loan_zb: Product  # bank B, zone B
    app_a: Application  # listed firm → bank A
    app_b: Application  # unlisted firm → bank B
    app_zb: Application  # zone B firm → bank B


def make_products(p):
    u = p.users
    pool = services.save_product(
        u["zone_admin"],
        zone=p.zone_a,
        kind="pool",
        name="风险池",
        rules={
            "split": {"government": "2", "guarantor": "6", "bank": "2"},
            "ceiling": "0.03",
            "fund_size": "1000",
        },
    )
    loan_a = services.save_product(
        u["bank"], zone=p.zone_a, kind="loan", name="甲行积分贷", rules=OPEN_LOAN, pool=pool
    )
    whitelist_a = services.save_product(
        u["bank"],
        zone=p.zone_a,
        kind="loan",
        name="甲行白名单贷",
        rules={**OPEN_LOAN, "eligibility": {"whitelist": True}},
    )
    loan_b = services.save_product(
        u["bank_b"], zone=p.zone_a, kind="loan", name="乙行积分贷", rules=OPEN_LOAN
    )
    guarantee = services.save_product(
        u["zone_admin"],
        zone=p.zone_a,
        kind="guarantee",
        name="政策担保",
        rules={
            "eligibility": {"min_grade": "A"},
            "guarantee_share": "0.8",
            "fee_rate": "0.5",
            "max_amount": "500",
        },
    )
    loan_zb = services.save_product(
        u["bank_b"], zone=p.zone_b, kind="loan", name="乙行乙区贷", rules=OPEN_LOAN
    )
    return pool, loan_a, whitelist_a, loan_b, guarantee, loan_zb


@pytest.fixture
def fin(platform) -> Fin:
    p = platform
    products = make_products(p)
    _pool, loan_a, _whitelist_a, loan_b, _guarantee, loan_zb = products
    u = p.users
    app_a = services.apply(u["bank"], loan_a, p.listed, Decimal("100"), 12, "流动资金")
    app_b = services.apply(u["enterprise"], loan_b, p.unlisted, Decimal("50"), 6, "设备")
    app_zb = services.apply(u["enterprise_b"], loan_zb, p.other, Decimal("80"), 12, "")
    return Fin(p, *products, app_a, app_b, app_zb)
