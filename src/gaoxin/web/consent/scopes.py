"""Scoping rules of the consent app (see ``accounts.scoping``).

- ``consent.Consent``: the enterprise sees its own consents; a bank sees only the consents given to
  it; zone staff see their zone's. Nobody but the firm's own users revokes (``services.can_revoke``).
- ``consent.AccessLog``: the enterprise sees who looked at it; a bank sees its own looks; zone staff
  their zone's.
- A bank user also sees ``registry.Enterprise``, ``registry.AnnualReport``, ``registry.Qualification``
  and ``credit.Score`` of the firms with a consent to *that* bank live at the moment of the query (not
  revoked, started, not expired) — in addition to what published lists show it. The firm's change
  history and the zone's import files stay closed to banks.
- An enterprise user sees the banks (``accounts.Bank``) so that it can choose whom to authorise.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.web.accounts import scoping
from gaoxin.web.accounts.models import Role


def _consented(user) -> Q:
    """The enterprise ids with a consent live now to the user's bank (a subquery, evaluated with the
    surrounding query)."""
    from gaoxin.web.consent.models import Consent, live_q

    if not user.bank_id:
        return Q(pk__in=[])
    return Q(enterprise_id__in=Consent.objects.filter(live_q(), bank_id=user.bank_id).values("enterprise_id"))


def _consented_enterprises(user) -> Q:
    from gaoxin.web.consent.models import Consent, live_q

    if not user.bank_id:
        return Q(pk__in=[])
    return Q(pk__in=Consent.objects.filter(live_q(), bank_id=user.bank_id).values("enterprise_id"))


def _own_bank(user) -> Q:
    return Q(bank_id=user.bank_id) if user.bank_id else Q(pk__in=[])


scoping.register("consent.Consent", zone="enterprise__zone", enterprise="enterprise", bank=_own_bank)
scoping.register("consent.AccessLog", zone="enterprise__zone", enterprise="enterprise", bank=_own_bank)

scoping.grant("registry.Enterprise", Role.BANK, _consented_enterprises)
scoping.grant("registry.AnnualReport", Role.BANK, _consented)
scoping.grant("registry.Qualification", Role.BANK, _consented)
scoping.grant("credit.Score", Role.BANK, _consented)
scoping.grant("accounts.Bank", Role.ENTERPRISE, lambda user: Q(pk__isnull=False))
