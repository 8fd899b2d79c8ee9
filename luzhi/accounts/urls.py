from django.urls import path

from luzhi.accounts import recycle, views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list_page, name="user-list"),
    path("users/new/", views.user_form_page, name="user-create"),
    path("users/<int:pk>/edit/", views.user_form_page, name="user-edit"),
    path("security/", views.security_page, name="security"),
    path("security/unlock/<int:pk>/", views.unlock_page, name="unlock"),
    path("security/otp-reset/<int:pk>/", views.otp_reset_page, name="otp-reset"),
    path("password/", views.password_change_page, name="password"),
    path("member-accounts/", views.member_accounts_page, name="member-accounts"),
    path("letters/<int:pk>/", views.letters_page, name="letters"),
    path("sms/", views.sms_outbox_page, name="sms-outbox"),
    path("sms/retry/", views.sms_retry_page, name="sms-retry"),
    path("otp/", views.otp_page, name="otp"),
    path("otp/remove/", views.otp_remove_page, name="otp-remove"),
    path("audit/", views.audit_page, name="audit"),
    path("recycle/", recycle.recycle_page, name="recycle"),
    path("recycle/<int:pk>/restore/", recycle.recycle_restore_page, name="recycle-restore"),
]
