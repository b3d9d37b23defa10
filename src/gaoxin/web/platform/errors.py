"""Error pages in the site's look: a user never sees a traceback (the log keeps it)."""

from django.shortcuts import render


def forbidden(request, exception=None):
    # a refusal that explains itself (e.g. accounts.services.ZoneDisabled) shows its reason
    reason = getattr(exception, "user_message", None)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
