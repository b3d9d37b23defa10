"""Sign-in, sign-out, the role's home page, the audit log, and administration in the browser:
accounts (the security administrator), zones and banks (the system administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from gaoxin.web.accounts import services
from gaoxin.web.accounts.forms import (
    AccountForm,
    ActiveForm,
    AuditFilter,
    BankForm,
    NewAccountForm,
    OwnPasswordForm,
    RegionForm,
    ResetPasswordForm,
    ZoneForm,
)
from gaoxin.web.accounts.models import ApiToken, Bank, Role, User
from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.accounts.services import (
    LockedOut,
    SignInRefused,
    audit_entries,
    audit_xlsx,
    locked_until,
    readable,
    sign_in,
)
from gaoxin.web.platform.views import download, paginate, require
from gaoxin.web.registry.models import Region, Zone


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
        except SignInRefused as exc:
            error = exc.reason
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
        Role.SECURITY_ADMIN: "accounts:users",
        Role.AUDIT_ADMIN: "accounts:audit",
        Role.SUPERVISOR: "supervision:home",
        Role.ZONE_ADMIN: "registry:dashboard",
        Role.CLERK: "registry:imports",
        Role.ENTERPRISE: "registry:my_enterprise",
        Role.BANK: "credit:bank_lists",
    }
    return redirect(reverse(targets[role]))


@login_required
def audit_log(request):
    """The log in words, filtered by user, action, object and date; ``?export=xlsx`` downloads it."""
    require(request.user, "read_audit")
    form = AuditFilter(request.GET or None)
    refused = form.is_bound and not form.is_valid()  # a bad filter shows its error, not everything
    filters = {} if refused or not form.is_bound else form.cleaned_data
    events = audit_entries(request.user, filters)
    if refused:
        events = events.none()
    elif request.GET.get("export") == "xlsx":
        audit(request, "audit_export", filters={k: str(v) for k, v in filters.items() if v})
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return download(audit_xlsx(events), f"审计日志-{stamp}.xlsx")
    page = paginate(request, events)
    for e in page:
        readable(e)
    return render(
        request, "accounts/audit.html", {"page": page, "form": form}, status=400 if refused else 200
    )


# --- administration in the browser ------------------------------------------------------------------


def _anchor(data) -> dict:
    return {
        "zone": data.get("zone"),
        "bank": data.get("bank"),
        "region": data.get("region"),
        "enterprise": data.get("uscc"),
    }


@login_required
def users(request):
    """The security administrator's list of accounts (search by name, filter by role)."""
    require(request.user, "manage_users")
    people = (
        visible(request.user, User)
        .select_related("zone", "bank", "enterprise", "region")
        .order_by("username")
    )
    q = request.GET.get("q", "").strip()
    if q:
        people = people.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    role = request.GET.get("role", "")
    if role in Role.values:
        people = people.filter(role=role)
    page = paginate(request, people)
    for u in page:
        u.locked_until = locked_until(u.username)
    return render(request, "accounts/users.html", {"page": page, "q": q, "role": role, "roles": Role.choices})


@login_required
def user_new(request):
    require(request.user, "manage_users")
    form = NewAccountForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_account(
                request,
                username=data["username"],
                role=data["role"],
                display_name=data["display_name"],
                password=data["password"],
                **_anchor(data),
            )
        except services.AdminError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The account %(name)s was created.") % {"name": user.username})
            return redirect("accounts:user", user.pk)
    return render(request, "accounts/user_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def user_detail(request, pk: int):
    """One account: role and anchor, disable/enable, temporary password, unlock, tokens."""
    require(request.user, "manage_users")
    person = get_object_or_404(visible(request.user, User), pk=pk)
    initial = {
        "role": person.role,
        "display_name": person.display_name,
        "zone": person.zone_id,
        "bank": person.bank_id,
        "region": person.region_id,
        "uscc": person.enterprise.uscc if person.enterprise_id else "",
    }
    form = AccountForm(initial=initial, viewer=request.user)
    reset = ResetPasswordForm(for_user=person)
    action = request.POST.get("action") if request.method == "POST" else None
    status = 200
    try:
        if action == "save":
            form = AccountForm(request.POST, viewer=request.user)
            if form.is_valid():
                data = form.cleaned_data
                services.update_account(
                    request, person, role=data["role"], display_name=data["display_name"], **_anchor(data)
                )
                messages.success(request, _("Saved."))
                return redirect("accounts:user", person.pk)
        elif action in ("disable", "enable"):
            services.set_active(request, person, action == "enable")
            messages.success(request, _("Saved."))
            return redirect("accounts:user", person.pk)
        elif action == "reset":
            reset = ResetPasswordForm(request.POST, for_user=person)
            if reset.is_valid():
                services.reset_password(request, person, reset.cleaned_data["password"])
                messages.success(request, _("The temporary password is set; it must be changed at sign-in."))
                return redirect("accounts:user", person.pk)
        elif action == "unlock":
            services.unlock(request, person)
            messages.success(request, _("The account is unlocked."))
            return redirect("accounts:user", person.pk)
        elif action == "revoke":
            token = get_object_or_404(
                visible(request.user, ApiToken), pk=request.POST.get("token"), user=person
            )
            services.revoke_token(request, token)
            messages.success(request, _("The token is revoked."))
            return redirect("accounts:user", person.pk)
    except services.AdminError as exc:
        messages.error(request, str(exc))
        status = 400
    if form.errors or reset.errors:
        status = 400
    tokens = visible(request.user, ApiToken).filter(user=person).order_by("-created")
    context = {
        "person": person,
        "form": form,
        "reset": reset,
        "tokens": tokens,
        "locked_until": locked_until(person.username),
    }
    return render(request, "accounts/user.html", context, status=status)


@login_required
def change_password(request):
    """The user's own password; required after an administrator set a temporary one."""
    form = OwnPasswordForm(request.POST or None, for_user=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.change_own_password(request, form.cleaned_data["password"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed."))
        return redirect("home")
    return render(request, "accounts/password.html", {"form": form}, status=400 if form.errors else 200)


_ORGS = {
    "zones": (Zone, ZoneForm, _lazy("Zones")),
    "banks": (Bank, BankForm, _lazy("Banks")),
    "regions": (Region, RegionForm, _lazy("Regions")),
}


@login_required
def orgs(request, kind: str, pk: int | None = None):
    """The system administrator's zones, banks and regions: the list, a new one, one edited."""
    require(request.user, "manage_platform")
    model, form_class, title = _ORGS[kind]
    items = visible(request.user, model).order_by("code")
    obj = get_object_or_404(items, pk=pk) if pk is not None else None
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        saved = services.save_org(request, kind, form)
        messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
        return redirect(f"accounts:{kind}")
    context = {
        "kind": kind,
        "title": title,
        "page": paginate(request, items),
        "form": form,
        "obj": obj,
        "switchable": kind in _SWITCHABLE,
    }
    return render(request, "accounts/orgs.html", context, status=400 if form.errors else 200)


_SWITCHABLE = ("zones", "banks")


@login_required
@require_POST
def org_switch(request, kind: str, pk: int):
    """停用/启用 a zone or a bank (the system administrator), after the confirmation is ticked."""
    require(request.user, "manage_platform")
    if kind not in _SWITCHABLE:
        raise Http404
    model = _ORGS[kind][0]
    obj = get_object_or_404(visible(request.user, model), pk=pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation first."))
        return redirect(f"accounts:{kind[:-1]}", obj.pk)
    active = form.cleaned_data["active"] == "1"
    services.set_org_active(request, kind, obj, active)
    done = _("Enabled %(name)s.") if active else _("Disabled %(name)s.")
    messages.success(request, done % {"name": obj.name})
    return redirect(f"accounts:{kind}")
