from django.urls import path, re_path

from luzhi.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.scores_page, name="scores"),
    path("mine/", views.my_page, name="mine"),
    path("mine/appeal/", views.appeal_create_page, name="appeal-create"),
    path("members/<int:pk>/", views.member_page, name="member"),
    path("appeals/", views.appeals_page, name="appeals"),
    re_path(r"^appeals/(?P<pk>[0-9]+)/(?P<step>accept|refuse)/$", views.appeal_decide_page, name="appeal-decide"),
    path("rules/", views.rules_page, name="rules"),
]
