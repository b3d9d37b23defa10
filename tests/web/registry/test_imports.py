"""Imports: web upload, preview, error report, atomic apply, duplicates, partial files, scope, CLI.

Every test counts what is in the register before and after, so "nothing changed" is proved, not assumed.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.cli import main as cli
from gaoxin.data.dataset import Dataset
from gaoxin.io.uscc import check_char
from gaoxin.web.accounts.models import AuditEvent, Bank, Role, User
from gaoxin.web.platform.models import Job
from gaoxin.web.registry import services
from gaoxin.web.registry.bulk_io import EXAMPLE_USCC
from gaoxin.web.registry.models import (
    AnnualReport,
    ChangeRecord,
    Enterprise,
    ImportBatch,
    Qualification,
    Zone,
)
from gaoxin.web.registry.services.imports import problem_dicts as _problems

YEAR = 2024
HEAD = ["统一社会信用代码", "企业名称", "所在园区", "成立日期", "年度", "职工总数（人）", "营业收入（万元）",
        "研发费用（万元）", "实缴税费（万元）"]  # fmt: skip


def code(i: int, prefix: str = "91110108MA") -> str:
    first17 = f"{prefix}{i:0{17 - len(prefix)}d}"
    return first17 + check_char(first17)


def csv_bytes(rows, encoding: str = "utf-8") -> bytes:
    def cell(v) -> str:
        s = "" if v is None else str(v)
        return f'"{s}"' if "," in s else s

    return "".join(",".join(cell(v) for v in row) + "\n" for row in rows).encode(encoding)


def firms(n: int, zone: str = "Z001", start: int = 0, revenue: int = 1000) -> list[list]:
    return [
        [code(i), f"测试{i}科技有限公司", zone, "2015-03-01", YEAR, 50 + i, revenue + i, 100 + i, 30 + i]
        for i in range(start, start + n)
    ]


def snapshot() -> dict:
    """Everything an import may touch, to prove that nothing changed."""
    return {
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "reports": list(AnnualReport.objects.order_by("pk").values()),
        "qualifications": list(Qualification.objects.order_by("pk").values()),
        "changes": ChangeRecord.objects.count(),
    }


@pytest.fixture
def site(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    za = Zone.objects.create(code="Z001", name="甲高新区")
    zb = Zone.objects.create(code="Z002", name="乙高新区")
    own = Enterprise.objects.create(uscc=code(800), name="甲园区已登记企业", zone=za)
    other = Enterprise.objects.create(uscc=code(900), name="乙园区企业", zone=zb)
    bank = Bank.objects.create(code="bank", name="甲银行")
    users = {
        "admin": User.objects.create(username="admin", role=Role.PLATFORM_ADMIN),
        "zone_admin": User.objects.create(username="zone_admin", role=Role.ZONE_ADMIN, zone=za),
        "clerk": User.objects.create(username="clerk", role=Role.CLERK, zone=za, display_name="甲数据专员"),
        "clerk_b": User.objects.create(username="clerk_b", role=Role.CLERK, zone=zb),
        "enterprise": User.objects.create(username="firm", role=Role.ENTERPRISE, enterprise=own),
        "bank": User.objects.create(username="bank", role=Role.BANK, bank=bank),
    }

    class Site:
        zone_a, zone_b, enterprise_a, enterprise_b = za, zb, own, other

        def __init__(self):
            self.users = users

        def client(self, role: str) -> Client:
            c = Client()
            c.force_login(users[role])
            return c

    return Site()


def upload(
    client: Client, data: bytes, name: str = "数据.csv", department: str = "科技局", **extra
) -> ImportBatch:
    response = client.post(
        reverse("registry:import_upload"),
        {"file": _file(name, data), "department": department, **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def confirm(client: Client, batch: ImportBatch) -> ImportBatch:
    response = client.post(reverse("registry:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


def page(client: Client, batch: ImportBatch) -> str:
    response = client.get(reverse("registry:import_detail", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- the main path ----------------------------------------------------------------------------------


def test_good_file_previews_then_imports_with_values_and_sources(site):
    clerk = site.client("clerk")
    data = csv_bytes([HEAD, *firms(3)])
    batch = upload(clerk, data, department="科技局", note="2024 年报")
    assert batch.status == ImportBatch.Status.PREVIEW and batch.error_count == 0 and batch.rows == 3
    assert not Enterprise.objects.filter(uscc=code(0)).exists()  # nothing written before confirmation
    html = page(clerk, batch)
    # The preview: the mapping (header → field id, label, unit), the rows per table, the first rows.
    for text in (
        "营业收入（万元）",
        "revenue",
        "employees",
        "2024 年报",
        'id="confirm"',
        "测试0科技有限公司",
    ):
        assert text in html, text
    assert batch.counts["preview"]["tables"] == {"enterprise": 3, "report": 3, "qualification": 0}
    fields = {m["header"]: m["field"] for m in batch.mapping}
    assert fields["营业收入（万元）"] == "revenue" and fields["所在园区"] == "zone"

    batch = confirm(clerk, batch)
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.counts["enterprises"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert batch.counts["reports"] == {"created": 3, "updated": 0, "unchanged": 0}
    e = Enterprise.objects.get(uscc=code(2))
    assert (e.name, e.zone, str(e.established)) == ("测试2科技有限公司", site.zone_a, "2015-03-01")
    r = e.reports.get(year=YEAR)
    assert (r.employees, r.revenue, r.rd_expense, r.taxes_paid) == (
        52,
        Decimal("1002"),
        Decimal("102"),
        Decimal("32"),
    )
    assert r.total_assets is None  # a column the file did not have stays "not reported"
    assert e.sources == {"name": batch.pk, "zone": batch.pk, "established": batch.pk}
    assert r.sources == {c: batch.pk for c in ("employees", "revenue", "rd_expense", "taxes_paid")}
    assert ChangeRecord.objects.count() == 0  # creating is not changing
    html = page(clerk, batch)
    assert 'id="result"' in html and 'id="confirm"' not in html
    assert AuditEvent.objects.filter(action="import_apply", object_id=str(batch.pk)).exists()
    # The list page shows it, with its counts.
    listing = clerk.get(reverse("registry:imports")).content.decode()
    assert reverse("registry:import_detail", args=[batch.pk]) in listing and "数据.csv" in listing


def test_file_with_errors_is_refused_listed_and_reported_as_xlsx(site):
    clerk = site.client("clerk")
    before = snapshot()
    bad_code = code(5)[:-1] + ("0" if code(5)[-1] != "0" else "1")
    rows = [HEAD, *firms(2)]
    rows.append([bad_code, "坏代码公司", "Z001", "2015-03-01", YEAR, 10, 100, 10, 1])  # row 4
    rows.append([code(6), "负数公司", "Z001", "2015-03-01", YEAR, 10, -5, 10, 1])  # row 5
    rows.append([code(7), "", "Z001", "2015-03-01", YEAR, "十二", 100, 10, 1])  # row 6
    batch = upload(clerk, csv_bytes(rows), name="有错误.csv")
    assert batch.status == ImportBatch.Status.REFUSED
    errors = [p for p in _problems(batch) if p["severity"] == "error"]
    assert batch.error_count == len(errors) >= 4
    where = {(p["row"], p["column"]) for p in errors}
    assert {(4, "统一社会信用代码"), (5, "营业收入（万元）"), (6, "企业名称"), (6, "职工总数（人）")} <= where
    html = page(clerk, batch)
    for p in errors:  # every error on the page: row, column, value, reason
        assert p["reason"] in html and (p["value"] or "") in html and f">{p['row']}<" in html
    assert bad_code in html and "-5" in html and "十二" in html
    assert 'id="confirm"' not in html

    report = clerk.get(reverse("registry:import_errors", args=[batch.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxml")
    ws = openpyxl.load_workbook(io.BytesIO(report.content)).active
    header, *lines = list(ws.iter_rows(values_only=True))
    assert header[:6] == ("文件", "工作表", "行", "列", "值", "原因")
    assert {(r[2], r[3]) for r in lines if r[6] == "错误"} == where
    # Confirming a refused batch is refused; nothing changed at any point.
    clerk.post(reverse("registry:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED
    assert snapshot() == before


def test_same_file_twice_is_a_duplicate_and_changes_nothing(site):
    clerk = site.client("clerk")
    data = csv_bytes([HEAD, *firms(2)])
    first = confirm(clerk, upload(clerk, data))
    assert first.status == ImportBatch.Status.APPLIED
    before = snapshot()
    again = upload(site.client("zone_admin"), data, name="改了名字.csv")
    assert again.status == ImportBatch.Status.DUPLICATE and again.counts["duplicate_of"] == first.pk
    html = page(site.client("zone_admin"), again)
    assert "甲数据专员" in html  # who imported it first
    assert reverse("registry:import_detail", args=[first.pk]) in html
    assert 'id="confirm"' not in html
    assert snapshot() == before
    # A batch previewed before the first was applied becomes a duplicate when confirmed.
    data2 = csv_bytes([HEAD, *firms(1, start=10)])
    a, b = upload(clerk, data2), upload(clerk, data2)
    assert confirm(clerk, a).status == ImportBatch.Status.APPLIED
    before = snapshot()
    assert confirm(clerk, b).status == ImportBatch.Status.DUPLICATE
    assert snapshot() == before


def test_partial_file_updates_only_its_columns_and_keeps_history(site):
    clerk = site.client("clerk")
    full = confirm(clerk, upload(clerk, csv_bytes([HEAD, *firms(3)]), department="统计局"))
    taxes = [["统一社会信用代码", "年度", "实缴税费（万元）"],
             [code(0), YEAR, 30],  # same value as before
             [code(1), YEAR, 99.5],  # changed: 31 → 99.5
             [code(2), YEAR, None]]  # empty: never erases  # fmt: skip
    before = {r.enterprise.uscc: r for r in AnnualReport.objects.select_related("enterprise")}
    partial = confirm(
        site.client("clerk"), upload(clerk, csv_bytes(taxes), name="税务.csv", department="税务局")
    )
    assert partial.status == ImportBatch.Status.APPLIED
    assert partial.counts["reports"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert partial.counts["changes"] == 1
    after = {r.enterprise.uscc: r for r in AnnualReport.objects.select_related("enterprise")}
    changed = after[code(1)]
    assert changed.taxes_paid == Decimal("99.5")
    assert changed.sources["taxes_paid"] == partial.pk
    for other in ("employees", "revenue", "rd_expense"):  # other columns: same values, same source
        assert getattr(changed, other) == getattr(before[code(1)], other)
        assert changed.sources[other] == full.pk
    assert after[code(0)].sources == before[code(0)].sources and after[code(0)].taxes_paid == Decimal("30")
    assert after[code(2)].taxes_paid == Decimal("32") and after[code(2)].sources["taxes_paid"] == full.pk
    record = ChangeRecord.objects.get()
    assert (record.enterprise.uscc, record.year, record.field, record.old, record.new) == (
        code(1), YEAR, "taxes_paid", "31", "99.5"
    )  # fmt: skip
    assert record.batch == partial and record.user == site.users["clerk"]


def test_changed_enterprise_fields_leave_history(site):
    clerk = site.client("clerk")
    confirm(clerk, upload(clerk, csv_bytes([HEAD, *firms(1)])))
    rows = [
        ["统一社会信用代码", "企业名称", "所在园区", "高新技术领域"],
        [code(0), "测试0科技股份有限公司", "甲高新区", "新材料"],
    ]
    batch = confirm(clerk, upload(clerk, csv_bytes(rows), department="市场监管局"))
    e = Enterprise.objects.get(uscc=code(0))
    assert (e.name, e.tech_field, e.zone) == ("测试0科技股份有限公司", "新材料", site.zone_a)  # zone by name
    changes = {c.field: (c.old, c.new) for c in ChangeRecord.objects.filter(batch=batch)}
    assert changes == {"name": ("测试0科技有限公司", "测试0科技股份有限公司"), "tech_field": ("", "新材料")}
    assert e.sources["name"] == batch.pk and e.sources["established"] != batch.pk


def test_crash_in_the_middle_of_applying_leaves_the_database_as_it_was(site, monkeypatch):
    clerk = site.client("clerk")
    confirm(clerk, upload(clerk, csv_bytes([HEAD, *firms(3)])))
    before = snapshot()
    # A second file changes existing values and adds firms; the apply dies after writing some of it.
    batch = upload(clerk, csv_bytes([HEAD, *firms(6, revenue=5000)]))
    assert batch.status == ImportBatch.Status.PREVIEW
    monkeypatch.setattr(services, "WRITE_CHUNK", 1)
    original, calls = services.insert_rows, []

    def dying_insert(model, columns, n, progress=None):
        calls.append(model)
        if model is AnnualReport:  # enterprises, changes already written; die after one report row
            original(model, columns, 1)
            assert AnnualReport.objects.count() == len(before["reports"]) + 1
            raise RuntimeError("disk full")
        return original(model, columns, n, progress)

    monkeypatch.setattr(services, "insert_rows", dying_insert)
    batch = confirm(clerk, batch)
    assert Enterprise in calls and AnnualReport in calls
    assert snapshot() == before
    assert batch.status == ImportBatch.Status.PREVIEW
    job = Job.objects.get(pk=batch.counts["job"])
    assert job.status == Job.Status.FAILED and "disk full" in job.message
    html = page(clerk, batch)
    assert "disk full" in html and 'id="confirm"' in html  # it may be confirmed again
    monkeypatch.setattr(services, "insert_rows", original)
    batch = confirm(clerk, batch)
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.counts["enterprises"]["created"] == 3 and batch.counts["reports"]["updated"] == 3
    assert AnnualReport.objects.get(enterprise__uscc=code(0)).revenue == Decimal("5000")


# --- scope ------------------------------------------------------------------------------------------


def test_clerk_cannot_import_into_another_zone(site):
    clerk = site.client("clerk")
    before = snapshot()
    rows = [HEAD, *firms(1), *firms(1, zone="Z002", start=1), *firms(1, zone="Z099", start=2)]
    rows.append([code(3), "", "乙高新区", "", YEAR, -1, "", "", ""])  # other errors too: all are listed
    batch = upload(clerk, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.REFUSED
    zone_errors = {(p["row"], p["value"]) for p in _problems(batch) if p["column"] == "所在园区"}
    assert zone_errors == {(3, "Z002"), (4, "Z099"), (5, "乙高新区")}
    assert {p["column"] for p in _problems(batch) if p["row"] == 5} == {
        "所在园区",
        "企业名称",
        "职工总数（人）",
    }
    # A report for an enterprise registered in zone B, or for one the register does not know.
    rows = [["统一社会信用代码", "年度", "实缴税费（万元）"], [site.enterprise_b.uscc, YEAR, 5], [code(555), YEAR, 5],
            [site.enterprise_a.uscc, YEAR, 5]]  # fmt: skip
    batch = upload(clerk, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.REFUSED
    errors = {p["row"]: p["reason"] for p in _problems(batch) if p["severity"] == "error"}
    assert set(errors) == {2, 3}
    assert "其他园区" in errors[2] and "没有这家企业" in errors[3]
    assert snapshot() == before

    # Zone B's batch: invisible to zone A's staff, whatever URL they guess.
    theirs = upload(site.client("clerk_b"), csv_bytes([HEAD, *firms(1, zone="Z002", start=20)]))
    assert theirs.status == ImportBatch.Status.PREVIEW
    for role in ("clerk", "zone_admin"):
        c = site.client(role)
        for name in ("import_detail", "import_progress", "import_errors"):
            assert c.get(reverse(f"registry:{name}", args=[theirs.pk])).status_code == 404, (role, name)
        assert c.post(reverse("registry:import_confirm", args=[theirs.pk])).status_code == 404
        listing = c.get(reverse("registry:imports")).content.decode()
        assert reverse("registry:import_detail", args=[theirs.pk]) not in listing
    theirs.refresh_from_db()
    assert theirs.status == ImportBatch.Status.PREVIEW


def test_platform_admin_chooses_the_zone_and_rows_may_name_any_existing_zone(site):
    admin = site.client("admin")
    rows = [HEAD, *firms(1), *firms(1, zone="Z002", start=1)]
    batch = upload(admin, csv_bytes(rows), zone=site.zone_b.pk)
    assert batch.zone == site.zone_b and batch.status == ImportBatch.Status.PREVIEW
    confirm(admin, batch)
    assert Enterprise.objects.get(uscc=code(0)).zone == site.zone_a
    assert Enterprise.objects.get(uscc=code(1)).zone == site.zone_b
    batch = upload(admin, csv_bytes([HEAD, *firms(1, zone="Z404", start=2)]), zone=site.zone_a.pk)
    assert batch.status == ImportBatch.Status.REFUSED
    assert [p["value"] for p in _problems(batch) if p["severity"] == "error"] == ["Z404"]
    # Without a zone the form is refused (nothing stored).
    response = admin.post(
        reverse("registry:import_upload"), {"file": _file("x.csv", b"a"), "department": "x"}
    )
    assert response.status_code == 200 and ImportBatch.objects.count() == 2


@pytest.mark.parametrize("role", ["enterprise", "bank"])
def test_enterprise_and_bank_users_have_no_import_pages(site, role):
    batch = upload(site.client("clerk"), csv_bytes([HEAD, *firms(1)]))
    c = site.client(role)
    assert c.get(reverse("registry:imports")).status_code == 403
    assert c.get(reverse("registry:import_upload")).status_code == 403
    assert c.get(reverse("registry:import_template")).status_code == 403
    response = c.post(reverse("registry:import_upload"), {"file": _file("x.csv", b"a"), "department": "x"})
    assert response.status_code == 403
    for name in ("import_detail", "import_progress", "import_errors"):
        assert c.get(reverse(f"registry:{name}", args=[batch.pk])).status_code in (403, 404)
    assert c.post(reverse("registry:import_confirm", args=[batch.pk])).status_code in (403, 404)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW and ImportBatch.objects.count() == 1


def test_anonymous_users_are_sent_to_sign_in(site):
    response = Client().get(reverse("registry:imports"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- formats ----------------------------------------------------------------------------------------


def test_gb18030_csv_with_chinese_headers_in_yuan_is_converted_to_wan_yuan(site):
    rows = [["统一社会信用代码", "企业名称", "所在园区", "年度", "营业收入（元）", "研发费用(元)", "净利润（千元）"],
            [code(1), "国标编码公司", "Z001", "2024年", "12,345,678", 1234567, -250]]  # fmt: skip
    clerk = site.client("clerk")
    batch = upload(clerk, csv_bytes(rows, encoding="gb18030"), name="税务局导出.csv")
    assert batch.status == ImportBatch.Status.PREVIEW, _problems(batch)
    mapping = {m["header"]: m for m in batch.mapping}
    assert (
        mapping["营业收入（元）"]["field"] == "revenue"
        and mapping["营业收入（元）"]["conversion"] == "÷10,000"
    )
    assert mapping["净利润（千元）"]["conversion"] == "÷10"
    assert "÷10,000" in page(clerk, batch)
    confirm(clerk, batch)
    r = AnnualReport.objects.get(enterprise__uscc=code(1))
    assert (r.revenue, r.rd_expense, r.net_profit) == (
        Decimal("1234.5678"),
        Decimal("123.4567"),
        Decimal("-25"),
    )
    assert Enterprise.objects.get(uscc=code(1)).name == "国标编码公司"


def test_template_downloads_and_its_example_rows_import(site):
    clerk = site.client("clerk")
    response = clerk.get(reverse("registry:import_template"))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["企业信息", "年度报表", "资质"]
    report = wb["年度报表"]
    headers = [c.value for c in report[2]]
    assert (
        "营业收入（万元）" in headers
        and "职工总数（人）" in headers
        and headers[:2] == ["统一社会信用代码", "年度"]
    )
    assert report.freeze_panes == "B3" and report.cell(2, 1).comment is not None
    assert (
        report.cell(3, 1).value == EXAMPLE_USCC
        and "不能为负数" in report.cell(1, headers.index("营业收入（万元）") + 1).value
    )
    assert wb["企业信息"].cell(3, 3).value == "Z001"  # the clerk's zone

    batch = upload(clerk, response.content, name="导入模板.xlsx")
    assert batch.status == ImportBatch.Status.PREVIEW and batch.error_count == 0
    assert [p for p in _problems(batch) if p["severity"] == "warning"] == []
    confirm(clerk, batch)
    e = Enterprise.objects.get(uscc=EXAMPLE_USCC)
    assert e.name == "示例科技有限公司" and e.zone == site.zone_a
    assert e.reports.get().revenue == Decimal("5000") and e.qualifications.get().kind == "hightech"

    partial = clerk.get(reverse("registry:import_template") + "?department=税务局")
    sheets = openpyxl.load_workbook(io.BytesIO(partial.content)).sheetnames
    assert sheets == ["年度报表"]
    assert clerk.get(reverse("registry:import_template") + "?department=nobody").status_code == 404


def test_upload_page_and_wrong_file_type(site):
    clerk = site.client("clerk")
    html = clerk.get(reverse("registry:import_upload")).content.decode()
    assert 'name="file"' in html and "税务局" in html and 'name="zone"' not in html
    assert 'name="zone"' in site.client("admin").get(reverse("registry:import_upload")).content.decode()
    response = clerk.post(
        reverse("registry:import_upload"), {"file": _file("x.doc", b"a"), "department": "x"}
    )
    assert response.status_code == 200 and ImportBatch.objects.count() == 0


def test_progress_endpoint_reports_the_job(site):
    clerk = site.client("clerk")
    batch = upload(clerk, csv_bytes([HEAD, *firms(1)]))
    state = clerk.get(reverse("registry:import_progress", args=[batch.pk])).json()
    # the worker's check has run (jobs are immediate here): the batch awaits the clerk's confirmation
    assert state["status"] == "preview" and state["job"] == "done" and state["done"] is True
    confirm(clerk, batch)
    state = clerk.get(reverse("registry:import_progress", args=[batch.pk])).json()
    assert state == {**state, "status": "applied", "job": "done", "progress": 1.0, "done": True}


def test_list_page_is_scoped_and_its_queries_do_not_grow(site, django_assert_max_num_queries):
    clerk = site.client("clerk")
    for i in range(3):
        upload(clerk, csv_bytes([HEAD, *firms(1, start=i)]))
    upload(site.client("clerk_b"), csv_bytes([HEAD, *firms(1, zone="Z002", start=50)]))
    with django_assert_max_num_queries(8):
        html = clerk.get(reverse("registry:imports")).content.decode()
    assert html.count("registry/imports/") - html.count("registry/imports/new") >= 3
    for i in range(10):
        upload(clerk, csv_bytes([HEAD, *firms(1, start=100 + i)]))
    with django_assert_max_num_queries(8):
        clerk.get(reverse("registry:imports"))
    admin_html = site.client("admin").get(reverse("registry:imports") + "?zone=Z002").content.decode()
    assert (
        admin_html.count("/registry/imports/")
        - admin_html.count("/registry/imports/new")
        - admin_html.count("template")
        >= 1
    )


# --- the service's speed shape ----------------------------------------------------------------------


def _dataset(n: int, revenue: float) -> Dataset:
    ents = pl.DataFrame(
        {"uscc": [code(i) for i in range(n)], "name": [f"企业{i}" for i in range(n)], "zone": ["Z001"] * n}
    )
    reps = pl.DataFrame(
        {"uscc": [code(i) for i in range(n)], "year": [YEAR] * n, "revenue": [revenue + i for i in range(n)]}
    )
    return Dataset(enterprises=ents, reports=reps)


@pytest.mark.django_db
def test_apply_queries_do_not_grow_with_rows(settings, tmp_path):
    zone = Zone.objects.create(code="Z001", name="甲")

    def queries(n: int, revenue: float) -> int:
        batch = ImportBatch.objects.create(zone=zone, file_name="x", sha256=str(n))
        with CaptureQueriesContext(connection) as ctx:
            services.apply_dataset(_dataset(n, revenue), batch, allowed_zones={"Z001": zone})
        return len(ctx.captured_queries)

    fresh_small = queries(5, 100.0)
    AnnualReport.objects.all().delete()
    Enterprise.objects.all().delete()
    fresh_large = queries(300, 100.0)
    assert fresh_large == fresh_small
    changed = queries(300, 200.0)  # every report changes: updates and history
    unchanged = queries(300, 200.0)
    assert changed <= fresh_large + 2 and unchanged <= fresh_large
    assert ChangeRecord.objects.count() == 300


def test_stored_values_are_exactly_what_the_orm_stores(db):
    """The bulk path (prepared statements, driver-ready values) stores what ``to_db`` + the ORM store."""
    zone = Zone.objects.create(code="Z001", name="甲")
    money = [0.1 + 0.2, 1e-05, 123.45675, 12345678.9012, -0.0, 1234567.891234567, 5000.0, -250.5, 99999.99995]
    ratio = [0.123456789, 1e-09, 0.5, 1.0, 0.08, 0.333333333333, 0.0, 1e-05, 0.99999999999]
    n = len(money)
    data = Dataset(
        enterprises=pl.DataFrame(
            {"uscc": [code(i) for i in range(n)], "name": ["x"] * n, "zone": ["Z001"] * n}
        ),
        reports=pl.DataFrame(
            {
                "uscc": [code(i) for i in range(n)],
                "year": [YEAR] * n,
                "revenue": money,
                "niche_market_share": ratio,
            }
        ),
    )
    batch = ImportBatch.objects.create(zone=zone, file_name="x", sha256="x")
    services.apply_dataset(data, batch, allowed_zones={"Z001": zone})
    twin = Enterprise.objects.create(uscc=code(99), name="orm", zone=zone)
    for i, (m, r) in enumerate(zip(money, ratio, strict=True)):
        AnnualReport.objects.create(
            enterprise=twin,
            year=2000 + i,
            revenue=services.to_db("revenue", m),
            niche_market_share=services.to_db("niche_market_share", r),
        )
        stored = AnnualReport.objects.get(enterprise__uscc=code(i))
        by_orm = AnnualReport.objects.get(enterprise=twin, year=2000 + i)
        assert stored.revenue == by_orm.revenue == services.to_db("revenue", m), m
        assert (
            stored.niche_market_share == by_orm.niche_market_share == services.to_db("niche_market_share", r)
        )


def test_what_is_imported_is_what_the_engine_reads_back(db):
    """apply_dataset then zone_dataset gives the synthetic population back (money to the 0.0001 万元)."""
    from polars.testing import assert_frame_equal

    from gaoxin.data import synth

    data = synth.synthesize(40, zones=1, years=(YEAR - 1, YEAR), seed=3)
    zone = Zone.objects.create(code="Z001", name=synth.zone_name(0))
    batch = ImportBatch.objects.create(zone=zone, file_name="synth", sha256="s")
    result = services.apply_dataset(data, batch, allowed_zones={"Z001": zone})
    assert result.reports.created == data.reports.height and result.qualifications.created > 0
    back = services.zone_dataset([zone])
    for name, keys in (
        ("enterprises", ["uscc"]),
        ("reports", ["uscc", "year"]),
        ("qualifications", ["uscc", "kind", "valid_from"]),
    ):
        expected = getattr(data, name).sort(keys)
        got = getattr(back, name).select(expected.columns).sort(keys)
        if name == "qualifications":
            got = got.with_columns(pl.col("certificate_no").replace("", None))
        assert_frame_equal(got, expected, check_exact=False, abs_tol=5e-5, check_dtypes=True)
    # The same population again changes nothing, in as few queries as the first time.
    again = services.apply_dataset(
        data, ImportBatch.objects.create(zone=zone, file_name="s", sha256="t"), allowed_zones={"Z001": zone}
    )
    assert (again.enterprises.unchanged, again.reports.unchanged, again.changes) == (
        40,
        data.reports.height,
        0,
    )


# --- the command line -------------------------------------------------------------------------------


def test_cli_import_success_errors_and_duplicate(site, tmp_path, capsys, monkeypatch):
    good = tmp_path / "科技局2024.csv"
    good.write_bytes(csv_bytes([HEAD, *firms(4)], encoding="gb18030"))
    assert cli(["import", "--zone", "Z001", "--department", "科技局", "--user", "clerk", str(good)]) == 0
    out = capsys.readouterr().out
    assert "导入批次" in out and "4" in out
    batch = ImportBatch.objects.get(status=ImportBatch.Status.APPLIED)
    assert (batch.department, batch.user, batch.file_name) == ("科技局", site.users["clerk"], good.name)
    assert Enterprise.objects.filter(zone=site.zone_a).count() == 5
    assert Path(settings_media(), batch.stored_file, good.name).read_bytes() == good.read_bytes()

    before = snapshot()
    assert cli(["import", "--zone", "Z001", str(good)]) == 0
    assert "already imported" in capsys.readouterr().out
    assert snapshot() == before

    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes([HEAD, *firms(1, start=30), [code(31)[:-1] + "Z", "x", "Z001", "", YEAR, "", "", "", ""]])
    )
    assert cli(["import", "--zone", "Z001", str(bad)]) == 2
    captured = capsys.readouterr()
    assert "统一社会信用代码" in captured.out and "bad-errors.xlsx" in captured.out
    ws = openpyxl.load_workbook(tmp_path / "bad-errors.xlsx").active
    assert [r[2] for r in ws.iter_rows(min_row=2, values_only=True)] == [3]
    assert snapshot() == before

    # A crash while writing: exit 1, a clear message, nothing changed; the batch may be applied later.
    newer = tmp_path / "newer.csv"
    newer.write_bytes(csv_bytes([HEAD, *firms(2, start=40)]))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "insert_rows", boom)
    assert cli(["import", "--zone", "Z001", "--errors", str(tmp_path / "e.xlsx"), str(newer)]) == 1
    assert "disk full" in capsys.readouterr().err and not (tmp_path / "e.xlsx").exists()
    assert snapshot() == before
    monkeypatch.undo()

    # Another zone's clerk, an unknown zone: refused before anything is read.
    assert cli(["import", "--zone", "Z001", "--user", "clerk_b", str(good)]) == 2
    assert cli(["import", "--zone", "Z404", str(good)]) == 2
    assert snapshot() == before


def settings_media() -> str:
    from django.conf import settings

    return str(settings.MEDIA_ROOT)
