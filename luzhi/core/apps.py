from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "luzhi.core"
    label = "core"
    verbose_name = "公共机制"

    def ready(self) -> None:
        from luzhi.core import (
            audit,  # noqa: F401  (connects the audit signals)
            documents,
            exports,
        )

        documents.defer_pages_with(exports.deferred)
