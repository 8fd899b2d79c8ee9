from django.urls import path

from luzhi.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.home_page, name="home"),
    path("notices/", views.notices_page, name="notices"),
    path("notices/new/", views.notice_new_page, name="notice-new"),
    path("notices/<int:pk>/", views.notice_page, name="notice"),
    path("topics/", views.topics_page, name="topics"),
    path("topics/new/", views.topic_new_page, name="topic-new"),
    path("topics/<int:pk>/", views.topic_page, name="topic"),
    path("topics/<int:pk>/action/", views.topic_action_page, name="topic-action"),
    path("topics/<int:pk>/summary/", views.topic_summary_page, name="topic-summary"),
    path("posts/<int:pk>/action/", views.post_action_page, name="post-action"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/new/", views.report_new_page, name="report-new"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("guests/", views.guests_page, name="guests"),
    path("library/", views.library_page, name="library"),
    path("library/<int:pk>/", views.material_page, name="material"),
    path("files/notice/<int:pk>/", views.notice_file, name="notice-file"),
    path("files/evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("files/library/<int:pk>/", views.library_file, name="library-file"),
]
