"""REST endpoints of research (API.md "Research (调研)")."""

from __future__ import annotations

from typing import Any

import django_filters
from django.urls import URLPattern
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from luzhi.core.api import ScopedModelViewSet, request_dict
from luzhi.core.filters import YearFilter
from luzhi.org.filters import IdFilter
from luzhi.research import permissions
from luzhi.research import serializers as s
from luzhi.research.models import ResearchOutcome, ResearchTopic
from luzhi.research.selectors import topic_list
from luzhi.research.services import research_outcome_update, research_topic_advance


class TopicFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label="年度")
    special_committee = IdFilter(field_name="special_committee_id", label="专委会")
    lead = IdFilter(field_name="lead_id", label="牵头领导")
    step = IdFilter(field_name="step", label="当前步骤", max_value=2**15 - 1)

    class Meta:
        model = ResearchTopic
        fields: list[str] = []


class ResearchTopicViewSet(ScopedModelViewSet):
    model = ResearchTopic
    serializer_class = s.ResearchTopicSerializer
    permission_rule = permissions.TOPICS
    filterset_class = TopicFilter
    xlsx_filename = "research-topics"
    action_rules = {"advance": (permissions.ADVANCE, "write")}

    def get_queryset(self):  # type: ignore[override]
        return topic_list(viewer=self.request.user)

    @extend_schema(
        request=inline_serializer("ResearchAdvance", {"step": serializers.IntegerField()}),
        responses=s.ResearchTopicSerializer,
    )
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: Any = None) -> Response:
        """Complete the current step with its artefact (another step: 409; a missing artefact: 400)."""
        topic = self.get_object()
        research_topic_advance(actor=request.user, topic=topic, data=request_dict(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=topic.pk)).data)


class ResearchOutcomeViewSet(ScopedModelViewSet):
    model = ResearchOutcome
    serializer_class = s.ResearchOutcomeSerializer
    permission_rule = permissions.ADVANCE
    xlsx_filename = "research-outcomes"
    select_related = ("topic",)
    http_method_names = ["get", "patch", "head", "options"]

    def update_object(self, instance: ResearchOutcome, data: dict[str, Any]) -> ResearchOutcome:
        return research_outcome_update(actor=self.request.user, outcome=instance, data=data)


def register(router: SimpleRouter) -> list[URLPattern]:
    """Add research's viewsets to the API router."""
    router.register("research-topics", ResearchTopicViewSet, basename="research-topic")
    router.register("research-outcomes", ResearchOutcomeViewSet, basename="research-outcome")
    return []
