"""This app's part of ``gaoxin demo`` (see ``gaoxin.web.platform.demo.DEMO_STEPS``): three industry chains of
the demo zone with firms mapped to their nodes (some nodes left empty or weak: the gaps), and a few
hundred investment projects across the stages over the last two years (some stalled, some dropped,
some linked to the firms they became and to the gap nodes they are meant to fill).

Everything is drawn from a seeded generator, so two demos made on the same day are identical (stage
dates are placed relative to the day the demo is made, so that "stalled" means the same thing on any
day).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

SEED = 2025
PROJECTS = 260
STALLED_DAYS = 90

# chain, leader, description, nodes: (name, parent, industry codes of the firms mapped, how many, description)
CHAINS = (
    (
        "信创",
        "区委副书记、管委会主任",
        "信息技术应用创新：从芯片到应用软件的自主可控链条（中国信创谷）",
        (
            ("芯片", None, (), 0, "CPU、GPU 与存储芯片"),
            ("芯片设计", "芯片", ("I6520",), 6, "处理器与专用芯片设计"),
            ("晶圆制造", "芯片", (), 0, "晶圆代工与特色工艺"),
            ("封装测试", "芯片", ("C3973",), 2, "先进封装与测试"),
            ("服务器", None, ("C3921", "C3982"), 7, "整机与关键部件"),
            ("操作系统", None, ("I6513",), 1, "桌面与服务器操作系统"),
            ("数据库", None, ("I6550",), 2, "关系型与分布式数据库"),
            ("中间件", None, ("I6531",), 5, "消息、事务与应用服务器中间件"),
            ("应用软件", None, (), 0, "行业应用与办公软件"),
            ("办公软件", "应用软件", ("I6513",), 6, "办公套件与协同软件"),
            ("工业软件", "应用软件", ("I6513", "C4011"), 5, "研发设计与生产控制软件"),
        ),
    ),
    (
        "细胞与基因治疗",
        "分管副区长",
        "细胞谷：从原料设备、细胞制备到临床转化的细胞与基因治疗链条",
        (
            ("原料与设备", None, ("C3584", "C3581"), 6, "培养基、耗材与生产设备"),
            ("细胞制备与存储", None, ("M7512",), 6, "细胞制备、质控与细胞库"),
            ("基因编辑与病毒载体", None, ("C2761",), 2, "基因编辑工具与病毒载体生产"),
            ("CDMO 外包服务", None, ("M7340",), 4, "工艺开发与合同生产"),
            ("临床转化与应用", None, (), 0, "研究型医院与临床试验机构"),
        ),
    ),
    (
        "第三代半导体（X 新赛道）",
        "科技局局长",
        "“113X”中的新赛道：碳化硅、氮化镓材料、器件与应用",
        (
            ("衬底材料", None, ("C3985",), 3, "碳化硅、氮化镓衬底"),
            ("外延片", None, (), 0, "外延生长"),
            ("器件设计与制造", None, ("C3973",), 3, "功率与射频器件"),
            ("模块与封装", None, ("C3982",), 2, "功率模块"),
            ("应用", None, ("C3825", "C3612", "C3841"), 6, "光伏逆变、新能源汽车与储能"),
        ),
    ),
)

OFFICIALS = ("王立新", "李敏", "张强", "刘洋", "陈静", "杨帆", "赵磊", "黄蕾", "周涛", "吴婷")
INVESTOR_A = ("华", "中", "信", "海", "金", "京", "津", "鲁", "粤", "沪", "蓉", "汉")
INVESTOR_B = ("创", "芯", "科", "智", "源", "达", "联", "睿", "图", "微", "辰", "航")
INVESTOR_C = ("集团有限公司", "科技股份有限公司", "投资有限公司", "控股有限公司", "产业基金")
PRODUCTS = {
    None: ("总部基地", "研发中心", "产业园", "智能制造基地", "数字经济产业园", "新材料项目"),
    "芯片设计": ("高性能处理器研发中心",),
    "晶圆制造": ("12 英寸特色工艺产线", "晶圆代工基地"),
    "封装测试": ("先进封装测试基地",),
    "服务器": ("信创服务器整机基地",),
    "操作系统": ("操作系统研发中心",),
    "数据库": ("分布式数据库研发中心",),
    "中间件": ("中间件产品线",),
    "办公软件": ("办公软件华北总部",),
    "工业软件": ("工业软件创新中心",),
    "原料与设备": ("细胞培养耗材生产基地",),
    "细胞制备与存储": ("细胞制备中心",),
    "基因编辑与病毒载体": ("病毒载体 GMP 车间",),
    "CDMO 外包服务": ("细胞治疗 CDMO 平台",),
    "临床转化与应用": ("细胞治疗临床研究中心", "研究型医院"),
    "衬底材料": ("碳化硅衬底项目",),
    "外延片": ("碳化硅外延片项目", "氮化镓外延项目"),
    "器件设计与制造": ("功率器件产线",),
    "模块与封装": ("功率模块封装项目",),
    "应用": ("储能系统集成项目", "车规级模块应用项目"),
}
# How far projects got: weights of the current stage (线索 … 投产运营).
STAGE_WEIGHTS = (30, 22, 18, 12, 10, 8)


def populate(ctx) -> None:
    """Chains, nodes and mapped firms, settings and projects for the demo zone (``ctx.zones[0]``)."""
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        counts = build(ctx.zones[0], timezone.localdate(), user=ctx.users.get("zone_admin"))
    gaps = counts["gaps"]
    ctx.report.append(
        f"  招商与产业链 investment: {counts['projects']} 个招商项目（停滞 {counts['stalled']} 个）/ projects "
        f"({counts['stalled']} stalled)；{counts['chains']} 条产业链、{counts['nodes']} 个节点、"
        f"{counts['firms']} 家企业挂链，{gaps} 个补链缺口 / chains, nodes, firms mapped, {gaps} gaps"
    )


def build(zone, today: dt.date, user=None, projects: int = PROJECTS, seed: int = SEED) -> dict:
    """Make the demo's chains and projects for ``zone`` (in the caller's transaction); returns counts."""
    from gaoxin import investment as core
    from gaoxin.web.investment import services
    from gaoxin.web.investment.models import (
        Chain,
        ChainNode,
        InvestmentSettings,
        NodeFirm,
        Project,
        StageChange,
    )
    from gaoxin.web.registry.models import Enterprise

    rng = random.Random(seed)
    InvestmentSettings.objects.update_or_create(zone=zone, defaults={"stalled_days": STALLED_DAYS})
    by_industry: dict[str, list[int]] = {}
    for pk, industry in Enterprise.objects.filter(zone=zone).order_by("uscc").values_list("pk", "industry"):
        by_industry.setdefault(industry, []).append(pk)
    nodes: list[ChainNode] = []
    mappings: list[NodeFirm] = []
    for order, (name, leader, description, spec) in enumerate(CHAINS):
        chain = Chain.objects.create(
            zone=zone, name=name, leader=leader, description=description, order=order
        )
        made: dict[str, ChainNode] = {}
        used: set[int] = set()
        for i, (node_name, parent, industries, n, node_description) in enumerate(spec):
            node = ChainNode.objects.create(
                chain=chain, parent=made.get(parent), name=node_name, description=node_description, order=i
            )
            made[node_name] = node
            nodes.append(node)
            pool = [pk for code in industries for pk in by_industry.get(code, []) if pk not in used]
            for pk in rng.sample(pool, min(n, len(pool))):
                used.add(pk)
                mappings.append(NodeFirm(node=node, enterprise_id=pk))
    NodeFirm.objects.bulk_create(mappings)

    gap_ids = {g.node.pk for g in services.chain_gaps(zone)}
    gap_nodes = [n for n in nodes if n.pk in gap_ids]
    firms_of: dict[int, list[int]] = {}
    for m in mappings:
        firms_of.setdefault(m.node_id, []).append(m.enterprise_id)
    all_firms = [pk for pks in by_industry.values() for pk in pks]

    rows: list[Project] = []
    start = today - dt.timedelta(days=730)
    for i in range(projects):
        stage_i = rng.choices(range(len(core.STAGES)), weights=STAGE_WEIGHTS)[0]
        dropped = stage_i <= 2 and rng.random() < 0.18
        final = stage_i == len(core.STAGES) - 1
        # The last change: recent for most active projects, months ago for the stalled fifth.
        if final or dropped:
            last = today - dt.timedelta(days=rng.randint(5, 600))
        elif rng.random() < 0.2:
            last = today - dt.timedelta(days=rng.randint(STALLED_DAYS + 1, 420))
        else:
            last = today - dt.timedelta(days=rng.randint(0, STALLED_DAYS - 5))
        dates: dict[str, dt.date | None] = dict.fromkeys(core.STAGES)
        current = last
        for s in reversed(core.STAGES[: stage_i + 1]):
            if s != core.STAGES[stage_i] and s == "negotiation" and rng.random() < 0.1:
                continue  # a lead signed straight away: the negotiation stage skipped
            dates[s] = max(current, start)
            current = current - dt.timedelta(
                days=rng.randint(0, 4) if rng.random() < 0.1 else rng.randint(15, 160)
            )
        r = rng.random()
        node = None
        if gap_nodes and r < 0.3:
            node = rng.choice(gap_nodes)
        elif r < 0.75:
            node = rng.choice(nodes)
        product = rng.choice(PRODUCTS.get(node.name if node else None, PRODUCTS[None]))
        investor = rng.choice(INVESTOR_A) + rng.choice(INVESTOR_B) + rng.choice(INVESTOR_C)
        amount = Decimal(round(rng.lognormvariate(10.0, 1.3), 2)).quantize(Decimal("0.01"))
        if rng.random() < 0.04:
            amount = Decimal(rng.choice((100000, 200000, 500000, 1000000)))  # 十亿、百亿级
        enterprise_id = None
        if stage_i >= 3 and not dropped and rng.random() < 0.6:
            pool = firms_of.get(node.pk, []) if node else []
            enterprise_id = rng.choice(pool or all_firms)
        lead = dates["lead"] or dates[core.STAGES[stage_i]]
        rows.append(
            Project(
                zone=zone,
                code=f"ZS{lead.year}{i + 1:04d}",
                name=f"{investor[:2]}{product}",
                investor=investor,
                amount=amount,
                node=node,
                official=rng.choice(OFFICIALS),
                stage=core.STAGES[stage_i],
                **{f"{s}_on": d for s, d in dates.items()},
                status=Project.Status.DROPPED if dropped else Project.Status.ACTIVE,
                dropped_on=(min(today, last + dt.timedelta(days=rng.randint(10, 120))) if dropped else None),
                enterprise_id=enterprise_id,
                notes="",
            )
        )
    Project.objects.bulk_create(rows)
    made_rows = list(
        Project.objects.filter(zone=zone).only(
            "pk", "stage", "status", "dropped_on", *(f"{s}_on" for s in core.STAGES)
        )
    )
    changes = []
    for p in made_rows:  # the history a project would have: each stage reached, then the drop
        previous = ""
        for s in core.STAGES[: core.STAGES.index(p.stage) + 1]:
            day = p.stage_date(s)
            if day is None:
                continue  # a skipped stage
            changes.append(
                StageChange(project=p, from_stage=previous, stage=s, on=day, note="演示数据", user=user)
            )
            previous = s
        if p.status == Project.Status.DROPPED:
            changes.append(
                StageChange(
                    project=p,
                    from_stage=p.stage,
                    stage=p.stage,
                    status=p.status,
                    on=p.dropped_on,
                    note="演示数据：项目终止",
                    user=user,
                )
            )
    StageChange.objects.bulk_create(changes)
    return {
        "projects": len(rows),
        "stalled": len(services.stalled_ids(zone, on=today)),
        "chains": len(CHAINS),
        "nodes": len(nodes),
        "firms": len({m.enterprise_id for m in mappings}),
        "gaps": len(gap_ids),
    }
