"""Scoping rules for the benchmark app's tables (applied by ``accounts.scoping``; nothing here filters).

- Zone staff see their own zone's facts and uploads; the zone administrator and the data clerk of the
  zone change its facts (import, compute from the registry). Other zones' facts are never shown to
  them: the benchmark page gives them their zone's position against others' aggregates only (rank,
  peer median, best), computed by ``benchmark.services``.
- A supervisor (province or nation) reads the zones under its region: each one's facts and position,
  and the ranking with those zones named (others' names withheld); read-only.
- The platform administrator sees every zone and imports the national peer tables.
- Enterprises and banks have no business here.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from gaoxin.web.accounts import scoping
from gaoxin.web.accounts.models import Role


def _clerk_of_zone(user, obj) -> bool:
    return user.zone_id is not None and getattr(obj, "zone_id", None) == user.zone_id


scoping.register("benchmark.ZoneFacts", zone="zone", writers={Role.CLERK: _clerk_of_zone})
scoping.register("benchmark.FactsImport", zone="zone", writers={Role.CLERK: _clerk_of_zone})

_SUPERVISOR = (Role.SUPERVISOR,) if hasattr(Role, "SUPERVISOR") else ()

scoping.register_action("benchmark_view", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN, *_SUPERVISOR)
scoping.register_action("benchmark_facts", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN, *_SUPERVISOR)
scoping.register_action("benchmark_peers", Role.PLATFORM_ADMIN)
# the ranking by name (of the zones the user may see; zone staff see aggregates of the others only)
scoping.register_action("benchmark_all", Role.PLATFORM_ADMIN, *_SUPERVISOR)

# The labels of this app's audit actions (shown by accounts/audit_labels.py), listed here so that this
# app's catalogue keeps their translations.
AUDIT_ACTIONS = (
    gettext_noop("Viewed the zone benchmarking"),
    gettext_noop("Computed zone facts from the registry"),
    gettext_noop("Imported zone facts"),
    gettext_noop("Exported zone facts"),
    gettext_noop("Imported a peer table"),
)
