"""Scoping rules for the policy app's tables (applied by ``accounts.scoping``; nothing here filters itself).

- Zone staff (administrator, clerk) see their zone's policies, clauses, facts, runs, awards,
  objections, history, batches and ledger; the zone administrator writes them (decides objections,
  publishes, pays, claws back); the clerk imports the departments' facts and otherwise only reads.
- An enterprise sees the published policies of its zone and their clauses, and of the rest only its
  own rows, and of awards only those of an official list once it is in publicity (never a simulation);
  it writes its own awards while the publicity is open (confirm or waive) and its own objections.
- Banks see nothing of this app.
"""

from django.db.models import Q

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import grant, register, register_action

PUBLIC_RUN = Q(run__kind="official", run__status__in=["publicity", "closed"])


def _own_award(user, obj) -> bool:
    return (
        obj.enterprise_id == user.enterprise_id
        and obj.run.kind == "official"
        and obj.run.status == "publicity"
    )


register("policy.Policy", zone="zone")
grant(
    "policy.Policy", Role.ENTERPRISE, lambda user: Q(zone__enterprises=user.enterprise_id, status="published")
)
register("policy.Clause", zone="policy__zone")
grant(
    "policy.Clause",
    Role.ENTERPRISE,
    lambda user: Q(policy__zone__enterprises=user.enterprise_id, policy__status="published"),
)
register(
    "policy.Fact",
    zone="zone",
    enterprise="enterprise",
    clerk=True,
)
register("policy.MatchRun", zone="zone")
register("policy.Award", zone="run__zone", writers={Role.ENTERPRISE: _own_award})
grant("policy.Award", Role.ENTERPRISE, lambda user: Q(enterprise=user.enterprise_id) & PUBLIC_RUN)
register(
    "policy.Objection",
    zone="award__run__zone",
    enterprise="award__enterprise",
    writers={Role.ENTERPRISE: lambda user, obj: obj.award.enterprise_id == user.enterprise_id},
)
register("policy.AwardEvent", zone="award__run__zone")
grant(
    "policy.AwardEvent",
    Role.ENTERPRISE,
    lambda user: Q(
        award__enterprise=user.enterprise_id,
        award__run__kind="official",
        award__run__status__in=["publicity", "closed"],
    ),
)
register("policy.PaymentBatch", zone="run__zone")
register("policy.LedgerEntry", zone="zone", enterprise="enterprise")

register_action("manage_policies", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)
register_action("claim_awards", Role.ENTERPRISE)
