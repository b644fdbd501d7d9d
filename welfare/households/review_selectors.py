"""Reads on poverty reviews, scoped to the user's areas: the review list, the proposals
waiting for a head's recognition, the movement table and the lists the printouts need."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from welfare.accounts.scoping import scope, user_communes
from welfare.areas.models import Commune
from welfare.core.text import fold

from .models import Household, Member, PovertyResult, PovertyReview, ReviewStatus


def current_review_year(today: dt.date) -> int:
    """The year of the latest periodic review that has started (1 Sep – 14 Dec, Decision
    24/2021/QĐ-TTg): this year from September, last year before (a regular review early in the
    year revises last year's review, which is this year's status)."""
    return today.year if today.month >= 9 else today.year - 1


def review_list(
    *,
    user,
    commune: int | None = None,
    year: int | None = None,
    status: str = "",
    result: str = "",
    q: str = "",
) -> QuerySet[PovertyReview]:
    """The reviews of the user's communes (an officer) or province (a head), filtered."""
    reviews = scope(
        PovertyReview.objects.select_related(
            "household", "household__commune", "household__head", "standard"
        ),
        user,
    )
    if commune:
        reviews = reviews.filter(household__commune_id=commune)
    if year:
        reviews = reviews.filter(review_year=year)
    if status:
        reviews = reviews.filter(status=status)
    if result:
        reviews = reviews.filter(result=result)
    if q:
        folded = fold(q)
        reviews = reviews.filter(
            Q(household__code__icontains=q.strip())
            | Q(household__head_name_folded__contains=folded)
        )
    return reviews.order_by(
        "-review_year", "household__commune__name", "household__village", "household__code"
    )


def review_pending(
    *, user, commune: int | None = None, year: int | None = None, result: str = "", q: str = ""
) -> QuerySet[PovertyReview]:
    """Proposals waiting for a head's decision, in the user's areas."""
    return review_list(
        user=user, commune=commune, year=year, status=ReviewStatus.PROPOSED, result=result, q=q
    )


def review_years(*, user) -> list[int]:
    years = (
        scope(PovertyReview.objects.all(), user).order_by().values_list("review_year", flat=True)
    )
    return sorted(set(years), reverse=True)


def review_history(*, review: PovertyReview) -> QuerySet:
    """Every saved state of a review, newest first: a regular review's revision and the
    periodic result it replaced are both there."""
    return review.history.select_related("history_user").order_by("-history_date", "-history_id")


def carry_forward_count(*, user, commune: Commune, from_year: int) -> int:
    """How many proposals `services.review_carry_forward` would create: households of the
    commune with a review of `from_year` and none of the year after."""
    reviews = scope(PovertyReview.objects.all(), user).filter(household__commune=commune)
    later = reviews.filter(review_year=from_year + 1, household=OuterRef("household"))
    return reviews.filter(review_year=from_year).exclude(Exists(later)).count()


# --- The movement table ------------------------------------------------------------------------


@dataclass
class Movement:
    """The movement of one category (poor or near-poor) in one area, for status year Y.

    `previous` is the recognised review of Y − 2 (the status of Y − 1), `current` that of Y − 1
    (the status of Y); `earlier` means any recognised review before Y − 2.

    - start: households in the category by their previous review;
    - exited (thoát): in the category by the previous review, not by the current one (another
      result, or no recognised current review: the household left the list);
    - fell back (tái nghèo / tái cận nghèo): in the category by the current review, not by the
      previous one (or without one), but in it by an earlier review;
    - new (phát sinh): in the category by the current review, never in it by the previous or an
      earlier review;
    - end: households in the category by their current review.

    Start − exited is the households in the category by both reviews; fell back + new is
    those in it by the current review only; so start − exited + fell back + new = end.
    """

    start: int = 0
    exited: int = 0
    fell_back: int = 0
    new: int = 0
    end: int = 0

    def add(self, other: "Movement") -> None:
        for name in ("start", "exited", "fell_back", "new", "end"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def balanced(self) -> bool:
        return self.start - self.exited + self.fell_back + self.new == self.end


@dataclass
class MovementRow:
    commune: Commune | None  # None on the total row
    poor: Movement = field(default_factory=Movement)
    near_poor: Movement = field(default_factory=Movement)


def movement_table(*, user, status_year: int, commune: int | None = None) -> list[MovementRow]:
    """The movement of poor and near-poor households per commune for the status year Y (the
    reviews of Y − 2 and Y − 1, recognised only; see `Movement`). One row per commune of the
    user's areas that has such reviews (or the one commune asked for), then a total row.

    Counted in the database: each household is annotated with its two results and whether an
    earlier review put it in each category, and households are counted per combination.
    """
    previous_year, current_year = status_year - 2, status_year - 1
    recognised = PovertyReview.objects.filter(
        household=OuterRef("pk"), status=ReviewStatus.RECOGNISED
    )
    households = scope(Household.objects.all(), user)
    if commune:
        households = households.filter(commune_id=commune)
    households = households.filter(
        Exists(recognised.filter(review_year__in=[previous_year, current_year]))
    )
    groups = (
        households.annotate(
            previous=Subquery(recognised.filter(review_year=previous_year).values("result")[:1]),
            current=Subquery(recognised.filter(review_year=current_year).values("result")[:1]),
            earlier_poor=Exists(
                recognised.filter(review_year__lt=previous_year, result=PovertyResult.POOR)
            ),
            earlier_near_poor=Exists(
                recognised.filter(review_year__lt=previous_year, result=PovertyResult.NEAR_POOR)
            ),
        )
        .order_by()
        .values("commune_id", "previous", "current", "earlier_poor", "earlier_near_poor")
        .annotate(n=Count("pk"))
    )
    rows: dict[int, MovementRow] = {}
    for group in groups:
        row = rows.setdefault(group["commune_id"], MovementRow(commune=None))
        for category, earlier in (
            (PovertyResult.POOR, group["earlier_poor"]),
            (PovertyResult.NEAR_POOR, group["earlier_near_poor"]),
        ):
            movement = row.poor if category == PovertyResult.POOR else row.near_poor
            _tally(movement, category, group["previous"], group["current"], earlier, group["n"])
    communes = {c.pk: c for c in Commune.objects.filter(pk__in=rows)}
    ordered = sorted(rows.items(), key=lambda item: communes[item[0]].name)
    total = MovementRow(commune=None)
    result = []
    for code, row in ordered:
        row.commune = communes[code]
        total.poor.add(row.poor)
        total.near_poor.add(row.near_poor)
        result.append(row)
    result.append(total)
    return result


def _tally(movement: Movement, category: str, previous, current, earlier: bool, n: int) -> None:
    was, now = previous == category, current == category
    if was:
        movement.start += n
        if not now:
            movement.exited += n
    if now:
        movement.end += n
        if not was:
            if earlier:
                movement.fell_back += n
            else:
                movement.new += n


def movement_communes(*, user) -> QuerySet[Commune]:
    return user_communes(user).order_by("name")


# --- Printouts ---------------------------------------------------------------------------------


def posting_reviews(*, user, commune: Commune, year: int) -> QuerySet[PovertyReview]:
    """The reviews of a commune and year for public posting, by village then household."""
    return (
        scope(PovertyReview.objects.select_related("household", "household__head"), user)
        .filter(household__commune=commune, review_year=year)
        .order_by("household__village", "household__head_name_folded", "household__code")
    )


def household_members(*, household: Household) -> QuerySet[Member]:
    """The current members of a household, the head first."""
    return (
        household.members.filter(left_on__isnull=True)
        .select_related("person")
        .annotate(
            head_first=Case(
                When(relation="head", then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("head_first", "pk")
    )
