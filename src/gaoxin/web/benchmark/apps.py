from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkConfig(AppConfig):
    name = "gaoxin.web.benchmark"
    label = "benchmark"
    verbose_name = _("Zone benchmarking")

    def ready(self):
        from gaoxin.web.benchmark import panels, scopes  # noqa: F401  (register scoping rules and profile panels)
