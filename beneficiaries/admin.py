"""The admin for the amounts (reference data), beneficiaries, payment runs, payments and
dossiers.

Reference rows (standard levels, the amount schedule, coefficients, dossier time limits) are
edited by admins with their history; the rows read only in secondary sources are flagged in the
list and above the form (domain.md). Case records are scoped to the user's areas
(`AreaScopedAdminMixin`) and saved through the same services as the officer's forms
(conventions.md). A payment run is built by its job and approved by a head: here it is read,
and approved with an action; an approved run and its payments are locked.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from welfare.accounts.scoping import AreaScopedAdminMixin
from welfare.core.admin import ReferenceAdmin, nowrap
from welfare.core.formatting import format_vnd
from welfare.households.admin import (
    CommuneFilter,
    FoldedSearchMixin,
    ProvinceFilter,
    ServiceAdmin,
    VersionedAdminForm,
)

from . import services
from .models import (
    AllowanceRate,
    Beneficiary,
    Dossier,
    DossierStatus,
    DossierTimeLimit,
    Payment,
    PaymentRun,
    PaymentStatus,
    SocialCategory,
    SocialCoefficient,
    StandardLevel,
)


# --- Reference data -------------------------------------------------------------------------------


@admin.register(StandardLevel)
class StandardLevelAdmin(ReferenceAdmin):
    list_display = ["kind", "amount", "validity", "legal_basis", "verified"]
    list_filter = ["kind", "unverified", "valid_from"]
    search_fields = ["legal_basis"]
    fields = ["to_check", "kind", "amount_vnd", *ReferenceAdmin.validity_fields]

    @admin.display(description=_("amount (VND a month)"), ordering="amount_vnd")
    def amount(self, obj):
        return nowrap(format_vnd(obj.amount_vnd))


@admin.register(AllowanceRate)
class AllowanceRateAdmin(ReferenceAdmin):
    # The letter and the row's own description keep the list readable on one screen; the
    # category's and sub-case's full names are in the filters and on the row's page.
    list_display = ["letter", "description", "amount", "validity", "kind", "verified"]
    list_display_links = ["letter", "description"]

    class Media:
        css = {"all": ["beneficiaries/admin.css"]}
    list_filter = ["category", "sub_case", "kind", "unverified", "valid_from"]
    search_fields = ["description", "legal_basis"]
    list_per_page = 200
    fieldsets = (
        (None, {"fields": ("to_check", "category", "sub_case", "kind", "supplement", "description")}),
        (_("Band of injury or illness rate"), {"fields": ("rate_min", "rate_max")}),
        (_("Amount"), {"fields": ("amount_vnd", "level_multiple")}),
        (_("Validity"), {"fields": ReferenceAdmin.validity_fields}),
    )

    @admin.display(description=_("category"), ordering="category")
    def letter(self, obj):
        return nowrap("(đ)" if obj.category == "dd" else f"({obj.category})")

    @admin.display(description=_("amount"), ordering="amount_vnd")
    def amount(self, obj):
        if obj.amount_vnd is not None:
            return nowrap(format_vnd(obj.amount_vnd))
        return nowrap(gettext("%(n)s × the standard level") % {"n": obj.level_multiple})


@admin.register(SocialCoefficient)
class SocialCoefficientAdmin(ReferenceAdmin):
    list_display = ["category", "ages", "coefficient", "level", "validity", "verified"]
    list_filter = ["category", "level", "unverified", "valid_from"]
    search_fields = ["description", "legal_basis"]
    fields = [
        "to_check", "category", "age_min", "age_below", "coefficient", "level", "description",
        *ReferenceAdmin.validity_fields,
    ]

    @admin.display(description=_("ages"), ordering="age_min")
    def ages(self, obj):
        if obj.age_min is None and obj.age_below is None:
            return ""
        return nowrap(f"{obj.age_min if obj.age_min is not None else 0}–{obj.age_below or ''}")


@admin.register(DossierTimeLimit)
class DossierTimeLimitAdmin(ReferenceAdmin):
    list_display = ["kind", "days", "validity", "legal_basis", "verified"]
    list_filter = ["kind", "unverified", "valid_from"]
    fields = ["to_check", "kind", "days", *ReferenceAdmin.validity_fields]


# --- Beneficiaries --------------------------------------------------------------------------------


class BeneficiaryForm(VersionedAdminForm):
    social_categories = forms.MultipleChoiceField(
        label=_("categories"),
        choices=SocialCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Social protection only (Decree 20/2021, Art. 5): the highest coefficient applies."),
    )

    class Meta:
        model = Beneficiary
        fields = [
            "programme", "code", "person", "commune", "legacy_district", "category", "relation",
            "sub_case", "rate_percent", "lives_alone", "service_years", "relative_of",
            "social_categories", "children_count", "decision_number", "start_on", "end_on",
            "end_reason", "note",
        ]

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) for name in services.BENEFICIARY_FIELDS}
        if self.instance.pk:
            values["programme"] = self.instance.programme
        # The same rules as the officer's form and the import, shown on their fields.
        for field, message in services.beneficiary_problems(values).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


class PaymentOfBeneficiaryInline(admin.TabularInline):
    """The latest payments of a beneficiary (read here; runs and one-off forms write them)."""

    model = Payment
    fk_name = "beneficiary"
    fields = ["month", "kind", "amount", "status", "run", "paid_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("payments")

    @admin.display(description=_("amount (VND)"))
    def amount(self, obj):
        return nowrap(format_vnd(obj.amount_vnd))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Beneficiary)
class BeneficiaryAdmin(ServiceAdmin):
    form = BeneficiaryForm
    list_display = [
        "code", "name", "programme", "category", "sub_case", "commune", "start", "end",
    ]
    list_filter = ["programme", "category", "sub_case", "end_reason", ProvinceFilter, CommuneFilter]
    search_fields = ["code", "=person__id_number", "decision_number"]
    folded_search_fields = ("person__name_folded",)
    list_select_related = ["person", "commune"]
    autocomplete_fields = ["person", "commune", "relative_of"]
    inlines = [PaymentOfBeneficiaryInline]
    fieldsets = (
        (None, {"fields": ("programme", "code", "person", "commune", "legacy_district")}),
        (_("Meritorious people (Ordinance 02/2020)"), {"fields": (
            "category", "relation", "sub_case", "rate_percent", "lives_alone", "service_years",
            "relative_of",
        )}),
        (_("Social protection (Decree 20/2021)"), {"fields": ("social_categories", "children_count")}),
        (_("Entitlement"), {"fields": ("decision_number", "start_on", "end_on", "end_reason", "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("full name"), ordering="person__name_folded")
    def name(self, obj):
        return nowrap(obj.person.full_name)

    @admin.display(description=_("entitled from"), ordering="start_on")
    def start(self, obj):
        return nowrap(f"{obj.start_on:%d/%m/%Y}")

    @admin.display(description=_("entitled until"), ordering="end_on")
    def end(self, obj):
        return nowrap(f"{obj.end_on:%d/%m/%Y}") if obj.end_on else ""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # The programme and the person are the enrolment itself: another one is a new enrolment.
        return readonly + ["programme", "person"] if obj else readonly

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        values = {name: cleaned[name] for name in services.BENEFICIARY_FIELDS if name in cleaned}
        values["social_categories"] = list(cleaned.get("social_categories") or [])
        if not change:
            saved = services.beneficiary_enrol(user=request.user, person=cleaned["person"], values=values)
        else:
            stored = Beneficiary.objects.get(pk=obj.pk)
            saved = services.beneficiary_update(
                user=request.user, beneficiary=stored, expected_version=form.expected(obj), changes=values
            )
        self.adopt(obj, saved)


# --- Payment runs and payments ----------------------------------------------------------------------


class ReadOnlyAdmin(FoldedSearchMixin, AreaScopedAdminMixin, SimpleHistoryAdmin):
    """Records written by jobs and services only: read here, changed by actions that call the
    services (approval), never edited field by field."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    fk_name = "run"
    fields = ["beneficiary", "kind", "amount", "status", "basis"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("payments")

    @admin.display(description=_("amount (VND)"))
    def amount(self, obj):
        return nowrap(format_vnd(obj.amount_vnd))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("beneficiary__person")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PaymentRun)
class PaymentRunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "month_shown", "status", "payments_count", "total", "problem_count",
                    "approved_at"]
    list_filter = ["programme", "status", ProvinceFilter, CommuneFilter]
    date_hierarchy = "month"
    list_select_related = ["province", "commune"]
    actions = ["approve"]
    inlines = [PaymentInline]
    fields = [
        "programme", "province", "commune", "month", "status", "payments_count", "total",
        "skipped_count", "problems_shown", "built_at", "built_by", "approved_at", "approved_by",
        "version",
    ]
    readonly_fields = fields

    @admin.display(description=_("month"), ordering="month")
    def month_shown(self, obj):
        return f"{obj.month:%m/%Y}"

    @admin.display(description=_("total (VND)"), ordering="total_vnd")
    def total(self, obj):
        return nowrap(format_vnd(obj.total_vnd))

    @admin.display(description=_("not paid"))
    def problem_count(self, obj):
        return len(obj.problems or [])

    @admin.display(description=_("beneficiaries not paid"))
    def problems_shown(self, obj):
        if not obj.problems:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html("".join(
                format_html("<li>{} – {}: {}</li>", p.get("code"), p.get("name"), p.get("message"))
                for p in obj.problems[:200]
            )),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a run is rebuilt, not deleted
        return actions

    def has_approve_permission(self, request):
        return request.user.has_perm("welfare.approve_payments")

    @admin.action(description=_("Approve the selected payment runs"), permissions=["approve"])
    def approve(self, request, queryset):
        """Each selected draft run is approved by `services.payment_run_approve`, which also
        approves its payments and locks it; a run the service refuses is named with why."""
        approved = 0
        for run in queryset.order_by("pk"):
            try:
                services.payment_run_approve(user=request.user, run=run, expected_version=run.version)
            except ValidationError as error:
                self.message_user(request, f"{run}: {' '.join(error.messages)}", messages.ERROR)
            except PermissionDenied:
                self.message_user(
                    request, gettext("%(run)s: you may not approve this run.") % {"run": run}, messages.ERROR
                )
            else:
                approved += 1
        if approved:
            self.message_user(
                request, gettext("%(n)s payment runs approved.") % {"n": approved}, messages.SUCCESS
            )


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["beneficiary", "name", "month_shown", "kind", "amount", "status", "run", "paid_on"]
    list_filter = ["kind", "status", "beneficiary__programme", ProvinceFilter, CommuneFilter]
    date_hierarchy = "month"
    search_fields = ["beneficiary__code"]
    folded_search_fields = ("beneficiary__person__name_folded",)
    list_select_related = ["beneficiary__person", "run__province", "run__commune"]
    actions = ["approve"]
    fields = [
        "beneficiary", "run", "kind", "one_off_reason", "month", "amount_vnd", "status", "paid_on",
        "basis", "note", "recorded_by", "version", "created_at", "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("full name"), ordering="beneficiary__person__name_folded")
    def name(self, obj):
        return nowrap(obj.beneficiary.person.full_name)

    @admin.display(description=_("month"), ordering="month")
    def month_shown(self, obj):
        return f"{obj.month:%m/%Y}"

    @admin.display(description=_("amount (VND)"), ordering="amount_vnd")
    def amount(self, obj):
        return nowrap(format_vnd(obj.amount_vnd))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_approve_permission(self, request):
        return request.user.has_perm("welfare.approve_payments")

    @admin.action(description=_("Approve the selected proposed payments"), permissions=["approve"])
    def approve(self, request, queryset):
        """Proposed payments outside a run (one-off, imported by an officer) are approved by
        `services.payments_approve`; those of a run are approved with their run."""
        try:
            count = services.payments_approve(
                user=request.user, payments=queryset.filter(status=PaymentStatus.PROPOSED)
            )
        except PermissionDenied:
            self.message_user(request, gettext("You may not approve some of these payments."), messages.ERROR)
            return
        self.message_user(request, gettext("%(n)s payments approved.") % {"n": count}, messages.SUCCESS)


# --- Dossiers -------------------------------------------------------------------------------------


class DossierForm(VersionedAdminForm):
    class Meta:
        model = Dossier
        fields = [
            "code", "commune", "applicant_name", "person", "beneficiary", "kind", "category",
            "received_on", "due_on", "handled_by", "note",
        ]

    def clean(self):
        cleaned = super().clean()
        stored = self.instance if self.instance.pk else None
        values = {
            "received_on": cleaned.get("received_on"),
            "decided_on": stored.decided_on if stored else None,
            "status": stored.status if stored else DossierStatus.RECEIVED,
            "kind": cleaned.get("kind"),
        }
        for field, message in services.dossier_problems(values).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(Dossier)
class DossierAdmin(ServiceAdmin):
    form = DossierForm
    list_display = [
        "code", "applicant_name", "kind", "status", "received", "due", "decided", "commune",
    ]
    list_filter = ["status", "kind", "category", ProvinceFilter, CommuneFilter]
    date_hierarchy = "received_on"
    search_fields = ["code", "decision_number"]
    folded_search_fields = ("applicant_folded",)
    list_select_related = ["commune"]
    autocomplete_fields = ["commune", "person", "beneficiary"]
    fieldsets = (
        (None, {"fields": (
            "code", "commune", "applicant_name", "person", "beneficiary", "kind", "category",
            "received_on", "due_on", "handled_by", "note",
        )}),
        (_("Handling"), {
            "fields": ("status", "status_changed_on", "decided_on", "decision_number"),
            "description": _("The status changes on the dossier board, one step at a time."),
        }),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("received on"), ordering="received_on")
    def received(self, obj):
        return nowrap(f"{obj.received_on:%d/%m/%Y}")

    @admin.display(description=_("due on"), ordering="due_on")
    def due(self, obj):
        if obj.due_on is None:
            return ""
        shown = f"{obj.due_on:%d/%m/%Y}"
        if obj.overdue_on(timezone.localdate()):
            return format_html('<strong class="w-alert w-nowrap">{} ({})</strong>',
                               shown, gettext("overdue"))
        return nowrap(shown)

    @admin.display(description=_("decided on"), ordering="decided_on")
    def decided(self, obj):
        return nowrap(f"{obj.decided_on:%d/%m/%Y}") if obj.decided_on else ""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        readonly += ["status", "status_changed_on", "decided_on", "decision_number"]
        return readonly + ["code"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        values = {name: cleaned.get(name) for name in DossierForm.Meta.fields}
        values["note"] = values.get("note") or ""
        if not change:
            saved = services.dossier_receive(user=request.user, values=values)
        else:
            stored = Dossier.objects.get(pk=obj.pk)
            values.pop("code")
            saved = services.dossier_update(
                user=request.user, dossier=stored, expected_version=form.expected(obj), changes=values
            )
        self.adopt(obj, saved)

