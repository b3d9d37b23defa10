from django.urls import path

from gaoxin.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.change_password, name="password"),
    path("audit/", views.audit_log, name="audit"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("zones/", views.orgs, {"kind": "zones"}, name="zones"),
    path("zones/<int:pk>/", views.orgs, {"kind": "zones"}, name="zone"),
    path("zones/<int:pk>/switch/", views.org_switch, {"kind": "zones"}, name="zone_switch"),
    path("banks/", views.orgs, {"kind": "banks"}, name="banks"),
    path("banks/<int:pk>/", views.orgs, {"kind": "banks"}, name="bank"),
    path("banks/<int:pk>/switch/", views.org_switch, {"kind": "banks"}, name="bank_switch"),
    path("regions/", views.orgs, {"kind": "regions"}, name="regions"),
    path("regions/<int:pk>/", views.orgs, {"kind": "regions"}, name="region"),
]
