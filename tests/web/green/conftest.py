"""The green app's fixtures: the platform (tests/web/conftest.py) with synthetic energy data for 12
firms of zone A (the enterprise user's firm among them) and 2 of zone B, imported through the real
import path, and a small benchmark table in zone A."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from gaoxin.green import synth
from gaoxin.io.tables import Column, Sheet, to_bytes
from gaoxin.web.green import bulk_io, services
from gaoxin.web.green.models import Benchmark
from gaoxin.web.registry.models import AnnualReport, Enterprise

YEARS = [2023, 2024, 2025]


@dataclass
class Green:
    platform: object
    firms_a: list
    firms_b: list


def _as_text(columns):
    """The columns written as text, so that a test can put any value (a wrong one too) in a cell."""
    return [Column(c.id, c.zh, c.en) for c in columns]


def workbook(rows: dict, zone) -> bytes:
    cset, _e = services.parsed_sets(services.ensure_sets(zone))
    sheets = []
    for key, title, columns in (
        ("periods", bulk_io.PERIOD_SHEET, bulk_io.PERIOD_COLUMNS),
        ("uses", bulk_io.USE_SHEET, bulk_io.use_columns(cset)),
        ("certificates", bulk_io.CERT_SHEET, bulk_io.CERT_COLUMNS),
    ):
        if key in rows:
            text = [{k: (None if v is None else str(v)) for k, v in r.items()} for r in rows[key]]
            sheets.append(Sheet(title, _as_text(columns), text))
    return to_bytes(sheets)


def load(zone, firms, user, seed=1, name="energy.xlsx"):
    ins = []
    for e in firms:
        revenue = {y: 20000.0 + 1000 * i for i, y in enumerate(YEARS)}
        for year, rev in AnnualReport.objects.filter(enterprise=e, year__in=YEARS, revenue__gt=0).values_list(
            "year", "revenue"
        ):
            revenue[year] = float(rev)
        ins.append(synth.FirmIn(e.uscc, e.tech_field or "", revenue))
    rows = synth.generate(ins, YEARS, seed=seed)
    cset, _e = services.parsed_sets(services.ensure_sets(zone))
    out = bulk_io.import_energy(zone, user, workbook(rows, zone), name, cset, "发改委")
    assert out.ok, [str(p) for p in out.problems if p.is_error][:5]
    services.recompute(zone, "test import", user, enterprises=out.enterprises)
    return out


@pytest.fixture
def green(platform) -> Green:
    p = platform
    firms_a = list(Enterprise.objects.filter(zone=p.zone_a).exclude(pk=p.unlisted.pk).order_by("uscc")[:11])
    firms_a.append(p.unlisted)
    firms_b = list(Enterprise.objects.filter(zone=p.zone_b).order_by("uscc")[:2])
    Benchmark.objects.create(zone=p.zone_a, product="水泥熟料", benchmark=Decimal(100), baseline=Decimal(117))
    load(p.zone_a, firms_a, p.users["clerk"])
    load(p.zone_b, firms_b, p.users["zone_admin_b"], seed=2, name="energy-b.xlsx")
    return Green(p, firms_a, firms_b)
