"""Scoping rules for the green app's tables (applied by ``accounts.scoping``; nothing here filters).

- Zone staff see their zone's energy data, figures, sets, benchmarks, recomputations and green lists;
  the data clerk imports energy data (batches, records, uses, certificates); the zone administrator
  also chooses the coefficient sets, keeps the benchmark table and publishes green lists.
- An enterprise sees its own records, uses, certificates and figures, and the coefficient files and
  benchmark levels of its zone (the coefficients its figures were computed with).
- A bank sees the green lists published to it, their entries and, through them, the listed firms.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.web.accounts import scoping
from gaoxin.web.accounts.models import Role

scoping.register("green.CoefficientFile", zone="zone")
scoping.grant("green.CoefficientFile", Role.ENTERPRISE, lambda user: Q(zone__enterprises=user.enterprise_id))
scoping.register("green.SetChoice", zone="zone")
scoping.grant("green.SetChoice", Role.ENTERPRISE, lambda user: Q(zone__enterprises=user.enterprise_id))
scoping.register("green.Recompute", zone="zone")
scoping.register("green.EnergyBatch", zone="zone", clerk=True)
scoping.register(
    "green.EnergyRecord",
    zone="enterprise__zone",
    enterprise="enterprise",
    clerk=True,
)
scoping.register(
    "green.EnergyUse",
    zone="record__enterprise__zone",
    enterprise="record__enterprise",
    clerk=True,
)
scoping.register(
    "green.CertificateHolding",
    zone="record__enterprise__zone",
    enterprise="record__enterprise",
    clerk=True,
)
scoping.register("green.Figure", zone="enterprise__zone", enterprise="enterprise")
scoping.register("green.Benchmark", zone="zone")
scoping.grant("green.Benchmark", Role.ENTERPRISE, lambda user: Q(zone__enterprises=user.enterprise_id))
scoping.register("green.GreenList", zone="zone", bank=lambda user: Q(banks=user.bank_id))
scoping.register(
    "green.GreenListEntry", zone="green_list__zone", bank=lambda user: Q(green_list__banks=user.bank_id)
)
# a bank sees the firms on a green list published to it, and their zone
scoping.grant("registry.Enterprise", Role.BANK, lambda user: Q(green_entries__green_list__banks=user.bank_id))
scoping.grant("registry.Zone", Role.BANK, lambda user: Q(green_lists__banks=user.bank_id))

scoping.register_action("green_view", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN)
scoping.register_action("green_import", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN)
scoping.register_action("green_manage", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)
