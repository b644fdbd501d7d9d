"""Input of beneficiaries, the end of an entitlement and one-off payments: validation and layout
only. The rules of a case (a martyr's allowance goes to a relative, a banded sub-case needs its
rate, …) live in `services.beneficiary_problems` and reach the form as field errors.
Dates are typed dd/mm/yyyy, months mm/yyyy.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import in_scope, user_communes
from welfare.households.forms import BLANK, PersonFieldsMixin, _not_future, date_field
from welfare.households.review_forms import VndField

from .models import (
    Beneficiary,
    EndReason,
    MeritCategory,
    OneOffReason,
    Programme,
    Relation,
    SocialCategory,
    SubCase,
    month_start,
)
from .selectors import STATUS_ENDED, STATUS_ENTITLED, person_by_id_number

MONTH_INPUT_FORMATS = ["%m/%Y", "%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]

MERIT_FIELDS = (
    "category",
    "relation",
    "sub_case",
    "rate_percent",
    "lives_alone",
    "service_years",
    "relative_of_id_number",
)
SOCIAL_FIELDS = ("social_categories", "children_count")
PERSON_FIELDS = ("full_name", "sex", "birth_date", "birth_year", "ethnicity", "id_number")


def month_field(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=MONTH_INPUT_FORMATS,
        widget=forms.DateInput(
            attrs={"placeholder": _("mm/yyyy"), "inputmode": "numeric", "autocomplete": "off"},
            format="%m/%Y",
        ),
        error_messages={"invalid": _("Type the month as mm/yyyy, for example 07/2024.")},
    )


def _heading(text) -> HTML:
    return HTML(
        format_html('<h2 class="h6 text-body-secondary border-bottom pb-1 mt-3">{}</h2>', text)
    )


class BeneficiaryForm(PersonFieldsMixin, forms.Form):
    """Enrol a person in one programme, or change an enrolment.

    New: the person is found by citizen ID among the people of the user's communes, or
    registered from the name, sex, date of birth and ID typed here (`person_for`); opened from
    a person's page (`person`), the person is given. Only the fields of the programme show.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Beneficiary code"), max_length=30)
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"), empty_label=None)
    decision_number = forms.CharField(label=_("Decision number"), max_length=50, required=False)
    start_on = date_field(_("Entitled from"), required=True)
    legacy_district = forms.CharField(
        label=_("Former district"),
        max_length=100,
        required=False,
        help_text=_("The district (huyện) of the time, for records made before 1 July 2025."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    # Meritorious people.
    category = forms.ChoiceField(label=_("Category (Ordinance 02/2020, Art. 3)"), required=False)
    relation = forms.ChoiceField(label=_("Who receives the allowance"), choices=Relation.choices)
    sub_case = forms.ChoiceField(
        label=_("Row of the amount schedule"),
        choices=SubCase.choices,
        help_text=_("For invalids, sick soldiers and toxic chemicals choose the row “by rate”."),
    )
    rate_percent = forms.IntegerField(
        label=_("Injury or illness rate (%)"), required=False, min_value=1, max_value=100
    )
    lives_alone = forms.BooleanField(label=_("A martyr's relative living alone"), required=False)
    service_years = forms.IntegerField(
        label=_("Years of service before 1945"), required=False, min_value=1, max_value=60
    )
    relative_of_id_number = forms.CharField(
        label=_("Citizen ID of the martyr or invalid they are a relative of"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Optional: links this record to that person's page."),
    )
    # Social protection.
    social_categories = forms.MultipleChoiceField(
        label=_("Categories (Decree 20/2021, Art. 5)"),
        choices=SocialCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every category that applies: the highest coefficient is paid."),
    )
    children_count = forms.IntegerField(
        label=_("Children raised (single parent)"), required=False, min_value=1, max_value=20
    )

    def __init__(
        self,
        *args,
        user,
        programme: str,
        beneficiary: Beneficiary | None = None,
        person=None,
        **kwargs,
    ):
        self.user = user
        self.programme = programme
        self.beneficiary = beneficiary
        self.person = beneficiary.person if beneficiary is not None else person
        if beneficiary is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_of(beneficiary)
            if self._keeps_link(user, beneficiary):
                kwargs["initial"]["relative_of_id_number"] = ""
        super().__init__(*args, **kwargs)
        communes = user_communes(user).order_by("name")
        self.fields["commune"].queryset = communes
        if (
            self.person is not None
            and beneficiary is None
            and "commune" not in self.initial
            and communes.filter(pk=self.person.commune_id).exists()
        ):
            self.fields["commune"].initial = self.person.commune_id
        self.fields["category"].choices = BLANK + list(MeritCategory.choices)
        if self.person is None:
            self.add_person_fields()
            self.fields["id_number"].help_text = _(
                "12 digits. If a person of your communes has this ID, their record is used."
            )
            self.fields["birth_date"].help_text = (
                _("Needed for the social-protection coefficient by age.")
                if programme == Programme.SOCIAL
                else ""
            )
        drop = SOCIAL_FIELDS if programme == Programme.MERIT else MERIT_FIELDS
        for name in drop:
            del self.fields[name]
        if programme == Programme.MERIT:
            self.fields["category"].required = True
        else:
            self.fields["social_categories"].required = True
        if beneficiary is not None:
            self.fields["version"].initial = beneficiary.version
            if programme == Programme.MERIT and self._keeps_link(user, beneficiary):
                self.fields["relative_of_id_number"].help_text = (
                    _("Now linked to %(name)s, who has no citizen ID: leave empty to keep the link.")
                    % {"name": beneficiary.relative_of.full_name}
                    if in_scope(user, beneficiary.relative_of)
                    else _("Now linked to a person recorded in another commune: leave empty to keep the link.")
                )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = self._layout()

    @staticmethod
    def _keeps_link(user, b: Beneficiary) -> bool:
        """Whether a blank field keeps the current link: the martyr or invalid has no ID to
        type, or is recorded in a commune the user does not keep (whose ID is not shown)."""
        relative = b.relative_of
        return relative is not None and (not relative.id_number or not in_scope(user, relative))

    @staticmethod
    def _initial_of(b: Beneficiary) -> dict:
        return {
            "version": b.version,
            "code": b.code,
            "commune": b.commune_id,
            "decision_number": b.decision_number,
            "start_on": b.start_on,
            "legacy_district": b.legacy_district,
            "note": b.note,
            "category": b.category,
            "relation": b.relation,
            "sub_case": b.sub_case,
            "rate_percent": b.rate_percent,
            "lives_alone": b.lives_alone,
            "service_years": b.service_years,
            "relative_of_id_number": (b.relative_of.id_number or "") if b.relative_of else "",
            "social_categories": list(b.social_categories or []),
            "children_count": b.children_count,
        }

    def _layout(self) -> Layout:
        parts = []
        if self.person is None:
            parts += [
                _heading(_("The person")),
                Row(
                    Column("id_number", css_class="col-md-5"),
                    Column("full_name", css_class="col-md-7"),
                ),
                Row(
                    Column("sex", css_class="col-md-3"),
                    Column("birth_date", css_class="col-md-3"),
                    Column("birth_year", css_class="col-md-3"),
                    Column("ethnicity", css_class="col-md-3"),
                ),
            ]
        parts += [
            _heading(_("The case")),
            Row(
                Column("code", css_class="col-md-4"),
                Column("commune", css_class="col-md-5"),
                Column("decision_number", css_class="col-md-3"),
            ),
        ]
        if self.programme == Programme.MERIT:
            parts += [
                Row(
                    Column("category", css_class="col-md-7"),
                    Column("relation", css_class="col-md-5"),
                ),
                Row(
                    Column("sub_case", css_class="col-md-7"),
                    Column("rate_percent", css_class="col-md-5"),
                ),
                Row(
                    Column("service_years", css_class="col-md-6"),
                    Column(Div("lives_alone", css_class="pt-md-4"), css_class="col-md-6"),
                ),
                "relative_of_id_number",
            ]
        else:
            parts += [
                "social_categories",
                Row(Column("children_count", css_class="col-md-6")),
            ]
        parts += [
            _heading(_("Entitlement period")),
            Row(
                Column("start_on", css_class="col-md-4"),
                Column("legacy_district", css_class="col-md-8"),
            ),
            "note",
            "version",
        ]
        return Layout(*parts)

    def clean(self):
        cleaned = super().clean()
        if self.person is None:
            self.clean_person(cleaned)
        if self.programme == Programme.MERIT:
            number = (cleaned.get("relative_of_id_number") or "").strip()
            cleaned["relative_of"] = None
            if number:
                relative = person_by_id_number(user=self.user, id_number=number)
                if relative is None:
                    self.add_error(
                        "relative_of_id_number",
                        _("No person of your communes has this citizen ID."),
                    )
                cleaned["relative_of"] = relative
            elif self.beneficiary is not None and self._keeps_link(self.user, self.beneficiary):
                cleaned["relative_of"] = self.beneficiary.relative_of
        return cleaned

    def values(self) -> dict:
        """The beneficiary's fields, as the services take them."""
        data = self.cleaned_data
        values = {
            "programme": self.programme,
            "code": data["code"].strip(),
            "commune": data["commune"],
            "decision_number": (data.get("decision_number") or "").strip(),
            "start_on": data["start_on"],
            "legacy_district": (data.get("legacy_district") or "").strip(),
            "note": (data.get("note") or "").strip(),
        }
        if self.programme == Programme.MERIT:
            values |= {
                "category": data.get("category") or "",
                "relation": data.get("relation") or Relation.SELF,
                "sub_case": data.get("sub_case") or SubCase.STANDARD,
                "rate_percent": data.get("rate_percent"),
                "lives_alone": bool(data.get("lives_alone")),
                "service_years": data.get("service_years"),
                "relative_of": data.get("relative_of"),
                "social_categories": [],
                "children_count": None,
            }
        else:
            values |= {
                "category": "",
                "relation": Relation.SELF,
                "sub_case": SubCase.STANDARD,
                "rate_percent": None,
                "lives_alone": False,
                "service_years": None,
                "relative_of": None,
                "social_categories": list(data.get("social_categories") or []),
                "children_count": data.get("children_count"),
            }
        return values


class BeneficiaryEndForm(forms.Form):
    """The end of an entitlement: a date and why."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    end_on = date_field(_("Entitled until"), required=True)
    end_reason = forms.ChoiceField(label=_("Why"), choices=BLANK + list(EndReason.choices))

    def __init__(self, *args, beneficiary: Beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = beneficiary.version
        self.fields["end_on"].initial = beneficiary.end_on or timezone.localdate()
        self.fields["end_reason"].initial = beneficiary.end_reason
        self.fields["end_on"].help_text = _(
            "The allowance of that month is still paid; it stops from the following month."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("end_on", css_class="w-auto"), "end_reason", "version")
        self.helper.add_input(Submit("submit", _("End the entitlement"), css_class="btn-warning"))


class OneOffForm(forms.Form):
    """A one-off payment outside the monthly run (a Tết gift, a funeral allowance)."""

    one_off_reason = forms.ChoiceField(
        label=_("Reason"), choices=BLANK + list(OneOffReason.choices)
    )
    amount_vnd = VndField(label=_("Amount (VND)"), min_value=1)
    month = month_field(_("For the month"))
    paid_on = date_field(_("Paid on"), help_text=_("Empty if not paid yet."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = month_start(timezone.localdate())
        self.fields["amount_vnd"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("one_off_reason", css_class="col-md-6"),
                Column("amount_vnd", css_class="col-md-6"),
            ),
            Row(Column("month", css_class="col-md-6"), Column("paid_on", css_class="col-md-6")),
            "note",
        )
        self.helper.add_input(Submit("submit", _("Record the payment")))

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "paid_on")
        return cleaned


# --- Filters ----------------------------------------------------------------------------------


class BeneficiaryFilterForm(forms.Form):
    """The list's search box and filters (GET); the programme is the list's tab."""

    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.TypedChoiceField(
        label=_("Commune"), required=False, coerce=int, empty_value=None
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    social_category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Entitlement"), required=False)

    def __init__(self, *args, communes, programme: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["commune"].choices = [("", _("All communes"))] + [
            (c.code, c.name) for c in communes
        ]
        self.fields["category"].choices = [("", _("All categories"))] + list(MeritCategory.choices)
        self.fields["social_category"].choices = [("", _("All categories"))] + list(
            SocialCategory.choices
        )
        self.fields["status"].choices = [
            ("", _("Any")),
            (STATUS_ENTITLED, _("Entitled today")),
            (STATUS_ENDED, _("Ended")),
        ]
        for name in ("commune", "category", "social_category", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        values = {
            "programme": self.programme,
            "q": "",
            "commune": None,
            "category": "",
            "social_category": "",
            "status": "",
        }
        if not self.is_valid():
            return values
        data = self.cleaned_data
        values |= {
            "q": data.get("q") or "",
            "commune": data.get("commune"),
            "status": data.get("status") or "",
        }
        if self.programme == Programme.MERIT:
            values["category"] = data.get("category") or ""
        else:
            values["social_category"] = data.get("social_category") or ""
        return values

    def filtered(self) -> bool:
        values = self.values()
        return any(values[k] for k in ("q", "commune", "category", "social_category", "status"))
