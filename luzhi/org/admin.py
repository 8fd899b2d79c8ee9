"""Django admin for the organisation: every change is kept by simple_history and so audited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from luzhi.org.models import (
    Committee,
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Term,
    Unit,
)


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "parent", "region_code"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "committee", "position", "party", "status"]
    list_filter = ["committee", "position", "status"]
    search_fields = ["name"]
    list_select_related = ["committee"]


@admin.register(Liaison)
class LiaisonAdmin(SimpleHistoryAdmin):
    list_display = ["from_member", "to_member", "kind", "committee"]
    list_filter = ["kind"]
    list_select_related = ["from_member", "to_member", "committee"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "committee"]
    filter_horizontal = ["members"]


@admin.register(Term, Sector, SpecialCommittee, MemberGroup, Unit, Station)
class CommitteeThingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "committee"]
    list_filter = ["committee"]
    list_select_related = ["committee"]
