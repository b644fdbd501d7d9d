"""Reads of past imports, scoped: officers their own, heads their province's, admins all."""

from django.db.models import QuerySet

from welfare.accounts.scoping import sees_everything, user_commune_codes

from .models import ImportRun


def import_list(*, user) -> QuerySet[ImportRun]:
    runs = ImportRun.objects.select_related("user", "undone_by")
    if not (user and user.is_authenticated and user.is_active):
        return runs.none()
    if sees_everything(user):
        return runs
    if user.role == "head" and user.province_id:
        return runs.filter(province_id=user.province_id)
    # An officer's own runs, while every commune they were made in is still the officer's.
    held = set(user_commune_codes(user))
    own = ImportRun.objects.filter(user=user).values_list("pk", "commune_codes")
    return runs.filter(pk__in=[pk for pk, codes in own if set(codes or []) <= held])
