"""Organisation reads at the size of a large county committee (600 members)."""

import io
from collections.abc import Callable
from typing import Any

from django.test import Client

MEMBERS = 600


def _grow_roster(committee: Any) -> None:
    from luzhi.org.models import Member

    have = Member.objects.filter(committee=committee).count()
    Member.objects.bulk_create(
        Member(committee=committee, name=f"测试委员{i}", gender="F" if i % 3 else "M", phone=f"139{i:08d}")
        for i in range(MEMBERS - have)
    )


def run(timed: Callable[..., dict[str, float]]) -> dict[str, dict[str, float]]:
    from django.core.management import call_command

    from luzhi.accounts.models import User
    from luzhi.org.models import Committee

    call_command("demo_data", verbosity=0, stdout=io.StringIO())
    county = Committee.objects.get(name="示例县政协")
    _grow_roster(county)
    client = Client()
    client.force_login(User.objects.get(username="office"))
    return {
        "roster page /org/members/": timed(client, "/org/members/", 50),
        "roster page, filtered and searched": timed(client, "/org/members/?position=member&q=王", 50),
        "API /api/v1/members/?page_size=200": timed(client, "/api/v1/members/?page_size=200", 50),
        "API members export ?format=xlsx (600 rows)": timed(client, "/api/v1/members/?format=xlsx", 10),
        "API liaison coverage": timed(client, "/api/v1/liaisons/coverage/?kind=standing_to_member", 50),
    }
