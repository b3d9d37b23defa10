"""Publishing a list is irreversible, so it asks first (issue 17, item 3).

A preview says how many of how many firms it shows ("显示前 20 家，共 N 家"); publishing needs the
explicit tick and the preview's count back: without the tick, or when the matching firms changed
since the preview, nothing is published and the page says why.
"""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from gaoxin.web.credit.models import PublishedList, Score


def _client(platform) -> Client:
    c = Client()
    c.force_login(platform.users["zone_admin"])
    return c


def _matching(run) -> int:
    return Score.objects.filter(run=run, vetoed=False).count()


def _post(client, run, bank, **extra):
    data = {"run": run.pk, "title": "确认测试名单", "banks": [bank.pk], **extra}
    return client.post(reverse("credit:lists"), data)


def test_the_preview_says_twenty_of_how_many(platform):
    run, n = platform.run_a, _matching(platform.run_a)
    assert n > 20  # the fixture's zone has more firms than the preview shows
    response = _post(_client(platform), run, platform.bank_a, preview="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"显示前 20 家，共 {n:,} 家" in html
    assert len(re.findall(r"<tr><td class=\"num\">\d+</td>", html.split('id="preview"')[1])) == 20
    assert f'name="expected" value="{n}"' in html
    assert 'name="confirm" value="1" required' in html
    assert not PublishedList.objects.filter(title="确认测试名单").exists()


def test_publishing_without_the_tick_publishes_nothing(platform):
    run, n = platform.run_a, _matching(platform.run_a)
    before = PublishedList.objects.count()
    response = _post(_client(platform), run, platform.bank_a, publish="1", expected=n)
    assert response.status_code == 200
    assert PublishedList.objects.count() == before
    html = response.content.decode()
    assert "请先预览名单，并勾选确认后再发布。" in html
    assert f"共 {n:,} 家" in html  # the preview is shown again, to be checked and ticked


def test_publishing_after_the_matching_firms_changed_publishes_nothing(platform):
    run, n = platform.run_a, _matching(platform.run_a)
    before = PublishedList.objects.count()
    response = _post(_client(platform), run, platform.bank_a, publish="1", confirm="1", expected=n - 1)
    assert response.status_code == 200
    assert PublishedList.objects.count() == before
    assert f"当前符合条件的企业为 {n} 家，而非预览时的 {n - 1} 家" in response.content.decode()


def test_publishing_with_the_tick_and_the_previewed_count_publishes(platform):
    run, n = platform.run_a, _matching(platform.run_a)
    response = _post(_client(platform), run, platform.bank_a, publish="1", confirm="1", expected=n)
    assert response.status_code == 302
    published = PublishedList.objects.get(title="确认测试名单")
    assert published.entries.count() == n
    assert list(published.banks.all()) == [platform.bank_a]
