"""Names that look like another, or like nothing: NFKC form, no invisible characters, usernames by look-alike."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from luzhi.accounts.models import User
from luzhi.core.text import clean_name, look_alike_keys
from luzhi.org.demo import demo_plan
from luzhi.org.models import Member, Unit
from tests import factories as f
from tests.activities.factories import ActivityFactory
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

ZWSP, ZWJ, RLO, BOM = "\u200b", "\u200d", "\u202e", "\ufeff"


@pytest.fixture
def page(client):
    def make(user):
        return verified_login(client, user)

    return make


@pytest.mark.parametrize("name", [ZWSP, f"张{ZWJ}三", f"{RLO}三张", f"张三{BOM}", "张\x07三", "张\u2028三"])
def test_a_member_name_with_an_invisible_or_control_character_is_400(committee, users, api, name):
    response = api(users["office"]).post("/api/v1/members/", {"name": name, "gender": "M"}, format="json")
    assert response.status_code == 400, response.content
    assert "不可见字符" in response.json()["name"][0]
    assert not Member.objects.exclude(name="").filter(name__contains=name.strip("张三")).exists()


def test_a_zero_width_joiner_cannot_slip_a_duplicate_past_the_check(committee, users, api):
    f.MemberFactory(committee=committee, name="张三", birth_date="1970-01-01")
    body = {"name": f"张{ZWJ}三", "gender": "M", "birth_date": "1970-01-01"}
    assert api(users["office"]).post("/api/v1/members/", body, format="json").status_code == 400
    assert Member.objects.filter(committee=committee, name__startswith="张").count() == 1


def test_names_are_stored_in_nfkc_form_so_the_duplicate_check_sees_full_width_letters(committee, users, api):
    office = api(users["office"])
    created = office.post("/api/v1/members/", {"name": "Ａｌｉｃｅ 王 ", "gender": "F"}, format="json")
    assert created.status_code == 201, created.content
    assert Member.objects.get(pk=created.json()["id"]).name == "Alice 王"
    unit = office.post("/api/v1/units/", {"name": "县教育局"}, format="json")
    assert unit.status_code == 201, unit.content
    again = office.post("/api/v1/units/", {"name": "县教育局\u3000"}, format="json")  # ideographic space
    assert again.status_code == 400
    assert Unit.objects.filter(committee=committee, name__startswith="县教育局").count() == 1


def test_organisation_and_guest_names_refuse_invisible_characters_too(committee, users, api):
    office = api(users["office"])
    assert office.post("/api/v1/units/", {"name": f"县{ZWSP}教育局"}, format="json").status_code == 400
    assert office.post("/api/v1/sectors/", {"name": f"{RLO}界济经"}, format="json").status_code == 400
    activity = ActivityFactory(committee=committee)
    body = {"activity": activity.pk, "name": f"张{ZWJ}局长", "organisation": "县卫健局", "role": "department"}
    assert office.post("/api/v1/activity-guests/", body, format="json").status_code == 400
    body = {**body, "name": "张局长", "organisation": f"县{ZWSP}卫健局"}
    assert office.post("/api/v1/activity-guests/", body, format="json").status_code == 400


def test_the_member_page_shows_the_reason_in_chinese(users, page):
    data = {"name": ZWSP, "gender": "F", "ethnicity": "汉族", "party": "cdl", "position": "member", "status": "active"}
    response = page(users["office"]).post("/org/members/new/", data)
    assert response.status_code == 200
    assert "不可见字符" in response.content.decode()
    assert not Member.objects.filter(name__contains=ZWSP).exists()


def test_the_roster_import_refuses_a_name_with_an_invisible_character(committee, users, page):
    wb = Workbook()
    wb.active.append(["姓名*", "性别*"])
    wb.active.append(["好人", "男"])
    wb.active.append([f"李{ZWSP}四", "女"])
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("roster.xlsx", out.getvalue())
    response = page(users["office"]).post("/org/members/import/", {"file": upload}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "没有保存任何委员" in html and "第 3 行" in html and "不可见字符" in html
    assert not Member.objects.filter(name__in=["好人", f"李{ZWSP}四"]).exists()


def test_clean_name_keeps_ordinary_chinese_and_latin_names():
    assert clean_name(" 欧阳 娜娜 ") == "欧阳 娜娜"
    assert clean_name("阿依古丽·买买提") == "阿依古丽·买买提"
    assert clean_name("𠮷田") == "𠮷田"  # a character outside the BMP is no surrogate pair in Python


@pytest.mark.parametrize("username", ["Office", "OFFICE", "оffice", "0ffice", "ｏｆｆｉｃｅ"])
def test_a_username_that_reads_like_an_existing_one_is_refused(committee, users, make_user, api, username):
    make_user("office", committee, username="office")
    body = {"username": username, "password": "Long#enough1", "role": "office"}
    response = api(users["sysadmin"]).post("/api/v1/users/", body, format="json")
    assert response.status_code == 400, response.content
    assert "office" in response.json()["username"][0]
    assert not User.objects.filter(username=username).exists()


def test_a_username_with_a_zero_width_character_is_refused(users, api):
    body = {"username": f"off{ZWSP}ice", "password": "Long#enough1", "role": "office"}
    assert api(users["sysadmin"]).post("/api/v1/users/", body, format="json").status_code == 400


def test_the_account_page_refuses_a_look_alike_username(committee, users, make_user, page):
    make_user("office", committee, username="office")
    data = {"username": "Оffice", "password": "Long#enough1", "role": "office", "is_active": "on"}
    response = page(users["sysadmin"]).post("/accounts/users/new/", data)
    assert response.status_code == 200
    assert "过于相似" in response.content.decode()
    assert not User.objects.filter(username="Оffice").exists()


def test_the_database_refuses_a_username_differing_only_in_case(committee, make_user):
    from django.db import IntegrityError, transaction

    make_user("office", committee, username="office")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("office", committee, username="Office")


def test_an_account_keeps_its_own_username_on_update_and_distinct_names_pass(committee, users, api):
    sysadmin = api(users["sysadmin"])
    response = sysadmin.patch(f"/api/v1/users/{users['office'].pk}/", {"is_active": True}, format="json")
    assert response.status_code == 200, response.content
    body = {"username": "张办公室", "password": "Long#enough1", "role": "office"}
    assert sysadmin.post("/api/v1/users/", body, format="json").status_code == 201


def test_the_demo_usernames_are_not_look_alikes_of_each_other():
    usernames = [spec.username for spec in demo_plan().users]
    keys = [look_alike_keys(name) for name in usernames]
    clashes = [(a, b) for i, a in enumerate(usernames) for j, b in enumerate(usernames) if i < j and keys[i] & keys[j]]
    assert usernames and clashes == []


def test_renaming_an_account_to_a_look_alike_is_refused_but_old_look_alikes_stay_editable(committee, users, api):
    from tests.factories import UserFactory

    UserFactory(role="office", committee=committee, username="office")
    legacy = UserFactory(role="office", committee=committee, username="оffice")  # Cyrillic о, made before the rule
    sysadmin = api(users["sysadmin"])
    renamed = sysadmin.patch(f"/api/v1/users/{users['office'].pk}/", {"username": "OFFICE"}, format="json")
    assert renamed.status_code == 400 and "username" in renamed.json()
    assert sysadmin.patch(f"/api/v1/users/{legacy.pk}/", {"is_active": False}, format="json").status_code == 200
