from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "luzhi.opinions"
    label = "opinions"
    verbose_name = "社情民意"
