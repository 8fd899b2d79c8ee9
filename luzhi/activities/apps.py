from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "luzhi.activities"
    label = "activities"
    verbose_name = "活动与考勤"
