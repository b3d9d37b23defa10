"""The enterprise profile's command-centre panel: the firm's talents and the platforms it hosts.

Zone staff see it on the profile of a firm of their zone; enterprise and bank users see nothing (the
scoping helper gives them no talent or platform rows, so the panel is absent). One query: the two
tables are read as one union.
"""

from __future__ import annotations

from django.db.models import CharField, Value

from gaoxin.web.accounts.scoping import visible
from gaoxin.web.command.models import Level, Platform, PlatformKind, Talent

SHOWN = 40
LEVEL_ORDER = {v: i for i, v in enumerate(Level.values)}


def talents_platforms_panel(user, enterprise) -> dict | None:
    what = Value("talent", output_field=CharField())
    talents = (
        visible(user, Talent)
        .filter(enterprise=enterprise)
        .order_by()
        .values_list(what, "name", "level", "programme", "year")
    )
    what = Value("platform", output_field=CharField())
    platforms = (
        visible(user, Platform)
        .filter(enterprise=enterprise)
        .order_by()
        .values_list(what, "name", "level", "kind", "year")
    )
    rows = list(talents.union(platforms, all=True)[:SHOWN])
    if not rows:
        return None
    rows.sort(key=lambda r: (LEVEL_ORDER.get(r[2], 9), r[1]))
    levels, kinds = dict(Level.choices), dict(PlatformKind.choices)
    return {
        "template": "command/panel.html",
        "talents": [
            {"name": name, "level": levels.get(level, level), "programme": extra, "year": year}
            for what, name, level, extra, year in rows
            if what == "talent"
        ],
        "platforms": [
            {"name": name, "level": levels.get(level, level), "kind": kinds.get(extra, extra), "year": year}
            for what, name, level, extra, year in rows
            if what == "platform"
        ],
    }
