"""The scoping matrix: every role × every object × pages, exports, API and guessed URLs.

For each (role, URL) the expected outcome is derived from one table of rules below, written from the
issue's roles — not from ``scoping.visible`` — so that a leak in the helper or in a view shows up here.
"Denied" means any of 302 (to sign-in), 401, 403, 404: the user gets nothing of the object.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.finance import conftest as finance
from tests.web.matrix import ALLOWED, DENIED, ROLES, assert_reads_exactly_its_own, client_for

fin = finance.fin  # the finance app's products and applications, for the last tests here

PUBLISH = {"title": "矩阵测试", "top": 3, "publish": "1", "confirm": "1", "expected": 3}  # previewed: 3 firms


def targets(p) -> dict[str, tuple[str, set[str]]]:
    """URL → the roles that may read it. Objects: zone A's firms (listed / unlisted), zone B's firm,
    zone A's and B's runs, the list published to bank A, zone A's import batch."""
    batch = p.zone_a.imports.first()
    zone_a_staff = {"platform_admin", "zone_admin", "clerk"}
    zone_b_staff = {"platform_admin", "zone_admin_b"}
    zone_staff = zone_a_staff | zone_b_staff
    firms = {"enterprise", "enterprise_b"}
    signed_in = set(ROLES) - {"anonymous"}
    listed, unlisted, other = p.listed.pk, p.unlisted.pk, p.other.pk
    run_a, run_b, lst = p.run_a.pk, p.run_b.pk, p.published.pk
    return {
        # pages
        reverse("registry:enterprise", args=[listed]): zone_a_staff | {"bank"},
        reverse("registry:enterprise", args=[unlisted]): zone_a_staff | {"enterprise"},
        reverse("registry:enterprise", args=[other]): zone_b_staff | {"enterprise_b"},
        reverse("credit:run", args=[run_a]): zone_a_staff,
        reverse("credit:run", args=[run_b]): zone_b_staff,
        reverse("credit:list", args=[lst]): zone_a_staff,
        reverse("credit:bank_list", args=[lst]): zone_a_staff | {"bank"},  # the publishing zone may look too
        reverse("registry:import_detail", args=[batch.pk]): zone_a_staff,
        # exports
        reverse("credit:run_export", args=[run_a]): zone_a_staff,
        reverse("credit:run_export", args=[run_b]): zone_b_staff,
        reverse("credit:list_export", args=[lst, "xlsx"]): zone_a_staff | {"bank"},
        reverse("credit:list_export", args=[lst, "csv"]): zone_a_staff | {"bank"},
        # API
        f"/api/enterprises/{listed}": zone_a_staff | {"bank"},
        f"/api/enterprises/{unlisted}": zone_a_staff | {"enterprise"},
        f"/api/enterprises/{other}": zone_b_staff | {"enterprise_b"},
        f"/api/enterprises/{unlisted}/reports": zone_a_staff | {"enterprise"},
        f"/api/enterprises/{other}/reports": zone_b_staff | {"enterprise_b"},
        f"/api/runs/{run_a}": zone_a_staff | {"enterprise"},
        f"/api/runs/{run_b}": zone_b_staff | {"enterprise_b"},
        f"/api/runs/{run_a}/explanations/{unlisted}": zone_a_staff | {"enterprise"},
        f"/api/runs/{run_b}/explanations/{other}": zone_b_staff | {"enterprise_b"},
        f"/api/lists/{lst}": zone_a_staff | {"bank"},
        f"/api/lists/{lst}/csv": zone_a_staff | {"bank"},
        # guessed ids that do not exist are as closed as other people's
        reverse("registry:enterprise", args=[10**9]): set(),
        f"/api/enterprises/{10**9}": set(),
        # zone pages of the register and of scoring: zone staff only (each sees its own zone's)
        reverse("registry:dashboard"): zone_staff,
        reverse("registry:corrections"): zone_staff,
        reverse("registry:imports"): zone_staff,
        reverse("registry:import_upload"): zone_staff,
        reverse("registry:import_template"): zone_staff,
        reverse("registry:import_progress", args=[batch.pk]): zone_a_staff,
        reverse("credit:runs"): zone_staff,
        reverse("credit:compare"): zone_staff,
        reverse("credit:ranking_export"): zone_staff,
        reverse("credit:models"): zone_staff,
        reverse("credit:shipped_model", args=["national-2024"]): zone_staff,
        reverse("credit:model_upload"): zone_staff - {"clerk"},  # a clerk reads, does not upload
        reverse("credit:run_model", args=[run_a]): zone_a_staff,
        reverse("credit:run_model", args=[run_b]): zone_b_staff,
        reverse("credit:run_status", args=[run_a]): zone_a_staff,
        reverse("credit:run_status", args=[run_b]): zone_b_staff,
        # a firm's own pages
        reverse("registry:my_enterprise"): firms,
        reverse("consent:mine"): firms,
        # what every signed-in user has of their own: the password, the API caller and tokens, the lists
        # published to their bank (none for the others: ``test_lists_and_rankings…`` checks the content)
        reverse("accounts:password"): signed_in,
        reverse("api_pages:tokens"): signed_in,
        "/api/me": signed_in,
        "/api/me/tokens": signed_in,
        reverse("credit:bank_lists"): signed_in,
        "/api/lists": signed_in,
        "/api/runs": signed_in,
        "/api/zones": signed_in,
        # a zone: its staff, its firms and the banks working with it (bank A: zone A's list)
        f"/api/zones/{p.zone_a.pk}": zone_a_staff | {"enterprise", "bank"},
        f"/api/zones/{p.zone_b.pk}": zone_b_staff | {"enterprise_b"},
        f"/api/runs/{run_a}/scores": zone_a_staff | {"enterprise"},  # the firm: its own score only
        f"/api/runs/{run_b}/scores": zone_b_staff | {"enterprise_b"},
        f"/api/lists/{lst}/entries": zone_a_staff | {"bank"},
        # the audit log: zone administrators (their zone's events); user management: the security
        # administrator only (separated duties), so nobody of the fixture; zones and banks: the platform's
        reverse("accounts:audit"): {"zone_admin", "zone_admin_b"},
        reverse("accounts:users"): set(),
        reverse("accounts:user_new"): set(),
        reverse("accounts:user", args=[p.users["clerk"].pk]): set(),
        reverse("accounts:zones"): {"platform_admin"},
        reverse("accounts:zone", args=[p.zone_a.pk]): {"platform_admin"},
        reverse("accounts:banks"): {"platform_admin"},
        reverse("accounts:bank", args=[p.bank_a.pk]): {"platform_admin"},
        # other apps' pages that need no object of theirs: zone staff (writers only where they write),
        # firms their own; a bank makes its own products
        reverse("policy:new"): zone_staff - {"clerk"},
        reverse("policy:ledger"): zone_staff,
        reverse("policy:objections"): zone_staff,
        reverse("policy:mine"): firms,
        "/api/policy/policies": signed_in,  # each sees its zone's (none for banks and firms outside)
        reverse("investment:import"): zone_staff,
        reverse("investment:settings"): zone_staff - {"clerk"},
        reverse("investment:template", args=["projects"]): zone_staff,
        reverse("command:target_new"): zone_staff - {"clerk"},
        reverse("command:table_template", args=["targets"]): zone_staff,
        reverse("finance:product_new"): zone_staff - {"clerk"} | {"bank", "bank_b"},
        "/api/finance/products": signed_in,  # the catalogue each role may see (finance's matrix: content)
        reverse("green:import_template"): zone_staff,
        # an import's problems are kept in the importing user's own session: none yet, so nobody's
        reverse("command:table_problems"): set(),
        reverse("green:import_problems"): set(),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_exactly_its_own(platform, role):
    assert_reads_exactly_its_own(platform, role, targets(platform))


@pytest.mark.parametrize("role", ["clerk", "enterprise", "bank", "zone_admin_b", "enterprise_b", "bank_b"])
def test_nobody_writes_outside_their_scope(platform, role):
    """Re-running zone A's run or publishing from it: refused to everyone but zone A's administrators."""
    from gaoxin.web.credit.models import PublishedList, ScoreRun

    client = client_for(platform, role)
    runs, lists = ScoreRun.objects.count(), PublishedList.objects.count()
    response = client.post(reverse("credit:run_rerun", args=[platform.run_a.pk]))
    assert response.status_code in DENIED, (role, response.status_code)
    client.post(reverse("credit:lists"), PUBLISH | {"run": platform.run_a.pk, "banks": [platform.bank_a.pk]})
    assert ScoreRun.objects.count() == runs and PublishedList.objects.count() == lists


def test_the_zone_admin_can_write_what_the_others_cannot(platform):
    """The positive control of the test above: the same requests succeed for zone A's administrator."""
    from gaoxin.web.credit.models import PublishedList, ScoreRun

    runs, lists = ScoreRun.objects.count(), PublishedList.objects.count()
    client = platform.client("zone_admin")
    assert client.post(reverse("credit:run_rerun", args=[platform.run_a.pk])).status_code in (200, 302)
    client.post(reverse("credit:lists"), PUBLISH | {"run": platform.run_a.pk, "banks": [platform.bank_a.pk]})
    assert ScoreRun.objects.count() == runs + 1 and PublishedList.objects.count() == lists + 1


@pytest.mark.parametrize("role", ["clerk", "enterprise", "bank", "zone_admin", "zone_admin_b"])
def test_lists_and_rankings_show_no_one_elses_firms(platform, role):
    """Collection pages and API lists: no firm outside the role's scope appears in them."""
    from gaoxin.web.accounts.scoping import visible
    from gaoxin.web.registry.models import Enterprise

    user = platform.users[role]
    mine = set(visible(user, Enterprise).values_list("uscc", flat=True))
    others = set(Enterprise.objects.exclude(uscc__in=mine).values_list("uscc", flat=True))
    client = client_for(platform, role)
    urls = (
        "/api/enterprises?limit=500",
        reverse("credit:ranking"),
        reverse("registry:enterprises"),
        reverse("credit:bank_lists"),
        f"/api/runs/{platform.run_a.pk}/scores?limit=500",
        f"/api/lists/{platform.published.pk}/entries",
    )
    for url in urls:
        body = client.get(url).content.decode()
        assert not [u for u in others if u in body], (role, url)


@pytest.mark.parametrize("role", ["clerk", "enterprise", "bank", "zone_admin_b", "enterprise_b", "bank_b"])
def test_nobody_confirms_an_import_or_decides_a_correction_outside_their_scope(platform, role):
    """The register's POST-only routes: zone A's import batch and a correction of a zone A firm."""
    from gaoxin.web.registry.models import ChangeRecord, Correction, ImportBatch

    batch = platform.zone_a.imports.first()
    correction = Correction.objects.create(
        enterprise=platform.unlisted,
        year=2025,
        field="employees",
        proposed="9",
        reason="矩阵测试",
        submitted_by=platform.users["enterprise"],
    )
    changes = ChangeRecord.objects.count()
    client = client_for(platform, role)
    r = client.post(reverse("registry:import_confirm", args=[batch.pk]))
    assert r.status_code in DENIED, (role, r.status_code)
    r = client.post(reverse("registry:decide_correction", args=[correction.pk]), {"action": "approve"})
    assert r.status_code in DENIED, (role, r.status_code)
    assert ImportBatch.objects.get(pk=batch.pk).status == batch.status
    assert Correction.objects.get(pk=correction.pk).status == correction.status
    assert ChangeRecord.objects.count() == changes
    # the positive control: zone A's administrator decides it
    r = platform.client("zone_admin").post(
        reverse("registry:decide_correction", args=[correction.pk]), {"action": "approve"}
    )
    assert r.status_code == 302 and Correction.objects.get(pk=correction.pk).status != correction.status


@pytest.mark.parametrize("role", ["zone_admin", "enterprise", "bank_b"])
def test_nobody_revokes_someone_elses_api_token(platform, role):
    """Both ways of revoking a token (the page and the API) reach the caller's own tokens only."""
    from gaoxin.web.accounts.models import ApiToken
    from gaoxin.web.accounts.services import new_token

    new_token(platform.users["bank"], "矩阵")
    token = ApiToken.objects.get(user=platform.users["bank"])
    client = client_for(platform, role)
    client.post(reverse("api_pages:revoke", args=[token.pk]))
    r = client.delete(f"/api/me/tokens/{token.pk}")
    assert r.status_code in DENIED | {200, 204}, r.status_code  # nothing of theirs to revoke
    assert not ApiToken.objects.get(pk=token.pk).revoked
    own = platform.client("bank")  # the positive control: the owner revokes it
    own.post(reverse("api_pages:revoke", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked


# --- the policy app's objects: what the policy matrix (tests/web/policy) does not request ------------


@pytest.fixture
def pol(platform):
    """Zone A's published policy, a simulation, an official list in publicity with the firm's objection,
    and a second official list closed and batched for payment."""
    import datetime as dt

    from gaoxin.web.policy import services
    from gaoxin.web.policy.models import MatchRun
    from tests.web.policy.test_flow import TEXT, YEAR

    admin, today = platform.users["zone_admin"], dt.date.today()
    p = services.save_draft(platform.zone_a, TEXT, admin)
    sim = services.match(p, YEAR, admin)
    services.publish_policy(p, admin)
    run = services.match(p, YEAR, admin, kind=MatchRun.Kind.OFFICIAL)
    services.open_publicity(run, today, today + dt.timedelta(days=5), admin)
    own = run.awards.get(enterprise=platform.unlisted)
    objection = services.object_to(own, platform.users["enterprise"], reason="矩阵测试")
    paid = services.match(p, YEAR, admin, kind=MatchRun.Kind.OFFICIAL)
    services.open_publicity(paid, today, today + dt.timedelta(days=5), admin)
    services.confirm(
        paid.awards.get(enterprise=platform.unlisted),
        platform.users["enterprise"],
        account_name="甲",
        account_bank="工行",
        account_no="6222",
    )
    services.close_publicity(paid, admin, today=today + dt.timedelta(days=6))
    batch = services.create_batch(paid, admin)
    return {"policy": p, "sim": sim, "run": run, "own": own, "objection": objection, "batch": batch}


@pytest.mark.parametrize("role", ROLES)
def test_policy_objects_are_read_only_in_their_zone(platform, pol, role):
    zone_a_staff = {"platform_admin", "zone_admin", "clerk"}
    p, run, batch = pol["policy"], pol["run"], pol["batch"]
    readers = {
        reverse("policy:edit", args=[p.pk]): {"platform_admin", "zone_admin"},
        reverse("policy:compare", args=[run.pk, pol["sim"].pk]): zone_a_staff,
        reverse("policy:batch", args=[batch.pk]): zone_a_staff,
        reverse("policy:batch_xlsx", args=[batch.pk]): zone_a_staff,
        f"/api/policy/policies/{p.pk}": zone_a_staff | {"enterprise"},  # published: its zone's firms read it
        f"/api/policy/runs/{run.pk}": zone_a_staff,
    }
    client = client_for(platform, role)
    wrong = []
    for url, allowed in readers.items():
        status = client.get(url).status_code
        if status not in (ALLOWED if role in allowed else DENIED):
            wrong.append((url, status))
    assert not wrong, f"{role}: {wrong}"
    if role not in zone_a_staff | {"enterprise"}:
        ids = {i["id"] for i in client.get("/api/policy/policies").json().get("items", [])}
        assert p.pk not in ids, role


@pytest.mark.parametrize("role", ["anonymous", "clerk", "bank", "zone_admin_b", "enterprise_b", "bank_b"])
def test_nobody_moves_a_policy_outside_their_scope(platform, pol, role):
    """Every POST of the policy flow, by a role that may not make it: refused, nothing recorded."""
    from gaoxin.web.accounts.models import AuditEvent
    from gaoxin.web.policy.models import Award, MatchRun, Objection, PaymentBatch, Policy

    p, run, own, batch = pol["policy"], pol["run"], pol["own"], pol["batch"]
    states = lambda: (  # noqa: E731
        Policy.objects.get(pk=p.pk).status,
        MatchRun.objects.filter(pk=run.pk).values_list("status", "publicity_to").get(),
        Award.objects.get(pk=own.pk).status,
        Objection.objects.get(pk=pol["objection"].pk).status,
        PaymentBatch.objects.get(pk=batch.pk).status,
        PaymentBatch.objects.count(),
        AuditEvent.objects.filter(action__startswith="policy_").count(),
    )
    before = states()
    posts = {
        reverse("policy:publish", args=[p.pk]): {},
        reverse("policy:publicity", args=[run.pk]): {"start": "2025-01-01", "end": "2025-01-31"},
        reverse("policy:close", args=[run.pk]): {},
        reverse("policy:batch_create", args=[run.pk]): {},
        reverse("policy:clawback", args=[own.pk]): {"amount": "1", "reason": "矩阵"},
        reverse("policy:decide", args=[pol["objection"].pk]): {"upheld": "on", "note": "矩阵"},
        reverse("policy:batch_paid", args=[batch.pk]): {},
    }
    if role not in ("clerk",):  # a firm's own actions: nobody else's to take
        posts[reverse("policy:confirm", args=[own.pk])] = {
            "account_name": "乙",
            "account_bank": "工行",
            "account_no": "6222",
        }
        posts[reverse("policy:object", args=[own.pk])] = {"reason": "矩阵"}
    client = client_for(platform, role)
    wrong = [
        (url, s) for url, data in posts.items() if (s := client.post(url, data).status_code) not in DENIED
    ]
    assert not wrong, f"{role}: {wrong}"
    assert states() == before


# --- objects of other apps that their matrices do not request -----------------------------------------


@pytest.fixture
def others(fin):
    """A model file, an import with problems (register, command), a target and a chain node of zone A,
    with the finance app's products and applications (``fin``)."""
    from dataclasses import asdict

    from gaoxin.io.problems import Problem
    from gaoxin.scoring.model import MODELS_DIR
    from gaoxin.web.command.models import TableImport, Target
    from gaoxin.web.credit.services import store_model_file
    from gaoxin.web.investment.models import Chain, ChainNode
    from gaoxin.web.registry.models import ImportBatch
    from gaoxin.web.registry.services.imports import store_problems

    p = fin.p
    admin = p.users["zone_admin"]
    problems = [asdict(Problem("a.xlsx", 2, "营业收入", "x", "不是数字"))]
    raw = (MODELS_DIR / "national-2024.yaml").read_bytes()
    model_file, _ = store_model_file(p.zone_a, raw, "national.yaml", admin)
    batch = ImportBatch.objects.create(zone=p.zone_a, file_name="a.xlsx", sha256="1" * 64, department="测试")
    store_problems(batch, [Problem(**d) for d in problems])  # the register keeps them as rows
    record = TableImport.objects.create(
        zone=p.zone_a, kind="targets", file_name="a.xlsx", sha256="1", status="refused", problems=problems
    )
    target = Target.objects.create(
        zone=p.zone_a,
        name="矩阵指标",
        unit="家",
        baseline_value=1,
        baseline_year=2024,
        target_value=2,
        target_year=2026,
    )
    chain = Chain.objects.create(zone=p.zone_a, name="矩阵链")
    node = ChainNode.objects.create(chain=chain, name="矩阵环节")
    return {"model_file": model_file, "batch": batch, "record": record, "target": target, "node": node}


@pytest.mark.parametrize("role", ROLES)
def test_other_apps_objects_are_read_only_in_their_zone(fin, others, role):
    zone_a_staff = {"platform_admin", "zone_admin", "clerk"}
    readers = {
        reverse("credit:model_file", args=[others["model_file"].pk]): zone_a_staff,
        reverse("registry:import_errors", args=[others["batch"].pk]): zone_a_staff,
        reverse("command:import_errors", args=[others["record"].pk]): zone_a_staff,
        reverse("command:target_edit", args=[others["target"].pk]): {"platform_admin", "zone_admin"},
        # a product: edited by the bank that offers it (or, for a zone's own, by the zone's administrator)
        reverse("finance:product_edit", args=[fin.loan_a.pk]): {"platform_admin", "bank"},
        reverse("finance:product_edit", args=[fin.loan_zb.pk]): {"platform_admin", "bank_b"},
    }
    client = client_for(fin.p, role)
    wrong = []
    for url, allowed in readers.items():
        status = client.get(url).status_code
        if status not in (ALLOWED if role in allowed else DENIED):
            wrong.append((url, status))
    assert not wrong, f"{role}: {wrong}"


@pytest.mark.parametrize("role", ["anonymous", "zone_admin", "clerk", "enterprise", "bank_b", "zone_admin_b"])
def test_nobody_else_maps_firms_or_moves_a_banks_loan(fin, others, role):
    """Mapping a firm to zone A's chain node, and the bank's own disburse / repay / default in the API."""
    from gaoxin.web.finance.models import Application
    from gaoxin.web.investment.models import NodeFirm

    client = client_for(fin.p, role)
    if role not in ("zone_admin", "clerk"):  # zone A's staff map firms of their zone: not outsiders here
        r = client.post(
            reverse("investment:node_firms", args=[others["node"].pk]), {"enterprise": fin.p.unlisted.uscc}
        )
        assert r.status_code in DENIED, (role, r.status_code)
        assert not NodeFirm.objects.filter(node=others["node"]).exists()
    pk = fin.app_a.pk
    for url in (
        f"/api/finance/applications/{pk}/disburse",
        f"/api/finance/applications/{pk}/repay",
        f"/api/finance/applications/{pk}/default",
    ):
        r = client.post(url, {}, content_type="application/json")
        assert r.status_code in DENIED | {400}, (role, url, r.status_code)
    assert Application.objects.get(pk=fin.app_a.pk).state == "pending"
