"""Who is eligible for a product, and why not: each condition checked, with the gap when it fails.

``check(product, firm, grades=..., lists=...)`` returns a ``Result`` with one ``Check`` per condition of
the product: ``ok``, a ``code`` naming the condition, the ``required`` and ``actual`` values and, for
numbers, the ``gap`` (e.g. score 71.5 against 75: 3.5 points short). ``Check.text`` words it in English
for logs and tests; the web layer words it in the reader's language from the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from gaoxin.finance.money import to_decimal
from gaoxin.finance.products import Product


@dataclass(frozen=True)
class Firm:
    """What eligibility reads of one firm: its score in the latest run and its register facts."""

    uscc: str
    total: Decimal | None = None  # None: not scored
    grade: str = ""
    stage: str = ""
    list: str = ""  # honour list id ("" for none)
    rank: int | None = None
    cohort_size: int | None = None
    vetoed: bool = False
    industry: str = ""
    tech_field: str = ""
    qualifications: frozenset[str] = frozenset()
    whitelisted: bool = False  # on a white-list published to the product's bank


def score_decimal(total: float | None) -> Decimal | None:
    """A float score as the decimal people read (its shortest repr: 71.5, not 71.4999…)."""
    return None if total is None else Decimal(repr(float(total)))


@dataclass(frozen=True)
class Check:
    code: str  # scored, veto, min_score, min_grade, stage, list, whitelist, industry, tech_field, qualification, top_share
    ok: bool
    required: object = None
    actual: object = None
    gap: Decimal | None = None

    @property
    def text(self) -> str:
        req, act = self.required, self.actual
        if self.code == "scored":
            return "scored in the latest run" if self.ok else "not scored in the latest run"
        if self.code == "veto":
            return "no veto item" if self.ok else "vetoed (serious dishonesty or a major incident)"
        if self.code == "min_score":
            if self.ok:
                return f"score {act} ≥ {req}"
            return f"score {act} < {req}: {_plain(self.gap)} points short"
        if self.code == "min_grade":
            return f"grade {act or '—'} {'meets' if self.ok else 'below'} {req}"
        if self.code == "top_share":
            pct = _plain(Decimal(req.numerator * 100) / Decimal(req.denominator))
            return f"rank {act} {'within' if self.ok else 'outside'} the top {pct} % of its cohort"
        if self.code == "whitelist":
            return "on the bank's white-list" if self.ok else "not on the bank's white-list"
        names = ", ".join(req) if isinstance(req, tuple) else str(req)
        if self.code == "list":
            return f"{'on' if self.ok else 'not on'} list {names}" + (
                "" if self.ok else f" (is on: {act or 'none'})"
            )
        what = {
            "stage": "stage",
            "industry": "industry",
            "tech_field": "tech field",
            "qualification": "qualification",
        }[self.code]
        return f"{what} {act or '—'} {'is' if self.ok else 'is not'} one of {names}"


def _plain(d: Decimal | None) -> str:
    if d is None:
        return ""
    d = d.normalize()
    return format(d, "f")


@dataclass(frozen=True)
class Result:
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def gaps(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


def grade_ok(actual: str, required: str, grades: tuple[str, ...]) -> bool:
    """``actual`` is ``required`` or better; ``grades`` best first (the model's order: A, B, C, D)."""
    if actual not in grades or required not in grades:
        return False
    return grades.index(actual) <= grades.index(required)


def list_ok(actual: str, wanted: tuple[str, ...], lists: tuple[str, ...]) -> bool:
    """On one of ``wanted`` or on a smaller list nested inside it (``lists`` smallest first)."""
    if not actual:
        return False
    if actual in wanted:
        return True
    if actual not in lists:
        return False
    i = lists.index(actual)
    return any(w in lists and i <= lists.index(w) for w in wanted)


def check(
    product: Product, firm: Firm, *, grades: tuple[str, ...] = (), lists: tuple[str, ...] = ()
) -> Result:
    """Every condition of ``product`` checked for ``firm``. A firm not scored, or vetoed, is never
    eligible for a product that asks for anything of its score."""
    e = product.eligibility
    out: list[Check] = []
    needs_score = e.min_score is not None or e.min_grade or e.stages or e.lists or e.top_share is not None
    if needs_score or e.whitelist:
        out.append(Check("scored", firm.total is not None))
        out.append(Check("veto", not firm.vetoed))
    if e.min_score is not None:
        actual = firm.total
        if actual is None:
            out.append(Check("min_score", False, e.min_score, None, e.min_score))
        else:
            actual = to_decimal(actual)
            gap = max(Decimal(0), e.min_score - actual)
            out.append(Check("min_score", actual >= e.min_score, e.min_score, actual, gap))
    if e.min_grade:
        out.append(Check("min_grade", grade_ok(firm.grade, e.min_grade, grades), e.min_grade, firm.grade))
    if e.top_share is not None:
        ok = bool(firm.rank and firm.cohort_size) and Fraction(firm.rank, firm.cohort_size) <= e.top_share
        out.append(
            Check("top_share", ok, e.top_share, f"{firm.rank}/{firm.cohort_size}" if firm.rank else None)
        )
    if e.stages:
        out.append(Check("stage", firm.stage in e.stages, e.stages, firm.stage))
    if e.lists:
        out.append(Check("list", list_ok(firm.list, e.lists, lists), e.lists, firm.list))
    if e.whitelist:
        out.append(Check("whitelist", firm.whitelisted))
    if e.industries:
        ok = any(firm.industry.startswith(p) for p in e.industries) if firm.industry else False
        out.append(Check("industry", ok, e.industries, firm.industry))
    if e.tech_fields:
        out.append(Check("tech_field", firm.tech_field in e.tech_fields, e.tech_fields, firm.tech_field))
    if e.qualifications:
        held = sorted(firm.qualifications & set(e.qualifications))
        out.append(
            Check("qualification", bool(held), e.qualifications, ",".join(sorted(firm.qualifications)))
        )
    return Result(tuple(out))
