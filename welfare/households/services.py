"""Writes on people, households, members, poverty reviews and health-insurance cards.

One record at a time: the officer's forms and the admin call these. The import engine applies
the same rules to many rows at once (`welfare/households/imports.py`), sharing the checks below
(`person_id_problems`, `poverty_classify`).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from welfare.accounts.permissions import require
from welfare.accounts.scoping import scope
from welfare.areas.models import Commune
from welfare.core.services import versioned_update
from welfare.core.text import fold

from .models import (
    Household,
    InsuranceCard,
    Member,
    Person,
    PersonDistinct,
    PersonStatus,
    PovertyReview,
    Relation,
    ReviewKind,
    ReviewStatus,
)
from .poverty import deprivations_parse, poverty_classify, standard_for_review_year
from .validators import citizen_id_check


# --- People -----------------------------------------------------------------------------------


def person_id_problems(
    *, id_number: str | None, sex: str = "", birth_date: dt.date | None = None, birth_year: int | None = None
) -> list[str]:
    """The citizen ID's problems given what is known of its holder (domain.md, "Identity")."""
    if not id_number:
        return []
    year = birth_date.year if birth_date else birth_year
    return citizen_id_check(id_number, sex=sex, birth_year=year)


@dataclass
class PersonData:
    """What a form or a file says about a person."""

    full_name: str
    sex: str = ""
    birth_date: dt.date | None = None
    birth_year: int | None = None
    ethnicity: str = ""
    id_number: str | None = None

    def as_fields(self) -> dict:
        return {
            "full_name": " ".join(self.full_name.split()),
            "sex": self.sex,
            "birth_date": self.birth_date,
            "birth_year": self.birth_year,
            "ethnicity": self.ethnicity,
            "id_number": self.id_number or None,
        }


def _person_check(data: PersonData) -> None:
    problems = person_id_problems(
        id_number=data.id_number, sex=data.sex, birth_date=data.birth_date, birth_year=data.birth_year
    )
    if problems:
        raise ValidationError({"id_number": problems})


def _id_owner_message(user, owner: Person, given: str) -> str:
    """Who holds an ID, named only to someone who may see that person (personal data:
    Decree 356/2025/NĐ-CP); others learn only that the names disagree."""
    if user is not None and user.has_perm("welfare.view_cases", owner):
        return _("This citizen ID belongs to %(name)s, not to %(given)s.") % {
            "name": owner.full_name,
            "given": given,
        }
    return _("This citizen ID is recorded for someone with another name, not %(given)s.") % {
        "given": given
    }


def person_for(*, user, commune: Commune, data: PersonData) -> Person:
    """The person with this citizen ID (the names must agree), or a new person of `commune`."""
    _person_check(data)
    if data.id_number:
        existing = Person.objects.filter(id_number=data.id_number).first()
        if existing is not None:
            if existing.name_folded != fold(data.full_name):
                raise ValidationError({"id_number": _id_owner_message(user, existing, data.full_name)})
            return existing
    person = Person(commune=commune, **data.as_fields())
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, user, person: Person, expected_version: int, data: PersonData) -> Person:
    require(user, "welfare.edit_cases", person)
    _person_check(data)
    person = versioned_update(person, expected_version=expected_version, changes=data.as_fields())
    Household.objects.filter(head=person).update(head_name_folded=person.name_folded)
    return person


@transaction.atomic
def person_exit(*, user, person: Person, status: str, on: dt.date, note: str = "") -> Person:
    """Record a death or a move once; every registered programme ends what the person had
    (design.md, "Person": a death or a move recorded once ends that person's entitlements
    everywhere). The person's memberships end on that date."""
    from .registry import exit_handlers

    require(user, "welfare.edit_cases", person)
    if status not in (PersonStatus.DIED, PersonStatus.MOVED):
        raise ValidationError(_("Choose whether the person died or moved away."))
    if on > timezone.localdate():
        raise ValidationError({"status_date": _("The date cannot be in the future.")})
    person = versioned_update(
        person,
        expected_version=person.version,
        changes={"status": status, "status_date": on, "status_note": note},
    )
    for member in person.memberships.filter(left_on__isnull=True).exclude(relation=Relation.HEAD):
        member.left_on = on
        member.version += 1
        member.save()
    for handler in exit_handlers():
        handler(person=person, status=status, on=on, user=user)
    return person


@transaction.atomic
def person_mark_distinct(*, user, first: Person, second: Person) -> None:
    """Take a pair off the duplicate queue: the officer checked they are two people."""
    if first.pk == second.pk:
        raise ValidationError(_("Choose two different people."))
    require(user, "welfare.edit_cases", first)
    require(user, "welfare.edit_cases", second)
    a, b = sorted((first, second), key=lambda p: p.pk)
    PersonDistinct.objects.get_or_create(first=a, second=b, defaults={"decided_by": user})


@transaction.atomic
def person_merge(*, user, keep: Person, duplicate: Person) -> Person:
    """Merge a duplicate into the person kept: memberships, headships and cards move over,
    blank fields of the kept record are filled from the duplicate, the duplicate is deleted.
    Its history stays in the history table."""
    from .registry import merge_handlers

    if keep.pk == duplicate.pk:
        raise ValidationError(_("A person cannot be merged with themselves."))
    require(user, "welfare.edit_cases", keep)
    require(user, "welfare.edit_cases", duplicate)
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    # The duplicate's places, headships and cards move to the kept record: each must lie in the
    # user's areas, or the merge would change another commune's records.
    reached = [
        Member.objects.filter(person=duplicate),
        Household.objects.filter(head=duplicate),
        InsuranceCard.objects.filter(person=duplicate),
    ]
    if any(scope(rows, user).count() != rows.count() for rows in reached):
        raise ValidationError(
            _(
                "One of the two records is in a household or holds a card of another commune: "
                "an administrator must merge them."
            )
        )
    if keep.id_number and duplicate.id_number and keep.id_number != duplicate.id_number:
        raise ValidationError(
            _("These two people have different citizen IDs: they cannot be the same person.")
        )
    if duplicate.id_number and not keep.id_number:
        # The ID moves to the kept record: it must agree with what that record says.
        problems = person_id_problems(
            id_number=duplicate.id_number,
            sex=keep.sex or duplicate.sex,
            birth_date=keep.birth_date or duplicate.birth_date,
            birth_year=keep.birth_year or duplicate.birth_year,
        )
        if problems:
            raise ValidationError(problems)
    for membership in duplicate.memberships.all():
        kept = Member.objects.filter(household=membership.household, person=keep).first()
        if kept is None:
            membership.person = keep
            membership.version += 1
            membership.save()
            continue
        # Both were members of the same household: one place stays. If the duplicate's place
        # was the head's, the kept person becomes the head (a household keeps exactly one).
        was_head = membership.relation == Relation.HEAD
        membership.delete()
        if was_head and kept.relation != Relation.HEAD:
            kept.relation = Relation.HEAD
            kept.version += 1
            kept.save()
    # One by one (a person heads or holds few), so each change lands in the history.
    for household in Household.objects.filter(head=duplicate):
        household.head = keep
        household.head_name_folded = keep.name_folded
        household.version += 1
        household.save()
    for card in InsuranceCard.objects.filter(person=duplicate):
        card.person = keep
        card.version += 1
        card.save()
    for handler in merge_handlers():
        handler(keep=keep, duplicate=duplicate, user=user)
    id_number = duplicate.id_number
    for field in ("sex", "birth_date", "birth_year", "ethnicity"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    duplicate.delete()
    if not keep.id_number and id_number:
        keep.id_number = id_number
    keep.version += 1
    keep.save()
    return keep


# --- Households and members -------------------------------------------------------------------


@dataclass
class MemberData:
    person: PersonData
    relation: str


@transaction.atomic
def household_register(
    *,
    user,
    commune: Commune,
    code: str,
    area_type: str,
    village: str = "",
    address: str = "",
    legacy_district: str = "",
    members: Iterable[MemberData],
) -> Household:
    """A new household with its members; exactly one of them is the head."""
    household = Household(
        code=code.strip(),
        commune=commune,
        area_type=area_type,
        village=village.strip(),
        address=address.strip(),
        legacy_district=legacy_district.strip(),
    )
    require(user, "welfare.edit_cases", household)
    members = list(members)
    heads = [m for m in members if m.relation == Relation.HEAD]
    if len(heads) != 1:
        raise ValidationError(_("A household has exactly one head: mark one member as the head."))
    household.full_clean()
    household.save()
    for member in members:
        member_add(user=user, household=household, data=member.person, relation=member.relation)
    return household


@transaction.atomic
def household_update(*, user, household: Household, expected_version: int, changes: dict) -> Household:
    require(user, "welfare.edit_cases", household)
    allowed = {"village", "area_type", "address", "legacy_district", "code"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)} here")
    return versioned_update(household, expected_version=expected_version, changes=changes)


def _head_set(household: Household, person: Person | None) -> None:
    household.head = person
    household.head_name_folded = person.name_folded if person else ""
    household.save(update_fields=["head", "head_name_folded", "updated_at"])


@transaction.atomic
def member_add(*, user, household: Household, data: PersonData, relation: str) -> Member:
    """Add a person (found by citizen ID, or new) to a household. Adding the head when the
    household has one is refused: the head is changed with `household_head_change`."""
    require(user, "welfare.edit_cases", household)
    if relation == Relation.HEAD and household.members.filter(relation=Relation.HEAD).exists():
        raise ValidationError(
            {"relation": _("The household already has a head. Change the head on its page.")}
        )
    person = person_for(user=user, commune=household.commune, data=data)
    member = Member(household=household, person=person, relation=relation)
    member.full_clean()
    member.save()
    if relation == Relation.HEAD:
        _head_set(household, person)
    return member


@transaction.atomic
def member_update(*, user, member: Member, expected_version: int, data: PersonData, relation: str) -> Member:
    require(user, "welfare.edit_cases", member.household)
    if relation != member.relation and Relation.HEAD in (relation, member.relation):
        raise ValidationError(
            {"relation": _("The head is changed with “Change the head”, not by editing a member.")}
        )
    person_update(user=user, person=member.person, expected_version=member.person.version, data=data)
    return versioned_update(member, expected_version=expected_version, changes={"relation": relation})


@transaction.atomic
def member_remove(*, user, member: Member, left_on: dt.date) -> Member:
    """A member leaves the household; the record stays with the date they left."""
    require(user, "welfare.edit_cases", member.household)
    if member.relation == Relation.HEAD:
        raise ValidationError(_("Choose a new head before the head leaves the household."))
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date cannot be in the future.")})
    return versioned_update(member, expected_version=member.version, changes={"left_on": left_on})


@transaction.atomic
def household_head_change(*, user, household: Household, new_head: Member, old_head_relation: str) -> Household:
    """Make another member the head; the old head keeps a place with `old_head_relation`."""
    require(user, "welfare.edit_cases", household)
    if old_head_relation == Relation.HEAD or old_head_relation not in Relation.values:
        raise ValidationError(
            {"relation": _("Choose the former head's new relation to the head.")}
        )
    if new_head.household_id != household.pk or new_head.left_on:
        raise ValidationError(_("The new head must be a current member of this household."))
    old = household.members.filter(relation=Relation.HEAD).first()
    if old is not None and old.pk != new_head.pk:
        old.relation = old_head_relation
        old.version += 1
        old.save()
    new_head.relation = Relation.HEAD
    new_head.version += 1
    new_head.save()
    _head_set(household, new_head.person)
    household.version += 1
    household.save(update_fields=["version"])
    return household


# --- Poverty reviews --------------------------------------------------------------------------


@transaction.atomic
def review_save(
    *,
    user,
    household: Household,
    review_year: int,
    income_per_capita_vnd: int,
    deprivations: Iterable[int] | str,
    area_type: str | None = None,
    kind: str = ReviewKind.PERIODIC,
    reviewed_on: dt.date | None = None,
    note: str = "",
    review: PovertyReview | None = None,
    expected_version: int | None = None,
) -> PovertyReview:
    """Propose a household's review of `review_year`, or revise one (a regular review).

    The result is computed by the standard covering the review year. Any change by someone who
    may not recognise reviews makes the review a proposal again, to be recognised anew; the
    history keeps the earlier result.
    """
    require(user, "welfare.edit_cases", household)
    if review is not None and review.household_id != household.pk:
        raise ValidationError(_("This review belongs to another household."))
    if review_year > timezone.localdate().year:
        # The review of Y is carried out during Y (Decision 24/2021/QĐ-TTg): not before.
        raise ValidationError(
            {"review_year": _("The review of %(year)s has not begun yet.") % {"year": review_year}}
        )
    numbers = deprivations_parse(deprivations)
    area_type = area_type or household.area_type
    standard = standard_for_review_year(review_year)
    result = poverty_classify(
        standard=standard,
        area_type=area_type,
        income_per_capita_vnd=income_per_capita_vnd,
        deprivation_count=len(numbers),
    )
    if reviewed_on and reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("The date cannot be in the future.")})
    values = {
        "household": household,
        "review_year": review_year,
        "kind": kind,
        "reviewed_on": reviewed_on,
        "standard": standard,
        "area_type": area_type,
        "income_per_capita_vnd": income_per_capita_vnd,
        "deprivations": numbers,
        "result": result,
        "note": note,
    }
    if review is None:
        review = PovertyReview(**values, proposed_by=user, status=ReviewStatus.PROPOSED)
        review.full_clean()
        review.save()
        return review
    if review.status == ReviewStatus.RECOGNISED and not user.has_perm(
        "welfare.recognise_reviews", review
    ):
        values.update(
            status=ReviewStatus.PROPOSED,
            recognised_on=None,
            recognised_by=None,
            decision_number="",
            proposed_by=user,
        )
    if expected_version is None:
        expected_version = review.version
    return versioned_update(review, expected_version=expected_version, changes=values)


@transaction.atomic
def review_recognise(
    *, user, reviews: Iterable[PovertyReview], decision_number: str, recognised_on: dt.date
) -> int:
    """Recognise proposed reviews under one decision (number and date), as a head does for
    many households at once (Decision 24/2021/QĐ-TTg, Art. 4). Returns how many."""
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Enter the decision number.")})
    if recognised_on > timezone.localdate():
        raise ValidationError({"recognised_on": _("The decision date cannot be in the future.")})
    decision_number = decision_number.strip()
    if len(decision_number) > PovertyReview._meta.get_field("decision_number").max_length:
        raise ValidationError({"decision_number": _("The decision number is too long.")})
    if not user.has_perm("welfare.recognise_reviews"):
        raise PermissionDenied
    pks = sorted({r.pk for r in reviews})
    # Locks in pk order, so two heads recognising overlapping lists cannot deadlock. One
    # scoped query checks every review lies in the head's areas (not one query per review).
    rows = list(
        scope(PovertyReview.objects.filter(pk__in=pks), user).select_for_update().order_by("pk")
    )
    if len(rows) != len(pks):
        raise PermissionDenied
    pending = [r for r in rows if r.status != ReviewStatus.RECOGNISED]
    early = sorted({r.review_year for r in pending if recognised_on.year < r.review_year})
    if early:
        raise ValidationError(
            {
                "recognised_on": _(
                    "The decision date cannot come before the review year (%(years)s)."
                )
                % {"years": ", ".join(map(str, early))}
            }
        )
    now = timezone.now()
    for review in pending:
        review.updated_at = now
        review.status = ReviewStatus.RECOGNISED
        review.decision_number = decision_number
        review.recognised_on = recognised_on
        review.recognised_by = user
        review.version += 1
    # Many households at once: one UPDATE per batch, with a history row for each, by this user.
    bulk_update_with_history(
        pending,
        PovertyReview,
        ["status", "decision_number", "recognised_on", "recognised_by", "version", "updated_at"],
        batch_size=500,
        default_user=user,
    )
    return len(pending)


def review_carry_forward(*, user, commune: Commune, from_year: int) -> int:
    """Start next year's review from last year's list: a proposal for every household of the
    commune that has a review of `from_year` and none of the next year, with the same income,
    deprivations and area type, recomputed by the standard of the next year."""
    require(user, "welfare.edit_cases", commune)
    to_year = from_year + 1
    done = set(
        PovertyReview.objects.filter(household__commune=commune, review_year=to_year).values_list(
            "household_id", flat=True
        )
    )
    count = 0
    with transaction.atomic():
        for previous in PovertyReview.objects.filter(
            household__commune=commune, review_year=from_year
        ).select_related("household"):
            if previous.household_id in done:
                continue
            review_save(
                user=user,
                household=previous.household,
                review_year=to_year,
                income_per_capita_vnd=previous.income_per_capita_vnd,
                deprivations=previous.deprivations,
                area_type=previous.area_type,
                note=_("Started from the review of %(year)s.") % {"year": from_year},
            )
            count += 1
    return count


# --- Health-insurance cards -------------------------------------------------------------------


def card_holder_link(
    *, holder_name: str, holder_id_number: str = "", household: Household | None = None
) -> Person | None:
    """The person a card belongs to: by citizen ID, else by name within the household."""
    if holder_id_number:
        person = Person.objects.filter(id_number=holder_id_number).first()
        if person is not None:
            return person
    if household is not None:
        return (
            Person.objects.filter(memberships__household=household, name_folded=fold(holder_name))
            .order_by("pk")
            .first()
        )
    return None


@transaction.atomic
def card_save(
    *,
    user,
    commune: Commune,
    card_number: str,
    holder_name: str,
    beneficiary_group: str,
    issued_on: dt.date,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    holder_id_number: str = "",
    household: Household | None = None,
    card: InsuranceCard | None = None,
    expected_version: int | None = None,
) -> InsuranceCard:
    # The commune is checked first, so nobody learns about another commune's people here.
    require(user, "welfare.edit_cases", InsuranceCard(commune=commune))
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The date cannot be in the future.")})
    if household is not None and household.commune_id != commune.pk:
        raise ValidationError({"household": _("The household belongs to another commune.")})
    holder_id_number = (holder_id_number or "").strip()
    if holder_id_number:
        problems = citizen_id_check(holder_id_number)
        if problems:
            raise ValidationError({"holder_id_number": problems})
    holder = card_holder_link(
        holder_name=holder_name, holder_id_number=holder_id_number, household=household
    )
    if holder is not None and holder_id_number and holder.id_number == holder_id_number:
        # Linked by ID: the names must agree (contract.md, "People").
        if holder.name_folded != fold(holder_name):
            raise ValidationError(
                {"holder_id_number": _id_owner_message(user, holder, holder_name)}
            )
    values = {
        "commune": commune,
        "card_number": card_number.strip(),
        "holder_name": " ".join(holder_name.split()),
        "beneficiary_group": beneficiary_group,
        "issued_on": issued_on,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "holder_id_number": holder_id_number,
        "household": household,
        "person": holder,
    }
    candidate = InsuranceCard(**values)
    require(user, "welfare.edit_cases", candidate)
    if card is None:
        candidate.full_clean()
        candidate.save()
        return candidate
    require(user, "welfare.edit_cases", card)
    return versioned_update(card, expected_version=expected_version, changes=values)
