"""Django admin for accounts (the audit log is read through the API by the auditor, not here)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from luzhi.accounts.models import SecuritySettings, User

# knox registers its own token model, which Luzhi swaps for DeviceToken: that admin page would show an unused table.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(User)
class LuzhiUserAdmin(SimpleHistoryAdmin, UserAdmin):
    list_display = ["username", "role", "committee", "is_active", "last_login"]
    list_filter = ["role", "is_active", "committee"]
    list_select_related = ["committee"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),  # Django's are set
        ("履职", {"fields": ["role", "committee", "member", "unit", "special_committee"]}),
    ]
    raw_id_fields = ["member", "unit", "special_committee"]

    # Accounts are kept on the users page (ordinary ones, audited) and by `manage.py admin_account`
    # (the three administrators): here they are only shown, so 三员分立 has no back door.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


@admin.register(SecuritySettings)
class SecuritySettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "session_idle_minutes"]
