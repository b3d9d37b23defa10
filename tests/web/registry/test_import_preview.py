"""The preview of a re-import: every value it would change, old → new, before anything is written."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.web.registry.models import ChangeRecord, ImportBatch
from tests.web.registry.test_imports import HEAD, YEAR, code, confirm, csv_bytes, firms, page, upload


def test_an_update_preview_shows_old_and_new_values_as_the_apply_records_them(site):
    clerk = site.client("clerk")
    confirm(clerk, upload(clerk, csv_bytes([HEAD, *firms(3)])))
    rows = [
        ["统一社会信用代码", "企业名称", "所在园区", "年度", "营业收入（万元）", "实缴税费（万元）"],
        [code(0), "测试0科技有限公司", "Z001", YEAR, 1000, 30],  # unchanged
        [code(1), "测试1科技股份有限公司", "Z001", YEAR, 123456.5, 31],  # name and revenue change
        [code(2), "测试2科技有限公司", "Z001", YEAR, 1002, None],  # an empty cell erases nothing
        [code(7), "新企业", "Z001", YEAR, 10, 1],  # new: not a change
    ]
    batch = upload(clerk, csv_bytes(rows), name="更正.csv", department="统计局")
    assert batch.status == ImportBatch.Status.PREVIEW
    planned = batch.counts["preview"]["changes"]
    assert planned["total"] == 2 and planned["rows"] == {"enterprise": 1, "report": 1}
    assert {(c["uscc"], c["year"], c["field"], c["old"], c["new"]) for c in planned["shown"]} == {
        (code(1), None, "name", "测试1科技有限公司", "测试1科技股份有限公司"),
        (code(1), YEAR, "revenue", "1001", "123456.5"),
    }
    html = page(clerk, batch)
    assert 'id="planned-changes"' in html
    # formatted by the project's filters: money with separators, two decimals and its unit
    assert '1,001.00 万元</span> → <span class="new">123,456.50 万元' in html
    assert '测试1科技有限公司</span> → <span class="new">测试1科技股份有限公司' in html
    assert ChangeRecord.objects.count() == 0  # the preview wrote nothing
    # The apply records exactly the changes the preview announced.
    confirm(clerk, batch)
    recorded = {(c.enterprise.uscc, c.year, c.field, c.old, c.new) for c in ChangeRecord.objects.all()}
    assert recorded == {(c["uscc"], c["year"], c["field"], c["old"], c["new"]) for c in planned["shown"]}


def test_a_first_import_announces_no_changes(site):
    clerk = site.client("clerk")
    batch = upload(clerk, csv_bytes([HEAD, *firms(2)]))
    assert batch.counts["preview"]["changes"]["total"] == 0
    html = clerk.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert 'id="planned-changes"' not in html


def test_the_list_of_changes_is_capped_but_every_change_is_counted(site, monkeypatch):
    from gaoxin.web.registry.services import imports

    clerk = site.client("clerk")
    confirm(clerk, upload(clerk, csv_bytes([HEAD, *firms(5)])))
    monkeypatch.setattr(imports, "CHANGES_SHOWN", 3)
    batch = upload(clerk, csv_bytes([HEAD, *firms(5, revenue=7000)]))
    planned = batch.counts["preview"]["changes"]
    assert planned["total"] == 5 and len(planned["shown"]) == 3
    assert "仅列出前 3 条" in page(clerk, batch) and "将修改平台中已有的 5 个值" in page(clerk, batch)
