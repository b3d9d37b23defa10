"""Sign-in, sign-out, the role's home page, and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gaoxin.web.accounts.audit_labels import action_label, object_label
from gaoxin.web.accounts.models import AuditEvent, Role
from gaoxin.web.accounts.scoping import audit, may, visible
from gaoxin.web.accounts.services import LockedOut, sign_in


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    error = None
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        try:
            user = sign_in(request, username, password)
        except LockedOut as exc:
            minutes = max(1, int((exc.until - timezone.now()).total_seconds() // 60) + 1)
            error = _("Too many failed sign-ins. This account is locked for %(minutes)s more minutes.") % {
                "minutes": minutes
            }
        else:
            if user is None:
                error = _("Wrong user name or password.")
            else:
                login(request, user)
                audit(request, "login")
                target = request.POST.get("next") or request.GET.get("next") or ""
                if url_has_allowed_host_and_scheme(
                    target, {request.get_host()}, require_https=request.is_secure()
                ):
                    return redirect(target)
                return redirect("home")
    return render(
        request,
        "accounts/login.html",
        {"error": error, "username": username, "next": request.GET.get("next", "")},
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit(request, "logout")
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


def home(request):
    """The front page: the sign-in form, or the signed-in role's own start page."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    role = request.user.role
    targets = {
        Role.PLATFORM_ADMIN: "registry:dashboard",
        Role.ZONE_ADMIN: "registry:dashboard",
        Role.CLERK: "registry:imports",
        Role.ENTERPRISE: "registry:my_enterprise",
        Role.BANK: "credit:bank_lists",
    }
    return redirect(reverse(targets[role]))


@login_required
def audit_log(request):
    if not may(request.user, "read_audit"):
        raise PermissionDenied
    events = visible(request.user, AuditEvent).select_related("user")
    action = request.GET.get("action")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for e in page:
        e.action_label, e.object_label = action_label(e.action), object_label(e.object_type)
    return render(request, "accounts/audit.html", {"page": page, "action": action or ""})
