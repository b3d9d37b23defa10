"""The monthly report's sections from the other apps, and overdue tasks by days overdue (issue 17,
item 11): innovation credit (the latest run, grades, lists published in the month), the cultivation
ladder (the latest assessment per tier), sci-tech finance (the month's loans, the pools' states)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gaoxin.web.command import services
from gaoxin.web.command.models import Task
from gaoxin.web.credit.models import Score
from gaoxin.web.cultivation.models import LadderEntry
from gaoxin.web.cultivation.services import run_assessment
from gaoxin.web.finance import services as fin_services
from gaoxin.web.finance.models import Transition
from tests.web.conftest import YEAR
from tests.web.finance.conftest import make_products


def _section(body: str, sid: str) -> str:
    return body.split(f'id="{sid}"')[1].split("</section>")[0]


def test_the_report_has_credit_cultivation_and_finance(command):
    platform = command.platform
    run_assessment(platform.zone_a, YEAR, platform.users["zone_admin"])
    _pool, loan_a, *_rest = make_products(platform)
    bank = platform.users["bank"]
    app = fin_services.apply(bank, loan_a, platform.listed, Decimal("100"), 12, "流动资金")
    fin_services.act(bank, app, "approve", amount=Decimal("90.5"), rate=Decimal("3.45"), term=12)
    fin_services.act(bank, app, "disburse")
    this_month = services.month_of(services.today())  # the report as of today
    body = command.client("zone_admin").get("/command/report/", {"month": this_month.label}).content.decode()

    credit = _section(body, "r-credit")
    scored = Score.objects.filter(run=platform.run_a).count()
    assert "六、创新积分" in credit and f"为 {scored:,} 家企业评分" in credit
    for grade in Score.objects.filter(run=platform.run_a).values_list("grade", flat=True).distinct():
        n = Score.objects.filter(run=platform.run_a, grade=grade).count()
        assert f'<td class="num">{n:,}</td>' in credit

    ladder = _section(body, "r-cultivation")
    held = LadderEntry.objects.filter(run__zone=platform.zone_a, tier="hightech", status="holds").count()
    row = ladder.split('data-tier="hightech"')[1].split("</tr>")[0]
    assert "高新技术企业" in row and f'<td class="num">{held:,}</td>' in row

    finance = _section(body, "r-finance")
    start = dt.date(this_month.year, this_month.month, 1)
    disbursed = Transition.objects.filter(
        application__product__zone=platform.zone_a, action="disburse", at__date__gte=start
    )
    amount = sum((t.amount or Decimal(0) for t in disbursed), Decimal(0))
    row = finance.split('data-action="disburse"')[1].split("</tr>")[0]
    assert disbursed.count() == 1 and amount == Decimal("90.5")
    assert '<td class="num">1</td>' in row and "90.50" in row
    assert "风险池" in _section(body, "r-finance") and 'data-status="ok"' in finance
    assert "乙区" not in body


def test_overdue_tasks_are_sorted_by_days_overdue(command):
    body = command.client("zone_admin").get("/command/report/").content.decode()
    table = body.split('id="report-overdue"')[1].split("</table>")[0]
    days = [int(cell.split("</td>")[0].replace(",", "")) for cell in table.split('<td class="num">')[1:]]
    assert len(days) >= 2 and days == sorted(days, reverse=True)
    late = services.overdue(Task.objects.filter(plan__zone=command.platform.zone_a))
    assert len(days) == late.count()
