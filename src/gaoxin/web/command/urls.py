from gaoxin.web.command import views

app_name = "command"
urlpatterns = [*views.urls]
