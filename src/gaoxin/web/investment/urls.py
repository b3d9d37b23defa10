app_name = "investment"
urlpatterns: list = []
