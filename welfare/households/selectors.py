"""Reads on households, people and health-insurance cards, already scoped to the user's areas.

Searches are accent-insensitive: the query is folded like the stored names (`core.text.fold`)
and compared with the folded columns using `contains`, which is case-sensitive on purpose: both
sides are already lower case, and on PostgreSQL a plain `LIKE '%…%'` on the column is what the
trigram indexes of migration 0003 serve (`icontains` would wrap the column in UPPER() and miss
them).
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from welfare.accounts.scoping import get_scoped_or_404, scope, user_areas_key
from welfare.core.data_version import cached
from welfare.core.history import display_value, history_user_name
from welfare.core.text import fold

from .models import (
    Household,
    InsuranceCard,
    Member,
    Person,
    PersonDistinct,
    PovertyReview,
    ReviewStatus,
)

# --- Households -------------------------------------------------------------------------------


def _latest_recognised(field_name: str) -> Subquery:
    return Subquery(
        PovertyReview.objects.filter(household=OuterRef("pk"), status=ReviewStatus.RECOGNISED)
        .order_by("-review_year")
        .values(field_name)[:1]
    )


def _with_status(households: QuerySet[Household]) -> QuerySet[Household]:
    """Each household with `status_result` and `status_review_year`: its latest recognised
    review's result and year (the status it has now)."""
    return households.annotate(
        status_result=_latest_recognised("result"),
        status_review_year=_latest_recognised("review_year"),
    )


def household_search_q(text: str) -> Q:
    """Households whose code, head's name or a member's name contains `text` (accents ignored).

    On PostgreSQL one column holds them all (`Household.search_folded`, kept by triggers,
    migration 0005) under one trigram index: a common name no longer hashes thousands of
    members and a rare one no longer reads the whole list. The code is stored lower-cased, not
    folded, so the code as typed (lower-cased: `icontains`) is looked for too when folding
    changes it (an accented code, doubled spaces); only a code can hold such text, the names
    being folded. Other databases (SQLite in development) keep the EXISTS over the members.
    """
    folded = fold(text)
    if not folded:
        return Q()
    if connections[router.db_for_read(Household)].vendor == "postgresql":
        found = Q(search_folded__contains=folded)
        typed = text.strip().lower()
        # A newline separates the names in the column: typed text holding one is no code.
        if typed != folded and "\n" not in typed:
            found |= Q(search_folded__contains=typed)
        return found
    return household_search_members_q(text)


def household_search_members_q(text: str) -> Q:
    """The same search without the column: the code, the head's name or an EXISTS over the
    members (other databases; the PostgreSQL tests compare both)."""
    folded = fold(text)
    member_named = Member.objects.filter(
        household=OuterRef("pk"), person__name_folded__contains=folded
    )
    return (
        Q(code__icontains=text.strip())
        | Q(head_name_folded__contains=folded)
        | Q(Exists(member_named))
    )


def household_list(
    *,
    user,
    q: str = "",
    commune: int | None = None,
    status: str = "",
    year: int | None = None,
    area_type: str = "",
) -> QuerySet[Household]:
    """The user's households, filtered.

    `status` is a review result (poor, near_poor, average, not_poor). Without `year` it is the
    household's status now: the result of its latest recognised review (contract.md, "Poverty
    review": the review of year Y sets the status for Y + 1). With `year`, households whose
    review of that year has that result, proposed or recognised. `year` alone: households
    reviewed that year.

    Each row carries `status_result` and `status_review_year` (its latest recognised review) and
    `with_member_count` adds the number of current members.
    """
    households = scope(Household.objects.select_related("commune", "head"), user)
    if q.strip():
        households = households.filter(household_search_q(q))
    if commune:
        households = households.filter(commune_id=commune)
    if area_type:
        households = households.filter(area_type=area_type)
    if year:
        reviews = PovertyReview.objects.filter(household=OuterRef("pk"), review_year=year)
        if status:
            reviews = reviews.filter(result=status)
        households = households.filter(Exists(reviews))
    households = _with_status(households)
    if status and not year:
        households = households.filter(status_result=status)
    # By commune code (the official order of the administrative lists), village and code: the
    # order of the index `households_list_order` (migration 0004), so the first page of a
    # province is read from the index instead of sorting its 190,000 households by commune name.
    return households.order_by("commune_id", "village", "code")


def household_rows(*, user, ids: list[int]) -> list[Household]:
    """The list's rows for these households (one page), in this order, each with its status
    (`status_result`, `status_review_year`), its current `member_count`, commune and head.

    The list finds a page's households first (their ids, read from the index in order) and
    then computes the three per-row figures for those 50 only: in one query with OFFSET,
    PostgreSQL computes them for every row it skips too, and the 78th page of a commune cost
    100 ms instead of the first page's 35."""
    rows = with_member_count(
        _with_status(scope(Household.objects.select_related("commune", "head"), user).filter(pk__in=ids))
    )
    by_pk = {household.pk: household for household in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def with_member_count(households: QuerySet[Household]) -> QuerySet[Household]:
    """Each household with `member_count`, its current members."""
    members = (
        Member.objects.filter(household=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return households.annotate(member_count=Coalesce(Subquery(members), 0))


def household_status_counts(households: QuerySet[Household]) -> dict[str, int]:
    """How many of the listed households have each status (latest recognised result); the
    key "" counts those never recognised."""
    rows = households.order_by().values("status_result").annotate(n=Count("pk"))
    return {row["status_result"] or "": row["n"] for row in rows}


def household_list_counts(*, user, filters: dict) -> dict[str, int]:
    """`household_status_counts` of the user's filtered list, kept in the cache per (the
    user's areas, the filters) until case data changes (`welfare.core.data_version`).

    A province's count by status reads each household's latest recognised review: about half
    a second over 190,000 households, which the list would otherwise pay on every page."""
    return cached(
        "household-counts",
        [user_areas_key(user), filters],
        lambda: household_status_counts(household_list(user=user, **filters)),
    )


def household_years(*, user) -> list[int]:
    """The review years of the user's households, newest first (for the year filter).

    A province holds hundreds of thousands of reviews for a handful of years: the database
    returns the distinct years only (the model's default ordering is cleared, else DISTINCT
    would run over (year, household)), and the list is kept in the cache until case data
    changes (`welfare.core.data_version`)."""

    def years() -> list[int]:
        reviews = scope(PovertyReview.objects.all(), user)
        return list(
            reviews.order_by("-review_year").values_list("review_year", flat=True).distinct()
        )

    return cached("household-years", [user_areas_key(user)], years)


def household_detail(*, user, pk: int) -> Household:
    """One of the user's households (404 for another commune's)."""
    return get_scoped_or_404(
        Household.objects.select_related("commune", "commune__province", "head"), user, pk=pk
    )


def household_members(*, household: Household) -> list[Member]:
    """Members, the current ones first (the head on top), those who left after."""
    members = household.members.select_related("person").order_by("pk")
    return sorted(members, key=lambda m: (m.left_on is not None, m.relation != "head", m.pk))


def household_reviews(*, household: Household) -> QuerySet[PovertyReview]:
    return household.reviews.select_related("standard", "recognised_by").order_by("-review_year")


# --- People -----------------------------------------------------------------------------------


def person_detail(*, user, pk: int) -> Person:
    """One of the user's people (404 for another commune's)."""
    return get_scoped_or_404(Person.objects.select_related("commune"), user, pk=pk)


def person_memberships(*, user, person: Person) -> QuerySet[Member]:
    """The person's places in households the user may see."""
    return (
        scope(Member.objects.filter(person=person), user)
        .select_related("household", "household__commune")
        .order_by("left_on", "-pk")
    )


def person_cards(*, user, person: Person) -> QuerySet[InsuranceCard]:
    return card_list(user=user).filter(person=person)


def person_search(*, user, q: str) -> QuerySet[Person]:
    folded = fold(q)
    people = scope(Person.objects.select_related("commune"), user)
    if not folded:
        return people.none()
    return people.filter(Q(name_folded__contains=folded) | Q(id_number=q.strip()))


@dataclass
class DuplicatePair:
    first: Person
    second: Person

    @property
    def people(self) -> list[Person]:
        return [self.first, self.second]


def person_duplicates(*, user, limit: int = 500) -> list[DuplicatePair]:
    """Possible duplicates: people of the user's areas with the same folded name and birth
    date, except pairs an officer already marked distinct (design.md, "Person").

    Both people of a pair lie in the user's areas, so whoever sees a pair may act on it.
    """
    people = scope(Person.objects.filter(birth_date__isnull=False), user)
    twin = people.filter(
        name_folded=OuterRef("name_folded"), birth_date=OuterRef("birth_date")
    ).exclude(pk=OuterRef("pk"))
    candidates = (
        people.filter(Exists(twin))
        .select_related("commune")
        .order_by("name_folded", "birth_date", "pk")
    )
    groups: dict[tuple[str, dt.date], list[Person]] = defaultdict(list)
    for person in candidates[: limit * 4]:
        groups[(person.name_folded, person.birth_date)].append(person)
    ids = [p.pk for group in groups.values() for p in group]
    distinct = set(
        PersonDistinct.objects.filter(first_id__in=ids, second_id__in=ids).values_list(
            "first_id", "second_id"
        )
    )
    pairs = []
    for group in groups.values():
        for a, b in combinations(sorted(group, key=lambda p: p.pk), 2):
            if (a.pk, b.pk) not in distinct:
                pairs.append(DuplicatePair(a, b))
                if len(pairs) >= limit:
                    return pairs
    return pairs


def duplicate_pair(*, user, first_pk: int, second_pk: int) -> DuplicatePair:
    """Two people of the user's areas, each fetched through scoping (404 otherwise)."""
    first = get_scoped_or_404(Person, user, pk=first_pk)
    second = get_scoped_or_404(Person, user, pk=second_pk)
    return DuplicatePair(first, second)


def person_household_links(*, user, people: list[Person]) -> dict[int, list[Member]]:
    """Current memberships of several people at once, in households the user may see (the
    duplicate queue shows them)."""
    links: dict[int, list[Member]] = defaultdict(list)
    members = scope(Member.objects.filter(person__in=people, left_on__isnull=True), user)
    for member in members.select_related("household"):
        links[member.person_id].append(member)
    return links


# --- Health-insurance cards -------------------------------------------------------------------


def card_list(
    *,
    user,
    q: str = "",
    commune: int | None = None,
    group: str = "",
    year: int | None = None,
    household: Household | None = None,
) -> QuerySet[InsuranceCard]:
    """The user's cards; `q` finds a card number, a holder's name (accents ignored) or ID;
    `year` is the year of issue."""
    cards = scope(InsuranceCard.objects.select_related("commune", "household", "person"), user)
    text = q.strip()
    if text:
        folded = fold(text)
        cards = cards.filter(
            Q(card_number__icontains=text)
            | Q(holder_name_folded__contains=folded)
            | Q(holder_id_number=text)
        )
    if commune:
        cards = cards.filter(commune_id=commune)
    if group:
        cards = cards.filter(beneficiary_group=group)
    if year:
        cards = cards.filter(issued_on__year=year)
    if household is not None:
        cards = cards.filter(household=household)
    return cards.order_by("-issued_on", "card_number")


def card_years(*, user) -> list[int]:
    dates = scope(InsuranceCard.objects.all(), user).dates("issued_on", "year", order="DESC")
    return [d.year for d in dates]


def card_detail(*, user, pk: int) -> InsuranceCard:
    return get_scoped_or_404(
        InsuranceCard.objects.select_related("commune", "household", "person"), user, pk=pk
    )


def household_by_code(*, user, code: str, commune_id: int | None = None) -> Household | None:
    """A household of the user's areas by its code (the card form names a household so)."""
    households = scope(Household.objects.all(), user).filter(code=code.strip())
    if commune_id:
        households = households.filter(commune_id=commune_id)
    return households.first()


# --- Change history ---------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    """One change of one record: who, when, what kind, and each field's old and new value."""

    when: dt.datetime
    who: str
    kind: str
    subject: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    # The import that wrote this change (its change reason, `ImportRun.history_reason`), if any.
    import_run: int | None = None


def visible_person_ids(*, user, ids) -> set[int]:
    """Of these people, those whose page the user may open (one query): a record of the user's
    commune may be linked by citizen ID to a person of another commune."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return set()
    return set(scope(Person.objects.filter(pk__in=ids), user).values_list("pk", flat=True))


HISTORY_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# The change reason an import writes on its rows (`ImportRun.history_reason`).
IMPORT_REASON = re.compile(r"import (\d+)")


def _import_run(record) -> int | None:
    match = IMPORT_REASON.fullmatch(getattr(record, "history_change_reason", None) or "")
    return int(match.group(1)) if match else None


def history_entries(
    records, *, subject, limit: int = 60, excluded_fields: tuple[str, ...] = ()
) -> list[HistoryEntry]:
    """Entries of historical records (simple_history) of one model, newest first, each diffed
    against the previous record of the same object. `subject(record)` names the object.

    Foreign keys show the related object's name where it is a person or a commune; the
    records of one object are diffed in memory, without a query per record.
    """
    records = list(records)
    by_object: dict[int, list] = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    kind_labels = {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}
    entries = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in versions:
            model = record.instance_type
            changes = []
            if previous is not None:
                delta = record.diff_against(previous, excluded_fields=excluded_fields)
                for change in delta.changes:
                    model_field = model._meta.get_field(change.field)
                    label = str(model_field.verbose_name)
                    changes.append(
                        (
                            label[:1].upper() + label[1:],
                            display_value(model_field, change.old, cut=None),
                            display_value(model_field, change.new, cut=None),
                        )
                    )
            kind = HISTORY_KINDS.get(record.history_type, "changed")
            # A save that changed nothing a user edits (a version bump) says nothing: skip it.
            if kind != "changed" or changes:
                entries.append(
                    HistoryEntry(
                        when=record.history_date,
                        who=history_user_name(record),
                        kind=kind_labels[kind],
                        subject=subject(record),
                        changes=changes,
                        import_run=_import_run(record),
                    )
                )
            previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def household_history(*, household: Household, limit: int = 60) -> list[HistoryEntry]:
    """The changes of a household, of its memberships and of its members' personal records."""
    household_records = household.history.select_related("history_user").order_by("-history_date")[
        :200
    ]
    member_records = list(
        Member.history.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("-history_date")[:400]
    )
    person_ids = {r.person_id for r in member_records}
    names = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "full_name"))
    person_records = (
        Person.history.filter(id__in=person_ids)
        .select_related("history_user")
        .order_by("-history_date")[:400]
    )
    household_label = _("Household %(code)s")
    entries = [
        *history_entries(
            household_records, subject=lambda r: household_label % {"code": r.code}, limit=limit
        ),
        *history_entries(
            member_records,
            subject=lambda r: _("Member %(name)s") % {"name": names.get(r.person_id, "")},
            limit=limit,
        ),
        *history_entries(person_records, subject=lambda r: r.full_name, limit=limit),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def person_history(*, person: Person, limit: int = 60) -> list[HistoryEntry]:
    records = person.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.full_name, limit=limit)


def card_history(*, card: InsuranceCard, limit: int = 60) -> list[HistoryEntry]:
    records = card.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.card_number, limit=limit)
