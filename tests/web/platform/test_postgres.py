"""The PostgreSQL pass really runs on PostgreSQL, and what SQLite forgives PostgreSQL keeps exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from gaoxin.web.registry.models import AnnualReport, Enterprise

pytestmark = [
    pytest.mark.postgres,
]


@pytest.mark.django_db
def test_the_postgres_pass_uses_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000


def test_money_stays_exact_and_sources_query_as_json(platform):
    ent = Enterprise.objects.filter(zone=platform.zone_a).order_by("uscc").first()
    report = AnnualReport.objects.filter(enterprise=ent).order_by("-year").first()
    report.revenue = Decimal("12345678.1234")  # 万元, to the yuan
    report.save(update_fields=["revenue"])
    report.refresh_from_db()
    assert report.revenue == Decimal("12345678.1234")
    # provenance is JSON: every imported value names its batch, and PostgreSQL can query it
    assert Enterprise.objects.filter(pk=ent.pk, sources__has_key="name").exists()
