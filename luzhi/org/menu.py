"""The organisation's entries in the menu."""

from luzhi.core.menu import Section
from luzhi.org import permissions as org


def sections() -> list[Section]:
    return [
        (
            "委员",
            [
                ("委员名册", "org:member-list", "people", org.MEMBERS, "read"),
                ("导入名册", "org:member-import", "upload", org.MEMBERS, "write"),
                ("联系制度", "org:liaison-list", "diagram-3", org.LIAISONS, "read"),
                ("党组织", "org:party-list", "flag", org.PARTY_ORGS, "read"),
            ],
        ),
        (
            "组织",
            [
                ("本政协", "org:committee", "building", org.COMMITTEES, "read"),
                ("届次", "org:terms-list", "calendar3", org.REFERENCE, "read"),
                ("界别", "org:sectors-list", "grid", org.REFERENCE, "read"),
                ("专门委员会", "org:special-committees-list", "collection", org.REFERENCE, "read"),
                ("委员小组", "org:member-groups-list", "people-fill", org.REFERENCE, "read"),
                ("承办单位", "org:units-list", "bank", org.UNITS, "read"),
                ("一站两室", "org:stations-list", "house-door", org.REFERENCE, "read"),
            ],
        ),
    ]
