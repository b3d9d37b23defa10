"""Scoping rules for the finance app (applied by ``accounts.scoping``; nothing here filters itself).

- Products: zone staff see their zone's; a bank sees its own loan products and the zone-owned
  products (guarantees, funds, subsidies, pools) of zones it works with (a list published to it, or a
  product of its own there); an enterprise sees its zone's active products. The zone administrator
  writes zone products; a bank user writes only its bank's loans (``services`` also keeps zone staff
  off bank products).
- Applications, their history and loss claims: a bank sees only those addressed to it; an enterprise
  only its own; zone staff their zone's.
- Matches: zone staff their zone's; an enterprise its own; a bank only its own products' matches of
  firms it may already see (on a list published to it, or under a live consent).
"""

from django.db.models import Q

from gaoxin.web.accounts import scoping
from gaoxin.web.accounts.models import Role


def _bank_products(user) -> Q:
    zone_products = Q(bank__isnull=True) & (
        Q(zone__published_lists__banks=user.bank_id) | Q(zone__finance_products__bank=user.bank_id)
    )
    return Q(bank=user.bank_id) | zone_products


def _bank_matches(user) -> Q:
    from gaoxin.web.registry.models import Enterprise

    seen = scoping.visible(user, Enterprise).values("pk")
    return Q(product__bank=user.bank_id, enterprise__in=seen)


scoping.register(
    "finance.Product",
    zone="zone",
    bank=_bank_products,
    writers={Role.BANK: lambda user, obj: obj.kind == "loan" and obj.bank_id == user.bank_id},
)
scoping.grant(
    "finance.Product", Role.ENTERPRISE, lambda user: Q(zone__enterprises=user.enterprise_id, active=True)
)
scoping.register("finance.Match", zone="product__zone", enterprise="enterprise", bank=_bank_matches)
scoping.register(
    "finance.Application",
    zone="product__zone",
    enterprise="enterprise",
    bank=lambda user: Q(bank=user.bank_id),
    writers={
        Role.BANK: lambda user, obj: obj.bank_id == user.bank_id,
        Role.ENTERPRISE: lambda user, obj: obj.enterprise_id == user.enterprise_id,
    },
)
scoping.register(
    "finance.Transition",
    zone="application__product__zone",
    enterprise="application__enterprise",
    bank=lambda user: Q(application__bank=user.bank_id),
)
scoping.register("finance.LossClaim", zone="pool__zone", bank=lambda user: Q(application__bank=user.bank_id))

scoping.register_action("manage_zone_products", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)
scoping.register_action("manage_bank_products", Role.BANK)
scoping.register_action("apply_finance", Role.ENTERPRISE, Role.BANK)
scoping.register_action("decide_loans", Role.BANK, Role.PLATFORM_ADMIN)
scoping.register_action("finance_overview", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN)

from gaoxin.web.finance import panels  # noqa: E402,F401  (the enterprise profile's financing panel)
