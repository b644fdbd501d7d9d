"""Reads of past imports, scoped: officers their own, heads their province's, admins all."""

from django.db.models import Q, QuerySet

from welfare.accounts.scoping import sees_everything

from .models import ImportRun


def import_list(*, user) -> QuerySet[ImportRun]:
    runs = ImportRun.objects.select_related("user", "undone_by")
    if not (user and user.is_authenticated and user.is_active):
        return runs.none()
    if sees_everything(user):
        return runs
    if user.role == "head" and user.province_id:
        return runs.filter(Q(province_id=user.province_id) | Q(user=user))
    return runs.filter(user=user)
