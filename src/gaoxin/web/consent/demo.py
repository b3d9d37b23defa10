"""This app's part of ``gaoxin demo`` (see ``gaoxin.web.platform.demo.DEMO_STEPS``).

The demo firm authorises the demo bank for one year (through ``services.grant``, as on its page); three
other firms of the demo zone show the other states: one live, one revoked, one expired. The bank has
looked at the demo firm twice (page and API), so the firm's "who looked" list is not empty.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gaoxin.consent import rules
from gaoxin.web.consent import services
from gaoxin.web.consent.models import AccessLog, Channel, Consent
from gaoxin.web.registry.models import Enterprise

PURPOSE = "创新积分贷授信审查"


def populate(ctx) -> None:
    """Add this app's demo data for ``ctx`` (a ``gaoxin.web.platform.demo.DemoContext``)."""
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    firm_user, bank_user = ctx.users["firm"], ctx.users["bank"]
    with transaction.atomic():
        services.grant(firm_user, ctx.bank, rules.one_year_after(today), PURPOSE, now=now)
        others = list(
            Enterprise.objects.filter(zone=ctx.zones[0]).exclude(pk=ctx.firm.pk).order_by("uscc")[:3]
        )
        day = dt.timedelta(days=1)
        states = [
            # (starts, expires, revoked): live for six months, revoked last week, expired last month
            (now - 10 * day, rules.end_of_day(today + 180 * day, tz), None),
            (now - 40 * day, rules.end_of_day(today + 300 * day, tz), now - 7 * day),
            (now - 200 * day, rules.end_of_day(today - 30 * day, tz), None),
        ]
        Consent.objects.bulk_create(
            Consent(
                enterprise=ent,
                bank=ctx.bank,
                granted_at=starts,
                starts_at=starts,
                expires_at=expires,
                revoked_at=revoked,
                purpose=PURPOSE,
            )
            for ent, (starts, expires, revoked) in zip(others, states, strict=False)
        )
        looks = [
            services.log_access(bank_user, ctx.firm, "profile", Channel.PAGE),
            services.log_access(bank_user, ctx.firm, "profile", Channel.API),
        ]
        if others:
            looks.append(services.log_access(bank_user, others[0], "profile", Channel.PAGE))
        for n, look in enumerate(looks):  # spread over the last days, as real looks would be
            AccessLog.objects.filter(pk=look.pk).update(at=now - (len(looks) - n) * dt.timedelta(hours=5))
    ctx.report.append(
        f"  数据授权 consent: {ctx.firm.name} 已授权 {ctx.bank.name} 查看企业详情一年；另有 {len(others)} 家企业的授权"
        "（有效 / 已撤销 / 已过期）。 / Data authorisation: the demo firm authorises the demo bank for a year; "
        f"{len(others)} more firms show the live, revoked and expired states."
    )
