from gaoxin.web.benchmark import views

app_name = "benchmark"
urlpatterns = [*views.urls]
