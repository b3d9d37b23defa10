"""The supervision app's part of ``gaoxin demo``: a province over the demo zones, its supervisor, the
security and audit administrators, and a provincial white-list published to the demo bank."""

from __future__ import annotations

from types import SimpleNamespace


def populate(ctx) -> None:
    from gaoxin.web.accounts.models import Role, User
    from gaoxin.web.registry.models import Region, Zone
    from gaoxin.web.supervision import services

    nation = Region.objects.create(code="cn", name="全国（火炬中心）", level=Region.Level.NATION)
    province = Region.objects.create(
        code="demo-province", name="示范省", level=Region.Level.PROVINCE, parent=nation
    )
    Zone.objects.filter(pk__in=[z.pk for z in ctx.zones]).update(region=province)
    password = ctx.users["admin"].password  # the demo's one password, already hashed
    made = {}
    for username, role, name, region in (
        ("province", Role.SUPERVISOR, "省科技厅（演示）", province),
        ("nation", Role.SUPERVISOR, "火炬中心（演示）", nation),
        ("security", Role.SECURITY_ADMIN, "安全管理员", None),
        ("auditor", Role.AUDIT_ADMIN, "审计管理员", None),
    ):
        user = User(username=username, role=role, display_name=name, region=region, password=password)
        user.save()
        made[username] = ctx.users[username] = user
    request = SimpleNamespace(user=made["province"], META={})
    sources = services.publishable(made["province"]).filter(pk=ctx.published.pk)
    regional = services.publish_regional(
        request, region=province, title="示范省科技型企业白名单（演示）", sources=sources, banks=[ctx.bank]
    )
    ctx.report.append(
        f"  上级监管 supervision: 示范省（{len(ctx.zones)} 个园区）省级白名单 #{regional.pk}（{regional.entries_count} 家）"
        f"已发给 {ctx.bank.name}；账号 province / nation / security / auditor / "
        f"a province over the demo zones, a provincial list to the bank; accounts province, nation, security, auditor"
    )
