"""Scoping rules for this app's models, registered with ``accounts.scoping.register`` (see its docstring).

Zone staff (administrator and data clerk) see their zone's projects, chains, nodes, mappings and
imports; enterprises and banks see none of them (no enterprise or bank rule). The zone administrator
writes everything of the zone; the data clerk writes the zone's projects, chains, nodes and mappings
(they keep the tables and import the files) but not the zone's settings; ``import_investment`` is the
role-level right to upload this app's files.
"""

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import register, register_action


def _same_zone(path: str):
    def writer(user, obj) -> bool:
        target = obj
        for part in path.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return False
        return user.zone_id is not None and target.pk == user.zone_id

    return writer


register("investment.InvestmentSettings", zone="zone")
register("investment.Chain", zone="zone", writers={Role.CLERK: _same_zone("zone")})
register("investment.ChainNode", zone="chain__zone", writers={Role.CLERK: _same_zone("chain__zone")})
register(
    "investment.NodeFirm", zone="node__chain__zone", writers={Role.CLERK: _same_zone("node__chain__zone")}
)
register("investment.Project", zone="zone", writers={Role.CLERK: _same_zone("zone")})
register("investment.StageChange", zone="project__zone", writers={Role.CLERK: _same_zone("project__zone")})
register("investment.TableImport", zone="zone", writers={Role.CLERK: _same_zone("zone")})
register_action("import_investment", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN)
register_action("investment_settings", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)


def _register_panel() -> None:
    from gaoxin.web.investment.panels import register as register_panel

    register_panel()


_register_panel()
