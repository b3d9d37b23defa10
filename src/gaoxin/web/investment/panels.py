"""The enterprise profile's investment panel: the chain nodes the firm is mapped to and the projects
that became (or are linked to) it. Zone staff only; enterprises and banks get no panel."""

from __future__ import annotations

from gaoxin.web.accounts.scoping import may, visible
from gaoxin.web.investment.models import NodeFirm, Project


def investment_panel(user, enterprise) -> dict | None:
    if not may(user, "view_zone"):
        return None
    nodes = list(
        visible(user, NodeFirm)
        .filter(enterprise=enterprise)
        .select_related("node", "node__chain")
        .order_by("node__chain__name", "node__name")
    )
    projects = list(visible(user, Project).filter(enterprise=enterprise).order_by("code"))
    if not nodes and not projects:
        return None
    return {"template": "investment/panel.html", "nodes": [m.node for m in nodes], "projects": projects}


def register() -> None:
    from gaoxin.web.registry.panels import register as add

    add("investment", investment_panel)
