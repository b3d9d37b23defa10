"""The supervision app's tables out (xlsx): the region's zone figures and a regional list."""

from __future__ import annotations

from decimal import Decimal

from gaoxin.io.tables import Column, Sheet, to_bytes

OVERVIEW_COLUMNS = (
    Column("zone_code", "园区代码", "zone code"),
    Column("zone_name", "园区", "zone", width=24),
    Column("firms", "企业数", "firms", "int"),
    Column("scored", "已评分", "scored", "int"),
    Column("year", "评分年度", "year", "int"),
    Column("grades", "等级分布", "grades", width=30),
    Column("tiers", "梯度培育（年末持有）", "ladder tiers (held at year end)", width=40),
    Column("published", "发布名单数", "lists published", "int"),
    Column("listed", "上榜企业数", "firms listed", "int"),
    Column("approved", "批准贷款（万元）", "loans approved (10k yuan)", "decimal"),
    Column("disbursed", "放款（万元）", "disbursed (10k yuan)", "decimal"),
    Column("outstanding", "余额（万元）", "outstanding (10k yuan)", "decimal"),
    Column("defaulted", "不良（万元）", "defaulted (10k yuan)", "decimal"),
    Column("bench_year", "对标年度", "benchmarking year", "int"),
    Column("bench_rank", "对标排名", "benchmarking rank", "int"),
    Column("bench_of", "参评园区数", "zones compared", "int"),
    Column("bench_interval", "排名区间（90%）", "rank interval (90 %)"),
    Column("bench_total", "对标总分", "benchmarking score", "decimal"),
    Column("last_import", "最近导入", "last import", width=18),
)

ENTRY_COLUMNS = (
    Column("position", "序号", "no.", "int"),
    Column("uscc", "统一社会信用代码", "credit code", width=20),
    Column("name", "企业名称", "enterprise", width=30),
    Column("zone_name", "园区", "zone", width=20),
    Column("stage", "阶段", "stage"),
    Column("total", "总分", "total", "decimal"),
    Column("rank", "园区内排名", "rank in zone", "int"),
    Column("grade", "等级", "grade"),
    Column("list", "榜单", "list"),
    Column("year", "年度", "year", "int"),
    Column("model_name", "评价模型", "model", width=24),
)


def _counts(d: dict) -> str:
    return "，".join(f"{k} {v:,}" for k, v in d.items())


def overview_xlsx(rows) -> bytes:
    out = []
    for r in rows:
        t = r.loans.total if r.loans is not None else None
        b = r.bench
        out.append(
            {
                "zone_code": r.zone.code,
                "zone_name": r.zone.name,
                "firms": r.firms,
                "scored": r.scored,
                "year": r.run.year if r.run else None,
                "grades": _counts(r.grades),
                "tiers": _counts(r.tiers),
                "published": r.published,
                "listed": r.listed,
                "approved": t.approved if t else None,
                "disbursed": t.disbursed if t else None,
                "outstanding": t.outstanding if t else None,
                "defaulted": t.defaulted if t else None,
                "bench_year": b.year if b else None,
                "bench_rank": b.rank if b else None,
                "bench_of": b.of if b else None,
                "bench_interval": f"{b.p05}–{b.p95}" if b else "",
                "bench_total": Decimal(str(round(b.total, 2))) if b else None,
                "last_import": r.last_import.strftime("%Y-%m-%d %H:%M") if r.last_import else "",
            }
        )
    return to_bytes([Sheet("园区汇总", OVERVIEW_COLUMNS, out)])


def entries_xlsx(regional_list) -> bytes:
    rows = [
        {
            **{c.id: getattr(e, c.id) for c in ENTRY_COLUMNS},
            "total": Decimal(str(round(e.total, 2))),
        }
        for e in regional_list.entries.all()
    ]
    return to_bytes([Sheet("白名单", ENTRY_COLUMNS, rows)])
