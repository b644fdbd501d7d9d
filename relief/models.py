"""What the province hands out, to whom and from which source (domain.md, "Relief and gifts",
"Employment" for COVID-19 support).

- `ReliefRound` and `Distribution`: a round of relief (hunger relief in rice, disaster, Tết)
  covering a province, with a default ration; one distribution per household (or a named
  person without a household) and round. A closed round locks its distributions.
- `GiftRound` and `Gift`: gifts given in a round, each with its own recipient group, funding
  source and value.
- `CovidPolicyGroup` (reference rows) and `CovidSupport`: support approved under Resolution
  68/NQ-CP and Decision 23/2021/QĐ-TTg, as amended.

Rules live in `services.py`.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from welfare.areas.models import Commune, Province
from welfare.core.models import VersionedModel
from welfare.core.text import fold
from welfare.households.models import Household, Person


class Cause(models.TextChoices):
    HUNGER = "hunger", _("Hunger relief (lean season)")
    DISASTER = "disaster", _("Natural disaster")
    TET = "tet", pgettext_lazy("relief cause", "Tết")
    OTHER = "other", _("Other")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Central budget")
    PROVINCE = "province", _("Province budget")
    DISTRICT = "district", _("District budget")
    COMMUNE = "commune", _("Commune budget")
    SOCIALIZED = "socialized", _("Socialized sources (organisations and individuals)")


class RecipientGroup(models.TextChoices):
    POOR_HOUSEHOLD = "poor_household", _("Poor households in especially difficult circumstances")
    SOCIAL_PROTECTION = "social_protection", _("Social-protection beneficiaries")
    ELDERLY = "elderly", _("Elderly people")
    CHILDREN = "children", _("Children")
    MERITORIOUS = "meritorious", _("Meritorious people")
    WORKER = "worker", _("Workers")
    OTHER = "other", _("Other")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ProvinceRound(VersionedModel):
    """A round of a province: its code is unique within the province (contract.md, "Rounds")."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    code = models.CharField(_("round code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    # A round covers a whole province (welfare.accounts.scoping).
    commune_path = None
    province_path = "province"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} – {self.name}" if self.name and self.name != self.code else self.code


class ReliefRound(ProvinceRound):
    """A relief round (đợt cứu trợ): its cause, period, funding source and default ration.

    The default rice of a distribution is persons covered × ration (kg per person per month) ×
    months, rounded to whole kg; its default cost is that rice × the value per kg."""

    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices)
    start_on = models.DateField(_("from"), null=True, blank=True)
    end_on = models.DateField(_("to"), null=True, blank=True)
    funding_source = models.CharField(
        _("funding source"), max_length=12, choices=FundingSource.choices, blank=True
    )
    ration_kg = models.DecimalField(
        _("ration (kg of rice per person per month)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    months = models.PositiveSmallIntegerField(
        _("months covered"), default=1, validators=[MinValueValidator(1)]
    )
    rice_value_vnd = models.PositiveIntegerField(
        _("value of rice (VND per kg)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["-start_on", "code"]
        verbose_name = _("relief round")
        verbose_name_plural = _("relief rounds")
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="relief_round_code_once"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(start_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="relief_round_dates_ordered",
            ),
        ]

    @property
    def closed(self) -> bool:
        return self.status == RoundStatus.CLOSED


class Distribution(VersionedModel):
    """One household's (or one named person's) share of a relief round."""

    round = models.ForeignKey(
        ReliefRound, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("round")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="relief_distributions", verbose_name=_("commune")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relief_distributions",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relief_distributions",
        verbose_name=_("person"),
    )
    recipient_name = models.CharField(_("recipient"), max_length=150, blank=True)
    recipient_folded = models.CharField(max_length=150, editable=False, blank=True)
    persons_covered = models.PositiveSmallIntegerField(
        _("persons covered"), validators=[MinValueValidator(1)]
    )
    rice_kg = models.PositiveIntegerField(_("rice (kg)"), default=0)
    cost_vnd = models.PositiveBigIntegerField(_("cost (VND)"), default=0)
    distributed_on = models.DateField(_("distributed on"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-distributed_on", "pk"]
        verbose_name = _("relief distribution")
        verbose_name_plural = _("relief distributions")
        indexes = [models.Index(fields=["distributed_on"], name="relief_distribution_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household"],
                condition=Q(household__isnull=False),
                name="relief_household_once_per_round",
                violation_error_message=_("This household already has a distribution in this round."),
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(recipient_name=""),
                name="relief_distribution_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.code}: {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.household_id:
            return f"{self.household.code} – {self.household.head.full_name if self.household.head_id else ''}"
        return self.recipient_name

    def save(self, *args, **kwargs):
        self.recipient_folded = fold(self.recipient_name)
        super().save(*args, **kwargs)


class GiftRound(ProvinceRound):
    """A round of gifts (đợt tặng quà); each gift carries its own group and source."""

    given_from = models.DateField(_("from"), null=True, blank=True)
    given_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["-given_from", "code"]
        verbose_name = _("gift round")
        verbose_name_plural = _("gift rounds")
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="relief_gift_round_code_once"),
        ]


class Gift(VersionedModel):
    """One gift (suất quà): to a household, a person or a named recipient."""

    round = models.ForeignKey(
        GiftRound, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("round")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("commune")
    )
    recipient_group = models.CharField(
        _("recipient group"), max_length=20, choices=RecipientGroup.choices
    )
    funding_source = models.CharField(
        _("funding source"), max_length=12, choices=FundingSource.choices
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gifts",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="gifts", verbose_name=_("person")
    )
    recipient_name = models.CharField(_("recipient"), max_length=150)
    recipient_folded = models.CharField(max_length=150, editable=False, blank=True)
    value_vnd = models.PositiveBigIntegerField(_("value (VND)"), validators=[MinValueValidator(1)])
    given_on = models.DateField(_("given on"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-given_on", "pk"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        indexes = [models.Index(fields=["given_on", "recipient_group"], name="relief_gift_date_group")]

    def __str__(self) -> str:
        return f"{self.round.code}: {self.recipient_name}"

    def save(self, *args, **kwargs):
        self.recipient_folded = fold(self.recipient_name)
        super().save(*args, **kwargs)


class CovidPolicyGroup(models.Model):
    """One of the 12 policy groups of Resolution 68/NQ-CP (list UNVERIFIED in domain.md: kept
    as editable rows). A support row whose `policy` equals a group's code is linked to it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("policy group"), max_length=255)
    legal_basis = models.CharField(_("legal source"), max_length=255)
    unverified = models.BooleanField(_("not yet checked against the gazette"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("COVID-19 policy group")
        verbose_name_plural = _("COVID-19 policy groups")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class RecipientType(models.TextChoices):
    WORKER = "worker", _("Worker")
    EMPLOYER = "employer", _("Employer")
    HOUSEHOLD_BUSINESS = "household_business", _("Household business")
    OTHER = "other", _("Other")


class CovidSupport(VersionedModel):
    """Support approved for a worker, an employer or a household business hit by COVID-19
    (Resolution 68/NQ-CP, Decision 23/2021/QĐ-TTg; amended by Resolution 126/NQ-CP and
    Decision 33/2021/QĐ-TTg)."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="covid_support", verbose_name=_("commune")
    )
    recipient_type = models.CharField(
        _("recipient type"), max_length=20, choices=RecipientType.choices
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_folded = models.CharField(max_length=200, editable=False, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="covid_support",
        verbose_name=_("person"),
    )
    policy = models.CharField(
        _("policy"), max_length=50, help_text=_("As written in the decision, e.g. 68/NQ-CP.")
    )
    policy_group = models.ForeignKey(
        CovidPolicyGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="support",
        verbose_name=_("policy group"),
    )
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), validators=[MinValueValidator(1)])
    approved_on = models.DateField(_("approved on"))
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-approved_on", "pk"]
        verbose_name = _("COVID-19 support")
        verbose_name_plural = _("COVID-19 support")
        indexes = [models.Index(fields=["approved_on"], name="relief_covid_date")]

    def __str__(self) -> str:
        return f"{self.recipient_name}: {self.amount_vnd:,}"

    def save(self, *args, **kwargs):
        self.recipient_folded = fold(self.recipient_name)
        super().save(*args, **kwargs)
