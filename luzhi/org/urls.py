from django.urls import path

from luzhi.org import views

app_name = "org"
urlpatterns = [
    path("", views.committee_page, name="committee"),
    path("members/", views.member_list_page, name="member-list"),
    path("members/new/", views.member_form_page, name="member-create"),
    path("members/import/", views.member_import_page, name="member-import"),
    path("members/import/template/", views.member_import_template_page, name="member-import-template"),
    path("members/<int:pk>/", views.member_detail_page, name="member-detail"),
    path("members/<int:pk>/edit/", views.member_form_page, name="member-edit"),
    path("members/<int:pk>/restore/", views.member_restore_page, name="member-restore"),
    path("party/", views.party_list_page, name="party-list"),
    path("party/new/", views.party_form_page, name="party-create"),
    path("party/<int:pk>/edit/", views.party_form_page, name="party-edit"),
    path("party/<int:pk>/delete/", views.party_delete_page, name="party-delete"),
    path("liaisons/", views.liaison_list_page, name="liaison-list"),
    path("liaisons/<int:pk>/delete/", views.liaison_delete_page, name="liaison-delete"),
    path("station/<int:pk>/", views.station_detail_page, name="station-detail"),
]
for pages in views.REFERENCE_PAGES:
    urlpatterns += pages.urls
