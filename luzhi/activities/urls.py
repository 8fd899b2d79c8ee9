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
    path("<int:pk>/door/", views.door_page, name="door"),
    path("<int:pk>/screen/", views.hall_page, name="hall"),
    path("<int:pk>/screen/control/", views.hall_control_page, name="hall-control"),
    path("<int:pk>/signin/", views.sign_in_page, name="signin"),
    path("<int:pk>/rsvp/", views.rsvp_page, name="rsvp"),
    path("<int:pk>/rsvp/remind/", views.rsvp_remind_page, name="rsvp-remind"),
    path("<int:pk>/agenda/", views.agenda_page, name="agenda"),
    path("<int:pk>/materials/", views.material_upload_page, name="material-upload"),
    path("materials/<int:pk>/", views.material_file_page, name="material-file"),
    path("materials/<int:pk>/view/", views.material_view_page, name="material-view"),
    path("<int:pk>/votes/new/", views.vote_new_page, name="vote-new"),
    path("votes/<int:pk>/", views.vote_page, name="vote-ballot"),
    path("materials/<int:pk>/withdraw/", views.material_withdraw_page, name="material-withdraw"),
    path("<int:pk>/leave/", views.leave_ask_page, name="leave-ask"),
    path("leave/", views.leave_list_page, name="leave-list"),
    path("leave/<int:pk>/decide/", views.leave_decide_page, name="leave-decide"),
    path("reading/", views.reading_page, name="reading"),
    path("mine/", views.my_activities_page, name="mine"),
    path("cadence/", views.cadence_page, name="cadence"),
    path("cadence/<int:rule_id>/cell/", views.cadence_cell_page, name="cadence-cell"),
]
