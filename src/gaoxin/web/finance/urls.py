from gaoxin.web.finance import views

app_name = "finance"
urlpatterns = [*views.urls]
