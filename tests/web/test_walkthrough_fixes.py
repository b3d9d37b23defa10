"""What a walk through the demo as every role found (issue 17, "What first users hit"), each pinned by
the text a user reads: tier codes, numbers without thousands separators, English keys and raw codes in
the audit log, links that answer 403 to the role that sees them, doubled parentheses and units.

The walk itself is ``bench/walk.py`` (a browser over the demo, screenshots per role)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from gaoxin.web.accounts.audit_labels import action_label, detail_fields
from gaoxin.web.accounts.models import Role
from gaoxin.web.registry.models import ImportBatch, Qualification, Region, Zone
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)  # a chart's data is not text
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- supervision ----------------------------------------------------------------------------------------


@pytest.fixture
def province(platform):
    region = Region.objects.create(code="east", name="东省", level=Region.Level.PROVINCE)
    Zone.objects.filter(pk=platform.zone_a.pk).update(region=region)
    c = Client()
    c.force_login(make_user("east", Role.SUPERVISOR, region=region))
    return c


def test_supervision_shows_ladder_tiers_by_name_not_code(province, platform):
    firm = platform.listed
    Qualification.objects.create(
        enterprise=firm, kind="hightech", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2026, 12, 31)
    )
    page = _text(_main(province.get(reverse("supervision:home"))))
    assert "高新技术企业 " in page
    assert "hightech" not in page and "tech_sme" not in page


def test_supervision_totals_say_their_unit_once(province):
    page = _text(_main(province.get(reverse("supervision:home"))))
    assert "万元 贷款余额（万元）" not in page and "万元 批准贷款（万元）" not in page
    assert "贷款余额" in page and "审批通过的贷款" in page and "已评分企业" in page
    html = _main(province.get(reverse("supervision:home")))
    first_row = html.split("<table", 1)[1].split("</thead>", 1)[1].split("</tr>", 1)[0]
    assert "万元" not in _text(first_row)  # the column header says 万元


# --- investment and command: numbers with thousands separators -------------------------------------------


def test_investment_amounts_have_thousands_separators(platform):
    from gaoxin.web.investment.models import Project

    p = Project.objects.create(
        zone=platform.zone_a, code="P1", name="大项目", stage="lead", amount=Decimal("26847.39")
    )
    c = platform.client("zone_admin")
    detail = _text(_main(c.get(reverse("investment:project", args=[p.pk]))))
    assert "26,847.39" in detail and "26847.39" not in detail
    listing = _text(_main(c.get(reverse("investment:projects"))))
    assert "26,847" in listing and "26847" not in listing
    home = _text(_main(c.get(reverse("investment:home"))))
    assert "26,847" in home


def test_investment_weak_node_share_reads_as_a_percentage(platform):
    from gaoxin.web.investment.models import Chain, InvestmentSettings

    Chain.objects.create(zone=platform.zone_a, name="链", leader="链长")
    InvestmentSettings.objects.update_or_create(
        zone=platform.zone_a,
        defaults={"weak_min_hightech_share": Decimal("0.3"), "weak_min_revenue": Decimal(12000)},
    )
    page = _text(_main(platform.client("zone_admin").get(reverse("investment:chains"))))
    assert "高企占比低于 30%" in page
    assert "12,000 万元" in page


def test_command_target_figures_have_thousands_separators(platform):
    from gaoxin.web.command.models import Target, TargetActual

    t = Target.objects.create(
        zone=platform.zone_a,
        name="技工贸总收入",
        unit="亿元",
        metric="entered",
        baseline_value=Decimal(12000),
        baseline_year=2022,
        target_value=Decimal("25000.5"),
        target_year=2027,
        owner="经发局",
    )
    TargetActual.objects.create(target=t, year=2024, value=Decimal(15300), source="统计局")
    page = _text(_main(platform.client("zone_admin").get(reverse("command:target", args=[t.pk]))))
    assert "12,000" in page and "25,000.50" in page and "15,300" in page
    assert "25000" not in page and "12000" not in page


# --- registry ---------------------------------------------------------------------------------------------


def test_import_list_names_the_zone_and_separates_thousands(platform):
    ImportBatch.objects.create(
        zone=platform.zone_a,
        file_name="大文件.csv",
        sha256="1" * 64,
        department="统计局",
        rows=12345,
        status=ImportBatch.Status.APPLIED,
        counts={"reports": {"created": 12000, "updated": 345}, "changes": 23456},
    )
    page = _text(_main(platform.client("platform_admin").get(reverse("registry:imports"))))
    assert "12,345" in page and "12345" not in page
    assert "12,000" in page and "23,456" in page
    assert platform.zone_a.name in page


def test_completeness_column_says_what_its_share_is(platform):
    page = _main(platform.client("zone_admin").get(reverse("registry:dashboard")))
    table = page[page.index('id="completeness"') : page.index("</table>", page.index('id="completeness"'))]
    assert "填报率" in table


def test_enterprise_profile_names_the_operator_and_uses_a_chinese_colon(platform):
    user = platform.users["clerk"]
    user.display_name = "甲区数据专员"
    user.save()
    ImportBatch.objects.filter(zone=platform.zone_a).update(user=user)
    page = _text(
        _main(platform.client("zone_admin").get(reverse("registry:enterprise", args=[platform.listed.pk])))
    )
    assert "甲区数据专员" in page
    assert "来源：" in page and "来源:" not in page


# --- finance ----------------------------------------------------------------------------------------------


def test_finance_grade_reason_reads_as_a_requirement_and_the_product_chooser_says_choose(platform):
    from tests.web.finance.conftest import make_products

    make_products(platform)
    page = _text(_main(platform.client("enterprise").get(reverse("finance:my_financing"))))
    assert re.search(r"等级 [A-D—]，(达到 [A-D] 级及以上的要求|低于要求的 [A-D] 级)", page)
    assert "---------" not in page
    assert "请选择产品" in page


def test_pool_facts_have_no_doubled_parentheses(platform):
    from tests.web.finance.conftest import make_products

    make_products(platform)
    page = _text(_main(platform.client("zone_admin").get(reverse("finance:overview"))))
    assert "（（" not in page and "(" not in page.split("风险池", 1)[1].split("按等级", 1)[0]
    assert "占覆盖上限 5.00%" in page


# --- links that answered 403 to the enterprise user -------------------------------------------------------


def test_green_panel_links_an_enterprise_to_its_own_green_page(platform):
    request = RequestFactory().get("/")
    request.user = platform.users["enterprise"]
    panel = {"rows": [], "enterprise": platform.unlisted}
    html = render_to_string("green/panel.html", {"panel": panel, "user": request.user}, request=request)
    assert reverse("green:mine") in html
    assert reverse("green:firm", args=[platform.unlisted.pk]) not in html
    staff = render_to_string("green/panel.html", {"panel": panel, "user": platform.users["zone_admin"]})
    assert reverse("green:firm", args=[platform.unlisted.pk]) in staff


def test_policy_mine_links_the_ladder_the_enterprise_may_open():
    html = open(  # noqa: SIM115 - the template as written
        "src/gaoxin/web/policy/templates/policy/mine.html", encoding="utf-8"
    ).read()
    assert "{% url 'cultivation:home' %}" not in html
    assert "{% url 'registry:my_enterprise' %}#panel-ladder" in html


# --- audit log --------------------------------------------------------------------------------------------


def test_audit_details_are_words_not_codes():
    with translation.override("zh-hans"):
        fields = dict(
            detail_fields(
                {
                    "what": "ladder_candidates",
                    "tier": "specialized_sme",
                    "filters": {"status": "candidates", "q": "", "tech_field": ""},
                    "format": "xlsx",
                    "before": "pending",
                    "after": "approved",
                    "first_loan": True,
                }
            )
        )
        assert fields["内容"] == "梯度培育候选企业"
        assert fields["培育梯度"] == "专精特新中小企业"
        assert fields["筛选条件"] == "status=candidates"
        assert fields["格式"] == "xlsx"
        assert fields["状态"] == "待审核 → 已批准"
        assert fields["首贷"] == "是"
        assert action_label("finance_approve") == "批准了贷款申请"
        assert action_label("finance_disburse") == "发放了贷款"


def test_qualification_filter_names_a_tier():
    from gaoxin.web.platform.templatetags.gaoxin_format import qualification

    with translation.override("zh-hans"):
        assert qualification("hightech") == "高新技术企业"
    with translation.override("en"):
        assert qualification("hightech") != "hightech"


def test_audit_details_leave_out_what_was_not_set():
    with translation.override("zh-hans"):
        fields = dict(detail_fields({"what": "enterprises", "year": None, "filters": {"q": ""}}))
    assert fields == {"内容": "企业名录"}


# --- accounts: an active account is not an investment project "in progress" ----------------------------


def test_account_status_reads_as_an_account_status(platform):
    security = make_user("security", Role.SECURITY_ADMIN)
    c = Client()
    c.force_login(security)
    region = Region.objects.create(code="east", name="东省", level=Region.Level.PROVINCE)
    make_user("east", Role.SUPERVISOR, region=region)
    page = _text(_main(c.get(reverse("accounts:users"))))
    assert "推进中" not in page and "正常" in page
    assert "东省" in page  # a supervisor's account belongs to its region
    detail = _text(_main(c.get(reverse("accounts:user", args=[platform.users["clerk"].pk]))))
    assert "推进中" not in detail and "最近登录：" in detail


# --- supervision: a regional list names the stage ---------------------------------------------------------


def test_regional_list_names_the_stage_not_its_id(platform):
    from gaoxin.web.supervision.models import RegionalList

    region = Region.objects.create(code="east", name="东省", level=Region.Level.PROVINCE)
    Zone.objects.filter(pk=platform.zone_a.pk).update(region=region)
    c = Client()
    c.force_login(make_user("east", Role.SUPERVISOR, region=region))
    r = c.post(
        reverse("supervision:lists"),
        {"title": "东省白名单", "sources": [platform.published.pk], "banks": [platform.bank_a.pk]},
    )
    assert r.status_code == 302
    regional = RegionalList.objects.get(title="东省白名单")
    page = _text(_main(c.get(reverse("supervision:list", args=[regional.pk]))))
    stage = regional.entries.first().stage
    assert stage in {"startup", "growth", "mature"}
    assert f" {stage} " not in page
    assert any(name in page for name in ("初创期", "成长期", "稳定期"))
    assert "银行：" in page and "来源园区名单：" in page


def test_command_target_path_value_of_a_count_is_whole(platform):
    from gaoxin.web.command.models import Target, TargetActual

    t = Target.objects.create(
        zone=platform.zone_a,
        name="专精特新企业数",
        unit="家",
        metric="entered",
        baseline_value=Decimal(34),
        baseline_year=2021,
        target_value=Decimal(63),
        target_year=2027,
        owner="工信局",
    )
    TargetActual.objects.create(target=t, year=2025, value=Decimal(46), source="工信局")
    page = _text(_main(platform.client("zone_admin").get(reverse("command:target", args=[t.pk]))))
    assert "53.33" not in page and " 53 " in page  # 34 + (63 - 34) × 4 / 6, in whole firms


def test_score_run_counts_have_thousands_separators(platform):
    from gaoxin.web.credit.models import ScoreRun

    ScoreRun.objects.filter(pk=platform.run_a.pk).update(scored=12345)
    c = platform.client("zone_admin")
    runs = _text(_main(c.get(reverse("credit:runs"))))
    assert "12,345" in runs and "12345" not in runs
    detail = _text(_main(c.get(reverse("credit:run", args=[platform.run_a.pk]))))
    assert "12,345" in detail and "12345" not in detail


# --- no role is offered a link that answers 403 -----------------------------------------------------------


def _links(html: str) -> set[str]:
    return {h for h in re.findall(r'href="(/[^"#]*)"', html) if not h.startswith(("/static/", "/api/"))}


@pytest.mark.parametrize(
    "role",
    ["platform_admin", "zone_admin", "clerk", "enterprise", "bank", "supervisor", "security", "auditor"],
)
def test_every_navigation_link_opens_for_the_role_that_sees_it(platform, role):
    if role in ("supervisor", "security", "auditor"):
        anchor = {}
        if role == "supervisor":
            region = Region.objects.create(code="east", name="东省", level=Region.Level.PROVINCE)
            Zone.objects.filter(pk=platform.zone_a.pk).update(region=region)
            anchor = {"region": region}
        kind = {"supervisor": Role.SUPERVISOR, "security": Role.SECURITY_ADMIN, "auditor": Role.AUDIT_ADMIN}
        user = make_user(role, kind[role], **anchor)
        c = Client()
        c.force_login(user)
    else:
        c = platform.client(role)
    home = c.get("/", follow=True)
    nav = home.context["nav"]
    assert nav
    refused = [item["url"] for item in nav if c.get(item["url"]).status_code != 200]
    assert refused == []
    if role == "supervisor":  # the overview's drill-down links and the investment tabs too
        for url in ("/supervision/", "/investment/"):
            page = c.get(url).content.decode()
            bad = [
                h
                for h in _links(page)
                if h.startswith(("/finance/", "/carriers/", "/green/", "/investment/imports"))
            ]
            assert bad == [], url


def test_a_refused_amount_reads_with_thousands_separators():
    from gaoxin.finance import loans
    from gaoxin.web.finance import services

    exc = loans.LoanError("over_cap", "x", amount=Decimal("100000.000000"), cap=Decimal("500"))
    with translation.override("zh-hans"):
        message = str(services._loan_error(exc))
    assert "100,000 万元" in message and "100000" not in message


# --- cultivation: a supervisor counts the zone's certificates (it may not open them one by one) ---------


def test_a_supervisor_sees_the_zones_tier_counts_not_zeros(province, platform):
    year = dt.date.today().year - 1
    for firm in (platform.listed, platform.unlisted):
        Qualification.objects.create(
            enterprise=firm,
            kind="hightech",
            valid_from=dt.date(year - 1, 1, 1),
            valid_to=dt.date(year + 2, 1, 1),
        )
    staff = platform.client("zone_admin").get(reverse("cultivation:home"))
    sup = province.get(reverse("cultivation:home") + f"?zone={platform.zone_a.code}")
    assert sup.status_code == 200
    assert sup.context["counts"] == staff.context["counts"]
    row = next(r for r in sup.context["counts"]["rows"] if r["tier"] == "hightech")
    assert max(row["counts"]) >= 2


# --- consent: revoking asks first -------------------------------------------------------------------------


def test_revoking_an_authorisation_asks_for_a_confirmation(platform):
    from gaoxin.web.consent import services

    services.grant(
        platform.users["enterprise"], platform.bank_a, dt.date.today() + dt.timedelta(days=30), "授信"
    )
    page = _main(platform.client("enterprise").get(reverse("consent:mine")))
    form = page[page.index('class="revoke"') : page.index("</form>", page.index('class="revoke"'))]
    assert 'type="checkbox" name="confirm" value="1" required' in form
    assert "确认撤销" in form


def test_history_shows_old_and_new_values_as_the_field_is_shown(platform):
    from gaoxin.web.registry.models import ChangeRecord

    firm = platform.listed
    ChangeRecord.objects.create(enterprise=firm, year=2025, field="revenue", old="12345.6", new="23456.7")
    ChangeRecord.objects.create(enterprise=firm, year=2025, field="employees", old="1200", new="1350")
    ChangeRecord.objects.create(enterprise=firm, year=2025, field="revenue", old="", new="不是数字")
    page = _text(_main(platform.client("zone_admin").get(reverse("registry:enterprise", args=[firm.pk]))))
    assert "12,345.6 → 23,456.7" in page
    assert "1,200 → 1,350" in page
    assert "— → 不是数字" in page


def test_the_green_figure_table_scrolls_inside_its_card_instead_of_widening_the_page():
    html = render_to_string("green/_figure_table.html", {"rows": []}).strip()
    assert html.startswith('<div class="table-wrap"><table class="data figures">')
    assert html.endswith("</table></div>")


def test_an_active_contract_reads_as_in_force_not_as_a_project_in_progress():
    """ "Active" is 推进中 for an investment project; a 揭榜挂帅 contract in force is 履行中."""
    from django.utils import translation

    from gaoxin.web.carriers.models import Contract
    from gaoxin.web.investment.models import Project

    with translation.override("zh-hans"):
        assert str(Contract.Status.ACTIVE.label) == "履行中"
        assert str(Project.Status.ACTIVE.label) == "推进中"
