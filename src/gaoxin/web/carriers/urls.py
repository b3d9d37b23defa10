from gaoxin.web.carriers import views

app_name = "carriers"
urlpatterns = [*views.urls]
