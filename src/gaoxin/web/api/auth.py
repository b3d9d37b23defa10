"""Who is calling the API: a bearer token (machine clients) or the browser's session (the pages' scripts
and the OpenAPI page).

- ``Authorization: Bearer gx_…`` is looked up through ``accounts.services.user_for_token`` (only the
  token's hash is stored). A request that sends an Authorization header is judged by it alone: a wrong,
  revoked or malformed token is a 401 even if the same browser also holds a session.
- The session is Django's own; for unsafe methods (POST, PUT, PATCH, DELETE) it must carry the CSRF
  token, exactly as a form post would (``X-CSRFToken`` header), or the request is refused with 403.
  Token requests need no CSRF token: a browser never adds a bearer token on its own.

Both set ``request.user`` to the caller, so ``scoping.visible`` and ``scoping.audit`` work as in the
pages, and ``request.api_via`` to ``"token"`` or ``"session"`` (plus ``request.api_token``, the
token's public prefix, for the audit log).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from gaoxin.web.accounts.services import user_for_token

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; anything else in that header is refused, not ignored."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header)
        if not header:
            return None  # no header: let the session try
        scheme, _sep, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(401, _("The Authorization header must be 'Bearer <token>'."))
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError(401, _("This token is not valid: it is unknown or was revoked."))
        request.user = user
        request.api_via = "token"
        request.api_token = token[:8]
        return user


class SessionAuth(APIKeyCookie):
    """Django's session; unsafe methods must pass Django's CSRF check."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest):
        # The CSRF check is made in ``authenticate``, only for a signed-in caller, so that an anonymous
        # request is told to authenticate (401) rather than that its CSRF token is missing.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(
                403, _("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie.")
            )
        request.api_via = "session"
        request.api_token = None
        return user


AUTH = [TokenAuth(), SessionAuth()]
