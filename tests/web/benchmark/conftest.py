"""The benchmark app's fixtures: the platform (tests/web/conftest.py) with both zones' facts computed
from the registry, the rest of their return imported from the template, and a peer table of 32 zones."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gaoxin.benchmark.facts import COMPUTED
from gaoxin.benchmark.synth import synthetic_peers
from gaoxin.io.tables import Sheet, to_bytes
from gaoxin.web.benchmark import services

YEAR = 2025
PEERS = 32


def workbook(rows: list[dict]) -> bytes:
    return to_bytes([Sheet("园区指标", services.columns(services.zone_model()), rows)])


@dataclass
class Bench:
    platform: object
    table: object


@pytest.fixture
def bench(platform) -> Bench:
    p = platform
    model = services.zone_model()
    admin = p.users["platform_admin"]
    for zone in (p.zone_a, p.zone_b):
        services.compute_from_registry(zone, YEAR, admin)
    made_up = synthetic_peers(model, n=2, years=(YEAR - 1, YEAR), seed=3)
    rows = []
    for i, (zone, province) in enumerate(((p.zone_a, "江苏"), (p.zone_b, "浙江"))):
        for r in made_up.filter(made_up["id"] == f"P{i + 1:03d}").iter_rows(named=True):
            row = {k: v for k, v in r.items() if k not in COMPUTED}
            rows.append({**row, "id": zone.code, "name": zone.name, "province": province})
    record = services.import_facts(
        workbook(rows), "return.xlsx", admin, {z.code: z for z in (p.zone_a, p.zone_b)}
    )
    assert record.applied, record.problems
    peers = synthetic_peers(model, n=PEERS, years=(YEAR - 1, YEAR), seed=5)
    record, table = services.import_peers(
        workbook(list(peers.iter_rows(named=True))), "peers.xlsx", "全国", admin
    )
    assert table is not None, record.problems
    return Bench(p, table)
