"""The audit log (issue 16, item 3): append-only, filtered, exported in words, archived past retention."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gaoxin.web.accounts.audit_labels import detail_fields
from gaoxin.web.accounts.models import AppendOnly, AuditEvent
from gaoxin.web.accounts.scoping import audit
from gaoxin.web.accounts.services import archive_audit


@pytest.fixture
def entry(db):
    return audit(None, "export", what="ranking", year=2025)


def test_an_entry_cannot_be_changed_or_deleted_by_any_application_path(entry):
    entry.action = "login"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=entry.pk).update(action="login")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.update(action="login")
    stored = AuditEvent.objects.get(pk=entry.pk)
    assert stored.action == "export" and stored.detail == {"what": "ranking", "year": 2025}


def test_amounts_in_details_read_as_numbers():
    fields = dict(detail_fields({"amount": "58.455000", "rows": 3000, "year": 2025, "code": "Z001"}))
    assert list(fields.values()) == ["58.455", "3,000", "2025", "Z001"]


def test_details_read_as_fields_not_a_dict():
    fields = detail_fields({"year": 2025, "filters": {"top": 10, "grade": "A"}, "odd_key": ["甲", "乙"]})
    assert [text for _, text in fields] == ["2025", "top=10; grade=A", "甲, 乙"]
    assert fields[2][0] == "odd key" and all("{" not in text for _, text in fields)


def test_the_log_filters_by_user_action_object_and_date(platform):
    client = platform.client("zone_admin")
    url = reverse("accounts:audit")
    assert client.get(reverse("registry:enterprise", args=[platform.listed.pk])).status_code == 200
    page = client.get(url, {"user": "zone_admin", "action": "view_enterprise"}).context["page"]
    assert page.object_list and all(
        e.action == "view_enterprise" and e.username == "zone_admin" for e in page.object_list
    )
    page = client.get(url, {"object_type": "enterprise", "object_id": str(platform.listed.pk)}).context[
        "page"
    ]
    assert page.object_list and {e.object_id for e in page.object_list} == {str(platform.listed.pk)}
    today = timezone.localdate()
    assert client.get(url, {"date_from": today, "date_to": today}).context["page"].object_list
    tomorrow = today + dt.timedelta(days=1)
    assert not client.get(url, {"date_from": tomorrow}).context["page"].object_list
    bad = client.get(url, {"date_from": tomorrow, "date_to": today})
    assert bad.status_code == 400 and list(bad.context["form"].errors) == ["date_to"]
    assert not bad.context["page"].object_list  # a refused filter shows its error, not everything


def test_another_zones_staff_do_not_see_the_entries_of_this_zone(platform):
    platform.client("zone_admin").get(reverse("registry:enterprise", args=[platform.listed.pk]))
    seen = platform.client("zone_admin_b").get(reverse("accounts:audit"), {"action": "view_enterprise"})
    assert all(e.zone_id != platform.zone_a.pk for e in seen.context["page"].object_list)
    for role in ("enterprise", "bank", "clerk"):
        assert platform.client(role).get(reverse("accounts:audit")).status_code == 403
        assert platform.client(role).get(reverse("accounts:audit"), {"export": "xlsx"}).status_code == 403


def test_the_export_is_in_words_follows_the_filter_and_is_itself_audited(platform):
    client = platform.client("zone_admin")
    client.get(reverse("registry:enterprise", args=[platform.listed.pk]))
    response = client.get(reverse("accounts:audit"), {"action": "view_enterprise", "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    header, body = rows[0], rows[1:]
    assert header[:4] == ["时间", "用户", "操作", "操作代码"]
    assert body and {r[3] for r in body} == {"view_enterprise"}
    assert {r[2] for r in body} == {"查看企业"}  # the label, in the reader's language
    done = AuditEvent.objects.filter(action="audit_export").latest("at")
    assert done.username == "zone_admin" and done.detail == {"filters": {"action": "view_enterprise"}}


def test_entries_past_retention_move_to_a_checksummed_archive_and_nothing_else_goes(db, tmp_path, settings):
    settings.GAOXIN_AUDIT_RETENTION_DAYS = 180
    for n in range(3):
        audit(None, "export", what=f"list {n}")
    kept_before = AuditEvent.objects.count()
    # 179 days on, nothing is old enough
    assert archive_audit(tmp_path, now=timezone.now() + dt.timedelta(days=179))["entries"] == 0
    assert AuditEvent.objects.count() == kept_before
    done = archive_audit(tmp_path, now=timezone.now() + dt.timedelta(days=181))
    assert done["entries"] == kept_before
    data = done["path"].read_bytes()
    assert hashlib.sha256(data).hexdigest() == done["sha256"]
    assert done["path"].with_name(done["path"].name + ".sha256").read_text().split()[0] == done["sha256"]
    lines = [json.loads(x) for x in gzip.decompress(data).decode().splitlines()]
    assert [x["detail"]["what"] for x in lines] == ["list 0", "list 1", "list 2"]
    # only the record of the archiving itself remains, and it names the file
    (left,) = AuditEvent.objects.all()
    assert left.action == "audit_archive" and left.detail["entries"] == 3
    assert left.detail["archive"] == done["path"].name


def test_a_retention_below_180_days_is_refused(db, settings, tmp_path):
    settings.GAOXIN_AUDIT_RETENTION_DAYS = 90
    audit(None, "export")
    with pytest.raises(ValueError, match="at least 180 days"):
        archive_audit(tmp_path, now=timezone.now() + dt.timedelta(days=400))
    assert AuditEvent.objects.count() == 1
