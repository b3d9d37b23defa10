"""People and organisations: users with one role each, banks, sign-in attempts, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """One role per account. The platform's administration is split three ways (三员分立, MLPS 2.0
    level 3): the system administrator (``platform_admin``: zones, banks, configuration, the data),
    the security administrator (accounts, roles, tokens, lockouts; no enterprise data) and the audit
    administrator (reads and exports the audit log; nothing else). One role field: no account can
    hold two of them."""

    PLATFORM_ADMIN = "platform_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    SUPERVISOR = "supervisor", _("Supervisor (province or nation)")
    ZONE_ADMIN = "zone_admin", _("Zone administrator")
    CLERK = "clerk", _("Data clerk")
    ENTERPRISE = "enterprise", _("Enterprise user")
    BANK = "bank", _("Bank user")


# The roles anchored to nothing: the platform's three administrators.
ADMIN_ROLES = (Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class Bank(models.Model):
    """A financial institution that receives published lists (white-lists)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # A disabled bank keeps its records: its officers cannot sign in and their API tokens stop working.
    active = models.BooleanField(_("active"), default=True)

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
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisors",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # Set when an administrator sets the password: the user chooses their own at the next sign-in.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        constraints = [
            models.CheckConstraint(
                name="user_role_anchor",
                condition=(
                    models.Q(
                        role__in=["platform_admin", "security_admin", "audit_admin"],
                        zone__isnull=True,
                        enterprise__isnull=True,
                        bank__isnull=True,
                        region__isnull=True,
                    )
                    | models.Q(
                        role__in=["zone_admin", "clerk"],
                        zone__isnull=False,
                        enterprise__isnull=True,
                        bank__isnull=True,
                        region__isnull=True,
                    )
                    | models.Q(
                        role="enterprise", enterprise__isnull=False, bank__isnull=True, region__isnull=True
                    )
                    | models.Q(
                        role="bank",
                        bank__isnull=False,
                        zone__isnull=True,
                        enterprise__isnull=True,
                        region__isnull=True,
                    )
                    | models.Q(
                        role="supervisor",
                        region__isnull=False,
                        zone__isnull=True,
                        enterprise__isnull=True,
                        bank__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_zone_staff(self) -> bool:
        return self.role in (Role.ZONE_ADMIN, Role.CLERK)


class LoginAttempt(models.Model):
    """Every sign-in attempt, for lockout and for the audit of sign-ins."""

    username = models.CharField(max_length=150, db_index=True)
    succeeded = models.BooleanField()
    # A security administrator's unlock: the failures before it no longer count towards a lockout.
    unlock = models.BooleanField(default=False)
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


class AppendOnly(Exception):
    """The audit log is append-only: the application has no path that changes or removes an entry.

    The one exception is ``accounts.services.archive_audit``, which moves entries past the retention
    period into a checksummed archive file before it removes them (``AuditEventQuerySet.archived``).
    """


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted; archive_audit moves old ones to an archive")

    def archived(self) -> int:
        """Remove these entries once ``archive_audit`` has written them to its archive (not otherwise)."""
        deleted, _ = models.QuerySet.delete(self)
        return deleted


class AuditEvent(models.Model):
    """Who did or saw what, when: sign-ins, views of an enterprise's detail, exports, changes.

    Append-only: ``save`` creates and never updates, ``delete`` and the queryset's ``update``/``delete``
    raise ``AppendOnly``.
    """

    objects = AuditEventQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted; archive_audit moves old ones to an archive")
