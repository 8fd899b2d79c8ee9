from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "luzhi.dashboard"
    label = "dashboard"
    verbose_name = "首页"
