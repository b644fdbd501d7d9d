from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from welfare.accounts.scoping import AreaScopedAdminMixin

from .models import Plan


@admin.register(Plan)
class PlanAdmin(AreaScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["year", "province", "commune", "indicator", "target", "version", "updated_at"]
    list_filter = ["year", "indicator", "province"]
    search_fields = ["province__name", "commune__name", "commune__name_folded"]
    list_select_related = ["province", "commune"]
    autocomplete_fields = ["province", "commune"]
    readonly_fields = ["version", "created_at", "updated_at"]
