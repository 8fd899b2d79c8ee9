from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "luzhi.ledger"
    label = "ledger"
    verbose_name = "工作计划与督办"
