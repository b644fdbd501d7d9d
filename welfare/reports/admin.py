from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from welfare.accounts.scoping import AreaScopedAdminMixin
from welfare.core.admin import VersionCheckedAdmin

from .models import Plan, SummarySnapshot


@admin.register(Plan)
class PlanAdmin(AreaScopedAdminMixin, VersionCheckedAdmin):
    list_display = ["year", "province", "commune", "indicator", "target", "version", "updated_at"]
    list_filter = ["year", "indicator", "province"]
    search_fields = ["province__name", "commune__name", "commune__name_folded"]
    list_select_related = ["province", "commune"]
    autocomplete_fields = ["province", "commune"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(SummarySnapshot)
class SummarySnapshotAdmin(AreaScopedAdminMixin, SimpleHistoryAdmin):
    """The half-year summaries as the task built them: read here; built by the task (nightly or
    from the report page) and approved by a head, never typed."""

    list_display = ["year", "half", "province", "commune", "status", "built_at", "build_seconds", "approved_at"]
    list_filter = ["year", "half", "status", "province"]
    search_fields = ["province__name", "commune__name", "commune__name_folded"]
    list_select_related = ["province", "commune"]
    readonly_fields = [
        "province", "commune", "year", "half", "status", "figures_json", "built_at", "built_by_task",
        "build_seconds", "build_queries", "shortcomings", "next_tasks", "recommendations", "approved_at",
        "approved_by", "version", "created_at", "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
