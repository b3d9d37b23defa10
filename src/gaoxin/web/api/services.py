"""What the API does besides reading scoped rows: explanations and tokens.

No number is decided here: an explanation is ``credit.services.explain_in_run`` (the engine's
explanation over the run's own model and values), as on the pages. Services never commit.
"""

from __future__ import annotations

from gaoxin.web.accounts.models import ApiToken, User
from gaoxin.web.accounts.scoping import audit
from gaoxin.web.accounts.services import hash_token, new_token
from gaoxin.web.credit.models import ScoreRun
from gaoxin.web.credit.services import RunExplanation, explain_in_run
from gaoxin.web.registry.models import Enterprise


def explain_enterprise(run: ScoreRun, enterprise: Enterprise, levers: int = 3) -> RunExplanation:
    """Why ``enterprise`` scored what it scored in ``run`` (raises ``UnknownEnterprise`` if it was not scored).

    The caller has already checked that the user may see both. The whole cohort is evaluated because
    percentiles and levers are relative to it.
    """
    return explain_in_run(run, enterprise.uscc, levers=levers)


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
