from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "luzhi.proposals"
    label = "proposals"
    verbose_name = "提案"
