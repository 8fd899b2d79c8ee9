from django.urls import path

from luzhi.opinions import views

app_name = "opinions"
urlpatterns = [
    path("<int:pk>/", views.opinion_detail, name="detail"),
    path("grassroots/<int:pk>/", views.grassroots_detail, name="grassroots-detail"),
]
