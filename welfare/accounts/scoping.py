"""The one scoping helper: what part of the country a user may see and change.

Every selector and every `ModelAdmin.get_queryset` restricts its queryset here; a single-object
fetch answers 404 alike for "missing" and "not yours" (conventions.md, "Scoping"). Deny by
default: a user with no role areas sees nothing.

A model says where its area lies with two class attributes, both lookups from the model:
`commune_path` (default "commune") and `province_path` (default "<commune_path>__province").
A record of a whole province (a relief round) sets `commune_path = None`: officers see those of
the provinces their communes lie in.
"""

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from welfare.areas.models import Commune, Province

from .permissions import Role

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])


def area_paths(model: type[models.Model]) -> tuple[str, str]:
    """The lookups from `model` to its commune and to its province."""
    commune_path = getattr(model, "commune_path", "commune")
    default_province = "province" if commune_path in ("pk", None) else f"{commune_path}__province"
    return commune_path, getattr(model, "province_path", default_province)


def sees_everything(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def area_q(user, model: type[models.Model]) -> Q:
    """The filter that limits `model` to the user's areas (built once, reused everywhere)."""
    if not (user and user.is_authenticated and user.is_active):
        return NOTHING
    if sees_everything(user):
        return Q()
    commune_path, province_path = area_paths(model)
    if user.role == Role.HEAD and user.province_id:
        if commune_path is None or hasattr(model, "province_path"):
            # Records of a whole province too (a plan, a payment run, a relief round).
            return Q(**{province_path: user.province_id})
        # The province's communes by code rather than a join on the commune's province: the
        # planner then reads the households' own statistics. A department's database holds
        # one province's records, but the communes of the whole country, so the join made
        # PostgreSQL expect a tenth of the rows where there were all of them, and choose plans
        # for a few hundred rows (the list's search by a common name, 63 ms instead of 7 ms).
        return Q(**{f"{commune_path}__in": province_commune_codes(user)})
    if user.role == Role.OFFICER:
        if commune_path is None:
            return Q(**{f"{province_path}__in": user_province_codes(user)})
        return Q(**{f"{commune_path}__in": user_commune_codes(user)})
    return NOTHING


def province_commune_codes(user) -> list[int]:
    """The codes of a head's province's communes, read once per request."""
    cached = getattr(user, "_province_commune_codes", None)
    if cached is None:
        cached = list(
            Commune.objects.filter(province_id=user.province_id).values_list("code", flat=True)
        )
        user._province_commune_codes = cached
    return cached


def user_province_codes(user) -> list[int]:
    """The provinces an officer's communes lie in."""
    cached = getattr(user, "_province_codes", None)
    if cached is None:
        cached = list(
            Commune.objects.filter(code__in=user_commune_codes(user)).values_list("province_id", flat=True).distinct()
        )
        user._province_codes = cached
    return cached


def scope(queryset: models.QuerySet[M], user) -> models.QuerySet[M]:
    """The queryset limited to the user's areas."""
    return queryset.filter(area_q(user, queryset.model))


def get_scoped_or_404(queryset: models.QuerySet[M] | type[M], user, **lookup: Any) -> M:
    """One object of the user's areas, or 404 whether it is missing or someone else's."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        return scope(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def user_commune_codes(user) -> list[int]:
    """The codes of an officer's communes, read once per request."""
    cached = getattr(user, "_commune_codes", None)
    if cached is None:
        cached = list(user.communes.values_list("code", flat=True)) if user.pk else []
        user._commune_codes = cached
    return cached


def user_areas_key(user) -> str:
    """What the user's areas are, as a short string: users with the same areas see the same
    records, so figures computed for one may be cached for all of them."""
    if not (user and user.is_authenticated and user.is_active):
        return "none"
    if sees_everything(user):
        return "all"
    if user.role == Role.HEAD and user.province_id:
        return f"province:{user.province_id}"
    if user.role == Role.OFFICER:
        return "communes:" + ",".join(str(code) for code in sorted(user_commune_codes(user)))
    return "none"


def user_communes(user) -> models.QuerySet[Commune]:
    """The communes the user works in (all of a head's province; every one for an admin)."""
    return scope(Commune.objects.select_related("province"), user)


def user_provinces(user) -> models.QuerySet[Province]:
    if sees_everything(user):
        return Province.objects.all()
    if user.is_authenticated and user.role == Role.HEAD and user.province_id:
        return Province.objects.filter(pk=user.province_id)
    if user.is_authenticated and user.role == Role.OFFICER:
        return Province.objects.filter(communes__in=user_commune_codes(user)).distinct()
    return Province.objects.none()


def in_scope(user, obj: models.Model) -> bool:
    """Whether one object lies in the user's areas (the auth backend's object check)."""
    if obj.pk is None:
        return _unsaved_in_scope(user, obj)
    return scope(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def _unsaved_in_scope(user, obj: models.Model) -> bool:
    if sees_everything(user):
        return True
    commune_path, province_path = area_paths(type(obj))
    commune_id = _follow(obj, commune_path) if commune_path else None
    if user.role == Role.HEAD:
        return user.province_id is not None and _follow(obj, province_path) == user.province_id
    if user.role == Role.OFFICER:
        if commune_path is None:
            return _follow(obj, province_path) in user_province_codes(user)
        return commune_id in user_commune_codes(user)
    return False


def _follow(obj: models.Model, path: str):
    """The value at a lookup path on an unsaved object ("commune__province" -> province code)."""
    if path == "pk":
        return obj.pk
    *relations, last = path.split("__")
    for name in relations:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    field = obj._meta.get_field(last)
    return getattr(obj, field.attname)


class AreaScopedAdminMixin:
    """`ModelAdmin` mixin: non-superusers see and pick only the rows and areas of their own."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    # simple_history's history pages look the record up without the admin's queryset: scope
    # them the same way (404 alike for "missing" and "not yours").
    def history_view(self, request, object_id, extra_context=None):
        get_scoped_or_404(self.model, request.user, pk=object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        get_scoped_or_404(self.model, request.user, pk=object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Commune:
            kwargs["queryset"] = user_communes(request.user)
        elif db_field.related_model is Province:
            kwargs["queryset"] = user_provinces(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
