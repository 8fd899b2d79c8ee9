from django.urls import path

from luzhi.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.home_page, name="home"),
]
