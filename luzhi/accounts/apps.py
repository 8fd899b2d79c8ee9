from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luzhi.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from luzhi.accounts import signals  # noqa: F401  (connects the token revocation)
        from luzhi.core import sms_providers

        sms_providers.register()  # LUZHI_SMS_BACKEND=tencent|aliyun
