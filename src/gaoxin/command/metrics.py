"""How a target's actual is obtained: entered by hand (with a source) or computed from the register.

A target names its metric as a string:

- ``entered``: actuals are entered (or imported) with their source;
- ``tier_count:<tier>``: firms holding a valid qualification of that tier at the end of the year (the
  tiers are the keys of ``gaoxin.data.dictionary.QUALIFICATION_KINDS``: ``tier_count:hightech`` counts the
  zone's 高新技术企业);
- ``rd_total``: total R&D expenditure (研发费用, 万元) of the zone's firms in the year's annual reports;
- ``firms``: firms that filed an annual report for the year;
- ``talents:<level>``: talents of that level (national / provincial / municipal, or ``all``)
  recognised up to the end of the year;
- ``platforms:<level>`` or ``platforms:<level>:<kind>``: labs, R&D institutions and platforms of that
  level (and kind) recognised up to the end of the year.

Computed metrics are annual: the register holds one report per firm and year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gaoxin.data.dictionary import QUALIFICATION_KINDS

ENTERED = "entered"

LEVELS: dict[str, tuple[str, str]] = {
    "national": ("国家级", "national"),
    "provincial": ("省级", "provincial"),
    "municipal": ("市级", "municipal"),
}
ALL = "all"

PLATFORM_KINDS: dict[str, tuple[str, str]] = {
    "lab": ("实验室", "laboratory"),
    "rd_institution": ("研发机构", "R&D institution"),
    "engineering_centre": ("工程（技术）研究中心", "engineering research centre"),
    "tech_centre": ("企业技术中心", "enterprise technology centre"),
    "innovation_centre": ("技术创新中心", "technology innovation centre"),
    "incubator": ("孵化器", "incubator"),
    "maker_space": ("众创空间", "maker space"),
    "other": ("其他平台", "other platform"),
}


# Computed metrics another app provides (key "<app>:<name>" → (Chinese, English description)); the app
# registers each with ``provide`` and gives its values through ``gaoxin.web.command.services``'s
# ``METRIC_PROVIDERS`` (the green app: ``green:energy_intensity`` and its siblings).
PROVIDED: dict[str, tuple[str, str]] = {}


def provide(key: str, zh: str, en: str) -> None:
    """Name a computed metric another app provides (``key`` has a colon: ``green:energy_intensity``)."""
    if ":" not in key or key.partition(":")[0] in ("tier_count", "talents", "platforms"):
        raise MetricError(f"a provided metric is named <app>:<name>, got {key!r}")
    PROVIDED[key] = (zh, en)


class MetricError(ValueError):
    pass


@dataclass(frozen=True)
class Metric:
    kind: str  # entered, tier_count, rd_total, firms, talents, platforms
    tier: str = ""
    level: str = ""
    platform_kind: str = ""

    @property
    def key(self) -> str:
        if self.kind == "tier_count":
            return f"tier_count:{self.tier}"
        if self.kind == "talents":
            return f"talents:{self.level}"
        if self.kind == "platforms":
            return f"platforms:{self.level}" + (f":{self.platform_kind}" if self.platform_kind else "")
        return self.kind

    @property
    def computed(self) -> bool:
        return self.kind != ENTERED

    def describe(self, english: bool = False) -> str:
        """What the metric counts, for a person: "高新技术企业数（登记库计算）"."""
        i = 1 if english else 0
        if self.kind == ENTERED:
            return "entered with a source" if english else "人工填报（注明来源）"
        if self.kind in PROVIDED:
            return PROVIDED[self.kind][i]
        if self.kind == "tier_count":
            name = QUALIFICATION_KINDS[self.tier]
            return (
                f"firms holding {self.tier} ({name}), from the register"
                if english
                else f"{name}数（登记库计算）"
            )
        if self.kind == "rd_total":
            return (
                "total R&D of zone firms, from annual reports"
                if english
                else "园区企业研发费用合计（年报计算）"
            )
        if self.kind == "firms":
            return "firms reporting, from annual reports" if english else "报送年报企业数（年报计算）"
        level = "all levels" if english else "各级"
        if self.level != ALL:
            level = LEVELS[self.level][i]
        if self.kind == "talents":
            return f"{level} talents, from the talent table" if english else f"{level}人才数（人才库计算）"
        kind = (
            PLATFORM_KINDS[self.platform_kind][i]
            if self.platform_kind
            else ("platforms" if english else "平台")
        )
        return f"{level} {kind}, from the platform table" if english else f"{level}{kind}数（平台库计算）"


def parse_metric(text: str) -> Metric:
    """The metric a string names, or ``MetricError`` saying what is wrong."""
    key = (text or "").strip()
    if not key or key == ENTERED:
        return Metric(ENTERED)
    if key in ("rd_total", "firms") or key in PROVIDED:
        return Metric(key)
    head, _sep, rest = key.partition(":")
    if head == "tier_count":
        if rest not in QUALIFICATION_KINDS:
            raise MetricError(f"unknown tier {rest!r}; one of {', '.join(QUALIFICATION_KINDS)}")
        return Metric("tier_count", tier=rest)
    if head in ("talents", "platforms"):
        level, _sep, pkind = rest.partition(":")
        if level not in LEVELS and level != ALL:
            raise MetricError(f"unknown level {level!r}; one of {', '.join([*LEVELS, ALL])}")
        if head == "talents":
            if pkind:
                raise MetricError("talents:<level> takes no kind")
            return Metric("talents", level=level)
        if pkind and pkind not in PLATFORM_KINDS:
            raise MetricError(f"unknown platform kind {pkind!r}; one of {', '.join(PLATFORM_KINDS)}")
        return Metric("platforms", level=level, platform_kind=pkind)
    raise MetricError(
        f"unknown metric {key!r}: entered, tier_count:<tier>, rd_total, firms, talents:<level>, "
        "platforms:<level>[:<kind>]"
    )


def metric_choices() -> list[tuple[str, str]]:
    """Every metric key with its Chinese description (for a chooser and the import template)."""
    keys = [ENTERED, *(f"tier_count:{t}" for t in QUALIFICATION_KINDS), "rd_total", "firms"]
    keys += [f"talents:{lv}" for lv in [*LEVELS, ALL]]
    keys += [f"platforms:{lv}" for lv in [*LEVELS, ALL]]
    keys += [f"platforms:{lv}:{k}" for lv in LEVELS for k in PLATFORM_KINDS]
    keys += list(PROVIDED)
    return [(k, parse_metric(k).describe()) for k in keys]


def cumulative_counts(
    rows: Iterable[tuple[str, str, int | None, int]], metric: Metric, years: Iterable[int]
) -> dict[int, int]:
    """Counts of talents or platforms recognised up to the end of each year.

    ``rows``: (level, kind, year recognised, number) groups from the table (kind "" for talents); a row
    without a year counts from the beginning. Only rows matching the metric's level (and kind) count.
    """
    wanted = [
        (year, n)
        for level, kind, year, n in rows
        if (metric.level == ALL or level == metric.level)
        and (not metric.platform_kind or kind == metric.platform_kind)
    ]
    return {y: sum(n for year, n in wanted if year is None or year <= y) for y in years}


def computed_values(
    metric: Metric,
    years: Iterable[int],
    *,
    tier_counts: Mapping[int, Mapping[str, int]] | None = None,
    rd_totals: Mapping[int, object] | None = None,
    firms: Mapping[int, int] | None = None,
    talents: Iterable[tuple[str, str, int | None, int]] = (),
    platforms: Iterable[tuple[str, str, int | None, int]] = (),
) -> Mapping[int, object]:
    """The metric's value for each of ``years`` from the register's aggregates; a year without data
    is left out (never zero: no report is not "none")."""
    years = list(years)
    if metric.kind == "tier_count":
        counts = tier_counts or {}
        return {y: counts[y].get(metric.tier, 0) for y in years if y in counts}
    if metric.kind == "rd_total":
        return {y: rd_totals[y] for y in years if rd_totals and y in rd_totals}
    if metric.kind == "firms":
        return {y: firms[y] for y in years if firms and y in firms}
    if metric.kind == "talents":
        return cumulative_counts(talents, metric, years)
    if metric.kind == "platforms":
        return cumulative_counts(platforms, metric, years)
    raise MetricError(f"{metric.key} is not computed")
