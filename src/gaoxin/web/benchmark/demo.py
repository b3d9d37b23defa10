"""The benchmark app's part of ``gaoxin demo``: the demo zones' facts and a national peer table.

For each demo zone: the facts the registry's firms give (computed, each with its source), then the
rest of the zone's 火炬统计 return (value added, energy use, city GDP, qualitative scores …, made up:
the synthetic peer generator's magnitudes) imported through the real import path from the xlsx
template; then a peer table of 40 clearly fictitious zones (示例高新区NN) imported the same way. The
benchmark page then ranks each demo zone among 43 zones with its rank interval.
"""

from __future__ import annotations

from gaoxin.benchmark.facts import COMPUTED
from gaoxin.benchmark.synth import PROVINCES, synthetic_peers
from gaoxin.io.tables import Sheet, to_bytes
from gaoxin.web.benchmark import services

PEERS = 40
RETURN_FILE = "火炬统计年报（示例）.xlsx"
PEER_FILE = "全国高新区对标表（示例）.xlsx"


def populate(ctx) -> None:
    model = services.zone_model()
    admin = ctx.users.get("admin")
    years = (ctx.year - 1, ctx.year)
    for zone in ctx.zones:
        services.compute_from_registry(zone, ctx.year, admin)
    made_up = synthetic_peers(model, n=len(ctx.zones), years=years, seed=11)
    rows = []
    for i, zone in enumerate(ctx.zones):
        for r in made_up.filter(made_up["id"] == f"P{i + 1:03d}").iter_rows(named=True):
            row = {k: v for k, v in r.items() if k not in COMPUTED}
            row.update(id=zone.code, name=zone.name, province=PROVINCES[i % len(PROVINCES)])
            rows.append(row)
    data = to_bytes([Sheet("园区指标", services.columns(model), rows)])
    allowed = {z.code: z for z in ctx.zones}
    record = services.import_facts(data, RETURN_FILE, admin, allowed)
    if not record.applied:
        raise RuntimeError(f"demo zone facts refused: {record.problems[:3]}")
    peers = synthetic_peers(model, n=PEERS, years=years, seed=ctx.year)
    peer_bytes = to_bytes([Sheet("园区指标", services.columns(model), list(peers.iter_rows(named=True)))])
    record, table = services.import_peers(peer_bytes, PEER_FILE, "全国高新区对标表（示例，虚构园区）", admin)
    if table is None:
        raise RuntimeError(f"demo peer table refused: {record.problems[:3]}")
    b = services.benchmark(ctx.zones[0], ctx.year, table=table)
    iv = b.interval
    ctx.report.append(
        f"对标对表：{ctx.zones[0].name} 在 {iv.of} 个园区中排第 {iv.rank} 名（90% 区间 {iv.p05}–{iv.p95}）"
        f" / benchmarking: rank {iv.rank} of {iv.of} (90 % between {iv.p05} and {iv.p95})"
    )
