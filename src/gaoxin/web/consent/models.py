"""Data authorisations (数据授权): an enterprise lets one bank read its detailed profile for a period,
and every look a bank takes is logged for the firm to see.

The rules (when a consent is live, how long it may run) are in the pure module ``gaoxin.consent``;
``services`` applies them. A consent runs from ``starts_at`` up to, not including, ``expires_at``
(both exact instants); ``revoked_at`` ends it early.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.consent import rules


def live_q(at: dt.datetime | None = None, prefix: str = "") -> Q:
    """The consents live at ``at`` (default: now), as a filter; ``prefix`` for a related lookup."""
    at = at or timezone.now()
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}starts_at__lte": at, f"{p}expires_at__gt": at}) & (
        Q(**{f"{p}revoked_at__isnull": True}) | Q(**{f"{p}revoked_at__gt": at})
    )


class Consent(models.Model):
    """One enterprise's authorisation of one bank to read its detailed profile."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="consents"
    )
    bank = models.ForeignKey(
        "accounts.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="consents"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    starts_at = models.DateTimeField(_("valid from"), db_index=True)
    expires_at = models.DateTimeField(_("valid until"), db_index=True)  # access ends at this instant
    purpose = models.CharField(_("purpose"), max_length=rules.MAX_PURPOSE)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("data authorisation")
        indexes = [models.Index(fields=["bank", "expires_at"]), models.Index(fields=["enterprise", "bank"])]
        constraints = [
            models.CheckConstraint(
                name="consent_period_positive", condition=Q(expires_at__gt=models.F("starts_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.bank}"

    def period(self) -> rules.Period:
        return rules.Period(self.starts_at, self.expires_at, self.revoked_at)

    def is_live(self, at: dt.datetime | None = None) -> bool:
        return rules.is_live(self.starts_at, self.expires_at, self.revoked_at, at or timezone.now())

    def status(self, at: dt.datetime | None = None) -> str:
        """``live``, ``expired``, ``revoked`` or ``pending`` (see ``gaoxin.consent.status``)."""
        return rules.status(self.starts_at, self.expires_at, self.revoked_at, at or timezone.now())

    def status_label(self, at: dt.datetime | None = None) -> str:
        return str(STATUS_LABELS.get(self.status(at), ""))

    @property
    def last_day(self) -> dt.date:
        """The last calendar day the consent covers (local time), as the firm chose it."""
        return timezone.localtime(self.expires_at - dt.timedelta(microseconds=1)).date()


STATUS_LABELS = {
    rules.LIVE: _("live"),
    rules.EXPIRED: _("expired"),
    rules.REVOKED: _("revoked"),
    rules.PENDING: _("not yet started"),
}


class Channel(models.TextChoices):
    PAGE = "page", _("web page")
    API = "api", _("API")
    EXPORT = "export", _("export")


class AccessLog(models.Model):
    """One look at an enterprise's detailed data by a bank user: who, which bank, when, what, how."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="accesses"
    )
    bank = models.ForeignKey(
        "accounts.Bank",
        verbose_name=_("bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accesses",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)  # kept if the user is deleted
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("data authorisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accesses",
    )
    what = models.CharField(_("what was viewed"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access record")
        indexes = [models.Index(fields=["enterprise", "-at"])]

    def __str__(self) -> str:
        return f"{self.username or self.user_id} → {self.enterprise_id}: {self.what}"
