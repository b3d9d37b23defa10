"""The policy app's business operations: views, the API and the demo call these; they never commit
(the caller's request or job is the transaction), and every decision is audited here.

The flow (as Guangzhou's 数据比对 → 意愿确认 → 拨付到账):

1. ``save_draft`` — a policy file (YAML) checked by ``gaoxin.policy.model``; every fault with its place.
2. ``match`` — the zone's firms (read through ``scoping.visible``), the department facts, the zone's
   latest score run and ladder assessment, and the payout ledger go into ``gaoxin.policy.engine.run``;
   one ``Award`` per firm and clause keeps eligibility, every check with its value and source, and
   every step of the amount. ``kind="simulation"`` is the budget simulation (never shown to firms).
3. ``open_publicity`` (公示) of an official run of a published policy; the firm ``confirm``s with its
   bank account or ``waive``s; an excluded firm may ``object``; the zone ``decide``s, with history.
4. ``close_publicity`` — a firm that did not confirm in the window is deemed to have waived.
5. ``create_batch`` — confirmed awards, each re-checked against the ledger *as it is now* (caps and
   从高不重复 across policies and years: an award is never paid above what a fresh run would pay);
   ``batch_xlsx`` for the finance bureau; ``mark_paid`` books the ledger; ``clawback`` books it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal

import polars as pl
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.finance.money import ZERO, parse_money
from gaoxin.io import tables
from gaoxin.policy import engine, simulate
from gaoxin.policy.explain import col_label
from gaoxin.policy.model import FACT_FIELDS, loads_policy
from gaoxin.policy.model import Policy as CorePolicy
from gaoxin.web.accounts.scoping import audit, visible
from gaoxin.web.policy.models import (
    Award,
    AwardEvent,
    Clause,
    Fact,
    LedgerEntry,
    MatchRun,
    Objection,
    PaymentBatch,
    Policy,
)
from gaoxin.web.registry.models import AnnualReport, Enterprise, ImportBatch, Qualification, Zone
from gaoxin.web.registry.services.versions import latest_report_year


class PolicyFlowError(ValueError):
    """A step refused: the message says why, in the user's language."""


# --- policies ------------------------------------------------------------------------------------------


def parsed(policy: Policy) -> CorePolicy:
    return loads_policy(policy.text, f"{policy.code}.yaml")


def save_draft(zone: Zone, text: str, user, request=None) -> Policy:
    """A new draft version of the policy the file names (``PolicyError`` lists every fault)."""
    core = loads_policy(text, "policy.yaml")
    last = Policy.objects.filter(zone=zone, code=core.code).aggregate(v=Max("version"))["v"] or 0
    p = Policy.objects.create(
        zone=zone,
        code=core.code,
        version=last + 1,
        title=core.title,
        doc_no=core.doc_no,
        issuer=core.issuer,
        level=core.level,
        execution=core.execution,
        valid_from=core.valid_from,
        valid_to=core.valid_to,
        budget=core.budget,
        example=core.example,
        text=core.text,
        sha256=core.sha256,
        created_by=user,
    )
    Clause.objects.bulk_create(
        Clause(
            policy=p,
            clause_id=c.id,
            order=i,
            title=c.title,
            conditions=[w.label for w in c.when],
            amount=c.amount_zh,  # in words: the expression itself is in the policy file
            group=c.group or "",
            total_control=c.total_control,
            budget=c.budget,
            top=c.rank.top if c.rank else None,
        )
        for i, c in enumerate(core.clauses)
    )
    audit(request or user, "policy_draft", p, code=p.code, version=p.version, sha256=p.sha256)
    return p


def publish_policy(policy: Policy, user, request=None) -> Policy:
    if policy.status != Policy.Status.DRAFT:
        raise PolicyFlowError(_("Only a draft can be published."))
    Policy.objects.filter(zone=policy.zone, code=policy.code, status=Policy.Status.PUBLISHED).update(
        status=Policy.Status.RETIRED
    )
    policy.status = Policy.Status.PUBLISHED
    policy.published_by = user
    policy.published = timezone.now()
    policy.save(update_fields=["status", "published_by", "published"])
    audit(request or user, "policy_publish", policy, code=policy.code, version=policy.version)
    return policy


# --- inputs of a run --------------------------------------------------------------------------------------


def _facts_frames(zone: Zone, year: int, usccs: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    firm: dict[str, dict] = defaultdict(dict)
    items: dict[tuple[str, str], dict] = defaultdict(dict)
    for f in Fact.objects.filter(zone=zone, year=year).select_related("enterprise"):
        u = f.enterprise.uscc
        if u not in usccs:
            continue
        v = f.flag if f.flag is not None else (float(f.value) if f.value is not None else None)
        if f.item:
            items[(u, f.item)][f.name] = v
        else:
            firm[u][f.name] = v
    inputs = (
        pl.DataFrame([{"uscc": u, **vals} for u, vals in firm.items()])
        if firm
        else pl.DataFrame(schema={"uscc": pl.Utf8})
    )
    item_frame = (
        pl.DataFrame([{"uscc": u, "item": i, **vals} for (u, i), vals in items.items()])
        if items
        else pl.DataFrame(schema={"uscc": pl.Utf8, "item": pl.Utf8})
    )
    return inputs, item_frame


def _latest_done(user, run_model, zone: Zone, year: int):
    """The zone's latest finished run of ``run_model`` (a score run, a ladder run) for ``year``, or None."""
    runs = visible(user, run_model).filter(zone=zone, year=year, status=run_model.Status.DONE)
    return runs.order_by("-created", "-id").first()


def _scores(user, zone: Zone, year: int) -> pl.DataFrame | None:
    from gaoxin.web.credit.models import Score, ScoreRun

    run = _latest_done(user, ScoreRun, zone, year)
    if run is None:
        return None
    rows = (
        visible(user, Score)
        .filter(run=run)
        .values_list("enterprise__uscc", "total", "rank", "cohort_size", "grade", "list")
    )
    return pl.DataFrame(
        [(u, t, r, c, g or None, li or None) for u, t, r, c, g, li in rows],
        schema={
            "uscc": pl.Utf8,
            "total": pl.Float64,
            "rank": pl.Int64,
            "cohort_size": pl.Int64,
            "grade": pl.Utf8,
            "list": pl.Utf8,
        },
        orient="row",
    )


def _ladder(user, zone: Zone, year: int) -> pl.DataFrame | None:
    from gaoxin.web.cultivation.models import LadderEntry, LadderRun

    run = _latest_done(user, LadderRun, zone, year)
    if run is None:
        return None
    rows = visible(user, LadderEntry).filter(run=run).values_list("enterprise__uscc", "tier", "status")
    return pl.DataFrame(
        list(rows), schema={"uscc": pl.Utf8, "tier": pl.Utf8, "status": pl.Utf8}, orient="row"
    )


def ledger(zone: Zone) -> engine.Ledger:
    entries = LedgerEntry.objects.filter(zone=zone).select_related("enterprise")
    return engine.Ledger(
        engine.Entry(
            e.enterprise.uscc,
            e.year,
            e.policy_code,
            e.clause_id,
            e.amount,
            e.group or None,
            e.total_control,
            e.kind,
        )
        for e in entries
    )


def _dataset(user, zone: Zone, year: int):
    from gaoxin.web.registry.services import zone_dataset

    usccs = set(visible(user, Enterprise).filter(zone=zone).values_list("uscc", flat=True))
    data = zone_dataset([zone], years=[year - 1, year])
    keep = pl.col("uscc").is_in(sorted(usccs))
    data.enterprises = data.enterprises.filter(keep)
    data.reports = data.reports.filter(keep)
    data.qualifications = data.qualifications.filter(keep)
    return data, usccs


def _sources(zone: Zone, year: int) -> dict:
    """(uscc, year) → {field: "department · file · date"} for the report values; plus facts and titles."""
    batches = {
        b.pk: f"{b.department or _('unknown department')} · {b.file_name} · {b.created:%Y-%m-%d}"
        for b in ImportBatch.objects.filter(zone=zone)
    }
    out: dict = {}
    for u, y, src in AnnualReport.objects.filter(
        enterprise__zone=zone, year__in=[year - 1, year]
    ).values_list("enterprise__uscc", "year", "sources"):
        out[(u, y)] = {
            f: batches.get(b, str(b)) if isinstance(b, int) else str(b) for f, b in (src or {}).items()
        }
    for f in (
        Fact.objects.filter(zone=zone, year=year).exclude(name__in=FACT_FIELDS).select_related("enterprise")
    ):
        out.setdefault((f.enterprise.uscc, "facts"), {})[f.name] = (
            f"{f.department} · {f.file_name} · {f.created:%Y-%m-%d}"
        )
    for u, kind, b in Qualification.objects.filter(enterprise__zone=zone).values_list(
        "enterprise__uscc", "kind", "batch"
    ):
        out.setdefault((u, "quals"), {})[kind] = batches.get(b, "") if b else ""
    return out


def _source(sources: dict, uscc: str, year: int, col: str) -> str:
    if col.startswith("prev:"):
        return sources.get((uscc, year - 1), {}).get(col[5:], "")
    if ":" in col:
        fn, kind = col.split(":", 1)
        return (
            sources.get((uscc, "quals"), {}).get(kind, "")
            if fn != "ladder"
            else _("cultivation ladder assessment")
        )
    return sources.get((uscc, year), {}).get(col) or sources.get((uscc, "facts"), {}).get(col, "")


# --- matching ---------------------------------------------------------------------------------------------


def _hash(obj) -> str:
    return hashlib.sha256(
        json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def match(policy: Policy, year: int, user, kind: str = MatchRun.Kind.SIMULATION, request=None) -> MatchRun:
    """Match the policy against the zone's firms for data year ``year`` and store every award."""
    core = parsed(policy)
    if not core.covers(year):
        raise PolicyFlowError(
            _("The policy is not in force for %(year)s (valid %(from)s – %(to)s).")
            % {"year": year, "from": core.valid_from, "to": core.valid_to}
        )
    if kind == MatchRun.Kind.OFFICIAL and policy.status != Policy.Status.PUBLISHED:
        raise PolicyFlowError(_("Only a published policy gives an official list; simulate a draft."))
    zone = policy.zone
    data, usccs = _dataset(user, zone, year)
    inputs, items = _facts_frames(zone, year, usccs)
    facts = engine.prepare(
        [core], data, year, inputs=inputs, scores=_scores(user, zone, year), ladder=_ladder(user, zone, year)
    )
    result = engine.run([core], facts, year, items=items, ledger=ledger(zone))
    pr = result.result(core.code)
    lines = [ln.as_dict() for ln in pr.lines]
    facts_sorted = facts.sort("uscc")
    run = MatchRun.objects.create(
        zone=zone,
        policy=policy,
        year=year,
        kind=kind,
        facts_sha256=hashlib.sha256(facts_sorted.write_csv().encode()).hexdigest(),
        lines_sha256=_hash(lines),
        summary=simulate.summary(pr).as_dict(),
        firms=facts.height,
        created_by=user,
    )
    ids = dict(
        Enterprise.objects.filter(zone=zone, uscc__in=facts["uscc"].to_list()).values_list("uscc", "pk")
    )
    sources = _sources(zone, year)
    rows = {r["uscc"]: r for r in facts.to_dicts()}
    awards = []
    for cr in pr.clauses:
        by_firm = {ln.uscc: ln for ln in cr.lines}
        for uscc, eligible in cr.frame.select("uscc", "eligible").iter_rows():
            if uscc not in ids:
                continue
            checks = engine.explain_row(core, cr.clause, rows[uscc])
            stored = []
            for c in checks:
                d = c.as_dict()
                d["sources"] = [
                    {
                        "column": col,
                        "label": col_label(col, core.namespace),
                        "source": _source(sources, uscc, year, col),
                    }
                    for col in c.reads
                ]
                stored.append(d)
            ln = by_firm.get(uscc)
            paying = bool(eligible) and ln is not None and ln.amount > 0
            awards.append(
                Award(
                    run=run,
                    enterprise_id=ids[uscc],
                    clause_id=cr.clause.id,
                    clause_title=cr.clause.title,
                    eligible=bool(eligible),
                    gross=ln.gross if ln else ZERO,
                    amount=ln.amount if ln else ZERO,
                    rank=ln.rank if ln else None,
                    distance=None if eligible else engine.distance([c for c in checks if not c.ok]),
                    split={k: str(v) for k, v in (ln.split if ln else {}).items()},
                    steps=ln.as_dict()["steps"] if ln else [],
                    items=ln.as_dict()["items"] if ln else [],
                    checks=stored,
                    status=Award.Status.MATCHED if paying else Award.Status.INELIGIBLE,
                )
            )
    Award.objects.bulk_create(awards, batch_size=500)
    audit(
        request or user,
        "policy_match",
        run,
        policy=policy.code,
        version=policy.version,
        year=year,
        kind=kind,
        total=run.summary["total"],
    )
    return run


def compare(a: MatchRun, b: MatchRun) -> list[dict]:
    """Two runs side by side, clause by clause: totals, winners, factor, cut-off, firms gained and lost."""
    sa = {c["clause"]: c for c in a.summary.get("clauses", [])}
    sb = {c["clause"]: c for c in b.summary.get("clauses", [])}
    paid = lambda run: defaultdict(set)  # noqa: E731
    wa, wb = paid(a), paid(b)
    for run, target in ((a, wa), (b, wb)):
        for cid, name in run.awards.filter(amount__gt=0).values_list("clause_id", "enterprise__name"):
            target[cid].add(name)
    out = []
    for cid in list(sa) + [c for c in sb if c not in sa]:
        ca, cb = sa.get(cid), sb.get(cid)
        delta = Decimal(cb["total"] if cb else 0) - Decimal(ca["total"] if ca else 0)
        out.append(
            {
                "clause": cid,
                "a": ca,
                "b": cb,
                "delta": delta,
                "gained": sorted(wb[cid] - wa[cid]),
                "lost": sorted(wa[cid] - wb[cid]),
            }
        )
    return out


# --- 公示, confirmation, objections -------------------------------------------------------------------------


def _event(award: Award, action: str, user, **detail) -> None:
    AwardEvent.objects.create(
        award=award, action=action, user=user, detail={k: str(v) for k, v in detail.items()}
    )


def open_publicity(run: MatchRun, start: dt.date, end: dt.date, user, request=None) -> MatchRun:
    if run.kind != MatchRun.Kind.OFFICIAL:
        raise PolicyFlowError(_("A simulation is never published; make an official list first."))
    if run.status != MatchRun.Status.MATCHED:
        raise PolicyFlowError(_("This list is already in publicity or closed."))
    if end < start:
        raise PolicyFlowError(_("The publicity must end on or after the day it starts."))
    run.status, run.publicity_from, run.publicity_to = MatchRun.Status.PUBLICITY, start, end
    run.save(update_fields=["status", "publicity_from", "publicity_to"])
    for award in run.awards.filter(status=Award.Status.MATCHED):
        _event(award, "published", user, until=end)
    audit(request or user, "policy_publicity", run, start=str(start), end=str(end))
    return run


def _window_open(run: MatchRun, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        run.status == MatchRun.Status.PUBLICITY and run.publicity_to is not None and today <= run.publicity_to
    )


def confirm(
    award: Award, user, *, account_name: str, account_bank: str, account_no: str, request=None
) -> Award:
    if award.status not in (Award.Status.MATCHED, Award.Status.WAIVED) or not _window_open(award.run):
        raise PolicyFlowError(
            _(
                "This award cannot be confirmed now (the publicity window is closed or it is not awaiting confirmation)."
            )
        )
    award.status = Award.Status.CONFIRMED
    award.account_name, award.account_bank, award.account_no = (
        account_name.strip(),
        account_bank.strip(),
        account_no.strip(),
    )
    award.decided = timezone.now()
    award.save(update_fields=["status", "account_name", "account_bank", "account_no", "decided"])
    _event(award, "confirmed", user, bank=award.account_bank, account=award.account_no[-4:])
    audit(request or user, "policy_confirm", award, clause=award.clause_id, amount=str(award.amount))
    return award


def waive(award: Award, user, request=None) -> Award:
    if award.status not in (Award.Status.MATCHED, Award.Status.CONFIRMED) or not _window_open(award.run):
        raise PolicyFlowError(_("This award cannot be waived now."))
    award.status = Award.Status.WAIVED
    award.decided = timezone.now()
    award.save(update_fields=["status", "decided"])
    _event(award, "waived", user)
    audit(request or user, "policy_waive", award, clause=award.clause_id)
    return award


def object_to(award: Award, user, *, reason: str, evidence: str = "", request=None) -> Objection:
    if not _window_open(award.run):
        raise PolicyFlowError(_("Objections are taken only while the publicity is open."))
    if award.objections.filter(status=Objection.Status.PENDING).exists():
        raise PolicyFlowError(_("An objection to this line is already pending."))
    obj = Objection.objects.create(
        award=award, reason=reason.strip(), evidence=evidence.strip(), submitted_by=user
    )
    _event(award, "objected", user, reason=reason.strip()[:200])
    audit(request or user, "policy_object", award, clause=award.clause_id)
    return obj


def decide_objection(
    obj: Objection, user, *, upheld: bool, note: str, amount: Decimal | None = None, request=None
) -> Objection:
    if obj.status != Objection.Status.PENDING:
        raise PolicyFlowError(_("This objection has already been decided."))
    award = obj.award
    if upheld:
        if amount is None or amount <= 0:
            raise PolicyFlowError(_("An upheld objection needs the amount granted (万元, greater than 0)."))
        award.eligible, award.amount, award.status = True, amount, Award.Status.MATCHED
        award.steps = [
            *award.steps,
            {
                "code": "objection",
                "text": _("Objection upheld: %(note)s") % {"note": note},
                "before": "0",
                "after": str(amount),
            },
        ]
        award.save(update_fields=["eligible", "amount", "status", "steps"])
    obj.status = Objection.Status.UPHELD if upheld else Objection.Status.REJECTED
    obj.note, obj.amount, obj.decided_by, obj.decided = (
        note.strip(),
        amount if upheld else None,
        user,
        timezone.now(),
    )
    obj.save(update_fields=["status", "note", "amount", "decided_by", "decided"])
    _event(
        award, "objection_upheld" if upheld else "objection_rejected", user, note=note, amount=amount or ""
    )
    audit(request or user, "policy_objection_decide", award, upheld=upheld, amount=str(amount or ""))
    return obj


def close_publicity(run: MatchRun, user, today: dt.date | None = None, request=None) -> int:
    """Close the window; every award still awaiting confirmation counts as waived. Returns how many."""
    today = today or timezone.localdate()
    if run.status != MatchRun.Status.PUBLICITY:
        raise PolicyFlowError(_("This list is not in publicity."))
    if run.publicity_to and today <= run.publicity_to:
        raise PolicyFlowError(_("The publicity runs until %(date)s.") % {"date": run.publicity_to})
    if Objection.objects.filter(award__run=run, status=Objection.Status.PENDING).exists():
        raise PolicyFlowError(_("Decide the pending objections first."))
    late = list(run.awards.filter(status=Award.Status.MATCHED))
    for award in late:
        award.status = Award.Status.WAIVED
        award.save(update_fields=["status"])
        _event(award, "waived_by_deadline", user)
    run.status = MatchRun.Status.CLOSED
    run.save(update_fields=["status"])
    audit(request or user, "policy_publicity_close", run, waived=len(late))
    return len(late)


# --- payment --------------------------------------------------------------------------------------------------


def _current_amounts(run: MatchRun) -> dict[tuple[str, str], Decimal]:
    """What a fresh run of the policy would pay now, under the ledger as it stands (same facts)."""
    core = parsed(run.policy)
    user = run.created_by
    data, usccs = _dataset(user, run.zone, run.year)
    inputs, items = _facts_frames(run.zone, run.year, usccs)
    facts = engine.prepare(
        [core],
        data,
        run.year,
        inputs=inputs,
        scores=_scores(user, run.zone, run.year),
        ladder=_ladder(user, run.zone, run.year),
    )
    fresh = engine.run([core], facts, run.year, items=items, ledger=ledger(run.zone))
    return {(ln.uscc, ln.clause): ln.amount for ln in fresh.lines}


def create_batch(run: MatchRun, user, request=None) -> PaymentBatch:
    if run.status != MatchRun.Status.CLOSED:
        raise PolicyFlowError(_("Close the publicity before preparing a payment batch."))
    todo = list(run.awards.filter(status=Award.Status.CONFIRMED).select_related("enterprise"))
    if not todo:
        raise PolicyFlowError(_("No confirmed award is waiting for payment."))
    now = _current_amounts(run)
    number = (run.batches.aggregate(n=Max("number"))["n"] or 0) + 1
    batch = PaymentBatch.objects.create(run=run, number=number, created_by=user)
    total = ZERO
    for award in todo:
        fresh = now.get((award.enterprise.uscc, award.clause_id), ZERO)
        upheld = any(s.get("code") == "objection" for s in award.steps)
        pay = award.amount if upheld else min(award.amount, fresh)
        if pay < award.amount:
            award.steps = [
                *award.steps,
                {
                    "code": "ledger",
                    "text": _("Re-checked against the ledger at payment: %(amount)s 万元") % {"amount": pay},
                    "before": str(award.amount),
                    "after": str(pay),
                },
            ]
        award.paid_amount, award.batch, award.status = pay, batch, Award.Status.BATCHED
        award.save(update_fields=["paid_amount", "batch", "status", "steps"])
        _event(award, "batched", user, batch=number, amount=pay)
        total += pay
    batch.total = total
    batch.save(update_fields=["total"])
    audit(request or user, "policy_batch", batch, number=number, total=str(total), awards=len(todo))
    return batch


BATCH_COLUMNS = (
    tables.Column("uscc", "统一社会信用代码", "USCC"),
    tables.Column("name", "企业名称", "Enterprise"),
    tables.Column("policy", "政策", "Policy"),
    tables.Column("doc_no", "文号", "Document number"),
    tables.Column("clause", "条款", "Clause"),
    tables.Column("amount", "拨付金额（万元）", "Amount (万元)", "decimal"),
    tables.Column("split", "资金来源（分级承担）", "Co-funding split"),
    tables.Column("account_name", "收款户名", "Account name"),
    tables.Column("account_bank", "开户银行", "Bank"),
    tables.Column("account_no", "银行账号", "Account number"),
    tables.Column("basis", "核定依据", "Basis"),
)


def batch_xlsx(batch: PaymentBatch) -> bytes:
    """The batch for the finance bureau: one row per award, the account, the amount and its basis."""
    run = batch.run
    rows = []
    for a in batch.awards.select_related("enterprise").order_by("enterprise__uscc", "clause_id"):
        split = "；".join(f"{k} {v}" for k, v in a.split.items()) if a.paid_amount == a.amount else ""
        basis = "；".join(s["text"] for s in a.steps) or "按条款公式核定"
        rows.append(
            {
                "uscc": a.enterprise.uscc,
                "name": a.enterprise.name,
                "policy": run.policy.title,
                "doc_no": run.policy.doc_no,
                "clause": a.clause_title,
                "amount": a.paid_amount,
                "split": split,
                "account_name": a.account_name,
                "account_bank": a.account_bank,
                "account_no": a.account_no,
                "basis": basis,
            }
        )
    total = {"uscc": "合计", "amount": batch.total}
    return tables.to_bytes([tables.Sheet(f"拨付批次{batch.number}", BATCH_COLUMNS, [*rows, total])])


def mark_paid(batch: PaymentBatch, user, request=None) -> PaymentBatch:
    if batch.status != PaymentBatch.Status.DRAFT:
        raise PolicyFlowError(_("This batch is already paid."))
    core = parsed(batch.run.policy)
    for a in batch.awards.select_related("enterprise"):
        clause = core.clause(a.clause_id)
        LedgerEntry.objects.create(
            zone=batch.run.zone,
            enterprise=a.enterprise,
            year=batch.run.year,
            policy_code=core.code,
            clause_id=a.clause_id,
            group=clause.group or "",
            total_control=clause.total_control,
            amount=a.paid_amount or ZERO,
            kind=LedgerEntry.Kind.PAYMENT,
            award=a,
            batch=batch,
            created_by=user,
        )
        a.status = Award.Status.PAID
        a.save(update_fields=["status"])
        _event(a, "paid", user, batch=batch.number, amount=a.paid_amount)
    batch.status, batch.paid_by, batch.paid = PaymentBatch.Status.PAID, user, timezone.now()
    batch.save(update_fields=["status", "paid_by", "paid"])
    audit(request or user, "policy_paid", batch, number=batch.number, total=str(batch.total))
    return batch


def clawback(award: Award, user, *, amount, reason: str, request=None) -> LedgerEntry:
    """Book back part or all of a paid award (e.g. the firm moved out before the 公示 ended)."""
    amount = parse_money(amount)
    paid = sum((e.amount for e in award.ledger.all()), ZERO)
    if award.status not in (Award.Status.PAID, Award.Status.CLAWED_BACK) or paid <= 0:
        raise PolicyFlowError(_("Only a paid award can be clawed back."))
    if amount > paid:
        raise PolicyFlowError(_("At most %(paid)s 万元 can be clawed back.") % {"paid": paid})
    if not reason.strip():
        raise PolicyFlowError(_("Give the reason for the clawback."))
    entry = LedgerEntry.objects.create(
        zone=award.run.zone,
        enterprise=award.enterprise,
        year=award.run.year,
        policy_code=award.run.policy.code,
        clause_id=award.clause_id,
        group=award.ledger.first().group,
        total_control=award.ledger.first().total_control,
        amount=-amount,
        kind=LedgerEntry.Kind.CLAWBACK,
        award=award,
        note=reason.strip(),
        created_by=user,
    )
    award.status = Award.Status.CLAWED_BACK
    award.save(update_fields=["status"])
    _event(award, "clawed_back", user, amount=amount, reason=reason.strip())
    audit(request or user, "policy_clawback", award, amount=str(amount), reason=reason.strip())
    return entry


# --- facts ------------------------------------------------------------------------------------------------


def put_fact(
    zone: Zone,
    enterprise: Enterprise,
    year: int,
    name: str,
    value=None,
    *,
    item: str = "",
    department: str = "",
    file_name: str = "",
    user=None,
) -> Fact:
    """Set one supplied value (a number in ``value`` or a yes/no in ``value`` as bool).

    A data-dictionary field (``FACT_FIELDS``: 规上, 地方综合贡献度 …) goes into the register instead
    (``put_register_facts``); the returned ``Fact`` is then unsaved, a record of what was supplied."""
    if name in FACT_FIELDS and not item:
        put_register_facts(
            zone, [(enterprise, year, name, value)], department=department, file_name=file_name, user=user
        )
        return Fact(
            zone=zone,
            enterprise=enterprise,
            year=year,
            name=name,
            value=None if isinstance(value, bool) or value is None else Decimal(str(value)),
            flag=value if isinstance(value, bool) else None,
            department=department,
            file_name=file_name,
            created_by=user,
        )
    flag = value if isinstance(value, bool) else None
    number = None if isinstance(value, bool) or value is None else Decimal(str(value))
    fact, _created = Fact.objects.update_or_create(
        enterprise=enterprise,
        year=year,
        name=name,
        item=item,
        defaults={
            "zone": zone,
            "value": number,
            "flag": flag,
            "department": department,
            "file_name": file_name,
            "created_by": user,
        },
    )
    return fact


def put_register_facts(
    zone: Zone, values, *, department: str = "", file_name: str = "", user=None
) -> ImportBatch | None:
    """Department facts that are data-dictionary fields — (enterprise, year, field, value) — into the
    register's annual reports, as one registry batch naming the department and the file (each value's
    source; a changed value leaves a ``ChangeRecord``). The policy engine reads them from there."""
    from gaoxin.web.registry.services import apply_report_values

    rows: dict[tuple[str, int], dict] = {}
    for enterprise, year, name, value in values:
        if name not in FACT_FIELDS:
            raise ValueError(f"{name!r} is not a department fact of the data dictionary")
        if value is not None and not isinstance(value, bool):
            value = float(value)
        rows.setdefault((enterprise.uscc, year), {"uscc": enterprise.uscc, "year": year})[name] = value
    return apply_report_values(
        zone,
        rows.values(),
        file_name=file_name or "部门报送数据",
        department=department,
        user=user,
    )


# --- the firm's page --------------------------------------------------------------------------------------------


def firm_view(user, enterprise: Enterprise, misses: int = 3) -> dict:
    """What the firm received, will receive (or must confirm), and the nearest clauses it misses."""
    awards = visible(user, Award).filter(enterprise=enterprise).select_related("run", "run__policy")
    ledger_rows = list(
        visible(user, LedgerEntry)
        .filter(enterprise=enterprise)
        .select_related("award", "award__run", "award__run__policy")
        .order_by("-year", "-at")
    )
    pending = [
        a
        for a in awards.filter(
            status__in=[Award.Status.MATCHED, Award.Status.CONFIRMED, Award.Status.BATCHED]
        ).order_by("-run__created")
    ]
    waived = list(awards.filter(status=Award.Status.WAIVED))
    near = list(
        awards.filter(status=Award.Status.INELIGIBLE, eligible=False, distance__isnull=False)
        .filter(Q(run__status=MatchRun.Status.PUBLICITY) | Q(run__status=MatchRun.Status.CLOSED))
        .order_by("distance", "clause_id")[:misses]
    )
    received = sum((e.amount for e in ledger_rows), ZERO)
    return {"pending": pending, "waived": waived, "ledger": ledger_rows, "received": received, "near": near}


# --- triggers from the other modules ----------------------------------------------------------------------
#
# A new qualification (a 高企 certificate in a registry import), a published score list (the 科企六条
# award by innovation-credit rank tier) or a finished ladder assessment can make firms eligible. Each
# re-matches, as a simulation, every published policy of the zone that reads that kind of data, and
# records which firms it now pays that the policy's official list for the year does not: the policy
# office sees them on its page and takes the official list when it decides to. The hooks run once the
# other module's transaction has committed (``transaction.on_commit``), so an import or a publication
# never waits for, nor fails with, a matching.

QUALIFICATION, SCORE_LIST, LADDER = "qualification", "score_list", "ladder"
TRIGGER_KINDS = (QUALIFICATION, SCORE_LIST, LADDER)


def _reads(core: CorePolicy, kind: str, quals: set[str] | None = None) -> bool:
    uses = core.uses()
    if kind == QUALIFICATION:
        return any(quals is None or k in quals for _fn, k in uses.quals)
    if kind == SCORE_LIST:
        return bool(uses.scores)
    return bool(uses.ladder)


def _paying(run: MatchRun) -> set[tuple[str, str]]:
    return set(run.awards.filter(eligible=True, amount__gt=0).values_list("enterprise__uscc", "clause_id"))


def _trigger_year(policy: Policy, core: CorePolicy, zone: Zone) -> int | None:
    last = policy.runs.filter(kind=MatchRun.Kind.OFFICIAL).order_by("-year").values_list("year", flat=True)
    if last:
        return last[0]
    years = latest_report_year(zone)  # triggers run after the import's commit: its version is moved
    return years if years and core.covers(years) else None


def trigger(
    zone: Zone, kind: str, source: str, *, year: int | None = None, quals: set[str] | None = None, user=None
) -> list[MatchRun]:
    """Re-match the zone's published policies that read ``kind`` data; return the new simulations.

    ``year``: the data year (a score list's or ladder's); without it (an import of qualifications) the
    year of the policy's latest official list, else the zone's latest report year. ``quals``: the
    qualification kinds the import brought (only policies reading one of them are re-matched)."""
    if kind not in TRIGGER_KINDS:
        raise ValueError(f"unknown trigger {kind!r}")
    runs = []
    for policy in Policy.objects.filter(zone=zone, status=Policy.Status.PUBLISHED).order_by("code"):
        core = parsed(policy)
        if not _reads(core, kind, quals):
            continue
        y = year if year is not None else _trigger_year(policy, core, zone)
        if y is None or not core.covers(y):
            continue
        who = user or policy.published_by or policy.created_by
        run = match(policy, y, who)
        official = policy.runs.filter(kind=MatchRun.Kind.OFFICIAL, year=y).order_by("-created", "-id").first()
        before = _paying(official) if official is not None else set()
        new = sorted(_paying(run) - before)
        run.summary = {
            **run.summary,
            "trigger": {
                "kind": kind,
                "source": source,
                "against": official.pk if official is not None else None,
                "new": [{"uscc": u, "clause": c} for u, c in new],
            },
        }
        run.save(update_fields=["summary"])
        audit(who, "policy_trigger", run, policy=policy.code, kind=kind, source=source, new=len(new))
        runs.append(run)
    return runs


def recent_triggers(runs) -> list[dict]:
    """The trigger runs among ``runs`` (a scoped queryset), newest first, with the newly paid firms."""
    names = {}
    out = []
    for run in runs.filter(kind=MatchRun.Kind.SIMULATION).select_related("policy")[:50]:
        t = run.summary.get("trigger")
        if not t:
            continue
        usccs = {n["uscc"] for n in t["new"]} - set(names)
        names.update(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "name"))
        out.append(
            {
                "run": run,
                "kind": t["kind"],
                "source": t["source"],
                "against": t["against"],
                "new": [{**n, "name": names.get(n["uscc"], n["uscc"])} for n in t["new"]],
            }
        )
    return out[:10]


def _after_commit(fn) -> None:
    """Run ``fn`` once the caller's transaction commits, in its own transaction; a failure is logged,
    never passed on to the module that triggered it (its data are committed and stay so)."""
    import logging

    from django.db import transaction

    def guarded() -> None:
        try:
            with transaction.atomic():
                fn()
        except Exception:
            logging.getLogger("gaoxin.policy").exception("policy trigger failed")

    transaction.on_commit(guarded)


def on_list_published(published) -> None:
    """credit's PUBLISH_HOOKS: a published score list (its run's year)."""
    zone, year, title, user = published.zone, published.run.year, published.title, published.created_by
    _after_commit(lambda: trigger(zone, SCORE_LIST, title, year=year, user=user))


def on_ladder_saved(sender, instance, **kwargs) -> None:
    """post_save of a cultivation LadderRun: once it is done."""
    if instance.status != "done":
        return
    zone, year, user, pk = instance.zone, instance.year, instance.created_by, instance.pk
    _after_commit(lambda: trigger(zone, LADDER, f"#{pk}", year=year, user=user))


def on_import_saved(sender, instance, **kwargs) -> None:
    """post_save of a registry ImportBatch: once applied, if it brought qualifications."""
    if instance.status != ImportBatch.Status.APPLIED:
        return
    batch = instance

    def run() -> None:
        kinds = set(Qualification.objects.filter(batch=batch).values_list("kind", flat=True))
        if kinds:
            trigger(batch.zone, QUALIFICATION, batch.file_name, quals=kinds, user=batch.user)

    _after_commit(run)
