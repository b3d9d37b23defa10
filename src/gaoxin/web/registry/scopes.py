"""Scoping rules of the registry's models (applied by ``accounts.scoping``; nothing here filters itself).

- ``registry.Zone``: zone staff their own zone; an enterprise its own zone; a bank the zones that
  published a list to it (other apps widen this with ``grant``).
- ``registry.Enterprise`` and what hangs off it (annual reports, qualifications, change records,
  corrections): zone staff their zone's; an enterprise user only its own firm's; a bank the firms on a
  list published to it (``consent`` adds the firms under a live consent, except the change history and
  corrections, which stay closed to banks).
- ``registry.ImportBatch``: zone staff their zone's import files; the data clerk may write (upload,
  confirm) its zone's batches as well as the zone administrator.
- ``registry.Correction``: the enterprise user files corrections of its own firm.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.web.accounts import scoping
from gaoxin.web.accounts.models import Role


def _listed_enterprises(user) -> Q:
    return Q(list_entries__published_list__banks=user.bank_id)


# Regions (province, nation) are region-scoped: a supervisor its own and those below it.
scoping.register_region("registry.Region", region="")
scoping.register("registry.Zone", zone="", bank=lambda user: Q(published_lists__banks=user.bank_id))
scoping.grant("registry.Zone", Role.ENTERPRISE, lambda user: Q(pk=user.enterprise.zone_id))
scoping.register("registry.Enterprise", zone="zone", enterprise="", bank=_listed_enterprises)
scoping.register("registry.AnnualReport", zone="enterprise__zone", enterprise="enterprise")
scoping.register("registry.Qualification", zone="enterprise__zone", enterprise="enterprise")
scoping.register("registry.ChangeRecord", zone="enterprise__zone", enterprise="enterprise")
scoping.register(
    "registry.Correction",
    zone="enterprise__zone",
    enterprise="enterprise",
    writers={Role.ENTERPRISE: lambda user, obj: obj.enterprise_id == user.enterprise_id},
)
scoping.register(
    "registry.ImportBatch",
    zone="zone",
    clerk=True,
)
