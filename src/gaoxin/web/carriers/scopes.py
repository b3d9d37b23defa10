"""Scoping rules for the carriers app's tables (applied by ``accounts.scoping``; nothing here filters).

- Zone staff see their zone's incubators, firms, grades, admissions, reserve, needs, challenges,
  applications, reviews, contracts, milestones, payments, settings and imports. The zone administrator
  writes all of them; the data clerk writes the registers (incubators, their firms, the reserve and its
  events, needs) but not reviews, selections, contracts, payments or settings.
- An enterprise user sees its own incubation rows, its reserve entry with its events and rewards, its own
  needs, the challenges its zone has published, its applications (as lead or partner) and their contracts,
  milestones and payments — never the experts' reviews of them.
- An expert (any user linked to a challenge by a ``ChallengeExpert`` row; enterprise-role experts are
  granted below, zone staff see their zone anyway) sees the challenge, the applications assigned to them
  and their own reviews, and writes only their own reviews (``services`` refuses a conflicted expert).
- Banks see nothing of this app.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import grant, register, register_action

PUBLIC = ("published", "review", "selected", "contracted", "closed")

register("carriers.CarrierSettings", zone="zone")
register("carriers.TableImport", zone="zone", clerk=True)
register("carriers.Incubator", zone="zone", clerk=True)
grant("carriers.Incubator", Role.ENTERPRISE, lambda user: Q(firms__enterprise=user.enterprise_id))
register(
    "carriers.IncubatedFirm",
    zone="incubator__zone",
    enterprise="enterprise",
    clerk=True,
)
register("carriers.IncubatorGrade", zone="incubator__zone")
register("carriers.Admission", zone="incubator__zone", clerk=True)
register("carriers.ReserveFirm", zone="zone", enterprise="enterprise", clerk=True)
register(
    "carriers.StageEvent",
    zone="reserve__zone",
    enterprise="reserve__enterprise",
    clerk=True,
)
register("carriers.RewardPayment", zone="reserve__zone", enterprise="reserve__enterprise")
register(
    "carriers.Need",
    zone="zone",
    enterprise="enterprise",
    clerk=True,
    writers={
        Role.ENTERPRISE: lambda user, obj: obj.enterprise_id == user.enterprise_id and obj.status == "new",
    },
)
register("carriers.Challenge", zone="zone")
grant(
    "carriers.Challenge",
    Role.ENTERPRISE,
    lambda user: Q(zone=user.enterprise.zone_id, status__in=PUBLIC) | Q(experts__user=user.pk),
)
register(
    "carriers.ChallengeApplication",
    zone="challenge__zone",
    enterprise="lead",
    writers={
        Role.ENTERPRISE: lambda user, obj: obj.lead_id == user.enterprise_id and obj.status == "submitted",
    },
)
grant(
    "carriers.ChallengeApplication",
    Role.ENTERPRISE,
    lambda user: Q(partners=user.enterprise_id) | Q(reviews__expert__user=user.pk),
)
register("carriers.ChallengeExpert", zone="challenge__zone")
grant("carriers.ChallengeExpert", Role.ENTERPRISE, lambda user: Q(user=user.pk))
register(
    "carriers.ChallengeReview",
    zone="application__challenge__zone",
    writers={Role.ENTERPRISE: lambda user, obj: obj.expert.user_id == user.pk},
)
grant("carriers.ChallengeReview", Role.ENTERPRISE, lambda user: Q(expert__user=user.pk))
register("carriers.Contract", zone="application__challenge__zone", enterprise="application__lead")
register(
    "carriers.Milestone",
    zone="contract__application__challenge__zone",
    enterprise="contract__application__lead",
)
register(
    "carriers.Payment",
    zone="contract__application__challenge__zone",
    enterprise="contract__application__lead",
)

register_action("carriers_view", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN)
register_action("carriers_import", Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN)
register_action("carriers_manage", Role.ZONE_ADMIN, Role.PLATFORM_ADMIN)
register_action("carriers_apply", Role.ENTERPRISE)
