"""The admin for COVID-19 policy groups (reference rows), relief and gift rounds, distributions,
gifts and COVID-19 support.

Policy groups are edited by admins with their history; the rows not yet checked against the
gazette are flagged in the list and above the form (domain.md). Rounds cover a province and
case records a commune: both are scoped to the user's areas (`AreaScopedAdminMixin`) and saved
through the same services as the officer's pages (conventions.md): `relief_round_save`,
`gift_round_save`, `distributions_add`, `gift_update`, ... A head closes rounds with an action
(`relief_round_close`); a closed round and its distributions are read only here.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from welfare.accounts.scoping import scope
from welfare.core.admin import date_cell, nowrap, problems_to_form
from welfare.core.formatting import format_vnd
from welfare.households.admin import (
    CommuneFilter,
    ProvinceFilter,
    ServiceAdmin,
    VersionedAdminForm,
)
from welfare.households.models import Household

from . import services
from .models import (
    CovidPolicyGroup,
    CovidSupport,
    Distribution,
    Gift,
    GiftRound,
    ReliefRound,
)


class RelatedScopedMixin:
    """Rounds and households offered in a form are those of the user's areas."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in (ReliefRound, GiftRound, Household):
            kwargs["queryset"] = scope(db_field.related_model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Reference data -------------------------------------------------------------------------------


@admin.register(CovidPolicyGroup)
class CovidPolicyGroupAdmin(SimpleHistoryAdmin):
    """The 12 policy groups of Resolution 68/NQ-CP: a support whose policy equals a group's code
    is linked to it. The list is read in secondary sources only (domain.md): flagged until an
    admin checks it against the gazette."""

    list_display = ["number", "code", "name", "legal_basis", "verified"]
    list_display_links = ["number", "code"]
    list_filter = ["unverified"]
    search_fields = ["code", "name", "legal_basis"]
    readonly_fields = ["to_check"]
    fields = ["to_check", "number", "code", "name", "legal_basis", "unverified"]

    @admin.display(description=_("checked against the gazette"), boolean=True, ordering="unverified")
    def verified(self, obj):
        return not obj.unverified

    @admin.display(description=_("to check"))
    def to_check(self, obj):
        if obj is None or obj.pk is None or not obj.unverified:
            return ""
        return format_html(
            '<strong class="w-alert">{}</strong>',
            gettext("This row was read only in secondary sources: check it against the gazette, "
                    "then untick “not yet checked against the gazette”."),
        )


# --- Rounds ---------------------------------------------------------------------------------------


class RoundAdmin(RelatedScopedMixin, ServiceAdmin):
    """A round of a province, opened and changed by `save_service`; never deleted here (a
    mistaken empty round is harmless; one with records is kept by them)."""

    write_permission = "welfare.manage_rounds"
    save_service = None
    list_select_related = ["province"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A round's province is where it was opened: another province is another round.
        return readonly + ["province"] if obj else readonly

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        stored = type(obj).objects.get(pk=obj.pk) if change else None
        values = {name: cleaned.get(name) for name in form.Meta.fields if name != "province"}
        values = {k: ("" if v is None and k in ("note", "funding_source") else v) for k, v in values.items()}
        saved = type(self).save_service(
            user=request.user,
            province=stored.province if stored else cleaned["province"],
            values=values,
            round=stored,
            expected_version=form.expected(obj) if stored else None,
        )
        self.adopt(obj, saved)


class RoundForm(VersionedAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new round without a name is named by its code (services.relief_round_save).
        if "name" in self.fields and not self.instance.pk:
            self.fields["name"].required = False
            self.fields["name"].help_text = gettext("Leave blank to use the round code.")


class ReliefRoundForm(RoundForm):
    class Meta:
        model = ReliefRound
        fields = [
            "province", "code", "name", "cause", "start_on", "end_on", "funding_source", "ration_kg",
            "months", "rice_value_vnd", "note",
        ]


@admin.register(ReliefRound)
class ReliefRoundAdmin(RoundAdmin):
    form = ReliefRoundForm
    save_service = staticmethod(services.relief_round_save)
    list_display = ["code", "name", "province", "cause", "period", "ration", "status", "distributions_count"]
    list_filter = ["status", "cause", "funding_source", ProvinceFilter]
    date_hierarchy = "start_on"
    actions = ["close_rounds"]
    readonly_fields = ["status", "closed_at", "closed_by", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("province", "code", "name", "cause", "start_on", "end_on", "funding_source")}),
        (_("Default ration"), {"fields": ("ration_kg", "months", "rice_value_vnd")}),
        (None, {"fields": ("note",)}),
        (_("Status"), {"fields": ("status", "closed_at", "closed_by")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        # The counts of the user's own communes, as the pages give them.
        return super().get_queryset(request).annotate(
            distributions_total=Count(
                "distributions", filter=Q(distributions__in=scope(Distribution.objects.all(), request.user))
            )
        )

    @admin.display(description=_("period"), ordering="start_on")
    def period(self, obj):
        if not (obj.start_on or obj.end_on):
            return ""
        return nowrap(f"{date_cell(obj.start_on)} – {date_cell(obj.end_on)}")

    @admin.display(description=_("ration"))
    def ration(self, obj):
        if not obj.ration_kg:
            return ""
        return nowrap(gettext("%(kg)s kg/person/month") % {"kg": f"{obj.ration_kg:g}".replace(".", ",")})

    @admin.display(description=_("distributions"), ordering="distributions_total")
    def distributions_count(self, obj):
        return obj.distributions_total

    def has_change_permission(self, request, obj=None):
        # A closed round is locked: read here, reopened by a head on its page.
        if obj is not None and obj.closed:
            return False
        return super().has_change_permission(request, obj)

    def has_close_permission(self, request):
        return request.user.has_perm("welfare.close_rounds")

    @admin.action(description=_("Close the selected rounds"), permissions=["close"])
    def close_rounds(self, request, queryset):
        """Each selected open round is closed by `services.relief_round_close`, which locks its
        distributions; a round the service refuses is named with why."""
        closed = 0
        for round in queryset.order_by("pk"):
            try:
                services.relief_round_close(user=request.user, round=round, expected_version=round.version)
            except ValidationError as error:
                self.message_user(request, f"{round}: {' '.join(error.messages)}", messages.ERROR)
            except PermissionDenied:
                self.message_user(
                    request, gettext("%(round)s: you may not close this round.") % {"round": round},
                    messages.ERROR,
                )
            else:
                closed += 1
        if closed:
            self.message_user(request, gettext("%(n)s rounds closed.") % {"n": closed}, messages.SUCCESS)


class GiftRoundForm(RoundForm):
    class Meta:
        model = GiftRound
        fields = ["province", "code", "name", "given_from", "given_to", "note"]


@admin.register(GiftRound)
class GiftRoundAdmin(RoundAdmin):
    form = GiftRoundForm
    save_service = staticmethod(services.gift_round_save)
    list_display = ["code", "name", "province", "period", "gifts_count"]
    list_filter = [ProvinceFilter]
    date_hierarchy = "given_from"
    fieldsets = (
        (None, {"fields": ("province", "code", "name", "given_from", "given_to", "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            gifts_total=Count("gifts", filter=Q(gifts__in=scope(Gift.objects.all(), request.user)))
        )

    @admin.display(description=_("period"), ordering="given_from")
    def period(self, obj):
        if not (obj.given_from or obj.given_to):
            return ""
        return nowrap(f"{date_cell(obj.given_from)} – {date_cell(obj.given_to)}")

    @admin.display(description=_("gifts"), ordering="gifts_total")
    def gifts_count(self, obj):
        return obj.gifts_total


# --- Distributions --------------------------------------------------------------------------------


class DistributionForm(VersionedAdminForm):
    class Meta:
        model = Distribution
        fields = [
            "round", "commune", "household", "recipient_name", "persons_covered", "rice_kg", "cost_vnd",
            "distributed_on", "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank on a new distribution: the round's ration (services.distribution_defaults).
        for name in ("rice_kg", "cost_vnd"):
            if name in self.fields:
                self.fields[name].required = False
                if not self.instance.pk:
                    self.fields[name].help_text = gettext("Leave blank for the round's default ration.")

    def clean(self):
        cleaned = super().clean()
        round = cleaned.get("round") or (self.instance.round if self.instance.pk else None)
        commune = cleaned.get("commune") or (self.instance.commune if self.instance.pk else None)
        if round is None or commune is None or self.errors:
            return cleaned
        entry = services.Entry(
            commune_id=commune.pk,
            persons_covered=cleaned.get("persons_covered") or 0,
            distributed_on=cleaned.get("distributed_on"),
            household=cleaned.get("household"),
            recipient_name=cleaned.get("recipient_name") or "",
        )
        problems = services.distribution_problems(
            round=round, entries=[entry], exclude_pk=self.instance.pk
        )
        problems_to_form(self, problems.get(0, {}))
        return cleaned


@admin.register(Distribution)
class DistributionAdmin(RelatedScopedMixin, ServiceAdmin):
    form = DistributionForm
    list_display = [
        "round", "recipient", "commune", "persons_covered", "rice", "cost", "distributed", "round_status",
    ]
    list_filter = ["round__cause", "round__status", "round", ProvinceFilter, CommuneFilter]
    date_hierarchy = "distributed_on"
    search_fields = ["household__code", "round__code"]
    folded_search_fields = ("recipient_folded", "household__head_name_folded")
    list_select_related = ["round", "commune", "household__head"]
    autocomplete_fields = ["commune", "household"]
    readonly_fields = ["person", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("round", "commune", "household", "recipient_name", "person")}),
        (_("Distribution"), {"fields": ("persons_covered", "rice_kg", "cost_vnd", "distributed_on", "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("recipient"), ordering="recipient_folded")
    def recipient(self, obj):
        return nowrap(obj.recipient_label)

    @admin.display(description=_("rice (kg)"), ordering="rice_kg")
    def rice(self, obj):
        return nowrap(f"{obj.rice_kg:,}".replace(",", "."))

    @admin.display(description=_("cost (VND)"), ordering="cost_vnd")
    def cost(self, obj):
        return nowrap(format_vnd(obj.cost_vnd))

    @admin.display(description=_("distributed on"), ordering="distributed_on")
    def distributed(self, obj):
        return nowrap(date_cell(obj.distributed_on))

    @admin.display(description=_("round status"), ordering="round__status")
    def round_status(self, obj):
        return obj.round.get_status_display()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # The round and the commune are the distribution itself: another is a new entry.
        return readonly + ["round", "commune"] if obj else readonly

    def has_change_permission(self, request, obj=None):
        # A closed round locks its distributions (services.distribution_problems).
        if obj is not None and obj.round.closed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.round.closed:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        if not change:
            saved = services.distributions_add(user=request.user, round=cleaned["round"], entries=[
                services.Entry(
                    commune_id=cleaned["commune"].pk,
                    persons_covered=cleaned["persons_covered"],
                    distributed_on=cleaned["distributed_on"],
                    household=cleaned.get("household"),
                    recipient_name=cleaned.get("recipient_name") or "",
                    rice_kg=cleaned.get("rice_kg"),
                    cost_vnd=cleaned.get("cost_vnd"),
                    note=cleaned.get("note") or "",
                )
            ])[0]
        else:
            stored = Distribution.objects.get(pk=obj.pk)
            changes = {
                name: cleaned.get(name)
                for name in ("household", "recipient_name", "persons_covered", "rice_kg", "cost_vnd",
                             "distributed_on", "note")
            }
            for name in ("rice_kg", "cost_vnd"):
                if changes[name] is None:
                    changes.pop(name)  # blank on a change: the stored value stays
            changes["recipient_name"] = changes["recipient_name"] or ""
            changes["note"] = changes["note"] or ""
            saved = services.distribution_update(
                user=request.user, distribution=stored, expected_version=form.expected(obj), changes=changes
            )
        self.adopt(obj, saved)

    def delete_model(self, request, obj):
        services.distribution_delete(user=request.user, distribution=obj)

    def delete_queryset(self, request, queryset):
        for distribution in queryset.select_related("round"):
            services.distribution_delete(user=request.user, distribution=distribution)


# --- Gifts ----------------------------------------------------------------------------------------


class GiftForm(VersionedAdminForm):
    class Meta:
        model = Gift
        fields = [
            "round", "commune", "recipient_group", "funding_source", "household", "recipient_name",
            "value_vnd", "given_on", "note",
        ]

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune") or (self.instance.commune if self.instance.pk else None)
        values = {
            "commune_id": commune.pk if commune else None,
            "household": cleaned.get("household"),
            "value_vnd": cleaned.get("value_vnd"),
            "given_on": cleaned.get("given_on"),
        }
        problems_to_form(self, services.gift_problems(values))
        return cleaned


@admin.register(Gift)
class GiftAdmin(RelatedScopedMixin, ServiceAdmin):
    form = GiftForm
    list_display = ["round", "recipient_name", "recipient_group", "funding_source", "value", "given",
                    "commune"]
    list_filter = ["recipient_group", "funding_source", "round", ProvinceFilter, CommuneFilter]
    date_hierarchy = "given_on"
    search_fields = ["household__code", "round__code"]
    folded_search_fields = ("recipient_folded",)
    list_select_related = ["round", "commune"]
    autocomplete_fields = ["commune", "household"]
    readonly_fields = ["person", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("round", "commune", "recipient_group", "funding_source", "household",
                           "recipient_name", "person")}),
        (_("Gift"), {"fields": ("value_vnd", "given_on", "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("value (VND)"), ordering="value_vnd")
    def value(self, obj):
        return nowrap(format_vnd(obj.value_vnd))

    @admin.display(description=_("given on"), ordering="given_on")
    def given(self, obj):
        return nowrap(date_cell(obj.given_on))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["round", "commune"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        values = {name: cleaned.get(name) for name in GiftForm.Meta.fields if name not in ("round", "commune")}
        values["note"] = values.get("note") or ""
        if not change:
            values["commune_id"] = cleaned["commune"].pk
            saved = services.gifts_add(user=request.user, round=cleaned["round"], entries=[values])[0]
        else:
            stored = Gift.objects.get(pk=obj.pk)
            saved = services.gift_update(
                user=request.user, gift=stored, expected_version=form.expected(obj), changes=values
            )
        self.adopt(obj, saved)

    def delete_model(self, request, obj):
        services.gift_delete(user=request.user, gift=obj)

    def delete_queryset(self, request, queryset):
        for gift in queryset:
            services.gift_delete(user=request.user, gift=gift)


# --- COVID-19 support -----------------------------------------------------------------------------


class CovidSupportForm(VersionedAdminForm):
    class Meta:
        model = CovidSupport
        fields = [
            "commune", "recipient_type", "recipient_name", "policy", "amount_vnd", "approved_on",
            "decision_number", "note",
        ]

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) for name in ("approved_on", "amount_vnd", "policy")}
        problems_to_form(self, services.covid_problems(values))
        return cleaned


@admin.register(CovidSupport)
class CovidSupportAdmin(ServiceAdmin):
    form = CovidSupportForm
    list_display = ["recipient_name", "recipient_type", "policy", "policy_group", "amount", "approved",
                    "commune"]
    list_filter = ["recipient_type", "policy_group", ProvinceFilter, CommuneFilter]
    date_hierarchy = "approved_on"
    search_fields = ["policy", "decision_number"]
    folded_search_fields = ("recipient_folded",)
    list_select_related = ["commune", "policy_group"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["policy_group", "person", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("commune", "recipient_type", "recipient_name", "person")}),
        (_("Support"), {"fields": ("policy", "policy_group", "amount_vnd", "approved_on", "decision_number",
                                   "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("amount (VND)"), ordering="amount_vnd")
    def amount(self, obj):
        return nowrap(format_vnd(obj.amount_vnd))

    @admin.display(description=_("approved on"), ordering="approved_on")
    def approved(self, obj):
        return nowrap(date_cell(obj.approved_on))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["commune"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        values = {name: cleaned.get(name) for name in CovidSupportForm.Meta.fields if name != "commune"}
        values["decision_number"] = values.get("decision_number") or ""
        values["note"] = values.get("note") or ""
        if not change:
            values["commune_id"] = cleaned["commune"].pk
            saved = services.covid_support_record(user=request.user, values=values)
        else:
            stored = CovidSupport.objects.get(pk=obj.pk)
            saved = services.covid_support_update(
                user=request.user, support=stored, expected_version=form.expected(obj), changes=values
            )
        self.adopt(obj, saved)
