"""Input of employment-fund loans: the list's filters and the form of one loan. Validation and
layout only; `services.loan_record` / `loan_update` check the caps in force on the disbursement
(`services.loan_problems`) and keep the code and the commune of a recorded loan."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes
from welfare.core.formatting import format_decimal, group_int
from welfare.households.forms import date_field
from welfare.households.review_forms import VndField

from .models import BorrowerType, Loan, RepaymentStatus


class LoanFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int, empty_value=None)
    borrower_type = forms.ChoiceField(label=_("Borrower type"), required=False)
    repayment_status = forms.ChoiceField(label=_("Repayment status"), required=False)
    year = forms.TypedChoiceField(label=_("Year disbursed"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("All communes"))] + [(c.code, c.name) for c in communes]
        self.fields["borrower_type"].choices = [("", _("All borrower types"))] + list(BorrowerType.choices)
        self.fields["repayment_status"].choices = [("", _("All repayment statuses"))] + list(
            RepaymentStatus.choices
        )
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        for name in ("commune", "borrower_type", "repayment_status", "year"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "commune": None, "borrower_type": "", "repayment_status": "", "year": None}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "commune": data.get("commune"),
            "borrower_type": data.get("borrower_type") or "",
            "repayment_status": data.get("repayment_status") or "",
            "year": data.get("year"),
        }


class RateField(forms.DecimalField):
    """A monthly interest rate in %, typed with a comma or a point: `0,66`, `0.66`."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                _("Enter the rate as a number of percent a month, for example 0,66."), code="invalid"
            ) from None

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)):
            return format_decimal(value)
        return value


class LoanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(
        label=_("Loan code"),
        max_length=30,
        help_text=_("The number of the loan contract with the Bank for Social Policies."),
    )
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"), empty_label=None)
    borrower_type = forms.ChoiceField(label=_("Borrower type"), choices=BorrowerType.choices)
    borrower_name = forms.CharField(
        label=_("Borrower"),
        max_length=200,
        help_text=_("The worker's full name, or the name of the household business, enterprise or cooperative."),
    )
    borrower_id_number = forms.CharField(
        label=_("Borrower's citizen ID"),
        max_length=12,
        required=False,
        help_text=_("For a worker borrowing in person: links the loan to the person's page."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=255, required=False)
    amount_vnd = VndField(label=_("Amount (VND)"), min_value=1)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=32767, required=False)
    disbursed_on = date_field(_("Disbursed on"), required=True)
    jobs = forms.IntegerField(
        label=_("Jobs"),
        min_value=1,
        max_value=2_147_483_647,
        help_text=_("Created, maintained or expanded by the loan."),
    )
    collateral = forms.CharField(
        label=_("Collateral"),
        max_length=255,
        required=False,
        help_text=_("What secures the loan, e.g. a land-use right certificate. Needed from the amount shown beside."),
    )
    monthly_rate_percent = RateField(
        label=_("Interest rate (%/month)"),
        max_digits=5,
        decimal_places=3,
        min_value=0,
        max_value=10,
        required=False,
        help_text=_("Empty: the rate in force on the disbursement date."),
    )
    repayment_status = forms.ChoiceField(label=_("Repayment status"), choices=RepaymentStatus.choices)
    repaid_on = date_field(_("Repaid on"), help_text=_("Only for a repaid loan."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, loan: Loan | None = None, **kwargs):
        if loan is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": loan.version,
                "code": loan.code,
                "commune": loan.commune_id,
                "borrower_type": loan.borrower_type,
                "borrower_name": loan.borrower_name,
                "borrower_id_number": loan.borrower_id_number,
                "purpose": loan.purpose,
                "amount_vnd": group_int(loan.amount_vnd),
                "term_months": loan.term_months,
                "disbursed_on": loan.disbursed_on,
                "jobs": loan.jobs,
                "collateral": loan.collateral,
                "monthly_rate_percent": loan.monthly_rate_percent,
                "repayment_status": loan.repayment_status,
                "repaid_on": loan.repaid_on,
                "note": loan.note,
            }
        elif loan is None:
            kwargs.setdefault("initial", {"jobs": 1})
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        if loan is not None:
            # The bank's contract names the loan: it keeps its code and its commune.
            self.fields["code"].disabled = True
            self.fields["commune"].disabled = True
            self.fields["code"].help_text = _("A recorded loan keeps its code and its commune.")
        for name in ("amount_vnd", "term_months", "jobs"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.fields["monthly_rate_percent"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["amount_vnd"].error_messages["min_value"] = _("Enter an amount above zero.")
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "loan-form"}
        self.helper.layout = Layout(
            Fieldset(
                _("Borrower"),
                Row(Column("code", css_class="col-md-6"), Column("commune", css_class="col-md-6")),
                Row(Column("borrower_type", css_class="col-md-6"), Column("borrower_id_number", css_class="col-md-6")),
                "borrower_name",
                "purpose",
            ),
            Fieldset(
                _("The loan"),
                Row(Column("amount_vnd", css_class="col-md-6"), Column("jobs", css_class="col-md-6")),
                Row(
                    Column("disbursed_on", css_class="col-md-4"),
                    Column("term_months", css_class="col-md-4"),
                    Column("monthly_rate_percent", css_class="col-md-4"),
                ),
                "collateral",
            ),
            Fieldset(
                _("Repayment"),
                Row(Column("repayment_status", css_class="col-md-6"), Column("repaid_on", css_class="col-md-6")),
                "note",
            ),
            "version",
        )
        self.helper.add_input(Submit("save", _("Save")))

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "code": data["code"].strip(),
            "commune_id": data["commune"].pk,
            "borrower_type": data["borrower_type"],
            "borrower_name": " ".join(data["borrower_name"].split()),
            "borrower_id_number": (data.get("borrower_id_number") or "").strip(),
            "purpose": (data.get("purpose") or "").strip(),
            "amount_vnd": data["amount_vnd"],
            "term_months": data.get("term_months"),
            "disbursed_on": data["disbursed_on"],
            "jobs": data["jobs"],
            "collateral": (data.get("collateral") or "").strip(),
            "monthly_rate_percent": data.get("monthly_rate_percent"),
            "repayment_status": data["repayment_status"],
            "repaid_on": data.get("repaid_on"),
            "note": (data.get("note") or "").strip(),
        }
