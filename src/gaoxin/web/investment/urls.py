from django.urls import path

from gaoxin.web.investment import views

app_name = "investment"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/action/", views.project_action, name="project_action"),
    path("chains/", views.chains, name="chains"),
    path("chains/nodes/<int:pk>/", views.node_detail, name="node"),
    path("chains/nodes/<int:pk>/firms/", views.node_firms, name="node_firms"),
    path("imports/", views.import_page, name="import"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("templates/<str:kind>.xlsx", views.template, name="template"),
    path("export/<str:kind>.xlsx", views.export, name="export"),
    path("settings/", views.settings_page, name="settings"),
]
