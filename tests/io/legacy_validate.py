"""Validation against the data dictionary.

Two stages. ``check_sheet`` parses one sheet and checks what a single row can tell (USCC, required keys,
types, bounds, enum choices, valid_to ≥ valid_from, duplicate keys inside the sheet) — vectorised, with
Problem objects built only for the bad cells. ``check_conflicts``, ``check_required`` and
``check_relations`` run on rows merged across all inputs (``merge``, driven by ``entities``): conflicts
between sources, required enterprise fields (name and zone may come from another file), the
NOT_GREATER_THAN relations and net assets = total assets − total liabilities. Relations are checked after
merging because two departments often supply the two sides of one relation.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import polars as pl

from gaoxin.data.dictionary import BY_ID, FIELDS, NET_ASSETS_TOLERANCE, NOT_GREATER_THAN, Field
from gaoxin.io import cells, uscc
from gaoxin.io.headers import Header
from gaoxin.io.merge import same
from gaoxin.io.problems import EN, ERROR, Problem, msg
from gaoxin.io.sources import RawSheet

KEYS = {"enterprise": ("uscc",), "report": ("uscc", "year"), "qualification": ("uscc",)}
# From the dictionary's `required` flags: enterprise uscc, name, zone; report uscc, year; qualification
# uscc, kind, valid_from, valid_to (uscc is an enterprise field but keys every table).
REQUIRED = {
    t: ("uscc", *(f.id for f in FIELDS if f.table == t and f.required and f.id != "uscc"))
    for t in ("enterprise", "report", "qualification")
}
# A sum relation the dictionary states in prose (class1_ip_self_developed ≤ invention_patents +
# other_class1_ip) but NOT_GREATER_THAN cannot express; checked only when all three are reported.
SUM_RELATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("class1_ip_self_developed", ("invention_patents", "other_class1_ip")),
)
_USCC_BAD = "\x00uscc"  # placeholder reason; the real one comes from uscc.problem() for bad rows only


@dataclass
class Sheet:
    """One sheet of one input file, with its usable (mapped, unambiguous) headers."""

    index: int  # global order over all inputs: sources are merged first-come-first-kept
    file: str
    raw: RawSheet
    headers: dict[str, Header] = field(default_factory=dict)  # field id → header
    tables: tuple[str, ...] = ()
    rows: int = 0  # non-empty data rows
    omitted: int = 0  # problems of this sheet found but not listed (over the cap of ``check_sheet``)

    @property
    def name(self) -> str | None:
        return self.raw.name

    def column(self, fid: str) -> str:
        h = self.headers.get(fid)
        return h.text if h else BY_ID[fid].zh

    def value(self, fid: str, row: int) -> str | None:
        h = self.headers.get(fid)
        return None if h is None else self.raw.frame[f"c{h.index}"][row - self.raw.first_row]

    def where(self, row: int, here: Sheet | None = None) -> str:
        """Where a row is, as seen from a problem in sheet ``here``."""
        if here is self:
            return f"第{row}行"
        sheet = f"（工作表 {self.name}）" if self.name else ""
        return f"{self.file}{sheet} 第{row}行"

    def problem(
        self, row: int | None, fid: str | None, reason: str, en: str = "", value: str | None = None
    ) -> Problem:
        if value is None and fid is not None and row is not None:
            value = self.value(fid, row)
        column = self.column(fid) if fid else None
        return Problem(self.file, row, column, value, reason, self.name, ERROR, en or EN.get(reason, ""))


def uscc_ok(code: pl.Expr) -> pl.Expr:
    """GB 32100-2015 validity of an upper-cased code, vectorised (cf. ``uscc.problem``)."""
    value = {c: i for i, c in enumerate(uscc.ALPHABET)}

    def at(i: int) -> pl.Expr:
        return code.str.slice(i, 1).replace_strict(value, default=None, return_dtype=pl.Int64)

    total = functools.reduce(operator.add, (at(i) * w for i, w in enumerate(uscc.WEIGHTS)))
    shape = code.str.contains(f"^[{uscc.ALPHABET}]{{18}}$")
    return (shape & (((31 - total % 31) % 31) == at(17))).fill_null(False)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.6f}".rstrip("0").rstrip(".")
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def _bounds(f: Field, v: pl.Expr, percent_header: bool = False) -> pl.Expr | None:
    checks = []
    if f.min is not None:
        zh = "不能为负数" if f.min == 0 else f"不能小于{_fmt(float(f.min))}"
        checks.append((v < f.min, msg(zh, f"must not be less than {_fmt(float(f.min))}")))
    if f.max is not None:
        zh = f"不能大于{_fmt(float(f.max))}"
        if f.type == "ratio" and not percent_header:  # the usual mistake: 35 meant as 35 %
            zh += "（百分数请在表头注明 %，如“占有率(%)”，或在数值后加 %）"
        checks.append((v > f.max, msg(zh, f"must not be greater than {_fmt(float(f.max))}")))
    if not checks:
        return None
    expr = pl.when(checks[0][0]).then(pl.lit(checks[0][1]))
    for cond, reason in checks[1:]:
        expr = expr.when(cond).then(pl.lit(reason))
    return expr


def _clean(h: Header) -> pl.Expr:
    raw = pl.col(f"c{h.index}")
    return cells.clean_text(raw) if h.field is not None and h.field.type == "text" else cells.clean(raw)


def check_sheet(sheet: Sheet, cap: int | None = None) -> tuple[pl.DataFrame, list[Problem]]:
    """Parse and check one sheet. Returns the typed rows (all of them, bad ones flagged ``__bad``;
    ``__keyok`` when the key is usable for merging) and the problems of single rows — at most ``cap``
    of them (``sheet.omitted`` counts the rest), so a file of a million bad rows is refused without
    building a million problems."""
    hs = list(sheet.headers.values())
    ids = [h.field.id for h in hs if h.field]
    raw = sheet.raw.frame
    first = sheet.raw.first_row
    lf = raw.lazy().select(
        (pl.int_range(pl.len()) + first).alias("__row"),
        *[_clean(h).alias(f"__c:{h.field.id}") for h in hs if h.field],
    )
    lf = lf.filter(pl.any_horizontal(pl.col(f"__c:{i}").is_not_null() for i in ids))  # blank rows
    plan = cells.Plan()
    for h in hs:
        assert h.field is not None
        cells.parse(plan, f"__c:{h.field.id}", h.field.id, h)
    lf = plan.apply(lf)

    required = {r for t in sheet.tables for r in REQUIRED[t] if r in KEYS[t] or t == "qualification"}
    checks = []
    for fid in ids:
        f = BY_ID[fid]
        h = sheet.headers[fid]
        extra = [pl.col(cells.why(fid))]
        if fid in required:
            extra.insert(0, pl.when(pl.col(f"__c:{fid}").is_null()).then(pl.lit(_missing(f))))
        if fid == "uscc":
            extra.append(pl.when(pl.col(fid).is_not_null() & ~uscc_ok(pl.col(fid))).then(pl.lit(_USCC_BAD)))
        if f.numeric and (b := _bounds(f, pl.col(fid), h.percent)) is not None:
            extra.append(b)
        if fid == "valid_to" and "valid_from" in ids:
            extra.append(
                pl.when(pl.col("valid_to") < pl.col("valid_from")).then(
                    pl.format("有效期止({}) 早于 有效期起({})", pl.col("valid_to"), pl.col("valid_from"))
                )
            )
        checks.append(pl.coalesce(extra).alias(f"__why:{fid}"))
    lf = lf.with_columns(checks)
    key = [k for k in ("uscc", "year") if k in ids and (k != "year" or "report" in sheet.tables)]
    keyok = uscc_ok(pl.col("uscc")) & pl.all_horizontal(pl.col(k).is_not_null() for k in key)
    lf = lf.with_columns(keyok.alias("__keyok"))
    # Duplicate keys inside one sheet: the primary key of what the sheet lists (one enterprise per row,
    # or one enterprise-year per row). Qualification rows legitimately repeat an enterprise.
    dup_key = [] if "qualification" in sheet.tables else key
    dup = pl.struct(dup_key).is_duplicated() & pl.col("__keyok") if dup_key else pl.lit(False)
    lf = lf.with_columns(dup.alias("__dup"))
    lf = lf.with_columns(
        (pl.any_horizontal(pl.col(f"__why:{i}").is_not_null() for i in ids) | pl.col("__dup")).alias("__bad")
    )
    df = lf.collect()
    sheet.rows = df.height

    found = _cell_problems(sheet, df, ids)
    if dup_key:
        found = itertools.chain(found, _duplicate_problems(sheet, df.filter(pl.col("__dup")), dup_key))
    problems = list(found if cap is None else itertools.islice(found, cap))
    if cap is not None and len(problems) == cap:
        total = df.select(pl.sum_horizontal(pl.col(f"__why:{i}").is_not_null() for i in ids).sum()).item()
        sheet.omitted = int(total or 0) + (int(df["__dup"].sum()) if dup_key else 0) - cap
    typed = df.select(pl.lit(sheet.index, dtype=pl.Int32).alias("__sheet"), "__row", "__bad", "__keyok", *ids)
    return typed, problems


def _missing(f: Field) -> str:
    return msg(f"缺少{f.zh}", f"{f.id} is required")


def _cell_problems(sheet: Sheet, df: pl.DataFrame, ids: list[str]) -> Iterator[Problem]:
    for fid in ids:
        bad = df.filter(pl.col(f"__why:{fid}").is_not_null()).select("__row", f"__why:{fid}")
        for row, reason in bad.iter_rows():
            value = sheet.value(fid, row)
            if reason == _USCC_BAD:
                reason = uscc.problem(uscc.normalize(value)) or "统一社会信用代码无效"
                yield sheet.problem(row, fid, reason, "invalid unified social credit code", value)
            else:
                yield sheet.problem(row, fid, reason, value=value)


def _duplicate_problems(sheet: Sheet, dups: pl.DataFrame, key: list[str]) -> Iterator[Problem]:
    rows: dict[tuple, list[int]] = {}
    for r in dups.select("__row", *key).iter_rows():
        rows.setdefault(r[1:], []).append(r[0])
    what = "同一企业同一年度" if "year" in key else "统一社会信用代码"
    for k, group in rows.items():
        for row in group:
            others = "、".join(str(o) for o in group if o != row)
            yield sheet.problem(
                row,
                "uscc",
                f"{what}重复（另见第{others}行）",
                f"duplicate {'/'.join(key)} {k} (also rows {others})",
            )


# --- checks on merged rows ---------------------------------------------------------------------------


@dataclass
class Sources:
    """Where the merged rows came from: the parts (source rows) and the sheets, for locating values."""

    parts: pl.DataFrame  # __sheet, __row, __ord, key…, fields…
    sheets: list[Sheet]
    key: tuple[str, ...]

    def rows_of(self, keys: pl.DataFrame) -> dict[tuple, list[dict]]:
        """Source rows of the given entities, in input order, grouped by key."""
        out: dict[tuple, list[dict]] = {}
        for r in (
            self.parts.join(keys.select(self.key), on=list(self.key), how="semi")
            .sort("__ord")
            .iter_rows(named=True)
        ):
            out.setdefault(tuple(r[k] for k in self.key), []).append(r)
        return out

    def first_with(self, rows: list[dict], fid: str) -> dict | None:
        return next((r for r in rows if r.get(fid) is not None), None)

    def sheet(self, r: dict) -> Sheet:
        return self.sheets[r["__sheet"]]


def check_conflicts(
    src: Sources, conflicts: pl.DataFrame, fields: Iterable[str]
) -> dict[tuple, list[Problem]]:
    """Problems for entities whose sources disagree on a field (``conflicts``: key + ``__x:field`` flags)."""
    out: dict[tuple, list[Problem]] = {}
    if conflicts.is_empty():
        return out
    rows_by_key = src.rows_of(conflicts)
    for c in conflicts.iter_rows(named=True):
        k = tuple(c[x] for x in src.key)
        rows = rows_by_key.get(k, [])
        for fid in fields:
            if not c.get(f"__x:{fid}"):
                continue
            f = BY_ID[fid]
            holders = [r for r in rows if r.get(fid) is not None]
            first = holders[0]
            differ = [r for r in holders if not same(f, r[fid], first[fid])]
            for r, other in [(first, differ[0]), *((r, first) for r in differ)]:
                here, there = src.sheet(r), src.sheet(other)
                zh = (
                    f"{f.zh}({_fmt(r[fid])}) 与 {there.where(other['__row'], here)} 的"
                    f"{f.zh}({_fmt(other[fid])}) 不一致"
                )
                en = f"{fid} {_fmt(r[fid])} disagrees with {_fmt(other[fid])} in {there.file} row {other['__row']}"
                out.setdefault(k, []).append(here.problem(r["__row"], fid, zh, en))
    return out


def missing_required(src: Sources, merged: pl.DataFrame, table: str) -> pl.DataFrame:
    """The merged rows lacking a required field."""
    need = [r for r in REQUIRED[table] if r not in src.key]
    return merged.filter(
        pl.any_horizontal(pl.col(r).is_null() if r in merged.columns else True for r in need)
    )


def check_required(
    src: Sources, merged: pl.DataFrame, table: str, note: str = "", cap: int | None = None
) -> dict[tuple, list[Problem]]:
    """Enterprises lacking a required field after merging: a problem on every source row (of the first
    ``cap`` such enterprises: ``missing_required(...).slice(cap)`` are the others)."""
    out: dict[tuple, list[Problem]] = {}
    need = [r for r in REQUIRED[table] if r not in src.key]
    missing = missing_required(src, merged, table)
    if cap is not None:
        missing = missing.head(cap)
    if missing.is_empty():
        return out
    rows_by_key = src.rows_of(missing)
    for m in missing.iter_rows(named=True):
        k = tuple(m[x] for x in src.key)
        for fid in need:
            if m.get(fid) is not None:
                continue
            for r in rows_by_key.get(k, []):
                zh, en = _missing(BY_ID[fid]) + note, f"{fid} is required"
                out.setdefault(k, []).append(src.sheet(r).problem(r["__row"], fid, zh, en))
    return out


def check_relations(src: Sources, merged: pl.DataFrame) -> dict[tuple, list[Problem]]:
    """NOT_GREATER_THAN, the sum relation and net assets on merged report rows."""
    cols = set(merged.columns)
    rules: list[tuple[str, tuple[str, ...], pl.Expr]] = []
    for small, large in NOT_GREATER_THAN:
        if {small, large} <= cols:
            rules.append((small, (large,), pl.col(small) > pl.col(large)))
    for small, parts in SUM_RELATIONS:
        if {small, *parts} <= cols:
            rules.append((small, parts, pl.col(small) > functools.reduce(operator.add, map(pl.col, parts))))
    if {"net_assets", "total_assets", "total_liabilities"} <= cols:
        gap = (pl.col("net_assets") - (pl.col("total_assets") - pl.col("total_liabilities"))).abs()
        rules.append(("net_assets", ("total_assets", "total_liabilities"), gap > NET_ASSETS_TOLERANCE + 1e-9))
    out: dict[tuple, list[Problem]] = {}
    if not rules:
        return out
    flags = merged.select(
        *src.key, *(cond.fill_null(False).alias(f"__rule{i}") for i, (*_, cond) in enumerate(rules))
    )
    failing = flags.filter(pl.any_horizontal(pl.col(f"__rule{i}") for i in range(len(rules))))
    if failing.is_empty():
        return out
    rows_by_key = src.rows_of(failing)
    values = merged.join(failing.select(src.key), on=list(src.key), how="semi")
    by_key = {tuple(v[x] for x in src.key): v for v in values.iter_rows(named=True)}
    for fl in failing.iter_rows(named=True):
        k = tuple(fl[x] for x in src.key)
        rows, v = rows_by_key.get(k, []), by_key[k]
        for i, (small, others, _) in enumerate(rules):
            if not fl[f"__rule{i}"]:
                continue
            at = src.first_with(rows, small)
            if at is None:
                continue
            here = src.sheet(at)
            origin = ""
            for o in others:
                r = src.first_with(rows, o)
                if r is not None and (r["__sheet"], r["__row"]) != (at["__sheet"], at["__row"]):
                    origin += f"；{BY_ID[o].zh}见 {src.sheet(r).where(r['__row'], here)}"
            zh, en = _relation_text(small, others, v)
            out.setdefault(k, []).append(here.problem(at["__row"], small, zh + origin, en))
    return out


def _relation_text(small: str, others: tuple[str, ...], v: dict) -> tuple[str, str]:
    s = BY_ID[small]
    if small == "net_assets":
        a, li = v["total_assets"], v["total_liabilities"]
        return (
            f"{s.zh}({_fmt(v[small])}) 不等于 资产总额({_fmt(a)}) − 负债总额({_fmt(li)}) = {_fmt(a - li)}",
            f"net_assets {_fmt(v[small])} != total_assets − total_liabilities = {_fmt(a - li)}",
        )
    if len(others) == 1:
        o = others[0]
        return (
            f"{s.zh}({_fmt(v[small])}) 大于 {BY_ID[o].zh}({_fmt(v[o])})",
            f"{small} {_fmt(v[small])} is greater than {o} {_fmt(v[o])}",
        )
    total = sum(v[o] for o in others)
    names = " + ".join(f"{BY_ID[o].zh}({_fmt(v[o])})" for o in others)
    return (
        f"{s.zh}({_fmt(v[small])}) 大于 {names} = {_fmt(total)}",
        f"{small} {_fmt(v[small])} is greater than {' + '.join(others)} = {_fmt(total)}",
    )
