"""The policy app's enterprise-profile panel: what the firm received and what awaits it (zone staff)."""

from __future__ import annotations

from gaoxin.finance.money import ZERO
from gaoxin.web.accounts.scoping import may, visible
from gaoxin.web.policy.models import Award, LedgerEntry


def policy_panel(user, enterprise) -> dict | None:
    if not may(user, "view_zone"):
        return None
    paid = list(visible(user, LedgerEntry).filter(enterprise=enterprise))
    open_ = list(
        visible(user, Award)
        .filter(enterprise=enterprise, run__kind="official", status__in=["matched", "confirmed", "batched"])
        .select_related("run__policy")
    )
    if not paid and not open_:
        return None
    return {"template": "policy/panel.html", "received": sum((e.amount for e in paid), ZERO), "open": open_}


def register() -> None:
    from gaoxin.web.registry.panels import register as add

    add("policy", policy_panel)


register()
