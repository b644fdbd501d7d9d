"""Input of gift rounds and gifts: the list's filters, the round form, the quick entry of
several gifts at once and the form of one gift. Validation and layout only; the services decide
(`services.gifts_add` refuses the whole list when a row is wrong)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes
from welfare.households.forms import DATE_INPUT_FORMATS, DateInput, date_field
from welfare.households.review_forms import VndField
from welfare.households.selectors import household_by_code

from .models import FundingSource, GiftRound, RecipientGroup

BLANK = [("", "—")]


class GiftRoundFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        self.fields["year"].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "year": None}
        return {"q": self.cleaned_data.get("q") or "", "year": self.cleaned_data.get("year")}


class GiftRoundForm(forms.Form):
    """A gift round of the user's province: its code, name and period."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(
        label=_("Round code"),
        max_length=30,
        help_text=_("Short and unique in the province, e.g. QT-2025. Files name the round by it."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    given_from = date_field(_("From"))
    given_to = date_field(_("To"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    province = forms.TypedChoiceField(label=_("Province"), coerce=int, required=False)

    def __init__(self, *args, round: GiftRound | None = None, provinces=(), **kwargs):
        if round is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": round.version,
                "code": round.code,
                "name": round.name,
                "given_from": round.given_from,
                "given_to": round.given_to,
                "note": round.note,
            }
        super().__init__(*args, **kwargs)
        # A province to choose only for a new round of a user who works in several (an admin).
        self.provinces = {p.code: p for p in provinces}
        self.fields["province"].choices = [(p.code, p.name) for p in self.provinces.values()]
        if round is not None or len(self.provinces) <= 1:
            self.fields["province"].widget = forms.HiddenInput()
        else:
            self.fields["province"].required = True
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "gift-round-form"}
        self.helper.layout = Layout(
            "province",
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("given_from", css_class="col-md-6"), Column("given_to", css_class="col-md-6")),
            "note",
            "version",
        )
        self.helper.add_input(Submit("save", _("Save")))

    def chosen_province(self):
        code = self.cleaned_data.get("province")
        if code in self.provinces:
            return self.provinces[code]
        return next(iter(self.provinces.values()), None)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("given_from"), cleaned.get("given_to")
        if start and end and end < start:
            self.add_error("given_to", _("The end cannot be before the start."))
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "code": data["code"].strip(),
            "name": (data.get("name") or "").strip(),
            "given_from": data.get("given_from"),
            "given_to": data.get("given_to"),
            "note": data.get("note") or "",
        }


class HouseholdCodeMixin:
    """A household named by its code, among the user's households."""

    def clean_household_code(self):
        code = (self.cleaned_data.get("household_code") or "").strip()
        self.household = None
        if code:
            self.household = household_by_code(user=self.user, code=code)
            if self.household is None:
                raise forms.ValidationError(
                    _("No household with code %(code)s in your communes.") % {"code": code}
                )
        return code


class GiftRowForm(HouseholdCodeMixin, forms.Form):
    """One row of the quick entry: a household (by code) or a recipient's name, and the gift."""

    household_code = forms.CharField(label=_("Household code"), max_length=30, required=False)
    recipient_name = forms.CharField(label=_("Recipient"), max_length=150, required=False)
    recipient_group = forms.ChoiceField(label=_("Recipient group"), choices=BLANK + list(RecipientGroup.choices))
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=BLANK + list(FundingSource.choices))
    value_vnd = VndField(label=_("Value (VND)"), min_value=1)
    given_on = forms.DateField(
        label=_("Date given"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": _("Type the date as dd/mm/yyyy, for example 05/09/1984.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.household = None
        self.fields["value_vnd"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.fields["value_vnd"].error_messages["min_value"] = _("Enter a value above zero.")
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs["class"] = css

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.household and not (cleaned.get("recipient_name") or "").strip():
            self.add_error("recipient_name", _("Enter a household code or the recipient's name."))
        return cleaned

    def entry(self, commune_id: int) -> dict:
        data = self.cleaned_data
        return {
            "commune_id": commune_id,
            "household": self.household,
            "recipient_name": " ".join((data.get("recipient_name") or "").split()),
            "recipient_group": data["recipient_group"],
            "funding_source": data["funding_source"],
            "value_vnd": data["value_vnd"],
            "given_on": data["given_on"],
        }


class BaseGiftRowFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[GiftRowForm]:
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.filled_forms():
            raise forms.ValidationError(_("Fill in at least one row."))


def gift_row_formset(*, user, data=None, initial=None, extra: int = 5):
    """The rows of the quick entry (empty rows are skipped)."""
    formset_class = forms.formset_factory(GiftRowForm, formset=BaseGiftRowFormSet, extra=extra, max_num=50)
    return formset_class(data, initial=initial, prefix="gifts", form_kwargs={"user": user})


class GiftEntryForm(forms.Form):
    """The commune the rows of one entry are given in."""

    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"), empty_label=None)

    def __init__(self, *args, user, round: GiftRound | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        communes = user_communes(user)
        if round is not None:  # a round's gifts come from the communes of its province
            communes = communes.filter(province_id=round.province_id)
        self.fields["commune"].queryset = communes.order_by("name")
        self.fields["commune"].widget.attrs["class"] = "form-select"


class GiftForm(HouseholdCodeMixin, forms.Form):
    """One gift, changed after entry (the commune stays)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    household_code = forms.CharField(
        label=_("Household code"),
        max_length=30,
        required=False,
        help_text=_("The recipient's household, if they belong to one of the commune."),
    )
    recipient_name = forms.CharField(label=_("Recipient"), max_length=150, required=False)
    recipient_group = forms.ChoiceField(label=_("Recipient group"), choices=RecipientGroup.choices)
    funding_source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    value_vnd = VndField(label=_("Value (VND)"), min_value=1)
    given_on = date_field(_("Date given"), required=True)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, gift, **kwargs):
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "version": gift.version,
                "household_code": gift.household.code if gift.household_id else "",
                "recipient_name": gift.recipient_name,
                "recipient_group": gift.recipient_group,
                "funding_source": gift.funding_source,
                "value_vnd": gift.value_vnd,
                "given_on": gift.given_on,
                "note": gift.note,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.household = None
        self.fields["value_vnd"].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.fields["value_vnd"].error_messages["min_value"] = _("Enter a value above zero.")
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "gift-form"}
        self.helper.layout = Layout(
            Row(Column("household_code", css_class="col-md-5"), Column("recipient_name", css_class="col-md-7")),
            Row(Column("recipient_group", css_class="col-md-6"), Column("funding_source", css_class="col-md-6")),
            Row(Column("value_vnd", css_class="col-md-6"), Column("given_on", css_class="col-md-6")),
            "note",
            "version",
        )
        self.helper.add_input(Submit("save", _("Save")))

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.household and not (cleaned.get("recipient_name") or "").strip():
            self.add_error("recipient_name", _("Enter a household code or the recipient's name."))
        return cleaned

    def changes(self) -> dict:
        data = self.cleaned_data
        name = " ".join((data.get("recipient_name") or "").split())
        if not name and self.household is not None:
            head = self.household.head
            name = head.full_name if head else self.household.code
        return {
            "household": self.household,
            "recipient_name": name,
            "recipient_group": data["recipient_group"],
            "funding_source": data["funding_source"],
            "value_vnd": data["value_vnd"],
            "given_on": data["given_on"],
            "note": data.get("note") or "",
        }
