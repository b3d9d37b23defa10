"""Sign-in with lockout, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone

from gaoxin.web.accounts.models import ApiToken, LoginAttempt, User
from gaoxin.web.accounts.scoping import audit


class LockedOut(Exception):
    def __init__(self, until):
        super().__init__(until)
        self.until = until


def locked_until(username: str):
    """When the account's lock ends, or None: N failures within the window lock it."""
    window = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = LoginAttempt.objects.filter(username__iexact=username, at__gte=window).order_by("-at")
    failures = []
    for attempt in recent[: settings.LOGIN_FAILURE_LIMIT]:
        if attempt.succeeded:
            break
        failures.append(attempt)
    if len(failures) >= settings.LOGIN_FAILURE_LIMIT:
        return failures[0].at + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return None


def sign_in(request, username: str, password: str) -> User | None:
    """Authenticate unless locked out; every attempt is recorded and audited."""
    ip = request.META.get("REMOTE_ADDR")
    until = locked_until(username)
    if until:
        audit(request, "login_locked", username=username)
        raise LockedOut(until)
    user = authenticate(request, username=username, password=password)
    LoginAttempt.objects.create(username=username, succeeded=user is not None, ip=ip)
    if user is None:
        audit(request, "login_failed", username=username)
    return user


def new_token(user: User, name: str) -> str:
    """Create a token and return its secret once; only the hash is kept."""
    secret = "gx_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(secret), prefix=secret[:8])
    return secret


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def user_for_token(secret: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(secret), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user
