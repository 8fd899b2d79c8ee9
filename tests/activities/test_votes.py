"""Electronic votes (表决): set up, open, ballots by the present electorate, count, secrecy (API.md "Meetings")."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from luzhi.activities.models import Ballot, Vote, VoteTurnout
from luzhi.notifications.models import Notification
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(committee, users, make_user):
    """A meeting under way: the member user and four more invited; the first three signed in."""
    starts_at = timezone.now() - timedelta(minutes=30)
    activity = af.ActivityFactory(committee=committee, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
    people = [users["member"]] + [
        make_user("member", committee, member=f.MemberFactory(committee=committee)) for _ in range(4)
    ]
    for n, user in enumerate(people):
        af.AttendanceFactory(
            activity=activity, committee=committee, member=user.member, status="present" if n < 3 else "invited"
        )
    return activity, people


def resolution(api, users, activity, **kw):
    body = {"activity": activity.pk, "title": "通过政协工作报告的决议", "kind": "resolution", "method": "named", **kw}
    r = api(users["office"]).post("/api/v1/votes/", body, format="json")
    assert r.status_code == 201, r.json()
    return r.json()


def test_a_named_resolution_from_draft_to_result(api, users, hall, django_capture_on_commit_callbacks):
    activity, people = hall
    office = api(users["office"])
    vote = resolution(api, users, activity, threshold="majority_of_present")
    assert vote["status"] == "draft" and sorted(vote["electorate"]) == sorted(p.member_id for p in people)
    url = f"/api/v1/votes/{vote['id']}"
    assert api(people[0]).post(f"{url}/ballot/", {"choice": "yes"}, format="json").status_code == 409
    assert office.post(f"{url}/close/").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        assert office.post(f"{url}/open/").status_code == 200
    assert office.post(f"{url}/open/").status_code == 409
    # The present electorate is told, nobody else.
    told = set(Notification.objects.filter(kind="vote_opened").values_list("user_id", flat=True))
    assert told == {p.pk for p in people[:3]}
    assert office.patch(f"{url}/", {"title": "改"}, format="json").status_code == 409
    for user, choice in zip(people[:3], ["yes", "yes", "no"], strict=True):
        assert api(user).post(f"{url}/ballot/", {"choice": choice}, format="json").status_code == 204
    again = api(people[0]).post(f"{url}/ballot/", {"choice": "no"}, format="json")
    assert again.status_code == 409
    not_signed_in = api(people[3]).post(f"{url}/ballot/", {"choice": "yes"}, format="json")
    assert not_signed_in.status_code == 403
    running = office.get(f"{url}/result/").json()
    assert (running["cast"], running["present"], running["electorate"], running["counts"]) == (3, 3, 5, None)
    assert office.post(f"{url}/close/").status_code == 200
    result = office.get(f"{url}/result/").json()
    assert result["counts"] == {"yes": 2, "no": 1, "abstain": 0} and result["adopted"] is True
    ballots = {b["member"]: b["choice"] for b in api(users["auditor"]).get(f"{url}/ballots/").json()}
    assert ballots == {people[0].member_id: "yes", people[1].member_id: "yes", people[2].member_id: "no"}
    assert api(people[1]).post(f"{url}/ballot/", {"choice": "yes"}, format="json").status_code == 409


def test_thresholds_count_the_electorate_or_those_present(api, users, hall):
    activity, people = hall
    office = api(users["office"])
    vote = resolution(api, users, activity)  # majority of the electorate: 5 → 3 needed
    url = f"/api/v1/votes/{vote['id']}"
    office.post(f"{url}/open/")
    for user, choice in zip(people[:3], ["yes", "yes", "abstain"], strict=True):
        api(user).post(f"{url}/ballot/", {"choice": choice}, format="json")
    office.post(f"{url}/close/")
    assert office.get(f"{url}/result/").json()["adopted"] is False  # 2 of 5 is not a majority of the electorate


def test_a_secret_election_keeps_no_link_between_voter_and_ballot(api, users, hall):
    activity, people = hall
    office = api(users["office"])
    r = office.post(
        "/api/v1/votes/",
        {
            "activity": activity.pk,
            "title": "补选常务委员",
            "kind": "election",
            "method": "secret",
            "threshold": "majority_of_present",
            "options": ["甲", "乙", "丙"],
            "max_choices": 2,
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    vote = r.json()
    assert vote["options"] == [{"id": 1, "label": "甲"}, {"id": 2, "label": "乙"}, {"id": 3, "label": "丙"}]
    url = f"/api/v1/votes/{vote['id']}"
    office.post(f"{url}/open/")
    assert api(people[0]).post(f"{url}/ballot/", {"choices": [1, 2, 3]}, format="json").status_code == 400
    assert api(people[0]).post(f"{url}/ballot/", {"choices": [9]}, format="json").status_code == 400
    assert api(people[0]).post(f"{url}/ballot/", {"choice": "yes"}, format="json").status_code == 400
    assert not VoteTurnout.objects.exists()
    for user, picked in zip(people[:3], [[1, 2], [1, 3], [1]], strict=True):
        assert api(user).post(f"{url}/ballot/", {"choices": picked}, format="json").status_code == 204
    office.post(f"{url}/close/")
    result = office.get(f"{url}/result/").json()
    # 甲 3 of 3 present; 乙 and 丙 1 each (not a majority of those present).
    assert result["counts"] == {"1": 3, "2": 1, "3": 1} and result["elected"] == [1]
    for role in ("office", "auditor", "leader", "member"):
        shown = api(users[role]).get(f"{url}/ballots/")
        assert shown.status_code == 200 and all(set(row) == {"member"} for row in shown.json())
    assert sorted(r["member"] for r in office.get(f"{url}/ballots/").json()) == sorted(p.member_id for p in people[:3])
    stored = list(Ballot.objects.filter(vote_id=vote["id"]).values())
    assert len(stored) == 3 and all(row["member_id"] is None for row in stored)
    assert not any(isinstance(v, type(timezone.now())) for row in stored for v in row.values())


def test_an_election_tie_at_the_last_seat_elects_neither(api, users, hall):
    activity, people = hall
    office = api(users["office"])
    vote = office.post(
        "/api/v1/votes/",
        {
            "activity": activity.pk,
            "title": "选举",
            "kind": "election",
            "method": "secret",
            "threshold": "majority_of_present",
            "options": ["甲", "乙", "丙"],
            "max_choices": 1,
        },
        format="json",
    ).json()
    url = f"/api/v1/votes/{vote['id']}"
    office.post(f"{url}/open/")
    for user in people[:3]:
        api(user).post(f"{url}/ballot/", {"choices": [1, 2][: 1 if user is people[2] else 2]}, format="json")
    office.post(f"{url}/close/")
    assert office.get(f"{url}/result/").json()["elected"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "election", "options": ["甲"], "max_choices": 2},
        {"kind": "election", "options": [], "max_choices": 1},
        {"kind": "election", "options": ["甲", "甲"], "max_choices": 1},
        {"kind": "resolution", "options": ["甲"]},
        {"kind": "referendum"},
        {"threshold": "unanimous"},
    ],
)
def test_bad_votes_are_refused_with_nothing_saved(api, users, hall, body):
    activity, _ = hall
    r = api(users["office"]).post(
        "/api/v1/votes/", {"activity": activity.pk, "title": "表决", "kind": "resolution", **body}, format="json"
    )
    assert r.status_code == 400, r.json()
    assert not Vote.objects.exists()


def test_only_staff_run_votes_and_only_the_electorate_votes(api, users, hall, other_committee, make_user):
    activity, people = hall
    assert (
        api(users["member"]).post("/api/v1/votes/", {"activity": activity.pk, "title": "x"}, format="json").status_code
        == 403
    )
    vote = resolution(api, users, activity, electorate=[people[1].member_id])
    url = f"/api/v1/votes/{vote['id']}"
    assert api(users["member"]).post(f"{url}/open/").status_code == 403
    api(users["office"]).post(f"{url}/open/")
    assert api(people[0]).post(f"{url}/ballot/", {"choice": "yes"}, format="json").status_code == 403
    stranger = make_user("member", other_committee)
    assert api(stranger).post(f"{url}/ballot/", {"choice": "yes"}, format="json").status_code == 404
    assert api(people[1]).post(f"{url}/ballot/", {"choice": "yes"}, format="json").status_code == 204


def test_voting_on_the_phone_page_and_the_hall_screen(users, hall):
    activity, people = hall
    office = Client()
    office.force_login(users["office"])
    r = office.post(
        f"/activities/{activity.pk}/votes/new/",
        {"title": "通过决议", "kind": "resolution", "method": "named", "threshold": "majority_of_present"},
    )
    vote = Vote.objects.get()
    assert r.status_code == 302 and vote.electorate.count() == 5
    office.post(f"/activities/votes/{vote.pk}/", {"step": "open"})
    phone = Client()
    phone.force_login(people[0])
    page = phone.get(f"/activities/votes/{vote.pk}/")
    assert "赞成" in page.text and "反对" in page.text
    phone.post(f"/activities/votes/{vote.pk}/", {"choice": "yes"})
    assert "您已投票" in phone.get(f"/activities/votes/{vote.pk}/").text
    screen = office.get(f"/activities/votes/{vote.pk}/", headers={"HX-Request": "true"})
    assert "data-cast>1<" in screen.text and "<html" not in screen.text
    office.post(f"/activities/votes/{vote.pk}/", {"step": "close"})
    assert "通过" in office.get(f"/activities/votes/{vote.pk}/").text
    # A member cannot open or close a vote from the page.
    phone.post(f"/activities/votes/{vote.pk}/", {"step": "open"})
    assert Vote.objects.get().status == "closed"


def test_nothing_stored_or_logged_traces_a_secret_ballot_to_its_voter(api, users, hall, caplog):
    """Reads every place a trace could be: the ballot and turnout tables, the audit log, history and the logs."""
    from django.apps import apps

    from luzhi.core.models import AuditEntry

    activity, people = hall
    office = api(users["office"])
    vote = office.post(
        "/api/v1/votes/",
        {
            "activity": activity.pk,
            "title": "无记名选举",
            "kind": "election",
            "method": "secret",
            "threshold": "majority_of_present",
            "options": ["甲", "乙", "丙"],
            "max_choices": 1,
        },
        format="json",
    ).json()
    office.post(f"/api/v1/votes/{vote['id']}/open/")
    picks = {people[0]: [1], people[1]: [2], people[2]: [3]}  # every choice distinct: any link would show
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with caplog.at_level("DEBUG"):
        for user, picked in picks.items():
            assert (
                api(user).post(f"/api/v1/votes/{vote['id']}/ballot/", {"choices": picked}, format="json").status_code
                == 204
            )
    ballots = list(Ballot.objects.filter(vote_id=vote["id"]).values())
    assert {tuple(b["choices"]) for b in ballots} == {(1,), (2,), (3,)}
    # No voter, no time on a ballot; its key is random.
    assert all(
        b["member_id"] is None and set(b) == {"id", "vote_id", "member_id", "choice", "choices"} for b in ballots
    )
    # Turnout names the voters and nothing of their choice.
    assert {f.name for f in VoteTurnout._meta.concrete_fields} == {"id", "vote", "member", "at"}
    # The audit says who voted, never what.
    rows = AuditEntry.objects.filter(model="activities.voteturnout", object_id=str(vote["id"]))
    assert sorted(rows.values_list("username", flat=True)) == sorted(u.username for u in picks)
    written = AuditEntry.objects.filter(id__gt=before)
    assert written.count() == 3
    for row in written:
        assert row.changes == {} and not any(label in row.object_repr for label in "甲乙丙")
    # No history model keeps ballots, and the logs never carry a ballot's body.
    assert not any(m.__name__.startswith("HistoricalBallot") for m in apps.get_models())
    assert all("choices" not in record.getMessage() for record in caplog.records)
