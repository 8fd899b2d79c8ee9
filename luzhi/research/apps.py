from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "luzhi.research"
    label = "research"
    verbose_name = "调研"
