"""The one place that decides what a user may see and change.

Every view, API endpoint and export gets its querysets from ``visible(user, Model)`` and checks writes
with ``can_write(user, obj)``; nothing else filters by zone, enterprise or bank. The rules:

- system administrator (``platform_admin``): everything;
- security administrator: the accounts, their tokens, and the zones and banks accounts are anchored
  to; no enterprise, score or finance data;
- audit administrator: the audit log; nothing else;
- supervisor (a province or the nation, anchored to a region): read-only, the zones under its region
  and their zone-level records (runs, lists, targets, imports …); a firm's own rows (the firm, its
  reports, scores …) only in zones whose rule opens them to supervisors (``Zone.details_to_supervisors``)
  — elsewhere it counts them (``covered``) but does not read them one by one; the region-level lists
  it publishes (``supervision`` app);
- zone administrator and data clerk: everything whose zone is their zone;
- enterprise user: their own enterprise, its reports, qualifications, scores, changes and corrections;
- bank user: lists published to their bank and, through those lists, the listed firms and the scores
  frozen into the lists; nothing else.

A model this module does not know raises, so a new model cannot be shown unscoped by accident.

Every app (registry and credit as well as cultivation, finance, command …) declares the rules for
its own models in its ``scopes.py`` with ``register`` (and widens what banks or enterprises see of
other apps' models with ``grant``); its ``AppConfig.ready`` imports it. Only the accounts models'
rules are here. The rules live in one table and are applied by the functions below, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from gaoxin.web.accounts.models import AuditEvent, Role, User
from gaoxin.web.platform.origin import client_ip


class ScopeError(LookupError):
    pass


def _model(name: str) -> type[Model]:
    app, model = name.split(".")
    return apps.get_model(app, model)


# For each model: the path from it to the zone, and to the enterprise (filled by ``register``: the
# accounts models here, every app's in its scopes.py — registry and credit too).
_ZONE_PATH: dict[str, str] = {
    "accounts.AuditEvent": "zone",
    "accounts.User": "zone",
    "accounts.ApiToken": "user__zone",
}

# What the security and audit administrators read: these models in full, nothing else (三员分立).
_ADMIN_SEES: dict[str, frozenset[str]] = {
    Role.SECURITY_ADMIN: frozenset(
        {"accounts.User", "accounts.ApiToken", "accounts.Bank", "registry.Zone", "registry.Region"}
    ),
    Role.AUDIT_ADMIN: frozenset({"accounts.AuditEvent"}),
}
# What they change: the security administrator the accounts and tokens — and nobody else does.
_ADMIN_WRITES: dict[str, frozenset[str]] = {
    Role.SECURITY_ADMIN: frozenset({"accounts.User", "accounts.ApiToken"}),
}
_ENTERPRISE_PATH: dict[str, str] = {}


# Registered by apps: label → {role: fn(user) -> Q}: extra rows a bank or enterprise user sees.
_GRANTS: dict[str, dict[str, list[Callable[[User], Q]]]] = {}
# label → {role: fn(user, obj) -> bool}: who besides the zone administrator may write.
_WRITERS: dict[str, dict[str, Callable[[User, Model], bool]]] = {}
# action → roles, for actions registered by apps (``may``).
_ACTIONS: dict[str, tuple[str, ...]] = {}


def register(
    label: str,
    *,
    zone: str,
    enterprise: str | None = None,
    bank: Callable[[User], Q] | None = None,
    writers: dict[str, Callable[[User, Model], bool]] | None = None,
    clerk: bool = False,
) -> None:
    """Declare how a new model is scoped.

    ``zone``: the lookup path from the model to its zone (``""`` for the zone itself); zone staff see
    the rows of their zone and the zone administrator may write them. ``enterprise``: the path to the
    enterprise, for models an enterprise user sees its own rows of (``None``: none). ``bank``: the rows
    a bank user sees, as a Q built from the user (``None``: none). ``writers``: role → predicate for
    roles other than the zone administrator (and the platform administrator) who may write a row.
    ``clerk=True``: the zone's data clerks write its rows too (the same zone path decides).
    """
    if label in _ZONE_PATH:
        raise ScopeError(f"{label} is already scoped")
    if label in _REGION_PATH:
        raise ScopeError(f"{label} is already scoped")
    _ZONE_PATH[label] = zone
    if enterprise is not None:
        _ENTERPRISE_PATH[label] = enterprise
    if bank is not None:
        grant(label, Role.BANK, bank)
    if clerk:
        _WRITERS.setdefault(label, {})[Role.CLERK] = _clerk_of_the_zone(label)
    if writers:
        _WRITERS.setdefault(label, {}).update(writers)


def _clerk_of_the_zone(label: str) -> Callable[[User, Model], bool]:
    def writer(user: User, obj: Model) -> bool:
        return user.zone_id is not None and _zone_id(obj, label) == user.zone_id

    return writer


# Region-level models (a supervisor's lists): label → the path to the region (``register_region``).
_REGION_PATH: dict[str, str] = {}


def register_region(label: str, *, region: str, bank: Callable[[User], Q] | None = None) -> None:
    """Declare a model that belongs to a region rather than a zone: supervisors see the rows of their
    region and those below it and write their own region's; a bank the rows ``bank(user)`` selects;
    zone staff and enterprises none; the system administrator all."""
    if label in _ZONE_PATH or label in _REGION_PATH:
        raise ScopeError(f"{label} is already scoped")
    _REGION_PATH[label] = region
    if bank is not None:
        grant(label, Role.BANK, bank)


def _region_scoped(qs: QuerySet, label: str, user: User) -> QuerySet:
    if user.role == Role.PLATFORM_ADMIN:
        return qs
    if user.role in _ADMIN_SEES:
        return qs if label in _ADMIN_SEES[user.role] else qs.none()
    if user.role == Role.SUPERVISOR:
        return qs.filter(**{f"{_REGION_PATH[label] or 'pk'}__in": region_ids(user.region_id)})
    if user.role == Role.BANK and (extra := _granted(label, user)) is not None:
        return qs.filter(extra).distinct()
    return qs.none()


def grant(label: str, role: str, rule: Callable[[User], Q]) -> None:
    """Let ``role`` (bank or enterprise) also see the rows of ``label`` that ``rule(user)`` selects."""
    if role not in (Role.BANK, Role.ENTERPRISE):
        raise ScopeError("only bank and enterprise scopes are widened by grants")
    _GRANTS.setdefault(label, {}).setdefault(role, []).append(rule)


def register_action(action: str, *roles: str) -> None:
    """A role-level permission for ``may`` (e.g. ``register_action("apply_loan", Role.ENTERPRISE)``)."""
    _ACTIONS[action] = tuple(roles)


def _granted(label: str, user: User) -> Q | None:
    rules = _GRANTS.get(label, {}).get(user.role, [])
    if not rules:
        return None
    q = Q(pk__in=[])
    for rule in rules:
        q |= rule(user)
    return q


def _label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def _path(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def _bank_filter(label: str, bank: int) -> Q | None:
    """What a bank sees of the accounts models: its own bank (apps grant the rest in their scopes.py)."""
    return Q(pk=bank) if label == "accounts.Bank" else None


def visible(user: User, model: type[Model] | QuerySet) -> QuerySet:
    """The rows of ``model`` (or of a queryset) that ``user`` may read."""
    qs = model if isinstance(model, QuerySet) else model._default_manager.all()
    label = _label(qs.model)
    if label not in _ZONE_PATH and label not in _REGION_PATH and label != "accounts.Bank":
        raise ScopeError(f"no scoping rule for {label}")
    if not user or not user.is_authenticated or not user.is_active:
        return qs.none()
    if label in _REGION_PATH:
        return _region_scoped(qs, label, user)
    if user.role == Role.PLATFORM_ADMIN:
        return qs
    if user.role in _ADMIN_SEES:
        return qs if label in _ADMIN_SEES[user.role] else qs.none()
    if user.role == Role.SUPERVISOR:
        return _supervised(qs, label, user, details=True)
    if user.role in (Role.ZONE_ADMIN, Role.CLERK):
        if label == "accounts.Bank":
            return qs  # banks are addressees a zone chooses from when it publishes
        path = _ZONE_PATH[label]
        return qs.filter(**{path or "pk": user.zone_id})
    if user.role == Role.ENTERPRISE:
        own = _enterprise_filter(label, user)
        extra = _granted(label, user)
        if own is None and extra is None:
            return qs.none()
        q = (own if own is not None else Q(pk__in=[])) | (extra if extra is not None else Q(pk__in=[]))
        return qs.filter(q).distinct() if extra is not None else qs.filter(q)
    if user.role == Role.BANK:
        rule = _bank_filter(label, user.bank_id)
        extra = _granted(label, user)
        if rule is None and extra is None:
            return qs.none()
        q = (rule if rule is not None else Q(pk__in=[])) | (extra if extra is not None else Q(pk__in=[]))
        return qs.filter(q).distinct()
    return qs.none()


def region_ids(region_id: int | None) -> list[int]:
    """The region and every region under it (a small table: walked in Python, one query)."""
    if region_id is None:
        return []
    children: dict[int | None, list[int]] = {}
    for pk, parent in _model("registry.Region").objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [region_id]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


def supervised_zones(user: User) -> QuerySet:
    """The zones under a supervisor's region (none for anyone else)."""
    zones = _model("registry.Zone").objects.all()
    if getattr(user, "role", None) != Role.SUPERVISOR:
        return zones.none()
    return zones.filter(region_id__in=region_ids(user.region_id))


# What a supervisor reads outside the zone-scoped models: regions under it, banks (addressees).
_SUPERVISOR_OWN = {"registry.Region", "accounts.Bank"}
# Never to a supervisor: the accounts and tokens of zone staff, the log (the audit administrator's).
_SUPERVISOR_NEVER = {"accounts.User", "accounts.ApiToken", "accounts.AuditEvent"}


def _supervised(qs: QuerySet, label: str, user: User, *, details: bool) -> QuerySet:
    if label == "registry.Region":
        return qs.filter(pk__in=region_ids(user.region_id))
    if label == "accounts.Bank":
        return qs
    if label in _SUPERVISOR_NEVER:
        return qs.none()
    zones = supervised_zones(user)
    if details and label in _ENTERPRISE_PATH:
        zones = zones.filter(details_to_supervisors=True)  # a firm's own rows: only where the zone allows
    return qs.filter(**{f"{_ZONE_PATH[label] or 'pk'}__in": zones.values("pk")})


def covered(user: User, model: type[Model] | QuerySet) -> QuerySet:
    """The rows ``user`` may count and aggregate: ``visible`` for everyone, except that a supervisor
    counts every firm-level row of the zones under its region (the details of which ``visible`` keeps
    to the zones that open them). Never list these rows to the user one by one."""
    qs = model if isinstance(model, QuerySet) else model._default_manager.all()
    if getattr(user, "role", None) == Role.SUPERVISOR and user.is_active:
        return _supervised(qs, _label(qs.model), user, details=False)
    return visible(user, qs)


def _enterprise_filter(label: str, user: User) -> Q | None:
    """What an enterprise user sees of its own: its firm and what hangs off it."""
    if label in _ENTERPRISE_PATH:
        return Q(**{_ENTERPRISE_PATH[label] or "pk": user.enterprise_id})
    if label == "accounts.AuditEvent":
        return Q(object_type="enterprise", object_id=str(user.enterprise_id))  # who looked at us
    return None


def sees(user: User, obj: Model) -> bool:
    """Whether ``obj`` is among the rows ``visible(user, type(obj))`` returns (one query)."""
    return visible(user, type(obj)).filter(pk=obj.pk).exists()


def chosen_zone(user: User, wanted: str | None) -> tuple[Model | None, list[Model]]:
    """The zone a page is about, and the zones to choose from.

    Zone staff: their own zone (and no choice, whatever they ask for). Others pick one of the zones
    they may see by code or id (``?zone=``), the first by code when they ask for none; a zone they may
    not see, or that does not exist, is a 404, like any object outside a user's scope.
    """
    from django.http import Http404

    if user.is_zone_staff:
        return user.zone, []
    choices = list(visible(user, _model("registry.Zone")).order_by("code"))
    wanted = (wanted or "").strip()
    if not wanted:
        return (choices[0] if choices else None), choices
    zone = next((z for z in choices if wanted in (z.code, str(z.pk))), None)
    if zone is None:
        raise Http404
    return zone, choices


def can_write(user: User, obj: Model) -> bool:
    """Whether ``user`` may change ``obj`` (or create it in its zone)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    label = _label(type(obj))
    if label in _ADMIN_WRITES[Role.SECURITY_ADMIN]:
        return user.role == Role.SECURITY_ADMIN  # accounts are the security administrator's alone
    if user.role == Role.PLATFORM_ADMIN:
        return True
    if user.role in _ADMIN_SEES:
        return False
    if label in _REGION_PATH:
        return user.role == Role.SUPERVISOR and _region_id(obj, label) == user.region_id
    if user.role == Role.SUPERVISOR:
        return False  # a supervisor reads the zones under it and never writes their data
    if user.role == Role.ZONE_ADMIN:
        return label in _ZONE_PATH and _zone_id(obj, label) == user.zone_id
    writer = _WRITERS.get(label, {}).get(user.role)
    return writer is not None and bool(writer(user, obj))


def _region_id(obj: Model, label: str) -> int | None:
    target = obj
    for part in (_REGION_PATH[label] or "").split("__") if _REGION_PATH[label] else []:
        target = getattr(target, part)
        if target is None:
            return None
    return target.pk


def _zone_id(obj: Model, label: str) -> int | None:
    path = _ZONE_PATH[label]
    if not path:
        return obj.pk
    target = obj
    for part in path.split("__"):
        target = getattr(target, part)
    return target.pk if target is not None else None


def may(user: User, action: str) -> bool:
    """Role-level permissions for actions that are not about one object."""
    role = getattr(user, "role", None)
    allowed = {
        "import": (Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN),
        "run_scores": (Role.ZONE_ADMIN, Role.PLATFORM_ADMIN),
        "publish": (Role.ZONE_ADMIN, Role.PLATFORM_ADMIN),
        "decide_corrections": (Role.ZONE_ADMIN, Role.PLATFORM_ADMIN),
        "submit_corrections": (Role.ENTERPRISE,),
        # 三员分立: the audit administrator reads the whole log (zone administrators their zone's);
        # the security administrator manages accounts; the system administrator zones and banks.
        "read_audit": (Role.ZONE_ADMIN, Role.AUDIT_ADMIN),
        "manage_users": (Role.SECURITY_ADMIN,),
        "manage_platform": (Role.PLATFORM_ADMIN,),
        # supervisors read zone pages (read-only: ``SupervisorsReadOnlyMiddleware``)
        "view_zone": (Role.ZONE_ADMIN, Role.CLERK, Role.PLATFORM_ADMIN, Role.SUPERVISOR),
        "supervise": (Role.SUPERVISOR, Role.PLATFORM_ADMIN),
        **_ACTIONS,
    }
    return bool(user and user.is_authenticated and role in allowed.get(action, ()))


def audit(request_or_user, action: str, obj: Model | None = None, **detail) -> AuditEvent:
    """Record who did or saw what. ``request_or_user``: a request (for the IP) or a user (the IP is then
    that of the request being served, or of the request that enqueued the running job: ``platform.origin``)."""
    request = request_or_user if hasattr(request_or_user, "META") else None
    user = request.user if request is not None else request_or_user
    user = user if getattr(user, "is_authenticated", False) else None
    zone_id = None
    if obj is not None:
        label = _label(type(obj))
        zone_id = _zone_id(obj, label) if label in _ZONE_PATH else None
    return AuditEvent.objects.create(
        user=user,
        username=getattr(user, "username", "") or detail.pop("username", ""),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        zone_id=zone_id,
        detail=detail,
        ip=(request.META.get("REMOTE_ADDR") if request is not None else client_ip()),
    )


def anchor_enterprise(uscc: str) -> Model | None:
    """The enterprise an account is anchored to, by its credit code — for the security administrator,
    who names a firm's account without reading the firm's data (only its identity is returned)."""
    return (
        _model("registry.Enterprise").objects.only("pk", "uscc", "name", "zone_id").filter(uscc=uscc).first()
    )
