"""Writing a validated Dataset into the register, value by value, with provenance and history.

``apply_dataset`` is the one way data enter the register (web upload, ``gaoxin import``, the demo):

- only the columns present in the input are touched, so one department's partial file updates only
  its columns;
- a new enterprise, report or qualification records the batch in ``sources`` for every value it sets;
- a changed value updates ``sources`` and leaves a ``ChangeRecord`` (old → new, batch, user, time);
- unchanged values are left alone, so re-applying the same data changes nothing.

It never commits by itself: the caller holds the transaction (a failed import leaves nothing behind).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db.models import FloatField
from django.db.models.functions import Cast

from gaoxin.dataset import Dataset
from gaoxin.dictionary import BY_ID
from gaoxin.web.registry.models import (
    ENTERPRISE_COLUMNS,
    REPORT_COLUMNS,
    AnnualReport,
    ChangeRecord,
    Enterprise,
    ImportBatch,
    Qualification,
    Zone,
)

BATCH_SIZE = 2000
Progress = Callable[[float], None]


class ApplyError(ValueError):
    """Rows the register refuses (e.g. a zone the user may not write to), each with its reason."""

    def __init__(self, problems: list[dict]):
        self.problems = problems
        super().__init__(f"{len(problems)} rows refused")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ApplyResult:
    enterprises: Counts = field(default_factory=Counts)
    reports: Counts = field(default_factory=Counts)
    qualifications: Counts = field(default_factory=Counts)
    changes: int = 0

    def as_dict(self) -> dict:
        return {
            "enterprises": self.enterprises.as_dict(),
            "reports": self.reports.as_dict(),
            "qualifications": self.qualifications.as_dict(),
            "changes": self.changes,
        }


def to_db(field_id: str, value):
    """A frame value as the database stores it (money as exact 万元 decimals)."""
    if value is None:
        return None
    f = BY_ID[field_id]
    if f.type == "money":
        return Decimal(repr(float(value))).quantize(Decimal("0.0001"))
    if f.type == "ratio":
        return Decimal(repr(float(value))).quantize(Decimal("0.00000001"))
    if f.type in ("text", "enum"):
        return str(value)
    return value


def _blank(field_id: str):
    return "" if BY_ID[field_id].type in ("text", "enum") else None


def shown(value) -> str:
    """How a stored value is written in the history."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def apply_dataset(
    dataset: Dataset, batch: ImportBatch, *, allowed_zones: dict[str, Zone], progress: Progress | None = None
) -> ApplyResult:
    """Upsert ``dataset`` into the register as ``batch`` (see the module docstring).

    ``allowed_zones`` maps the zone codes this user may write to onto zones; a row naming any other
    zone, or a report for an enterprise that exists nowhere, refuses the whole dataset.
    """
    progress = progress or (lambda _: None)
    result = ApplyResult()
    ents = dataset.enterprises
    reps = dataset.reports
    quals = dataset.qualifications
    usccs = set(ents["uscc"].to_list()) | set(reps["uscc"].to_list()) | set(quals["uscc"].to_list())
    existing = {e.uscc: e for e in _fetch(Enterprise.objects.all(), "uscc", usccs)}
    _check_zones(ents, reps, quals, existing, allowed_zones, batch)
    progress(0.05)
    by_uscc = _apply_enterprises(ents, existing, batch, allowed_zones, result)
    progress(0.25)
    _apply_reports(reps, by_uscc, batch, result, lambda f: progress(0.25 + 0.65 * f))
    _apply_qualifications(quals, by_uscc, batch, result)
    progress(1.0)
    return result


def _fetch(qs, key: str, values: set, size: int = 900) -> list:
    """Objects whose ``key`` is in ``values``, in chunks that stay under SQLite's variable limit."""
    out = []
    items = sorted(values)
    for part in _chunks(items, size):
        out.extend(qs.filter(**{f"{key}__in": part}))
    return out


def _check_zones(ents, reps, quals, existing, allowed_zones, batch) -> None:
    problems = []
    if "zone" in ents.columns:
        for n, (uscc, zone) in enumerate(ents.select("uscc", "zone").iter_rows()):
            if zone not in allowed_zones:
                problems.append(
                    {
                        "row": n,
                        "column": "zone",
                        "value": zone,
                        "uscc": uscc,
                        "reason": f"无权写入园区 {zone}（只能写入：{'、'.join(sorted(allowed_zones))}）",
                    }
                )
    known_new = set(ents["uscc"].to_list()) if "name" in ents.columns and "zone" in ents.columns else set()
    allowed_ids = {z.pk for z in allowed_zones.values()}
    for uscc in set(reps["uscc"].to_list()) | set(quals["uscc"].to_list()) | set(ents["uscc"].to_list()):
        ent = existing.get(uscc)
        if ent is None and uscc not in known_new:
            problems.append(
                {
                    "column": "uscc",
                    "value": uscc,
                    "uscc": uscc,
                    "reason": "平台中没有这家企业，且文件未提供其名称和所在园区",
                }
            )
        elif ent is not None and ent.zone_id not in allowed_ids:
            problems.append(
                {"column": "uscc", "value": uscc, "uscc": uscc, "reason": "这家企业属于其他园区，无权修改"}
            )
    if problems:
        raise ApplyError(problems)


def _apply_enterprises(ents: pl.DataFrame, existing: dict, batch, allowed_zones, result) -> dict[str, int]:
    cols = [f.id for f in ENTERPRISE_COLUMNS if f.id in ents.columns]
    base = [c for c in ("name", "zone") if c in ents.columns]
    new, changed, records = [], [], []
    for row in ents.iter_rows(named=True):
        ent = existing.get(row["uscc"])
        if ent is None:
            ent = Enterprise(
                uscc=row["uscc"],
                name=row["name"],
                zone=allowed_zones[row["zone"]],
                sources={c: batch.pk for c in [*base, *cols] if row.get(c) is not None},
            )
            for c in cols:
                setattr(ent, c, to_db(c, row[c]) if row[c] is not None else _blank(c))
            new.append(ent)
            continue
        dirty = False
        for c in [*base, *cols]:
            if row[c] is None:
                continue  # an empty cell never erases a value another department reported
            value = allowed_zones[row[c]] if c == "zone" else to_db(c, row[c])
            old = ent.zone if c == "zone" else getattr(ent, c)
            if (old.pk if c == "zone" else old) != (value.pk if c == "zone" else value):
                records.append(
                    ChangeRecord(
                        enterprise=ent,
                        field=c,
                        old=shown(old.code if c == "zone" else old),
                        new=shown(value.code if c == "zone" else value),
                        batch=batch,
                        user=batch.user,
                    )
                )
                setattr(ent, c, value)
                ent.sources[c] = batch.pk
                dirty = True
        if dirty:
            changed.append(ent)
        else:
            result.enterprises.unchanged += 1
    Enterprise.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        fields = [("zone" if c == "zone" else c) for c in [*base, *cols]] + ["sources", "updated"]
        Enterprise.objects.bulk_update(changed, fields, batch_size=500)
    ChangeRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
    result.enterprises.created += len(new)
    result.enterprises.updated += len(changed)
    result.changes += len(records)
    usccs = set(ents["uscc"].to_list())
    ids = {e.uscc: e.pk for e in existing.values()}
    ids.update({e.uscc: e.pk for e in new})
    missing = usccs - set(ids)
    if missing:  # SQLite and PostgreSQL both return pks from bulk_create; this is a guard
        ids.update(dict(Enterprise.objects.filter(uscc__in=missing).values_list("uscc", "pk")))
    return ids


def _apply_reports(reps: pl.DataFrame, ids: dict[str, int], batch, result, progress: Progress) -> None:
    if reps.height == 0:
        return
    missing = set(reps["uscc"].to_list()) - set(ids)
    if missing:
        ids.update(dict(Enterprise.objects.filter(uscc__in=missing).values_list("uscc", "pk")))
    cols = [f.id for f in REPORT_COLUMNS if f.id in reps.columns]
    enterprise_ids = {ids[u] for u in reps["uscc"].to_list()}
    existing = {
        (r.enterprise_id, r.year): r
        for r in _fetch(AnnualReport.objects.all(), "enterprise_id", enterprise_ids)
        if r.year in set(reps["year"].to_list())
    }
    new, changed, records = [], [], []
    total = reps.height
    for n, row in enumerate(reps.iter_rows(named=True)):
        eid = ids[row["uscc"]]
        rep = existing.get((eid, row["year"]))
        if rep is None:
            rep = AnnualReport(
                enterprise_id=eid, year=row["year"], sources={c: batch.pk for c in cols if row[c] is not None}
            )
            for c in cols:
                setattr(rep, c, to_db(c, row[c]) if row[c] is not None else _blank(c))
            new.append(rep)
        else:
            dirty = False
            for c in cols:
                if row[c] is None:
                    continue
                value = to_db(c, row[c])
                old = getattr(rep, c)
                if old != value:
                    records.append(
                        ChangeRecord(
                            enterprise_id=eid,
                            year=row["year"],
                            field=c,
                            old=shown(old),
                            new=shown(value),
                            batch=batch,
                            user=batch.user,
                        )
                    )
                    setattr(rep, c, value)
                    rep.sources[c] = batch.pk
                    dirty = True
            if dirty:
                changed.append(rep)
            else:
                result.reports.unchanged += 1
        if n % 5000 == 0:
            progress(n / total * 0.5)
    for i, part in enumerate(_chunks(new)):
        AnnualReport.objects.bulk_create(part)
        progress(0.5 + 0.5 * min(1.0, (i + 1) * BATCH_SIZE / max(1, len(new))))
    if changed:
        AnnualReport.objects.bulk_update(changed, [*cols, "sources", "updated"], batch_size=500)
    ChangeRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
    result.reports.created += len(new)
    result.reports.updated += len(changed)
    result.changes += len(records)


def _apply_qualifications(quals: pl.DataFrame, ids: dict[str, int], batch, result) -> None:
    if quals.height == 0:
        return
    missing = set(quals["uscc"].to_list()) - set(ids)
    if missing:
        ids.update(dict(Enterprise.objects.filter(uscc__in=missing).values_list("uscc", "pk")))
    existing = {
        (q.enterprise_id, q.kind, q.valid_from): q
        for q in _fetch(
            Qualification.objects.all(), "enterprise_id", {ids[u] for u in quals["uscc"].to_list()}
        )
    }
    new, changed = [], []
    for row in quals.iter_rows(named=True):
        key = (ids[row["uscc"]], row["kind"], row["valid_from"])
        cert = row.get("certificate_no") or ""
        q = existing.get(key)
        if q is None:
            new.append(
                Qualification(
                    enterprise_id=key[0],
                    kind=row["kind"],
                    valid_from=row["valid_from"],
                    valid_to=row["valid_to"],
                    certificate_no=cert,
                    batch=batch,
                )
            )
        elif (q.valid_to, q.certificate_no) != (row["valid_to"], cert or q.certificate_no):
            q.valid_to, q.certificate_no, q.batch = row["valid_to"], cert or q.certificate_no, batch
            changed.append(q)
        else:
            result.qualifications.unchanged += 1
    Qualification.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        Qualification.objects.bulk_update(changed, ["valid_to", "certificate_no", "batch"], batch_size=500)
    result.qualifications.created += len(new)
    result.qualifications.updated += len(changed)


# --- reading the register back as frames for the engine ---------------------------------------------


def zone_dataset(zones: Iterable[Zone] | None = None, years: Iterable[int] | None = None) -> Dataset:
    """The register (optionally some zones and years) as a Dataset for the pure core."""
    from gaoxin.dataset import schema

    ent_qs = Enterprise.objects.all()
    if zones is not None:
        ent_qs = ent_qs.filter(zone__in=list(zones))
    ent_cols = [f.id for f in ENTERPRISE_COLUMNS]
    ent_rows = ent_qs.values_list("pk", "uscc", "name", "zone__code", *ent_cols)
    ent_schema = schema("enterprise")
    ents = pl.DataFrame(
        list(ent_rows),
        schema={
            "pk": pl.Int64,
            "uscc": pl.Utf8,
            "name": pl.Utf8,
            "zone": pl.Utf8,
            **{c: ent_schema[c] for c in ent_cols},
        },
        orient="row",
    ).with_columns([pl.col(c).replace("", None) for c in ent_cols if ent_schema[c] == pl.Utf8])
    rep_cols = [f.id for f in REPORT_COLUMNS]
    rep_qs = AnnualReport.objects.filter(enterprise__in=ent_qs)
    if years is not None:
        rep_qs = rep_qs.filter(year__in=list(years))
    rep_schema = schema("report")
    # Decimals become floats in the database, at the door of the scoring frames (money stays exact
    # in storage; floats live only inside the engine).
    floats = {f"f_{c}": Cast(c, FloatField()) for c in rep_cols if rep_schema[c] == pl.Float64}
    selected = [f"f_{c}" if f"f_{c}" in floats else c for c in rep_cols]
    reps = pl.DataFrame(
        list(rep_qs.annotate(**floats).values_list("enterprise__uscc", "year", *selected)),
        schema={"uscc": pl.Utf8, "year": pl.Int64, **{c: rep_schema[c] for c in rep_cols}},
        orient="row",
    ).with_columns([pl.col(c).replace("", None) for c in rep_cols if rep_schema[c] == pl.Utf8])
    q_rows = Qualification.objects.filter(enterprise__in=ent_qs).values_list(
        "enterprise__uscc", "kind", "valid_from", "valid_to", "certificate_no"
    )
    quals = pl.DataFrame(list(q_rows), schema=schema("qualification"), orient="row")
    return Dataset(ents.drop("pk"), reps, quals)
