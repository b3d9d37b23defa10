"""Scoping rules for this app's models, registered with ``accounts.scoping.register`` (see its docstring).

Zone staff (administrator and data clerk) see their zone's projects, chains, nodes, mappings and
imports; enterprises and banks see none of them (no enterprise or bank rule). The zone administrator
writes everything of the zone; the data clerk writes the zone's projects, chains, nodes and mappings
(they keep the tables and import the files) but not the zone's settings; ``import_investment`` is the
role-level right to upload this app's files.
"""

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import register, register_action

register("investment.InvestmentSettings", zone="zone")
register("investment.Chain", zone="zone", clerk=True)
register("investment.ChainNode", zone="chain__zone", clerk=True)
register("investment.NodeFirm", zone="node__chain__zone", clerk=True)
register("investment.Project", zone="zone", clerk=True)
register("investment.StageChange", zone="project__zone", clerk=True)
register("investment.TableImport", zone="zone", clerk=True)
register_action("import_investment", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN)
register_action("investment_settings", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)


def _register_panel() -> None:
    from gaoxin.web.investment.panels import register as register_panel

    register_panel()


_register_panel()
