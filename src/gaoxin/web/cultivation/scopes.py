"""Scoping rules for this app's models, registered with ``accounts.scoping.register`` (see its docstring).

- zone staff see their zone's assessments, rows and settings; the zone administrator writes them;
- an enterprise user sees its own rows (its ladder) and nothing else of an assessment;
- a bank sees nothing here: the ladder is the zone's own working material, not a credit signal
  shared with lenders (a bank reads firms through the lists published to it).
"""

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import register, register_action

register("cultivation.LadderRun", zone="zone")
register("cultivation.LadderEntry", zone="run__zone", enterprise="enterprise")
register("cultivation.LadderSettings", zone="zone")

# Starting an assessment and changing the zone's ladder settings (clerks read, they do not decide).
register_action("run_ladder", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)
register_action("ladder_settings", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)


def _register_panel() -> None:
    from gaoxin.web.cultivation.panels import ladder_panel
    from gaoxin.web.registry.panels import register as register_panel

    register_panel("ladder", ladder_panel)


_register_panel()
