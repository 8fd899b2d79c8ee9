"""REST endpoints of scoring (see API.md)."""

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add this app's viewsets to the API router; return any extra API paths."""
    return []
