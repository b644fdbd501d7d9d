"""Input of COVID-19 support: the list's filters and the form of one payment. Validation and
layout only; `services.covid_support_record` / `covid_support_update` decide and link the
policy group whose code equals the policy as typed (e.g. "68/NQ-CP-5")."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes
from welfare.households.forms import date_field
from welfare.households.review_forms import VndField

from .gift_selectors import NOT_LINKED
from .models import CovidSupport, RecipientType


class CovidFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int, empty_value=None)
    recipient_type = forms.ChoiceField(label=_("Recipient type"), required=False)
    policy_group = forms.ChoiceField(label=_("Policy group"), required=False)
    year = forms.TypedChoiceField(label=_("Year approved"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communes, groups, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("All communes"))] + [(c.code, c.name) for c in communes]
        self.fields["recipient_type"].choices = [("", _("All recipient types"))] + list(RecipientType.choices)
        self.fields["policy_group"].choices = (
            [("", _("All policy groups"))]
            + [(str(g.pk), f"{g.number}. {g.name}") for g in groups]
            + [(NOT_LINKED, _("Not linked to a group"))]
        )
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        for name in ("commune", "recipient_type", "policy_group", "year"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "commune": None, "recipient_type": "", "policy_group": "", "year": None}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "commune": data.get("commune"),
            "recipient_type": data.get("recipient_type") or "",
            "policy_group": data.get("policy_group") or "",
            "year": data.get("year"),
        }


class CovidSupportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"), empty_label=None)
    recipient_type = forms.ChoiceField(label=_("Recipient type"), choices=RecipientType.choices)
    recipient_name = forms.CharField(
        label=_("Recipient"),
        max_length=200,
        help_text=_("The worker's full name, or the name of the employer or household business."),
    )
    policy = forms.CharField(
        label=_("Policy"),
        max_length=50,
        help_text=_(
            "As written in the decision, e.g. 68/NQ-CP. Type a policy group's code from the list "
            "beside, e.g. 68/NQ-CP-5, to link the support to that group."
        ),
    )
    amount_vnd = VndField(label=_("Amount (VND)"), min_value=1)
    approved_on = date_field(_("Approved on"), required=True)
    decision_number = forms.CharField(label=_("Decision number"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, support: CovidSupport | None = None, **kwargs):
        if support is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": support.version,
                "commune": support.commune_id,
                "recipient_type": support.recipient_type,
                "recipient_name": support.recipient_name,
                "policy": support.policy,
                "amount_vnd": support.amount_vnd,
                "approved_on": support.approved_on,
                "decision_number": support.decision_number,
                "note": support.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        if support is not None:
            # Support stays in its commune: record it anew in another one.
            self.fields["commune"].disabled = True
        self.fields["amount_vnd"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.fields["amount_vnd"].error_messages["min_value"] = _("Enter an amount above zero.")
        self.fields["policy"].widget.attrs["list"] = "policy-codes"
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "covid-form"}
        self.helper.layout = Layout(
            Row(Column("commune", css_class="col-md-6"), Column("recipient_type", css_class="col-md-6")),
            "recipient_name",
            "policy",
            Row(Column("amount_vnd", css_class="col-md-6"), Column("approved_on", css_class="col-md-6")),
            Row(Column("decision_number", css_class="col-md-6"), Column("note", css_class="col-md-6")),
            "version",
        )
        self.helper.add_input(Submit("save", _("Save")))

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "commune_id": data["commune"].pk,
            "recipient_type": data["recipient_type"],
            "recipient_name": " ".join(data["recipient_name"].split()),
            "policy": data["policy"].strip(),
            "amount_vnd": data["amount_vnd"],
            "approved_on": data["approved_on"],
            "decision_number": (data.get("decision_number") or "").strip(),
            "note": data.get("note") or "",
        }
