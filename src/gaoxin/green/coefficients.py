"""Versioned coefficient sets (折标系数) and emission-factor sets, read from data files.

A coefficient set is a TOML file (see ``sets/``): an id, a version, a basis (``equivalent`` 当量值 or
``substitution`` 等价值), the standard and source, and per carrier its Chinese name, kind (electricity,
fossil, heat, non_fossil), the unit its coefficient is given per, the coefficient in kgce per that unit,
whether the value is confirmed, and where it comes from. An emission-factor set has per carrier kg CO₂
per unit with the same status and source. A zone may upload its own set; the same parser checks it and
names the file, the carrier and the fault.

Every figure computed with a set carries ``ref`` (id, version and a hash of the content), so that a
figure always says which coefficients it used and a change of set is seen and recomputed.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from gaoxin.green.units import dimension

SETS_DIR = Path(__file__).parent / "sets"
BASES = {
    "equivalent": ("当量值", "calorific equivalent"),
    "substitution": ("等价值", "fossil-fuel equivalent"),
}
KINDS = {
    "electricity": ("电力", "electricity"),
    "fossil": ("化石能源", "fossil fuel"),
    "heat": ("热力", "heat"),
    "non_fossil": ("非化石能源（生物质等）", "non-fossil (biomass …)"),
}
STATUSES = ("confirmed", "unconfirmed")


class CoefficientError(ValueError):
    """A set file that cannot be used, with the file, the carrier and the fault."""


@dataclass(frozen=True)
class Coefficient:
    carrier: str
    zh: str
    en: str
    kind: str
    unit: str
    kgce: Decimal  # kg of standard coal per ``unit``
    confirmed: bool
    source: str


@dataclass(frozen=True)
class CoefficientSet:
    id: str
    version: str
    name: str
    name_en: str
    basis: str
    standard: str
    source: str
    carriers: dict[str, Coefficient]
    digest: str  # sha256 of the file's text, first 12 hex digits
    default: bool = False

    @property
    def ref(self) -> str:
        """What a figure records: ``gbt2589-2020-equivalent@2020#1a2b3c4d5e6f``."""
        return f"{self.id}@{self.version}#{self.digest}"

    @property
    def basis_zh(self) -> str:
        return BASES[self.basis][0]

    def coefficient(self, carrier: str) -> Coefficient:
        try:
            return self.carriers[carrier]
        except KeyError:
            raise CoefficientError(
                f"{self.id}: no coefficient for carrier {carrier!r} (has {', '.join(self.carriers)})"
            ) from None


@dataclass(frozen=True)
class EmissionFactor:
    carrier: str
    unit: str
    kgco2: Decimal
    confirmed: bool
    source: str


@dataclass(frozen=True)
class EmissionSet:
    id: str
    version: str
    name: str
    name_en: str
    source: str
    factors: dict[str, EmissionFactor]
    digest: str
    default: bool = False

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}#{self.digest}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _text(data: dict, key: str, where: str, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CoefficientError(f"{where}: {key!r} must be a non-empty text")
    return value.strip()


def _number(data: dict, key: str, where: str) -> Decimal:
    raw = data.get(key)
    try:
        if isinstance(raw, bool) or raw is None:
            raise InvalidOperation
        value = Decimal(str(raw))
    except InvalidOperation:
        raise CoefficientError(f"{where}: {key!r} must be a number, got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise CoefficientError(f"{where}: {key!r} must be a number ≥ 0, got {raw!r}")
    return value


def _status(data: dict, where: str) -> bool:
    status = data.get("status")
    if status not in STATUSES:
        raise CoefficientError(f"{where}: 'status' must be one of {', '.join(STATUSES)}, got {status!r}")
    return status == "confirmed"


def _unit(data: dict, where: str) -> str:
    unit = _text(data, "unit", where)
    if dimension(unit) is None:
        raise CoefficientError(f"{where}: unknown unit {unit!r}")
    return unit


def _load(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CoefficientError(f"{name}: not a valid TOML file ({e})") from None


def parse_set(text: str, name: str = "set") -> CoefficientSet:
    """A coefficient set from the text of its file, or ``CoefficientError`` naming what is wrong."""
    data = _load(text, name)
    where = name
    basis = data.get("basis")
    if basis not in BASES:
        raise CoefficientError(f"{where}: 'basis' must be one of {', '.join(BASES)}, got {basis!r}")
    carriers_raw = data.get("carriers")
    if not isinstance(carriers_raw, dict) or not carriers_raw:
        raise CoefficientError(f"{where}: a set needs at least one [carriers.<id>] table")
    carriers = {}
    for cid, c in carriers_raw.items():
        at = f"{where}, carrier {cid}"
        if not isinstance(c, dict):
            raise CoefficientError(f"{at}: must be a table")
        kind = c.get("kind")
        if kind not in KINDS:
            raise CoefficientError(f"{at}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
        unit = _unit(c, at)
        if kind == "electricity" and dimension(unit) != "electricity":
            raise CoefficientError(f"{at}: electricity must be given per kWh-like unit, got {unit!r}")
        carriers[cid] = Coefficient(
            cid,
            _text(c, "zh", at),
            str(c.get("en", "")),
            kind,
            unit,
            _number(c, "kgce", at),
            _status(c, at),
            _text(c, "source", at),
        )
    if "electricity" not in carriers:
        raise CoefficientError(f"{where}: a set needs the carrier 'electricity'")
    return CoefficientSet(
        id=_text(data, "id", where),
        version=_text(data, "version", where),
        name=_text(data, "name", where),
        name_en=str(data.get("name_en", "")),
        basis=basis,
        standard=_text(data, "standard", where),
        source=_text(data, "source", where),
        carriers=carriers,
        digest=_digest(text),
        default=bool(data.get("default", False)),
    )


def parse_emissions(text: str, name: str = "factors") -> EmissionSet:
    """An emission-factor set from the text of its file, or ``CoefficientError``."""
    data = _load(text, name)
    raw = data.get("factors")
    if not isinstance(raw, dict) or not raw:
        raise CoefficientError(f"{name}: an emission set needs at least one [factors.<carrier>] table")
    factors = {}
    for cid, f in raw.items():
        at = f"{name}, carrier {cid}"
        if not isinstance(f, dict):
            raise CoefficientError(f"{at}: must be a table")
        factors[cid] = EmissionFactor(
            cid, _unit(f, at), _number(f, "kgco2", at), _status(f, at), _text(f, "source", at)
        )
    return EmissionSet(
        id=_text(data, "id", name),
        version=_text(data, "version", name),
        name=_text(data, "name", name),
        name_en=str(data.get("name_en", "")),
        source=_text(data, "source", name),
        factors=factors,
        digest=_digest(text),
        default=bool(data.get("default", False)),
    )


def is_emission_file(text: str) -> bool:
    try:
        return "factors" in tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False


def shipped() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The shipped files as (file name, text): coefficient sets and emission sets."""
    sets, emissions = [], []
    for path in sorted(SETS_DIR.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        (emissions if is_emission_file(text) else sets).append((path.name, text))
    return sets, emissions


def default_set() -> CoefficientSet:
    """The shipped default coefficient set (GB/T 2589-2020 当量值)."""
    sets = [parse_set(text, name) for name, text in shipped()[0]]
    return next(s for s in sets if s.default)


def default_emissions() -> EmissionSet:
    sets = [parse_emissions(text, name) for name, text in shipped()[1]]
    return next(s for s in sets if s.default)
