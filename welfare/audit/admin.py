"""The access log in the admin: to read and search, never to add, change or delete, even for
superusers (the log is append-only, models.py)."""

from django.contrib import admin

from welfare.accounts.scoping import scope

from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "what", "rows", "ip")
    list_filter = ("action", "at", "province")
    search_fields = ("username", "what", "path", "ip")
    date_hierarchy = "at"
    list_select_related = ("province",)
    readonly_fields = [field.name for field in AccessEvent._meta.fields]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
