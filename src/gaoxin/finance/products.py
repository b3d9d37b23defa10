"""Financial products as plain values: who is eligible, and the terms (credit line, rate, split …).

A product is written as a dict (stored as JSON in the database, or a YAML file a zone or bank edits)
and loaded with ``load_product``: every fault is reported at once, each naming where and what
(``ProductError.faults``), like the scoring models. Numbers that are money or ratios are read as exact
decimals (a YAML float is read through its text, never as a binary float).

Kinds (``KINDS``):

- ``loan`` — a bank's 创新积分贷: eligibility, a credit line (``CreditLineRule``), an annual rate in
  percent and the longest term in months;
- ``guarantee`` — a zone guarantee plan: the share of a loan guaranteed, the fee in percent, the
  largest amount guaranteed per firm;
- ``fund`` — a guidance fund: focus industries / tech fields / stages in its eligibility, the ticket
  size (smallest and largest investment);
- ``subsidy`` — an interest subsidy: the share of the interest paid back, capped per firm;
- ``pool`` — a risk-compensation pool: the loss split between government, guarantor and bank, the
  ceiling on the bad-loan ratio, the warning threshold (a share of the ceiling, or ``warn_ratio`` as a
  bad-loan ratio), the fund size, the coverage limit (``coverage_multiple``: the loans the pool may back
  are at most this multiple of the fund, 10 unless set), the single-borrower concentration limit
  (``borrower_share``: one firm's loans under the pool at most this share of the coverage limit, 0.05
  unless set) and the circuit-breaker (``halt_ratio``: from this bad-loan ratio on, no new loan under
  the pool; above the ceiling unless set). Hubei's rule, for instance, is ``warn_ratio: 0.05``,
  ``halt_ratio: 0.08``.

Example (YAML)::

    kind: loan
    eligibility: {min_score: 60, min_grade: B, stages: [growth, mature], whitelist: true}
    line: {base: 100, uplift: {mode: linear, max: 0.5}, cap: 300, step: 10}
    rate: 3.45
    term_months: 12
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import yaml

from gaoxin.data import safe_yaml
from gaoxin.data.dictionary import QUALIFICATION_KINDS
from gaoxin.finance.money import MoneyError, to_decimal

KINDS = ("loan", "guarantee", "fund", "subsidy", "pool")
PARTIES = ("government", "guarantor", "bank")
QUALIFICATIONS = tuple(QUALIFICATION_KINDS)  # the ladder's tiers, as the data dictionary names them


@dataclass(frozen=True)
class Fault:
    where: str  # e.g. "line.cap", "eligibility.min_grade"
    fault: str

    def __str__(self) -> str:
        return f"{self.where}: {self.fault}"


class ProductError(ValueError):
    def __init__(self, faults: list[Fault], name: str = "product"):
        self.faults = faults
        self.name = name
        super().__init__("\n".join(f"{name}: {f}" for f in faults))


@dataclass(frozen=True)
class Eligibility:
    """Who may have the product. Every condition left empty is no condition."""

    min_score: Decimal | None = None  # total score at least this
    min_grade: str | None = None  # this grade or a better one (the model's grade order)
    stages: tuple[str, ...] = ()  # one of these stages
    lists: tuple[str, ...] = ()  # on one of these honour lists (or a smaller list nested in it)
    whitelist: bool = False  # on a white-list published to the product's bank
    industries: tuple[str, ...] = ()  # industry code starting with one of these
    tech_fields: tuple[str, ...] = ()  # one of these high-tech fields
    qualifications: tuple[str, ...] = ()  # holds at least one of these qualifications (the tier)
    top_share: Fraction | None = None  # rank within the top share of its cohort (e.g. 0.2)


@dataclass(frozen=True)
class CreditLineRule:
    """line = min(cap, floor_to_step(base × (1 + uplift(percentile))))."""

    base: Decimal
    cap: Decimal
    step: Decimal = Decimal("1")
    mode: str = "none"  # none | linear | bands
    max_uplift: Decimal = Decimal("0")  # linear: uplift = max × percentile
    bands: tuple[tuple[Fraction, Decimal], ...] = ()  # bands: (top share, uplift), best band first


@dataclass(frozen=True)
class Product:
    kind: str
    eligibility: Eligibility = field(default_factory=Eligibility)
    line: CreditLineRule | None = None  # loan
    rate: Decimal | None = None  # loan: annual rate, percent
    term_months: int | None = None  # loan: longest term
    guarantee_share: Decimal | None = None  # guarantee: share of the loan guaranteed (0–1]
    fee_rate: Decimal | None = None  # guarantee: annual fee, percent
    max_amount: Decimal | None = None  # guarantee: largest amount per firm
    ticket_min: Decimal | None = None  # fund
    ticket_max: Decimal | None = None  # fund
    subsidy_share: Decimal | None = None  # subsidy: share of the interest paid back (0–1]
    subsidy_cap: Decimal | None = None  # subsidy: largest amount per firm and year
    split: tuple[tuple[str, Decimal], ...] = ()  # pool: party → weight, e.g. 2:6:2
    ceiling: Decimal | None = None  # pool: bad-loan ratio ceiling (0.03)
    warn_at: Decimal = Decimal("0.8")  # pool: warn at this share of the ceiling
    fund_size: Decimal | None = None  # pool: the compensation fund
    warn_ratio: Decimal | None = None  # pool: warn from this bad-loan ratio (else warn_at × ceiling)
    halt_ratio: Decimal | None = None  # pool: circuit-breaker, no new loans from this ratio (else > ceiling)
    coverage_multiple: Decimal = Decimal("10")  # pool: loans backed ≤ this multiple of the fund
    borrower_share: Decimal = Decimal("0.05")  # pool: one firm's loans ≤ this share of the coverage limit


# --- loading ---------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def fault(self, where: str, text: str) -> None:
        self.faults.append(Fault(where, text))

    def mapping(self, raw, where: str) -> dict:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fault(where, "must be a mapping")
            return {}
        return raw

    def unknown(self, raw: dict, allowed: set[str], where: str) -> None:
        for key in raw:
            if key not in allowed:
                self.fault(
                    f"{where}.{key}" if where else str(key),
                    f"unknown key (allowed: {', '.join(sorted(allowed))})",
                )

    def decimal(
        self, raw: dict, key: str, where: str, *, required=False, low=None, high=None, low_open=False
    ):
        path = f"{where}.{key}" if where else key
        value = raw.get(key)
        if value is None or value == "":
            if required:
                self.fault(path, "is required")
            return None
        try:
            d = to_decimal(str(value) if isinstance(value, float) else value)
        except MoneyError:
            self.fault(path, f"{value!r} is not a number")
            return None
        if low is not None and (d <= low if low_open else d < low):
            self.fault(path, f"{d} must be {'greater than' if low_open else 'at least'} {low}")
        if high is not None and d > high:
            self.fault(path, f"{d} must be at most {high}")
        return d

    def fraction(self, raw: dict, key: str, where: str):
        d = self.decimal(raw, key, where, low=Decimal(0), high=Decimal(1), low_open=True)
        return None if d is None else Fraction(str(d))

    def strings(self, raw: dict, key: str, where: str, choices=None) -> tuple[str, ...]:
        path = f"{where}.{key}" if where else key
        value = raw.get(key)
        if value in (None, "", []):
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.fault(path, "must be a list of names")
            return ()
        out = tuple(str(v).strip() for v in value if str(v).strip())
        if choices is not None:
            for v in out:
                if v not in choices:
                    self.fault(path, f"unknown value {v!r} (choose from: {', '.join(choices)})")
        return out

    def integer(self, raw: dict, key: str, where: str, *, required=False, low=1):
        path = f"{where}.{key}" if where else key
        value = raw.get(key)
        if value in (None, ""):
            if required:
                self.fault(path, "is required")
            return None
        try:
            n = int(str(value))
        except ValueError:
            self.fault(path, f"{value!r} is not a whole number")
            return None
        if n < low:
            self.fault(path, f"{n} must be at least {low}")
        return n


def _eligibility(r: _Reader, raw, *, stages=None, grades=None, lists=None, tech_fields=None) -> Eligibility:
    raw = r.mapping(raw, "eligibility")
    allowed = {
        "min_score",
        "min_grade",
        "stages",
        "lists",
        "whitelist",
        "industries",
        "tech_fields",
        "qualifications",
        "top_share",
    }
    r.unknown(raw, allowed, "eligibility")
    grade = raw.get("min_grade") or None
    if grade is not None:
        grade = str(grade)
        if grades is not None and grade not in grades:
            r.fault("eligibility.min_grade", f"unknown grade {grade!r} (grades: {', '.join(grades)})")
    whitelist = raw.get("whitelist", False)
    if not isinstance(whitelist, bool):
        r.fault("eligibility.whitelist", "must be true or false")
        whitelist = False
    return Eligibility(
        min_score=r.decimal(raw, "min_score", "eligibility", low=Decimal(0)),
        min_grade=grade,
        stages=r.strings(raw, "stages", "eligibility", stages),
        lists=r.strings(raw, "lists", "eligibility", lists),
        whitelist=whitelist,
        industries=r.strings(raw, "industries", "eligibility"),
        tech_fields=r.strings(raw, "tech_fields", "eligibility", tech_fields),
        qualifications=r.strings(raw, "qualifications", "eligibility", QUALIFICATIONS),
        top_share=r.fraction(raw, "top_share", "eligibility"),
    )


def _line(r: _Reader, raw) -> CreditLineRule | None:
    if raw is None:
        r.fault("line", "is required for a loan")
        return None
    raw = r.mapping(raw, "line")
    r.unknown(raw, {"base", "cap", "step", "uplift"}, "line")
    base = r.decimal(raw, "base", "line", required=True, low=Decimal(0), low_open=True)
    cap = r.decimal(raw, "cap", "line", required=True, low=Decimal(0), low_open=True)
    step = r.decimal(raw, "step", "line", low=Decimal(0), low_open=True) or Decimal("1")
    if base is not None and cap is not None and cap < base:
        r.fault("line.cap", f"the cap {cap} is below the base line {base}")
    uplift = r.mapping(raw.get("uplift"), "line.uplift")
    r.unknown(uplift, {"mode", "max", "bands"}, "line.uplift")
    mode = str(uplift.get("mode") or ("none" if not uplift else ""))
    max_uplift, bands = Decimal(0), ()
    if mode == "linear":
        max_uplift = r.decimal(uplift, "max", "line.uplift", required=True, low=Decimal(0)) or Decimal(0)
    elif mode == "bands":
        rows = uplift.get("bands")
        parsed = []
        if not isinstance(rows, list) or not rows:
            r.fault("line.uplift.bands", "must be a list of {top, uplift}")
        else:
            for n, row in enumerate(rows):
                where = f"line.uplift.bands[{n}]"
                row = r.mapping(row, where)
                r.unknown(row, {"top", "uplift"}, where)
                top = r.fraction(row, "top", where)
                up = r.decimal(row, "uplift", where, required=True, low=Decimal(0))
                if top is None and "top" not in row:
                    r.fault(f"{where}.top", "is required")
                if top is not None and up is not None:
                    parsed.append((top, up))
            parsed.sort(key=lambda b: b[0])
            for (t1, u1), (t2, u2) in itertools.pairwise(parsed):
                if t1 == t2:
                    r.fault("line.uplift.bands", f"two bands for the top {t1}")
                elif u2 > u1:
                    r.fault(
                        "line.uplift.bands",
                        f"a wider band (top {float(t2):g}) may not give more uplift than a narrower one",
                    )
            bands = tuple(parsed)
    elif mode != "none":
        r.fault("line.uplift.mode", f"unknown mode {mode!r} (none, linear, bands)")
    if base is None or cap is None:
        return None
    return CreditLineRule(base=base, cap=cap, step=step, mode=mode, max_uplift=max_uplift, bands=bands)


# A risk pool's numbers besides its split, in the order a form shows them.
POOL_KEYS = (
    "ceiling",
    "warn_at",
    "fund_size",
    "warn_ratio",
    "halt_ratio",
    "coverage_multiple",
    "borrower_share",
)

KIND_KEYS = {
    "loan": {"line", "rate", "term_months"},
    "guarantee": {"guarantee_share", "fee_rate", "max_amount"},
    "fund": {"ticket_min", "ticket_max"},
    "subsidy": {"subsidy_share", "subsidy_cap"},
    "pool": {"split", *POOL_KEYS},
}


def load_product(
    raw: Any, name: str = "product", *, stages=None, grades=None, lists=None, tech_fields=None
) -> Product:
    """A product from a dict; raises ``ProductError`` listing every fault.

    ``stages``, ``grades`` and ``lists`` (ids from the zone's scoring model) and ``tech_fields``, when
    given, are the values eligibility may name.
    """
    r = _Reader()
    if not isinstance(raw, dict):
        raise ProductError([Fault("product", "must be a mapping")], name)
    kind = raw.get("kind")
    if kind not in KINDS:
        r.fault("kind", f"unknown kind {kind!r} (choose from: {', '.join(KINDS)})")
        raise ProductError(r.faults, name)
    r.unknown(raw, {"kind", "eligibility"} | KIND_KEYS[kind], "")
    elig = _eligibility(
        r, raw.get("eligibility"), stages=stages, grades=grades, lists=lists, tech_fields=tech_fields
    )
    kw: dict[str, Any] = {}
    hundred, one = Decimal(100), Decimal(1)
    if kind == "loan":
        kw["line"] = _line(r, raw.get("line"))
        kw["rate"] = r.decimal(raw, "rate", "", required=True, low=Decimal(0), high=Decimal(36))
        kw["term_months"] = r.integer(raw, "term_months", "", required=True)
    elif kind == "guarantee":
        kw["guarantee_share"] = r.decimal(
            raw, "guarantee_share", "", required=True, low=Decimal(0), high=one, low_open=True
        )
        kw["fee_rate"] = r.decimal(raw, "fee_rate", "", required=True, low=Decimal(0), high=hundred)
        kw["max_amount"] = r.decimal(raw, "max_amount", "", required=True, low=Decimal(0), low_open=True)
    elif kind == "fund":
        kw["ticket_min"] = r.decimal(raw, "ticket_min", "", required=True, low=Decimal(0), low_open=True)
        kw["ticket_max"] = r.decimal(raw, "ticket_max", "", required=True, low=Decimal(0), low_open=True)
        if (
            kw["ticket_min"] is not None
            and kw["ticket_max"] is not None
            and kw["ticket_max"] < kw["ticket_min"]
        ):
            r.fault("ticket_max", f"{kw['ticket_max']} is below ticket_min {kw['ticket_min']}")
    elif kind == "subsidy":
        kw["subsidy_share"] = r.decimal(
            raw, "subsidy_share", "", required=True, low=Decimal(0), high=one, low_open=True
        )
        kw["subsidy_cap"] = r.decimal(raw, "subsidy_cap", "", required=True, low=Decimal(0), low_open=True)
    elif kind == "pool":
        split = r.mapping(raw.get("split"), "split")
        if not split:
            r.fault(
                "split",
                "is required: the weights of government, guarantor and bank, e.g. {government: 2, guarantor: 6, bank: 2}",
            )
        r.unknown(split, set(PARTIES), "split")
        weights = []
        for party in PARTIES:
            w = r.decimal(split, party, "split", low=Decimal(0))
            weights.append((party, w if w is not None else Decimal(0)))
        if split and sum(w for _, w in weights) <= 0:
            r.fault("split", "the weights must not all be 0")
        kw["split"] = tuple(weights)
        kw["ceiling"] = r.decimal(raw, "ceiling", "", required=True, low=Decimal(0), high=one, low_open=True)
        warn = r.decimal(raw, "warn_at", "", low=Decimal(0), high=one, low_open=True)
        kw["warn_at"] = warn if warn is not None else Decimal("0.8")
        kw["fund_size"] = r.decimal(raw, "fund_size", "", required=True, low=Decimal(0), low_open=True)
        kw["warn_ratio"] = r.decimal(raw, "warn_ratio", "", low=Decimal(0), high=one, low_open=True)
        kw["halt_ratio"] = r.decimal(raw, "halt_ratio", "", low=Decimal(0), high=one, low_open=True)
        if (
            kw["warn_ratio"] is not None
            and kw["halt_ratio"] is not None
            and kw["halt_ratio"] < kw["warn_ratio"]
        ):
            r.fault(
                "halt_ratio",
                f"the halt ratio {kw['halt_ratio']} is below the warning ratio {kw['warn_ratio']}",
            )
        multiple = r.decimal(raw, "coverage_multiple", "", low=Decimal(0), low_open=True)
        kw["coverage_multiple"] = multiple if multiple is not None else Decimal("10")
        share = r.decimal(raw, "borrower_share", "", low=Decimal(0), high=one, low_open=True)
        kw["borrower_share"] = share if share is not None else Decimal("0.05")
    if r.faults:
        raise ProductError(r.faults, name)
    return Product(kind=kind, eligibility=elig, **kw)


def loads_product(text: str | bytes, name: str = "product", **choices) -> Product:
    """A product from YAML (or JSON) text; a YAML syntax error is a fault too."""
    try:
        raw = safe_yaml.load(text)  # bounded in size, depth and aliases
    except yaml.YAMLError as exc:
        raise ProductError([Fault("file", f"not valid YAML: {exc}")], name) from None
    return load_product(raw, name, **choices)


def dump_product(p: Product) -> dict:
    """The dict ``load_product`` reads back to an equal product (decimals as strings, for JSON)."""
    e = p.eligibility
    elig: dict[str, Any] = {}
    if e.min_score is not None:
        elig["min_score"] = str(e.min_score)
    if e.min_grade:
        elig["min_grade"] = e.min_grade
    for key in ("stages", "lists", "industries", "tech_fields", "qualifications"):
        if getattr(e, key):
            elig[key] = list(getattr(e, key))
    if e.whitelist:
        elig["whitelist"] = True
    if e.top_share is not None:
        elig["top_share"] = str(Decimal(e.top_share.numerator) / Decimal(e.top_share.denominator))
    out: dict[str, Any] = {"kind": p.kind, "eligibility": elig}
    if p.kind == "loan" and p.line is not None:
        line: dict[str, Any] = {"base": str(p.line.base), "cap": str(p.line.cap), "step": str(p.line.step)}
        if p.line.mode == "linear":
            line["uplift"] = {"mode": "linear", "max": str(p.line.max_uplift)}
        elif p.line.mode == "bands":
            line["uplift"] = {
                "mode": "bands",
                "bands": [
                    {"top": str(Decimal(t.numerator) / Decimal(t.denominator)), "uplift": str(u)}
                    for t, u in p.line.bands
                ],
            }
        out |= {"line": line, "rate": str(p.rate), "term_months": p.term_months}
    for key in sorted(KIND_KEYS[p.kind] - {"line", "rate", "term_months", "split"}):
        value = getattr(p, key)
        if value is not None:
            out[key] = str(value)
    if p.kind == "pool":
        out["split"] = {party: str(w) for party, w in p.split}
    return out
