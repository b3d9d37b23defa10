"""The enterprise profile's ladder panel: each tier's status, what the firm lacks, and its next tier.

Shown to zone staff on the profile and to the firm itself on "My enterprise"; a bank sees nothing (the
scoping helper gives it no ladder rows, so the panel is absent).
"""

from __future__ import annotations

from django.urls import reverse

from gaoxin.web.accounts.scoping import may, visible
from gaoxin.web.cultivation import services
from gaoxin.web.cultivation.models import LadderEntry


def ladder_panel(user, enterprise) -> dict | None:
    entries = visible(user, LadderEntry)
    ladder = services.enterprise_ladder(entries, enterprise)
    staff = may(user, "view_zone")
    if ladder is None:
        if not staff and getattr(user, "enterprise_id", None) != enterprise.pk:
            return None
        return {"template": "cultivation/panel.html", "ladder": None, "staff": staff}
    return {
        "template": "cultivation/panel.html",
        "ladder": ladder,
        "staff": staff,
        "home_url": reverse("cultivation:home") if staff else "",
    }
