"""The enterprise profile's green panel: the firm's latest energy figures with the coefficients used.

Zone staff see it on the profile of a firm of their zone, the enterprise on its own; banks see nothing
(the scoping helper gives them no figures, so the panel is absent).
"""

from __future__ import annotations

from gaoxin.web.accounts.scoping import visible


def green_panel(user, enterprise) -> dict | None:
    from gaoxin.web.green.models import Figure
    from gaoxin.web.green.services import figure_rows

    figures = list(visible(user, Figure).filter(enterprise=enterprise, month=0).order_by("-year")[:3])
    if not figures:
        return None
    return {"template": "green/panel.html", "rows": figure_rows(figures), "enterprise": enterprise}


def _register() -> None:
    from gaoxin.web.registry import panels

    panels.register("green", green_panel)


_register()
