"""The carriers app's enterprise-profile panel: incubated where, graduated when; the listing stage; the
challenges the firm applied to (as lead or partner). Every row through ``scoping.visible``: zone staff
see their zone's, the firm its own; a bank sees nothing of this app, so the panel is absent for it."""

from __future__ import annotations

from django.db.models import Q

from gaoxin.web.accounts.scoping import visible
from gaoxin.web.carriers.models import ChallengeApplication, IncubatedFirm, ReserveFirm


def carriers_panel(user, enterprise) -> dict | None:
    incubations = list(
        visible(user, IncubatedFirm)
        .filter(enterprise=enterprise)
        .select_related("incubator")
        .order_by("entered")
    )
    reserve = visible(user, ReserveFirm).filter(enterprise=enterprise).first()
    applications = list(
        visible(user, ChallengeApplication)
        .filter(Q(lead=enterprise) | Q(partners=enterprise))
        .select_related("challenge")
        .distinct()
    )
    if not incubations and reserve is None and not applications:
        return None
    return {
        "template": "carriers/panel.html",
        "incubations": incubations,
        "reserve": reserve,
        "applications": applications,
    }


def register() -> None:
    from gaoxin.web.registry.panels import register as add

    add("carriers", carriers_panel)


register()
