"""A zone's settings for the cultivation ladder: ``LadderConfig`` and ``load_config``.

Everything has a default, so ``LadderConfig()`` is the national reading of the rules. A zone writes a
YAML file with only what it changes, e.g.::

    near: {hightech: 0.3, tech_sme: 0.2}   # the "near" distance per tier (default 0.25)
    sme_rules: "2022"                       # auto | 2022 | 2026
    hightech_capability_basis: mid          # judge the capability score on min | mid | max (default max)
    specialized_local_points: 8             # the province's 特色化 points (0–15)
    gazelle: {cagr: 0.25, base_revenue: 2000}
    unicorn: {usd_cny: 7.1}
    leading: {min_revenue: 100000, requires_hightech: false}
    overrides:                              # correct a single-sourced threshold by its key
      sme_2026.specialized.debt_ratio_max: 0.7

``load_config`` reports every fault at once, each with its key (``gazelle.cagr: must be a number``).
The keys of ``overrides`` are listed by ``gaoxin.cultivation.params()`` and in docs/*/cultivation-rules.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaoxin.data.dictionary import QUALIFICATION_KINDS

TIERS: tuple[str, ...] = tuple(QUALIFICATION_KINDS)  # the ladder's tiers, as the data dictionary names them
SME_RULES = ("auto", "2022", "2026")
CAPABILITY_BASES = ("min", "mid", "max")
DEFAULT_NEAR = 0.25


class ConfigError(ValueError):
    def __init__(self, faults: list[str]):
        super().__init__("; ".join(faults))
        self.faults = faults


@dataclass(frozen=True)
class GazelleConfig:
    """瞪羚 (qualification-rules §5.1, the 广州黄埔 screen [S], matching the Torch/GEI style [U])."""

    cagr: float = 0.20  # 3-year revenue CAGR ≥ this
    years: int = 3  # the CAGR's span: base year Y − years
    base_revenue: float = 1000.0  # 万元, base-year revenue ≥ this
    require_last_growth: bool = True  # revenue grew in the cut-off year
    # Alternatives, any one suffices: (founded ≤ age years, revenue > 万元).
    alternatives: tuple[tuple[float, float], ...] = ((5.0, 50000.0), (10.0, 100000.0))
    max_age: float | None = None  # e.g. 15 (郑州): older firms are ineligible; None: no limit


@dataclass(frozen=True)
class UnicornConfig:
    """独角兽 / 潜在独角兽 (§5.2 [C] / 宿迁 [S])."""

    usd_cny: float = 7.2  # 元 per US dollar, to compare valuations in 万元
    valuation_usd: float = 1e9  # unicorn: valuation ≥ US$1bn
    max_age: float = 10.0  # founded ≤ 10 years
    # 潜在独角兽, any one: (founded ≤ age years, valuation ≥ US$); 宿迁: ≤ 5 years and US$0.5亿 (or ¥3亿),
    # 5–9 years and US$1亿.
    potential: tuple[tuple[float, float], ...] = ((5.0, 5e7), (9.0, 1e8))
    potential_cny: float = 3e8  # ≤ 5 years: or a valuation ≥ ¥3亿


@dataclass(frozen=True)
class LeadingConfig:
    """科技领军企业: no national standard; defaults from the 浙江省创新型领军企业 notice (§5.3 [S])."""

    requires_hightech: bool = True
    min_rd_ratio: float = 0.04  # R&D ÷ main-business revenue, in each of the last `rd_years` years
    rd_years: int = 3
    min_rd_staff: float = 50.0  # full-time R&D staff
    min_main_share: float = 0.70  # core-product (main-business) share of revenue
    min_revenue: float = 50000.0  # 万元 (5亿)
    clean_years: int = 3  # no dishonesty or major incident in these years


@dataclass(frozen=True)
class LadderConfig:
    near: Mapping[str, float] = field(default_factory=lambda: {t: DEFAULT_NEAR for t in TIERS})
    sme_rules: str = "auto"  # auto: the 2026 revision for fiscal years ≥ 2025 (applications from 2026-04-01)
    # The innovation-capability score is a range; the pass condition is judged on its optimistic end
    # by default (the expert-judged items reward documentation a firm can prepare), "mid" or "min" are
    # stricter readings. The range itself is always reported.
    hightech_capability_basis: str = "max"
    # 中小企业划型 (工信部联企业〔2011〕300号), simplified to the industrial line [S]: an SME has fewer than
    # 1,000 staff or less than 4亿 revenue (a firm at or above both lines is large).
    sme_max_employees: float = 1000.0
    sme_max_revenue: float = 40000.0
    specialized_local_points: float = 0.0  # the province's 特色化 indicators (0–15), conservative default
    specialized_requires_innovative: bool = False  # 2022: prior 创新型 status [U] (Guangdong practice: yes)
    little_giant_requires_specialized: bool = True  # [C for 2026; S for 2022]
    gazelle: GazelleConfig = field(default_factory=GazelleConfig)
    unicorn: UnicornConfig = field(default_factory=UnicornConfig)
    leading: LeadingConfig = field(default_factory=LeadingConfig)
    overrides: Mapping[str, float] = field(default_factory=dict)

    def near_for(self, tier: str) -> float:
        return float(self.near.get(tier, DEFAULT_NEAR))

    def sme_set(self, year: int) -> str:
        """The 梯度培育 rule set for fiscal year ``year``: "2022" or "2026"."""
        if self.sme_rules != "auto":
            return self.sme_rules
        return "2026" if year >= 2025 else "2022"


_SUB = {"gazelle": GazelleConfig, "unicorn": UnicornConfig, "leading": LeadingConfig}


def _number(value: Any, key: str, faults: list[str], minimum: float | None = 0.0) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        faults.append(f"{key}: 应为数字 / must be a number, got {value!r}")
        return None
    if minimum is not None and value < minimum:
        faults.append(f"{key}: 不能小于 {minimum:g} / must be ≥ {minimum:g}, got {value!r}")
        return None
    return float(value)


def _convert(cls, name: str, value: Any, key: str, faults: list[str]) -> Any:
    f = {x.name: x for x in dataclasses.fields(cls)}[name]
    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
    if isinstance(default, bool):
        if not isinstance(value, bool):
            faults.append(f"{key}: 应为 true/false / must be true or false, got {value!r}")
        return value
    if isinstance(default, float) or (default is None and name == "max_age"):
        if value is None and default is None:
            return None
        return _number(value, key, faults)
    if isinstance(default, int):
        v = _number(value, key, faults, minimum=1)
        if v is not None and not float(v).is_integer():
            faults.append(f"{key}: 应为整数 / must be a whole number, got {value!r}")
        return int(v) if v is not None else None
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple):
            faults.append(f"{key}: 应为 [[年限, 数值], …] 列表 / must be a list of [years, value] pairs")
            return default
        pairs = []
        for i, pair in enumerate(value):
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                faults.append(f"{key}[{i}]: 应为 [年限, 数值] / must be a [years, value] pair, got {pair!r}")
                continue
            a = _number(pair[0], f"{key}[{i}][0]", faults)
            b = _number(pair[1], f"{key}[{i}][1]", faults)
            if a is not None and b is not None:
                pairs.append((a, b))
        return tuple(pairs)
    return value


def load_config(source: str | Path | Mapping[str, Any] | None) -> LadderConfig:
    """A ``LadderConfig`` from a YAML file or a dict; ``None`` → the defaults.

    Raises ``ConfigError`` listing every fault with its key (unknown keys, wrong types, bad values)."""
    from gaoxin.cultivation.params import PARAMS

    if source is None:
        return LadderConfig()
    faults: list[str] = []
    if isinstance(source, Mapping):
        raw: Any = dict(source)
        where = ""
    else:
        import yaml

        from gaoxin.data import safe_yaml

        path = Path(source)
        where = f"{path}: "
        try:
            raw = safe_yaml.load(path.read_text(encoding="utf-8")) or {}  # bounded: no YAML bomb
        except FileNotFoundError:
            raise ConfigError([f"{path}: 找不到文件 / no such file"]) from None
        except yaml.YAMLError as exc:
            raise ConfigError([f"{path}: YAML 格式错误 / not valid YAML: {exc}"]) from None
    if not isinstance(raw, Mapping):
        raise ConfigError([f"{where}顶层应为键值表 / the top level must be a mapping"])
    known = {f.name for f in dataclasses.fields(LadderConfig)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            faults.append(f"{key}: 未知设置 / unknown setting (known: {', '.join(sorted(known))})")
        elif key == "near":
            if not isinstance(value, Mapping):
                faults.append("near: 应为 {层级: 距离} / must map tier → distance")
                continue
            near = {t: DEFAULT_NEAR for t in TIERS}
            for tier, d in value.items():
                if tier not in TIERS:
                    faults.append(f"near.{tier}: 未知层级 / unknown tier (tiers: {', '.join(TIERS)})")
                elif (v := _number(d, f"near.{tier}", faults)) is not None:
                    near[tier] = v
            kwargs["near"] = near
        elif key == "sme_rules":
            value = str(value)
            if value not in SME_RULES:
                faults.append(
                    f"sme_rules: 应为 auto、2022 或 2026 / must be one of auto, 2022, 2026, got {value!r}"
                )
            kwargs[key] = value
        elif key == "hightech_capability_basis":
            if value not in CAPABILITY_BASES:
                faults.append(
                    f"hightech_capability_basis: 应为 min、mid 或 max / must be min, mid or max, got {value!r}"
                )
            kwargs[key] = value
        elif key in _SUB:
            cls = _SUB[key]
            if not isinstance(value, Mapping):
                faults.append(f"{key}: 应为键值表 / must be a mapping")
                continue
            names = {f.name for f in dataclasses.fields(cls)}
            sub = {}
            for k2, v2 in value.items():
                if k2 not in names:
                    faults.append(
                        f"{key}.{k2}: 未知设置 / unknown setting (known: {', '.join(sorted(names))})"
                    )
                else:
                    sub[k2] = _convert(cls, k2, v2, f"{key}.{k2}", faults)
            kwargs[key] = cls(**sub)
        elif key == "overrides":
            if not isinstance(value, Mapping):
                faults.append("overrides: 应为 {参数: 数值} / must map parameter → value")
                continue
            over = {}
            for k2, v2 in value.items():
                if k2 not in PARAMS:
                    faults.append(
                        f"overrides.{k2}: 未知参数 / unknown parameter (see gaoxin.cultivation.params)"
                    )
                elif (v := _number(v2, f"overrides.{k2}", faults, minimum=None)) is not None:
                    over[k2] = v
            kwargs[key] = over
        else:
            kwargs[key] = _convert(LadderConfig, key, value, key, faults)
    if faults:
        raise ConfigError([where + f for f in faults])
    return LadderConfig(**kwargs)
