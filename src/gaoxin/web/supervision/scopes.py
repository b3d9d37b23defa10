"""Scoping rules of the supervision app (applied by ``accounts.scoping``).

- ``supervision.RegionalList`` and its entries belong to a region: its supervisors (and those above
  it) see them, the supervisor of that region publishes them; a bank sees the lists addressed to it
  and, through them, the listed firms; zone staff and enterprises none.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.web.accounts import scoping
from gaoxin.web.accounts.models import Role

scoping.register_region("supervision.RegionalList", region="region", bank=lambda user: Q(banks=user.bank_id))
scoping.register_region(
    "supervision.RegionalEntry",
    region="regional_list__region",
    bank=lambda user: Q(regional_list__banks=user.bank_id),
)
# A bank that received a regional list sees the firms on it (as it does those of a zone's list).
scoping.grant(
    "registry.Enterprise", Role.BANK, lambda user: Q(regional_entries__regional_list__banks=user.bank_id)
)
scoping.register_action("set_zone_rule", Role.ZONE_ADMIN)
