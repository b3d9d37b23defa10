"""People and organisations: users with one role each, banks, sign-in attempts, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    ZONE_ADMIN = "zone_admin", _("Zone administrator")
    CLERK = "clerk", _("Data clerk")
    ENTERPRISE = "enterprise", _("Enterprise user")
    BANK = "bank", _("Bank user")


class Bank(models.Model):
    """A financial institution that receives published lists (white-lists)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bank")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person with exactly one role; the role's anchor (zone, enterprise or bank) fixes their scope."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    zone = models.ForeignKey(
        "registry.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        constraints = [
            models.CheckConstraint(
                name="user_role_anchor",
                condition=(
                    models.Q(
                        role="platform_admin", zone__isnull=True, enterprise__isnull=True, bank__isnull=True
                    )
                    | models.Q(
                        role__in=["zone_admin", "clerk"],
                        zone__isnull=False,
                        enterprise__isnull=True,
                        bank__isnull=True,
                    )
                    | models.Q(role="enterprise", enterprise__isnull=False, bank__isnull=True)
                    | models.Q(role="bank", bank__isnull=False, zone__isnull=True, enterprise__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN

    @property
    def is_zone_staff(self) -> bool:
        return self.role in (Role.ZONE_ADMIN, Role.CLERK)


class LoginAttempt(models.Model):
    """Every sign-in attempt, for lockout and for the audit of sign-ins."""

    username = models.CharField(max_length=150, db_index=True)
    succeeded = models.BooleanField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class ApiToken(models.Model):
    """A bearer token for a machine client; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)


class AuditEvent(models.Model):
    """Who did or saw what, when: sign-ins, views of an enterprise's detail, exports, changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)  # kept if the user is deleted
    action = models.CharField(max_length=40, db_index=True)  # login, login_failed, view_enterprise, export …
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    zone = models.ForeignKey(
        "registry.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
