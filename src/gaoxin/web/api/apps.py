from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gaoxin.web.api"
    label = "api"
    verbose_name = "API"
