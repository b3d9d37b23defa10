from django.urls import path

from gaoxin.web.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("lists/", views.lists, name="lists"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("bank/", views.bank_lists, name="bank_lists"),
    path("zone-rule/", views.zone_rule, name="zone_rule"),
]
