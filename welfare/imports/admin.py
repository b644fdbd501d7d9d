from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Past imports, read only: an import is undone from its page, never edited."""

    list_display = ["created_at", "kind", "file_name", "user", "source", "status", "rows", "added",
                    "updated", "problem_count"]
    list_filter = ["kind", "status", "source"]
    search_fields = ["file_name", "user__username"]
    date_hierarchy = "created_at"
    exclude = ["problems"]

    def get_queryset(self, request):
        from .selectors import import_list

        return import_list(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
