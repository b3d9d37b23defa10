from gaoxin.web.credit import views

app_name = "credit"
urlpatterns = [*views.urls]
