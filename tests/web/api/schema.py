"""The API's OpenAPI schema as a signed-in caller is served it (the schema is behind sign-in, issue 18
item 10): for the tests that pin an app's endpoints. No database: the caller is an unsaved user."""

from __future__ import annotations

import json

from django.test import RequestFactory
from django.urls import resolve

from gaoxin.web.accounts.models import User


def openapi_schema() -> dict:
    request = RequestFactory().get("/api/openapi.json")
    request.user = User(username="schema-reader")  # signed in (an unsaved user is authenticated)
    response = resolve("/api/openapi.json").func(request)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)
