"""Filters for showing members' personal data to those who may not see it in full."""

from __future__ import annotations

from datetime import date

from django import template

from luzhi.org.serializers import mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str | None) -> str:
    """138****1234, as the API masks it."""
    return mask_phone(value) if value else ""


@register.filter
def masked_birth(value: date | None) -> str:
    """Only the year of birth: 1975年**月**日."""
    return f"{value.year}年**月**日" if value else ""
