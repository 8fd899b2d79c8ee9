from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "luzhi.participation"
    label = "participation"
    verbose_name = "履职服务"
