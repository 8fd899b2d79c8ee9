from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "luzhi.dashboard"
    label = "dashboard"
    verbose_name = "首页"

    def ready(self) -> None:
        from luzhi.dashboard import cache  # noqa: F401 - every write drops the cached dashboards
