"""What the API does besides reading scoped rows: explanations (computed by the pure core) and tokens.

No number is decided here: an explanation is ``gaoxin.scoring.explain.explain_values`` over the run's
own model (``credit.services.run_model``) and the zone's register as the run read it
(``registry.services.zone_dataset`` for the run's year and the year before, then ``engine.prepare`` and
``engine.evaluate``). Services never commit: the caller's request or command holds the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from gaoxin.scoring import engine
from gaoxin.scoring.explain import Explanation, explain_values
from gaoxin.web.accounts.models import ApiToken, User
from gaoxin.web.accounts.scoping import audit
from gaoxin.web.accounts.services import hash_token, new_token
from gaoxin.web.credit.models import ScoreRun
from gaoxin.web.credit.services import run_model, snapshot_hash
from gaoxin.web.registry.models import Enterprise
from gaoxin.web.registry.services import zone_dataset


@dataclass
class RunExplanation:
    explanation: Explanation
    data_changed: bool  # the register differs from the snapshot the run read


def explain_enterprise(run: ScoreRun, enterprise: Enterprise, levers: int = 3) -> RunExplanation:
    """Why ``enterprise`` scored what it scored in ``run`` (raises ``UnknownEnterprise`` if it was not scored).

    The caller has already checked that the user may see both. The whole cohort is evaluated because
    percentiles and levers are relative to it.
    """
    model = run_model(run)
    data = zone_dataset([run.zone], years=[run.year - 1, run.year])
    values = engine.evaluate(model, engine.prepare(model, data, run.year)).collect()
    found = explain_values(model, values, run.year, enterprise.uscc, levers=levers)
    changed = bool(run.snapshot_sha256) and snapshot_hash(data, run.year) != run.snapshot_sha256
    return RunExplanation(found, changed)


def create_token(user: User, name: str, by=None) -> str:
    """A new token for ``user``; returns the secret, which is shown once and never stored.

    ``by``: the request (or user) acting, for the audit log; ``user`` itself when omitted.
    """
    secret = new_token(user, name)
    token = ApiToken.objects.get(key_hash=hash_token(secret))
    audit(
        by or user, "token_created", None, token=token.pk, prefix=token.prefix, name=name, owner=user.username
    )
    return secret


def revoke_tokens(user: User, *, ids=None, prefix: str | None = None, by=None) -> int:
    """Revoke ``user``'s tokens: the given ids, those starting with ``prefix``, or (neither) all of them."""
    tokens = ApiToken.objects.filter(user=user, revoked=False)
    if ids is not None:
        tokens = tokens.filter(pk__in=list(ids))
    if prefix:
        tokens = tokens.filter(prefix__startswith=prefix[:8])
    revoked = list(tokens.values_list("pk", "prefix"))
    if revoked:
        ApiToken.objects.filter(pk__in=[pk for pk, _ in revoked]).update(revoked=True)
        audit(by or user, "token_revoked", None, tokens=[p for _, p in revoked], owner=user.username)
    return len(revoked)
