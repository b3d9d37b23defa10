"""Registry URLs: pages (views/__init__.py), imports and departments each bring their own list."""

from gaoxin.web.registry import views
from gaoxin.web.registry.views import departments, imports

app_name = "registry"
urlpatterns = [*views.urls, *imports.urls, *departments.urls]
