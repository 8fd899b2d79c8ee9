from django.urls import path

from luzhi.proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list_page, name="list"),
    path("new/", views.proposal_form_page, name="create"),
    path("similar/", views.similar_panel, name="similar"),
    path("stats/", views.stats_page, name="stats"),
    path("reminders/", views.reminders_page, name="reminders"),
    path("compilation/", views.compilation_page, name="compilation"),
    path("<int:pk>/", views.proposal_detail_page, name="detail"),
    path("<int:pk>/edit/", views.proposal_form_page, name="edit"),
    path("<int:pk>/<str:step>/", views.proposal_step_page, name="step"),
    path("attachments/<int:pk>/", views.attachment_page, name="attachment"),
    path("replies/<int:pk>/file/", views.reply_file_page, name="reply-file"),
    path("replies/<int:pk>/document/", views.reply_document_page, name="reply-document"),
]
