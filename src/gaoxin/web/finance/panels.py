"""The enterprise profile's "financing" panel for zone staff: per product, whether the firm fits it (and
its indicative line) and its applications and loans there — in one query, so the profile stays cheap."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.registry import panels


def financing_panel(user, enterprise) -> dict | None:
    if user.role not in (Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN):
        return None  # the firm has its own financing page; a bank its workspace
    from gaoxin.finance.stats import LENT
    from gaoxin.web.finance.models import Application, Match, Product

    matches = visible(user, Match).filter(product=OuterRef("pk"), enterprise=enterprise.pk)
    apps = visible(user, Application).filter(product=OuterRef("pk"), enterprise=enterprise.pk).order_by()

    def total(expr, **where):
        return Subquery(
            apps.filter(**where).values("product").annotate(v=expr).values("v")[:1],
        )

    rows = (
        visible(user, Product)
        .filter(zone=enterprise.zone_id)
        .select_related("bank")
        .annotate(
            fits=Exists(matches),
            line=Subquery(matches.values("line")[:1]),
            n_apps=Coalesce(total(Count("pk")), 0),
            disbursed=total(Sum("disbursed_amount"), state__in=LENT),
            outstanding=total(Sum("outstanding"), state="disbursed"),
            last_state=Subquery(apps.order_by("-applied_at", "-id").values("state")[:1]),
        )
        .filter(Q(fits=True) | Q(n_apps__gt=0))
        .order_by("kind", "name")
    )
    states = dict(Application.State.choices)
    out = list(rows)
    for p in out:
        p.last_state_label = states.get(p.last_state, "")
    return {"template": "finance/panel.html", "rows": out}


panels.register("financing", financing_panel)
