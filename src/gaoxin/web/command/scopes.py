"""Scoping rules for the command centre's tables (applied by ``accounts.scoping``).

- zone staff (administrator and data clerk) see their zone's targets, actuals, talents, platforms,
  plans and tasks; the platform administrator sees every zone's;
- enterprises and banks see none of it;
- the zone administrator writes everything of the zone (targets, plans, and the rest);
- the data clerk keeps the *facts* up to date — enters and imports actuals, talents, platforms and
  task progress (status, evidence) — but does not set or change the targets and plans themselves;
- the record of each upload (``TableImport``) is seen by the zone's staff.
"""

from __future__ import annotations

from gaoxin.web.accounts import scoping

scoping.register("command.Target", zone="zone")
scoping.register("command.TargetActual", zone="target__zone", clerk=True)
scoping.register("command.Talent", zone="zone", clerk=True)
scoping.register("command.Platform", zone="zone", clerk=True)
scoping.register("command.ActionPlan", zone="zone")
scoping.register("command.Task", zone="plan__zone", clerk=True)
# the record of an upload: seen by the zone's staff; written by whoever may import one of the tables
scoping.register("command.TableImport", zone="zone", clerk=True)


def _register_panel() -> None:
    from gaoxin.web.command.panels import talents_platforms_panel
    from gaoxin.web.registry import panels

    panels.register("command", talents_platforms_panel)


_register_panel()
