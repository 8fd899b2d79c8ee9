from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "luzhi.scoring"
    label = "scoring"
    verbose_name = "履职考评"
