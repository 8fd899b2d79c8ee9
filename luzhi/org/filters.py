"""List filters shared by the roster page and the members endpoint."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from luzhi.org.models import Liaison, Member


class IdFilter(django_filters.NumberFilter):
    """A filter on a related row's id: whole numbers in the database's range only (else 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="姓名或单位")
    sector = IdFilter(field_name="sector_id", label="界别")
    special_committee = IdFilter(field_name="special_committee_id", label="专委会")
    group = IdFilter(field_name="group_id", label="委员小组")
    term = IdFilter(field_name="term_id", label="届次")
    position = django_filters.ChoiceFilter(choices=Member.Position.choices, label="职务")
    party = django_filters.ChoiceFilter(choices=Member.Party.choices, label="政治面貌")
    status = django_filters.ChoiceFilter(choices=Member.Status.choices, label="状态")
    gender = django_filters.ChoiceFilter(choices=Member.Gender.choices, label="性别")

    class Meta:
        model = Member
        fields: list[str] = []

    def search(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(name__contains=value) | Q(workplace__contains=value)) if value else qs


class LiaisonFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Liaison.Kind.choices, label="类型")
    from_member = IdFilter(field_name="from_member_id", label="联系人")
    to_member = IdFilter(field_name="to_member_id", label="联系对象")

    class Meta:
        model = Liaison
        fields: list[str] = []
