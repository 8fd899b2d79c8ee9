"""Who may do what: every endpoint of the foundation against every role, from one table.

Each line is one request; the columns are the status each caller gets. The policy behind it
lives in org/permissions.py and accounts/permissions.py: the office writes the organisation,
insiders (office, committee staff, leaders, members) read it, the sysadmin reads it and keeps
the accounts, the secadmin keeps only security settings and lockouts, the auditor only reads
the audit log, a handling unit sees only its own committee and its own unit. A superuser acts
as sysadmin and office. Anonymous callers get 401 (405 where no one may use the method).
"""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db import transaction

from luzhi.core.models import AuditEntry
from luzhi.core.roles import Role
from luzhi.org.models import Committee
from tests import factories as f
from tests.api.conftest import build_org, read_xlsx, xlsx_file

pytestmark = pytest.mark.django_db

CALLERS = [
    "sysadmin",
    "secadmin",
    "auditor",
    "office",
    "committee_staff",
    "leader",
    "member",
    "unit",
    "superuser",
    "anonymous",
]

# {name} in a path is an id from the `ids` fixture; the body column names a builder in BODIES.
MATRIX = """
method path                                    body           sys sec aud off stf ldr mem unt su  anon
GET    me/                                     -              200 200 200 200 200 200 200 200 200 401
POST   auth/token/                             credentials    403 403 403 200 200 200 200 200 403 400
GET    auth/devices/                           -              200 200 200 200 200 200 200 200 200 401
POST   auth/logout/                            -              400 400 400 400 400 400 400 400 400 401
GET    office-grants/                          -              403 200 403 403 403 403 403 403 403 401
GET    security-settings/                      -              403 200 403 403 403 403 403 403 403 401
PUT    security-settings/                      settings       403 200 403 403 403 403 403 403 403 401
GET    lockouts/                               -              403 200 403 403 403 403 403 403 403 401
POST   lockouts/{attempt}/unlock/              -              403 200 403 403 403 403 403 403 403 401
GET    audit/                                  -              403 403 200 403 403 403 403 403 403 401
GET    audit/{audit_entry}/                    -              403 403 200 403 403 403 403 403 403 401
POST   audit/                                  -              403 403 403 403 403 403 403 403 403 401
GET    users/                                  -              200 403 403 403 403 403 403 403 200 401
GET    users/{office_user}/                    -              200 403 403 403 403 403 403 403 200 401
POST   users/                                  user           201 403 403 403 403 403 403 403 201 401
PATCH  users/{office_user}/                    rename_user    200 403 403 403 403 403 403 403 200 401
PUT    users/{unit_user}/                      put_unit_user  200 403 403 403 403 403 403 403 200 401
DELETE users/{office_user}/                    -              405 405 405 405 405 405 405 405 405 405
GET    users/{office_user}/history/            -              200 403 403 403 403 403 403 403 200 401
POST   users/{office_user}/restore/            restore:user   200 403 403 403 403 403 403 403 200 401
GET    committees/                             -              200 403 403 200 200 200 200 200 200 401
GET    committees/{committee}/                 -              200 403 403 200 200 200 200 200 200 401
GET    committees/{parent}/                    -              200 403 403 200 200 200 200 404 200 401
GET    committees/{sibling}/                   -              404 403 403 404 404 404 404 404 200 401
POST   committees/                             committee      400 403 403 403 403 403 403 403 201 401
PATCH  committees/{committee}/                 rename         200 403 403 403 403 403 403 403 200 401
PATCH  committees/{parent}/                    rename         403 403 403 403 403 403 403 403 200 401
DELETE committees/{committee}/                 -              409 403 403 403 403 403 403 403 409 401
DELETE committees/{sibling}/                   -              404 403 403 403 403 403 403 403 204 401
GET    committees/{committee}/history/         -              200 403 403 200 200 200 200 200 200 401
POST   committees/{committee}/restore/         restore:com    200 403 403 403 403 403 403 403 200 401
GET    members/                                -              200 403 403 200 200 200 200 403 200 401
GET    members/?format=xlsx                    -              200 403 403 200 200 200 200 403 200 401
GET    members/{member}/                       -              200 403 403 200 200 200 200 403 200 401
POST   members/                                member         403 403 403 201 403 403 403 403 201 401
PATCH  members/{member}/                       workplace      403 403 403 200 403 403 403 403 200 401
PUT    members/{member}/                       member         403 403 403 200 403 403 403 403 200 401
DELETE members/{member}/                       -              405 405 405 405 405 405 405 405 405 405
GET    members/{member}/history/               -              200 403 403 200 200 200 200 403 200 401
POST   members/{member}/restore/               restore:member 403 403 403 200 403 403 403 403 200 401
POST   members/import/                         import         403 403 403 201 403 403 403 403 201 401
GET    members/import-template/?committee={committee}  -      403 403 403 200 403 403 403 403 200 401
GET    liaisons/                               -              403 403 403 200 200 200 200 403 200 401
GET    liaisons/{liaison}/                     -              403 403 403 200 200 200 200 403 200 401
POST   liaisons/                               liaison        403 403 403 201 403 403 403 403 201 401
PATCH  liaisons/{liaison}/                     liaison        403 403 403 200 403 403 403 403 200 401
DELETE liaisons/{liaison}/                     -              403 403 403 204 403 403 403 403 204 401
GET    liaisons/{liaison}/history/             -              403 403 403 200 200 200 200 403 200 401
POST   liaisons/{liaison}/restore/             restore:liaison 403 403 403 200 403 403 403 403 200 401
GET    liaisons/coverage/?kind=party_to_nonparty  -           403 403 403 200 200 200 200 403 200 401
GET    party-organizations/                    -              403 403 403 200 200 200 200 403 200 401
GET    party-organizations/{party_org}/        -              403 403 403 200 200 200 200 403 200 401
POST   party-organizations/                    party_org      403 403 403 201 403 403 403 403 201 401
PATCH  party-organizations/{party_org}/        rename         403 403 403 200 403 403 403 403 200 401
DELETE party-organizations/{party_org}/        -              403 403 403 204 403 403 403 403 204 401
GET    party-organizations/{party_org}/history/  -            403 403 403 200 200 200 200 403 200 401
POST   party-organizations/{party_org}/restore/  restore:party_org 403 403 403 200 403 403 403 403 200 401
GET    units/                                  -              200 403 403 200 200 200 200 200 200 401
GET    units/{own_unit}/                       -              200 403 403 200 200 200 200 200 200 401
GET    units/{unit}/                           -              200 403 403 200 200 200 200 404 200 401
POST   units/                                  named          403 403 403 201 403 403 403 403 201 401
PATCH  units/{own_unit}/                       rename         403 403 403 200 403 403 403 403 200 401
DELETE units/{unit}/                           -              403 403 403 204 403 403 403 403 204 401
GET    units/{own_unit}/history/               -              200 403 403 200 200 200 200 200 200 401
POST   units/{own_unit}/restore/               restore:unit   403 403 403 200 403 403 403 403 200 401
"""

# The reference lists share one policy: insiders and the sysadmin read, the office writes.
REFERENCE = """
GET    {r}/                                    -              200 403 403 200 200 200 200 403 200 401
GET    {r}/{{{k}}}/                            -              200 403 403 200 200 200 200 403 200 401
POST   {r}/                                    {body}         403 403 403 201 403 403 403 403 201 401
PATCH  {r}/{{{k}}}/                            {body}         403 403 403 200 403 403 403 403 200 401
DELETE {r}/{{spare_{k}}}/                      -              403 403 403 204 403 403 403 403 204 401
GET    {r}/{{{k}}}/history/                    -              200 403 403 200 200 200 200 403 200 401
POST   {r}/{{{k}}}/restore/                    restore:{k}    403 403 403 200 403 403 403 403 200 401
"""
for _resource, _key, _body in [
    ("terms", "term", "term"),
    ("sectors", "sector", "named"),
    ("special-committees", "special_committee", "named"),
    ("member-groups", "group", "named"),
    ("stations", "station", "station"),
]:
    MATRIX += REFERENCE.format(r=_resource, k=_key, body=_body)


def _rows() -> list[Any]:
    rows = []
    for line in MATRIX.strip().splitlines():
        if not line.strip() or line.startswith("method"):
            continue
        method, path, body, *codes = line.split()
        assert len(codes) == len(CALLERS), line
        rows.append(
            pytest.param(method, path, body, dict(zip(CALLERS, map(int, codes), strict=True)), id=f"{method} {path}")
        )
    return rows


@pytest.fixture
def world(committee, other_committee, users, superuser):
    """Committee A with one row of everything (and spares to delete); a sibling county beside it."""
    org = build_org(committee)
    spares = {
        "term": f.TermFactory(committee=committee),
        "sector": f.SectorFactory(committee=committee),
        "special_committee": f.SpecialCommitteeFactory(committee=committee),
        "group": f.MemberGroupFactory(committee=committee),
        "station": f.StationFactory(committee=committee),
    }
    sibling = f.CommitteeFactory(name="空县政协", level=Committee.Level.COUNTY, parent=committee.parent)
    attempt = AccessAttempt.objects.create(
        username=users["member"].username,
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=3,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    users["office"].save()  # leaves an audit entry in A
    ids = {
        "committee": committee.pk,
        "parent": committee.parent_id,
        "sibling": sibling.pk,
        "member": org.member.pk,
        "liaison": org.liaison.pk,
        "party_org": org.party_org.pk,
        "unit": org.unit.pk,
        "own_unit": users["unit"].unit_id,
        "term": org.term.pk,
        "sector": org.sector.pk,
        "special_committee": org.special_committee.pk,
        "group": org.group.pk,
        "station": org.station.pk,
        "office_user": users["office"].pk,
        "unit_user": users["unit"].pk,
        "attempt": attempt.pk,
        "audit_entry": AuditEntry.objects.filter(committee_id=committee.pk).first().pk,
        **{f"spare_{k}": v.pk for k, v in spares.items()},
    }
    return {"org": org, "ids": ids, "users": {**users, "superuser": superuser, "anonymous": None}}


def _history_id(model_label: str, pk: int) -> int:
    from django.apps import apps

    return apps.get_model(model_label).history.filter(id=pk).order_by("history_id").first().history_id


RESTORE_MODELS = {
    "user": ("accounts.User", "office_user"),
    "com": ("org.Committee", "committee"),
    "member": ("org.Member", "member"),
    "liaison": ("org.Liaison", "liaison"),
    "party_org": ("org.PartyOrganization", "party_org"),
    "unit": ("org.Unit", "own_unit"),
    "term": ("org.Term", "term"),
    "sector": ("org.Sector", "sector"),
    "special_committee": ("org.SpecialCommittee", "special_committee"),
    "group": ("org.MemberGroup", "group"),
    "station": ("org.Station", "station"),
}


def _body(name: str, world: dict, caller: str) -> tuple[Any, str]:
    """The request body named in the table, and its format."""
    org, ids = world["org"], world["ids"]
    committee = ids["committee"]
    if name.startswith("restore:"):
        label, key = RESTORE_MODELS[name.split(":")[1]]
        return {"history_id": _history_id(label, ids[key])}, "json"
    if name == "import":
        template = read_xlsx(world["template"])
        upload = xlsx_file([template[0], ["李四", "女", "汉族", "1980-01-02", "民盟", "委员"]])
        return {"file": upload, "committee": committee}, "multipart"
    user = world["users"][caller]
    bodies: dict[str, Any] = {
        "-": None,
        "credentials": {
            "username": getattr(user, "username", "nobody"),
            "password": f.PASSWORD if user is not None else "wrong",
        },
        "settings": {"session_idle_minutes": 20},
        "user": {
            "username": "newclerk",
            "password": "Clerk#2026ok",
            "role": "office",
            "committee": committee,
        },
        "rename_user": {"username": "renamed"},
        "put_unit_user": {
            "username": "unit-renamed",
            "role": "unit",
            "unit": ids["own_unit"],
            "committee": committee,
        },
        "committee": {"name": "新设县政协", "level": "county", "parent": ids["parent"]},
        "rename": {"name": "改过的名称"},
        "member": {
            "name": "新委员",
            "gender": "F",
            "party": "cdl",
            "sector": ids["sector"],
            "committee": committee,
        },
        "workplace": {"workplace": "县医院"},
        "liaison": {
            "kind": "standing_to_member",
            "from_member": org.cpc_member.pk,
            "to_member": org.member.pk,
            "committee": committee,
        },
        "party_org": {
            "kind": "branch",
            "name": "新支部",
            "members": [org.cpc_member.pk],
            "committee": committee,
        },
        "named": {"name": "新名称", "committee": committee},
        "term": {"number": 99, "start": "2026-01-01", "end": "2031-01-01", "committee": committee},
        "station": {"name": "新工作站", "kind": "studio", "location": "城关镇", "committee": committee},
    }
    return bodies[name], "json"


@pytest.mark.parametrize(("method", "path", "body", "expected"), _rows())
def test_role_matrix(world, api, method, path, body, expected):
    world["template"] = api(world["users"]["office"]).get("/api/v1/members/import-template/").content
    url = "/api/v1/" + path.format(**world["ids"])
    actual = {}
    for caller in CALLERS:
        with transaction.atomic():
            data, fmt = _body(body, world, caller)
            client = api(world["users"][caller])
            response = client.get(url) if method == "GET" else getattr(client, method.lower())(url, data, format=fmt)
            actual[caller] = response.status_code
            assert response.status_code != 500
            transaction.set_rollback(True)
    assert actual == expected


def test_the_table_covers_every_role():
    assert set(CALLERS) == {r.value for r in Role} | {"superuser", "anonymous"}
