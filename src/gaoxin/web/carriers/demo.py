"""The carriers app's part of ``gaoxin demo``: in the demo zone, three carriers (a national incubator, a
specialised incubator, a maker space) holding firms of the register, graduations detected from it, a
listing reserve along the stage ladder (one firm stalled), and one 揭榜挂帅 challenge taken from a firm's
need through publication, two applications, four experts (one conflicted), selection and a signed
contract to its first payment (60 % on signing)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

D = Decimal


def populate(ctx) -> None:
    from gaoxin.carriers import incubators as core_inc
    from gaoxin.io import display
    from gaoxin.web.accounts.models import Role, User
    from gaoxin.web.carriers import services
    from gaoxin.web.carriers.models import ChallengeReview, Incubator
    from gaoxin.web.platform.demo import PASSWORD
    from gaoxin.web.registry.models import AnnualReport, Enterprise, Qualification

    started = time.monotonic()
    zone = ctx.zones[0]
    admin = ctx.users.get("zone_admin") or ctx.users.get("admin")
    today = services.today()
    firms = list(
        Enterprise.objects.filter(zone=zone).exclude(pk=getattr(ctx.firm, "pk", None)).order_by("uscc")
    )
    if len(firms) < 40:
        return
    # Young firms first: an incubator holds firms that have not met a graduation criterion yet.
    records = services.firm_records([e.pk for e in firms])
    met = {e.pk for e in firms if core_inc.detect_graduation(records[e.pk], today).graduated}
    firms = [e for e in firms if e.pk not in met] + [e for e in firms if e.pk in met]
    # --- carriers ----------------------------------------------------------------------------------
    national = Incubator.objects.create(
        zone=zone,
        code="FH-001",
        name=f"{zone.name}创业中心",
        kind="incubator",
        level="national",
        operator=f"{zone.name}科技企业孵化有限公司",
        chain_tier=2,
        legal_entity=True,
        established=dt.date(today.year - 9, 3, 1),
        stat_years=8,
        reports_torch=True,
        area_total=D(12000),
        area_incubation=D(9300),
        fund=D(800),
        staff_total=20,
        pro_staff=17,
        mentors=6,
        investment_cases=5,
        graduates_before=14,
    )
    special = Incubator.objects.create(
        zone=zone,
        code="FH-002",
        name=f"{zone.name}生物医药专业孵化器",
        kind="incubator",
        level="provincial",
        chain_tier=2,
        specialised=True,
        field="生物医药",
        tech_platform=True,
        legal_entity=True,
        established=dt.date(today.year - 4, 6, 1),
        stat_years=3,
        reports_torch=True,
        area_total=D(8000),
        area_incubation=D(5600),
        fund=D(300),
        staff_total=12,
        pro_staff=9,
        mentors=2,
        investment_cases=2,
        graduates_before=4,
    )
    space = Incubator.objects.create(
        zone=zone,
        code="ZC-001",
        name=f"{zone.name}青年众创空间",
        kind="maker_space",
        level="municipal",
        chain_tier=1,
        established=dt.date(today.year - 2, 1, 1),
        reports_torch=True,
        area_total=D(900),
        area_shared=D(700),
        workstations=80,
        staff_total=4,
        mentors=5,
        typical_cases=3,
        teams_admitted=26,
        new_firms=8,
        financed=6,
        events=14,
    )
    for i, e in enumerate(firms[:30]):
        services.add_firm(
            national,
            admin,
            name=e.name,
            enterprise=e,
            entered=dt.date(today.year - 1 - i % 5, 1 + i % 12, 1),
            field="新一代信息技术",
            patent_applied=i % 3 != 0,
        )
    for i, e in enumerate(firms[30:40]):
        services.add_firm(
            special,
            admin,
            name=e.name,
            enterprise=e,
            entered=dt.date(today.year - 1 - i % 6, 3, 1),
            field="生物医药" if i % 4 else "医疗器械",
            patent_applied=i % 2 == 0,
        )
    for i in range(24):
        services.add_firm(
            national, admin, name=f"孵化团队{i + 1:02d}", entered=dt.date(today.year - i % 3, 1 + i % 12, 1)
        )
    for i in range(12):
        services.add_firm(
            space, admin, name=f"创业团队{i + 1:02d}", entered=dt.date(today.year, 1 + i % 9, 1)
        )
    # Three firms of the national incubator are recognised as 高企 this year (a demo certificate): the
    # detection below finds them, with the certificate as the evidence.
    fresh = [e for e in firms[:30] if not core_inc.detect_graduation(records[e.pk], today).graduated][:3]
    for k, e in enumerate(fresh, start=1):
        Qualification.objects.create(
            enterprise=e,
            kind="hightech",
            valid_from=dt.date(today.year, 1 + k, 1),
            valid_to=dt.date(today.year + 3, k, 28),
            certificate_no=f"GR{today.year}4300{k:04d}（演示）",
        )
    graduated = services.detect_graduations(zone, today, admin)
    views = services.incubator_views(zone, today)
    for v in views:
        services.save_self_evaluation(v, today.year, admin)
    services.score_admission(
        national,
        admin,
        name="示例申请团队",
        values={
            "tech_sme": True,
            "age_months": 10,
            "ip_count": 3,
            "field_match": True,
            "team_size": 7,
            "financing": 150,
        },
    )
    # --- listing reserve ---------------------------------------------------------------------------
    ladder = [
        "pool",
        "shareholding",
        "tutoring_filed",
        "tutoring_accepted",
        "application_accepted",
        "approved",
    ]
    revenue = dict(
        AnnualReport.objects.filter(enterprise__in=firms[40:], year=ctx.year).values_list(
            "enterprise_id", "revenue"
        )
    )
    pool = sorted(firms[40:], key=lambda e: -(revenue.get(e.pk) or 0))[:8]
    for i, e in enumerate(pool):
        stage = ladder[i % len(ladder)]
        k = ladder.index(stage)
        last = today - dt.timedelta(days=(400 if i == 0 else 20 + 15 * i))  # the first one is stalled
        start = last - dt.timedelta(days=90 * k)
        r = services.add_to_reserve(
            zone,
            e,
            start,
            admin,
            target_board="star" if i % 2 == 0 else "chinext",
            market_cap=D(90000 + 25000 * i),
            broker="示例证券股份有限公司",
        )
        for j, s in enumerate(ladder[1 : k + 1], start=1):
            services.advance(
                r, s, start + dt.timedelta(days=90 * j), f"{services.STAGE_NAMES[s]}（演示）", admin
            )
    # --- 揭榜挂帅 ----------------------------------------------------------------------------------
    requester, lead_a, lead_b, partner = firms[0], firms[1], firms[2], firms[3]
    need = services.submit_need(
        requester, "高精度MEMS惯性传感器国产化", "现用进口器件，供货周期长，需国产替代。", admin
    )
    ch = services.create_challenge(
        zone,
        admin,
        code="JB-2025-01",
        title="高精度MEMS惯性传感器攻关",
        need=need,
        requester=requester,
        problem="研制零偏稳定性优于0.5°/h的MEMS陀螺，并在发榜方产线完成验证。",
        indicators="零偏稳定性 ≤ 0.5°/h（第三方检测，GB/T 标准方法）；良率 ≥ 90%；年产能 ≥ 10 万只",
        ceiling=D(500),
        requester_funding=D(200),
        deadline=today + dt.timedelta(days=30),
        eligibility="园区内注册企业牵头，可联合高校院所",
        ip_terms="知识产权归揭榜方，发榜方享有优先使用权",
    )
    services.publish(ch, today, admin)
    app_a = services.apply(
        ch,
        lead_a,
        admin,
        plan="基于SOI工艺的闭环MEMS陀螺方案，分三阶段实施。",
        budget=D(900),
        requested=D(450),
        cofunding=D(450),
        partners=[partner],
        partners_other="某大学微电子学院",
    )
    app_b = services.apply(
        ch,
        lead_b,
        admin,
        plan="采用体硅工艺与数字补偿算法。",
        budget=D(700),
        requested=D(400),
        cofunding=D(300),
    )
    experts = []
    for k, org in enumerate((firms[5], firms[6], firms[7], partner), start=1):
        username = f"expert{k}"
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=Role.ENTERPRISE,
            enterprise=org,
            display_name=f"评审专家{k}",
        )
        experts.append(services.add_expert(ch, user, admin, title="微电子 · 教授级高工"))
    services.assign_all(ch, admin)  # expert4 works for app_a's partner: conflicted at once
    services.start_review(ch, admin)
    marks = {app_a.pk: ("27", "18", "18", "13", "13"), app_b.pk: ("22", "15", "14", "11", "10")}
    for review in ChallengeReview.objects.filter(application__challenge=ch).select_related("expert"):
        if review.conflict:
            continue
        pts = marks[review.application_id]
        services.submit_review(
            review,
            dict(zip(("route", "team", "indicators", "budget", "transfer"), pts, strict=True)),
            "",
            admin,
        )
    chosen = services.select(ch, admin)
    contract = services.sign_contract(
        chosen[0],
        admin,
        number="JB-2025-01-RW",
        signed_on=today,
        funding=D(450),
        milestones=[
            ("样品零偏稳定性 ≤ 1°/h（第三方检测报告）", today + dt.timedelta(days=180)),
            ("零偏稳定性 ≤ 0.5°/h，良率 ≥ 80%", today + dt.timedelta(days=360)),
            ("发榜方产线验证通过，良率 ≥ 90%", today + dt.timedelta(days=540)),
        ],
    )
    first = services.pay(contract, today, admin, "签约后首期拨付")
    reserve = services.reserve_views(zone, today, ctx.year)
    stalled = sum(1 for v in reserve if v.stalled_days is not None)
    ctx.report.append(
        f"  创新载体 carriers: {len(views)} 个孵化载体，{len(graduated)} 家企业按企业库数据认定毕业；"
        f"上市后备 {len(reserve)} 家（停滞 {stalled} 家）；揭榜挂帅“{ch.title}”已签约并拨付首期 {display.num(first.amount)} 万元"
        f"（{time.monotonic() - started:.1f} 秒） / {len(views)} carriers, {len(graduated)} graduations detected, "
        f"{len(reserve)} reserve firms, a challenge contracted with its first payment of {display.num(first.amount)} 万元"
    )
