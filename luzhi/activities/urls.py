from django.urls import path

from luzhi.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list_page, name="activity-list"),
    path("new/", views.activity_form_page, name="activity-create"),
    path("<int:pk>/", views.activity_detail_page, name="activity-detail"),
    path("<int:pk>/edit/", views.activity_form_page, name="activity-edit"),
    path("<int:pk>/delete/", views.activity_delete_page, name="activity-delete"),
    path("<int:pk>/attendance/", views.attendance_page, name="attendance"),
    path("<int:pk>/invite/", views.invite_page, name="invite"),
    path("<int:pk>/qr.svg", views.activity_qr_page, name="qr"),
    path("<int:pk>/sign-in/<str:token>/", views.sign_in_page, name="sign-in"),
    path("<int:pk>/leave/", views.leave_ask_page, name="leave-ask"),
    path("leave/", views.leave_list_page, name="leave-list"),
    path("leave/<int:pk>/decide/", views.leave_decide_page, name="leave-decide"),
    path("reading/", views.reading_page, name="reading"),
    path("mine/", views.my_activities_page, name="mine"),
    path("cadence/", views.cadence_page, name="cadence"),
    path("cadence/<int:rule_id>/cell/", views.cadence_cell_page, name="cadence-cell"),
]
