"""Typed response bodies of the API (they are also the OpenAPI schemas).

Money and ratios are exact decimal strings (万元 for money, as stored); scores are floats at full
precision (they are scores, not money). The enterprise and annual-report schemas are generated from
the data dictionary, like the models, so a new field appears in the API when it appears there.
"""

import datetime as dt
import math
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from ninja import Schema
from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema, create_model

from gaoxin.data.dictionary import Field as DictField
from gaoxin.web.registry.models import ENTERPRISE_COLUMNS, REPORT_COLUMNS

T = TypeVar("T")


def _decimal_string(value: Decimal) -> str:
    return format(value, "f")


# An exact decimal written as a string ("1234.5600"): never a float on the wire.
DecimalString = Annotated[
    Decimal,
    PlainSerializer(_decimal_string, return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"}),
]


def _finite(value):
    return None if isinstance(value, float) and math.isnan(value) else value


# A float that may be missing; NaN (never valid JSON) becomes null.
MaybeFloat = Annotated[float | None, BeforeValidator(_finite)]


def _blank_to_none(value):
    return None if value == "" else value


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]] = []


class Page(Schema, Generic[T]):
    """One page of a list: ``total`` rows match, ``items`` are those from ``offset`` on, at most ``limit``."""

    total: int
    limit: int
    offset: int
    items: list[T]


# --- references --------------------------------------------------------------------------------------


class ZoneRef(Schema):
    id: int
    code: str
    name: str


class BankRef(Schema):
    id: int
    code: str
    name: str


class EnterpriseRef(Schema):
    id: int
    uscc: str
    name: str


# --- registry ----------------------------------------------------------------------------------------


class ZoneOut(ZoneRef):
    target_hightech: int | None = None


def _python_type(f: DictField):
    return {
        "money": DecimalString | None,
        "ratio": DecimalString | None,
        "number": DecimalString | None,
        "int": int | None,
        "bool": bool | None,
        "date": dt.date | None,
    }.get(f.type, Text)


def _describe(f: DictField) -> str:
    unit = f" [{f.unit}]" if f.unit else ""
    exact = "; exact decimal string" if f.type in ("money", "ratio", "number") else ""
    return f"{f.zh} — {f.en}{unit}{exact}"


def _dictionary_fields(columns) -> dict:
    return {f.id: (_python_type(f), Field(None, description=_describe(f))) for f in columns}


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    zone: ZoneRef


EnterpriseDetailOut = create_model(
    "EnterpriseDetailOut",
    __base__=EnterpriseOut,
    __doc__="An enterprise with the data dictionary's enterprise fields.",
    **_dictionary_fields(ENTERPRISE_COLUMNS),
)

AnnualReportOut = create_model(
    "AnnualReportOut",
    __base__=Schema,
    __doc__="One year's report; money in 万元 as exact decimal strings, null when not reported.",
    year=(int, ...),
    **_dictionary_fields(REPORT_COLUMNS),
)


class QualificationOut(Schema):
    kind: str
    kind_name: str
    valid_from: dt.date
    valid_to: dt.date
    certificate_no: Text = None

    @staticmethod
    def resolve_kind_name(obj) -> str:
        return obj.get_kind_display()


# --- credit ------------------------------------------------------------------------------------------


class RunOut(Schema):
    id: int
    zone: ZoneRef
    year: int
    status: str
    model_id: str
    model_version: int
    model_name: str
    model_sha256: str = Field(description="SHA-256 of the model file the run used")
    snapshot_sha256: str = Field(description="SHA-256 of the data snapshot the engine read")
    code_version: str
    scored: int
    created: dt.datetime
    finished: dt.datetime | None = None
    uncertainty: bool = Field(description="whether the run sampled the weights (Monte Carlo)")
    uncertainty_samples: int = Field(description="weightings sampled; 0 without the analysis")
    uncertainty_noise: float = Field(description="relative noise on each weight (±, uniform)")
    uncertainty_seed: int = Field(description="the seed: the same seed gives the same intervals")


class RunDetailOut(RunOut):
    notes: list[str] = []


class ScoreOut(Schema):
    """One enterprise's result in one run; ``cat``/``pts``/``val`` are keyed by category/indicator id."""

    id: int
    run: int
    enterprise: EnterpriseRef
    stage: str
    total: float
    base: float
    bonus: float
    penalty: float
    vetoed: bool
    rank: int
    cohort_size: int
    cat: dict[str, float]
    pts: dict[str, float]
    val: dict[str, MaybeFloat]
    missing: list[str]
    grade: Text = None
    # Only in a run with the uncertainty analysis (null otherwise): the rank's median and 5–95 %
    # interval over the sampled weightings, the total's 5–95 % interval, the share on the same list.
    rank_median: int | None = None
    rank_p05: int | None = None
    rank_p95: int | None = None
    total_p05: float | None = None
    total_p95: float | None = None
    list_share: float | None = Field(None, description="share of weightings on the same list, 0–1")
    list: Text = None  # last: a field named "list" shadows the builtin in the class body

    @staticmethod
    def resolve_run(obj) -> int:
        return obj.run_id

    @staticmethod
    def resolve_cat(obj) -> dict:
        return obj.details.get("cat", {})

    @staticmethod
    def resolve_pts(obj) -> dict:
        return obj.details.get("pts", {})

    @staticmethod
    def resolve_val(obj) -> dict:
        return obj.details.get("val", {})

    @staticmethod
    def resolve_missing(obj):
        return obj.details.get("missing", [])


class IndicatorLineOut(Schema):
    id: str
    name: str
    category: str
    bonus: bool
    method: str
    direction: str
    value: MaybeFloat
    points: float
    full_points: float
    percentile: MaybeFloat = Field(
        description="share of the cohort's reported values this one equals or beats"
    )
    missing: bool


class PenaltyOut(Schema):
    id: str
    name: str
    points: float


class LeverOut(Schema):
    indicator: str
    name: str
    value: MaybeFloat
    target: float
    quartile: str
    points_now: float
    points_after: float
    total_gain: float


class ExplanationOut(Schema):
    run: int
    enterprise: int
    uscc: str
    name: str
    zone: str | None
    year: int
    stage: str
    stage_name: str
    total: float
    base: float
    bonus: float
    penalty: float
    vetoed: bool
    rank: int
    cohort_size: int
    categories: dict[str, float]
    indicators: list[IndicatorLineOut]
    penalties: list[PenaltyOut]
    levers: list[LeverOut]
    data_changed: bool = Field(
        description="true when the register changed since the run: the explanation reads today's data"
    )
    grade: str | None
    list: str | None  # last: a field named "list" shadows the builtin in the class body


class PublishedListOut(Schema):
    id: int
    title: str
    zone: ZoneRef
    run: int
    year: int
    model_name: str
    filters: dict[str, Any]
    banks: list[BankRef] = Field(description="the addressees the caller may see (a bank sees only itself)")
    entries: int
    created: dt.datetime

    @staticmethod
    def resolve_run(obj) -> int:
        return obj.run_id

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.run.year

    @staticmethod
    def resolve_model_name(obj) -> str:
        return obj.run.model_name

    @staticmethod
    def resolve_banks(obj) -> list:
        return list(obj.banks.all())

    @staticmethod
    def resolve_entries(obj) -> int:
        return obj.n_entries


class EntryScoreOut(Schema):
    stage: str
    total: float
    rank: int
    cohort_size: int
    grade: Text = None
    list: Text = None


class ListEntryOut(Schema):
    position: int
    enterprise: EnterpriseRef
    score: EntryScoreOut


# --- the caller and their tokens ---------------------------------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    zone: ZoneRef | None = None
    enterprise: EnterpriseRef | None = None
    bank: BankRef | None = None
    via: str = Field(description='"token" or "session"')


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: dt.datetime
    last_used: dt.datetime | None = None
    revoked: bool
