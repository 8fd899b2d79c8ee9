from django.urls import path

from luzhi.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("<int:pk>/read/", views.inbox_read_page, name="inbox-read"),
    path("read-all/", views.inbox_read_all_page, name="inbox-read-all"),
    path("settings/", views.settings_page, name="settings"),
    path("channels/", views.channels_page, name="channels"),
    path("channels/<int:pk>/", views.channel_edit_page, name="channel-edit"),
    path("deliveries/", views.deliveries_page, name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry_page, name="delivery-retry"),
]
