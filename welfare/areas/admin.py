from django.contrib import admin

from .models import Commune, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type"]
    list_filter = ["division_type"]
    search_fields = ["name", "name_folded", "codename", "=code"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        # Units come from the pinned vietnam-provinces data, not typed by hand (domain.md).
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["division_type", "province"]
    search_fields = ["name", "name_folded", "codename", "=code"]
    list_select_related = ["province"]
    readonly_fields = ["code", "province"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
