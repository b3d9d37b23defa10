"""The zone roll-up: intensity and shares of all firms together, each firm's weight on them, the
zone indicators (国科发火〔2021〕28号, 零碳园区) and the green-list criteria.

The zone intensity is Σ energy / Σ value added over the firms that report both (never an average of
firm intensities). It is the value-added-weighted mean of the firm intensities, so each firm's
**contribution** to it is ``(E_i − I·V_i) / ΣV``: positive when the firm raises the zone figure, and
the contributions add up to zero. The **effect** of a firm is what the zone figure would lose without
it, ``I − (ΣE − E_i)/(ΣV − V_i)``. The renewable share works the same way with electricity in place of
value added.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ZERO = Decimal(0)
INDICATORS_FILE = Path(__file__).parent / "indicators.toml"


@dataclass(frozen=True)
class FirmFigure:
    key: object
    name: str
    energy_tce: Decimal
    value_added: Decimal | None = None
    electricity_kwh: Decimal = ZERO
    renewable_kwh: Decimal = ZERO
    non_fossil_tce: Decimal = ZERO
    co2_t: Decimal | None = None
    sector: str = ""

    @property
    def intensity(self) -> Decimal | None:
        return self.energy_tce / self.value_added if self.value_added and self.value_added > 0 else None


@dataclass(frozen=True)
class ZoneFigures:
    firms: int
    energy_tce: Decimal
    value_added: Decimal  # of the firms counted in the intensity
    intensity_firms: int  # firms with energy and value added > 0
    intensity: Decimal | None
    non_fossil_share: Decimal | None
    renewable_share: Decimal | None
    co2_t: Decimal | None
    carbon_per_tce: Decimal | None
    co2_per_va: Decimal | None


def rollup(firms: Iterable[FirmFigure]) -> ZoneFigures:
    firms = list(firms)
    energy = sum((f.energy_tce for f in firms), ZERO)
    counted = [f for f in firms if f.value_added is not None and f.value_added > 0]
    e_counted = sum((f.energy_tce for f in counted), ZERO)
    va = sum((f.value_added for f in counted), ZERO)
    elec = sum((f.electricity_kwh for f in firms), ZERO)
    ren = sum((f.renewable_kwh for f in firms), ZERO)
    nf = sum((f.non_fossil_tce for f in firms), ZERO)
    co2_known = [f.co2_t for f in firms if f.co2_t is not None]
    co2 = sum(co2_known, ZERO) if firms and len(co2_known) == len(firms) else None
    co2_counted = [f.co2_t for f in counted]
    return ZoneFigures(
        firms=len(firms),
        energy_tce=energy,
        value_added=va,
        intensity_firms=len(counted),
        intensity=e_counted / va if va > 0 else None,
        non_fossil_share=nf / energy if energy > 0 else None,
        renewable_share=ren / elec if elec > 0 else None,
        co2_t=co2,
        carbon_per_tce=co2 / energy if co2 is not None and energy > 0 else None,
        co2_per_va=(
            sum(co2_counted, ZERO) / va if va > 0 and all(c is not None for c in co2_counted) else None
        ),
    )


@dataclass(frozen=True)
class Contribution:
    firm: FirmFigure
    weight: Decimal  # the firm's share of the denominator (value added, or electricity)
    value: Decimal  # the firm's own intensity, or share
    contribution: Decimal  # its part of the zone figure's distance from the weighted mean: Σ = 0
    effect: Decimal | None  # zone figure − zone figure without the firm (None: the firm is all of it)
    share_of_numerator: Decimal  # the firm's share of the zone's energy (or renewable power)


def _contributions(items: Sequence[tuple[FirmFigure, Decimal, Decimal]]) -> list[Contribution]:
    """items: (firm, numerator, denominator > 0)."""
    num = sum((n for _f, n, _d in items), ZERO)
    den = sum((d for _f, _n, d in items), ZERO)
    if den <= 0:
        return []
    zone = num / den
    out = []
    for f, n, d in items:
        rest = den - d
        effect = zone - (num - n) / rest if rest > 0 else None
        out.append(
            Contribution(f, d / den, n / d, (n - zone * d) / den, effect, n / num if num > 0 else ZERO)
        )
    return out


def intensity_contributions(firms: Iterable[FirmFigure]) -> list[Contribution]:
    """Each firm with energy and value added > 0: its weight on the zone's intensity."""
    items = [(f, f.energy_tce, f.value_added) for f in firms if f.value_added and f.value_added > 0]
    return _contributions(items)


def renewable_contributions(firms: Iterable[FirmFigure]) -> list[Contribution]:
    items = [(f, f.renewable_kwh, f.electricity_kwh) for f in firms if f.electricity_kwh > 0]
    return _contributions(items)


def weightiest(contributions: Iterable[Contribution], n: int = 10) -> list[Contribution]:
    """The ``n`` firms that move the zone figure most (largest |contribution|; ties by name)."""
    return sorted(contributions, key=lambda c: (-abs(c.contribution), c.firm.name, str(c.firm.key)))[:n]


# --- indicators ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    zh: str
    source: str
    max: Decimal | None = None
    min: Decimal | None = None
    from_tce: Decimal | None = None
    to_tce: Decimal | None = None
    unit: str = ""
    year: int | None = None
    en: str = ""  # the English name (the English switch)


def indicators(path: Path = INDICATORS_FILE) -> dict[str, list[Level]]:
    """The published levels (``indicators.toml``), each with its source."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[Level]] = {}

    def dec(v):
        return None if v is None else Decimal(str(v))

    for key, raw in data.items():
        rows = raw if isinstance(raw, list) else [raw]
        out[key] = [
            Level(
                r["zh"],
                r["source"],
                dec(r.get("max")),
                dec(r.get("min")),
                dec(r.get("from_tce")),
                dec(r.get("to_tce")),
                r.get("unit", ""),
                r.get("year"),
                r.get("en", ""),
            )
            for r in rows
        ]
    return out


def carbon_level(energy_tce: Decimal, levels: Sequence[Level]) -> Level | None:
    """The 零碳园区 core level for a park of this annual energy use (None: no level for its size)."""
    for lv in levels:
        lo = lv.from_tce if lv.from_tce is not None else ZERO
        if energy_tce >= lo and (lv.to_tce is None or energy_tce < lv.to_tce):
            return lv
    return None


def meets(value: Decimal | None, level: Level) -> bool | None:
    """Whether ``value`` keeps to the level (inclusive: ≤ max, ≥ min); None without a value."""
    if value is None:
        return None
    if level.max is not None and value > level.max:
        return False
    return not (level.min is not None and value < level.min)


def yearly_change(series: dict[int, Decimal | None]) -> dict[int, Decimal | None]:
    """Relative change of each year against the year before (−0.05 is a 5 % fall)."""
    out: dict[int, Decimal | None] = {}
    for y in sorted(series):
        prev, now = series.get(y - 1), series[y]
        out[y] = (now - prev) / prev if prev and now is not None and prev > 0 else None
    return out


# --- the green list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A sentence of the core in both languages (a page shows the reader's)."""

    zh: str
    en: str


POSITION_ORDER = {"benchmark": 2, "baseline": 1, "below": 0}


@dataclass(frozen=True)
class Criteria:
    """What a zone asks of a firm on its green list; a criterion left None is not applied."""

    max_intensity: Decimal | None = None  # tce / 万元 value added, at most
    min_renewable_share: Decimal | None = None
    min_non_fossil_share: Decimal | None = None
    max_carbon_per_tce: Decimal | None = None
    min_position: str | None = None  # "benchmark" or "baseline": at least that level

    def texts(self) -> list[Text]:
        """Every criterion applied, in Chinese and in English."""
        out = []
        if self.max_intensity is not None:
            out.append(
                Text(
                    f"万元增加值综合能耗 ≤ {self.max_intensity} 吨标准煤/万元",
                    f"Energy per 10k yuan of value added ≤ {self.max_intensity} tce/10k yuan",
                )
            )
        if self.min_renewable_share is not None:
            share = f"{self.min_renewable_share * 100:g}%"
            out.append(
                Text(
                    f"可再生电力占比（含绿证） ≥ {share}",
                    f"Renewable power share (green certificates included) ≥ {share}",
                )
            )
        if self.min_non_fossil_share is not None:
            share = f"{self.min_non_fossil_share * 100:g}%"
            out.append(Text(f"非化石能源消费占比 ≥ {share}", f"Non-fossil share of energy use ≥ {share}"))
        if self.max_carbon_per_tce is not None:
            limit = self.max_carbon_per_tce
            out.append(
                Text(f"单位能耗碳排放 ≤ {limit} tCO₂/tce", f"Carbon per unit of energy ≤ {limit} tCO₂/tce")
            )
        if self.min_position:
            benchmark = self.min_position == "benchmark"
            out.append(
                Text(
                    "能效" + ("达到标杆水平" if benchmark else "达到基准水平及以上"),
                    "Energy efficiency "
                    + ("at the benchmark level" if benchmark else "at the baseline or better"),
                )
            )
        return out

    def describe(self) -> list[str]:
        """Every criterion applied, in Chinese (``texts`` has both languages)."""
        return [t.zh for t in self.texts()]


@dataclass(frozen=True)
class Assessment:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # why not, in Chinese (empty when passed)
    reasons_en: list[str] = field(default_factory=list)  # the same in English

    @property
    def texts(self) -> list[Text]:
        return [Text(zh, en) for zh, en in zip(self.reasons, self.reasons_en, strict=False)]


def assess(
    criteria: Criteria,
    *,
    intensity: Decimal | None,
    renewable_share: Decimal | None,
    non_fossil_share: Decimal | None,
    carbon_per_tce: Decimal | None,
    position: str | None,
) -> Assessment:
    """Whether a firm meets every criterion; a missing figure fails the criterion that needs it."""
    reasons: list[Text] = []

    def check(limit, value, ok, label: Text):
        if limit is None:
            return
        if value is None:
            reasons.append(Text(f"{label.zh}：无数据", f"{label.en}: no data"))
        elif not ok(value, limit):
            reasons.append(
                Text(f"{label.zh}：{value:.4f}，要求 {limit}", f"{label.en}: {value:.4f}, required {limit}")
            )

    check(
        criteria.max_intensity,
        intensity,
        lambda v, lim: v <= lim,
        Text("万元增加值综合能耗", "Energy per 10k yuan of value added"),
    )
    check(
        criteria.min_renewable_share,
        renewable_share,
        lambda v, lim: v >= lim,
        Text("可再生电力占比", "Renewable power share"),
    )
    check(
        criteria.min_non_fossil_share,
        non_fossil_share,
        lambda v, lim: v >= lim,
        Text("非化石能源消费占比", "Non-fossil share of energy use"),
    )
    check(
        criteria.max_carbon_per_tce,
        carbon_per_tce,
        lambda v, lim: v <= lim,
        Text("单位能耗碳排放", "Carbon per unit of energy"),
    )
    if criteria.min_position:
        need = POSITION_ORDER[criteria.min_position]
        if position is None:
            reasons.append(Text("能效对标：无数据", "Energy efficiency benchmark: no data"))
        elif POSITION_ORDER[position] < need:
            reasons.append(
                Text("能效对标：未达要求水平", "Energy efficiency benchmark: below the level required")
            )
    return Assessment(not reasons, [r.zh for r in reasons], [r.en for r in reasons])
