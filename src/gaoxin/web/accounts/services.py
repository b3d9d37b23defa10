"""Sign-in with lockout, API tokens, and the audit log (filter, export, archive past retention)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import secrets
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone

from gaoxin.io.tables import Column, Sheet, to_bytes
from gaoxin.web.accounts.audit_labels import action_label, detail_fields, object_label
from gaoxin.web.accounts.models import ApiToken, AuditEvent, LoginAttempt, User
from gaoxin.web.accounts.scoping import audit, visible

# Entries are kept in the database at least this long (MLPS 2.0 level 3 asks for 180 days); older
# ones are moved to a checksummed archive file by ``archive_audit``, never silently dropped.
MIN_RETENTION_DAYS = 180


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
        if attempt.succeeded or attempt.unlock:
            break
        failures.append(attempt)
    if len(failures) >= settings.LOGIN_FAILURE_LIMIT:
        return failures[0].at + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return None


_SIGN_IN_LOCKS = [threading.Lock() for _ in range(64)]  # by a hash of the name: bounded, whatever is tried


@contextlib.contextmanager
def _one_at_a_time(username: str):
    """Attempts on one account, one after the other: the lock check, the password and the record of
    the attempt are one step, so 40 concurrent guesses cannot all pass a check made before any of
    them was recorded. PostgreSQL: a transaction-scoped advisory lock on the name (every web worker
    and server shares it); SQLite (one process): a lock per name in this process."""
    digest = hashlib.sha256(b"sign-in:" + username.casefold().encode()).digest()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
                )
            yield
            return
        with _SIGN_IN_LOCKS[digest[0] % len(_SIGN_IN_LOCKS)]:
            yield


class SignInRefused(Exception):
    """The right password, but the account's zone or bank is disabled (``sign_in_refusal``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# The one sign-in rule (issue 16, item 1). The sign-in form (``sign_in``, through the backend), every
# signed-in request (``backends.SignInBackend.get_user``) and every API token (``user_for_token``) ask
# ``may_sign_in``: an account that is disabled, or whose zone (a firm's: its enterprise's zone) or bank
# is disabled, does nothing on the platform until it is enabled again; its records stay.

# Annotations that carry the anchors' state with the user's own row (no query per request).
ANCHOR_STATE = {
    "_zone_active": models.F("zone__active"),
    "_bank_active": models.F("bank__active"),
    "_firm_zone_active": models.F("enterprise__zone__active"),
}


def _anchor_active(user: User, attr: str, fetch) -> bool:
    value = getattr(user, attr, None)
    if value is None:  # not annotated: read it (a disabled anchor is False, never None)
        value = fetch()
    return value is not False


def sign_in_refusal(user: User | None) -> str | None:
    """Why ``user`` may not sign in or act (in the reader's language), or None when it may."""
    from django.utils.translation import gettext as _

    from gaoxin.web.accounts.models import Bank
    from gaoxin.web.registry.models import Zone

    if user is None or not user.is_active:
        return _("This account is disabled.")
    if user.zone_id is not None and not _anchor_active(
        user,
        "_zone_active",
        lambda: Zone.objects.filter(pk=user.zone_id).values_list("active", flat=True).first(),
    ):
        return _("Your zone is disabled on the platform: its accounts cannot sign in.")
    if user.enterprise_id is not None and not _anchor_active(
        user,
        "_firm_zone_active",
        lambda: Zone.objects.filter(enterprises=user.enterprise_id).values_list("active", flat=True).first(),
    ):
        return _("Your zone is disabled on the platform: its accounts cannot sign in.")
    if user.bank_id is not None and not _anchor_active(
        user,
        "_bank_active",
        lambda: Bank.objects.filter(pk=user.bank_id).values_list("active", flat=True).first(),
    ):
        return _("Your bank is disabled on the platform: its accounts cannot sign in.")
    return None


def may_sign_in(user: User | None) -> bool:
    """The sign-in rule: an active account whose zone and bank (if any) are active."""
    return sign_in_refusal(user) is None


def sign_in(request, username: str, password: str) -> User | None:
    """Authenticate unless locked out; every attempt is recorded and audited. The right password of
    an account whose zone or bank is disabled raises ``SignInRefused`` (audited; it is no guess, so it
    does not count towards a lockout)."""
    ip = request.META.get("REMOTE_ADDR")
    refused = None
    with _one_at_a_time(username):
        until = locked_until(username)
        if not until:
            try:
                user = authenticate(request, username=username, password=password)
            except SignInRefused as exc:
                refused, user = exc, None
            else:
                LoginAttempt.objects.create(username=username, succeeded=user is not None, ip=ip)
                if user is None:
                    audit(request, "login_failed", username=username)
    if until:
        audit(request, "login_locked", username=username)
        raise LockedOut(until)
    if refused is not None:
        audit(request, "login_refused", username=username, reason=refused.reason)
        raise refused
    return user


def new_token(user: User, name: str) -> str:
    """Create a token and return its secret once; only the hash is kept."""
    secret = "gx_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(secret), prefix=secret[:8])
    return secret


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def user_for_token(secret: str) -> User | None:
    """The token's user; None for an unknown, revoked or expired token (older than
    ``GAOXIN_API_TOKEN_DAYS``) or a user who may not sign in (``may_sign_in``)."""
    token = (
        ApiToken.objects.select_related("user")
        .annotate(**{name: models.F(f"user__{path.name}") for name, path in ANCHOR_STATE.items()})
        .filter(key_hash=hash_token(secret), revoked=False)
        .first()
    )
    if token is None:
        return None
    for name in ANCHOR_STATE:
        setattr(token.user, name, getattr(token, name))
    if not may_sign_in(token.user):
        return None
    if token.created < timezone.now() - timedelta(days=settings.GAOXIN_API_TOKEN_DAYS):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.user


# --- the audit log ---------------------------------------------------------------------------------


def audit_entries(user: User, filters: dict):
    """The entries ``user`` may read (``scoping.visible``), narrowed by a valid ``AuditFilter``."""
    events = visible(user, AuditEvent).select_related("user")
    if filters.get("user"):
        events = events.filter(username__icontains=filters["user"])
    for key in ("action", "object_type", "object_id"):
        if filters.get(key):
            events = events.filter(**{key: filters[key]})
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        events = events.filter(at__gte=dt.datetime.combine(filters["date_from"], dt.time(), tz))
    if filters.get("date_to"):
        end = filters["date_to"] + dt.timedelta(days=1)
        events = events.filter(at__lt=dt.datetime.combine(end, dt.time(), tz))
    return events


def readable(event: AuditEvent) -> AuditEvent:
    """Attach the words the log shows: the action's and the object's labels, the detail's fields."""
    event.action_label = action_label(event.action)
    event.object_label = object_label(event.object_type)
    event.fields = detail_fields(event.detail)
    return event


AUDIT_COLUMNS = (
    Column("at", "时间", "time", width=20),
    Column("username", "用户", "user"),
    Column("action_label", "操作", "action", width=30),
    Column("action", "操作代码", "action code"),
    Column("object_label", "对象", "object"),
    Column("object_id", "对象编号", "object id"),
    Column("detail", "详情", "detail", width=60),
    Column("ip", "IP", "IP"),
)


def audit_xlsx(events) -> bytes:
    """The entries as one sheet, in words (labels), with the codes beside them for filtering."""
    tz = timezone.get_current_timezone()
    rows = []
    for e in events.iterator(chunk_size=2000):
        readable(e)
        rows.append(
            {
                "at": timezone.localtime(e.at, tz).strftime("%Y-%m-%d %H:%M:%S"),
                "username": e.username,
                "action_label": e.action_label,
                "action": e.action,
                "object_label": e.object_label,
                "object_id": e.object_id,
                "detail": "; ".join(f"{k}: {v}" for k, v in e.fields),
                "ip": e.ip or "",
            }
        )
    return to_bytes([Sheet("审计日志", AUDIT_COLUMNS, rows)])


def retention_days() -> int:
    days = int(getattr(settings, "GAOXIN_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    if days < MIN_RETENTION_DAYS:
        raise ValueError(
            f"GAOXIN_AUDIT_RETENTION_DAYS is {days}: the audit log must be kept at least "
            f"{MIN_RETENTION_DAYS} days"
        )
    return days


def archive_audit(out_dir: Path | None = None, now: dt.datetime | None = None) -> dict:
    """Move entries older than the retention period into ``audit-<first>-<last>.jsonl.gz`` (+ .sha256).

    The file is written and synced before the entries are removed, in one transaction: a crash leaves
    either both or the entries still in the database. The archiving itself is audited.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=retention_days())
    out_dir = Path(out_dir or Path(settings.DATA_DIR) / "audit-archive")
    with transaction.atomic():
        old = AuditEvent.objects.filter(at__lt=cutoff).order_by("at", "id")
        first = old.first()
        if first is None:
            return {"entries": 0, "path": None, "sha256": None, "before": cutoff}
        last = old.last()
        out_dir.mkdir(parents=True, exist_ok=True)
        name = f"audit-{first.at:%Y%m%d}-{last.at:%Y%m%d}-{now:%Y%m%d%H%M%S}.jsonl.gz"
        path = out_dir / name
        count = 0
        with path.open("wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                for e in old.iterator(chunk_size=2000):
                    row = {
                        "id": e.pk,
                        "at": e.at.isoformat(),
                        "user_id": e.user_id,
                        "username": e.username,
                        "action": e.action,
                        "object_type": e.object_type,
                        "object_id": e.object_id,
                        "zone_id": e.zone_id,
                        "detail": e.detail,
                        "ip": e.ip,
                    }
                    gz.write((json.dumps(row, ensure_ascii=False, default=str) + "\n").encode())
                    count += 1
            raw.flush()
            os.fsync(raw.fileno())
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        path.with_name(name + ".sha256").write_text(f"{digest}  {name}\n")
        removed = AuditEvent.objects.filter(at__lt=cutoff).archived()
        if removed != count:  # an entry older than the cutoff cannot appear meanwhile; be sure
            raise RuntimeError(f"archived {count} entries but {removed} matched on removal")
        audit(
            None,
            "audit_archive",
            entries=count,
            before=cutoff.isoformat(),
            archive=name,
            sha256=digest,
        )
    return {"entries": count, "path": path, "sha256": digest, "before": cutoff}


# --- administration: accounts (the security administrator), zones and banks (the system one) ------


class AdminError(ValueError):
    """An administrative change refused, with the reason in the reader's language."""


def _check_anchor(role: str, zone, enterprise, bank, region) -> None:
    from django.utils.translation import gettext as _

    from gaoxin.web.accounts.models import ADMIN_ROLES, Role

    need = {
        Role.ZONE_ADMIN: "zone",
        Role.CLERK: "zone",
        Role.ENTERPRISE: "enterprise",
        Role.BANK: "bank",
        Role.SUPERVISOR: "region",
    }.get(role)
    given = {"zone": zone, "enterprise": enterprise, "bank": bank, "region": region}
    if role in ADMIN_ROLES and any(given.values()):
        raise AdminError(_("An administrator belongs to no zone, enterprise or bank."))
    if need and not given[need]:
        raise AdminError(_("This role needs its %(anchor)s.") % {"anchor": _(need)})
    if need and any(v for k, v in given.items() if k != need):
        raise AdminError(_("This role belongs to its %(anchor)s only.") % {"anchor": _(need)})


@transaction.atomic
def create_account(
    request, *, username, role, display_name="", zone=None, enterprise=None, bank=None, region=None, password
):
    """A new account with a temporary password the user must change at the first sign-in."""
    _check_anchor(role, zone, enterprise, bank, region)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        zone=zone,
        enterprise=enterprise,
        bank=bank,
        region=region,
        must_change_password=True,
    )
    user.set_password(password)
    user.save()
    audit(request, "user_create", user, username=username, role=role)
    return user


@transaction.atomic
def update_account(
    request, user: User, *, role, display_name="", zone=None, enterprise=None, bank=None, region=None
):
    _check_anchor(role, zone, enterprise, bank, region)
    if user.pk == getattr(request.user, "pk", None) and role != user.role:
        from django.utils.translation import gettext as _

        # separated duties: an administrator never moves itself into another duty (another
        # security administrator, or the command line, does that)
        raise AdminError(_("You cannot change your own role."))

    def anchors() -> dict:
        return {
            "role": user.role,
            "zone": user.zone_id,
            "enterprise": user.enterprise_id,
            "bank": user.bank_id,
            "region": user.region_id,
        }

    before = anchors()
    user.role, user.display_name = role, display_name
    user.zone, user.enterprise, user.bank, user.region = zone, enterprise, bank, region
    user.save()
    after = anchors()
    changed = {k: f"{before[k]} → {after[k]}" for k in before if before[k] != after[k]}
    audit(request, "user_edit", user, **changed)
    return user


@transaction.atomic
def set_active(request, user: User, active: bool) -> None:
    """Disable (nobody signs in, its sessions end, its tokens are revoked, its records stay) or enable."""
    from django.utils.translation import gettext as _

    if user.pk == request.user.pk and not active:
        raise AdminError(_("You cannot disable your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if active:
        audit(request, "user_enable", user)
        return
    # Disabling ends what the account had open: enabling it again must not revive a session or a token
    # someone may have taken meanwhile (the account signs in afresh and makes new tokens).
    sessions = end_sessions(user)
    tokens = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    audit(request, "user_disable", user, sessions_ended=sessions, tokens_revoked=tokens)


def end_sessions(user: User) -> int:
    """Delete the user's sessions (the database session store keeps no user index: each is decoded)."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    ended = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(s.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def reset_password(request, user: User, password: str) -> None:
    """Set a temporary password (never shown again, never logged); the user changes it at next sign-in."""
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _revoke_all_tokens(user)
    audit(request, "password_reset", user)


@transaction.atomic
def unlock(request, user: User) -> None:
    """End a lockout now: the failures so far no longer count."""
    LoginAttempt.objects.create(username=user.username, succeeded=False, unlock=True)
    audit(request, "account_unlock", user)


@transaction.atomic
def revoke_token(request, token: ApiToken) -> None:
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit(request, "token_revoked", token.user, token=token.name, prefix=token.prefix)


@transaction.atomic
def change_own_password(request, password: str) -> User:
    user = User.objects.get(pk=request.user.pk)  # the model, not the request's lazy wrapper
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    _revoke_all_tokens(user)
    audit(request, "password_change", user)
    return user


def _revoke_all_tokens(user: User) -> int:
    """A new password ends the account's API tokens: a token made by whoever knew the old one dies too."""
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)


# The organisations the system administrator keeps: kind → the audit codes' stem.
ORG_KINDS = {"zones": "zone", "banks": "bank", "regions": "region"}


@transaction.atomic
def save_org(request, kind: str, form):
    """Save a zone, bank or region from its validated ModelForm, and audit what changed."""
    created = form.instance.pk is None
    changed = {name: str(form.cleaned_data[name]) for name in form.changed_data}
    obj = form.save()
    audit(request, f"{ORG_KINDS[kind]}_{'create' if created else 'edit'}", obj, **changed)
    return obj


@transaction.atomic
def set_org_active(request, kind: str, obj, active: bool) -> None:
    """Disable or enable a zone or a bank. Its records stay; while it is disabled its accounts cannot
    sign in (``may_sign_in``: their sessions and API tokens stop working at once) and nothing new is
    written to a disabled zone (``refuse_disabled_zone``)."""
    from django.utils.translation import gettext as _

    if kind not in ("zones", "banks"):
        raise AdminError(_("Only zones and banks can be disabled."))
    if obj.active == active:
        return
    type(obj).objects.filter(pk=obj.pk).update(active=active)
    obj.active = active
    audit(
        request, f"{ORG_KINDS[kind]}_{'enable' if active else 'disable'}", obj, code=obj.code, name=obj.name
    )


class ZoneDisabled(PermissionDenied):
    """A write refused because its zone is disabled; ``user_message`` says so in the reader's language
    (the 403 page shows it)."""

    def __init__(self, zone):
        from django.utils.translation import gettext as _

        self.user_message = _(
            "The zone %(zone)s is disabled: nothing new (score runs, imports, changes) can be "
            "submitted for it until the system administrator enables it again."
        ) % {"zone": zone.name}
        super().__init__(self.user_message)


def refuse_disabled_zone(zone) -> None:
    """The one check services make before a new write for ``zone`` (a score run, an import …): raises
    ``ZoneDisabled`` (a 403 whose page shows the reason) when the zone is disabled."""
    from gaoxin.web.registry.models import Zone

    if zone is None:
        return
    active = Zone.objects.filter(pk=zone.pk).values_list("active", flat=True).first()
    if active is False:
        raise ZoneDisabled(zone)
