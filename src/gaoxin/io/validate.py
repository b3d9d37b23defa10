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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
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


# --- one sheet: one lazy plan ------------------------------------------------------------------------
#
# ``check_sheet`` builds one lazy plan per sheet: the typed rows, the problem table (row, column, value,
# reason) and the count of all problems are three outputs of one plan, collected together
# (``pl.collect_all`` computes their common part once). Parsing is the costly part, so the rows are
# split in two branches by a cheap test on the raw cells: a row whose every cell is already in canonical
# form (``12.5``, ``2024-03-01``, ``true``, an enum's own value, a trimmed text without control
# characters, an upper-case code, or empty) takes the fast branch, where such a column is typed directly
# (``cast``) and the normalisation that would change nothing (trimming, lower-casing, full-width digits,
# spaces, thousands separators, currency signs) is skipped; every other row takes the
# full ``cells`` parsers. The branches are merged back in row order (``merge_sorted``). Each fast
# expression gives exactly what the full parser gives on the cells it accepts (tests/io/
# test_validate_differential.py holds the two equal against the legacy implementation).

_USCC_LUT = np.full(256, 255, dtype=np.uint8)  # byte → value in the USCC alphabet; 255 = not allowed
for _i, _c in enumerate(uscc.ALPHABET):
    _USCC_LUT[ord(_c)] = _i


def _checksum(codes: pl.Series) -> pl.Series:
    """Per code (a String series): 18 bytes, every byte in the alphabet and the check digit right."""
    out = np.zeros(codes.len(), dtype=bool)
    eighteen = (codes.str.len_bytes() == 18).fill_null(False)
    if eighteen.any():
        fixed = codes.filter(eighteen).cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 18))
        v = np.ascontiguousarray(np.take(_USCC_LUT, fixed.to_numpy()).T)  # one row per position
        total = np.zeros(v.shape[1], dtype=np.int32)
        for position, weight in enumerate(uscc.WEIGHTS):  # 17 passes over contiguous bytes
            total += v[position].astype(np.int32) * weight
        out[eighteen.to_numpy()] = (v.max(axis=0) < 31) & (((31 - total % 31) % 31) == v[17])
    return pl.Series(codes.name, out, dtype=pl.Boolean)


def uscc_ok(code: pl.Expr) -> pl.Expr:
    """GB 32100-2015 validity of an upper-cased code, vectorised (cf. ``uscc.problem``): 18 characters of
    the alphabet (all ASCII, so 18 bytes) whose check character is right; false for null."""
    return code.map_batches(_checksum, return_dtype=pl.Boolean)


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.6f}".rstrip("0").rstrip(".")
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def _bounds(f: Field, v: pl.Expr, percent_header: bool = False) -> list[tuple[pl.Expr, pl.Expr]]:
    """The range checks of a numeric field: (is out of range, reason) pairs."""
    checks = []
    if f.min is not None:
        zh = "不能为负数" if f.min == 0 else f"不能小于{_fmt(float(f.min))}"
        checks.append((v < f.min, pl.lit(msg(zh, f"must not be less than {_fmt(float(f.min))}"))))
    if f.max is not None:
        zh = f"不能大于{_fmt(float(f.max))}"
        if f.type == "ratio" and not percent_header:  # the usual mistake: 35 meant as 35 %
            zh += "（百分数请在表头注明 %，如“占有率(%)”，或在数值后加 %）"
        checks.append((v > f.max, pl.lit(msg(zh, f"must not be greater than {_fmt(float(f.max))}"))))
    return checks


# ``cells.clean`` lower-cases every cell to compare it with the missing markers; the same test as one
# hash lookup: every spelling of the markers in upper and lower case (no other character lower-cases
# to an ASCII letter of a marker; tests/io/test_validate_differential.py checks the whole of Unicode).
def _spellings(marker: str) -> list[str]:
    options = [sorted({c, c.upper(), c.lower()}) for c in marker]
    return ["".join(p) for p in itertools.product(*options)]


_MISSING_SPELLINGS = sorted({s for m in cells.MISSING for s in _spellings(m)})


def _clean_expr(h: Header, raw: pl.Expr) -> pl.Expr:
    """``cells.clean`` (``clean_text`` for a text field) of a raw column."""
    if h.field is not None and h.field.type == "text":
        return cells.clean_text(raw)
    s = raw.str.strip_chars()
    return pl.when(s.is_in(_MISSING_SPELLINGS)).then(None).otherwise(s)


def _clean(h: Header) -> pl.Expr:
    return _clean_expr(h, pl.col(f"c{h.index}"))


# The shape of a plain decimal number, as ``cells.number`` checks it after normalising the text.
# ASCII digits only: the regex's \d is any Unicode digit (a full-width １ needs the full parser).
_NUMBER_SHAPE = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _fixed_points(keys: Iterable[str]) -> list[str]:
    """The keys that cleaning and lower-casing leave as they are (a cell written so needs neither)."""
    quotes_or_space = set(cells._QUOTES)
    return sorted(
        k
        for k in keys
        if k
        and k == k.strip()
        and k == k.lower()
        and k.lower() not in cells.MISSING
        and not any(ch in quotes_or_space or ch.isspace() for ch in k)
    )


@dataclass(frozen=True)
class _Fast:
    """The fast branch of one column. ``test`` accepts a raw cell already in canonical form, or empty
    (for such a cell the cleaned text is the raw text); ``value`` types it; ``fails`` (of the raw column
    and the value column) is true for an accepted cell that still fails, for ``reason``; None if none
    can."""

    test: pl.Expr
    value: pl.Expr
    fails: Callable[[pl.Expr, pl.Expr], pl.Expr] | None = None
    reason: str = ""


def _fast(h: Header, r: pl.Expr) -> _Fast | None:
    """The fast branch of raw column ``r`` under header ``h``, if its type has one."""
    f = h.field
    assert f is not None
    if f.type in ("money", "number") and h.exp10 == 0:
        return _Fast(
            r.is_null() | r.str.contains(_NUMBER_SHAPE),
            r.cast(pl.Float64, strict=False),
            _failed,
            cells.NOT_NUMBER,
        )
    if f.type == "int" and not any(ch in "0123456789+-.eE" for ch in f.unit):
        # What casts to an integer is a sign and ASCII digits; below 2**53 its float is exact and
        # whole, so ``cells.integer`` would give the same integer.
        v = r.cast(pl.Int64, strict=False)
        return _Fast(r.is_null() | (v.is_not_null() & (v.abs() < 2**53)), v)
    if f.type == "date":
        return _Fast(
            r.is_null() | r.str.contains(_ISO_DATE),
            r.str.to_date("%Y-%m-%d", strict=False),
            _failed,
            cells.NOT_DATE,
        )
    if f.type == "bool":
        table = cells._BOOL
        return _Fast(
            r.is_null() | r.is_in(_fixed_points(table)),
            r.replace_strict(table, default=None, return_dtype=pl.Boolean),
        )
    if f.type == "enum":
        choices = cells._enum_table(f)
        return _Fast(
            r.is_null() | r.is_in(_fixed_points(choices)),
            r.replace_strict(choices, default=None, return_dtype=pl.Utf8),
        )
    if f.type == "text":
        # A cell that trimming, the missing markers, the formula guard and ``cells.text`` leave as it is:
        # no white space at either end (so no formula is exposed), no control character, not too long.
        # For industry and uscc also already upper-case and of the code's shape (no marker has it).
        if f.id == "industry":
            canonical = r.str.contains(_INDUSTRY)
        elif f.id == "uscc":
            canonical = r.str.contains(_UPPER_CODE)
        else:
            longest = cells.TEXT_MAX.get(f.id, cells.TEXT_MAX_DEFAULT)
            canonical = (
                ~r.str.contains(_UNTRIMMED_OR_CONTROL)
                & (r.str.len_chars() <= longest)
                & ~r.is_in(_MISSING_SPELLINGS)
            )
        return _Fast(r.is_null() | canonical, r)
    return None


_INDUSTRY = r"^([A-T]?\d{2,4}|[A-T])$"  # as cells.text checks it (\d: any Unicode digit, as there)
_UPPER_CODE = r"^[0-9A-Z]{18}$"
_UNTRIMMED_OR_CONTROL = r"^\s|\s$|[\x00-\x1f\x7f]"


def _failed(src: pl.Expr, out: pl.Expr) -> pl.Expr:
    return src.is_not_null() & out.is_null()


_VALUE_DTYPES = {
    "money": pl.Float64,
    "number": pl.Float64,
    "ratio": pl.Float64,
    "int": pl.Int64,
    "date": pl.Date,
    "bool": pl.Boolean,
    "enum": pl.Utf8,
    "text": pl.Utf8,
}


def _branch(
    lf: pl.LazyFrame, hs: list[Header], fast: dict[str, _Fast], required: set[str], whys: bool = True
) -> pl.LazyFrame:
    """Parse the rows of ``lf`` (raw columns ``__r:field``; for the fields in ``fast`` also their fast
    values ``__v:field``): the fields in ``fast`` from those, the others by ``cells``. Keeps ``__row``,
    each value, whether it failed to parse (``__fail:field``) and the parser's reason (null in the fast
    branch, whose reason is ``_Fast.reason``), and, for a required field, whether the cleaned cell is
    empty (``__n:field``); blank rows are left out. Without ``whys`` the fast fields have no reason
    column (every row took the fast branch: there is nothing to merge with)."""
    ids = [h.field.id for h in hs if h.field]
    cleaned = []
    for h in hs:
        assert h.field is not None
        fid, r = h.field.id, pl.col(f"__r:{h.field.id}")
        cleaned.append((r if fid in fast else _clean_expr(h, r)).alias(f"__c:{fid}"))
    lf = lf.select("__row", *cleaned, *(pl.col(f"__v:{fid}").alias(fid) for fid in fast))
    lf = lf.filter(pl.any_horizontal(pl.col(f"__c:{i}").is_not_null() for i in ids))  # blank rows
    plan = cells.Plan()
    for h in hs:
        assert h.field is not None
        fid = h.field.id
        if fid in fast:
            fails = fast[fid].fails
            failed = pl.lit(False) if fails is None else fails(pl.col(f"__c:{fid}"), pl.col(fid))
            plan.add(0, failed.alias(f"__fail:{fid}"))
            if whys:
                plan.add(0, pl.lit(None, dtype=pl.Utf8).alias(cells.why(fid)))
        else:
            cells.parse(plan, f"__c:{fid}", fid, h)
    lf = plan.apply(lf)
    return lf.select(
        "__row",
        *(pl.col(i).cast(_VALUE_DTYPES[BY_ID[i].type]) for i in ids),
        *(pl.col(cells.why(i)).cast(pl.Utf8) for i in ids if whys or i not in fast),
        *(
            (pl.col(f"__fail:{i}") if i in fast else pl.col(cells.why(i)).is_not_null()).alias(f"__fail:{i}")
            for i in ids
        ),
        *(pl.col(f"__c:{i}").is_null().alias(f"__n:{i}") for i in ids if i in required),
    )


def _plan(sheet: Sheet, cap: int | None) -> tuple[pl.LazyFrame, pl.LazyFrame, pl.LazyFrame, list[str]]:
    """The sheet's plan: typed rows, the problem table (at most ``cap`` rows: row, column, value, reason
    and, for a duplicate, its key and the key's rows), the number of problems and rows, and the key whose
    repetition is a problem."""
    hs = [h for h in sheet.headers.values() if h.field]
    ids = [h.field.id for h in hs if h.field]
    raw = sheet.raw.frame
    first = sheet.raw.first_row
    required = {r for t in sheet.tables for r in REQUIRED[t] if r in KEYS[t] or t == "qualification"}
    # The fields with a fast branch; the rows whose every such cell passes its test take it.
    fast = {h.field.id: spec for h in hs if h.field and (spec := _fast(h, pl.col(f"__r:{h.field.id}")))}
    base = raw.lazy().select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + first).alias("__row"),
        *(pl.col(f"c{h.index}").alias(f"__r:{h.field.id}") for h in hs if h.field),
    )
    mixed = True  # whether rows of the fast branch carry (null) parser reasons beside the others'
    if fast:
        done = base.with_columns(
            *(spec.value.alias(f"__v:{fid}") for fid, spec in fast.items()),
            pl.all_horizontal(spec.test for spec in fast.values()).alias("__fast"),
        ).collect()  # computed once for both branches
        if done["__fast"].all():  # the usual clean file: one branch
            mixed = False
            lf = _branch(done.lazy(), hs, fast, required, whys=False)
        else:
            quick = _branch(done.lazy().filter(pl.col("__fast")), hs, fast, required)
            full = _branch(done.lazy().filter(~pl.col("__fast")), hs, {}, required)
            lf = quick.merge_sorted(full, "__row")
    else:
        lf = _branch(base, hs, {}, required)

    # Each cell's checks, in order, as (fails, reason) pairs: whether a cell fails is decided for every
    # row with boolean columns (``__f:field``), the reason (the first failing check's) is built only for
    # the failing cells — reason strings for a million clean rows would cost more than the checks.
    flags, reasons = [], {}
    if "uscc" in ids:
        lf = lf.with_columns(uscc_ok(pl.col("uscc")).alias("__uok"))
    for h in hs:
        assert h.field is not None
        fid, f = h.field.id, h.field
        spec = fast.get(fid)
        parsed: pl.Expr = pl.col(cells.why(fid))
        if spec:
            parsed = pl.coalesce(parsed, pl.lit(spec.reason)) if mixed else pl.lit(spec.reason)
        pairs = [(pl.col(f"__fail:{fid}"), parsed)]
        if fid in required:
            pairs.insert(0, (pl.col(f"__n:{fid}"), pl.lit(_missing(f))))
        if fid == "uscc":
            pairs.append((pl.col(fid).is_not_null() & ~pl.col("__uok"), pl.lit(_USCC_BAD)))
        if f.numeric:
            pairs += _bounds(f, pl.col(fid), h.percent)
        if fid == "valid_to" and "valid_from" in ids:
            pairs.append(
                (
                    pl.col("valid_to") < pl.col("valid_from"),
                    pl.format("有效期止({}) 早于 有效期起({})", pl.col("valid_to"), pl.col("valid_from")),
                )
            )
        flags.append(pl.any_horizontal(cond.fill_null(False) for cond, _ in pairs).alias(f"__f:{fid}"))
        chain = pl.when(pairs[0][0].fill_null(False)).then(pairs[0][1])
        for cond, reason in pairs[1:]:
            chain = chain.when(cond.fill_null(False)).then(reason)
        reasons[fid] = chain
    lf = lf.with_columns(flags)
    key = [k for k in ("uscc", "year") if k in ids and (k != "year" or "report" in sheet.tables)]
    uok = pl.col("__uok") if "uscc" in ids else uscc_ok(pl.col("uscc"))
    keyok = uok & pl.all_horizontal(pl.col(k).is_not_null() for k in key)
    lf = lf.with_columns(keyok.alias("__keyok"))
    # Duplicate keys inside one sheet: the primary key of what the sheet lists (one enterprise per row,
    # or one enterprise-year per row). Qualification rows legitimately repeat an enterprise.
    dup_key = [] if "qualification" in sheet.tables else key
    dup = pl.struct(dup_key).is_duplicated() & pl.col("__keyok") if dup_key else pl.lit(False)
    lf = lf.with_columns(dup.alias("__dup"))
    lf = lf.with_columns(
        (pl.any_horizontal(pl.col(f"__f:{i}") for i in ids) | pl.col("__dup")).alias("__bad")
    )

    typed = lf.select(pl.lit(sheet.index, dtype=pl.Int32).alias("__sheet"), "__row", "__bad", "__keyok", *ids)

    def raw_value(h: Header) -> pl.Expr:
        return pl.lit(raw[f"c{h.index}"]).gather(pl.col("__row") - first).alias("value")

    tables = [
        lf.filter(pl.col(f"__f:{h.field.id}")).select(
            "__row",
            pl.lit(h.text, dtype=pl.Utf8).alias("column"),
            raw_value(h),
            reasons[h.field.id].alias("reason"),
            pl.lit(None, dtype=pl.List(pl.Int64)).alias("group"),
            pl.lit(None, dtype=pl.Utf8).alias("key"),
        )
        for h in hs
        if h.field
    ]
    count = [pl.sum_horizontal(pl.col(f"__f:{i}") for i in ids).sum().cast(pl.Int64)]
    if dup_key:
        # Every row of a repeated key, the keys in order of first appearance, each key's rows in order.
        h = sheet.headers["uscc"]
        groups = (
            lf.filter(pl.col("__dup"))
            .group_by(dup_key, maintain_order=True)
            .agg(pl.col("__row").alias("group"))
            .with_columns(pl.col("group").alias("__row"))
            .explode("__row", empty_as_null=True)
        )
        tables.append(
            groups.select(
                "__row",
                pl.lit(h.text, dtype=pl.Utf8).alias("column"),
                raw_value(h),
                pl.lit(_DUPLICATE, dtype=pl.Utf8).alias("reason"),
                "group",
                pl.format("('{}'" + (", {})" if "year" in dup_key else ",)"), *dup_key).alias("key"),
            )
        )
        count.append(pl.col("__dup").sum().cast(pl.Int64))
    problems = pl.concat(tables, how="vertical")
    if cap is not None:
        problems = problems.head(cap)
    total = lf.select(pl.sum_horizontal(count).alias("n"), pl.len().alias("rows"))
    return typed, problems, total, dup_key


_DUPLICATE = "\x00duplicate"  # placeholder reason; the text names the other rows of the key


def check_sheet(sheet: Sheet, cap: int | None = None) -> tuple[pl.DataFrame, list[Problem]]:
    """Parse and check one sheet. Returns the typed rows (all of them, bad ones flagged ``__bad``;
    ``__keyok`` when the key is usable for merging) and the problems of single rows — at most ``cap``
    of them (``sheet.omitted`` counts the rest), so a file of a million bad rows is refused without
    building a million problems. One lazy plan, collected once (see ``_plan``)."""
    typed_lf, problems_lf, total_lf, dup_key = _plan(sheet, cap)
    typed, table, total = pl.collect_all([typed_lf, problems_lf, total_lf])
    sheet.rows = int(total["rows"][0])
    problems = [_problem(sheet, r, dup_key) for r in table.iter_rows(named=True)]
    if cap is not None and len(problems) == cap:
        sheet.omitted = int(total["n"][0] or 0) - cap
    return typed, problems


def _problem(sheet: Sheet, r: dict, dup_key: list[str]) -> Problem:
    row, column, value, reason = r["__row"], r["column"], r["value"], r["reason"]
    if reason == _USCC_BAD:
        reason = uscc.problem(uscc.normalize(value)) or "统一社会信用代码无效"
        en = "invalid unified social credit code"
    elif reason == _DUPLICATE:
        others = "、".join(str(o) for o in r["group"] if o != row)
        what = "同一企业同一年度" if "year" in dup_key else "统一社会信用代码"
        reason = f"{what}重复（另见第{others}行）"
        en = f"duplicate {'/'.join(dup_key)} {r['key']} (also rows {others})"
    else:
        en = EN.get(reason, "")
    return Problem(sheet.file, row, column, value, reason, sheet.name, ERROR, en)


def _missing(f: Field) -> str:
    return msg(f"缺少{f.zh}", f"{f.id} is required")


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
