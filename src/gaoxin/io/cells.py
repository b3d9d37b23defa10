"""Vectorised cell parsing: Utf8 columns in, canonical values plus a reason column out.

Every parser reads a *cleaned* string column ``src`` (trimmed; missing markers already null) and adds to a
``Plan`` the expressions that make column ``out`` (the value in its canonical dtype) and ``out~why`` (null
when the cell is fine, else a Chinese reason). Nothing loops over rows in Python; the caller turns only
the non-null reasons into Problem objects.

Why a plan of stages: an intermediate (the normalised text of a number, say) is used by several later
expressions, and Polars would evaluate a repeated sub-expression once per use. Writing intermediates to
temporary columns (``out~…``) stage by stage computes each once, and each stage still runs all columns
in parallel.
"""

from __future__ import annotations

import polars as pl

from gaoxin.data.dictionary import QUALIFICATION_KINDS, Field
from gaoxin.io import safe
from gaoxin.io.headers import Header
from gaoxin.io.problems import msg

# Cells that mean "not reported". Compared after trimming and lower-casing. Never 0: a missing value is
# not the same as a reported zero. (无 is *not* here: it is an rd_institution level and a boolean.)
MISSING = ("", "-", "--", "—", "——", "－", "na", "n/a", "#n/a", "null", "none", "nan", "无数据", "/", "／")

# Full-width digits and signs people type with a Chinese input method.
_FW_FROM = [*"０１２３４５６７８９", "．", "，", "－", "＋", "％", "−", "ｅ", "Ｅ"]
_FW_TO = [*"0123456789", ".", ",", "-", "+", "%", "-", "e", "E"]

NOT_NUMBER = msg("不是有效的数字", "not a valid number")
NOT_WHOLE = msg("不是整数", "not a whole number")
NOT_DATE = msg(
    "不是有效的日期（可用 YYYY-MM-DD、YYYY/M/D、YYYY年M月D日 或 Excel 日期）",
    "not a valid date (use YYYY-MM-DD, YYYY/M/D, YYYY年M月D日 or an Excel date)",
)
YEAR_ONLY = msg("只有年份，不是完整日期", "a year only, not a full date")
NOT_BOOL = msg("不是有效的是/否值（可用 是/否、true/false、1/0、Y/N、有/无）", "not a yes/no value")
BAD_INDUSTRY = msg(
    "不是有效的国民经济行业代码（门类字母加至多4位数字，如 I6513，或纯数字）",
    "not a GB/T 4754-2017 industry code (e.g. I6513)",
)

_POW10 = [10.0**i for i in range(23)]  # exact doubles: 10**22 is the largest exactly representable


class Plan:
    """Expressions in stages; an expression may use the columns made by earlier stages."""

    def __init__(self) -> None:
        self.stages: list[list[pl.Expr]] = []

    def add(self, stage: int, *exprs: pl.Expr) -> None:
        while len(self.stages) <= stage:
            self.stages.append([])
        self.stages[stage].extend(exprs)

    def apply(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        for stage in self.stages:
            lf = lf.with_columns(stage)
        return lf


def clean(raw: pl.Expr) -> pl.Expr:
    """Trim; turn the missing markers into null."""
    s = raw.str.strip_chars()
    return pl.when(s.str.to_lowercase().is_in(MISSING)).then(None).otherwise(s)


def why(out: str) -> str:
    """The name of the reason column of value column ``out``."""
    return f"{out}~why"


def _pow10(p: pl.Expr) -> pl.Expr:
    return p.clip(0, 22).replace_strict(list(range(23)), _POW10, return_dtype=pl.Float64)


def _failed(plan: Plan, at: int, src: str, out: str, reason: str) -> None:
    """The reason column: ``reason`` where there was text but no value came of it."""
    failed = pl.col(src).is_not_null() & pl.col(out).is_null()
    plan.add(at, pl.when(failed).then(pl.lit(reason)).alias(why(out)))


def number(
    plan: Plan, src: str, out: str, exp10: int = 0, percent_ok: bool = False, suffix: str = "", at: int = 0
) -> int:
    """A decimal number scaled by 10**exp10; thousands separators (``1,234.5``, ``1 234``) accepted.

    ``percent_ok``: a cell written ``12.5%`` means 0.125 (unless the header already says %, exp10 = -2).
    When scaling, the value is computed as ``mantissa / 10**k`` from the digits themselves so there is a
    single rounding: ``1234567`` 元 is exactly the double nearest 123.4567 万元, as if typed in 万元.
    Starts at stage ``at``; returns the stage of the reason column.
    """
    col, t = pl.col, f"{out}~t"
    s = col(src).str.replace_many(_FW_FROM, _FW_TO).str.replace_all(r"\s", "").str.strip_chars_start("¥￥")
    plan.add(at, (s.str.strip_suffix(suffix) if suffix else s).alias(t))
    text = col(t).str.strip_suffix("%") if percent_ok else col(t)
    pct = col(t).str.ends_with("%") if percent_ok and exp10 != -2 else pl.lit(False)
    commas_ok = ~text.str.contains(",", literal=True) | text.str.contains(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
    plan.add(
        at + 1,
        pct.alias(f"{out}~pct"),
        commas_ok.alias(f"{out}~ok"),
        text.str.replace_all(",", "", literal=True).alias(t),
    )
    shape_ok = col(f"{out}~ok") & col(t).str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$")
    if exp10 == 0 and not percent_ok:
        plan.add(at + 2, pl.when(shape_ok).then(col(t).cast(pl.Float64, strict=False)).alias(out))
        _failed(plan, at + 3, src, out, NOT_NUMBER)
        return at + 3
    g = col(t).str.extract_groups(r"^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")
    fp = g.struct.field("3").fill_null("")
    exp = pl.lit(exp10) + pl.when(col(f"{out}~pct")).then(-2).otherwise(0)
    plan.add(
        at + 2,
        shape_ok.alias(f"{out}~ok"),
        (g.struct.field("1") == "-").alias(f"{out}~neg"),
        (g.struct.field("2").fill_null("") + fp).str.strip_chars_start("0").alias(f"{out}~d"),
        (g.struct.field("4").fill_null("0").cast(pl.Int64, strict=False) + exp - fp.str.len_chars()).alias(
            f"{out}~p"
        ),
        exp.alias(f"{out}~e"),
    )
    d, p, e = col(f"{out}~d"), col(f"{out}~p"), col(f"{out}~e")
    m = pl.when(d == "").then(0).otherwise(d.str.slice(0, 18).cast(pl.Int64, strict=False)).cast(pl.Float64)
    exact = pl.when(p >= 0).then(m * _pow10(p)).otherwise(m / _pow10(-p))
    exact = pl.when(col(f"{out}~neg")).then(-exact).otherwise(exact)
    # Beyond 15 significant digits or 10**±22 the exact route is not exact any more: scale a float.
    rough = col(t).cast(pl.Float64, strict=False) * pl.when(e >= 0).then(_pow10(e)).otherwise(1 / _pow10(-e))
    value = pl.when((d.str.len_chars() <= 15) & (p.abs() <= 22)).then(exact).otherwise(rough)
    plan.add(at + 3, pl.when(col(f"{out}~ok")).then(value).alias(out))
    _failed(plan, at + 4, src, out, NOT_NUMBER)
    return at + 4


def integer(plan: Plan, src: str, out: str, f: Field) -> None:
    """A whole number; ``120``, ``1,200``, ``120.0`` and ``120人`` (the field's own unit) are fine."""
    at = 0
    if f.id == "year":  # 2023年 and 2023年度 are how people write a year
        plan.add(0, pl.col(src).str.strip_suffix("度").str.strip_suffix("年").alias(f"{out}~y"))
        src, at = f"{out}~y", 1
    num = f"{out}~n"
    at = number(plan, src, num, suffix=f.unit, at=at)
    v = pl.col(num)
    whole = (v == v.floor()) & (v.abs() < 2.0**53)
    plan.add(at, pl.when(whole).then(v).cast(pl.Int64).alias(out), whole.alias(f"{out}~w"))
    reason = pl.when(v.is_not_null() & ~pl.col(f"{out}~w")).then(pl.lit(NOT_WHOLE))
    plan.add(at + 1, pl.coalesce(pl.col(why(num)), reason).alias(why(out)))


_SERIAL_MIN, _SERIAL_MAX = 61, 2958465  # Excel serials from 1900-03-01 to 9999-12-31
_EXCEL_EPOCH_OFFSET = 25569  # serial of 1970-01-01


def date(plan: Plan, src: str, out: str) -> None:
    """``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY.M.D``, ``YYYY年M月D日``, ``YYYYMMDD`` or an Excel serial number.

    A time of day after the date (from datetime cells or exports) is ignored.
    """
    col, t = pl.col, f"{out}~t"
    s = col(src).str.replace_many(_FW_FROM, _FW_TO).str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
    plan.add(0, s.alias(t))
    ymd = col(t).str.replace_all(r"[年月/.]", "-").str.replace(r"日$", "")
    g = ymd.str.extract_groups(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
    iso = pl.concat_str(
        g.struct.field("1"), g.struct.field("2").str.zfill(2), g.struct.field("3").str.zfill(2), separator="-"
    )
    # A bare year such as 2020 would be a valid serial (1905-07-12); it is far likelier a mistake.
    year_only = col(t).str.contains(r"^(19|20)\d{2}$|^2100$")
    n = col(t).cast(pl.Float64, strict=False)
    serial = pl.when(
        col(t).str.contains(r"^\d+(\.\d+)?$") & ~year_only & n.is_between(_SERIAL_MIN, _SERIAL_MAX)
    )
    plan.add(
        1,
        iso.str.to_date("%Y-%m-%d", strict=False).alias(f"{out}~iso"),
        pl.when(col(t).str.contains(r"^\d{8}$"))
        .then(col(t).str.to_date("%Y%m%d", strict=False))
        .alias(f"{out}~c"),
        serial.then((n.floor() - _EXCEL_EPOCH_OFFSET).cast(pl.Int32)).cast(pl.Date).alias(f"{out}~s"),
        year_only.alias(f"{out}~yo"),
    )
    plan.add(2, pl.coalesce(col(f"{out}~iso"), col(f"{out}~c"), col(f"{out}~s")).alias(out))
    failed = col(src).is_not_null() & col(out).is_null()
    plan.add(
        3,
        pl.when(failed)
        .then(pl.when(col(f"{out}~yo")).then(pl.lit(YEAR_ONLY)).otherwise(pl.lit(NOT_DATE)))
        .alias(why(out)),
    )


_BOOL = {
    **dict.fromkeys(["是", "true", "1", "1.0", "y", "yes", "t", "有", "√", "✓", "对"], True),
    **dict.fromkeys(["否", "false", "0", "0.0", "n", "no", "f", "无", "×", "✗", "错"], False),
}


def boolean(plan: Plan, src: str, out: str) -> None:
    value = pl.col(src).str.to_lowercase().replace_strict(_BOOL, default=None, return_dtype=pl.Boolean)
    plan.add(0, value.alias(out))
    _failed(plan, 1, src, out, NOT_BOOL)


_QUOTES = "“”\"'‘’「」『』"


def _enum_key(s: str) -> str:
    return "".join(ch for ch in s if ch not in _QUOTES and not ch.isspace()).lower()


def _enum_table(f: Field) -> dict[str, str]:
    table = {_enum_key(v): v for v in f.choices}
    if f.id == "kind":  # qualification kinds may be written by id or by Chinese name
        table |= {_enum_key(zh): kind for kind, zh in QUALIFICATION_KINDS.items()}
    return table


def enum(plan: Plan, src: str, out: str, f: Field) -> None:
    key = pl.col(src).str.replace_all(f"[{_QUOTES}\\s]", "").str.to_lowercase()
    plan.add(0, key.replace_strict(_enum_table(f), default=None, return_dtype=pl.Utf8).alias(out))
    shown = [QUALIFICATION_KINDS[k] for k in f.choices] if f.id == "kind" else list(f.choices)
    reason = msg(f"不在可选值中（可选：{'、'.join(shown)}）", f"not one of the allowed values of {f.id}")
    _failed(plan, 1, src, out, reason)


# The register's text columns hold 200 characters (the certificate number 100); a longer cell, or one
# with a control character (a NUL byte, a line break inside a name), is a cell error at preview rather
# than a database error at apply.
TEXT_MAX = {"certificate_no": 100}
TEXT_MAX_DEFAULT = 200
CONTROL = r"[\x00-\x1f\x7f]"
HAS_CONTROL = msg(
    "含有控制字符（如零字节、换行），请删除", "contains a control character (NUL, line break …)"
)
# What a spreadsheet program would take for a formula (OWASP's list, as ``gaoxin.io.safe`` neutralises it).
FORMULA_START = safe.FORMULA_PATTERN


def too_long(longest: int) -> str:
    return msg(f"过长：最多 {longest} 个字符", f"too long: at most {longest} characters")


def clean_text(raw: pl.Expr) -> pl.Expr:
    """``clean`` for a text field, except that trimming never turns a cell into a formula: a cell
    written ``\t=2+3`` (a tab is how some programs neutralise a formula) keeps the neutralisation as
    the apostrophe ``'=2+3`` instead of becoming ``=2+3``."""
    s = clean(raw)
    exposed = raw.str.contains(r"^\s") & s.str.contains(FORMULA_START)
    return pl.when(exposed).then(pl.lit("'") + s).otherwise(s)


def text(plan: Plan, src: str, out: str, f: Field) -> None:
    c = pl.col(src)
    longest = TEXT_MAX.get(f.id, TEXT_MAX_DEFAULT)
    n = c.str.len_chars()
    checks = pl.when(c.str.contains(CONTROL)).then(pl.lit(HAS_CONTROL))
    checks = checks.when(n > longest).then(pl.lit(too_long(longest)))
    if f.id == "industry":
        v = c.str.to_uppercase()
        plan.add(0, pl.when(v.str.contains(r"^([A-T]?\d{2,4}|[A-T])$")).then(v).alias(out))
        _failed(plan, 1, src, out, BAD_INDUSTRY)
        return
    # USCC: upper-cased as the dictionary asks; its validity is checked by validate.uscc_ok.
    bad = c.str.contains(CONTROL) | (n > longest)
    value = c.str.to_uppercase() if f.id == "uscc" else c
    plan.add(0, pl.when(bad).then(None).otherwise(value).alias(out), checks.otherwise(None).alias(why(out)))


def parse(plan: Plan, src: str, out: str, h: Header) -> None:
    """Add the parsing of cleaned column ``src`` under mapped header ``h`` to ``plan``."""
    f = h.field
    assert f is not None
    if f.type in ("money", "number"):
        number(plan, src, out, h.exp10)
    elif f.type == "ratio":
        number(plan, src, out, -2 if h.percent else 0, percent_ok=True)
    elif f.type == "int":
        integer(plan, src, out, f)
    elif f.type == "date":
        date(plan, src, out)
    elif f.type == "bool":
        boolean(plan, src, out)
    elif f.type == "enum":
        enum(plan, src, out, f)
    else:
        text(plan, src, out, f)
