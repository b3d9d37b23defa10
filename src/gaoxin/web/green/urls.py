from gaoxin.web.green import views

app_name = "green"
urlpatterns = [*views.urls]
