"""Log an account's devices out of the API when its password changes or it is deactivated."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from luzhi.accounts.models import User
from luzhi.accounts.services import device_tokens_revoke_all


@receiver(post_save, sender=User)
def _revoke_tokens(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    # Every way a password is set (the pages, the API, the admin command, Django's own password reset)
    # goes through set_password, which leaves the new password in `_password` until the save is done;
    # a login that only upgrades the hash clears it first, so it logs no one out.
    if created:
        return
    # `_keep_device_token`: the device that changed its own password stays logged in (the others go).
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        keep = getattr(instance, "_keep_device_token", None) if instance.is_active else None
        device_tokens_revoke_all(user=instance, keep=keep)
