"""Scoping rules of the credit app's models (applied by ``accounts.scoping``).

- ``credit.ScoreRun``, ``credit.ModelFile``: zone staff their zone's; an enterprise
  user sees the finished runs that scored its firm (and nothing of the rest); banks none.
- ``credit.Score``: zone staff their zone's; an enterprise its own firm's scores; a bank the scores
  frozen into the lists published to it (``consent`` adds the scores of firms under a live consent).
- ``credit.PublishedList`` and ``credit.ListEntry``: zone staff their zone's; a bank the lists
  addressed to it and their entries.
"""

from __future__ import annotations

from django.db.models import Q

from gaoxin.web.accounts import scoping
from gaoxin.web.accounts.models import Role


def _listed_scores(user) -> Q:
    from gaoxin.web.credit.models import ListEntry

    return Q(pk__in=ListEntry.objects.filter(published_list__banks=user.bank_id).values("score_id"))


scoping.register("credit.ScoreRun", zone="zone")
scoping.grant(
    "credit.ScoreRun", Role.ENTERPRISE, lambda user: Q(scores__enterprise=user.enterprise_id, status="done")
)
scoping.register("credit.Score", zone="run__zone", enterprise="enterprise", bank=_listed_scores)
scoping.register("credit.PublishedList", zone="zone", bank=lambda user: Q(banks=user.bank_id))
scoping.register(
    "credit.ListEntry", zone="published_list__zone", bank=lambda user: Q(published_list__banks=user.bank_id)
)
scoping.register("credit.ModelFile", zone="zone")
