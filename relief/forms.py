"""Input of relief rounds and their distributions: the round list's filters, the round form,
the round page's entry list (one row per household) and the named-person entry, the edit of a
distribution. Validation and layout only: the rules (one household per round, a closed round
locked, the default rice and cost) live in `services`.
Dates are typed dd/mm/yyyy; money in whole đồng (`1.450.000` accepted)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from welfare.households.forms import BLANK, _not_future, date_field
from welfare.households.review_forms import VndField

from .models import Cause, FundingSource, ReliefRound, RoundStatus

YEAR_MIN, YEAR_MAX = 2000, 2100

# The database column's limit: a cost typed in a rice cell is refused on its row.
MAX_RICE_KG = 2_147_483_647


class KgField(forms.DecimalField):
    """A ration in kg, typed with a comma or a point: `15`, `12,5`."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(_("Enter the kg of rice as a number, for example 15 or 12,5."), code="invalid")


def _number_input(placeholder="", css="form-control form-control-sm") -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": css, "placeholder": placeholder})


# --- The round list ----------------------------------------------------------------------------


class RoundFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    cause = forms.ChoiceField(label=_("Cause"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause"].choices = [("", _("All causes"))] + list(Cause.choices)
        self.fields["status"].choices = [("", _("All statuses"))] + list(RoundStatus.choices)
        self.fields["q"].widget.attrs = {"class": "form-control", "placeholder": _("Round code or name")}
        self.fields["year"].widget.attrs = {"class": "form-control", "placeholder": _("e.g. 2024")}
        for name in ("cause", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "cause": "", "status": "", "year": None}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "cause": data.get("cause") or "",
            "status": data.get("status") or "",
            "year": data.get("year"),
        }

    def filtered(self) -> bool:
        return any(self.values().values())


# --- A round ------------------------------------------------------------------------------------


class ReliefRoundForm(forms.Form):
    """Open a round of the user's province, or change an open one. `province` shows only to a
    user who works in more than one province (an administrator)."""

    province = forms.TypedChoiceField(label=_("Province"), coerce=int)
    code = forms.CharField(
        label=_("Round code"), max_length=30, help_text=_("Unique in the province, e.g. CD-2024-01.")
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    cause = forms.ChoiceField(label=_("Cause"), choices=Cause.choices)
    funding_source = forms.ChoiceField(label=_("Funding source"), required=False)
    start_on = date_field(_("From"))
    end_on = date_field(_("To"))
    ration_kg = KgField(
        label=_("Ration (kg of rice per person per month)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("Usually 15 kg. Leave empty when the round gives no rice."),
    )
    months = forms.IntegerField(label=_("Months covered"), min_value=1, max_value=24, initial=1)
    rice_value_vnd = VndField(
        label=_("Value of rice (VND per kg)"), required=False, min_value=0, help_text=_("Used for the default cost.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, provinces, round: ReliefRound | None = None, **kwargs):
        if round is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                "province": round.province_id,
                "code": round.code,
                "name": round.name,
                "cause": round.cause,
                "funding_source": round.funding_source,
                "start_on": round.start_on,
                "end_on": round.end_on,
                "ration_kg": round.ration_kg,
                "months": round.months,
                "rice_value_vnd": round.rice_value_vnd,
                "note": round.note,
                "version": round.version,
                **kwargs["initial"],
            }
        if round is None:
            kwargs.setdefault("initial", {"ration_kg": 15, "months": 1})
        super().__init__(*args, **kwargs)
        self.round = round
        self.provinces = {p.code: p for p in provinces}
        self.fields["province"].choices = [(p.code, p.name) for p in self.provinces.values()]
        self.fields["funding_source"].choices = BLANK + list(FundingSource.choices)
        self.fields["rice_value_vnd"].widget = _number_input(_("e.g. 12.000"), css="form-control")
        self.fields["ration_kg"].widget = _number_input("15", css="form-control")
        one_province = round is not None or len(self.provinces) == 1
        if one_province:
            self.fields["province"].required = False
            self.fields["province"].widget = forms.HiddenInput()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "province",
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("cause", css_class="col-md-6"), Column("funding_source", css_class="col-md-6")),
            Row(Column("start_on", css_class="col-md-6"), Column("end_on", css_class="col-md-6")),
            Row(
                Column("ration_kg", css_class="col-md-5"),
                Column("months", css_class="col-md-3"),
                Column("rice_value_vnd", css_class="col-md-4"),
            ),
            "note",
            "version",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The end cannot be before the start."))
        return cleaned

    def chosen_province(self):
        if self.round is not None:
            return self.round.province
        code = self.cleaned_data.get("province")
        if code in self.provinces:
            return self.provinces[code]
        return next(iter(self.provinces.values()), None)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "code": data["code"].strip(),
            "name": (data.get("name") or "").strip() or data["code"].strip(),
            "cause": data["cause"],
            "funding_source": data.get("funding_source") or "",
            "start_on": data.get("start_on"),
            "end_on": data.get("end_on"),
            "ration_kg": data.get("ration_kg"),
            "months": data.get("months") or 1,
            "rice_value_vnd": data.get("rice_value_vnd"),
            "note": (data.get("note") or "").strip(),
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- The round page's entry --------------------------------------------------------------------


class EntryBatchForm(forms.Form):
    """What the ticked rows share: the commune and the date they were given."""

    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int, widget=forms.HiddenInput)
    distributed_on = date_field(_("Given on"), required=True)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, c.name) for c in communes]
        self.fields["distributed_on"].widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "distributed_on")
        return cleaned


class EntryRowForm(forms.Form):
    """One household's row of the entry list (prefix `h<household pk>`). Blank rice or cost
    take the round's default."""

    pick = forms.BooleanField(required=False)
    persons_covered = forms.IntegerField(label=_("Persons covered"), required=False, min_value=1, max_value=999)
    rice_kg = forms.IntegerField(label=_("Rice (kg)"), required=False, min_value=0, max_value=MAX_RICE_KG)
    cost_vnd = VndField(label=_("Cost (VND)"), required=False, min_value=0)

    def __init__(self, *args, household, defaults: tuple[int, int], **kwargs):
        super().__init__(*args, prefix=f"h{household.pk}", **kwargs)
        self.household = household
        rice, cost = defaults
        self.fields["pick"].widget.attrs = {"class": "form-check-input", "data-role": "pick"}
        self.fields["persons_covered"].widget = _number_input()
        self.fields["persons_covered"].widget.attrs["data-role"] = "persons"
        self.fields["persons_covered"].initial = household.member_count or 1
        self.fields["rice_kg"].widget = _number_input(str(rice))
        self.fields["rice_kg"].widget.attrs["data-role"] = "rice"
        self.fields["cost_vnd"].widget = _number_input(f"{cost:,}".replace(",", "."))
        self.fields["cost_vnd"].widget.attrs["data-role"] = "cost"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pick") and not cleaned.get("persons_covered") and "persons_covered" not in self.errors:
            self.add_error("persons_covered", _("At least one person is covered."))
        return cleaned

    @property
    def picked(self) -> bool:
        return bool(self.is_bound and self.data.get(self.add_prefix("pick")))


class NamedEntryForm(forms.Form):
    """A distribution to a named person without a household of the commune's list."""

    recipient_name = forms.CharField(label=_("Recipient's full name"), max_length=150)
    persons_covered = forms.IntegerField(label=_("Persons covered"), min_value=1, max_value=999, initial=1)
    rice_kg = forms.IntegerField(label=_("Rice (kg)"), required=False, min_value=0, max_value=MAX_RICE_KG, help_text=_("Empty: the round's ration."))
    cost_vnd = VndField(label=_("Cost (VND)"), required=False, min_value=0, help_text=_("Empty: rice × value per kg."))
    distributed_on = date_field(_("Given on"), required=True)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="named", **kwargs)
        for name in ("rice_kg", "cost_vnd"):
            self.fields[name].widget = _number_input(css="form-control")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("recipient_name", css_class="col-md-8"), Column("persons_covered", css_class="col-md-4")),
            Row(Column("rice_kg", css_class="col-md-6"), Column("cost_vnd", css_class="col-md-6")),
            Row(Column(Field("distributed_on"), css_class="col-md-6"), Column("note", css_class="col-md-6")),
        )

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "distributed_on")
        return cleaned


class DistributionForm(forms.Form):
    """Change one distribution; the recipient's name only for one without a household."""

    recipient_name = forms.CharField(label=_("Recipient's full name"), max_length=150)
    persons_covered = forms.IntegerField(label=_("Persons covered"), min_value=1, max_value=999)
    rice_kg = forms.IntegerField(label=_("Rice (kg)"), min_value=0, max_value=MAX_RICE_KG)
    cost_vnd = VndField(label=_("Cost (VND)"), min_value=0)
    distributed_on = date_field(_("Given on"), required=True)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, distribution, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "recipient_name": distribution.recipient_name,
                "persons_covered": distribution.persons_covered,
                "rice_kg": distribution.rice_kg,
                "cost_vnd": distribution.cost_vnd,
                "distributed_on": distribution.distributed_on,
                "note": distribution.note,
                "version": distribution.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.distribution = distribution
        if distribution.household_id:
            del self.fields["recipient_name"]
        for name in ("rice_kg", "cost_vnd"):
            self.fields[name].widget = _number_input(css="form-control")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        parts = ["recipient_name"] if "recipient_name" in self.fields else []
        self.helper.layout = Layout(
            *parts,
            Row(Column("persons_covered", css_class="col-md-4"), Column("distributed_on", css_class="col-md-8")),
            Row(Column("rice_kg", css_class="col-md-6"), Column("cost_vnd", css_class="col-md-6")),
            "note",
            "version",
        )

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "distributed_on")
        return cleaned

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {k: data[k] for k in ("persons_covered", "rice_kg", "cost_vnd", "distributed_on")}
        changes["note"] = (data.get("note") or "").strip()
        if "recipient_name" in self.fields:
            changes["recipient_name"] = data["recipient_name"].strip()
        return changes
