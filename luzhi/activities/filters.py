"""List filters of activities, shared by the activity list page and the API."""

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from luzhi.activities.models import Activity, Attendance, ReadingLog
from luzhi.core.filters import YearFilter
from luzhi.org.filters import IdFilter


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices, label="类型")
    year = YearFilter(field_name="start", lookup_expr="year", label="年份")
    month = django_filters.NumberFilter(
        field_name="start", lookup_expr="month", label="月份", min_value=1, max_value=12
    )
    special_committee = IdFilter(field_name="special_committee_id", label="专委会")
    group = IdFilter(field_name="group_id", label="委员小组")
    member = IdFilter(method="invited", label="参加委员")

    class Meta:
        model = Activity
        fields: list[str] = []

    def invited(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        return qs.filter(Exists(Attendance.objects.filter(activity=OuterRef("pk"), member_id=value)))


class ReadingLogFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ReadingLog.Kind.choices, label="类型")
    year = YearFilter(field_name="date", lookup_expr="year", label="年份")
    member = IdFilter(field_name="member_id", label="委员")

    class Meta:
        model = ReadingLog
        fields: list[str] = []
