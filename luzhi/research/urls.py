from django.urls import path

from luzhi.research import views

app_name = "research"
urlpatterns = [
    path("", views.year_page, name="year"),
    path("new/", views.topic_create_page, name="topic-create"),
    path("<int:pk>/", views.topic_page, name="topic"),
    path("outcomes/<int:pk>/", views.outcome_update_page, name="outcome-update"),
]
