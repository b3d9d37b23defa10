"""Consent URLs: the firm's page (``consent:mine``), revocation, and the bank's consented profiles."""

from gaoxin.web.consent import views

app_name = "consent"
urlpatterns = [*views.urls]
