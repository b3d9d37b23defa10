from django.urls import path

from gaoxin.web.cultivation import views

app_name = "cultivation"
urlpatterns = [
    path("", views.home, name="home"),
    path("tiers/<str:tier>/", views.tier, name="tier"),
    path("tiers/<str:tier>/export/", views.tier_export, name="tier_export"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("settings/", views.settings_page, name="settings"),
]
