"""Writing a validated Dataset into the register, value by value, with provenance and history.

``apply_dataset`` is the one way data enter the register (web upload, ``gaoxin import``, the demo):

- only the columns present in the input are touched, so one department's partial file updates only
  its columns;
- a new enterprise, report or qualification records the batch in ``sources`` for every value it sets;
- a changed value updates ``sources`` and leaves a ``ChangeRecord`` (old → new, batch, user, time);
- unchanged values are left alone, so re-applying the same data changes nothing.

It never commits by itself: the caller holds the transaction (a failed import leaves nothing behind).

Speed: a department file has up to a few hundred thousand rows, so nothing here runs a query per row.
Existing rows are fetched in a few large ``IN`` chunks, the differences are found in Python over
column lists, and rows are written in large chunks: new rows by ``gaoxin.web.platform.rows.insert_rows``
(COPY on PostgreSQL, a prepared ``INSERT`` elsewhere), changes by ``executemany`` of prepared ``UPDATE``
statements, values adapted by each model field's own ``get_db_prep_save``, so the stored values are
exactly what the ORM would store. The number of queries grows with the number of chunks, never with rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from django.db import connection
from django.db.models import BooleanField, FloatField, Max
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from gaoxin.data.dataset import Dataset
from gaoxin.data.dictionary import BY_ID
from gaoxin.web.platform.rows import Const, adapted, insert_rows
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
from gaoxin.web.registry.services import versions

BATCH_SIZE = 2000
WRITE_CHUNK = 5000  # rows per executemany UPDATE call
IN_CHUNK = 20000  # values per IN (...) lookup; PostgreSQL allows 65535 parameters, SQLite (≥3.32) 32766
Progress = Callable[[float], None]
_MONEY_Q = Decimal("0.0001")
_RATIO_Q = Decimal("0.00000001")
_NUMBER_Q = Decimal("1e-10")
_QUANTUM = {"money": (4, _MONEY_Q), "ratio": (8, _RATIO_Q), "number": (10, _NUMBER_Q)}


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
        return Decimal(repr(float(value))).quantize(_MONEY_Q)
    if f.type in ("ratio", "number"):
        return Decimal(repr(float(value))).quantize(_QUANTUM[f.type][1])
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


def _chunks(items: Sequence, size: int = BATCH_SIZE) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def column_values(field_id: str, series: pl.Series) -> list:
    """A frame column as the values ``to_db`` gives, computed for the whole column at once.

    Money and ratios go through Polars' shortest round-trip text of the float, which is the same
    number as Python's ``repr`` (so the same Decimal as ``to_db``), at half the cost per cell.
    """
    f = BY_ID[field_id]
    if f.type in _QUANTUM:
        q = _QUANTUM[f.type][1]
        return [None if v is None else Decimal(v).quantize(q) for v in series.cast(pl.Utf8).to_list()]
    if f.type in ("text", "enum"):
        return series.cast(pl.Utf8).to_list()
    return series.to_list()


def insert_values(field_id: str, series: pl.Series) -> list:
    """The values of a column for an INSERT: what ``column_values`` gives, as the driver receives it.

    On SQLite a Decimal reaches the database as its text (Django registers ``str`` as the adapter),
    so the text is given directly: the shortest round-trip text of the float where it has no more
    decimals than the column keeps (then it is the Decimal's text without its trailing zeros, the same
    number), and the quantized Decimal's text elsewhere. This spares two Python calls per cell.
    """
    f = BY_ID[field_id]
    if f.type not in _QUANTUM or connection.vendor != "sqlite":
        return column_values(field_id, series)
    places, q = _QUANTUM[f.type]
    text = series.cast(pl.Utf8)
    values = text.to_list()
    for i in text.str.contains(rf"[eE]|\.\d{{{places + 1},}}").fill_null(False).arg_true().to_list():
        values[i] = str(Decimal(values[i]).quantize(q))
    return values


# --- writing rows: values adapted by the model's own fields (gaoxin.web.platform.rows) ------------


def _update(model, attnames: Sequence[str], rows: list[Sequence]) -> None:
    """UPDATE the given columns of each row; a row is (value per attname…, pk)."""
    if not rows:
        return
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[a] for a in attnames]
    columns = list(zip(*rows, strict=True))
    data = [adapted(f, list(col)) for f, col in zip(fields, columns[:-1], strict=True)]
    data.append(columns[-1])
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET {', '.join(f'{qn(f.column)} = %s' for f in fields)} "
        f"WHERE {qn(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(list(zip(*data, strict=True)), WRITE_CHUNK):
            cursor.executemany(sql, chunk)


def _fetch(qs, key: str, values: Iterable, size: int = IN_CHUNK) -> list:
    """Rows of ``qs`` whose column ``key`` is in ``values``, a few large chunks at a time.

    The IN list is raw SQL (values are parameters): Django's ``__in`` lookup prepares every value one
    by one, which costs more than the query itself for tens of thousands of keys.
    """
    qn = connection.ops.quote_name
    opts = qs.model._meta
    column = f"{qn(opts.db_table)}.{qn(opts.get_field(key).column)}"
    out = []
    for part in _chunks(sorted(set(values)), size):
        sql = f"{column} IN ({', '.join(['%s'] * len(part))})"
        out.extend(qs.filter(RawSQL(sql, part, output_field=BooleanField())))
    return out


# --- applying a dataset ---------------------------------------------------------------------------


def apply_dataset(
    dataset: Dataset, batch: ImportBatch, *, allowed_zones: dict[str, Zone], progress: Progress | None = None
) -> ApplyResult:
    """Upsert ``dataset`` into the register as ``batch`` (see the module docstring).

    ``allowed_zones`` maps the zone codes this user may write to onto zones; a row naming any other
    zone, or a report for an enterprise that exists nowhere, refuses the whole dataset.
    """
    progress = progress or (lambda _: None)
    _lock_zones(allowed_zones)
    result = ApplyResult()
    ents = dataset.enterprises
    reps = dataset.reports
    quals = dataset.qualifications
    usccs = set(ents["uscc"].to_list()) | set(reps["uscc"].to_list()) | set(quals["uscc"].to_list())
    cols = [f.id for f in ENTERPRISE_COLUMNS if f.id in ents.columns]
    existing = {
        e["uscc"]: e
        for e in _fetch(
            Enterprise.objects.values("pk", "uscc", "zone_id", "name", "sources", *cols), "uscc", usccs
        )
    }
    _check_zones(ents, reps, quals, existing, allowed_zones)
    progress(0.05)
    now = timezone.now()
    ids = _apply_enterprises(ents, existing, batch, allowed_zones, result, now)
    progress(0.25)
    before = {e["pk"] for e in existing.values()}  # only these can have reports already
    _apply_reports(reps, ids, before, batch, result, now, lambda f: progress(0.25 + 0.7 * f))
    _apply_qualifications(quals, ids, batch, result)
    # The register moved: the zones written to, and those of the firms read (a firm may have left one).
    versions.bump([z.pk for z in allowed_zones.values()] + [e["zone_id"] for e in existing.values()])
    progress(1.0)
    return result


def _lock_zones(allowed_zones: dict[str, Zone]) -> None:
    """One apply at a time per zone: the zones' rows are locked (in id order, so two imports cannot
    deadlock) before the register's current values are read. Without it two concurrent imports on
    PostgreSQL both read the original value and both record the change from it, breaking the history
    chain; the second now waits, then reads what the first committed. (SQLite serialises writers
    itself; outside a transaction there is nothing to hold a lock for.)"""
    if connection.in_atomic_block and allowed_zones:
        pks = sorted(z.pk for z in allowed_zones.values())
        list(Zone.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk", flat=True))


def _check_zones(ents, reps, quals, existing, allowed_zones) -> None:
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
    for uscc in sorted(
        set(reps["uscc"].to_list()) | set(quals["uscc"].to_list()) | set(ents["uscc"].to_list())
    ):
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
        elif ent is not None and ent["zone_id"] not in allowed_ids:
            problems.append(
                {"column": "uscc", "value": uscc, "uscc": uscc, "reason": "这家企业属于其他园区，无权修改"}
            )
    if problems:
        raise ApplyError(problems)


def _change(enterprise_id: int, year: int | None, fid: str, old, new, batch) -> tuple:
    return (enterprise_id, year, fid, shown(old), shown(new), batch.pk, batch.user_id)


def _record_changes(records: list[tuple], now) -> None:
    if records:
        columns = list(zip(*records, strict=True))
        names = ("enterprise_id", "year", "field", "old", "new", "batch_id", "user_id")
        insert_rows(
            ChangeRecord,
            {**dict(zip(names, map(list, columns), strict=True)), "at": Const(now)},
            len(records),
        )


def _new_columns(part: pl.DataFrame, cols: list[str]) -> dict[str, list]:
    """Insert values of the given columns for new rows; a missing cell is the column's blank."""
    out = {}
    for c in cols:
        values = insert_values(c, part[c])
        blank = _blank(c)
        out[c] = values if blank is None else [blank if v is None else v for v in values]
    return out


def _new_sources(part: pl.DataFrame, cols: list[str], batch_id: int) -> list[dict]:
    """``sources`` of new rows: the batch for every value the row has (rows share few patterns)."""
    if not cols:
        return [{} for _ in range(part.height)]
    patterns: dict[tuple, dict] = {}
    out = []
    for mask in part.select(pl.col(c).is_not_null() for c in cols).iter_rows():
        d = patterns.get(mask)
        if d is None:
            d = patterns[mask] = {c: batch_id for c, present in zip(cols, mask, strict=True) if present}
        out.append(d)
    return out


def _compare(part: pl.DataFrame, olds: list[dict], cols: list[str], batch, key, on_zone=None):
    """Differences between the rows of ``part`` and their stored versions ``olds`` (same order).

    Yields (old row, [(attname, new value)], new sources, [change records]) for changed rows and
    None for unchanged ones. An empty cell never erases a value another department reported.
    """
    values = {c: column_values(c, part[c]) for c in cols if c != "zone"}
    zones = part["zone"].to_list() if "zone" in cols else None
    for i, old in enumerate(olds):
        changed, records, sources = [], [], None
        eid, year = key(old)
        for c in cols:
            if c == "zone":
                v = zones[i]
                if v is None:
                    continue
                change = on_zone(old, v)
                if change is None:
                    continue
                changed.append(("zone_id", change[0]))
                records.append(_change(eid, year, "zone", change[1], v, batch))
            else:
                v = values[c][i]
                if v is None or old[c] == v:
                    continue
                changed.append((c, v))
                records.append(_change(eid, year, c, old[c], v, batch))
            sources = sources or dict(old["sources"] or {})
            sources[c] = batch.pk
        yield (old, changed, sources, records) if changed else None


def _apply_enterprises(
    ents: pl.DataFrame, existing: dict, batch, allowed_zones, result, now
) -> dict[str, int]:
    ids = {u: e["pk"] for u, e in existing.items()}
    if ents.height == 0:
        return ids
    cols = [f.id for f in ENTERPRISE_COLUMNS if f.id in ents.columns]
    written = [*(c for c in ("name", "zone") if c in ents.columns), *cols]
    usccs = ents["uscc"].to_list()
    old_idx = [i for i, u in enumerate(usccs) if u in existing]
    new_idx = [i for i, u in enumerate(usccs) if u not in existing] if old_idx else list(range(len(usccs)))
    zone_pk = {code: z.pk for code, z in allowed_zones.items()}
    updates: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    records: list[tuple] = []
    if old_idx:
        zone_code = dict(Zone.objects.values_list("pk", "code"))

        def on_zone(old, code):
            pk = zone_pk[code]
            return None if pk == old["zone_id"] else (pk, zone_code.get(old["zone_id"]))

        olds = [existing[usccs[i]] for i in old_idx]
        for diff in _compare(ents[old_idx], olds, written, batch, lambda e: (e["pk"], None), on_zone):
            if diff is None:
                result.enterprises.unchanged += 1
                continue
            old, changed, sources, recs = diff
            updates[tuple(a for a, _ in changed)].append((*(v for _, v in changed), sources, now, old["pk"]))
            records.extend(recs)
    if new_idx:
        part = ents[new_idx]
        columns: dict = {
            "uscc": part["uscc"].to_list(),
            "name": part["name"].to_list(),
            "zone_id": [zone_pk[z] for z in part["zone"].to_list()],
            "sources": _new_sources(part, written, batch.pk),
            "created": Const(now),
            "updated": Const(now),
            **_new_columns(part, cols),
        }
        max_before = Enterprise.objects.aggregate(m=Max("pk"))["m"] or 0
        insert_rows(Enterprise, columns, len(new_idx))
        created = set(columns["uscc"])
        for uscc, pk in Enterprise.objects.filter(pk__gt=max_before).values_list("uscc", "pk").iterator(5000):
            if uscc in created:
                ids[uscc] = pk
    for key, rows in updates.items():
        _update(Enterprise, [*key, "sources", "updated"], rows)
    _record_changes(records, now)
    result.enterprises.created += len(new_idx)
    result.enterprises.updated += sum(len(r) for r in updates.values())
    result.changes += len(records)
    return ids


def _apply_reports(
    reps: pl.DataFrame, ids: dict[str, int], before: set[int], batch, result, now, progress: Progress
) -> None:
    if reps.height == 0:
        return
    cols = [f.id for f in REPORT_COLUMNS if f.id in reps.columns]
    years = reps["year"].to_list()
    eids = [ids[u] for u in reps["uscc"].to_list()]
    existing = {}
    known = before.intersection(eids)
    if known:
        qs = AnnualReport.objects.filter(year__in=sorted(set(years))).values(
            "pk", "enterprise_id", "year", "sources", *cols
        )
        existing = {(r["enterprise_id"], r["year"]): r for r in _fetch(qs, "enterprise_id", known)}
    keys = list(zip(eids, years, strict=True))
    old_idx = [i for i, k in enumerate(keys) if k in existing] if existing else []
    new_idx = [i for i, k in enumerate(keys) if k not in existing] if existing else list(range(len(keys)))
    updates: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    records: list[tuple] = []
    if old_idx:
        olds = [existing[keys[i]] for i in old_idx]
        for diff in _compare(reps[old_idx], olds, cols, batch, lambda r: (r["enterprise_id"], r["year"])):
            if diff is None:
                result.reports.unchanged += 1
                continue
            old, changed, sources, recs = diff
            updates[tuple(a for a, _ in changed)].append((*(v for _, v in changed), sources, now, old["pk"]))
            records.extend(recs)
    progress(0.2)
    if new_idx:
        part = reps[new_idx]
        columns: dict = {
            "enterprise_id": [eids[i] for i in new_idx],
            "year": part["year"].to_list(),
            "sources": _new_sources(part, cols, batch.pk),
            "updated": Const(now),
            **_new_columns(part, cols),
        }
        insert_rows(AnnualReport, columns, len(new_idx), lambda f: progress(0.2 + 0.7 * f))
    for key, rows in updates.items():
        _update(AnnualReport, [*key, "sources", "updated"], rows)
    _record_changes(records, now)
    progress(1.0)
    result.reports.created += len(new_idx)
    result.reports.updated += sum(len(r) for r in updates.values())
    result.changes += len(records)


def _apply_qualifications(quals: pl.DataFrame, ids: dict[str, int], batch, result) -> None:
    if quals.height == 0:
        return
    eids = [ids[u] for u in quals["uscc"].to_list()]
    kinds = quals["kind"].to_list()
    starts = quals["valid_from"].to_list()
    ends = quals["valid_to"].to_list()
    certs = quals["certificate_no"].to_list() if "certificate_no" in quals.columns else [None] * quals.height
    rows: dict[tuple, tuple] = {}
    for key, end, cert in zip(zip(eids, kinds, starts, strict=True), ends, certs, strict=True):
        rows[key] = (end, cert or "")  # the same qualification twice in a file: the later row wins
    existing = {
        (q["enterprise_id"], q["kind"], q["valid_from"]): q
        for q in _fetch(
            Qualification.objects.values(
                "pk", "enterprise_id", "kind", "valid_from", "valid_to", "certificate_no"
            ),
            "enterprise_id",
            eids,
        )
    }
    new, changed = [], []
    for key, (end, cert) in rows.items():
        q = existing.get(key)
        if q is None:
            new.append((*key, end, cert))
        elif (q["valid_to"], q["certificate_no"]) != (end, cert or q["certificate_no"]):
            changed.append((end, cert or q["certificate_no"], batch.pk, q["pk"]))
        else:
            result.qualifications.unchanged += 1
    if new:
        columns = list(zip(*new, strict=True))
        names = ("enterprise_id", "kind", "valid_from", "valid_to", "certificate_no")
        insert_rows(
            Qualification,
            {**dict(zip(names, map(list, columns), strict=True)), "batch_id": Const(batch.pk)},
            len(new),
        )
    _update(Qualification, ["valid_to", "certificate_no", "batch_id"], changed)
    result.qualifications.created += len(new)
    result.qualifications.updated += len(changed)


# --- values another app computes or receives (green figures, department facts) -----------------------


def apply_report_values(
    zone: Zone, rows: Iterable[dict], *, file_name: str, department: str, user=None
) -> ImportBatch | None:
    """Write report values an app computed or a department supplied (rows of ``uscc``, ``year`` and
    dictionary fields) into the register as one batch, through ``apply_dataset``: each value gets the
    batch as its source, each change a ``ChangeRecord``, an empty value erases nothing. Returns the
    batch, or None when nothing was new or changed (then no batch is kept). Does not commit."""
    import hashlib

    from gaoxin.data.dataset import schema

    rows = list(rows)
    if not rows:
        return None
    rep_schema = schema("report")
    names = list(dict.fromkeys(k for r in rows for k in r))
    unknown = [n for n in names if n not in rep_schema and n != "uscc"]
    if unknown:
        raise ValueError(f"not annual-report fields of the dictionary: {', '.join(unknown)}")
    cols = {"uscc": pl.Utf8(), **{n: rep_schema[n] for n in names if n != "uscc"}}
    reports = pl.DataFrame(
        [{n: r.get(n) for n in cols} for r in rows], schema=cols, orient="row", strict=False
    ).sort("uscc", "year")
    digest = hashlib.sha256(f"{department}\0{file_name}\0".encode() + reports.write_csv().encode())
    batch = ImportBatch.objects.create(
        zone=zone,
        file_name=file_name[:255],
        sha256=digest.hexdigest(),
        department=department[:100],
        user=user if getattr(user, "pk", None) else None,
        rows=reports.height,
    )
    result = apply_dataset(Dataset(reports=reports), batch, allowed_zones={zone.code: zone})
    if not result.changes and not result.reports.created and not result.reports.updated:
        batch.delete()
        return None
    batch.status = ImportBatch.Status.APPLIED
    batch.counts = result.as_dict()
    batch.save()
    return batch


# --- reading the register back as frames for the engine ---------------------------------------------


def _frame(qs, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a ``values_list`` queryset as a typed frame, straight from the driver.

    Django's per-row converters (one Python call per cell) are skipped: the queryset's own SQL runs on
    a plain cursor and Polars types the columns. The drivers differ only in dates (SQLite: ISO text,
    PostgreSQL: dates) and booleans (SQLite: 0/1); both are normalised here. Decimals are cast to
    floats in the query itself, so none reach this point.
    """
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = list(schema)
    if not rows:
        return pl.DataFrame(schema=schema)
    raw = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    columns = []
    for name, dtype in schema.items():
        col = raw[name]
        if dtype == pl.Date and col.dtype == pl.Utf8:
            col = col.str.slice(0, 10).str.to_date("%Y-%m-%d")
        columns.append(col.cast(dtype))
    return pl.DataFrame(columns)


def zone_dataset(zones: Iterable[Zone] | None = None, years: Iterable[int] | None = None) -> Dataset:
    """The register (optionally some zones and years) as a Dataset for the pure core.

    Rows come in the order of their keys (uscc, year; kind, valid_from), never in whatever order the
    database happens to return them, so the engine always sees the same frames for the same data.
    """
    from gaoxin.data.dataset import schema

    ent_qs = Enterprise.objects.all()
    if zones is not None:
        ent_qs = ent_qs.filter(zone__in=list(zones))
    ent_cols = [f.id for f in ENTERPRISE_COLUMNS]
    ent_schema = schema("enterprise")
    ents = _frame(
        ent_qs.order_by("uscc").values_list("uscc", "name", "zone__code", *ent_cols),
        {"uscc": pl.Utf8, "name": pl.Utf8, "zone": pl.Utf8, **{c: ent_schema[c] for c in ent_cols}},
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
    reps = _frame(
        rep_qs.annotate(**floats)
        .order_by("enterprise__uscc", "year")
        .values_list("enterprise__uscc", "year", *selected),
        {"uscc": pl.Utf8, "year": pl.Int64, **{c: rep_schema[c] for c in rep_cols}},
    ).with_columns([pl.col(c).replace("", None) for c in rep_cols if rep_schema[c] == pl.Utf8])
    quals = _frame(
        Qualification.objects.filter(enterprise__in=ent_qs)
        .order_by("enterprise__uscc", "kind", "valid_from")
        .values_list("enterprise__uscc", "kind", "valid_from", "valid_to", "certificate_no"),
        schema("qualification"),
    )
    return Dataset(ents, reps, quals)
