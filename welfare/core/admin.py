from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """What users ran in the background; the state itself is under Celery results."""

    list_display = ["created_at", "user", "kind", "label", "task_id"]
    list_filter = ["kind"]
    search_fields = ["label", "task_id", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["task_id", "kind", "label", "user", "result_url", "created_at"]

    def has_add_permission(self, request):
        return False
