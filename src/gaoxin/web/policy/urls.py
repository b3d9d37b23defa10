from gaoxin.web.policy import views

app_name = "policy"
urlpatterns = [*views.urls]
