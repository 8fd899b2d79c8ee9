from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luzhi.accounts"
    label = "accounts"
    verbose_name = "账号"
