"""Writes on relief rounds and distributions, gift rounds and gifts, and COVID-19 support.

The officer's pages, the admin and the imports share these rules: `distribution_problems`
(one household per round, a closed round locked), `distribution_defaults` (rice and cost from
the round's ration) and `policy_group_for`.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.accounts.permissions import require
from welfare.areas.models import Commune
from welfare.core.formatting import half_up
from welfare.core.services import versioned_update
from welfare.households.models import Household

from .models import (
    CovidPolicyGroup,
    CovidSupport,
    Distribution,
    Gift,
    GiftRound,
    ReliefRound,
    RoundStatus,
)

# --- Rounds -----------------------------------------------------------------------------------

ROUND_FIELDS = (
    "code", "name", "note", "cause", "start_on", "end_on", "funding_source", "ration_kg", "months",
    "rice_value_vnd",
)
GIFT_ROUND_FIELDS = ("code", "name", "note", "given_from", "given_to")


def _round_save(model, fields, *, user, province, values, instance=None, expected_version=None):
    values = {k: v for k, v in values.items() if k in fields}
    if "code" in values:
        values["code"] = values["code"].strip()
    if not values.get("name") and instance is None:
        values["name"] = values.get("code", "")
    if instance is None:
        instance = model(province=province, **values)
        require(user, "welfare.manage_rounds", instance)
        instance.full_clean()
        instance.save()
        return instance
    require(user, "welfare.manage_rounds", instance)
    if getattr(instance, "closed", False):
        raise ValidationError(_("This round is closed: its details and distributions are locked."))
    if (
        "cause" in values
        and values["cause"] != getattr(instance, "cause", values["cause"])
        and instance.distributions.exists()
    ):
        # Its distributions would silently move in or out of the hunger-relief figures.
        raise ValidationError({"cause": _("The round already has distributions: its cause cannot change.")})
    return versioned_update(instance, expected_version=expected_version, changes=values)


@transaction.atomic
def relief_round_save(
    *, user, province, values: dict, round: ReliefRound | None = None, expected_version: int | None = None
) -> ReliefRound:
    """Open a relief round of a province, or change an open one."""
    return _round_save(
        ReliefRound, ROUND_FIELDS, user=user, province=province, values=values, instance=round,
        expected_version=expected_version,
    )


@transaction.atomic
def gift_round_save(
    *, user, province, values: dict, round: GiftRound | None = None, expected_version: int | None = None
) -> GiftRound:
    return _round_save(
        GiftRound, GIFT_ROUND_FIELDS, user=user, province=province, values=values, instance=round,
        expected_version=expected_version,
    )


@transaction.atomic
def relief_round_close(*, user, round: ReliefRound, expected_version: int, reopen: bool = False) -> ReliefRound:
    """A head closes a round when its distributions are final: they are locked from then on
    (or reopens it to correct one, which the history records)."""
    require(user, "welfare.close_rounds", round)
    if round.closed != reopen:
        raise ValidationError(_("This round is already open.") if reopen else _("This round is already closed."))
    changes = (
        {"status": RoundStatus.OPEN, "closed_at": None, "closed_by": None}
        if reopen
        else {"status": RoundStatus.CLOSED, "closed_at": timezone.now(), "closed_by": user}
    )
    return versioned_update(round, expected_version=expected_version, changes=changes)


# --- Distributions ----------------------------------------------------------------------------

# The references of a list's rows (round, commune, household, person) are checked once for the
# list; full_clean would look each one up again, row by row.
RELATED = ["round", "commune", "household", "person"]


def distribution_defaults(*, round: ReliefRound, persons_covered: int) -> tuple[int, int]:
    """The rice (whole kg) and cost (whole VND) of a distribution by default: persons covered
    × the round's ration per person per month × its months; the cost at the round's value per
    kg. Zero where the round sets no ration or value."""
    if not round.ration_kg or not persons_covered:
        return 0, 0
    rice = Decimal(persons_covered) * round.ration_kg * (round.months or 1)
    rice_kg = half_up(rice)
    return rice_kg, rice_kg * (round.rice_value_vnd or 0)


def distribution_amounts(
    *, round: ReliefRound, persons_covered: int, rice_kg: int | None, cost_vnd: int | None
) -> tuple[int, int]:
    """Rice and cost as saved: what was given, else the defaults. A blank cost is the rice
    given (or its default) at the round's value per kg."""
    default_rice, _cost = distribution_defaults(round=round, persons_covered=persons_covered)
    rice = default_rice if rice_kg is None else rice_kg
    cost = rice * (round.rice_value_vnd or 0) if cost_vnd is None else cost_vnd
    return rice, cost


@dataclass
class Entry:
    """One distribution as an officer enters it on the round's page (or a row of a file)."""

    commune_id: int
    persons_covered: int
    distributed_on: dt.date
    household: Household | None = None
    recipient_name: str = ""
    rice_kg: int | None = None
    cost_vnd: int | None = None
    note: str = ""


def distribution_problems(
    *, round: ReliefRound, entries: list[Entry], exclude_pk: int | None = None, stored: bool = True
) -> dict[int, dict[str, str]]:
    """What is wrong with each entry (by index), field by field: a closed round, a household
    already given in this round (stored, or earlier in the same list), a household of another
    commune, a date in the future, nobody named.

    `stored=False` leaves out the stored distributions (an import, whose row for a household
    the round has updates that distribution; a new round has none)."""
    problems: dict[int, dict[str, str]] = {}
    today = timezone.localdate()
    if round.closed:
        message = _("Round %(code)s is closed: its distributions are locked.") % {"code": round.code}
        return {i: {"round": message} for i in range(len(entries))}
    households = [e.household.pk for e in entries if e.household is not None]
    taken = (
        set(
            Distribution.objects.filter(round=round, household_id__in=households)
            .exclude(pk=exclude_pk)
            .values_list("household_id", flat=True)
        )
        if stored and round.pk is not None
        else set()
    )
    outside = _communes_outside(round.province_id, {e.commune_id for e in entries})
    seen: dict[int, int] = {}
    for index, entry in enumerate(entries):
        found: dict[str, str] = {}
        if entry.commune_id in outside:
            found["commune"] = _round_province_message(round)
        if entry.household is not None:
            code = entry.household.code
            if entry.household.pk in taken:
                found["household"] = _(
                    "Household %(code)s already has a distribution in round %(round)s: change that one instead."
                ) % {"code": code, "round": round.code}
            elif entry.household.pk in seen:
                found["household"] = _("Household %(code)s is entered twice in this list.") % {"code": code}
            elif entry.household.commune_id != entry.commune_id:
                found["household"] = _("Household %(code)s belongs to another commune.") % {"code": code}
            seen.setdefault(entry.household.pk, index)
        elif not entry.recipient_name.strip():
            found["recipient_name"] = _("Choose a household or write the recipient's name.")
        if not entry.persons_covered or entry.persons_covered < 1:
            found["persons_covered"] = _("At least one person is covered.")
        if entry.distributed_on > today:
            found["distributed_on"] = _("The date cannot be in the future.")
        if found:
            problems[index] = found
    return problems


def _communes_outside(province_id: int, communes: set[int]) -> set[int]:
    """The communes given that do not lie in the round's province (contract.md, "Rounds")."""
    return set(
        Commune.objects.filter(code__in=communes).exclude(province_id=province_id).values_list("code", flat=True)
    )


def _round_province_message(round) -> str:
    return _("Round %(code)s covers %(province)s: a commune of another province cannot be entered in it.") % {
        "code": round.code,
        "province": round.province.name,
    }


@transaction.atomic
def distributions_add(*, user, round: ReliefRound, entries: list[Entry]) -> list[Distribution]:
    """Add many distributions of one round at once (the round's entry page). All or nothing:
    any problem refuses the whole list, with every problem named."""
    round = ReliefRound.objects.select_for_update().get(pk=round.pk)
    made = []
    for entry in entries:
        distribution = Distribution(
            round=round,
            commune_id=entry.commune_id,
            household=entry.household,
            recipient_name=entry.recipient_name.strip(),
            persons_covered=entry.persons_covered,
            distributed_on=entry.distributed_on,
            note=entry.note,
        )
        require(user, "welfare.edit_cases", distribution)
        made.append(distribution)
    problems = distribution_problems(round=round, entries=entries)
    if problems:
        raise DistributionProblems(problems)
    for distribution, entry in zip(made, entries, strict=True):
        distribution.rice_kg, distribution.cost_vnd = distribution_amounts(
            round=round, persons_covered=entry.persons_covered, rice_kg=entry.rice_kg, cost_vnd=entry.cost_vnd
        )
        # The references were checked above for the whole list: no query per row for them.
        distribution.full_clean(exclude=RELATED, validate_constraints=False)
        distribution.save()
    return made


class DistributionProblems(ValidationError):
    """Problems of a list of entries, by index: {index: {field: message}}."""

    def __init__(self, problems: dict[int, dict[str, str]]):
        self.problems = problems
        super().__init__([m for found in problems.values() for m in found.values()])


@transaction.atomic
def distribution_update(*, user, distribution: Distribution, expected_version: int, changes: dict) -> Distribution:
    require(user, "welfare.edit_cases", distribution)
    round = ReliefRound.objects.select_for_update().get(pk=distribution.round_id)
    entry = Entry(
        commune_id=distribution.commune_id,
        household=changes.get("household", distribution.household),
        recipient_name=changes.get("recipient_name", distribution.recipient_name),
        persons_covered=changes.get("persons_covered", distribution.persons_covered),
        distributed_on=changes.get("distributed_on", distribution.distributed_on),
    )
    problems = distribution_problems(round=round, entries=[entry], exclude_pk=distribution.pk)
    if problems:
        raise ValidationError(problems[0])
    allowed = {"household", "recipient_name", "persons_covered", "rice_kg", "cost_vnd", "distributed_on", "note"}
    return versioned_update(
        distribution, expected_version=expected_version, changes={k: v for k, v in changes.items() if k in allowed}
    )


@transaction.atomic
def distribution_delete(*, user, distribution: Distribution) -> None:
    require(user, "welfare.edit_cases", distribution)
    round = ReliefRound.objects.select_for_update().get(pk=distribution.round_id)
    if round.closed:
        raise ValidationError(_("Round %(code)s is closed: its distributions are locked.") % {"code": round.code})
    distribution._history_user = user
    distribution.delete()


# --- Gifts ------------------------------------------------------------------------------------

GIFT_FIELDS = ("commune_id", "recipient_group", "funding_source", "household", "person", "recipient_name",
               "value_vnd", "given_on", "note")


def gift_problems(values: dict, round: GiftRound | None = None, outside: set[int] | None = None) -> dict[str, str]:
    """What is wrong with a gift, field by field. With `round`, a commune outside its province
    (`outside`: those communes, when the caller checked a whole list at once)."""
    problems: dict[str, str] = {}
    if round is not None:
        if outside is None:
            outside = _communes_outside(round.province_id, {values.get("commune_id")})
        if values.get("commune_id") in outside:
            problems["commune"] = _round_province_message(round)
    given_on = values.get("given_on")
    if given_on and given_on > timezone.localdate():
        problems["given_on"] = _("The date cannot be in the future.")
    household = values.get("household")
    if household is not None and household.commune_id != values.get("commune_id"):
        problems["household"] = _("Household %(code)s belongs to another commune.") % {"code": household.code}
    if not (values.get("value_vnd") or 0) > 0:
        problems["value_vnd"] = _("Enter a value above zero.")
    return problems


@transaction.atomic
def gifts_add(*, user, round: GiftRound, entries: Iterable[dict]) -> list[Gift]:
    """Record gifts of one round; all or nothing."""
    made = []
    problems = {}
    entries = [{k: v for k, v in values.items() if k in GIFT_FIELDS} for values in entries]
    # One query for the list: the communes that lie outside the round's province.
    outside = _communes_outside(round.province_id, {values.get("commune_id") for values in entries})
    for index, values in enumerate(entries):
        if not values.get("recipient_name") and values.get("household") is not None:
            head = values["household"].head
            values["recipient_name"] = head.full_name if head else values["household"].code
        gift = Gift(round=round, **values)
        require(user, "welfare.edit_cases", gift)
        found = gift_problems(values, round, outside)
        if found:
            problems[index] = found
        made.append(gift)
    if problems:
        raise DistributionProblems(problems)
    for gift in made:
        gift.full_clean(exclude=RELATED)
        gift.save()
    return made


@transaction.atomic
def gift_update(*, user, gift: Gift, expected_version: int, changes: dict) -> Gift:
    require(user, "welfare.edit_cases", gift)
    changes = {k: v for k, v in changes.items() if k in GIFT_FIELDS and k != "commune_id"}
    found = gift_problems({**{f: getattr(gift, f) for f in GIFT_FIELDS}, **changes})
    if found:
        raise ValidationError(found)
    return versioned_update(gift, expected_version=expected_version, changes=changes)


@transaction.atomic
def gift_delete(*, user, gift: Gift) -> None:
    require(user, "welfare.edit_cases", gift)
    gift._history_user = user
    gift.delete()


# --- COVID-19 support ---------------------------------------------------------------------------

COVID_FIELDS = ("commune_id", "recipient_type", "recipient_name", "person", "policy", "amount_vnd",
                "approved_on", "decision_number", "note")


def policy_group_for(policy: str, groups: dict[str, CovidPolicyGroup] | None = None) -> CovidPolicyGroup | None:
    """The policy group whose code equals the policy as written (contract.md), if any."""
    policy = (policy or "").strip()
    if groups is not None:
        return groups.get(policy)
    return CovidPolicyGroup.objects.filter(code=policy).first()


def covid_problems(values: dict) -> dict[str, str]:
    problems: dict[str, str] = {}
    approved_on = values.get("approved_on")
    if approved_on and approved_on > timezone.localdate():
        problems["approved_on"] = _("The date cannot be in the future.")
    if not (values.get("amount_vnd") or 0) > 0:
        problems["amount_vnd"] = _("Enter an amount above zero.")
    if not (values.get("policy") or "").strip():
        problems["policy"] = _("Write the policy the support was approved under, e.g. 68/NQ-CP.")
    return problems


@transaction.atomic
def covid_support_record(*, user, values: dict) -> CovidSupport:
    values = {k: v for k, v in values.items() if k in COVID_FIELDS}
    found = covid_problems(values)
    if found:
        raise ValidationError(found)
    values["policy"] = values["policy"].strip()
    support = CovidSupport(policy_group=policy_group_for(values["policy"]), **values)
    require(user, "welfare.edit_cases", support)
    support.full_clean()
    support.save()
    return support


@transaction.atomic
def covid_support_update(*, user, support: CovidSupport, expected_version: int, changes: dict) -> CovidSupport:
    require(user, "welfare.edit_cases", support)
    changes = {k: v for k, v in changes.items() if k in COVID_FIELDS and k != "commune_id"}
    found = covid_problems({**{f: getattr(support, f) for f in COVID_FIELDS}, **changes})
    if found:
        raise ValidationError(found)
    if "policy" in changes:
        changes["policy"] = changes["policy"].strip()
        changes["policy_group"] = policy_group_for(changes["policy"])
    return versioned_update(support, expected_version=expected_version, changes=changes)
