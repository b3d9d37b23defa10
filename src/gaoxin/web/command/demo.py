"""The command centre's part of ``gaoxin demo``: the demo zone's targets (the seed article's kind,
scaled to the zone), about 60 talents, 20 platforms and "7 special actions, 59 tasks".

Targets on the register (high-tech enterprises, R&D total, …) take their baseline from the register
itself and a goal chosen so that the demo shows every status: some on track, some at risk, some off
track. Entered indicators (R&D intensity, non-fossil energy share, industry size) get annual or monthly
actuals with their sources. Task deadlines are placed around today so that some tasks are overdue
whenever the demo is run. Seeded: the same run gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.command.metrics import parse_metric
from gaoxin.command.periods import Period

SEED = 2025

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉力宇鹏浩凯俊峰岩晨阳琳志远思博海波瑞佳昊天睿宁航斌"
)
PROGRAMMES = {
    "national": [
        "国家高层次人才特殊支持计划",
        "国家杰出青年科学基金",
        "国家海外高层次人才引进计划",
        "长江学者奖励计划",
    ],
    "provincial": ["省“百人计划”", "省科技领军人才", "省杰出青年基金", "省产业创新人才"],
    "municipal": ["市高层次人才", "市“海河英才”", "市青年科技人才", "市优秀企业家"],
}
TEAMS = ["信创芯片团队", "细胞治疗团队", "智能制造团队", "新材料团队", "", "", "量子通信团队", "生物医药团队"]
PLATFORMS = [
    ("信息技术应用创新实验室", "lab", "provincial"),
    ("细胞生态实验室", "lab", "provincial"),
    ("脑机交互与人机共融实验室", "lab", "municipal"),
    ("先进电子束测试平台", "innovation_centre", "national"),
    ("能源催化转化国家重点实验室", "lab", "national"),
    ("国家先进功能材料研发中心", "rd_institution", "national"),
    ("国家生物医药研发中心", "rd_institution", "national"),
    ("国家智能装备工程研究中心", "engineering_centre", "national"),
    ("国家企业技术中心（信创）", "tech_centre", "national"),
    ("省第三代半导体研发中心", "rd_institution", "provincial"),
    ("省工业互联网工程技术研究中心", "engineering_centre", "provincial"),
    ("省新能源汽车技术创新中心", "innovation_centre", "provincial"),
    ("省企业技术中心（新材料）", "tech_centre", "provincial"),
    ("留学生创业园", "incubator", "national"),
    ("双创示范基地孵化器", "incubator", "provincial"),
    ("市科技企业孵化器", "incubator", "municipal"),
    ("市众创空间（科技城）", "maker_space", "municipal"),
    ("市工程技术研究中心（储能）", "engineering_centre", "municipal"),
    ("市重点实验室（智慧海洋）", "lab", "municipal"),
    ("市研发机构（车联网）", "rd_institution", "municipal"),
    ("国家级众创空间", "maker_space", "national"),
]
ACTIONS = [
    (
        "创新主体倍增专项行动",
        "科技局",
        9,
        [
            "高新技术企业申报辅导",
            "科技型中小企业评价入库",
            "专精特新企业梯度培育",
            "瞪羚企业遴选",
            "科技领军企业认定",
            "企业研发费用加计扣除政策宣讲",
            "上市后备企业库扩容",
            "企业创新积分制试点",
            "规上企业研发机构全覆盖",
        ],
    ),
    (
        "创新平台建设专项行动",
        "科技局",
        9,
        [
            "海河实验室建设",
            "国家重点实验室申报",
            "新型研发机构认定",
            "中试平台建设",
            "概念验证中心建设",
            "大科学装置前期论证",
            "工程技术研究中心培育",
            "企业技术中心申报",
            "平台绩效评价",
        ],
    ),
    (
        "人才集聚专项行动",
        "人才办",
        8,
        [
            "国家级人才申报",
            "省级人才引进",
            "“项目+团队”落户",
            "产教融合联盟建设",
            "博士后工作站扩容",
            "青年人才公寓建设",
            "人才服务专员制度",
            "海外引才工作站",
        ],
    ),
    (
        "产业链招商专项行动",
        "投资促进局",
        8,
        [
            "链长制工作机制",
            "重点产业链图谱绘制",
            "十亿级项目签约",
            "百亿级项目谋划",
            "以商招商活动",
            "招商项目全流程跟踪",
            "主题园区规划",
            "新赛道项目储备",
        ],
    ),
    (
        "科技金融赋能专项行动",
        "金融局",
        8,
        [
            "政府引导基金设立",
            "科技信贷风险补偿",
            "知识产权质押融资",
            "创投机构集聚",
            "上市培育辅导",
            "科技保险试点",
            "白名单企业融资对接",
            "金融服务平台上线",
        ],
    ),
    (
        "营商环境优化专项行动",
        "营商环境局",
        9,
        [
            "“科企六条”政策兑现",
            "一网通办事项扩容",
            "企业服务专员",
            "政策计算器上线",
            "涉企检查减量",
            "惠企政策直达",
            "企业诉求闭环办理",
            "证照分离改革",
            "信用监管试点",
        ],
    ),
    (
        "绿色低碳转型专项行动",
        "生态环境局",
        8,
        [
            "工业绿电替代",
            "重点行业能效对标",
            "分布式光伏建设",
            "节能降碳项目清单",
            "绿色工厂认定",
            "碳排放统计核算",
            "储能示范项目",
            "零碳园区试点",
        ],
    ),
]
assert sum(n for _, _, n, _ in ACTIONS) == 59 and len(ACTIONS) == 7


def _goal(baseline: float, actual: float, frac: float, shortfall: float) -> float:
    """A goal value so that ``actual`` at ``frac`` of the way falls ``shortfall`` × the whole change
    short of the straight path (negative: ahead of it)."""
    if actual > baseline and frac > shortfall:
        return baseline + (actual - baseline) / (frac - shortfall)
    return baseline + max(abs(baseline) * 0.3, 1.0)


SHORTFALL = {"on_track": -0.03, "at_risk": 0.025, "off_track": 0.25}


def _round(x: float, places: int) -> Decimal:
    return Decimal(str(round(x, places))) if places else Decimal(round(x))


def populate(ctx) -> None:
    from django.db import transaction

    from gaoxin.web.command import services
    from gaoxin.web.command.models import ActionPlan, Platform, Talent, Target, TargetActual, Task
    from gaoxin.web.registry.models import Enterprise

    rng = random.Random(SEED)
    zone = ctx.zones[0]
    today = services.today()
    admin = ctx.users["zone_admin"]
    firms = list(Enterprise.objects.filter(zone=zone).order_by("uscc").values_list("pk", flat=True)[:600])

    with transaction.atomic():
        # --- talents and platforms (before the targets that count them) ---
        talents = []
        taken = set()  # (name, programme) is how an import recognises a talent: keep it unique
        for level, n in (("national", 14), ("provincial", 20), ("municipal", 28)):
            for _i in range(n):
                while True:
                    name = rng.choice(SURNAMES) + "".join(
                        rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
                    )
                    programme = rng.choice(PROGRAMMES[level])
                    if (name, programme) not in taken:
                        taken.add((name, programme))
                        break
                talents.append(
                    Talent(
                        zone=zone,
                        name=name,
                        level=level,
                        programme=programme,
                        team=rng.choice(TEAMS),
                        enterprise_id=rng.choice(firms) if firms and rng.random() < 0.8 else None,
                        year=rng.randint(2019, today.year),
                    )
                )
        Talent.objects.bulk_create(talents)
        Platform.objects.bulk_create(
            [
                Platform(
                    zone=zone,
                    name=name,
                    kind=kind,
                    level=level,
                    enterprise_id=rng.choice(firms)
                    if firms and kind in ("tech_centre", "engineering_centre")
                    else None,
                    year=rng.randint(2018, today.year),
                )
                for name, kind, level in PLATFORMS
            ]
        )

        # --- targets on the register: baselines from the register, goals for a mix of statuses ---
        computed = [
            ("高新技术企业数", "家", "tier_count:hightech", 2021, 2027, "on_track", 0, "科技局"),
            ("科技型中小企业数", "家", "tier_count:tech_sme", 2021, 2027, "at_risk", 0, "科技局"),
            ("专精特新中小企业数", "家", "tier_count:specialized_sme", 2021, 2027, "off_track", 0, "工信局"),
            ("园区企业研发费用合计", "万元", "rd_total", 2021, 2027, "on_track", 0, "科技局、统计局"),
            ("国家级人才数", "人", "talents:national", 2022, 2027, "at_risk", 0, "人才办"),
            ("省级人才数", "人", "talents:provincial", 2022, 2027, "on_track", 0, "人才办"),
            ("国家级研发机构和平台数", "家", "platforms:national", 2022, 2027, "off_track", 0, "科技局"),
        ]
        metrics = [parse_metric(m) for _n, _u, m, *_rest in computed]
        figures = services.register_figures(zone, metrics, today)
        order = 0
        made = []
        for (name, unit, metric, y0, y1, status, places, owner), m in zip(computed, metrics, strict=True):
            values = figures.values(m, y0, min(y1, today.year))
            if not values:
                continue
            last = max(values)
            y0 = y0 if y0 in values else min(values)  # the register's first year, if later
            if last <= y0:
                continue
            base = float(values[y0])
            actual = float(values[last])
            when = Period(last).when if last < today.year else Period(last, today.month).when
            frac = (when - y0) / (y1 - y0)
            goal = _goal(base, actual, frac, SHORTFALL[status])
            order += 1
            made.append(
                Target(
                    zone=zone,
                    name=name,
                    unit=unit,
                    metric=metric,
                    baseline_value=_round(base, places),
                    baseline_year=y0,
                    target_value=_round(max(goal, base + 1), places),
                    target_year=y1,
                    owner=owner,
                    source="登记库自动计算",
                    order=order,
                )
            )
        # --- entered targets, with actuals and their sources ---
        entered = [
            # name, unit, baseline (value, year), target (value, year), owner, status, monthly, source
            (
                "研发经费投入强度（R&D/GDP）",
                "%",
                (5.2, 2022),
                (8.0, 2027),
                "统计局",
                "off_track",
                False,
                "区统计局年度统计公报",
            ),
            (
                "非化石能源消费占比",
                "%",
                (15.0, 2023),
                (20.0, 2027),
                "发改局",
                "at_risk",
                True,
                "区能源统计月报",
            ),
            (
                "大数据与新一代信息技术产业规模",
                "亿元",
                (3100.0, 2022),
                (5000.0, 2027),
                "工信局",
                "on_track",
                False,
                "工信局产业运行监测",
            ),
            (
                "规上工业总产值",
                "亿元",
                (820.0, 2022),
                (1200.0, 2027),
                "工信局",
                "on_track",
                True,
                "区统计局月度快报",
            ),
        ]
        plans_for_actuals = []
        for name, unit, (b, y0), (goal, y1), owner, status, monthly, source in entered:
            order += 1
            t = Target(
                zone=zone,
                name=name,
                unit=unit,
                metric="entered",
                baseline_value=_round(b, 2),
                baseline_year=y0,
                target_value=_round(goal, 2),
                target_year=y1,
                owner=owner,
                source=source,
                order=order,
            )
            made.append(t)
            plans_for_actuals.append((t, status, monthly, source))
        Target.objects.bulk_create(made)

        actuals = []
        last_month = Period(today.year, today.month - 1) if today.month > 1 else Period(today.year - 1, 12)
        for t, status, monthly, source in plans_for_actuals:
            b, goal = float(t.baseline_value), float(t.target_value)
            y0, y1 = t.baseline_year, t.target_year
            periods = (
                [
                    Period(y, mo)
                    for y in range(y0 + 1, today.year + 1)
                    for mo in range(1, 13)
                    if Period(y, mo).sort_key() <= last_month.sort_key()
                ]
                if monthly
                else [Period(y) for y in range(y0 + 1, today.year)]
            )
            shortfall = SHORTFALL[status]
            for i, p in enumerate(periods):
                frac = (p.when - y0) / (y1 - y0)
                expected = b + (goal - b) * frac
                # the latest figure lands where the status wants it; earlier ones wander around the path
                off = shortfall if i == len(periods) - 1 else shortfall * rng.uniform(-1.0, 1.3)
                value = (
                    expected
                    - off * (goal - b)
                    + (0 if i == len(periods) - 1 else rng.uniform(-0.005, 0.005) * b)
                )
                actuals.append(
                    TargetActual(
                        target=t,
                        year=p.year,
                        month=p.month,
                        value=_round(value, 2),
                        source=f"{source}（{p.label}）",
                        entered_by=admin,
                    )
                )
        TargetActual.objects.bulk_create(actuals)

        # --- 7 special actions, 59 tasks; deadlines around today, some overdue ---
        tasks = []
        overdue = 0
        for k, (name, dept, _n, items) in enumerate(ACTIONS, start=1):
            plan = ActionPlan.objects.create(zone=zone, name=name, owner=dept, period="2025–2027", order=k)
            for j, item in enumerate(items, start=1):
                deadline = today + dt.timedelta(days=rng.randint(-420, 540))
                past = deadline < today
                if past:
                    late = rng.random() < 0.17
                    status = rng.choice(["in_progress", "not_started"]) if late else "done"
                    overdue += late
                else:
                    status = rng.choices(["not_started", "in_progress", "done"], weights=[3, 5, 2])[0]
                completed = None
                if status == "done":
                    completed = min(
                        deadline - dt.timedelta(days=rng.randint(0, 60)), today - dt.timedelta(days=1)
                    )
                tasks.append(
                    Task(
                        plan=plan,
                        name=item,
                        owner=dept if rng.random() < 0.6 else f"{dept}、相关街道",
                        deadline=deadline,
                        status=status,
                        order=j,
                        completed_on=completed,
                        evidence=f"{item}工作方案及进展报告" if status != "not_started" else "",
                    )
                )
        Task.objects.bulk_create(tasks)

    views = services.target_views(Target.objects.all(), zone, today)
    counts = services.glance(views)["counts"]
    tally = "，".join(f"{c['label']} {c['n']}" for c in counts if c["n"])
    ctx.report.append(
        f"  指挥中心 command centre: {zone.name} {len(views)} 项目标（{tally}）；人才 {len(talents)} 人，"
        f"平台 {len(PLATFORMS)} 个；7 个专项行动 59 项任务，逾期 {overdue} 项 / targets, talents, platforms, "
        f"7 actions with 59 tasks ({overdue} overdue)"
    )
