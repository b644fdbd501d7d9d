"""People, households and their members; poverty standards and reviews; health-insurance cards.

Rules that the form, the import and the admin all need live in `services.py` (classification,
ID checks, recognition); the tables here hold the invariants a database can keep.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from welfare.areas.models import Commune
from welfare.core.models import VersionedModel
from welfare.core.text import fold

from .validators import validate_citizen_id


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class AreaType(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Living here")
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved away")


class Person(VersionedModel):
    """One identified human, reused wherever they appear (member, card holder, beneficiary).

    `commune` is where the person's record is kept (their home commune): it scopes who may see
    them. The citizen ID is unique when present.
    """

    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1880), MaxValueValidator(2100)],
        help_text=_("When only the year is known."),
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    id_number = models.CharField(
        _("citizen ID"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_citizen_id],
        error_messages={"unique": _("Another person already has this citizen ID.")},
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="people", verbose_name=_("commune")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    status_date = models.DateField(_("date of death or move"), null=True, blank=True)
    status_note = models.CharField(_("note on death or move"), max_length=255, blank=True)

    class Meta:
        ordering = ["name_folded", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["name_folded", "birth_date"], name="households_person_dup")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        if self.id_number == "":
            self.id_number = None
        if self.birth_date:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)

    @property
    def born(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


class PersonDistinct(models.Model):
    """Two people an officer looked at and found to be different humans despite the same
    folded name and birth date: they leave the duplicate queue. `first_id < second_id`."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    commune_path = "first__commune"

    class Meta:
        verbose_name = _("people marked distinct")
        verbose_name_plural = _("people marked distinct")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="households_distinct_pair"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="households_distinct_ordered"
            ),
        ]


class Household(VersionedModel):
    """A household of a commune: its members, their relation to the head, rural or urban."""

    code = models.CharField(
        _("household code"),
        max_length=30,
        unique=True,
        error_messages={"unique": _("Another household already has this code.")},
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="households", verbose_name=_("commune")
    )
    village = models.CharField(_("village"), max_length=100, blank=True)
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    legacy_district = models.CharField(
        _("former district"),
        max_length=100,
        blank=True,
        help_text=_("The district (huyện) of the time, for records made before 1 July 2025."),
    )
    head = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="headed_households",
        verbose_name=_("head of household"),
    )
    # The head's folded name, kept here so the household list searches one indexed column.
    head_name_folded = models.CharField(max_length=150, editable=False, blank=True, db_index=True)
    # What the household list's search looks in, on PostgreSQL: the lower-cased code, the head's
    # folded name and the folded names of all its members ever, one per line, under one trigram
    # index (selectors.household_search_q). Written by the database's triggers (migration 0005)
    # whatever writes the household, its members or their names (forms, admin, COPY imports,
    # undo, merges): whatever value a save sends is replaced. Empty on other databases.
    search_folded = models.TextField(editable=False, blank=True, default="")

    # Derived by the database from other rows: not an edit, so not in the history.
    history_excluded_fields = ("search_folded",)

    class Meta:
        ordering = ["commune_id", "village", "code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        # The household list's order (selectors.household_list): its first page is read from
        # the index, not sorted from a province's whole table (issue 9).
        indexes = [
            models.Index(fields=["commune", "village", "code"], name="households_list_order")
        ]

    def __str__(self) -> str:
        return self.code


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class Member(VersionedModel):
    """A person's place in a household. A household has exactly one head."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    relation = models.CharField(_("relation to the head"), max_length=12, choices=Relation.choices)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    commune_path = "household__commune"

    class Meta:
        ordering = ["household_id", "pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                name="households_member_once",
                violation_error_message=_("This person is already a member of the household."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="head"),
                name="households_one_head",
                violation_error_message=_("A household has exactly one head."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_relation_display()})"


class PovertyStandard(models.Model):
    """A multidimensional poverty standard (chuẩn nghèo đa chiều) and the review years it covers.

    The review of year Y uses the standard whose review years cover Y and sets the household's
    status for Y + 1 (contract.md, "Poverty review"). Reference data: loaded by a data migration,
    editable in the admin.
    """

    code = models.CharField(_("decree"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    first_review_year = models.PositiveSmallIntegerField(_("first review year"))
    last_review_year = models.PositiveSmallIntegerField(_("last review year"))
    rural_income_line = models.PositiveIntegerField(_("rural income line (VND/person/month)"))
    urban_income_line = models.PositiveIntegerField(_("urban income line (VND/person/month)"))
    rural_average_bound = models.PositiveIntegerField(
        _("rural upper bound of average living standard"), null=True, blank=True
    )
    urban_average_bound = models.PositiveIntegerField(
        _("urban upper bound of average living standard"), null=True, blank=True
    )
    average_bounds_unverified = models.BooleanField(
        _("upper bounds not yet verified"),
        default=False,
        help_text=_("The decree's average-living bounds are not confirmed: check them."),
    )
    poor_min_deprivations = models.PositiveSmallIntegerField(
        _("deprivations that make an income-poor household poor"), default=3
    )
    source = models.CharField(_("legal source"), max_length=255, blank=True)
    # Reference data that law changes: who changed a line or a bound, and when, is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_review_year"]
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_review_year__lte=models.F("last_review_year")),
                name="households_standard_years_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def income_line(self, area_type: str) -> int:
        return self.urban_income_line if area_type == AreaType.URBAN else self.rural_income_line

    def average_bound(self, area_type: str) -> int | None:
        return self.urban_average_bound if area_type == AreaType.URBAN else self.rural_average_bound


class Dimension(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing")
    WATER = "water", _("Water and sanitation")
    INFORMATION = "information", _("Information")


class DeprivationIndicator(models.Model):
    """One of the 12 indicators of basic social services, numbered as in the decree."""

    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    name = models.CharField(_("indicator"), max_length=150)
    threshold = models.CharField(_("deprivation threshold"), max_length=255, blank=True)
    threshold_unverified = models.BooleanField(_("threshold not yet verified"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard_id", "number"]
        verbose_name = _("deprivation indicator")
        verbose_name_plural = _("deprivation indicators")
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="households_indicator_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class PovertyResult(models.TextChoices):
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    AVERAGE = "average", _("Average living standard")
    NOT_POOR = "not_poor", _("Not poor")


class ReviewKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic review")
    REGULAR = "regular", _("Regular review")


class ReviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RECOGNISED = "recognised", _("Recognised")


class PovertyReview(VersionedModel):
    """A household's review of one year: its result is the household's status for the next year.

    A regular review during the status year revises this same row; the change history keeps
    the earlier result (Decision 24/2021/QĐ-TTg).
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("household")
    )
    review_year = models.PositiveSmallIntegerField(
        _("review year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(
        _("kind of review"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.PERIODIC
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    standard = models.ForeignKey(
        PovertyStandard, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("standard")
    )
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices)
    income_per_capita_vnd = models.PositiveBigIntegerField(
        _("income per person per month (VND)")
    )
    # Indicator numbers (1–12) the household is deprived on, sorted.
    deprivations = models.JSONField(_("deprivations"), default=list, blank=True)
    deprivation_count = models.PositiveSmallIntegerField(default=0, editable=False)
    result = models.CharField(_("result"), max_length=10, choices=PovertyResult.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recognised by"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    commune_path = "household__commune"

    class Meta:
        ordering = ["-review_year", "household_id"]
        verbose_name = _("poverty review")
        verbose_name_plural = _("poverty reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "review_year"],
                name="households_review_once_a_year",
                violation_error_message=_(
                    "The household already has a review for this year: revise that one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(recognised_on__isnull=False),
                name="households_recognised_has_date",
            ),
        ]
        indexes = [models.Index(fields=["review_year", "status", "result"])]

    def __str__(self) -> str:
        return f"{self.household} – {self.review_year}"

    def save(self, *args, **kwargs):
        self.deprivations = sorted(set(self.deprivations or []))
        self.deprivation_count = len(self.deprivations)
        super().save(*args, **kwargs)

    @property
    def status_year(self) -> int:
        return self.review_year + 1


class BeneficiaryGroup(models.TextChoices):
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    MERITORIOUS = "meritorious", _("Person with meritorious services")
    SOCIAL_PROTECTION = "social_protection", _("Social-protection beneficiary")
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic minority in a difficult area")
    OTHER = "other", _("Other")


class InsuranceCard(VersionedModel):
    """A health-insurance card (thẻ BHYT) paid by the state budget for its beneficiary group.

    The holder is linked to a person when the ID number or the household identifies one;
    otherwise only the name is kept.
    """

    card_number = models.CharField(
        _("card number"),
        max_length=20,
        unique=True,
        error_messages={"unique": _("Another card already has this number.")},
    )
    holder_name = models.CharField(_("holder's name"), max_length=150)
    holder_name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    holder_id_number = models.CharField(_("holder's citizen ID"), max_length=12, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="insurance_cards",
        verbose_name=_("holder"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="insurance_cards",
        verbose_name=_("household"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="insurance_cards", verbose_name=_("commune")
    )
    beneficiary_group = models.CharField(
        _("beneficiary group"), max_length=20, choices=BeneficiaryGroup.choices
    )
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "card_number"]
        verbose_name = _("health-insurance card")
        verbose_name_plural = _("health-insurance cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="households_card_validity_ordered",
                violation_error_message=_("The card cannot be valid to a date before it is valid from."),
            )
        ]
        indexes = [models.Index(fields=["issued_on", "commune"])]

    def __str__(self) -> str:
        return self.card_number

    def save(self, *args, **kwargs):
        self.holder_name_folded = fold(self.holder_name)
        super().save(*args, **kwargs)
