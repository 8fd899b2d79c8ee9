"""The hall screen (大屏): current agenda item, sign-in count, vote turnout and result; its cache and controls."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from luzhi.activities import hall
from luzhi.activities.models import Activity, AgendaItem
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(committee, users, make_user):
    """A plenary under way: the member user and three more invited, two signed in, one on leave; three agenda items."""
    starts_at = timezone.now() - timedelta(minutes=30)
    activity = af.ActivityFactory(
        committee=committee, kind="plenary", title="第十届委员会第五次全体会议", starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
    )  # fmt: skip
    people = [users["member"]] + [
        make_user("member", committee, member=f.MemberFactory(committee=committee)) for _ in range(3)
    ]
    for user, status in zip(people, ["present", "present", "leave", "invited"], strict=True):
        af.AttendanceFactory(activity=activity, committee=committee, member=user.member, status=status)
    for order, title, presenter, first in [
        (1, "学习习近平总书记重要讲话精神", "主席", True),
        (2, "审议常务委员会工作报告", "副主席", False),
        (3, "审议提案工作情况报告", "秘书长", False),
    ]:
        AgendaItem.objects.create(
            committee=committee, activity=activity, order=order, title=title, presenter=presenter, first_topic=first
        )
    return activity, people


def screen(client, activity):
    cache.clear()  # the fragment lives a second; each look here wants the state now
    return client.get(f"/activities/{activity.pk}/screen/", headers={"HX-Request": "true"})


def test_the_screen_shows_the_meeting_the_count_and_no_item_yet(users, meeting):
    activity, _ = meeting
    office = Client()
    office.force_login(users["office"])
    page = office.get(f"/activities/{activity.pk}/screen/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "第十届委员会第五次全体会议" in html and 'hx-trigger="every 1s"' in html
    assert "vendor/htmx/htmx.min.js" in html and '<nav class="navbar' not in html  # full screen: no site menu
    assert "data-present>2<" in html and "data-invited>4<" in html and "请假 1" in html
    assert "data-item" not in html


def test_the_office_moves_the_current_item_and_the_screen_follows(users, meeting):
    activity, _ = meeting
    office = Client()
    office.force_login(users["office"])
    control = f"/activities/{activity.pk}/screen/control/"
    assert office.get(control).status_code == 200
    office.post(control, {"step": "next"})
    html = screen(office, activity).content.decode()
    assert "学习习近平总书记重要讲话精神" in html and "data-first-topic" in html and "第1项 / 共3项" in html
    office.post(control, {"step": "next"})
    html = screen(office, activity).content.decode()
    assert "审议常务委员会工作报告" in html and "副主席" in html and "data-first-topic" not in html
    office.post(control, {"step": "prev"})
    assert Activity.objects.get(pk=activity.pk).current_item.order == 1
    # Back from the first item: a message, nothing moves.
    response = office.post(control, {"step": "prev"}, follow=True)
    assert "已是第一项议程" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).current_item.order == 1
    third = activity.agenda.get(order=3)
    office.post(control, {"item": third.pk})
    response = office.post(control, {"step": "next"}, follow=True)
    assert "已是最后一项议程" in response.content.decode()
    office.post(control, {"item": ""})
    assert Activity.objects.get(pk=activity.pk).current_item is None
    # The strip on the activity page sends the office back there.
    back = office.post(control, {"step": "next", "next": f"/activities/{activity.pk}/#agenda"})
    assert back.status_code == 302 and back["Location"] == f"/activities/{activity.pk}/#agenda"


def test_a_bad_item_is_refused_with_a_message(users, meeting, activity_with):
    activity, _ = meeting
    other = activity_with([])
    foreign = AgendaItem.objects.create(committee=other.committee, activity=other, order=1, title="别的会")
    office = Client()
    office.force_login(users["office"])
    control = f"/activities/{activity.pk}/screen/control/"
    for value in (foreign.pk, "abc", 10**9):
        response = office.post(control, {"item": value}, follow=True)
        assert response.status_code == 200
        assert "该议程不属于本次会议" in response.content.decode() or "请选择议程" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).current_item is None


def test_the_screen_shows_an_open_vote_then_its_result(api, users, meeting):
    activity, people = meeting
    office = api(users["office"])
    vote = office.post(
        "/api/v1/votes/",
        {"activity": activity.pk, "title": "关于政协工作报告的决议", "kind": "resolution", "method": "secret"},
        format="json",
    ).json()
    browser = Client()
    browser.force_login(users["office"])
    assert "关于政协工作报告的决议" not in screen(browser, activity).content.decode()  # a draft is not shown
    office.post(f"/api/v1/votes/{vote['id']}/open/")
    api(people[0]).post(f"/api/v1/votes/{vote['id']}/ballot/", {"choice": "yes"}, format="json")
    html = screen(browser, activity).content.decode()
    assert 'data-vote="open"' in html and "表决中" in html and "data-cast>1<" in html and "实到 2（应到 4）" in html
    api(people[1]).post(f"/api/v1/votes/{vote['id']}/ballot/", {"choice": "yes"}, format="json")
    office.post(f"/api/v1/votes/{vote['id']}/close/")
    html = screen(browser, activity).content.decode()
    assert 'data-vote="closed"' in html and "赞成</span> <strong>2</strong>" in html
    assert "data-outcome>未通过<" in html  # 2 of an electorate of 4 is not more than half


def test_an_election_result_names_the_elected(api, users, meeting):
    activity, people = meeting
    office = api(users["office"])
    vote = office.post(
        "/api/v1/votes/",
        {
            "activity": activity.pk, "title": "增选常务委员", "kind": "election", "method": "secret",
            "options": ["张三", "李四"], "max_choices": 1, "threshold": "majority_of_present",
        },
        format="json",
    ).json()  # fmt: skip
    office.post(f"/api/v1/votes/{vote['id']}/open/")
    for user in people[:2]:
        api(user).post(f"/api/v1/votes/{vote['id']}/ballot/", {"choices": [1]}, format="json")
    office.post(f"/api/v1/votes/{vote['id']}/close/")
    browser = Client()
    browser.force_login(users["office"])
    assert "data-outcome>当选：张三<" in screen(browser, activity).content.decode()


def test_the_fragment_is_rendered_once_a_second_whoever_polls(users, meeting, django_assert_max_num_queries):
    activity, people = meeting
    office = Client()
    office.force_login(users["office"])
    first = screen(office, activity).content.decode()
    assert "data-present>2<" in first
    # A sign-in within the second is not shown yet: the cached fragment answers…
    activity.attendance.filter(member=people[3].member).update(status="present")
    with django_assert_max_num_queries(4):  # session, user, activity — no counting
        again = office.get(f"/activities/{activity.pk}/screen/", headers={"HX-Request": "true"})
    assert again.content.decode() == first
    # …and once the second is over, it is.
    cache.delete(hall._cache_key(activity.pk))
    later = office.get(f"/activities/{activity.pk}/screen/", headers={"HX-Request": "true"})
    assert "data-present>3<" in later.content.decode()
    assert hall.SCREEN_TTL + hall.POLL_SECONDS <= 2


def test_only_staff_managing_the_meeting_see_the_screen(users, meeting, committee, make_user, other_committee):
    activity, people = meeting
    staff = make_user("committee_staff", committee, special_committee=f.SpecialCommitteeFactory(committee=committee))
    for user, expected in [
        (people[0], 403),
        (users["leader"], 403),
        (staff, 403),
        (make_user("office", other_committee), 404),
    ]:
        client = Client()
        client.force_login(user)
        for url in (f"/activities/{activity.pk}/screen/", f"/activities/{activity.pk}/screen/control/"):
            assert client.get(url).status_code == expected, (user.role, url)
        assert client.post(f"/activities/{activity.pk}/screen/control/", {"step": "next"}).status_code == expected
    assert Activity.objects.get(pk=activity.pk).current_item is None
    assert Client().get(f"/activities/{activity.pk}/screen/").status_code == 302  # to the login page


def test_replacing_the_agenda_keeps_the_place_on_the_screen(api, users, meeting):
    activity, _ = meeting
    office = api(users["office"])
    second = activity.agenda.get(order=2)
    moved = office.post(f"/api/v1/activities/{activity.pk}/current-item/", {"item": second.pk}, format="json")
    assert moved.json() == {"item": second.pk, "order": 2, "title": "审议常务委员会工作报告"}
    agenda = [{"order": n, "title": f"议题{n}", "presenter": "", "minutes": None, "materials": []} for n in (1, 2)]
    assert office.put(f"/api/v1/activities/{activity.pk}/agenda/", agenda, format="json").status_code == 200
    shown = office.get(f"/api/v1/activities/{activity.pk}/current-item/").json()
    assert shown["order"] == 2 and shown["title"] == "议题2"
    agenda = agenda[:1]
    assert office.put(f"/api/v1/activities/{activity.pk}/agenda/", agenda, format="json").status_code == 200
    assert office.get(f"/api/v1/activities/{activity.pk}/current-item/").json() == {
        "item": None, "order": None, "title": None
    }  # fmt: skip


def test_current_item_api(api, users, meeting, activity_with, other_committee, make_user):
    activity, people = meeting
    url = f"/api/v1/activities/{activity.pk}/current-item/"
    office = api(users["office"])
    first = activity.agenda.get(order=1)
    assert office.post(url, {"item": first.pk}, format="json").status_code == 200
    assert Activity.objects.get(pk=activity.pk).current_item == first
    other = activity_with([])
    foreign = AgendaItem.objects.create(committee=other.committee, activity=other, order=1, title="别的会")
    for body in ({"item": foreign.pk}, {"item": "x"}, {}, {"item": 0}, [1]):
        response = office.post(url, body, format="json")
        assert response.status_code == 400, body
    assert office.post(url, {"item": None}, format="json").json()["item"] is None
    # Members read which item is on (their phones may show it); only staff move it.
    assert api(people[0]).get(url).status_code == 200
    assert api(people[0]).post(url, {"item": first.pk}, format="json").status_code == 403
    assert api(make_user("office", other_committee)).post(url, {"item": first.pk}, format="json").status_code == 404
    assert Activity.objects.get(pk=activity.pk).current_item is None
