"""Sci-tech finance operations: products, matching, applications and loans, statistics, exports.

Every number is decided by the pure core ``gaoxin.finance`` (eligibility, credit line, state machine,
compensation, statistics); this module reads the database, calls it and writes the results. Writes are
checked here (``can_write``/``may`` plus the finance rules below) and audited; read functions take
querysets the caller has scoped with ``accounts.scoping.visible``. Nothing here commits behind the
caller's back: each write runs in ``transaction.atomic`` (a savepoint inside the request's transaction).

Matching. Eligible firms are stored as ``Match`` rows per product, computed from the zone's latest done
score run and the lists published in the zone. A product remembers what its rows were computed from
(``match_key``: run, latest list, rules); ``ensure_matches(zone)`` recomputes the products whose key is
out of date, so pages are never stale, and ``refresh_matches(zone)`` recomputes all of them (the credit
app calls it when a list is published). Why a firm is *not* eligible (the gaps) is computed on demand
for that one firm: cheap for one firm, and it would store every firm × product.

Who may act on an application (on top of the scoping rules):
- apply: the firm for itself (its zone's active loan products), or the product's bank for a firm it
  may see (on a list published to it, or under a live consent);
- approve, reject, disburse, repay, default: the bank that owns the product (or a platform admin);
- withdraw: the firm (or a platform admin). Zone staff read, they do not act on loans.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.finance import eligibility as elig
from gaoxin.finance import loans as L
from gaoxin.finance import stats as S
from gaoxin.finance.lines import credit_line
from gaoxin.finance.money import ZERO
from gaoxin.finance.pools import PoolRefusal, PoolState, check_new_loan, compensation, pool_state
from gaoxin.finance.products import Product as CoreProduct
from gaoxin.finance.products import ProductError, load_product
from gaoxin.io.display import pct  # the one display rule (half up), also for the pools' texts
from gaoxin.scoring.model import Label
from gaoxin.web.accounts.models import Role
from gaoxin.web.accounts.scoping import audit, can_write, may, sees
from gaoxin.web.credit.models import ListEntry, PublishedList, Score, ScoreRun
from gaoxin.web.finance.models import Application, LossClaim, Match, Product, Transition
from gaoxin.web.platform.labels import label
from gaoxin.web.registry.models import Enterprise, Qualification, Zone

BATCH = 2000
MATCHED_KINDS = ("loan", "guarantee", "fund", "subsidy")  # a pool covers loans; firms do not match it


class FinanceError(ValueError):
    """A refused operation, worded for the user (the page shows it, the API answers 400 or 409)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# --- the zone's scoring model (what eligibility may name) ------------------------------------------------


def latest_run(zone_id: int) -> ScoreRun | None:
    return (
        ScoreRun.objects.filter(zone=zone_id, status=ScoreRun.Status.DONE)
        .defer("model_source", "notes")
        .order_by("-finished", "-id")
        .first()
    )


@dataclass(frozen=True)
class Vocabulary:
    stages: tuple[tuple[str, Label], ...]  # id, name (both languages)
    grades: tuple[str, ...]  # best first
    lists: tuple[tuple[str, Label], ...]  # id, name, smallest first

    @property
    def stage_ids(self):
        return tuple(s for s, _ in self.stages)

    @property
    def list_ids(self):
        return tuple(x for x, _ in self.lists)

    def stage_name(self, sid: str, chinese: bool = False) -> str:
        """The stage's name in the reader's language (``chinese``: always Chinese, for the workbooks)."""
        name = dict(self.stages).get(sid)
        return sid if name is None else name.zh if chinese else label(name)

    def list_name(self, lid: str) -> str:
        name = dict(self.lists).get(lid)
        return lid if name is None else label(name)

    def stage_choices(self) -> list[tuple[str, str]]:
        return [(s, label(n)) for s, n in self.stages]

    def list_choices(self) -> list[tuple[str, str]]:
        return [(x, label(n)) for x, n in self.lists]


@lru_cache(maxsize=32)
def _vocabulary(model_sha: str, run_pk: int | None) -> Vocabulary:
    from gaoxin.web.credit.services import run_model, shipped_model

    model = run_model(ScoreRun.objects.get(pk=run_pk)) if run_pk else shipped_model("national-2024")
    return Vocabulary(
        stages=tuple((s.id, s.name) for s in model.stages),
        grades=tuple(g.grade for g in model.grades),
        lists=tuple((x.id, x.name) for x in model.lists),
    )


def vocabulary(run: ScoreRun | None) -> Vocabulary:
    """Stages, grades and lists of the run's model (the shipped national model when there is no run)."""
    return _vocabulary(run.model_sha256 if run else "", run.pk if run else None)


# --- products -------------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _core(rules_json: str) -> CoreProduct:
    return load_product(json.loads(rules_json))


def core(product: Product) -> CoreProduct:
    """The product's rules as the pure core reads them (parsed once per distinct rules)."""
    return _core(json.dumps(product.rules, sort_keys=True))


def check_rules(zone: Zone, rules: dict, name: str = "product") -> CoreProduct:
    """The rules checked against the zone's model and the dictionary; ``ProductError`` lists every fault."""
    from gaoxin.data.dictionary import TECH_FIELDS

    voc = vocabulary(latest_run(zone.pk))
    return load_product(
        rules, name, stages=voc.stage_ids, grades=voc.grades, lists=voc.list_ids, tech_fields=TECH_FIELDS
    )


def can_edit_product(user, product: Product) -> bool:
    """Zone staff edit the zone's own products, a bank its own loans, a platform admin anything."""
    if not can_write(user, product):
        return False
    if user.role == Role.PLATFORM_ADMIN:
        return True
    if user.role == Role.BANK:
        return product.kind == Product.Kind.LOAN and product.bank_id == user.bank_id
    return user.role == Role.ZONE_ADMIN and product.bank_id is None and product.kind != Product.Kind.LOAN


def save_product(
    actor,
    *,
    zone: Zone,
    kind: str,
    name: str,
    rules: dict,
    description: str = "",
    pool: Product | None = None,
    active: bool = True,
    bank=None,
    instance: Product | None = None,
) -> Product:
    """Create or change a product after checking who may and that its rules load without fault."""
    user = getattr(actor, "user", actor)
    if instance is not None and not can_edit_product(user, instance):
        raise PermissionDenied  # checked before anything changes: nobody takes over another's product
    if instance is not None and instance.kind != kind:
        raise FinanceError(_("A product's kind cannot change."))
    if user.role == Role.BANK:
        bank = user.bank  # the page offers the zones that publish lists to the bank
    if kind == Product.Kind.LOAN and bank is None:
        raise FinanceError(_("A loan product belongs to a bank."))
    if kind != Product.Kind.LOAN:
        bank = None
    if pool is not None and (pool.kind != Product.Kind.POOL or pool.zone_id != zone.pk):
        raise FinanceError(_("The risk pool must be a pool of the same zone."))
    if not (name or "").strip():
        raise FinanceError(_("A product needs a name."))
    rules = {**rules, "kind": kind}
    check_rules(zone, rules, name)  # raises ProductError with every fault
    product = instance or Product(created_by=user)
    if (
        instance is not None
        and instance.kind == Product.Kind.POOL
        and core(instance).split != load_product(rules).split
        and instance.claims.exists()
    ):
        raise FinanceError(_("The split of a pool that already has loss claims cannot change."))
    product.zone, product.kind, product.name, product.bank = zone, kind, name.strip(), bank
    product.rules, product.description, product.pool, product.active = rules, description, pool, active
    if not can_edit_product(user, product):
        raise PermissionDenied
    with transaction.atomic():
        product.save()
        audit(actor, "finance_product_saved" if instance else "finance_product_created", product, kind=kind)
    return product


# --- matching --------------------------------------------------------------------------------------------


def _rules_hash(product: Product) -> str:
    text = json.dumps([product.rules, product.active, product.bank_id], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _zone_key(zone_id: int) -> tuple[ScoreRun | None, str]:
    run = latest_run(zone_id)
    last_list = PublishedList.objects.filter(zone=zone_id).aggregate(m=Max("id"))["m"] or 0
    return run, f"{run.pk if run else 0}:{last_list}"


def _key(base: str, product: Product) -> str:
    return f"{base}:{_rules_hash(product)}"


def ensure_matches(zone_id: int) -> int:
    """Recompute the stored matches of the zone's products that are out of date; returns how many."""
    run, base = _zone_key(zone_id)
    products = list(Product.objects.filter(zone=zone_id, kind__in=MATCHED_KINDS))
    stale = [p for p in products if p.match_key != _key(base, p)]
    if stale:
        _refresh(zone_id, stale, run, base)
    return len(stale)


def refresh_matches(zone) -> int:
    """Recompute the matches of every product of ``zone`` (a Zone or its pk) from its latest run.

    The credit app calls this after ``publish_list``; pages call ``ensure_matches`` anyway.
    """
    zone_id = getattr(zone, "pk", zone)
    run, base = _zone_key(zone_id)
    products = list(Product.objects.filter(zone=zone_id, kind__in=MATCHED_KINDS))
    _refresh(zone_id, products, run, base)
    return len(products)


def _firms(zone_id: int, run: ScoreRun) -> list[tuple[int, elig.Firm, dict]]:
    """Every scored firm of the run with what eligibility reads (3 queries)."""
    today = timezone.localdate()
    quals: dict[int, set[str]] = defaultdict(set)
    for ent, kind in Qualification.objects.filter(
        enterprise__zone=zone_id, valid_from__lte=today, valid_to__gte=today
    ).values_list("enterprise_id", "kind"):
        quals[ent].add(kind)
    listed: dict[int, set[int]] = defaultdict(set)  # enterprise → banks it is white-listed to
    for ent, bank in ListEntry.objects.filter(published_list__zone=zone_id).values_list(
        "enterprise_id", "published_list__banks"
    ):
        if bank is not None:
            listed[ent].add(bank)
    rows = Score.objects.filter(run=run).values_list(
        "id",
        "enterprise_id",
        "enterprise__uscc",
        "total",
        "grade",
        "stage",
        "list",
        "rank",
        "cohort_size",
        "vetoed",
        "enterprise__industry",
        "enterprise__tech_field",
    )
    out = []
    for sid, ent, uscc, total, grade, stage, lst, rank, size, vetoed, industry, tech in rows:
        firm = elig.Firm(
            uscc=uscc,
            total=elig.score_decimal(total),
            grade=grade,
            stage=stage,
            list=lst,
            rank=rank,
            cohort_size=size,
            vetoed=vetoed,
            industry=industry or "",
            tech_field=tech or "",
            qualifications=frozenset(quals.get(ent, ())),
        )
        out.append((ent, firm, {"banks": listed.get(ent, set()), "total": total, "score": sid}))
    return out


def _with_bank(firm: elig.Firm, extra: dict, product: Product) -> elig.Firm:
    if not product.rules.get("eligibility", {}).get("whitelist"):
        return firm
    from dataclasses import replace

    return replace(firm, whitelisted=product.bank_id in extra["banks"])


def _refresh(zone_id: int, products: list[Product], run: ScoreRun | None, base: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Lock the products (PostgreSQL): two pages refreshing at once do the work once; the second
        # finds the keys current and skips them.
        keys = dict(
            Product.objects.select_for_update()
            .filter(pk__in=[p.pk for p in products])
            .values_list("pk", "match_key")
        )
        products = [
            p for p in products if p.pk in keys and (keys[p.pk] != _key(base, p) or p.match_key == keys[p.pk])
        ]
        if not products:
            return
        Match.objects.filter(product__in=[p.pk for p in products]).delete()
        rows: list[Match] = []
        if run is not None:
            voc = vocabulary(run)
            firms = _firms(zone_id, run)
            for product in products:
                if not product.active:
                    continue
                rule = core(product)
                for ent, firm, extra in firms:
                    f = _with_bank(firm, extra, product)
                    if not elig.check(rule, f, grades=voc.grades, lists=voc.list_ids).eligible:
                        continue
                    line = credit_line(rule.line, f.rank, f.cohort_size) if rule.line else None
                    rows.append(
                        Match(
                            product=product,
                            enterprise_id=ent,
                            run=run,
                            total=extra["total"],
                            grade=f.grade,
                            stage=f.stage,
                            rank=f.rank,
                            cohort_size=f.cohort_size,
                            line=line,
                        )
                    )
        Match.objects.bulk_create(rows, batch_size=BATCH)
        for product in products:
            product.match_key, product.matched_run, product.matched_at = _key(base, product), run, now
        Product.objects.bulk_update(products, ["match_key", "matched_run", "matched_at"])


# --- one firm's options (why and the gap) ------------------------------------------------------------------


@dataclass
class Option:
    product: Product
    result: elig.Result
    line: Decimal | None

    @property
    def eligible(self) -> bool:
        return self.result.eligible


def firm_facts(enterprise: Enterprise, run: ScoreRun | None) -> tuple[elig.Firm, set[int], Score | None]:
    """What eligibility reads of one firm (its score in ``run``), the banks it is white-listed to."""
    score = Score.objects.filter(run=run, enterprise=enterprise).first() if run else None
    today = timezone.localdate()
    quals = set(
        Qualification.objects.filter(
            enterprise=enterprise, valid_from__lte=today, valid_to__gte=today
        ).values_list("kind", flat=True)
    )
    banks = set(
        ListEntry.objects.filter(enterprise=enterprise, published_list__zone=enterprise.zone_id)
        .exclude(published_list__banks=None)
        .values_list("published_list__banks", flat=True)
    )
    firm = elig.Firm(
        uscc=enterprise.uscc,
        total=elig.score_decimal(score.total) if score else None,
        grade=score.grade if score else "",
        stage=score.stage if score else "",
        list=score.list if score else "",
        rank=score.rank if score else None,
        cohort_size=score.cohort_size if score else None,
        vetoed=score.vetoed if score else False,
        industry=enterprise.industry or "",
        tech_field=enterprise.tech_field or "",
        qualifications=frozenset(quals),
    )
    return firm, banks, score


def options(enterprise: Enterprise, products: QuerySet) -> tuple[list[Option], Score | None, ScoreRun | None]:
    """Each product (of ``products``, already scoped) checked for the firm: eligible or the gaps."""
    run = latest_run(enterprise.zone_id)
    firm, banks, score = firm_facts(enterprise, run)
    voc = vocabulary(run)
    out = []
    for product in products.filter(
        zone=enterprise.zone_id, active=True, kind__in=MATCHED_KINDS
    ).select_related("bank"):
        rule = core(product)
        f = _with_bank(firm, {"banks": banks}, product)
        result = elig.check(rule, f, grades=voc.grades, lists=voc.list_ids)
        line = credit_line(rule.line, f.rank, f.cohort_size) if rule.line and result.eligible else None
        out.append(Option(product, result, line))
    out.sort(key=lambda o: (not o.eligible, o.product.kind, o.product.name))
    return out, score, run


def describe(check: elig.Check, voc: Vocabulary | None = None) -> str:
    """A check in the reader's language (the core's ``Check.text`` is the English of the same)."""
    from gaoxin.web.registry.models import Qualification as Q

    kinds = dict(Q._meta.get_field("kind").choices)
    c, req, act = check, check.required, check.actual
    names = ""
    if isinstance(req, tuple):
        if c.code == "stage" and voc:
            names = "、".join(voc.stage_name(s) for s in req)
        elif c.code == "list" and voc:
            names = "、".join(voc.list_name(x) for x in req)
        elif c.code == "qualification":
            names = "、".join(str(kinds.get(k, k)) for k in req)
        else:
            names = "、".join(req)
    if c.code == "scored":
        return _("scored in the latest run") if c.ok else _("not scored in the latest run")
    if c.code == "veto":
        return _("no veto item") if c.ok else _("vetoed (serious dishonesty or a major incident)")
    if c.code == "min_score":
        if c.ok:
            return _("score %(actual)s ≥ %(required)s") % {"actual": _plain(act), "required": _plain(req)}
        if act is None:
            return _("no score: %(required)s needed") % {"required": _plain(req)}
        return _("score %(actual)s < %(required)s: %(gap)s points short") % {
            "actual": _plain(act),
            "required": _plain(req),
            "gap": _plain(c.gap),
        }
    if c.code == "min_grade":
        if c.ok:
            return _("grade %(actual)s meets %(required)s") % {"actual": act, "required": req}
        return _("grade %(actual)s below %(required)s") % {"actual": act or "—", "required": req}
    if c.code == "top_share":
        pct = _plain(Decimal(req.numerator * 100) / Decimal(req.denominator))
        if c.ok:
            return _("rank %(rank)s within the top %(pct)s%% of its cohort") % {"rank": act, "pct": pct}
        return _("rank %(rank)s outside the top %(pct)s%% of its cohort") % {"rank": act or "—", "pct": pct}
    if c.code == "whitelist":
        return _("on the bank's white-list") if c.ok else _("not on the bank's white-list")
    if c.code == "stage":
        shown = voc.stage_name(act) if voc and act else (act or "—")
        if c.ok:
            return _("stage %(actual)s") % {"actual": shown}
        return _("stage %(actual)s is not %(names)s") % {"actual": shown, "names": names}
    if c.code == "list":
        if c.ok:
            return _("on list %(names)s") % {"names": names}
        return _("not on list %(names)s") % {"names": names}
    if c.code == "industry":
        if c.ok:
            return _("industry %(actual)s") % {"actual": act}
        return _("industry %(actual)s not in %(names)s") % {"actual": act or "—", "names": names}
    if c.code == "tech_field":
        if c.ok:
            return _("tech field %(actual)s") % {"actual": act}
        return _("tech field %(actual)s not in %(names)s") % {"actual": act or "—", "names": names}
    if c.code == "qualification":
        if c.ok:
            return _("holds %(names)s") % {"names": names}
        return _("holds none of %(names)s") % {"names": names}
    return c.text


def _plain(d) -> str:
    if d is None:
        return "—"
    d = Decimal(d) if not isinstance(d, Decimal) else d
    return format(d.normalize(), "f")


def _shown(d) -> str:
    """An amount in a sentence a person reads: exact, with thousands separators (100,000 万元)."""
    if d is None:
        return "—"
    d = Decimal(d) if not isinstance(d, Decimal) else d
    return format(d.normalize(), ",f")


# --- consent -------------------------------------------------------------------------------------------


def live_consent(bank, enterprise):
    """The consent app's live consent of ``enterprise`` to ``bank``, or None (None if that app is absent)."""
    try:
        from gaoxin.web.consent.services import live_consent as found
    except ImportError:
        return None
    return found(bank, enterprise)


def log_bank_access(request_or_user, enterprise: Enterprise, what: str, channel: str) -> None:
    """Record a bank user's look at a firm's detail in the consent app's access log (when present)."""
    user = getattr(request_or_user, "user", request_or_user)
    if getattr(user, "role", None) != Role.BANK:
        return
    try:
        from gaoxin.web.consent.services import log_access
    except ImportError:
        return
    log_access(request_or_user, enterprise, what, channel)


# --- applications and loans ------------------------------------------------------------------------------


def _money(value) -> str:
    return format(value, "f") if value is not None else ""


def _record(app: Application, action: str, before: str, user, amount=None, note: str = "", **detail) -> None:
    Transition.objects.create(
        application=app,
        action=action,
        from_state=before,
        to_state=app.state,
        amount=amount,
        note=note or "",
        detail=detail,
        user=user if getattr(user, "is_authenticated", False) else None,
    )


def apply(
    actor, product: Product, enterprise: Enterprise, amount: Decimal, term: int, purpose: str = ""
) -> Application:
    """A new application (pending) by the firm for itself or by the product's bank for a firm."""
    user = getattr(actor, "user", actor)
    if not may(user, "apply_finance"):
        raise PermissionDenied
    if product.kind != Product.Kind.LOAN or not product.active:
        raise FinanceError(_("Only an active loan product takes applications."))
    if user.role == Role.ENTERPRISE and user.enterprise_id != enterprise.pk:
        raise PermissionDenied
    if user.role == Role.BANK:
        if product.bank_id != user.bank_id:
            raise PermissionDenied
        if not sees(user, enterprise):  # listed to the bank or under its live consent
            raise FinanceError(
                _("This firm is neither on a white-list published to you nor has it authorised you."), 403
            )
    if product.zone_id != enterprise.zone_id:
        raise FinanceError(_("The product is offered in another zone."))
    rule = core(product)
    if amount <= 0:
        raise FinanceError(_("The amount must be greater than 0."))
    if term < 1 or (rule.term_months and term > rule.term_months):
        raise FinanceError(
            _("The term must be between 1 and %(max)s months.") % {"max": rule.term_months or "—"}
        )
    opened = Application.objects.filter(
        product=product, enterprise=enterprise, state__in=[L.PENDING, L.APPROVED]
    ).exists()
    if opened:
        raise FinanceError(_("This firm already has an open application for this product."), 409)
    run = latest_run(enterprise.zone_id)
    firm, banks, score = firm_facts(enterprise, run)
    voc = vocabulary(run)
    f = _with_bank(firm, {"banks": banks}, product)
    result = elig.check(rule, f, grades=voc.grades, lists=voc.list_ids)
    if not result.eligible:
        gaps = "；".join(describe(c, voc) for c in result.gaps)
        raise FinanceError(_("Not eligible for this product: %(gaps)s") % {"gaps": gaps})
    line = credit_line(rule.line, f.rank, f.cohort_size) if rule.line else None
    with transaction.atomic():
        app = Application.objects.create(
            product=product,
            enterprise=enterprise,
            bank_id=product.bank_id,
            requested_amount=amount,
            requested_term=term,
            purpose=(purpose or "")[:500],
            applied_by=user,
            via_bank=user.role == Role.BANK,
            run=run,
            score_total=score.total if score else None,
            grade=score.grade if score else "",
            stage=score.stage if score else "",
            indicative_line=line,
        )
        _record(app, L.APPLY, "", user, amount, purpose or "")
        audit(actor, "finance_apply", app, product=product.pk, amount=_money(amount), term=term)
    return app


ACTORS = {
    L.APPROVE: (Role.BANK, Role.PLATFORM_ADMIN),
    L.REJECT: (Role.BANK, Role.PLATFORM_ADMIN),
    L.DISBURSE: (Role.BANK, Role.PLATFORM_ADMIN),
    L.REPAY: (Role.BANK, Role.PLATFORM_ADMIN),
    L.DEFAULT: (Role.BANK, Role.PLATFORM_ADMIN),
    L.WITHDRAW: (Role.ENTERPRISE, Role.PLATFORM_ADMIN),
}


def may_act(user, app: Application, action: str) -> bool:
    return user.role in ACTORS.get(action, ()) and can_write(user, app)


def state_label(state: str) -> str:
    return str(Application.State(state).label) if state in Application.State.values else state


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _illegal(exc: L.IllegalTransition) -> FinanceError:
    allowed = "、".join(state_label(s) for s in exc.allowed_from)
    return FinanceError(
        _("Cannot %(action)s: the application is %(state)s (allowed only when %(allowed)s).")
        % {"action": action_label(exc.action), "state": state_label(exc.state), "allowed": allowed or "—"},
        409,
    )


def _loan_error(exc: L.LoanError) -> FinanceError:
    p = {k: _shown(v) if isinstance(v, Decimal) else v for k, v in exc.params.items()}
    messages = {
        "amount": _("The amount must be greater than 0."),
        "rate": _("The rate %(rate)s %% must be between 0 and 36 %%.") % p if "rate" in p else "",
        "term": _("The term must be at least 1 month."),
        "term_max": _("The term %(term)s exceeds the product's %(max)s months.") % p if "max" in p else "",
        "over_cap": _("%(amount)s 万元 is above the product's cap of %(cap)s 万元.") % p
        if "cap" in p
        else "",
        "over_line": _("%(amount)s 万元 is above the firm's credit line of %(line)s 万元.") % p
        if "line" in p
        else "",
        "over_request": _(
            "%(amount)s 万元 is more than the %(requested)s 万元 requested: give the reason for lending more."
        )
        % p
        if "requested" in p
        else "",
        "over_approved": _("%(amount)s is more than the approved %(approved)s 万元.") % p
        if "approved" in p
        else "",
        "over_outstanding": _("%(amount)s is more than the %(outstanding)s 万元 outstanding.") % p
        if "outstanding" in p
        else "",
        "future": _("The date %(date)s is in the future.") % p if "date" in p else "",
        "before": _("The date %(date)s is before %(after)s.") % p if "after" in p else "",
    }
    return FinanceError(messages.get(exc.code) or str(exc))


def act(
    actor,
    app: Application,
    action: str,
    *,
    amount=None,
    rate=None,
    term=None,
    on=None,
    note="",
    first_loan=None,
    above_request_reason="",
) -> Application:
    """Move an application by ``action`` (approve, reject, withdraw, disburse, repay, default).

    Refused: a user who may not (PermissionDenied), a transition the state table does not allow
    (``FinanceError`` 409 naming the state and the action), bad amounts or dates (400), an approval
    above the product's cap or the firm's credit line, or above the amount requested without
    ``above_request_reason`` (400; the reason is kept in the history and the audit log), a disbursal
    above the approved amount (400), and an approval or disbursal the product's risk pool may not back
    (circuit-breaker, coverage limit, single-borrower limit: 409).
    """
    user = getattr(actor, "user", actor)
    if action not in ACTORS:
        raise FinanceError(_("Unknown action %(action)s.") % {"action": action})
    if not may_act(user, app, action):
        raise PermissionDenied
    today = timezone.localdate()
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("product").get(pk=app.pk)
        before = app.state
        try:
            outstanding_after = None
            if action == L.REPAY and amount is not None:
                outstanding_after = app.outstanding - amount
            nxt = L.transition(before, action, outstanding_after=outstanding_after)
            rule = core(app.product)
            if action == L.APPROVE:
                if amount is None or rate is None or term is None:
                    raise FinanceError(_("An approval needs the amount, the rate and the term."))
                L.check_decision(
                    amount,
                    rate,
                    term,
                    max_term=rule.term_months,
                    cap=rule.line.cap if rule.line else None,
                    line=app.indicative_line,
                    requested=app.requested_amount,
                    reason=above_request_reason,
                )
                _check_pool(app, amount)
                app.approved_amount, app.rate, app.term_months = amount, rate, term
                app.decided_at, app.decision_note = timezone.now(), note or ""
            elif action == L.REJECT:
                if not (note or "").strip():
                    raise FinanceError(_("Say why the application is rejected."))
                app.decided_at, app.decision_note = timezone.now(), note
            elif action == L.DISBURSE:
                amount = app.approved_amount if amount is None else amount
                on = on or today
                L.check_disbursal(amount, app.approved_amount)
                _check_pool(app, amount)
                L.check_date(on, timezone.localdate(app.decided_at) if app.decided_at else None, today)
                app.disbursed_amount, app.disbursed_on, app.outstanding = amount, on, amount
                if first_loan is None:
                    first_loan = not Application.objects.filter(
                        enterprise=app.enterprise_id, state__in=S.LENT
                    ).exists()
                app.first_loan = bool(first_loan)
            elif action == L.REPAY:
                if amount is None:
                    amount = app.outstanding
                    nxt = L.transition(before, action, outstanding_after=ZERO)
                on = on or today
                L.check_repayment(amount, app.outstanding)
                L.check_date(on, app.disbursed_on, today)
                app.repaid_amount += amount
                app.outstanding -= amount
                if nxt == L.REPAID:
                    app.closed_on = on
            elif action == L.DEFAULT:
                on = on or today
                L.check_date(on, app.disbursed_on, today)
                app.closed_on = on
                amount = app.outstanding
        except L.IllegalTransition as exc:
            raise _illegal(exc) from None
        except L.LoanError as exc:
            raise _loan_error(exc) from None
        app.state = nxt
        app.save()
        if action == L.DEFAULT and app.product.pool_id:
            pool = app.product.pool
            shares = compensation(amount, core(pool))
            LossClaim.objects.create(pool=pool, application=app, loss=amount, **shares)
        detail = {"on": on.isoformat()} if on else {}
        if action == L.APPROVE:
            detail |= {"rate": _money(rate), "term": term}
            if amount > app.requested_amount:
                detail |= {
                    "requested": _plain(app.requested_amount),
                    "above_request_reason": above_request_reason.strip(),
                }
        if action == L.DISBURSE:
            detail["first_loan"] = app.first_loan
        _record(app, action, before, user, amount, note or "", **detail)
        audit(
            actor, f"finance_{action}", app, before=before, after=app.state, amount=_money(amount), **detail
        )
    return app


def _exposures(pool_ids, applications: QuerySet | None = None) -> dict[int, Decimal]:
    """Principal each pool backs now: outstanding of disbursed loans + approved, not yet disbursed."""
    qs = Application.objects.all() if applications is None else applications
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        qs.filter(product__pool__in=pool_ids, state__in=[L.DISBURSED, L.APPROVED])
        .order_by()
        .values_list("product__pool", "state", "outstanding", "approved_amount")
    )
    for pool, state, outstanding, approved in rows:
        out[pool] += (outstanding if state == L.DISBURSED else approved) or ZERO
    return out


def _check_pool(app: Application, amount: Decimal) -> None:
    """Refuse a new loan (approval or disbursal) the application's pool may not back."""
    pool = app.product.pool
    if pool is None:
        return
    others = Application.objects.exclude(pk=app.pk)
    state = _pool_states([pool], others)[0]
    mine = _exposures([pool.pk], others.filter(enterprise=app.enterprise_id))[pool.pk]
    try:
        check_new_loan(state, amount, mine)
    except PoolRefusal as exc:
        p = {k: _shown(v) if isinstance(v, Decimal) else v for k, v in exc.params.items()}
        if exc.code == "coverage":
            msg = _(
                "The risk pool %(pool)s backs %(exposure)s 万元 of loans; its coverage limit is "
                "%(limit)s 万元, so at most %(left)s 万元 more."
            )
        elif exc.code == "borrower":
            msg = _(
                "This firm already has %(exposure)s 万元 under the risk pool %(pool)s; one firm may have at "
                "most %(limit)s 万元 (at most %(left)s 万元 more)."
            )
        else:
            msg = _(
                "The risk pool %(pool)s has stopped new loans: its bad-loan ratio %(ratio)s reached %(halt)s."
            )
            p |= {"ratio": pct(exc.params["ratio"]), "halt": pct(exc.params["halt"] or ZERO)}
        raise FinanceError(msg % (p | {"pool": pool.name}), 409) from None


def pool_warning(app: Application) -> str | None:
    """The warning to show after a step on a loan whose pool is in its warning band (else None)."""
    from gaoxin.finance.pools import WARNING

    pool = Product.objects.filter(pk=app.product.pool_id).first() if app.product.pool_id else None
    if pool is None:
        return None
    state = _pool_states([pool], Application.objects.all())[0]
    if state.status != WARNING:
        return None
    return _(
        "Warning: the risk pool %(pool)s is at a bad-loan ratio of %(ratio)s (warning from %(warn)s)."
    ) % {"pool": pool.name, "ratio": pct(state.ratio), "warn": pct(state.warn_ratio)}


# --- statistics -------------------------------------------------------------------------------------------


LOAN_FIELDS = (
    "state",
    "approved_amount",
    "disbursed_amount",
    "outstanding",
    "grade",
    "stage",
    "first_loan",
    "enterprise_id",
    "product__pool_id",
    "claim__loss",
    "disbursed_on",
)


def _core_loan(s, a, d, o, g, st, first, ent, pool, loss, on) -> L.Loan:
    """One loan as the finance core reads it, from a row of ``LOAN_FIELDS``."""
    return L.Loan(
        state=s,
        approved=a,
        disbursed=d,
        outstanding=o or ZERO,
        loss=loss or (o if s == L.DEFAULTED else ZERO) or ZERO,
        grade=g,
        stage=st,
        first_loan=first,
        enterprise=ent,
        pool=pool,
        disbursed_on=on,
    )


def core_loans(applications: QuerySet) -> list[L.Loan]:
    return [_core_loan(*row) for row in applications.order_by().values_list(*LOAN_FIELDS)]


def core_loans_by_zone(applications: QuerySet) -> dict[int, list[L.Loan]]:
    """The loans of ``applications`` split by their product's zone, from one query (a region's pages
    read every zone's figures at once)."""
    out: dict[int, list[L.Loan]] = {}
    for zone, *row in applications.order_by().values_list("product__zone", *LOAN_FIELDS):
        out.setdefault(zone, []).append(_core_loan(*row))
    return out


def statistics(applications: QuerySet) -> S.Statistics:
    return S.statistics(core_loans(applications))


@dataclass
class PoolView:
    pool: Product
    state: PoolState
    rule: CoreProduct
    products: list

    @property
    def ratio_pct(self) -> str:
        return pct(self.state.ratio)

    @property
    def ceiling_pct(self) -> str:
        return pct(self.state.ceiling)

    @property
    def warn_pct(self) -> str:
        return pct(self.state.warn_ratio)

    @property
    def halt_pct(self) -> str:
        return pct(self.state.halt_ratio) if self.state.halt_ratio is not None else ""

    @property
    def borrower_pct(self) -> str:
        return pct(self.rule.borrower_share)


def pools(pool_qs: QuerySet, applications: QuerySet) -> list[PoolView]:
    """Each pool's state from the loans of the products it covers (the caller scopes both querysets)."""
    pool_list = list(pool_qs.filter(kind=Product.Kind.POOL).prefetch_related("covered"))
    if not pool_list:
        return []
    states = _pool_states(pool_list, applications)
    return [
        PoolView(pool, state, core(pool), list(pool.covered.all()))
        for pool, state in zip(pool_list, states, strict=True)
    ]


def _pool_states(pool_list, applications: QuerySet) -> list[PoolState]:
    """Each pool's state (bad-loan ratio from ``applications``' disbursals, exposure, limits)."""
    disbursed = dict(
        applications.filter(product__pool__in=pool_list, state__in=S.LENT)
        .order_by()
        .values_list("product__pool")
        .annotate(s=Sum("disbursed_amount"))
    )
    losses = defaultdict(list)
    claims = LossClaim.objects.filter(pool__in=pool_list).order_by("id").values_list("pool", "loss")
    for pool, loss in claims:
        losses[pool].append(loss)
    exposure = _exposures([p.pk for p in pool_list], applications)
    return [
        pool_state(core(p), disbursed.get(p.pk) or ZERO, losses.get(p.pk, []), exposure[p.pk])
        for p in pool_list
    ]


# --- the monthly report ---------------------------------------------------------------------------------

REPORT_ACTIONS = (L.APPROVE, L.DISBURSE, L.DEFAULT)


def report_section(user, zone: Zone, start: dt.date, end: dt.date) -> dict | None:
    """Sci-tech finance in the zone's monthly report: the month's approvals, disbursals and defaults
    (count and amount, from the applications' history between ``start`` and ``end``), the totals to
    date and each risk pool's state. None when the zone has no product the user may see."""
    from gaoxin.web.accounts.scoping import visible

    products = visible(user, Product).filter(zone=zone)
    if not products.exists():
        return None
    apps = visible(user, Application).filter(product__zone=zone)
    moves = dict.fromkeys(REPORT_ACTIONS, (0, ZERO))
    steps = (
        Transition.objects.filter(
            application__in=apps, action__in=REPORT_ACTIONS, at__date__gte=start, at__date__lte=end
        )
        .order_by()
        .values_list("action")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    for action, n, amount in steps:
        moves[action] = (n, amount or ZERO)
    return {
        "month": [
            {"action": a, "label": REPORT_LABELS[a], "n": moves[a][0], "amount": moves[a][1]}
            for a in REPORT_ACTIONS
        ],
        "stats": statistics(apps),
        "pools": pools(products, apps),
    }


# --- exports ----------------------------------------------------------------------------------------------


def eligible_xlsx(product: Product, matches: QuerySet, voc: Vocabulary) -> bytes:
    """The product's eligible firms as a workbook (Chinese headers; money as exact 万元 text-numbers)."""
    from gaoxin.io import safe

    buf = io.BytesIO()
    book = safe.workbook(buf, {"in_memory": True})  # strings stay strings, never formulas
    sheet = book.add_worksheet("符合条件企业")
    bold = book.add_format({"bold": True})
    headers = [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "阶段",
        "总分",
        "等级",
        "组内排名",
        "组内企业数",
        "参考授信额度（万元）",
    ]
    sheet.write_row(0, 0, headers, bold)
    rows = matches.select_related("enterprise").order_by("-total", "enterprise__uscc")
    for n, m in enumerate(rows, 1):
        sheet.write_row(
            n,
            0,
            [
                n,
                m.enterprise.uscc,
                m.enterprise.name,
                voc.stage_name(m.stage, chinese=True),
                round(m.total, 2),
                m.grade,
                m.rank,
                m.cohort_size,
                format(m.line, "f") if m.line is not None else "",
            ],
        )
    info = book.add_worksheet("说明")
    info.write_row(0, 0, ["产品", product.name])
    info.write_row(1, 0, ["园区", product.zone.name])
    info.write_row(2, 0, ["评分记录", f"#{product.matched_run_id}" if product.matched_run_id else "—"])
    info.write_row(3, 0, ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    book.close()
    return buf.getvalue()


ACTION_LABELS = {}


def _labels():
    from django.utils.translation import gettext_lazy

    return {
        L.APPLY: gettext_lazy("apply"),
        L.APPROVE: gettext_lazy("approve"),
        L.REJECT: gettext_lazy("reject"),
        L.WITHDRAW: gettext_lazy("withdraw"),
        L.DISBURSE: gettext_lazy("disburse"),
        L.REPAY: gettext_lazy("record a repayment"),
        L.DEFAULT: gettext_lazy("record a default"),
    }


ACTION_LABELS.update(_labels())


def _report_labels():
    from django.utils.translation import gettext_lazy

    return {
        L.APPROVE: gettext_lazy("Loans approved"),
        L.DISBURSE: gettext_lazy("Loans disbursed"),
        L.DEFAULT: gettext_lazy("Defaults recorded"),
    }


REPORT_LABELS = _report_labels()


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FinanceError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from None


__all__ = ["FinanceError", "ProductError"]
