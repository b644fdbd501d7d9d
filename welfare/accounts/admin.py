from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .forms import UserAdminChangeForm, UserAdminCreationForm
from .models import User
from .permissions import Role


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    """Users are kept by admins: roles and areas, password resets, deactivation, unlocking."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ["username", "get_full_name", "role", "province", "is_active", "last_login"]
    list_filter = ["role", "is_active", "province"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["communes", "groups", "user_permissions"]
    autocomplete_fields = ["province"]
    actions = ["deactivate", "activate", "unlock"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email")}),
        (_("Role and areas"), {"fields": ("role", "province", "communes")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser"), "classes": ("collapse",)},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Role and areas"), {"fields": ("role", "province", "communes")}),
    )

    def save_model(self, request, obj, form, change):
        if obj.role == Role.ADMIN:
            obj.is_staff = obj.is_superuser = True
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate(self, request, queryset):
        # An admin never locks themself out by selecting their own row.
        count = self._set_active(queryset.exclude(pk=request.user.pk), active=False)
        message = ngettext("%(n)d user deactivated.", "%(n)d users deactivated.", count)
        self.message_user(request, message % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Activate the selected users"))
    def activate(self, request, queryset):
        count = self._set_active(queryset, active=True)
        message = ngettext("%(n)d user activated.", "%(n)d users activated.", count)
        self.message_user(request, message % {"n": count}, messages.SUCCESS)

    @staticmethod
    def _set_active(queryset, *, active: bool) -> int:
        """Saved one by one so each change lands in the user's history."""
        users = list(queryset.exclude(is_active=active))
        for user in users:
            user.is_active = active
            user.save(update_fields=["is_active"])
        return len(users)

    @admin.action(description=_("Unlock the login of the selected users"))
    def unlock(self, request, queryset):
        for username in queryset.values_list("username", flat=True):
            axes_reset(username=username)
        self.message_user(request, _("The selected users can log in again."), messages.SUCCESS)
