"""The admin for people, households, poverty standards and reviews, and health-insurance cards.

Non-superusers see the rows of their own areas only (`AreaScopedAdminMixin`). Where a rule
applies, saving goes through the same services as the officer's forms (conventions.md): a
review's result is computed by `services.review_save`, never typed; reviews are recognised by
`services.review_recognise` under a decision number and date; a household is registered with
its head by `services.household_register`. Writing needs the role permission `edit_cases`
besides Django's model permission, so a department head given staff access reads and
recognises but does not edit case records.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from welfare.accounts.scoping import (
    AreaScopedAdminMixin,
    area_paths,
    user_communes,
    user_provinces,
)
from welfare.core.admin import ExpectedVersionForm, RefusedSaveAdminMixin, nowrap
from welfare.core.formatting import format_vnd
from welfare.core.services import versioned_update
from welfare.core.text import fold

from . import services
from .models import (
    DeprivationIndicator,
    Household,
    InsuranceCard,
    Member,
    Person,
    PersonDistinct,
    PersonStatus,
    PovertyResult,
    PovertyReview,
    PovertyStandard,
    Relation,
    ReviewStatus,
    Sex,
)
from .poverty import standard_for_review_year

# --- Shared pieces ------------------------------------------------------------------------------


class ProvinceFilter(admin.SimpleListFilter):
    """The provinces the user works in (one for a head: then the filter is not shown)."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        provinces = list(user_provinces(request.user).values_list("code", "name"))
        return provinces if len(provinces) > 1 else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{area_paths(queryset.model)[1]: self.value()})
        return queryset


class CommuneFilter(admin.SimpleListFilter):
    """The user's communes, narrowed to the chosen province; hidden when there are too many
    to list (an admin picks a province first)."""

    title = _("commune")
    parameter_name = "commune"
    limit = 100

    def lookups(self, request, model_admin):
        communes = user_communes(request.user)
        province = request.GET.get(ProvinceFilter.parameter_name)
        if province and province.isdigit():
            communes = communes.filter(province_id=int(province))
        rows = list(communes.values_list("code", "name")[: self.limit + 1])
        if len(rows) <= self.limit:
            return rows
        # Too many to list: keep the chosen one (from a link), so the filter still applies.
        chosen = self.value()
        if not (chosen and chosen.isdigit()):
            return []
        return list(communes.filter(code=chosen).values_list("code", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{area_paths(queryset.model)[0]: self.value()})
        return queryset


class FoldedSearchMixin:
    """Accent-insensitive search: the term is folded ("Nguyễn", "nguyen", "NGUYEN" alike) and
    looked up in the stored folded columns, besides the ordinary `search_fields`."""

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if folded and self.folded_search_fields:
            matches = Q()
            for field in self.folded_search_fields:
                matches |= Q(**{f"{field}__contains": folded})
                may_have_duplicates |= "__" in field
            results = results | queryset.filter(matches)
        return results, may_have_duplicates


class ServiceAdmin(RefusedSaveAdminMixin, FoldedSearchMixin, AreaScopedAdminMixin, SimpleHistoryAdmin):
    """A scoped, history-keeping admin whose writes go through the services.

    A service that refuses (a rule, a stale version, another commune) leaves the record as it
    was and says why at the top of the page.
    """

    readonly_fields = ["version", "created_at", "updated_at"]
    # Writes need the role's `edit_cases` on top of Django's model permission.
    write_permission = "welfare.edit_cases"

    def _may_write(self, request) -> bool:
        return request.user.has_perm(self.write_permission)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_write(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_write(request)


class CapitalisedLabels:
    """Labels of declared fields start with a capital, like those the admin makes from models."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)


class VersionedAdminForm(CapitalisedLabels, ExpectedVersionForm):
    """Carries the version the editor opened, so a stale save is refused, not lost."""


# --- People -------------------------------------------------------------------------------------


class PersonForm(VersionedAdminForm):
    class Meta:
        model = Person
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        problems = services.person_id_problems(
            id_number=cleaned.get("id_number"),
            sex=cleaned.get("sex") or "",
            birth_date=cleaned.get("birth_date"),
            birth_year=cleaned.get("birth_year"),
        )
        if problems:
            self.add_error("id_number", problems)
        status = cleaned.get("status")
        if status in (PersonStatus.DIED, PersonStatus.MOVED) and not cleaned.get("status_date"):
            self.add_error("status_date", gettext("Enter the date of death or move."))
        return cleaned


def _person_data(cleaned: dict) -> services.PersonData:
    return services.PersonData(
        full_name=cleaned["full_name"],
        sex=cleaned.get("sex") or "",
        birth_date=cleaned.get("birth_date"),
        birth_year=cleaned.get("birth_year"),
        ethnicity=cleaned.get("ethnicity") or "",
        id_number=cleaned.get("id_number") or None,
    )


class MembershipInline(admin.TabularInline):
    """The households a person belongs to (read here; edited on the household)."""

    model = Member
    fk_name = "person"
    fields = ["household", "relation", "left_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("households")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    form = PersonForm
    list_display = ["full_name", "sex", "born", "ethnicity", "id_number", "commune", "status"]
    list_filter = ["status", "sex", ProvinceFilter, CommuneFilter]
    search_fields = ["=id_number"]
    folded_search_fields = ("name_folded",)
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": (
            "full_name", "sex", "birth_date", "birth_year", "ethnicity", "id_number", "commune",
        )}),
        (_("Death or move"), {"fields": ("status", "status_date", "status_note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("year of birth"))
    def born(self, obj):
        return obj.birth_date.strftime("%d/%m/%Y") if obj.birth_date else (obj.birth_year or "")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["commune"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned, user = form.cleaned_data, request.user
        data = _person_data(cleaned)
        if not change:
            saved = services.person_for(user=user, commune=cleaned["commune"], data=data)
            self.adopt(obj, saved)
            return
        stored = Person.objects.get(pk=obj.pk)
        saved = services.person_update(
            user=user, person=stored, expected_version=form.expected(obj), data=data
        )
        status = cleaned["status"]
        if status != stored.status and status in (PersonStatus.DIED, PersonStatus.MOVED):
            # Tells every registered programme, as the person page does.
            saved = services.person_exit(
                user=user, person=saved, status=status, on=cleaned["status_date"],
                note=cleaned.get("status_note") or "",
            )
        elif (status, cleaned.get("status_date"), cleaned.get("status_note") or "") != (
            stored.status, stored.status_date, stored.status_note
        ):
            # An admin correcting a death or move recorded by mistake.
            saved = versioned_update(
                saved,
                expected_version=saved.version,
                changes={
                    "status": status,
                    "status_date": cleaned.get("status_date"),
                    "status_note": cleaned.get("status_note") or "",
                },
            )
        self.adopt(obj, saved)


class PersonDistinctForm(CapitalisedLabels, forms.ModelForm):
    class Meta:
        model = PersonDistinct
        fields = ["first", "second"]
        labels = {"first": _("first person"), "second": _("second person")}

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second:
            if first.pk == second.pk:
                raise ValidationError(gettext("Choose two different people."))
            # The pair is stored in id order, whichever way it was picked.
            cleaned["first"], cleaned["second"] = sorted((first, second), key=lambda p: p.pk)
        return cleaned


@admin.register(PersonDistinct)
class PersonDistinctAdmin(FoldedSearchMixin, AreaScopedAdminMixin, admin.ModelAdmin):
    """Pairs taken off the duplicate queue. Marked through `services.person_mark_distinct`.

    The model keeps no history table of its own (it is a decision, with who and when)."""

    form = PersonDistinctForm
    list_display = ["first_person", "second_person", "decided_by_user", "decided_when"]
    list_select_related = ["first", "second", "decided_by"]
    autocomplete_fields = ["first", "second"]
    readonly_fields = ["decided_by_user", "decided_when"]
    fields = ["first", "second", "decided_by_user", "decided_when"]

    @admin.display(description=_("first person"), ordering="first__name_folded")
    def first_person(self, obj):
        return obj.first

    @admin.display(description=_("second person"), ordering="second__name_folded")
    def second_person(self, obj):
        return obj.second

    @admin.display(description=_("decided by"))
    def decided_by_user(self, obj):
        return obj.decided_by or ""

    @admin.display(description=_("decided at"), ordering="decided_at")
    def decided_when(self, obj):
        return obj.decided_at.strftime("%d/%m/%Y") if obj and obj.decided_at else ""
    folded_search_fields = ("first__name_folded", "second__name_folded")

    def has_change_permission(self, request, obj=None):
        # A decision is added or deleted (putting the pair back on the queue), not edited.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.person_mark_distinct(user=request.user, first=obj.first, second=obj.second)
        a, b = sorted((obj.first, obj.second), key=lambda p: p.pk)
        obj.pk = PersonDistinct.objects.get(first=a, second=b).pk
        obj._state.adding = False


# --- Households ---------------------------------------------------------------------------------


class MemberInlineFormSet(forms.BaseInlineFormSet):
    """The head is set when the household is registered and changed on its page: here no
    row may become or stop being the head, and a member leaves with a date instead of being
    deleted."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            before = form.initial.get("relation")
            after = form.cleaned_data.get("relation")
            if Relation.HEAD in (before, after) and before != after:
                form.add_error(
                    "relation",
                    gettext("The head is changed with “Change the head”, not by editing a member."),
                )


class MemberInline(admin.TabularInline):
    model = Member
    formset = MemberInlineFormSet
    fields = ["person", "relation", "left_on", "version"]
    readonly_fields = ["version"]
    autocomplete_fields = ["person"]
    extra = 0
    can_delete = False


@admin.register(Member)
class MemberAdmin(FoldedSearchMixin, AreaScopedAdminMixin, SimpleHistoryAdmin):
    """Memberships, to read and to follow their history (the history button): they are changed
    on their household's form (`MemberInline`), where the rules of the head and of leaving
    apply, never here."""

    list_display = ["person", "household", "relation", "left_on", "version"]
    list_filter = ["relation"]
    search_fields = ["household__code"]
    folded_search_fields = ("person__name_folded",)
    list_select_related = ["person", "household"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HouseholdAddForm(CapitalisedLabels, forms.ModelForm):
    """A household is registered with its head (a household has exactly one head)."""

    head_full_name = forms.CharField(label=_("head's full name"), max_length=150)
    head_sex = forms.ChoiceField(
        label=_("head's sex"), choices=[("", "---------"), *Sex.choices], required=False
    )
    head_birth_date = forms.DateField(label=_("head's date of birth"), required=False)
    head_ethnicity = forms.CharField(label=_("head's ethnicity"), max_length=50, required=False)
    head_id_number = forms.CharField(label=_("head's citizen ID"), max_length=12, required=False)

    class Meta:
        model = Household
        fields = ["code", "commune", "village", "area_type", "address", "legacy_district"]

    def clean(self):
        cleaned = super().clean()
        problems = services.person_id_problems(
            id_number=cleaned.get("head_id_number") or None,
            sex=cleaned.get("head_sex") or "",
            birth_date=cleaned.get("head_birth_date"),
        )
        if problems:
            self.add_error("head_id_number", problems)
        return cleaned


class HouseholdChangeForm(VersionedAdminForm):
    class Meta:
        model = Household
        fields = ["code", "village", "area_type", "address", "legacy_district"]


@admin.register(Household)
class HouseholdAdmin(ServiceAdmin):
    list_display = ["code", "head_name", "village", "commune", "area_type", "member_count", "version"]
    list_filter = ["area_type", ProvinceFilter, CommuneFilter]
    search_fields = ["code", "village"]
    folded_search_fields = ("head_name_folded", "members__person__name_folded")
    list_select_related = ["commune", "head"]
    autocomplete_fields = ["commune"]
    inlines = [MemberInline]

    @admin.display(description=_("head of household"), ordering="head_name_folded")
    def head_name(self, obj):
        return obj.head.full_name if obj.head else ""

    @admin.display(description=_("members"), ordering="current_members")
    def member_count(self, obj):
        return obj.current_members

    def get_queryset(self, request):
        # Counted in the list's one query, not one query per row.
        return super().get_queryset(request).annotate(
            current_members=Count("members", filter=Q(members__left_on__isnull=True))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = HouseholdChangeForm if obj else HouseholdAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": (
                    "code", "commune", "village", "area_type", "address", "legacy_district",
                )}),
                (_("Head of household"), {"fields": (
                    "head_full_name", "head_sex", "head_birth_date", "head_ethnicity",
                    "head_id_number",
                )}),
            )
        return (
            (None, {"fields": (
                "code", "commune", "head", "village", "area_type", "address", "legacy_district",
            )}),
            (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["commune", "head"] if obj else readonly

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        cleaned, user = form.cleaned_data, request.user
        if not change:
            head = services.MemberData(
                person=services.PersonData(
                    full_name=cleaned["head_full_name"],
                    sex=cleaned.get("head_sex") or "",
                    birth_date=cleaned.get("head_birth_date"),
                    ethnicity=cleaned.get("head_ethnicity") or "",
                    id_number=cleaned.get("head_id_number") or None,
                ),
                relation=Relation.HEAD,
            )
            saved = services.household_register(
                user=user,
                commune=cleaned["commune"],
                code=cleaned["code"],
                area_type=cleaned["area_type"],
                village=cleaned.get("village") or "",
                address=cleaned.get("address") or "",
                legacy_district=cleaned.get("legacy_district") or "",
                members=[head],
            )
        else:
            fields = ["code", "village", "area_type", "address", "legacy_district"]
            saved = services.household_update(
                user=user,
                household=obj,
                expected_version=form.expected(obj),
                changes={f: cleaned[f] for f in fields if f in form.changed_data},
            )
        self.adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        """Members: a date of leaving goes through `member_remove`, a new relation through a
        versioned update; a new row is checked like any member (one household, one place)."""
        user = request.user
        # What the admin's change message and log read.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for member_form in formset.forms:
            if not member_form.has_changed():
                continue
            member = member_form.instance
            cleaned = member_form.cleaned_data
            if member.pk is None:
                member.household = form.instance
                member.full_clean()
                member.save()
                formset.new_objects.append(member)
                continue
            formset.changed_objects.append((member, member_form.changed_data))
            stored = Member.objects.get(pk=member.pk)
            if cleaned.get("relation") != stored.relation:
                stored = versioned_update(
                    stored, expected_version=stored.version, changes={"relation": cleaned["relation"]}
                )
            if cleaned.get("left_on") and cleaned["left_on"] != stored.left_on:
                services.member_remove(user=user, member=stored, left_on=cleaned["left_on"])


# --- Poverty standards --------------------------------------------------------------------------


class DeprivationIndicatorInline(admin.TabularInline):
    model = DeprivationIndicator
    fields = ["number", "dimension", "name", "threshold", "threshold_unverified"]
    extra = 0
    can_delete = False


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):
    """Reference data (conventions.md, "Data"): rows edited by admins, not area records.

    The "unverified" flags are shown in the list and above the form, so that nobody takes an
    unconfirmed bound or threshold for the decree's text (domain.md)."""

    list_display = ["code", "review_years", "lines", "bounds", "bounds_checked", "thresholds_checked"]
    inlines = [DeprivationIndicatorInline]
    readonly_fields = ["unverified_warning"]
    formfield_overrides = {
        models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 10em"})},
    }
    fieldsets = (
        (None, {"fields": (
            "unverified_warning", "code", "name", "source", "first_review_year", "last_review_year",
        )}),
        (_("Income lines and upper bounds (VND per person per month)"), {"fields": (
            "rural_income_line", "urban_income_line", "rural_average_bound", "urban_average_bound",
            "average_bounds_unverified", "poor_min_deprivations",
        )}),
    )

    @admin.display(description=_("reviews of"), ordering="first_review_year")
    def review_years(self, obj):
        return f"{obj.first_review_year}–{obj.last_review_year}"

    @admin.display(description=_("income lines (rural / urban)"))
    def lines(self, obj):
        return nowrap(f"{format_vnd(obj.rural_income_line)} / {format_vnd(obj.urban_income_line)}")

    @admin.display(description=_("upper bounds (rural / urban)"))
    def bounds(self, obj):
        def shown(value):
            return format_vnd(value) if value else gettext("not set")

        return nowrap(f"{shown(obj.rural_average_bound)} / {shown(obj.urban_average_bound)}")

    @admin.display(description=_("bounds verified"), boolean=True)
    def bounds_checked(self, obj):
        return not obj.average_bounds_unverified

    @admin.display(description=_("thresholds verified"))
    def thresholds_checked(self, obj):
        unverified = obj.indicators.filter(threshold_unverified=True).count()
        if not unverified:
            return gettext("all verified")
        return format_html(
            '<strong class="w-alert">{}</strong>',
            gettext("%(n)s of %(total)s not verified")
            % {"n": unverified, "total": obj.indicators.count()},
        )

    @admin.display(description=_("to check"))
    def unverified_warning(self, obj):
        if obj is None or obj.pk is None:
            return ""
        notes = []
        if obj.average_bounds_unverified:
            notes.append(gettext(
                "The upper bounds of the average living standard are not verified against the "
                "decree. Until they are set, a household above the income line is classified "
                "as not poor."
            ))
        unverified = obj.indicators.filter(threshold_unverified=True).count()
        if unverified:
            notes.append(gettext(
                "%(n)s indicator thresholds were read only in secondary sources: check them "
                "against the decree's appendix."
            ) % {"n": unverified})
        if not notes:
            return gettext("Everything verified.")
        return format_html(
            '<strong class="w-alert">{}</strong>', " ".join(notes)
        )


# --- Poverty reviews ----------------------------------------------------------------------------

INDICATOR_CHOICES = [(n, str(n)) for n in range(1, 13)]


class PovertyReviewForm(VersionedAdminForm):
    """What the officer enters; the standard and the result are computed by the service."""

    deprivations = forms.TypedMultipleChoiceField(
        label=_("deprivations"),
        choices=INDICATOR_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The indicators (1–12) the household is deprived on."),
    )
    area_type = forms.ChoiceField(
        label=_("area type"),
        required=False,
        help_text=_("Leave empty to use the household's."),
    )

    class Meta:
        model = PovertyReview
        fields = [
            "household", "review_year", "kind", "reviewed_on", "area_type",
            "income_per_capita_vnd", "deprivations", "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import AreaType

        self.fields["area_type"].choices = [("", "---------"), *AreaType.choices]
        # Both decrees name the 12 indicators alike: the latest standard's names label them.
        latest = PovertyStandard.objects.order_by("-first_review_year").first()
        names = dict(
            DeprivationIndicator.objects.filter(standard=latest).values_list("number", "name")
        )
        self.fields["deprivations"].choices = [(n, f"{n}. {names.get(n, '')}") for n in range(1, 13)]
        if self.instance.pk:
            self.initial["deprivations"] = list(self.instance.deprivations)

    def clean_review_year(self):
        year = self.cleaned_data["review_year"]
        try:
            standard_for_review_year(year)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return year

    def _post_clean(self):
        # The result and the standard are the service's to set: skip the model's own checks of
        # fields this form does not hold (the service runs full_clean on what it saves).
        pass


class RecogniseForm(CapitalisedLabels, forms.Form):
    decision_number = forms.CharField(label=_("decision number"), max_length=50)
    recognised_on = forms.DateField(label=_("decision date"), help_text=_("dd/mm/yyyy"))


@admin.register(PovertyReview)
class PovertyReviewAdmin(ServiceAdmin):
    form = PovertyReviewForm
    # What a head looks for first (result, status, decision), then the figures behind it.
    list_display = [
        "household", "head_name", "review_year", "result_shown", "status", "decision", "income",
        "deprivations_shown", "commune",
    ]
    list_filter = ["review_year", "status", "result", "kind", "area_type", ProvinceFilter, CommuneFilter]
    search_fields = ["household__code", "decision_number"]
    folded_search_fields = ("household__head_name_folded",)
    list_select_related = ["household__head", "household__commune"]
    autocomplete_fields = ["household"]
    actions = ["recognise"]
    readonly_fields = [
        "standard", "result", "deprivation_count", "status", "proposed_by", "decision_number",
        "recognised_on", "recognised_by", "version", "created_at", "updated_at",
    ]
    fieldsets = (
        (None, {"fields": (
            "household", "review_year", "kind", "reviewed_on", "area_type",
            "income_per_capita_vnd", "deprivations", "note",
        )}),
        (_("Computed"), {"fields": ("standard", "result", "deprivation_count")}),
        (_("Recognition"), {"fields": (
            "status", "proposed_by", "decision_number", "recognised_on", "recognised_by",
        )}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("income/person/month"), ordering="income_per_capita_vnd")
    def income(self, obj):
        return nowrap(format_vnd(obj.income_per_capita_vnd))

    @admin.display(description=_("result"), ordering="result")
    def result_shown(self, obj):
        return nowrap(obj.get_result_display())

    @admin.display(description=_("deprivations"), ordering="deprivation_count")
    def deprivations_shown(self, obj):
        return obj.deprivation_count

    @admin.display(description=_("head of household"), ordering="household__head_name_folded")
    def head_name(self, obj):
        return nowrap(obj.household.head.full_name if obj.household.head else "")

    @admin.display(description=_("commune"), ordering="household__commune__name")
    def commune(self, obj):
        return nowrap(obj.household.commune.name)

    @admin.display(description=_("decision"), ordering="recognised_on")
    def decision(self, obj):
        if not obj.decision_number:
            return ""
        return nowrap(f"{obj.decision_number}, {obj.recognised_on:%d/%m/%Y}")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["household"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        stored = PovertyReview.objects.get(pk=obj.pk) if change else None
        saved = services.review_save(
            user=request.user,
            household=stored.household if stored else cleaned["household"],
            review_year=cleaned["review_year"],
            income_per_capita_vnd=cleaned["income_per_capita_vnd"],
            deprivations=cleaned.get("deprivations") or [],
            area_type=cleaned.get("area_type") or None,
            kind=cleaned["kind"],
            reviewed_on=cleaned.get("reviewed_on"),
            note=cleaned.get("note") or "",
            review=stored,
            expected_version=form.expected(obj) if stored else None,
        )
        self.adopt(obj, saved)

    def has_recognise_permission(self, request):
        return request.user.has_perm("welfare.recognise_reviews")

    @admin.action(description=_("Recognise the selected reviews"), permissions=["recognise"])
    def recognise(self, request, queryset):
        """An intermediate page asks for the decision's number and date, then
        `services.review_recognise` recognises every selected proposal under it."""
        form = RecogniseForm(request.POST if "decision_number" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                count = services.review_recognise(
                    user=request.user,
                    reviews=queryset,
                    decision_number=form.cleaned_data["decision_number"],
                    recognised_on=form.cleaned_data["recognised_on"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            except PermissionDenied:
                self.message_user(
                    request, gettext("You may not recognise some of these reviews."), messages.ERROR
                )
                return None
            else:
                self.message_user(
                    request,
                    gettext("%(n)s reviews recognised under decision %(number)s.")
                    % {"n": count, "number": form.cleaned_data["decision_number"]},
                    messages.SUCCESS,
                )
                return None
        if not form.is_bound:
            form = RecogniseForm(initial={"recognised_on": timezone.localdate()})
        proposed = queryset.filter(status=ReviewStatus.PROPOSED)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Recognise poverty reviews"),
            "opts": self.model._meta,
            "form": form,
            "reviews": proposed.select_related("household")[:200],
            "proposed_count": proposed.count(),
            "recognised_count": queryset.count() - proposed.count(),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "results": dict(PovertyResult.choices),
        }
        return TemplateResponse(request, "admin/households/povertyreview/recognise.html", context)


# --- Health-insurance cards ---------------------------------------------------------------------


class InsuranceCardForm(VersionedAdminForm):
    class Meta:
        model = InsuranceCard
        fields = [
            "card_number", "holder_name", "holder_id_number", "commune", "household",
            "beneficiary_group", "issued_on", "valid_from", "valid_to",
        ]

    def clean(self):
        cleaned = super().clean()
        household, commune = cleaned.get("household"), cleaned.get("commune")
        if household and commune and household.commune_id != commune.pk:
            self.add_error("household", gettext("The household belongs to another commune."))
        issued = cleaned.get("issued_on")
        if issued and issued > timezone.localdate():
            self.add_error("issued_on", gettext("The date cannot be in the future."))
        return cleaned


@admin.register(InsuranceCard)
class InsuranceCardAdmin(ServiceAdmin):
    form = InsuranceCardForm
    list_display = [
        "card_number", "holder_name", "person", "household", "commune", "beneficiary_group",
        "issued_on", "valid_from", "valid_to",
    ]
    list_filter = ["beneficiary_group", ProvinceFilter, CommuneFilter]
    date_hierarchy = "issued_on"
    search_fields = ["card_number", "=holder_id_number", "household__code"]
    folded_search_fields = ("holder_name_folded",)
    list_select_related = ["commune", "household", "person"]
    autocomplete_fields = ["commune", "household"]
    readonly_fields = ["person", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": (
            "card_number", "holder_name", "holder_id_number", "person", "commune", "household",
            "beneficiary_group", "issued_on", "valid_from", "valid_to",
        )}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        stored = InsuranceCard.objects.get(pk=obj.pk) if change else None
        saved = services.card_save(
            user=request.user,
            commune=cleaned["commune"],
            card_number=cleaned["card_number"],
            holder_name=cleaned["holder_name"],
            beneficiary_group=cleaned["beneficiary_group"],
            issued_on=cleaned["issued_on"],
            valid_from=cleaned.get("valid_from"),
            valid_to=cleaned.get("valid_to"),
            holder_id_number=cleaned.get("holder_id_number") or "",
            household=cleaned.get("household"),
            card=stored,
            expected_version=form.expected(obj) if stored else None,
        )
        self.adopt(obj, saved)

