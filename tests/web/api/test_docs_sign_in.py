"""/api/docs and /api/openapi.json are behind sign-in (issue 18, item 10): the anonymous visitor is sent
to sign in (the page) or answered 401 (the schema); a signed-in user of any role, or a valid bearer
token, is served them; a wrong token is refused even with a session."""

from __future__ import annotations

import pytest
from django.test import Client

from gaoxin.web.accounts.services import new_token

ROLES = ("platform_admin", "zone_admin", "clerk", "enterprise", "bank")


@pytest.mark.django_db
def test_the_anonymous_visitor_gets_neither_the_page_nor_the_schema():
    anonymous = Client()
    page = anonymous.get("/api/docs")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert "next=/api/docs" in page["Location"]
    schema = anonymous.get("/api/openapi.json")
    assert schema.status_code == 401 and schema["WWW-Authenticate"].startswith("Bearer")
    assert "paths" not in schema.json() and schema.json()["detail"]
    # the Swagger UI files stay open (ninja's own, nothing of gaoxin's)
    assert anonymous.get("/api/docs/assets/swagger-ui.css").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_a_signed_in_user_gets_the_page_and_the_schema(platform, role):
    c = platform.client(role)
    page = c.get("/api/docs")
    assert page.status_code == 200 and "/api/openapi.json" in page.content.decode()
    schema = c.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/me" in schema.json()["paths"]


def test_a_token_gets_the_schema_and_a_wrong_token_is_refused_even_with_a_session(platform):
    user = platform.users["bank"]
    machine = Client(headers={"Authorization": f"Bearer {new_token(user, 'docs')}"})
    assert "/api/me" in machine.get("/api/openapi.json").json()["paths"]
    wrong = platform.client("bank")
    wrong.defaults["HTTP_AUTHORIZATION"] = "Bearer gx_not-a-token"
    refused = wrong.get("/api/openapi.json")
    assert refused.status_code == 401 and "paths" not in refused.json()
    assert wrong.get("/api/docs").status_code == 401
