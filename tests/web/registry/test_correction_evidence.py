"""A correction's evidence file: checked on the way in, kept, and given only to who sees the correction."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.web.registry.models import AnnualReport, Correction
from gaoxin.web.registry.services import corrections as service
from tests.web.conftest import YEAR

MINE = "/registry/my-enterprise/"
PDF = b"%PDF-1.7\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _submit(platform, upload, proposed_add: int = 12345):
    firm = platform.unlisted
    report = AnnualReport.objects.get(enterprise=firm, year=YEAR)
    data = {
        "field": "revenue",
        "year": str(YEAR),
        "proposed": str((report.revenue or 0) + proposed_add),
        "reason": "审计报告调整",
    }
    if upload is not None:
        data["evidence"] = upload
    return platform.client("enterprise").post(MINE, data)


def test_a_correction_with_evidence_is_kept_and_read_by_who_sees_the_correction(platform, settings):
    response = _submit(platform, SimpleUploadedFile("审计报告.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    c = Correction.objects.get(enterprise=platform.unlisted)
    assert c.evidence and Path(c.evidence.name).name == "审计报告.pdf"
    assert (Path(settings.MEDIA_ROOT) / c.evidence.name).read_bytes() == PDF
    url = reverse("registry:correction_evidence", args=[c.pk])
    # the firm itself, its zone's staff and the platform administrator
    for role in ("enterprise", "zone_admin", "clerk", "platform_admin"):
        got = platform.client(role).get(url)
        assert got.status_code == 200, role
        assert got.content == PDF and got["Content-Type"] == "application/pdf"
        assert "attachment" in got["Content-Disposition"]
    # another zone, another firm, banks (the correction is closed to them): as if it did not exist
    for role in ("zone_admin_b", "enterprise_b", "bank", "bank_b"):
        assert platform.client(role).get(url).status_code == 404, role
    # the link is on the zone's list and on the firm's own page
    assert url in platform.client("zone_admin").get("/registry/corrections/").content.decode()
    assert url in platform.client("enterprise").get(MINE).content.decode()


def test_evidence_of_the_wrong_kind_or_size_is_refused_and_nothing_is_kept(platform, monkeypatch):
    cases = [
        SimpleUploadedFile("程序.exe", b"MZ\x90\x00"),  # not an allowed kind
        SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00not a pdf"),  # named pdf, is not
        SimpleUploadedFile("图片.png", b"GIF89a....."),  # named png, is a gif
    ]
    reasons = ["证明材料须为 PDF、JPG、PNG 或 XLSX 文件。", *["证明材料的文件内容与其扩展名不符。"] * 2]
    for upload, reason in zip(cases, reasons, strict=True):
        response = _submit(platform, upload)
        assert response.status_code == 400, upload.name
        assert reason in response.content.decode()
        assert not Correction.objects.filter(enterprise=platform.unlisted).exists()
    monkeypatch.setattr(service, "EVIDENCE_MAX_BYTES", 20)
    response = _submit(platform, SimpleUploadedFile("大.png", PNG))
    assert response.status_code == 400 and "证明材料文件过大" in response.content.decode()
    assert not Correction.objects.filter(enterprise=platform.unlisted).exists()
    assert _submit(platform, SimpleUploadedFile("小.png", PNG[:20])).status_code == 302  # within the limit


def test_a_correction_without_evidence_has_no_file_to_give(platform):
    assert _submit(platform, None).status_code == 302
    c = Correction.objects.get(enterprise=platform.unlisted)
    assert not c.evidence
    url = reverse("registry:correction_evidence", args=[c.pk])
    assert platform.client("zone_admin").get(url).status_code == 404
    assert url not in platform.client("zone_admin").get("/registry/corrections/").content.decode()
