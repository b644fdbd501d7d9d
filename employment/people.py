"""What this app adds to the person page of `welfare.households` (design.md, "The person
page"): the person's employment-fund loans, job placements and border-labour passes."""

from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import scope
from welfare.households.registry import person_merge_handler, person_section

from .models import BorderPass, Loan, Placement

SHOWN = 20


@person_section(order=60, title=_("Employment"))
def employment(*, person, user) -> dict | None:
    loans = list(scope(Loan.objects.filter(person=person), user).order_by("-disbursed_on")[:SHOWN])
    placements = list(scope(Placement.objects.filter(person=person), user).order_by("-placed_on")[:SHOWN])
    passes = list(scope(BorderPass.objects.filter(person=person), user).order_by("-expires_on")[:SHOWN])
    if not (loans or placements or passes):
        return None
    return {
        "template": "employment/_person_section.html",
        "loans": loans,
        "placements": placements,
        "passes": passes,
    }


@person_merge_handler
def move_records(*, keep, duplicate, user) -> None:
    """Loans, placements and passes of the duplicate belong to the person kept."""
    for model in (Loan, Placement, BorderPass):
        for record in model.objects.filter(person=duplicate):
            record.person = keep
            record.version += 1
            record._history_user = user
            record.save()
