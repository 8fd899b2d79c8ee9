"""Create forms are idempotent per render: Back and submit again finds what the first submit made.

Each create form carries a one-time token (`once_field`, a fresh one per render). The service that
creates the object spends the token in its transaction (`spend`); a later post of the same token
finds the object (`prior`) and the page redirects to it instead of creating a second one. The
token lives in the database, so every app server and worker sees it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db import models

from luzhi.core.models import FormSubmission

FIELD = "once"


def once_field() -> forms.CharField:
    """The hidden field with this render's token (a new one each time the form is shown)."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64, initial=lambda: uuid.uuid4().hex)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def prior(*, user: Any, token: str, model: type[models.Model]) -> int | None:
    """Return the id of the object this user's token already created, or None."""
    if not token or not getattr(user, "pk", None):
        return None
    found = (
        FormSubmission.objects.filter(user_id=user.pk, token=token, model=_label(model))
        .values_list("object_id", flat=True)
        .first()
    )
    return int(found) if found is not None else None


def spend(*, user: Any, token: str, obj: models.Model) -> None:
    """Record that the token created obj; a concurrent spend of the same token raises IntegrityError."""
    if token and getattr(user, "pk", None):
        FormSubmission.objects.create(user_id=user.pk, token=token, model=_label(type(obj)), object_id=obj.pk)
