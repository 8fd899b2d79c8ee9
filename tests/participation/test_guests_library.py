"""External guests on activities and the library (荐、读、讲、评) through the API."""

import pytest
from django.utils import timezone

from luzhi.activities.models import ReadingLog
from luzhi.participation.models import ActivityGuest, StudyEntry
from tests import factories as f
from tests.activities.factories import ActivityFactory
from tests.participation.factories import GuestFactory, MaterialFactory

pytestmark = pytest.mark.django_db


def test_staff_record_guests_of_an_activity_and_members_only_read(committee, other_committee, users, api):
    activity = ActivityFactory(committee=committee)
    body = {"activity": activity.pk, "name": "张局长", "organisation": "县卫健局", "role": "department"}
    response = api(users["committee_staff"]).post("/api/v1/activity-guests/", body, format="json")
    assert response.status_code == 201, response.data
    assert api(users["office"]).post("/api/v1/activity-guests/", body, format="json").status_code == 400  # twice
    assert (
        api(users["member"]).post("/api/v1/activity-guests/", {**body, "name": "李"}, format="json").status_code == 403
    )
    listed = api(users["member"]).get(f"/api/v1/activity-guests/?activity={activity.pk}")
    assert [g["name"] for g in listed.data["results"]] == ["张局长"]
    foreign = ActivityFactory(committee=other_committee)
    bad = api(users["office"]).post("/api/v1/activity-guests/", {**body, "activity": foreign.pk}, format="json")
    assert bad.status_code == 400 and ActivityGuest.objects.count() == 1


def test_guest_list_query_count_does_not_grow(committee, users, api, django_assert_num_queries):
    activity = ActivityFactory(committee=committee)
    GuestFactory(activity=activity)
    with django_assert_num_queries(2):
        api(users["office"]).get("/api/v1/activity-guests/")
    for _ in range(5):
        GuestFactory(activity=ActivityFactory(committee=committee))
    with django_assert_num_queries(2):
        assert api(users["office"]).get("/api/v1/activity-guests/").data["count"] == 6


def test_library_read_talk_review(committee, users, api):
    office = api(users["office"])
    response = office.post(
        "/api/v1/library-materials/",
        {
            "kind": "study",
            "title": "《习近平关于加强和改进人民政协工作的重要思想》学习纲要",
            "recommended": True,
            "reading_kind": "book",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    material = response.data["id"]
    assert response.data["recommended_on"] == timezone.localdate().isoformat()
    assert api(users["member"]).post("/api/v1/library-materials/", {"kind": "study", "title": "x"}).status_code == 403
    member = api(users["member"])
    today = timezone.localdate().isoformat()
    assert (
        member.post("/api/v1/study-entries/", {"material": material, "kind": "read", "date": today}).status_code == 201
    )
    log = ReadingLog.objects.get()
    assert log.kind == "book" and log.member == users["member"].member
    assert (
        member.post("/api/v1/study-entries/", {"material": material, "kind": "review", "date": today}).status_code
        == 400
    )
    ok = member.post("/api/v1/study-entries/", {"material": material, "kind": "talk", "date": today, "text": "体会"})
    assert ok.status_code == 201 and ReadingLog.objects.count() == 1
    assert (
        office.post("/api/v1/study-entries/", {"material": material, "kind": "read", "date": today}).status_code == 403
    )
    counts = office.get(f"/api/v1/library-materials/{material}/").data
    assert (counts["read_count"], counts["talk_count"], counts["review_count"]) == (1, 1, 0)
    assert office.get("/api/v1/library-materials/?recommended=true").data["count"] == 1
    assert StudyEntry.objects.count() == 2


def test_other_committees_library_is_404(committee, other_committee, users, api):
    material = MaterialFactory(committee=other_committee)
    assert api(users["member"]).get(f"/api/v1/library-materials/{material.pk}/").status_code == 404
    today = timezone.localdate().isoformat()
    response = api(users["member"]).post(
        "/api/v1/study-entries/", {"material": material.pk, "kind": "read", "date": today}
    )
    assert response.status_code == 400 and ReadingLog.objects.count() == 0
    f.MemberFactory(committee=committee)
