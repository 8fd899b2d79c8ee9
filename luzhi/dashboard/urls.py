from django.urls import path

from luzhi.dashboard import views

urlpatterns = [path("", views.home, name="home")]
