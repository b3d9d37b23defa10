from django.urls import path

from gaoxin.web.api.api import api

urlpatterns = [path("", api.urls)]
