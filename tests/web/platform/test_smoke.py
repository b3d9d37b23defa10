import pytest


@pytest.mark.django_db
def test_front_page_leads_to_the_sign_in_form(client):
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY"
