"""The admin for the caps and lending rate of employment-fund loans (reference data), loans,
job placements and border-labour passes.

Loan limits and lending rates are edited by admins with their history; the rows read only in
secondary sources are flagged in the list and above the form (domain.md). Case records are
scoped to the user's areas (`AreaScopedAdminMixin`, via `ServiceAdmin`) and saved through the
same services as the officer's pages (conventions.md): `loan_record` / `loan_update`, which
check the caps of the `LoanLimit` row in force (the form shows the same refusals on their
fields, through `services.loan_problems`), `placement_record` / `placement_update` /
`placement_delete`, `border_pass_record` / `border_pass_update`. A loan and a pass keep their
commune, a loan its code (the bank's contract names it).
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from welfare.core.admin import ReferenceAdmin, date_cell, nowrap, problems_to_form
from welfare.core.formatting import format_decimal, format_vnd
from welfare.households.admin import (
    CommuneFilter,
    ProvinceFilter,
    ServiceAdmin,
    VersionedAdminForm,
)

from . import services
from .models import BorderPass, LendingRate, Loan, LoanLimit, Placement
from .pass_selectors import EXPIRED, SOON, expiry_of


def _stored_or_cleaned(form, name: str):
    """A field's value: as typed, or the stored one when the field is read only on a change."""
    if name in form.fields:
        return form.cleaned_data.get(name)
    return getattr(form.instance, name) if form.instance.pk else None


# --- Reference data -------------------------------------------------------------------------------


@admin.register(LoanLimit)
class LoanLimitAdmin(ReferenceAdmin):
    """The caps a loan is checked against: the row in force on its disbursement date for its
    borrower type (`services.limits_on`)."""

    # The legal source is long: it is on the row's page, and the validity dates tell the rows apart.
    list_display = ["borrower_type", "max_amount", "per_job", "max_term_months", "collateral_from", "validity",
                    "verified"]
    list_filter = ["borrower_type", "unverified", "valid_from"]
    search_fields = ["legal_basis"]
    fieldsets = (
        (None, {"fields": ("to_check", "borrower_type")}),
        (_("Caps"), {"fields": ("max_amount_vnd", "max_per_job_vnd", "max_term_months", "collateral_from_vnd")}),
        (_("Validity"), {"fields": ReferenceAdmin.validity_fields}),
    )

    @admin.display(description=_("most per loan (VND)"), ordering="max_amount_vnd")
    def max_amount(self, obj):
        return nowrap(format_vnd(obj.max_amount_vnd))

    @admin.display(description=_("most per job (VND)"), ordering="max_per_job_vnd")
    def per_job(self, obj):
        return nowrap(format_vnd(obj.max_per_job_vnd)) if obj.max_per_job_vnd else "—"

    @admin.display(description=_("collateral needed from (VND)"), ordering="collateral_from_vnd")
    def collateral_from(self, obj):
        return nowrap(format_vnd(obj.collateral_from_vnd)) if obj.collateral_from_vnd else "—"


@admin.register(LendingRate)
class LendingRateAdmin(ReferenceAdmin):
    """The monthly rate a loan takes when none is typed (`services.rate_on`)."""

    list_display = ["rate", "validity", "legal_basis", "verified"]
    list_filter = ["unverified", "valid_from"]
    search_fields = ["legal_basis"]
    fields = ["to_check", "monthly_rate_percent", *ReferenceAdmin.validity_fields]

    @admin.display(description=_("monthly interest rate (%)"), ordering="monthly_rate_percent")
    def rate(self, obj):
        return nowrap(format_decimal(obj.monthly_rate_percent))


# --- Loans ----------------------------------------------------------------------------------------


class LoanForm(VersionedAdminForm):
    class Meta:
        model = Loan
        fields = [
            "code", "commune", "borrower_type", "borrower_name", "borrower_id_number", "purpose", "amount_vnd",
            "term_months", "disbursed_on", "jobs", "collateral", "monthly_rate_percent", "repayment_status",
            "repaid_on", "note",
        ]

    def clean(self):
        cleaned = super().clean()
        names = [f for f in services.LOAN_FIELDS if f not in ("code", "commune_id")]
        values = {name: _stored_or_cleaned(self, name) for name in names}
        # The caps of the row in force on the disbursement, as the officer's page and the import.
        problems = services.loan_problems(values, limit=services.loan_limit_for(values))
        # A field already refused by its own validation keeps that message alone.
        problems_to_form(self, {k: v for k, v in problems.items() if k not in self.errors})
        return cleaned


@admin.register(Loan)
class LoanAdmin(ServiceAdmin):
    form = LoanForm
    list_display = ["code", "borrower_name", "borrower_type", "amount", "disbursed", "repayment_status", "commune"]
    list_filter = ["repayment_status", "borrower_type", ProvinceFilter, CommuneFilter]
    date_hierarchy = "disbursed_on"
    search_fields = ["code", "=borrower_id_number"]
    folded_search_fields = ("borrower_folded",)
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["caps", "person", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("code", "commune", "borrower_type", "borrower_name", "borrower_id_number", "person")}),
        (_("Loan"), {"fields": (
            "purpose", "amount_vnd", "jobs", "term_months", "disbursed_on", "collateral", "monthly_rate_percent",
            "caps",
        )}),
        (_("Repayment"), {"fields": ("repayment_status", "repaid_on", "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("amount (VND)"), ordering="amount_vnd")
    def amount(self, obj):
        return nowrap(format_vnd(obj.amount_vnd))

    @admin.display(description=_("disbursed on"), ordering="disbursed_on")
    def disbursed(self, obj):
        return nowrap(date_cell(obj.disbursed_on))

    @admin.display(description=_("caps in force"))
    def caps(self, obj):
        """The caps the loan is checked against (those of its disbursement date and type)."""
        if obj is None or obj.pk is None:
            return gettext("Checked when saved, against the caps in force on the disbursement date.")
        limit = services.loan_limit_for({"disbursed_on": obj.disbursed_on, "borrower_type": obj.borrower_type})
        if limit is None:
            return gettext("No loan limits for this borrower type are in force on that date.")
        parts = [gettext("at most %(max)s") % {"max": format_vnd(limit.max_amount_vnd)}]
        if limit.max_per_job_vnd:
            parts.append(gettext("%(per_job)s per job") % {"per_job": format_vnd(limit.max_per_job_vnd)})
        parts.append(gettext("%(months)s months") % {"months": limit.max_term_months})
        if limit.collateral_from_vnd:
            parts.append(gettext("collateral from %(from)s") % {"from": format_vnd(limit.collateral_from_vnd)})
        return f"{'; '.join(parts)} ({limit.legal_basis})"

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A loan keeps its commune and its code: the bank's contract names it.
        return readonly + ["code", "commune"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        values = {name: cleaned.get(name) for name in LoanForm.Meta.fields if name not in ("code", "commune")}
        if not change:
            values.update(code=cleaned["code"].strip(), commune_id=cleaned["commune"].pk)
            saved = services.loan_record(user=request.user, values=values)
        else:
            stored = Loan.objects.get(pk=obj.pk)
            saved = services.loan_update(
                user=request.user, loan=stored, expected_version=form.expected(obj), changes=values
            )
        self.adopt(obj, saved)


# --- Job placements -------------------------------------------------------------------------------


class PlacementForm(VersionedAdminForm):
    class Meta:
        model = Placement
        fields = ["commune", "worker_name", "worker_id_number", "channel", "employer", "placed_on", "note"]

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) for name in ("placed_on", "worker_id_number")}
        problems_to_form(self, {k: v for k, v in services.placement_problems(values).items()
                                 if k not in self.errors})
        return cleaned


@admin.register(Placement)
class PlacementAdmin(ServiceAdmin):
    form = PlacementForm
    list_display = ["worker_name", "channel", "employer", "placed", "commune"]
    list_filter = ["channel", ProvinceFilter, CommuneFilter]
    date_hierarchy = "placed_on"
    search_fields = ["=worker_id_number", "employer"]
    folded_search_fields = ("worker_folded",)
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["person", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("commune", "worker_name", "worker_id_number", "person")}),
        (_("Placement"), {"fields": ("channel", "employer", "placed_on", "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("placed on"), ordering="placed_on")
    def placed(self, obj):
        return nowrap(date_cell(obj.placed_on))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["commune"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        values = {name: cleaned.get(name) for name in PlacementForm.Meta.fields if name != "commune"}
        if not change:
            values["commune_id"] = cleaned["commune"].pk
            saved = services.placement_record(user=request.user, values=values)
        else:
            stored = Placement.objects.get(pk=obj.pk)
            saved = services.placement_update(
                user=request.user, placement=stored, expected_version=form.expected(obj), changes=values
            )
        self.adopt(obj, saved)

    def delete_model(self, request, obj):
        services.placement_delete(user=request.user, placement=obj)

    def delete_queryset(self, request, queryset):
        for placement in queryset:
            services.placement_delete(user=request.user, placement=placement)


# --- Border-labour passes -------------------------------------------------------------------------


class BorderPassForm(VersionedAdminForm):
    class Meta:
        model = BorderPass
        fields = [
            "commune", "number", "holder_name", "holder_id_number", "issued_on", "expires_on", "border_gate",
            "workplace", "note",
        ]

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) for name in ("issued_on", "expires_on", "holder_id_number")}
        problems_to_form(self, {k: v for k, v in services.pass_problems(values).items() if k not in self.errors})
        return cleaned


@admin.register(BorderPass)
class BorderPassAdmin(ServiceAdmin):
    form = BorderPassForm
    list_display = ["number", "holder", "issued", "expires", "border_gate", "commune"]
    list_filter = ["border_gate", ProvinceFilter, CommuneFilter]
    date_hierarchy = "expires_on"
    search_fields = ["number", "=holder_id_number"]
    folded_search_fields = ("holder_folded",)
    list_select_related = ["commune"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["person", "version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("commune", "number", "holder_name", "holder_id_number", "person")}),
        (_("Pass"), {"fields": ("issued_on", "expires_on", "border_gate", "workplace", "note")}),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    @admin.display(description=_("pass holder"), ordering="holder_folded")
    def holder(self, obj):
        return nowrap(obj.holder_name)

    @admin.display(description=_("issued on"), ordering="issued_on")
    def issued(self, obj):
        return nowrap(date_cell(obj.issued_on))

    @admin.display(description=_("expires on"), ordering="expires_on")
    def expires(self, obj):
        shown = date_cell(obj.expires_on)
        expiry = expiry_of(obj, today=timezone.localdate())
        if expiry.state == EXPIRED:
            return format_html('<strong class="w-alert w-nowrap">{}<br>{}</strong>',
                               shown, gettext("expired"))
        if expiry.state == SOON:
            left = (
                ngettext("%(days)s day left", "%(days)s days left", expiry.days_left) % {"days": expiry.days_left}
                if expiry.days_left
                else gettext("expires today")
            )
            return format_html('<strong class="w-warn w-nowrap">{}<br>{}</strong>', shown, left)
        return nowrap(shown)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A pass stays in its commune: record it anew in another one.
        return readonly + ["commune"] if obj else readonly

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        values = {name: cleaned.get(name) for name in BorderPassForm.Meta.fields if name != "commune"}
        if not change:
            values["commune_id"] = cleaned["commune"].pk
            saved = services.border_pass_record(user=request.user, values=values)
        else:
            stored = BorderPass.objects.get(pk=obj.pk)
            saved = services.border_pass_update(
                user=request.user, border_pass=stored, expected_version=form.expected(obj), changes=values
            )
        self.adopt(obj, saved)
