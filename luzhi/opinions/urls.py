from django.urls import path, re_path

from luzhi.opinions import views

app_name = "opinions"
urlpatterns = [
    path("", views.opinion_index, name="list"),
    path("new/", views.opinion_create, name="create"),
    path("similar/", views.opinion_similar_partial, name="similar"),
    path("mine/", views.opinion_mine, name="mine"),
    path("queue/", views.opinion_queue_page, name="queue"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("<int:pk>/", views.opinion_detail, name="detail"),
    path("<int:pk>/edit/", views.opinion_edit, name="edit"),
    re_path(r"^(?P<pk>[0-9]+)/(?P<step>adopt|forward|instruction|reject|send)/$", views.opinion_step, name="step"),
    path("bulletins/", views.bulletin_index, name="bulletins"),
    path("bulletins/new/", views.bulletin_compose, name="bulletin-create"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin-detail"),
    re_path(r"^bulletins/(?P<pk>[0-9]+)/(?P<fmt>docx|pdf)/$", views.bulletin_download, name="bulletin-download"),
    path("grassroots/", views.grassroots_index, name="grassroots"),
    path("grassroots/new/", views.grassroots_create, name="grassroots-create"),
    path("grassroots/<int:pk>/", views.grassroots_detail, name="grassroots-detail"),
]
