from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, UserProfile

User = get_user_model()


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [UserProfileInline]
    list_display = ["username", "profile_name", "profile_site", "is_active", "last_login"]
    list_select_related = ["profile__site"]

    @admin.display(description=_("name"))
    def profile_name(self, obj):
        return getattr(getattr(obj, "profile", None), "display_name", "")

    @admin.display(description=_("site"))
    def profile_site(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.site if profile else ""


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for the auditor; the trail is append-only (no add, change or delete)."""

    list_display = ["at", "actor_name", "action", "object_repr", "site_code", "ip"]
    list_filter = ["action", "site_code"]
    search_fields = ["actor_name", "object_repr", "action"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from . import admin_monitoring  # noqa: E402,F401  (网站监测 dashboard, issue 6)
