"""Django admin for accounts (the audit log is read through the API by the auditor, not here)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
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
    fieldsets = [
        *UserAdmin.fieldsets,
        ("履职", {"fields": ["role", "committee", "member", "unit", "special_committee"]}),
    ]
    raw_id_fields = ["member", "unit", "special_committee"]


@admin.register(SecuritySettings)
class SecuritySettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "session_idle_minutes"]
