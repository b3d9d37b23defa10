"""Response headers Django 5.2 does not set itself: a content security policy and a permissions policy."""

from __future__ import annotations

# Scripts only from our own origin (charts use the plotly.js finance bundle in static/vendor). Plotly
# sets inline styles on the elements it draws, hence 'unsafe-inline' for styles only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class ChineseUnlessChosenMiddleware:
    """The platform speaks Chinese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many browsers (and
    every fresh Chromium) ask for English first: a zone clerk would meet an English sign-in page. The
    choice is the switch's cookie alone; this runs before LocaleMiddleware and hides the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """After an administrator set a temporary password, the user's first stop is choosing their own:
    every page but the password form, sign-out, static files and the language switch redirects there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import redirect
        from django.urls import reverse

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password"), reverse("accounts:logout"), "/static/", "/i18n/")
            if not request.path.startswith(allowed):
                return redirect("accounts:password")
        return self.get_response(request)


class SupervisorsReadOnlyMiddleware:
    """Supervisors read the zones under them and never change a zone's data: any request of theirs
    that could write (not GET/HEAD/OPTIONS) is refused, except on their own supervision pages, the
    password form, sign-out and the language switch. Views check rights too (``scoping.can_write``);
    this makes "read-only" hold for every route, present and future."""

    OPEN = ("/supervision/", "/accounts/logout/", "/accounts/password/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import PermissionDenied

        user = getattr(request, "user", None)
        if (
            user is not None
            and getattr(user, "role", None) == "supervisor"
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and not request.path.startswith(self.OPEN)
        ):
            raise PermissionDenied
        return self.get_response(request)
