"""Departments as data (issue 16): seeded by migration 0006 with the departments and template columns
the code used to hard-wire, administered in the browser by the system administrator (audited in
words), and read by the import pages (the source-department suggestions, the per-department template)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gaoxin.data.dictionary import BY_ID
from gaoxin.web.accounts.audit_labels import ACTIONS, detail_fields
from gaoxin.web.accounts.models import AuditEvent, Role
from gaoxin.web.registry import bulk_io
from gaoxin.web.registry.models import Department, ImportBatch
from tests.web.conftest import make_user

LIST = reverse("registry:departments")


def test_the_migration_seeds_the_departments_the_code_used_to_name(platform):
    names = list(Department.objects.values_list("name", flat=True))
    for name in ("科技局", "税务局", "市场监管局", "知识产权局", "统计局", "人社局", "园区管委会", "工信局"):
        assert name in names
    tax = Department.objects.get(name="税务局")
    assert tax.active and "taxes_paid" in tax.fields and all(f in BY_ID for f in tax.fields)
    for d in Department.objects.all():
        d.full_clean()  # every seeded field list is valid against the data dictionary
    # the import template of a department is its fields plus the keys; 工信局 brings the 资质 sheet
    assert [f.id for f in bulk_io.columns("report", "税务局")] == ["uscc", "year", *[
        f for f in (x.id for x in bulk_io.columns("report")) if f in tax.fields]]  # fmt: skip
    assert bulk_io.columns("qualification", "工信局") and not bulk_io.columns("qualification", "税务局")
    assert "人社局" in bulk_io.department_names() and "人社局" not in bulk_io.department_fields()


def test_fields_are_checked_against_the_data_dictionary():
    d = Department(code="x", name="某局", fields=["revenue", "no_such_field"])
    with pytest.raises(ValidationError, match="no_such_field"):
        d.clean_fields()
    with pytest.raises(ValidationError, match="revenue"):
        Department(code="y", name="某局", fields=["revenue", "revenue"]).clean_fields()
    with pytest.raises(ValidationError):
        Department(code="z", name="某局", fields="revenue").clean_fields()
    Department(code="ok", name="某局", fields=["revenue", "kind"]).clean_fields()


def test_only_the_system_administrator_manages_departments(platform):
    security = make_user("security", Role.SECURITY_ADMIN)
    auditor = make_user("auditor", Role.AUDIT_ADMIN)
    tax = Department.objects.get(name="税务局")
    urls = [LIST, reverse("registry:department", args=[tax.pk])]
    assert platform.client("platform_admin").get(LIST).status_code == 200
    for role in ("zone_admin", "clerk", "enterprise", "bank", "zone_admin_b"):
        client = platform.client(role)
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
        r = client.post(reverse("registry:department_active", args=[tax.pk]), {"active": "0"})
        assert r.status_code == 403
    from django.test import Client

    for user in (security, auditor):
        c = Client()
        c.force_login(user)
        assert c.get(LIST).status_code == 403
    tax.refresh_from_db()
    assert tax.active
    admin = platform.client("platform_admin")
    assert admin.get(reverse("registry:department", args=[10**9])).status_code == 404
    assert admin.post(reverse("registry:department_active", args=[10**9]), {"active": "0"}).status_code == 404
    # the accounts' administration navigation links the page
    assert f'href="{LIST}"' in admin.get(reverse("accounts:zones")).content.decode()


def test_create_edit_disable_enable_audited_in_words_and_read_by_the_import_pages(platform):
    admin = platform.client("platform_admin")
    r = admin.post(LIST, {"code": "energy", "name": "发改委", "name_en": "Development and Reform Commission",
                          "order": "5", "fields": ["energy_consumption", "revenue"]})  # fmt: skip
    assert r.status_code == 302
    d = Department.objects.get(code="energy")
    assert d.fields == ["revenue", "energy_consumption"]  # in the dictionary's order
    event = AuditEvent.objects.filter(action="department_create").latest("id")
    assert event.object_id == str(d.pk) and event.detail["fields"] == "营业收入、综合能耗"
    assert event.detail["name"] == "发改委"
    assert ("字段", "营业收入、综合能耗") in detail_fields(event.detail)  # in words, not ids
    assert {"department_create", "department_edit", "department_disable", "department_enable"} <= set(ACTIONS)

    clerk = platform.client("clerk")
    upload = clerk.get(reverse("registry:import_upload")).content.decode()
    assert '<option value="发改委">' in upload
    assert upload.index('<option value="发改委">') < upload.index('<option value="科技局">')  # by order
    t = clerk.get(reverse("registry:import_template") + "?department=发改委")
    assert t.status_code == 200
    headers = [c.value for c in openpyxl.load_workbook(io.BytesIO(t.content))["年度报表"][2]]
    assert headers == ["统一社会信用代码", "年度", "营业收入（万元）", "综合能耗（吨标准煤）"]

    r = admin.post(reverse("registry:department", args=[d.pk]), {"code": "energy", "name": "发改委",
                   "name_en": "", "order": "5", "fields": ["energy_consumption"]})  # fmt: skip
    assert r.status_code == 302
    event = AuditEvent.objects.filter(action="department_edit").latest("id")
    assert event.detail["fields"] == "营业收入、综合能耗 → 综合能耗"
    assert event.detail["name_en"] == "Development and Reform Commission → "

    # refused input changes nothing and says why
    r = admin.post(reverse("registry:department", args=[d.pk]), {"code": "energy", "name": "税务局",
                   "order": "5", "fields": ["nope"]})  # fmt: skip
    assert r.status_code == 400
    d.refresh_from_db()
    assert d.name == "发改委" and d.fields == ["energy_consumption"]

    r = admin.post(reverse("registry:department_active", args=[d.pk]), {"active": "0"})
    assert r.status_code == 302 and not Department.objects.get(pk=d.pk).active
    assert AuditEvent.objects.filter(action="department_disable", object_id=str(d.pk)).exists()
    assert '<option value="发改委">' not in clerk.get(reverse("registry:import_upload")).content.decode()
    assert clerk.get(reverse("registry:import_template") + "?department=发改委").status_code == 404
    # a past import keeps its department's name on the dashboard
    ImportBatch.objects.create(zone=platform.zone_a, file_name="f.csv", sha256="9" * 64, department="发改委")
    assert "发改委" in clerk.get(reverse("registry:imports")).content.decode()

    admin.post(reverse("registry:department_active", args=[d.pk]), {"active": "1"})
    assert Department.objects.get(pk=d.pk).active
    assert AuditEvent.objects.filter(action="department_enable", object_id=str(d.pk)).exists()
    page = admin.get(LIST).content.decode()
    assert 'data-code="energy"' in page and "1 个字段" in page
