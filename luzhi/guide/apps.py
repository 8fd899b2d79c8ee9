from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "luzhi.guide"
    label = "guide"
    verbose_name = "使用指南"
