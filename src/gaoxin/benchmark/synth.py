"""A synthetic national peer table for the demo and the tests: ``n`` made-up zones, two years.

Clearly fictitious (codes ``P001`` …, names 示例高新区NN): the real national table is the 火炬统计
return of each zone, which gaoxin imports from the xlsx template; this only fills the demo with
plausible magnitudes for every field of ``zone-eval-2021``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

PROVINCES = ("江苏", "浙江", "广东", "湖南", "北京", "四川", "湖北", "山东", "安徽", "陕西")
QUALITATIVE = ("startup_climate", "industry_policy", "people_ecology", "compliance", "statistics_accuracy")


def synthetic_peers(model, n: int = 40, years: tuple[int, int] = (2024, 2025), seed: int = 0) -> pl.DataFrame:
    """``id``, ``name``, ``year``, ``province`` and every number field of ``model`` for each zone and year."""
    rng = np.random.default_rng(seed)
    size = rng.lognormal(0, 0.8, n)  # a zone's scale; facts grow with it
    rows = []
    for k in range(n):
        s = size[k]
        base = {
            "staff": 60_000 * s,
            "revenue": 8_000_000 * s,
            "value_added": 2_000_000 * s,
            "co2_emissions": 900_000 * s,
        }
        for y, year in enumerate(range(years[0], years[1] + 1)):
            g = (1 + rng.normal(0.06, 0.05)) ** y
            staff = base["staff"] * g
            revenue = base["revenue"] * g * rng.uniform(0.95, 1.05)
            value_added = base["value_added"] * g * rng.uniform(0.95, 1.05)
            row = {
                "id": f"P{k + 1:03d}",
                "name": f"示例高新区{k + 1:02d}",
                "year": year,
                "province": PROVINCES[k % len(PROVINCES)],
                "staff": round(staff),
                "rd_staff_fte": round(staff * rng.uniform(0.05, 0.2)),
                "bachelor_staff": round(staff * rng.uniform(0.3, 0.7)),
                "foreign_returnee_staff": round(staff * rng.uniform(0.002, 0.02)),
                "revenue": round(revenue, 1),
                "rd_expense": round(revenue * rng.uniform(0.01, 0.07), 1),
                "rd_institutions": int(rng.poisson(40 * s)),
                "invention_grants": int(rng.poisson(600 * s)),
                "invention_applications": int(rng.poisson(1800 * s)),
                "national_incubators": int(rng.poisson(6 * s)),
                "new_registered_firms": int(rng.poisson(2500 * s)),
                "new_tech_smes": int(rng.poisson(300 * s)),
                "new_incubated_firms": int(rng.poisson(200 * s)),
                "hightech_service_revenue": round(revenue * rng.uniform(0.05, 0.4), 1),
                "tech_contract_value": round(revenue * rng.uniform(0.005, 0.05), 1),
                "net_profit": round(revenue * rng.uniform(0.02, 0.12), 1),
                "hightech_firms": int(rng.poisson(500 * s * g)),
                "vc_backed_firms": int(rng.poisson(30 * s)),
                "invention_patents": int(rng.poisson(5000 * s * g)),
                "trademarks": int(rng.poisson(8000 * s)),
                "value_added": round(value_added, 1),
                "gross_output": round(value_added / rng.uniform(0.2, 0.35), 1),
                "energy_tce": round(value_added * rng.uniform(0.1, 0.5), 1),
                "co2_emissions": round(base["co2_emissions"] * g * rng.uniform(0.9, 1.1)),
                "green_ratio": round(rng.uniform(0.2, 0.45), 3),
                "hospitals_schools": int(rng.poisson(60 * s)),
                "wages": round(value_added * rng.uniform(0.2, 0.45), 1),
                "wage_house_ratio": round(rng.uniform(0.2, 0.8), 3),
                "disposable_fiscal": round(value_added * rng.uniform(0.03, 0.1), 1),
                "firms_overseas_rd": int(rng.poisson(8 * s)),
                "tech_import_expense": round(revenue * rng.uniform(0.001, 0.01), 1),
                "firms_foreign_ip": int(rng.poisson(20 * s)),
                "firms_intl_standards": int(rng.poisson(2 * s)),
                "exports": round(revenue * rng.uniform(0.05, 0.3), 1),
                "tech_service_exports": round(revenue * rng.uniform(0.002, 0.03), 1),
                "hightech_firm_exports": round(revenue * rng.uniform(0.03, 0.2), 1),
                "city_gdp": round(value_added / rng.uniform(0.1, 0.4), 1),
                "rd5_firm_revenue": round(revenue * rng.uniform(0.1, 0.5), 1),
                "digital_revenue": round(revenue * rng.uniform(0.05, 0.4), 1),
                "new_gazelles": int(rng.poisson(25 * s)),
                "new_listed": int(rng.poisson(2 * s)),
                "rd5_big_firms": int(rng.poisson(15 * s)),
                "firms_national_rd": int(rng.poisson(10 * s)),
            }
            for q in QUALITATIVE:
                row[q] = None if rng.random() < 0.3 else round(float(rng.uniform(50, 95)), 1)
            rows.append(row)
    schema = {"id": pl.Utf8, "name": pl.Utf8, "year": pl.Int64}
    for f in model.fields:
        schema[f.id] = pl.Utf8 if f.type == "text" else pl.Float64
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)
