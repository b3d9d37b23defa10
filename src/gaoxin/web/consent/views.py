"""Consent pages: the firm's "Data authorisation" page (grant, revoke, who looked) and the bank's list
of firms that authorised it, with the detailed profile of each.

Views authorize through the scoping helper, call ``services`` and render. An object outside the
user's scope is a 404; a page the role has no business on is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gaoxin.consent import rules
from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.consent import bulk_io, services
from gaoxin.web.consent.forms import GrantForm, RevokeForm
from gaoxin.web.consent.models import Channel, Consent
from gaoxin.web.platform.actions import attempt
from gaoxin.web.platform.views import CSV, download, paginate
from gaoxin.web.registry.models import Enterprise
from gaoxin.web.registry.panels import panels as profile_panels
from gaoxin.web.registry.services import pages as registry_pages


def _enterprise_user(user) -> Enterprise:
    if user.role != Role.ENTERPRISE or user.enterprise_id is None:
        raise PermissionDenied
    return get_object_or_404(visible(user, Enterprise).select_related("zone"), pk=user.enterprise_id)


def _bank_user(user) -> None:
    if user.role != Role.BANK or user.bank_id is None:
        raise PermissionDenied


def _consented(user, pk: int) -> Enterprise:
    """The bank user's firm ``pk`` under a live authorisation to its bank (else 404)."""
    _bank_user(user)
    return get_object_or_404(
        visible(user, Enterprise).filter(pk__in=services.consented_enterprises(user.bank_id).values("pk")),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """The firm's consents: grant one to a bank, revoke, and see who looked at its data."""
    user = request.user
    ent = _enterprise_user(user)
    banks = services.bank_choices(user)
    today = timezone.localdate()
    latest = rules.one_year_after(today)
    form = GrantForm(
        request.POST if request.method == "POST" else None, banks=banks, initial={"until": latest.isoformat()}
    )
    error = ""
    if request.method == "POST":
        if not form.is_valid():
            error = form.first_error()
        else:
            bank = form.cleaned_data["bank"]
            try:
                with transaction.atomic():
                    consent = services.grant(
                        user, bank, form.cleaned_data["until"], form.cleaned_data["purpose"], by=request
                    )
            except services.ConsentError as exc:
                error = str(exc)
            else:
                messages.success(
                    request,
                    _("%(bank)s may now see your detailed profile until %(day)s.")
                    % {"bank": bank.name, "day": consent.last_day},
                )
                return redirect("consent:mine")
    return render(
        request,
        "consent/mine.html",
        {
            "enterprise": ent,
            "banks": banks,
            "form": form.values(),
            "error": error,
            "rows": services.consent_rows(user, ent),
            "looked": services.who_looked(user, ent),
            "min_day": today,
            "max_day": latest,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def revoke(request, pk: int):
    user = request.user
    _enterprise_user(user)
    consent = get_object_or_404(visible(user, Consent).select_related("bank"), pk=pk)
    if not RevokeForm(request.POST).is_valid():  # the page's tick, checked here too
        messages.error(request, _("Tick “The bank loses access at once” to revoke the authorisation."))
        return redirect("consent:mine")
    with attempt(request, services.ConsentError):
        services.revoke(user, consent, by=request)
        messages.success(
            request,
            _("The authorisation of %(bank)s was revoked: it no longer sees your detailed profile.")
            % {"bank": consent.bank.name},
        )
    return redirect("consent:mine")


@login_required
@require_GET
def bank_profiles(request):
    """The bank's list of firms with a live authorisation to it."""
    _bank_user(request.user)
    page = paginate(request, services.bank_consents(request.user))
    return render(request, "consent/bank_profiles.html", {"page": page})


@login_required
@require_GET
def bank_profile(request, pk: int):
    """One firm's detailed profile, under a live authorisation to the bank; every view is logged."""
    user = request.user
    ent = _consented(user, pk)
    consent = services.live_consent(user.bank_id, ent)
    services.log_access(request, ent, "profile", Channel.PAGE)
    return render(
        request,
        "consent/bank_profile.html",
        {
            "p": registry_pages.profile(user, ent),
            "panels": profile_panels(user, ent),
            "consent": consent,
        },
    )


@login_required
@require_GET
def bank_profile_export(request, pk: int):
    """The consented profile as CSV (registry data, annual reports, qualifications); logged as an export."""
    user = request.user
    ent = _consented(user, pk)
    content = bulk_io.profile_csv(registry_pages.profile(user, ent))
    services.log_access(request, ent, "profile", Channel.EXPORT)
    return download(content, f"profile-{ent.uscc}.csv", CSV)


urls = [
    path("", mine, name="mine"),
    path("<int:pk>/revoke/", revoke, name="revoke"),
    path("bank/", bank_profiles, name="bank_profiles"),
    path("bank/<int:pk>/", bank_profile, name="bank_profile"),
    path("bank/<int:pk>/export.csv", bank_profile_export, name="bank_profile_export"),
]
