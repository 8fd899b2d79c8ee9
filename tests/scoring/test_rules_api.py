"""Rule sets over the API: office writes, unknown codes and disordered grades are 400, a new year copies the last."""

from __future__ import annotations

import pytest

from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet

pytestmark = pytest.mark.django_db
URL = "/api/v1/score-rules/"


def test_the_first_year_starts_with_the_default_set(api, users, committee):
    response = api(users["office"]).post(URL, {"year": 2025}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["items"] == rules.DEFAULT_ITEMS and body["grades"] == {"excellent": 90, "qualified": 60, "basic": 40}
    assert body["shared_caps"] == [{"codes": ["proposal_lead", "proposal_cosign"], "cap": 25}]
    assert body["committee"] == committee.pk


def test_a_new_year_is_a_copy_of_the_last(api, users, committee):
    client = api(users["office"])
    items = [{"code": "attend_plenary", "points": 4}, {"code": "absent", "points": -3, "cap": 9}]
    assert (
        client.post(
            URL,
            {"year": 2025, "items": items, "grades": {"excellent": 80, "qualified": 50, "basic": 30}},
            format="json",
        ).status_code
        == 201
    )
    response = client.post(URL, {"year": 2026}, format="json")
    assert response.status_code == 201
    assert response.json()["items"] == items and response.json()["grades"]["excellent"] == 80


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": [{"code": "attend_plenary", "points": 5}, {"code": "bribe", "points": 99}]}, "items"),
        ({"items": [{"code": "attend_plenary", "points": "五"}]}, "items"),
        ({"items": [{"code": "reading", "points": 1, "cap": -2}]}, "items"),
        ({"items": [{"code": "reading", "points": 1}, {"code": "reading", "points": 2}]}, "items"),
        ({"items": "all"}, "items"),
        ({"grades": {"excellent": 60, "qualified": 90, "basic": 40}}, "grades"),
        ({"grades": {"excellent": 90, "qualified": 60, "basic": 60}}, "grades"),
        ({"grades": {"excellent": 90, "qualified": 60}}, "grades"),
        ({"shared_caps": [{"codes": ["proposal_lead", "nope"], "cap": 25}]}, "shared_caps"),
        ({"warnings": {"plenary_absences": -1}}, "warnings"),
    ],
)
def test_bad_rule_sets_are_400_and_nothing_is_saved(api, users, body, field):
    response = api(users["office"]).post(URL, {"year": 2025, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ScoreRuleSet.objects.exists()


def test_a_second_set_for_the_same_year_is_400(api, users):
    client = api(users["office"])
    assert client.post(URL, {"year": 2025}, format="json").status_code == 201
    response = client.post(URL, {"year": 2025}, format="json")
    assert response.status_code == 400 and ScoreRuleSet.objects.count() == 1


def test_an_edit_with_an_unknown_code_keeps_the_old_items(api, users, rule_set):
    response = api(users["office"]).patch(
        f"{URL}{rule_set.pk}/", {"items": [{"code": "x", "points": 1}]}, format="json"
    )
    assert response.status_code == 400
    rule_set.refresh_from_db()
    assert rule_set.items == rules.DEFAULT_ITEMS


@pytest.mark.parametrize("role", ["member", "leader", "committee_staff"])
def test_only_the_office_writes_rules_others_read_them(api, users, rule_set, role):
    client = api(users[role])
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"year": 2026}, format="json").status_code == 403
    assert client.patch(f"{URL}{rule_set.pk}/", {"grades": {}}, format="json").status_code == 403


def test_another_committee_neither_sees_nor_edits_the_rules(api, make_user, other_committee, rule_set):
    office = make_user("office", other_committee)
    assert api(office).get(f"{URL}{rule_set.pk}/").status_code == 404
    assert api(office).get(URL).json()["count"] == 0


def test_unit_and_anonymous_are_refused(api, users):
    assert api(users["unit"]).get(URL).status_code == 403
    assert api(None).get(URL).status_code == 401
