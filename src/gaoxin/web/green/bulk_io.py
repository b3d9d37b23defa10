"""Energy data, benchmark levels and figures in and out of Excel (``gaoxin.io.tables``).

An energy workbook has up to three sheets with Chinese headers (the template has all three):

- 期间数据: a firm's period — 统一社会信用代码, 年份, 月份 (empty: the whole year), 工业总产值, 工业增加值,
  主要产品, 产品产量, 自发自用光伏电量, 绿电交易电量;
- 能源消费: one row per carrier of a firm's period — 能源品种, 实物量, 计量单位, 用途 (能源消费 / 原料用能),
  实测折标系数 (optional), 数据来源;
- 绿证: certificates held for a firm's period — 绿证张数, 来源, 证书编号.

A CSV file holds one of them (recognised by its headers). The file is read whole and checked whole —
every cell, then every reference (a firm of another zone, a carrier the zone's set does not know, a unit
of the wrong kind, serial numbers that do not match the count or are already held) — and applied only
when nothing is wrong, so a refused file changes nothing. The carriers and certificates of each firm's
period in the file replace the ones before (which are kept, marked as superseded by the new batch); the
period's amounts are updated where the file gives them. The same file imported twice is recognised by
its content hash and changes nothing. ``import_energy`` does not commit.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from gaoxin.green.certificates import Batch, SerialError, overlaps, parse_serials, serial_count
from gaoxin.green.coefficients import CoefficientSet
from gaoxin.green.units import dimension
from gaoxin.io.problems import Problem
from gaoxin.io.tables import Column, Sheet, read_table, to_bytes
from gaoxin.web.green.models import (
    Benchmark,
    CertificateHolding,
    EnergyBatch,
    EnergyRecord,
    EnergyUse,
    Figure,
)
from gaoxin.web.platform.bulk import shown_problems
from gaoxin.web.registry.models import Enterprise, Zone

PERIOD_SHEET, USE_SHEET, CERT_SHEET = "期间数据", "能源消费", "绿证"
USES = {"energy": "能源消费", "feedstock": "原料用能"}
ORIGINS = {"green_power": "随绿电交易划转", "self_pv": "自发绿电核发", "standalone": "单独购买"}

R_UNKNOWN_FIRM = "本园区登记库中没有这个统一社会信用代码"
R_MONTH = "月份应为 1–12，或留空表示全年"
R_YEAR = "年份应在 2000–2100 之间"
R_NEGATIVE = "不能为负数"
R_CARRIER = "当前折标系数集中没有这个能源品种"
R_UNIT = "计量单位与能源品种不符"
R_SERIALS = "证书编号无法识别"
R_COUNT = "绿证张数与证书编号数量不一致"
R_HELD = "证书编号已由其他企业或期间申报（不能重复计算）"
R_TWICE = "证书编号在本文件中重复出现（不能重复计算）"
R_DUPLICATE = "文件中重复出现的行（同一企业和期间）"
R_NO_SHEET = "文件中没有可识别的工作表（期间数据、能源消费、绿证）"
R_CSV = "无法判断 CSV 文件属于哪张表：请使用模板的表头"

KEY_COLUMNS = (
    Column("uscc", "统一社会信用代码", "unified social credit code", required=True, width=22),
    Column("year", "年份", "year", "int", required=True),
    Column("month", "月份", "month", "int"),
)
PERIOD_COLUMNS = (
    *KEY_COLUMNS,
    Column("output_value", "工业总产值（万元）", "industrial output value", "decimal"),
    Column("value_added", "工业增加值（万元）", "industrial value added", "decimal"),
    Column("product", "主要产品", "main product"),
    Column("product_output", "产品产量", "product output", "decimal"),
    Column("pv_self_kwh", "自发自用光伏电量（kWh）", "own PV consumed", "decimal"),
    Column("green_power_kwh", "绿电交易电量（kWh）", "green power bought", "decimal"),
)
CERT_COLUMNS = (
    *KEY_COLUMNS,
    Column("count", "绿证张数", "certificates", "int", required=True),
    Column("origin", "来源", "origin", "enum", required=True, choices=ORIGINS),
    Column("serials", "证书编号", "serial numbers", width=40),
)


def use_columns(cset: CoefficientSet) -> tuple[Column, ...]:
    carriers = {cid: c.zh for cid, c in cset.carriers.items()}
    return (
        *KEY_COLUMNS,
        Column("carrier", "能源品种", "carrier", "enum", required=True, choices=carriers),
        Column("quantity", "实物量", "quantity", "decimal", required=True),
        Column("unit", "计量单位", "unit", required=True),
        Column("use", "用途", "use", "enum", choices=USES),
        Column("kgce", "实测折标系数（kgce/单位）", "measured coefficient", "decimal"),
        Column("source", "数据来源", "source"),
    )


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    batch: EnergyBatch | None = None
    duplicate_of: EnergyBatch | None = None
    counts: dict = field(default_factory=dict)
    enterprises: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


class _Check:
    def __init__(self, name: str, out: Outcome):
        self.name, self.out = name, out

    def __call__(self, sheet, row: dict, column: str | None, value, reason: str) -> None:
        self.out.problems.append(
            Problem(self.name, row["_row"], column, None if value is None else str(value), reason, sheet)
        )


def _sheet_names(data: bytes) -> list[str] | None:
    if data[:2] != b"PK":
        return None
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except Exception:  # an unreadable workbook: read_table says so
        return []


def _key(r: dict) -> tuple[str, int, int]:
    return (str(r["uscc"]).strip().upper(), r["year"], r["month"] or 0)


def import_energy(
    zone: Zone, user, data: bytes, name: str, cset: CoefficientSet, department: str = ""
) -> Outcome:
    """Read, check and (only when nothing is wrong) apply one energy file; does not commit."""
    out = Outcome()
    sha = hashlib.sha256(data).hexdigest()
    seen = EnergyBatch.objects.filter(zone=zone, sha256=sha).first()
    if seen is not None:
        out.duplicate_of = seen
        return out
    tables = {PERIOD_SHEET: PERIOD_COLUMNS, USE_SHEET: use_columns(cset), CERT_SHEET: CERT_COLUMNS}
    names = _sheet_names(data)
    reads = {}
    if names is None:  # CSV: the table its headers name
        for title in (USE_SHEET, CERT_SHEET, PERIOD_SHEET):
            r = read_table(data, tables[title], name=name)
            if not any(p.row is None and p.is_error for p in r.problems):
                reads[title] = r
                break
        else:
            out.problems.append(Problem(name, None, None, None, R_CSV, None))
            return out
    else:
        for title in tables:
            if title in names:
                reads[title] = read_table(data, tables[title], name=name, sheet=title)
        if not reads:
            r = read_table(data, PERIOD_COLUMNS, name=name)  # unreadable file, or a sheet of another name
            out.problems += r.errors or [Problem(name, None, None, None, R_NO_SHEET, None)]
            return out
    for r in reads.values():
        out.problems += r.problems
    if any(p.row is None and p.is_error for p in out.problems):
        return out
    check = _Check(name, out)
    rows = {
        t: [x for x in r.rows if x["_row"] not in {p.row for p in r.errors if p.sheet == r.sheet}]
        for t, r in reads.items()
    }
    sheet_of = {t: r.sheet for t, r in reads.items()}
    codes = {_key(x)[0] for rs in rows.values() for x in rs}
    firms = {e.uscc: e for e in Enterprise.objects.filter(zone=zone, uscc__in=codes)}
    for t, rs in rows.items():
        for x in rs:
            code, year, _month = _key(x)
            if code not in firms:
                check(sheet_of[t], x, "统一社会信用代码", x["uscc"], R_UNKNOWN_FIRM)
            if not 2000 <= year <= 2100:
                check(sheet_of[t], x, "年份", year, R_YEAR)
            if x["month"] is not None and not 1 <= x["month"] <= 12:
                check(sheet_of[t], x, "月份", x["month"], R_MONTH)
    seen_keys = set()
    for x in rows.get(PERIOD_SHEET, []):
        k = _key(x)
        if k in seen_keys:
            check(sheet_of[PERIOD_SHEET], x, "统一社会信用代码", x["uscc"], R_DUPLICATE)
        seen_keys.add(k)
        for col in ("output_value", "value_added", "product_output", "pv_self_kwh", "green_power_kwh"):
            if x[col] is not None and x[col] < 0:
                check(
                    sheet_of[PERIOD_SHEET],
                    x,
                    dict((c.id, c.zh) for c in PERIOD_COLUMNS)[col],
                    x[col],
                    R_NEGATIVE,
                )
    for x in rows.get(USE_SHEET, []):
        c = cset.carriers.get(x["carrier"])
        if c is None:
            check(sheet_of[USE_SHEET], x, "能源品种", x["carrier"], R_CARRIER)
        elif dimension(x["unit"]) != dimension(c.unit):
            check(sheet_of[USE_SHEET], x, "计量单位", x["unit"], f"{R_UNIT}（{c.zh}应以 {c.unit} 等计量）")
        if x["quantity"] < 0:
            check(sheet_of[USE_SHEET], x, "实物量", x["quantity"], R_NEGATIVE)
        if x["kgce"] is not None and x["kgce"] < 0:
            check(sheet_of[USE_SHEET], x, "实测折标系数", x["kgce"], R_NEGATIVE)
    _check_certificates(zone, rows.get(CERT_SHEET, []), sheet_of.get(CERT_SHEET), firms, check)
    out.problems.sort(key=lambda p: (p.sheet or "", p.row or 0, p.column or ""))
    if not out.ok:
        return out
    _apply(zone, user, name, sha, department, rows, firms, out)
    return out


def _check_certificates(zone, rows, sheet, firms, check) -> None:
    batches = []
    parsed = {}
    for x in rows:
        if x["count"] < 0:
            check(sheet, x, "绿证张数", x["count"], R_NEGATIVE)
            continue
        try:
            ranges = tuple(parse_serials(x["serials"]))
        except SerialError as e:
            check(sheet, x, "证书编号", x["serials"], f"{R_SERIALS}：{e}")
            continue
        if ranges and serial_count(ranges) != x["count"]:
            check(sheet, x, "绿证张数", x["count"], f"{R_COUNT}（编号共 {serial_count(ranges)} 张）")
        parsed[x["_row"]] = ranges
        batches.append(Batch(x["count"], x["origin"], ranges, key=("file", x["_row"])))
    by_row = {x["_row"]: x for x in rows}
    for o in overlaps(batches):
        check(sheet, by_row[o.b[1]], "证书编号", str(o), R_TWICE)
    # against what is already declared (any zone): the periods this file replaces do not count
    replaced = {(firms[_key(x)[0]].pk, x["year"], x["month"] or 0) for x in rows if _key(x)[0] in firms}
    held = []
    for c in (
        CertificateHolding.objects.filter(superseded_by__isnull=True)
        .exclude(serials="")
        .select_related("record")
    ):
        if (c.record.enterprise_id, c.record.year, c.record.month) in replaced:
            continue
        try:
            held.append(Batch(c.count, c.origin, tuple(parse_serials(c.serials)), key=("db", c.pk)))
        except SerialError:
            continue
    if held and batches:
        for o in overlaps([*held, *batches]):
            a, b = o.a, o.b
            mine = b if b[0] == "file" else a if a[0] == "file" else None
            if mine is not None and (a[0] == "db" or b[0] == "db"):
                check(sheet, by_row[mine[1]], "证书编号", str(o), R_HELD)


def _record(firm: Enterprise, year: int, month: int, cache: dict) -> EnergyRecord:
    key = (firm.pk, year, month)
    if key not in cache:
        cache[key], _created = EnergyRecord.objects.get_or_create(enterprise=firm, year=year, month=month)
    return cache[key]


def _apply(zone, user, name, sha, department, rows, firms, out: Outcome) -> None:
    batch = EnergyBatch.objects.create(
        zone=zone, file_name=name[:255], sha256=sha, department=(department or "")[:100], user=user
    )
    out.batch = batch
    cache: dict = {}
    counts = {"periods": 0, "uses": 0, "certificates": 0, "superseded": 0}
    for x in rows.get(PERIOD_SHEET, []):
        code, year, month = _key(x)
        rec = _record(firms[code], year, month, cache)
        for col in (
            "output_value",
            "value_added",
            "product",
            "product_output",
            "pv_self_kwh",
            "green_power_kwh",
        ):
            if x[col] is not None:
                setattr(rec, col, x[col])
                rec.sources[col] = batch.pk
        rec.batch = batch
        rec.save()
        counts["periods"] += 1
    for sheet, model, make in (
        (USE_SHEET, EnergyUse, _use),
        (CERT_SHEET, CertificateHolding, _cert),
    ):
        chosen = rows.get(sheet, [])
        recs = {}
        for x in chosen:
            code, year, month = _key(x)
            recs[(code, year, month)] = _record(firms[code], year, month, cache)
        if recs:
            counts["superseded"] += model.objects.filter(
                record__in=list(recs.values()), superseded_by__isnull=True
            ).update(superseded_by=batch)
        model.objects.bulk_create([make(recs[_key(x)], x, batch) for x in chosen], batch_size=500)
        counts["uses" if sheet == USE_SHEET else "certificates"] += len(chosen)
    batch.counts = counts
    batch.save(update_fields=["counts"])
    out.counts = counts
    out.enterprises = {k[0] for k in cache}


def _use(rec, x, batch) -> EnergyUse:
    return EnergyUse(
        record=rec,
        carrier=x["carrier"],
        quantity=x["quantity"],
        unit=x["unit"].strip(),
        use=x["use"] or "energy",
        kgce=x["kgce"],
        source=(x["source"] or "")[:40],
        batch=batch,
    )


def _cert(rec, x, batch) -> CertificateHolding:
    return CertificateHolding(
        record=rec, count=x["count"], origin=x["origin"], serials=(x["serials"] or "").strip(), batch=batch
    )


def template_bytes(cset: CoefficientSet) -> bytes:
    """The empty workbook with the three sheets (and an example row each, to be overwritten)."""
    example = {"uscc": "91110000000000000X", "year": 2025, "month": None}
    carrier = next(iter(cset.carriers))
    return to_bytes(
        [
            Sheet(PERIOD_SHEET, PERIOD_COLUMNS, [{**example, "value_added": "1000", "output_value": "5000"}]),
            Sheet(
                USE_SHEET,
                use_columns(cset),
                [
                    {
                        **example,
                        "carrier": carrier,
                        "quantity": "100000",
                        "unit": cset.carriers[carrier].unit,
                        "use": "energy",
                        "source": "电表",
                    }
                ],
            ),
            Sheet(
                CERT_SHEET,
                CERT_COLUMNS,
                [{**example, "count": 10, "origin": "standalone", "serials": "GEC2025000001-GEC2025000010"}],
            ),
        ]
    )


# --- exports ------------------------------------------------------------------------------------------

FIGURE_COLUMNS = (
    Column("uscc", "统一社会信用代码", "unified social credit code", width=22),
    Column("name", "企业名称", "enterprise", width=30),
    Column("year", "年份", "year", "int"),
    Column("month", "月份", "month", "int"),
    Column("total_tce", "综合能耗（吨标准煤）", "total energy (tce)", "decimal"),
    Column("feedstock_tce", "原料用能（吨标准煤，不计入）", "feedstock (tce, excluded)", "decimal"),
    Column("value_added", "工业增加值（万元）", "value added", "decimal"),
    Column("intensity_va", "万元增加值综合能耗（吨标准煤/万元）", "energy per value added", "decimal"),
    Column("intensity_output", "万元产值综合能耗（吨标准煤/万元）", "energy per output", "decimal"),
    Column("non_fossil_share", "非化石能源消费占比", "non-fossil share", "decimal"),
    Column("renewable_share", "可再生电力占比（含绿证）", "renewable power share", "decimal"),
    Column("co2_t", "二氧化碳排放（吨）", "CO₂ (t)", "decimal"),
    Column("carbon_per_tce", "单位能耗碳排放（tCO₂/tce）", "CO₂ per tce", "decimal"),
    Column("unit_product_kgce", "单位产品综合能耗（kgce/单位）", "unit product energy", "decimal"),
    Column("position", "能效对标", "benchmark position"),
    Column("set_ref", "折标系数集", "coefficient set", width=40),
    Column("emissions_ref", "排放因子集", "emission factors", width=30),
)
BENCHMARK_COLUMNS = (
    Column("product", "产品", "product", required=True, width=24),
    Column("unit", "单位", "unit"),
    Column("benchmark", "标杆水平", "benchmark level", "decimal", required=True),
    Column("baseline", "基准水平", "baseline level", "decimal", required=True),
    Column("edition", "版本", "edition"),
    Column("source", "来源", "source", width=40),
)
POSITION_ZH = {"benchmark": "达到标杆水平", "baseline": "达到基准水平", "below": "未达基准水平", "": ""}


def figures_xlsx(figures) -> bytes:
    rows = [
        {
            "uscc": f.enterprise.uscc,
            "name": f.enterprise.name,
            "year": f.year,
            "month": f.month or None,
            **{c.id: getattr(f, c.id) for c in FIGURE_COLUMNS[4:14]},
            "position": POSITION_ZH.get(f.position, f.position),
            "set_ref": f.set_ref,
            "emissions_ref": f.emissions_ref,
        }
        for f in figures
    ]
    return to_bytes([Sheet("能耗与碳排放", FIGURE_COLUMNS, rows)])


def benchmarks_xlsx(qs) -> bytes:
    return to_bytes(
        [
            Sheet(
                "能效标杆基准",
                BENCHMARK_COLUMNS,
                [{c.id: getattr(b, c.id) for c in BENCHMARK_COLUMNS} for b in qs],
            )
        ]
    )


def import_benchmarks(zone: Zone, data: bytes, name: str) -> Outcome:
    """The zone's benchmark table from a file (rows matched by product); does not commit."""
    read = read_table(data, BENCHMARK_COLUMNS, name=name)
    out = Outcome(problems=list(read.problems))
    if not out.ok:
        return out
    check = _Check(name, out)
    seen = set()
    for x in read.rows:
        if x["benchmark"] < 0 or x["baseline"] < 0:
            check(read.sheet, x, "标杆水平", x["benchmark"], R_NEGATIVE)
        elif x["benchmark"] > x["baseline"]:
            check(
                read.sheet,
                x,
                "标杆水平",
                x["benchmark"],
                "标杆水平应不高于基准水平（单位产品能耗越低越先进）",
            )
        if x["product"] in seen:
            check(read.sheet, x, "产品", x["product"], "文件中重复出现的产品")
        seen.add(x["product"])
    if not out.ok:
        return out
    n = 0
    for x in read.rows:
        Benchmark.objects.update_or_create(
            zone=zone,
            product=x["product"],
            defaults={
                "unit": x["unit"] or "kgce/t",
                "benchmark": x["benchmark"],
                "baseline": x["baseline"],
                "edition": x["edition"] or "",
                "source": (x["source"] or "")[:300],
            },
        )
        n += 1
    out.counts = {"benchmarks": n}
    return out


def list_xlsx(green_list) -> bytes:
    columns = (
        Column("position", "序号", "no.", "int"),
        Column("uscc", "统一社会信用代码", "unified social credit code", width=22),
        Column("name", "企业名称", "enterprise", width=30),
        Column("intensity_va", "万元增加值综合能耗（吨标准煤/万元）", "energy per value added", "decimal"),
        Column("renewable_share", "可再生电力占比（含绿证）", "renewable share", "decimal"),
        Column("non_fossil_share", "非化石能源消费占比", "non-fossil share", "decimal"),
        Column("carbon_per_tce", "单位能耗碳排放（tCO₂/tce）", "CO₂ per tce", "decimal"),
        Column("position_zh", "能效对标", "benchmark position"),
        Column("set_ref", "折标系数集", "coefficient set", width=40),
    )
    from decimal import Decimal

    def dec(v):
        return None if v in (None, "") else Decimal(v)

    rows = [
        {
            "position": e.position,
            "uscc": e.enterprise.uscc,
            "name": e.enterprise.name,
            "intensity_va": dec(e.values.get("intensity_va")),
            "renewable_share": dec(e.values.get("renewable_share")),
            "non_fossil_share": dec(e.values.get("non_fossil_share")),
            "carbon_per_tce": dec(e.values.get("carbon_per_tce")),
            "position_zh": POSITION_ZH.get(e.values.get("position") or "", ""),
            "set_ref": e.values.get("set_ref", ""),
        }
        for e in green_list.entries.select_related("enterprise")
    ]
    return to_bytes([Sheet("绿色企业名单", columns, rows)])


problem_dicts = shown_problems  # the import pages' list of problems (``platform.bulk``)


def figures_of(qs) -> list[Figure]:
    return list(qs.select_related("enterprise").order_by("enterprise__uscc", "year", "month"))
