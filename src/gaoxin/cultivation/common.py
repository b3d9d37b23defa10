"""Shared pieces of the rule sets: band tables, conditions, gap texts, the per-firm feature frame.

Every rule set is a list of :class:`Condition` objects, Polars expressions over one row per firm
(the *feature frame*, :func:`features`): whether the condition is met, the firm's value, the value
required, the unit, and a sentence in Chinese and English that says what closes the gap. The ladder
(``gaoxin.cultivation.ladder``) evaluates them all at once over the whole frame, so a zone of 20,000 firms
and a national run take the same code path and no Python loop runs per firm.

Feature columns: ``<field>_<k>`` is the report field in year ``Y − k`` (``k = 0`` the evaluated
year), e.g. ``revenue_0``, ``revenue_3``; ``has_report_<k>`` whether that report exists;
``held_<tier>`` whether a qualification of that kind is valid on the judging date; plus the
enterprise columns (``established``, ``tech_field``, ``listed_board`` …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from gaoxin.data.dataset import Dataset, schema
from gaoxin.data.dictionary import QUALIFICATION_KINDS

# Bounds are compared with this tolerance, so that 1.15 − 1 counts as 15 % (inclusive lower bounds hold
# for values that are exactly on the bound in decimal but not in binary floating point).
EPS = 1e-9

# How many years back the features reach (Y − 4 … Y): the 5-year windows of the tech-SME direct paths.
YEARS_BACK = 4
# Report fields the rules read for earlier years (every field is there for Y itself).
HISTORY_FIELDS = (
    "revenue", "main_revenue", "rd_expense", "rd_expense_domestic", "net_assets", "total_assets",
    "total_liabilities", "tech_transfers", "equity_financing", "national_award_rank", "provincial_award_rank",
    "maker_china_rank", "standards_led", "serious_dishonesty", "major_incident", "abnormal_operation",
    "development_score",
)  # fmt: skip

# --------------------------------------------------------------------------------------------------
# Bands


@dataclass(frozen=True)
class Band:
    """One row of a scoring table: ``points`` (or the range ``points``–``upto`` an expert picks) for
    values ``≥ lower`` (``> lower`` when ``strict``)."""

    lower: float
    points: float
    upto: float | None = None  # the top of the band's point range, when experts choose within it
    strict: bool = False

    @property
    def top(self) -> float:
        return self.points if self.upto is None else self.upto


def banded(value: pl.Expr, bands: Sequence[Band], below: float = 0.0, top: bool = False) -> pl.Expr:
    """Points of ``value`` in a descending table (first band that the value reaches wins); ``below``
    when it reaches none; null when the value is null. ``top``: the band's upper point instead."""
    expr = None
    for b in bands:
        cond = value > b.lower + EPS if b.strict else value >= b.lower - EPS
        pts = pl.lit(float(b.top if top else b.points))
        expr = pl.when(cond).then(pts) if expr is None else expr.when(cond).then(pts)
    assert expr is not None
    return expr.otherwise(pl.when(value.is_not_null()).then(pl.lit(float(below))))


def next_band(value: pl.Expr, bands: Sequence[Band]) -> tuple[pl.Expr, pl.Expr]:
    """(lower bound, points) of the lowest band above the value's current one; null at the top."""
    lower = points = None
    # bands are descending; walk from the bottom: the first band the value does not reach is next.
    for b in reversed(bands):
        reached = value > b.lower + EPS if b.strict else value >= b.lower - EPS
        cond = ~reached
        if lower is None:
            lower = pl.when(cond).then(pl.lit(float(b.lower)))
            points = pl.when(cond).then(pl.lit(float(b.points)))
        else:
            lower = lower.when(cond).then(pl.lit(float(b.lower)))
            points = points.when(cond).then(pl.lit(float(b.points)))
    assert lower is not None and points is not None
    return lower, points


# --------------------------------------------------------------------------------------------------
# Conditions and texts


@dataclass
class Condition:
    """One requirement of a tier, vectorised.

    ``met``: Boolean expression, null when the data to judge it are missing (then it counts as unmet,
    with a "not reported" text and a shortfall of 1). ``hard``: a known failure makes the firm
    *ineligible* for the tier (a size cap, a veto event). ``waived``: true where a direct path makes
    the condition moot. ``shortfall``: how much is missing as a share of what is required, 0–1 (1 when
    not given); the tier's distance is the sum over unmet conditions.
    """

    id: str
    zh: str
    en: str
    met: pl.Expr
    text_zh: pl.Expr
    text_en: pl.Expr
    actual: pl.Expr | None = None
    required: pl.Expr | None = None
    unit: str = ""
    shortfall: pl.Expr | None = None
    hard: bool = False
    waived: pl.Expr | None = None


def lit(text: str) -> pl.Expr:
    return pl.lit(text, dtype=pl.Utf8)


def num(expr: pl.Expr, digits: int = 2) -> pl.Expr:
    """A number as text: rounded, without trailing zeros, thousands separated (3.60 → 3.6,
    72.00 → 72, 707874.12 → 707,874.12), as the pages print numbers."""
    # the float's shortest text after rounding has no trailing zeros but ".0" (Polars' cast)
    rounded = expr.cast(pl.Float64).round(digits)
    text = rounded.cast(pl.Utf8).str.strip_suffix(".0")
    body = text.str.strip_prefix("-")
    # the integer part grouped by threes from the right: reversed, cut into runs of 1–3 digits, joined
    whole = body.str.extract(r"^(\d+)").str.reverse().str.extract_all(r"\d{1,3}").list.join(",").str.reverse()
    grouped = pl.concat_str(
        [
            pl.when(text.str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit("")),
            whole,
            body.str.extract(r"(\.\d+)$").fill_null(""),
        ]
    )
    plain = pl.when(body.str.contains(r"^\d+(\.\d+)?$")).then(grouped).otherwise(text)  # 1e20 stays
    return pl.when(rounded == 0).then(pl.lit("0")).otherwise(plain)


def pct(expr: pl.Expr, digits: int = 1) -> pl.Expr:
    """A ratio as per cent text: 0.036 → 3.6%."""
    return num(expr * 100.0, digits) + lit("%")


def toward(expr: pl.Expr, digits: int, down: bool) -> pl.Expr:
    """Rounded down (or up) at ``digits`` decimals, so that a value short of a bound never prints as
    the bound itself (4.9999 % → "4.9%", not "5% < 5%")."""
    f = 10.0**digits
    return ((expr * f + 1e-6).floor() / f) if down else ((expr * f - 1e-6).ceil() / f)


def cat(*parts: str | pl.Expr) -> pl.Expr:
    """Concatenate text and expressions; null if any expression is null."""
    return pl.concat_str([lit(p) if isinstance(p, str) else p for p in parts])


def ceil_pos(expr: pl.Expr) -> pl.Expr:
    """max(0, ⌈x⌉) for counts (people, patents)."""
    return expr.ceil().clip(lower_bound=0.0)


def money_up(expr: pl.Expr) -> pl.Expr:
    """An amount in 万元 rounded up to the next 0.01 万元 (100 yuan), so that it surely closes a gap."""
    return ((expr * 100.0 - 1e-9).ceil() / 100.0).clip(lower_bound=0.0)


def safe_div(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """a ÷ b, null when b is null or ≤ 0."""
    return pl.when(b > 0).then(a / b)


def rel_short(actual: pl.Expr, required: pl.Expr | float) -> pl.Expr:
    """(required − actual) ÷ required, within 0..1 (for ≥ conditions)."""
    req = required if isinstance(required, pl.Expr) else pl.lit(float(required))
    return pl.when(req > 0).then(((req - actual) / req).clip(0.0, 1.0)).otherwise(pl.lit(1.0))


def rel_over(actual: pl.Expr, limit: pl.Expr | float) -> pl.Expr:
    """(actual − limit) ÷ limit, within 0..1 (for ≤ conditions)."""
    lim = limit if isinstance(limit, pl.Expr) else pl.lit(float(limit))
    return pl.when(lim > 0).then(((actual - lim) / lim).clip(0.0, 1.0)).otherwise(pl.lit(1.0))


def at_least(
    id: str,
    zh: str,
    en: str,
    actual: pl.Expr,
    required: float | pl.Expr,
    *,
    unit: str = "",
    percent: bool = False,
    fix_zh: pl.Expr | str | None = None,
    fix_en: pl.Expr | str | None = None,
    strict: bool = False,
    hard: bool = False,
    waived: pl.Expr | None = None,
    digits: int = 2,
) -> Condition:
    """``actual ≥ required`` (``>`` when strict) with the standard sentence
    ``<label> <actual> < <required>：<fix>``; ``percent``: the values are ratios shown in %."""
    req = required if isinstance(required, pl.Expr) else pl.lit(float(required))
    met = actual > req + EPS if strict else actual >= req - EPS
    spaced = f" {unit}" if unit and unit != "%" else unit  # "72 万元", as the fixes write it; "3.6%"
    shown = (lambda e: pct(e)) if percent else (lambda e: num(e, digits) + lit(spaced))
    low = toward(actual * 100.0, 1, True) / 100.0 if percent else toward(actual, digits, True)
    op = " ≤ " if strict else " < "
    comparison, short = cat(shown(low), op, shown(req)), rel_short(actual, req)
    return _bound_check(
        id, zh, en, met, actual, req, comparison, short, fix_zh, fix_en, percent, unit, hard, waived
    )


def at_most(
    id: str,
    zh: str,
    en: str,
    actual: pl.Expr,
    limit: float | pl.Expr,
    *,
    unit: str = "",
    percent: bool = False,
    fix_zh: pl.Expr | str | None = None,
    fix_en: pl.Expr | str | None = None,
    hard: bool = False,
    waived: pl.Expr | None = None,
) -> Condition:
    """``actual ≤ limit``: ``<label> <actual> > <limit>``."""
    lim = limit if isinstance(limit, pl.Expr) else pl.lit(float(limit))
    spaced = f" {unit}" if unit and unit != "%" else unit
    shown = (lambda e: pct(e)) if percent else (lambda e: num(e) + lit(spaced))
    high = toward(actual * 100.0, 1, False) / 100.0 if percent else toward(actual, 2, False)
    comparison, over = cat(shown(high), " > ", shown(lim)), rel_over(actual, lim)
    met = actual <= lim + EPS
    return _bound_check(
        id, zh, en, met, actual, lim, comparison, over, fix_zh, fix_en, percent, unit, hard, waived
    )


def _bound_check(
    id: str,
    zh: str,
    en: str,
    met: pl.Expr,
    actual: pl.Expr,
    bound: pl.Expr,
    comparison: pl.Expr,
    shortfall: pl.Expr,
    fix_zh: pl.Expr | str | None,
    fix_en: pl.Expr | str | None,
    percent: bool,
    unit: str,
    hard: bool,
    waived: pl.Expr | None,
) -> Condition:
    """The condition of :func:`at_least` / :func:`at_most`: the sentence ``<label> <comparison>：<fix>``
    in both languages, the values scaled to % when ``percent``."""
    zh_parts: list[str | pl.Expr] = [zh, " ", comparison]
    en_parts: list[str | pl.Expr] = [en, " ", comparison]
    if fix_zh is not None:
        zh_parts += ["：", fix_zh]
    if fix_en is not None:
        en_parts += [": ", fix_en]
    scale = 100.0 if percent else 1.0
    return Condition(
        id,
        zh,
        en,
        met,
        cat(*zh_parts),
        cat(*en_parts),
        actual=actual * scale,
        required=bound * scale,
        unit="%" if percent else unit,
        shortfall=shortfall,
        hard=hard,
        waived=waived,
    )


def flag(
    id: str,
    zh: str,
    en: str,
    met: pl.Expr,
    text_zh: str | pl.Expr,
    text_en: str | pl.Expr,
    *,
    hard: bool = False,
    waived: pl.Expr | None = None,
) -> Condition:
    """A yes/no condition (shortfall 1 when unmet)."""
    tz = lit(text_zh) if isinstance(text_zh, str) else text_zh
    te = lit(text_en) if isinstance(text_en, str) else text_en
    return Condition(
        id,
        zh,
        en,
        met,
        tz,
        te,
        actual=pl.when(met.is_not_null()).then(met.cast(pl.Float64)),
        required=pl.lit(1.0),
        unit="",
        shortfall=pl.lit(1.0),
        hard=hard,
        waived=waived,
    )


def none_of(id: str, zh: str, en: str, events: pl.Expr, text_zh: str, text_en: str) -> Condition:
    """A veto: ``events`` true (known) makes the firm ineligible; null events count as none (a veto
    is a recorded fact, not a value a firm must report)."""
    return flag(id, zh, en, ~events.fill_null(False), text_zh, text_en, hard=True)


def niche_years(tier: str, required: float) -> Condition:
    """Years in the niche market ≥ ``required``: one condition of the specialised-SME and little-giant
    rules of 2022 and 2026, which differ only in the tier (id prefix) and the years required."""
    years = col("niche_years").cast(pl.Float64)
    return at_least(
        f"{tier}.niche_years", "从事特定细分市场年限", "Years in the niche", years, required, unit="年"
    )


def debt_ratio(tier: str, limit: float) -> Condition:
    """Debt ratio ≤ ``limit``: one condition of the specialised-SME and little-giant rules (2022, 2026)."""
    return at_most(f"{tier}.debt_ratio", "资产负债率", "Debt ratio", pl.col("sm_debt"), limit, percent=True)


# --------------------------------------------------------------------------------------------------
# Feature frame


def col(name: str, k: int = 0) -> pl.Expr:
    return pl.col(f"{name}_{k}")


def any_years(name: str, years: int, pred) -> pl.Expr:
    """True when ``pred(col(name, k))`` holds in any of the last ``years`` years (nulls = no)."""
    return pl.any_horizontal([pred(col(name, k)).fill_null(False) for k in range(years)])


def sum_years(name: str, years: int) -> pl.Expr:
    """Sum over the last ``years`` years; null only when every year is null."""
    cols = [col(name, k) for k in range(years)]
    return pl.when(pl.any_horizontal([c.is_not_null() for c in cols])).then(pl.sum_horizontal(cols))


def min_rank(name: str, years: int) -> pl.Expr:
    """Best (lowest) rank over the last ``years`` years; null when none (a rank of 0 means none)."""
    return hmin(*[pl.when(col(name, k) >= 1).then(col(name, k)) for k in range(years)])


def ranked(name: str, years: int) -> pl.Expr:
    """True when a rank ≥ 1 (an award, a listing) is reported in any of the last ``years`` years."""
    return any_years(name, years, lambda c: c >= 1)


def class1(k: int = 0) -> pl.Expr:
    """Class I IP: invention patents + other class I (layout designs, plant varieties, new drugs …)."""
    return pl.sum_horizontal(col("invention_patents", k), col("other_class1_ip", k))


def class2(k: int = 0) -> pl.Expr:
    """Class II IP: utility models + designs + software copyrights (trademarks excluded)."""
    return pl.sum_horizontal(
        col("utility_models", k), col("design_patents", k), col("software_copyrights", k)
    )


def ip_known(k: int = 0) -> pl.Expr:
    return pl.any_horizontal(
        [
            col(c, k).is_not_null()
            for c in (
                "invention_patents",
                "other_class1_ip",
                "utility_models",
                "design_patents",
                "software_copyrights",
            )
        ]
    )


@dataclass
class Features:
    frame: pl.DataFrame
    year: int
    on: dt.date
    held_until: dict[str, str] = field(default_factory=dict)


def materialised(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every column as a full Series. Polars 1.44 keeps a column made from a literal as a
    one-value "scalar column", and some kernels (a filter followed by boolean logic, min/max_horizontal)
    then mix lengths and fail; a frame rebuilt from its Series has none."""
    return pl.DataFrame(frame.get_columns())


def _complete(frame: pl.DataFrame, full: dict[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with every column of ``full`` (absent ones all null), cast and in schema order."""
    n = frame.height
    cols = []
    for c, t in full.items():
        if c in frame.columns:
            cols.append(frame[c].cast(t))
        else:
            cols.append(pl.Series(c, [], dtype=t).extend_constant(None, n))
    return pl.DataFrame(cols)


def features(data: Dataset, year: int, on: dt.date) -> pl.DataFrame:
    """One row per firm (every enterprise, and every USCC with a report in Y−4 … Y): the enterprise
    columns, the report fields of each year Y−k as ``<field>_<k>``, and ``held_<tier>`` /
    ``held_to_<tier>`` (valid on ``on``)."""
    ent_schema = schema("enterprise")
    ent = _complete(data.enterprises, ent_schema)
    rep_schema = schema("report")
    rep = _complete(data.reports, rep_schema)
    rep = rep.filter(pl.col("year").is_between(year - YEARS_BACK, year))
    base = (
        pl.concat([ent.select("uscc"), rep.select("uscc")])
        .unique(maintain_order=True)
        .join(ent.unique("uscc", keep="first"), on="uscc", how="left")
    )
    fields = [c for c in rep_schema if c not in ("uscc", "year")]
    out = base
    for k in range(YEARS_BACK + 1):
        part = rep.filter(pl.col("year") == year - k).unique("uscc", keep="last")
        keep = fields if k == 0 else [c for c in fields if c in HISTORY_FIELDS]
        part = part.select(
            "uscc", pl.lit(True).alias(f"has_report_{k}"), *[pl.col(c).alias(f"{c}_{k}") for c in keep]
        )
        out = out.join(part, on="uscc", how="left")
        out = out.with_columns(pl.col(f"has_report_{k}").fill_null(False))
    q = data.qualifications
    if q.height and {"uscc", "kind", "valid_from", "valid_to"} <= set(q.columns):
        valid = q.filter((pl.col("valid_from") <= on) & (pl.col("valid_to") >= on))
        held = valid.group_by("uscc").agg(
            [
                pl.col("valid_to").filter(pl.col("kind") == kind).max().alias(f"held_to_{kind}")
                for kind in QUALIFICATION_KINDS
            ]
        )
        out = out.join(held, on="uscc", how="left")
    else:
        out = out.with_columns(
            [pl.lit(None, dtype=pl.Date).alias(f"held_to_{k}") for k in QUALIFICATION_KINDS]
        )
    return materialised(
        out.with_columns(
            [pl.col(f"held_to_{k}").is_not_null().alias(f"held_{k}") for k in QUALIFICATION_KINDS]
        )
    )


def held(tier: str) -> pl.Expr:
    return pl.col(f"held_{tier}")


# --------------------------------------------------------------------------------------------------
# Rule sets and the evaluation context


@dataclass(frozen=True)
class RuleSet:
    """Which rules a tier was judged by: id (``tech_sme/2017``), the source document, its dates."""

    id: str
    title_zh: str
    title_en: str
    source: str
    effective_from: dt.date | None
    effective_to: dt.date | None = None
    certainty: str = "C"
    url: str = ""

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Ctx:
    year: int  # the last completed fiscal year
    on: dt.date  # the date "holds" is judged on
    config: object  # LadderConfig

    def p(self, params: dict[str, tuple[float, str]], key: str) -> float:
        """A named threshold: the zone's override or the module's default."""
        over = getattr(self.config, "overrides", None) or {}
        return float(over[key]) if key in over else float(params[key][0])


def ladder_points(value: pl.Expr, bands: Sequence[Band], target: pl.Expr) -> pl.Expr:
    """The lower bound of the lowest band whose points reach ``target``; null when none does."""
    expr = None
    for b in sorted(bands, key=lambda b: b.points):
        cond = target <= b.points
        expr = (
            pl.when(cond).then(pl.lit(float(b.lower)))
            if expr is None
            else expr.when(cond).then(pl.lit(float(b.lower)))
        )
    assert expr is not None
    return expr


def join_texts(parts: Sequence[pl.Expr], sep: str) -> pl.Expr:
    """Texts joined with ``sep``, nulls left out; null when all are null."""
    joined = pl.concat_str(list(parts), separator=sep, ignore_nulls=True)
    return pl.when(joined.str.len_chars() > 0).then(joined)


def hmin(*exprs: pl.Expr | str) -> pl.Expr:
    """Row-wise minimum ignoring nulls (null when all are null). Written with when/then because
    ``pl.min_horizontal`` over all-null computed columns returns one row in Polars 1.44."""
    return _fold(exprs, lambda a, b: b < a)


def hmax(*exprs: pl.Expr | str) -> pl.Expr:
    """Row-wise maximum ignoring nulls (see ``hmin``)."""
    return _fold(exprs, lambda a, b: b > a)


def _fold(exprs, better) -> pl.Expr:
    items = [pl.col(e) if isinstance(e, str) else e for e in exprs]
    if len(items) == 1 and isinstance(exprs[0], list | tuple):
        items = [pl.col(e) if isinstance(e, str) else e for e in exprs[0]]
    acc = items[0]
    for b in items[1:]:
        acc = pl.when(acc.is_null() | (b.is_not_null() & better(acc, b))).then(b).otherwise(acc)
    return acc
