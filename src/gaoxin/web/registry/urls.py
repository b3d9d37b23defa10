"""Registry URLs: pages (views.py) and imports (imports.py) each bring their own list."""

from gaoxin.web.registry import views
from gaoxin.web.registry.views import imports

app_name = "registry"
urlpatterns = [*views.urls, *imports.urls]
