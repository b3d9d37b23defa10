"""The benchmark app's business operations: views and the API call these; they never commit.

- Facts: ``compute_from_registry`` (the facts the registry's firms give, each with its source),
  ``import_facts`` (the zone's 火炬统计 return from the xlsx template; atomic: a file with an error
  changes nothing), ``export_facts`` / ``template``.
- Peer tables: ``import_peers`` (a national peer table, platform administrator).
- ``benchmark``: the zone model (``zone-eval-2021``) scored over every zone on the platform with facts
  for the year plus, when chosen, an imported peer table; the zone's rank overall and per dimension
  against a peer set, its rank interval (Monte Carlo over the weights, seeded: the same numbers on every
  view), the gap per indicator. The scoring reads every zone's facts (normalisation is over all zones
  compared), but what a zone's staff are shown of the others is aggregates only: ranks, the peer
  median and the best score; the ranking by name is the platform administrator's.
- ``contributions_for``: which of the zone's firms add most to an indicator the registry computes.
  Information, never a lever: every in-scope firm always counts (统计法); nothing here drops one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.benchmark import contributions as contrib
from gaoxin.benchmark.facts import COMPUTED, firm_parts, source_line, zone_facts
from gaoxin.benchmark.gaps import Gap, gaps
from gaoxin.benchmark.peers import PeerError, PeerSet, Standing, peer_set, standings, with_attributes
from gaoxin.io.problems import ERROR, Problem, msg
from gaoxin.io.tables import Column, Sheet, to_bytes
from gaoxin.io.tables import template as empty_template
from gaoxin.io.units import read_units, unit_template_headers
from gaoxin.scoring import load_model
from gaoxin.scoring import uncertainty as mc
from gaoxin.scoring.engine import score
from gaoxin.scoring.model import Model
from gaoxin.web.accounts.scoping import visible
from gaoxin.web.benchmark.models import FactsImport, PeerTable, ZoneFacts
from gaoxin.web.platform.bulk import new_record, sha256
from gaoxin.web.platform.caching import remember
from gaoxin.web.platform.labels import label
from gaoxin.web.registry.models import Enterprise, Zone
from gaoxin.web.registry.services import zone_dataset

MODEL_ID = "zone-eval-2021"
SAMPLES = 1000  # weightings of the rank interval
NOISE = 0.25  # each weight × U(0.75, 1.25)
SEED = 0  # fixed: a page shows the same interval every time

R_NO_YEAR = msg(
    "缺少年度列（园区数据须按年度导入）", "the year column is missing (zone facts are imported by year)"
)
R_NOT_YOURS = msg(
    "不是本账号可导入的园区编码（须为平台上的园区，园区用户只能导入本园区）",
    "not a zone code this account may import (a zone on the platform; zone staff: their own zone only)",
)


@lru_cache(maxsize=1)
def zone_model() -> Model:
    return load_model(MODEL_ID)


def number_fields(model: Model | None = None) -> list:
    return [f for f in (model or zone_model()).fields if f.type == "number"]


# --- facts -------------------------------------------------------------------------------------------


def _stamp(user) -> tuple[str, str]:
    """Who imported, and when."""
    return getattr(user, "username", "") or "—", timezone.localtime().strftime("%Y-%m-%d %H:%M")


def compute_from_registry(zone: Zone, year: int, user) -> list[ZoneFacts]:
    """The registry-computable facts of ``zone`` for ``year`` and the year before (growth indicators
    read it), each with its source; values imported for other fields are kept."""
    years = [year - 1, year]
    data = zone_dataset([zone], years)
    facts = zone_facts(data, years)
    out = []
    for y in years:
        rows = facts.filter((pl.col("id") == zone.code) & (pl.col("year") == y)) if facts.height else facts
        if not rows.height:
            continue
        row = rows.row(0, named=True)
        obj, _created = ZoneFacts.objects.get_or_create(zone=zone, year=y)
        for f in COMPUTED:
            if row[f] is None:
                continue
            obj.values[f] = round(float(row[f]), 6)
            line = source_line(f, row[f"n:{f}"], row["firms"], y)
            obj.sources[f], obj.sources_en[f] = line.zh, line.en
        obj.updated_by = user if getattr(user, "is_authenticated", False) else None
        obj.save()
        out.append(obj)
    return out


def columns(model: Model) -> list[Column]:
    heads = unit_template_headers(model)
    cols = [Column("id", heads[0], "code", required=True), Column("name", heads[1], "name", required=True)]
    cols.append(Column("year", heads[2], "year", "int", required=True))
    for f, head in zip(model.fields, heads[3:], strict=True):
        cols.append(Column(f.id, head, f.name.en or f.id, "text" if f.type == "text" else "decimal"))
    return cols


def template() -> bytes:
    """The empty 火炬统计-style template: Chinese headers with units."""
    return empty_template(columns(zone_model()), "园区指标")


def export_facts(facts) -> bytes:
    """``facts`` (ZoneFacts rows the caller may see) as the template, filled: a round trip."""
    rows = [{"id": f.zone.code, "name": f.zone.name, "year": f.year, **f.values} for f in facts]
    sources = [
        {"id": f.zone.code, "year": f.year, "field": k, "source": v}
        for f in facts
        for k, v in sorted(f.sources.items())
    ]
    src_cols = [
        Column("id", "编码", "code"),
        Column("year", "年度", "year", "int"),
        Column("field", "指标字段", "field"),
        Column("source", "来源", "source", width=60),
    ]
    return to_bytes([Sheet("园区指标", columns(zone_model()), rows), Sheet("来源", src_cols, sources)])


def _problem(file: str, column: str, value: str | None, reason: str) -> Problem:
    from gaoxin.io.problems import EN

    return Problem(file, None, column, value, reason, None, ERROR, EN.get(reason, ""))


def _read(data: bytes, file_name: str):
    """(the zone model, the file read against its fields, the problems) — a file without a 年度
    column is one more problem."""
    model = zone_model()
    read = read_units(file_name, model, data=data, name=file_name)
    problems = list(read.problems)
    if read.frame is not None and "year" not in read.frame.columns:
        problems.append(_problem(file_name, "年度", None, R_NO_YEAR))
    return model, read, problems


def import_facts(
    data: bytes, file_name: str, user, allowed: dict[str, Zone], zone: Zone | None = None
) -> FactsImport:
    """The zone facts of an xlsx/CSV in the template; ``allowed``: zone code → zone the user may write;
    ``zone``: the zone the upload is recorded under (default: the file's only zone, if it has one).

    Every bad cell is reported; with any error nothing changes. A non-empty cell sets its field (with
    the file as its source); an empty cell leaves the field as it was."""
    model, read, problems = _read(data, file_name)
    frame = read.frame
    if frame is not None and "year" in frame.columns:
        for code in frame["id"].unique(maintain_order=True).to_list():
            if code not in allowed:
                problems.append(_problem(file_name, "编码", code, R_NOT_YOURS))
    if zone is None and frame is not None:
        named = {allowed[c].pk: allowed[c] for c in frame["id"].to_list() if c in allowed}
        zone = next(iter(named.values())) if len(named) == 1 else None
    record = _record(FactsImport.Kind.FACTS, zone, data, file_name, read.rows, problems, user)
    if record.applied and frame is not None:
        created = updated = 0
        who, when = _stamp(user)
        source, source_en = f"导入：{file_name}（{who}，{when}）", f"Imported: {file_name} ({who}, {when})"
        for row in frame.iter_rows(named=True):
            obj, new = ZoneFacts.objects.get_or_create(zone=allowed[row["id"]], year=row["year"])
            created += new
            updated += not new
            for f in model.fields:
                v = row.get(f.id)
                if v is None:
                    continue
                obj.values[f.id] = v
                obj.sources[f.id], obj.sources_en[f.id] = source, source_en
            obj.updated_by = user if getattr(user, "is_authenticated", False) else None
            obj.save()
        record.counts = {"created": created, "updated": updated}
    record.save()
    return record


def _record(kind: str, zone, data: bytes, file_name: str, rows: int, problems: list, user) -> FactsImport:
    """The import record of a file (``platform.bulk.new_record``: applied when it has no error)."""
    return new_record(
        FactsImport,
        zone=zone,
        kind=kind,
        data=data,
        file_name=file_name,
        rows=rows,
        problems=problems,
        user=user,
    )


def import_peers(data: bytes, file_name: str, title: str, user) -> tuple[FactsImport, PeerTable | None]:
    """A national peer table (every zone's facts, by year), kept as imported."""
    _model, read, problems = _read(data, file_name)
    frame = read.frame
    record = _record(FactsImport.Kind.PEERS, None, data, file_name, read.rows, problems, user)
    table = None
    if record.applied and frame is not None:
        rows = [{k: v for k, v in r.items() if v is not None} for r in frame.iter_rows(named=True)]
        table = PeerTable.objects.create(
            title=(title or file_name)[:200],
            file_name=file_name[:255],
            sha256=sha256(data),
            years=sorted({r["year"] for r in rows}),
            rows=rows,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        record.counts = {"created": len({r["id"] for r in rows})}
    record.save()
    return record, table


# --- benchmarking ------------------------------------------------------------------------------------


def unit_table(year: int, table: PeerTable | None = None) -> pl.DataFrame:
    """Every platform zone's facts for ``year`` and the year before, plus the peer table's rows for
    them (a peer whose code is a platform zone's is left out: the platform's own facts prevail)."""
    return _unit_frame(_platform_rows(year), year, table)


def _platform_rows(year: int) -> list[dict]:
    """The platform zones' facts for ``year`` and the year before, as ``unit_table`` reads them."""
    rows = []
    for f in (
        ZoneFacts.objects.filter(year__in=[year - 1, year])
        .select_related("zone")
        .order_by("zone__code", "year")
    ):
        rows.append(
            {"id": f.zone.code, "name": f.zone.name, "year": f.year, "source": "platform", **f.values}
        )
    return rows


def _unit_frame(platform_rows: list[dict], year: int, table: PeerTable | None) -> pl.DataFrame:
    model = zone_model()
    rows = list(platform_rows)
    codes = {r["id"] for r in rows}
    if table is not None:
        for r in table.rows:
            if r.get("year") in (year - 1, year) and r.get("id") not in codes:
                rows.append({**r, "source": "peers"})
    schema: dict[str, pl.DataType] = {
        "id": pl.Utf8(),
        "name": pl.Utf8(),
        "year": pl.Int64(),
        "source": pl.Utf8(),
    }
    for f in model.fields:
        schema[f.id] = pl.Utf8() if f.type == "text" else pl.Float64()
    clean = []
    for r in rows:
        out = {}
        for k, dtype in schema.items():
            v = r.get(k)
            if v is not None and dtype == pl.Float64():
                try:
                    v = float(v)
                except (TypeError, ValueError):
                    v = None
            out[k] = v
        clean.append(out)
    return pl.DataFrame(clean, schema=schema, orient="row")


@dataclass
class Interval:
    rank: int
    of: int
    median: int
    p05: int
    p95: int
    total: float
    total_p05: float
    total_p95: float


@dataclass
class Bench:
    zone: Zone
    year: int
    peers: PeerSet
    standings: list[Standing]
    gaps: list[Gap]
    interval: Interval
    scored: int  # zones scored together
    from_table: int  # of which from the peer table
    table: PeerTable | None
    samples: int = SAMPLES
    noise: float = NOISE
    seed: int = SEED
    ranking: list[dict] = field(default_factory=list)  # every zone by name: platform administrator only
    drivers: list[dict] = field(default_factory=list)  # leave-one-out: the indicators that move ranks most
    notes: list[str] = field(default_factory=list)


class NoFacts(LookupError):
    pass


def _names(model: Model) -> dict[str, str]:
    """The overall score's, every category's and every indicator's name in the reader's language (the
    core's standings, gaps and drivers carry the Chinese names)."""
    return (
        {"total": _("Overall score")}
        | {c.id: label(c.name) for c in model.categories}
        | {i.id: label(i.name) for i in model.all_indicators}
    )


def benchmark(
    zone: Zone,
    year: int,
    kind: str = "all",
    top: int = 30,
    named: str | None = None,
    table: PeerTable | None = None,
    full: bool = False,
    named_zones: set[str] | frozenset[str] | None = frozenset(),
) -> Bench:
    """The zone's standing for ``year`` (``full``: with the ranking; ``named_zones``: the platform
    zones shown there by name — None: all; the others' names are withheld; peer-table zones, whose
    figures are published, are always named).

    Raises ``NoFacts`` when the zone has no facts for the year, ``PeerError`` for a bad peer set.

    The result is a function of its arguments, the platform's facts for the two years, the peer table
    and the reader's language: it is kept in the cache under a digest of all of them (the facts read
    as they are, one query), so a request after the first scores nothing and simulates nothing, and an
    import of facts or of a peer table (a new table is a new id) makes a new key."""
    from django.utils.translation import get_language

    model = zone_model()
    rows = _platform_rows(year)
    names = None if named_zones is None else sorted(named_zones)
    peers_of = (table.pk, table.sha256, table.created.isoformat()) if table is not None else None
    args = [zone.pk, zone.code, year, kind, top, named, full, names, peers_of, get_language()]
    found = remember(
        "benchmark",
        [model.id, model.version, model.sha256, *args, rows],
        lambda: _benchmark(model, rows, zone, year, kind, top, named, table, full, named_zones),
    )
    return replace(found, zone=zone, table=table)  # the caller's instances, not the cached copies


def _benchmark(
    model: Model,
    rows: list[dict],
    zone: Zone,
    year: int,
    kind: str,
    top: int,
    named: str | None,
    table: PeerTable | None,
    full: bool,
    named_zones: set[str] | frozenset[str] | None,
) -> Bench:
    units = _unit_frame(rows, year, table)
    current = units.filter(pl.col("year") == year)
    if zone.code not in current["id"].to_list():
        raise NoFacts(zone.code)
    published = named is not None and (
        current.filter((pl.col("id") == named) & (pl.col("source") == "peers")).height > 0
    )
    if (
        kind == "named"
        and named is not None
        and not published
        and named_zones is not None
        and named not in named_zones
    ):
        # a 标杆 is a zone of the imported (published) peer table, or a platform zone the user may see:
        # zone staff never see another platform zone's own figures
        raise PeerError(f"the benchmark zone {named!r} is not in the peer table")
    result = score(model, units.drop("source"), year, keep_values=True)
    scored = with_attributes(result.frame, units, year)
    scored = scored.join(current.select("id", "source"), on="id", how="left")
    peers = peer_set(scored, zone.code, kind, top, named)
    peers = replace(peers, label=peer_label(peers, scored, zone.code, top))
    unc = mc.analyse(model, result.values, SAMPLES, NOISE, SEED)
    loo = mc.leave_one_out(model, result.values).head(10)
    widest = max([r["mean_shift"] for r in loo.iter_rows(named=True)] + [1e-9])
    drivers = [{**r, "width": round(100.0 * r["mean_shift"] / widest, 1)} for r in loo.iter_rows(named=True)]
    joined = mc.attach(scored, unc, "id")
    mine = joined.filter(pl.col("id") == zone.code).row(0, named=True)
    interval = Interval(
        rank=mine["rank"],
        of=joined.height,
        median=mine["rank_median"],
        p05=mine["rank_p05"],
        p95=mine["rank_p95"],
        total=mine["total"],
        total_p05=mine["total_p05"],
        total_p95=mine["total_p95"],
    )
    ranking = []
    if full:
        dims = [c.id for c in model.top_categories]
        for r in joined.sort(["rank", "id"]).iter_rows(named=True):
            hidden = r["source"] == "platform" and named_zones is not None and r["id"] not in named_zones
            ranking.append(
                {
                    "id": "" if hidden else r["id"],
                    "name": _("(another zone)") if hidden else r["name"],
                    "province": r.get("province"),
                    "source": r["source"],
                    "total": r["total"],
                    "rank": r["rank"],
                    "p05": r["rank_p05"],
                    "p95": r["rank_p95"],
                    "dims": [r[f"cat:{d}"] for d in dims],
                    "me": r["id"] == zone.code,
                }
            )
    names = _names(model)
    return Bench(
        zone=zone,
        year=year,
        peers=peers,
        standings=[
            replace(s, name=names.get(s.dimension, s.name))
            for s in standings(scored, model, zone.code, peers)
        ],
        gaps=[replace(g, name=names.get(g.indicator, g.name)) for g in gaps(scored, model, zone.code, peers)],
        interval=interval,
        scored=joined.height,
        from_table=joined.filter(pl.col("source") == "peers").height,
        table=table,
        ranking=ranking,
        drivers=[{**d, "name": names.get(d["indicator"], d["name"])} for d in drivers],
        notes=list(result.notes),
    )


@dataclass
class WhatIf:
    field: str
    name: str
    before: float | None
    after: float
    total_before: float
    total_after: float
    rank_before: int
    rank_after: int
    of: int


def what_if(zone: Zone, year: int, field_id: str, value: float, table: PeerTable | None = None) -> WhatIf:
    """The zone's total and rank if one of its facts for ``year`` were ``value`` (every other zone as
    it is; normalisation over all of them, as in the real evaluation). What-ifs change values, never
    which firms or zones count."""
    model = zone_model()
    fields = {f.id: f for f in number_fields(model)}
    if field_id not in fields:
        raise KeyError(field_id)
    units = unit_table(year, table).drop("source")
    mine = (pl.col("id") == zone.code) & (pl.col("year") == year)
    if units.filter(mine).height == 0:
        raise NoFacts(zone.code)
    changed = units.with_columns(
        pl.when(mine).then(pl.lit(float(value))).otherwise(pl.col(field_id)).alias(field_id)
    )
    before = score(model, units, year).frame.filter(pl.col("id") == zone.code).row(0, named=True)
    after = score(model, changed, year).frame.filter(pl.col("id") == zone.code).row(0, named=True)
    current = units.filter(mine)[field_id][0]
    return WhatIf(
        field_id,
        label(fields[field_id].name),
        current,
        float(value),
        before["total"],
        after["total"],
        before["rank"],
        after["rank"],
        units.filter(pl.col("year") == year).height,
    )


def range_bar(p05: int, p95: int, rank: int, of: int) -> dict:
    """Positions (percent of the width) of a rank interval bar: rank 1 at the left."""
    span = max(of - 1, 1)
    left = 100.0 * (p05 - 1) / span
    width = max(100.0 * (p95 - p05) / span, 1.0)
    return {
        "left": round(left, 1),
        "width": round(min(width, 100 - left), 1),
        "at": round(100.0 * (rank - 1) / span, 1),
    }


def peer_choices(table: PeerTable | None, year: int) -> list[tuple[str, str]]:
    """The zones of the peer table for ``year`` that may be named as the 标杆 (code, name)."""
    if table is None:
        return []
    return sorted({(r["id"], r.get("name", r["id"])) for r in table.rows if r.get("year") == year})


def computable_indicators() -> list:
    return contrib.computable(zone_model())


def contributions_for(zone: Zone, year: int, indicator_id: str, limit: int = 10, viewer=None) -> dict:
    """The firms of ``zone`` that add most to (and take most from) an indicator the registry computes.

    With ``viewer``, a firm it may not read one by one (a supervisor of a zone whose rule keeps firms'
    details inside the zone: ``scoping.visible``) is shown without its name or link: the contribution
    counts, the firm stays anonymous."""
    model = zone_model()
    ind = model.indicator(indicator_id)
    if ind not in computable_indicators():
        raise KeyError(indicator_id)
    data = zone_dataset([zone], [year - 1, year])
    parts = firm_parts(data, year).filter(pl.col("zone") == zone.code)
    prev = firm_parts(data, year - 1).filter(pl.col("zone") == zone.code)
    frame = contrib.contributions(model, indicator_id, parts, prev)
    firms = Enterprise.objects if viewer is None else visible(viewer, Enterprise)
    ids = dict(firms.filter(zone=zone, uscc__in=frame["uscc"].to_list()).values_list("uscc", "pk"))
    hidden = {"name": _("A firm of the zone (details not open to you)"), "uscc": ""}
    rows = [
        {**r, "pk": ids[r["uscc"]]} if r["uscc"] in ids or viewer is None else {**r, **hidden, "pk": None}
        for r in frame.iter_rows(named=True)
    ]
    known = [r for r in rows if r["contribution"] is not None]
    return {
        "indicator": ind,
        "zone_value": rows[0]["zone_value"] if rows else None,
        "firms": len(rows),
        "best": known[:limit],
        "worst": [r for r in reversed(known[-limit:]) if r["contribution"] < 0],
    }


def peer_label(peers: PeerSet, scored: pl.DataFrame, zone: str, top: int) -> str:
    """The peer set named in the reader's language (the core names it in Chinese: 全部园区 …); a
    province and a zone keep the names the data give them."""
    if peers.kind == "province":
        province = scored.filter(pl.col("id") == zone)["province"][0]
        return _("Same province (%(province)s)") % {"province": province}
    if peers.kind == "top":
        return _("Top %(n)s by overall score") % {"n": top}
    if peers.kind == "named":
        return _("Benchmark: %(name)s") % {"name": scored.filter(pl.col("id") == peers.ids[0])["name"][0]}
    return _("All zones")


def label_of_kind(kind: str, top: int) -> str:
    return {
        "all": _("All zones"),
        "province": _("Same province"),
        "top": _("Top %(n)s") % {"n": top},
        "named": _("One benchmark zone"),
    }.get(kind, kind)


def today_year() -> int:
    return dt.date.today().year
