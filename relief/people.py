"""What this app adds to the person page of `welfare.households` (design.md, "The person
page"): the relief their households received, their gifts and COVID-19 support."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import scope
from welfare.households.registry import person_merge_handler, person_section

from .models import CovidSupport, Distribution, Gift

SHOWN = 20


@person_section(order=50, title=_("Relief, gifts and support"))
def relief(*, person, user) -> dict | None:
    households = list(person.memberships.values_list("household_id", flat=True))
    distributions = list(
        scope(Distribution.objects.filter(Q(person=person) | Q(household_id__in=households)), user)
        .select_related("round", "household")
        .order_by("-distributed_on")[:SHOWN]
    )
    gifts = list(
        scope(Gift.objects.filter(Q(person=person) | Q(household_id__in=households)), user)
        .select_related("round", "household")
        .order_by("-given_on")[:SHOWN]
    )
    support = list(scope(CovidSupport.objects.filter(person=person), user).order_by("-approved_on")[:SHOWN])
    if not (distributions or gifts or support):
        return None
    return {
        "template": "relief/_person_section.html",
        "distributions": distributions,
        "gifts": gifts,
        "support": support,
        "shown": SHOWN,
    }


@person_merge_handler
def move_records(*, keep, duplicate, user) -> None:
    """Gifts, distributions and support named to the duplicate belong to the person kept."""
    for model in (Distribution, Gift, CovidSupport):
        for record in model.objects.filter(person=duplicate):
            record.person = keep
            record.version += 1
            record._history_user = user
            record.save()
