"""Types of a request made by a logged-in account (for type checking only; Django and DRF build the
requests). Pages and API views behind login annotate `request` with these, so `request.user` is
the project's `User` rather than `User | AnonymousUser`."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from luzhi.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A page request behind `login_required` (or a rule that refuses anonymous visitors)."""

    user: User


class AuthedRequest(Request):
    """An API request behind `IsAuthenticated`."""

    user: User
