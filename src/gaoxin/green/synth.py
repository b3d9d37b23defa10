"""Synthetic, plausible energy data by sector for the demo and the tests (never real figures).

Each firm gets, per year, a value added of about a quarter to a third of its revenue and an energy
intensity drawn around its sector's typical level (tce per 10,000 yuan of value added), falling a few
per cent a year; the energy is split into carriers by the sector's mix (electricity, natural gas, heat,
raw coal, diesel); some firms use part of their gas as feedstock, some have rooftop PV, some buy
green power (with its certificates) or certificates alone. The sector levels below are illustrative
assumptions for a demo, not statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

# sector (the data dictionary's tech_field, "" for none) → (median tce / 万元 value added, mix
# electricity / natural gas / heat / raw coal / diesel as shares of the energy in tce)
SECTORS: dict[str, tuple[float, tuple[float, float, float, float, float]]] = {
    "电子信息": (0.12, (0.85, 0.08, 0.05, 0.0, 0.02)),
    "生物与新医药": (0.22, (0.55, 0.2, 0.22, 0.0, 0.03)),
    "航空航天": (0.18, (0.7, 0.15, 0.1, 0.0, 0.05)),
    "新材料": (0.85, (0.45, 0.3, 0.1, 0.12, 0.03)),
    "高技术服务": (0.04, (0.92, 0.05, 0.0, 0.0, 0.03)),
    "新能源与节能": (0.3, (0.75, 0.12, 0.08, 0.0, 0.05)),
    "资源与环境": (0.55, (0.5, 0.2, 0.1, 0.15, 0.05)),
    "先进制造与自动化": (0.3, (0.65, 0.15, 0.1, 0.05, 0.05)),
    "": (0.35, (0.6, 0.15, 0.1, 0.1, 0.05)),
}
# kgce per unit of the default set, only to turn a tce split back into physical quantities
_KGCE = {"electricity": 0.1229, "natural_gas": 1.2143, "heat": 34.12, "raw_coal": 714.3, "diesel": 1457.1}
_UNIT = {"electricity": "kWh", "natural_gas": "m³", "heat": "GJ", "raw_coal": "t", "diesel": "t"}
_CARRIERS = ("electricity", "natural_gas", "heat", "raw_coal", "diesel")
# illustrative products with a unit product energy near the levels of the demo benchmark table
PRODUCTS = {"新材料": "水泥熟料", "资源与环境": "再生铝"}


@dataclass(frozen=True)
class FirmIn:
    uscc: str
    sector: str
    revenue: dict[int, float]  # 万元 by year


def _d(x: float, places: int = 2) -> Decimal:
    return Decimal(f"{x:.{places}f}")


def generate(
    firms: list[FirmIn], years: list[int], seed: int = 2025, months_for: set[str] = frozenset()
) -> dict[str, list[dict]]:
    """Rows for the three import sheets: ``periods``, ``uses``, ``certificates`` (values by column id).
    Firms in ``months_for`` report the last year month by month instead of as a whole year."""
    rng = np.random.default_rng(seed)
    periods, uses, certs = [], [], []
    serial = 1
    last = max(years)
    for firm in firms:
        level, mix = SECTORS.get(firm.sector, SECTORS[""])
        own = level * float(np.exp(rng.normal(0, 0.45)))
        decline = float(rng.uniform(0.0, 0.08))
        va_share = float(rng.uniform(0.22, 0.36))
        pv = rng.random() < 0.25
        green = rng.random() < 0.15
        alone = rng.random() < 0.12
        feedstock = firm.sector in ("新材料", "生物与新医药") and rng.random() < 0.3
        product = PRODUCTS.get(firm.sector)
        for i, year in enumerate(sorted(years)):
            revenue = firm.revenue.get(year)
            if not revenue or revenue <= 0:
                continue
            va = revenue * va_share
            tce = max(va * own * (1 - decline) ** i, 0.5)
            grid_share = mix[0]
            pv_kwh = (
                tce * grid_share * 1000 / _KGCE["electricity"] * float(rng.uniform(0.05, 0.25)) if pv else 0.0
            )
            parts = {c: tce * m for c, m in zip(_CARRIERS, mix, strict=True) if m > 0}
            parts["electricity"] = max(parts["electricity"] - pv_kwh * _KGCE["electricity"] / 1000, 0.0)
            grid_kwh = parts["electricity"] * 1000 / _KGCE["electricity"]
            green_kwh = round(grid_kwh * float(rng.uniform(0.1, 0.4)), -3) if green and year >= 2023 else 0.0
            months = [0] if not (firm.uscc in months_for and year == last) else list(range(1, 13))
            for m in months:
                k = 1.0 if m == 0 else float(rng.uniform(0.07, 0.1))
                key = {"uscc": firm.uscc, "year": year, "month": m or None}
                periods.append(
                    {
                        **key,
                        "output_value": _d(revenue * k * 0.95),
                        "value_added": _d(va * k),
                        "product": product or "",
                        "product_output": _d(tce * k * 1000 / float(rng.uniform(95, 125)), 1)
                        if product
                        else None,
                        "pv_self_kwh": _d(pv_kwh * k, 0),
                        "green_power_kwh": _d(round(green_kwh * k, -3), 0),
                    }
                )
                for c, t in parts.items():
                    q = t * k * 1000 / _KGCE[c]
                    uses.append(
                        {
                            **key,
                            "carrier": c,
                            "quantity": _d(q, 2),
                            "unit": _UNIT[c],
                            "use": "energy",
                            "source": "电表" if c == "electricity" else "发票",
                        }
                    )
                if feedstock:
                    q = tce * k * 0.3 * 1000 / _KGCE["natural_gas"]
                    uses.append(
                        {
                            **key,
                            "carrier": "natural_gas",
                            "quantity": _d(q, 2),
                            "unit": "m³",
                            "use": "feedstock",
                            "source": "发票",
                        }
                    )
                n_green = int(round(green_kwh * k, -3) / 1000)
                if n_green:
                    certs.append(
                        {
                            **key,
                            "count": n_green,
                            "origin": "green_power",
                            "serials": f"GEC{year}{serial:08d}-GEC{year}{serial + n_green - 1:08d}",
                        }
                    )
                    serial += n_green
                if alone and year >= 2024:
                    n = max(int(grid_kwh * k * float(rng.uniform(0.05, 0.2)) / 1000), 1)
                    certs.append(
                        {
                            **key,
                            "count": n,
                            "origin": "standalone",
                            "serials": f"GEC{year}{serial:08d}-GEC{year}{serial + n - 1:08d}",
                        }
                    )
                    serial += n
    return {"periods": periods, "uses": uses, "certificates": certs}


BENCHMARKS = (
    # product, unit, 标杆, 基准: illustrative levels for the demo (to be replaced by the zone's table)
    ("水泥熟料", "kgce/t", Decimal(100), Decimal(117)),
    ("再生铝", "kgce/t", Decimal(100), Decimal(117)),
)
