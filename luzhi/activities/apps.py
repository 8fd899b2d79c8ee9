from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _install_seed_rules(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Every new committee starts with the seed's cadence rules (API.md "Cadence")."""
    if created and not raw:
        from luzhi.activities.services import cadence_rules_install

        cadence_rules_install(committee=instance)


class ActivitiesConfig(AppConfig):
    name = "luzhi.activities"
    label = "activities"
    verbose_name = "活动与考勤"

    def ready(self) -> None:
        post_save.connect(_install_seed_rules, sender="org.Committee", dispatch_uid="activities-seed-rules")
