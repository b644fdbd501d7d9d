"""Input of payment runs: the list's filters, the build form, the approval and the approval of
payments outside runs. Validation and layout only; the services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes, user_provinces

from .models import Programme, RunStatus

MONTH_FORMATS = ["%Y-%m", "%m/%Y"]


class MonthInput(forms.DateInput):
    """The browser's month picker (yyyy-mm); older browsers show a text box that takes
    yyyy-mm or mm/yyyy."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "yyyy-mm", **(attrs or {})}, format="%Y-%m")


def month_field(label, *, required: bool = True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=MONTH_FORMATS,
        widget=MonthInput(),
        help_text=help_text,
        error_messages={"invalid": _("Choose the month, for example 07/2024.")},
    )


class RunFilterForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    month = month_field(_("Month"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("All programmes"))] + list(Programme.choices)
        self.fields["status"].choices = [("", _("All statuses"))] + list(RunStatus.choices)
        for name in ("programme", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["month"].widget.attrs["class"] = "form-control"

    def values(self) -> dict:
        if not self.is_valid():
            return {"programme": "", "month": None, "status": ""}
        data = self.cleaned_data
        return {
            "programme": data.get("programme") or "",
            "month": data.get("month"),
            "status": data.get("status") or "",
        }


class RunBuildForm(forms.Form):
    """Which list to build: a programme, a month, and a commune of the user's or (heads only)
    a whole province. `area` is "c<commune code>" or "p<province code>"."""

    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices)
    month = month_field(
        _("Month paid"), help_text=_("At most one month ahead. An approved month cannot be rebuilt.")
    )
    area = forms.ChoiceField(label=_("Area"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = {c.code: c for c in user_communes(user).order_by("name")}
        self.provinces = {}
        if user.has_perm("welfare.approve_payments"):
            self.provinces = {p.code: p for p in user_provinces(user).order_by("name")}
        choices = []
        if self.provinces:
            choices.append(
                (
                    _("The whole province"),
                    [
                        (f"p{p.code}", _("%(province)s (the whole province)") % {"province": p.name})
                        for p in self.provinces.values()
                    ],
                )
            )
        communes = [(f"c{c.code}", c.name) for c in self.communes.values()]
        choices.append((_("One commune"), communes) if self.provinces else (_("Commune"), communes))
        self.fields["area"].choices = choices
        self.fields["area"].help_text = (
            _("A province's list pays every beneficiary of the province not already in a commune's list.")
            if self.provinces
            else ""
        )
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "run-build-form"}
        self.helper.layout = Layout(
            Row(Column("programme", css_class="col-md-6"), Column("month", css_class="col-md-6")),
            "area",
            Submit("build", _("Build the list"), css_class="btn-primary"),
        )

    def clean_area(self):
        value = self.cleaned_data["area"]
        kind, code = value[:1], value[1:]
        if code.isdigit():
            if kind == "c" and int(code) in self.communes:
                return value
            if kind == "p" and int(code) in self.provinces:
                return value
        raise forms.ValidationError(_("Choose a commune or province of yours."))

    def place(self):
        """The (province, commune) of the chosen area; commune None for a whole province."""
        value = self.cleaned_data["area"]
        code = int(value[1:])
        if value[0] == "p":
            return self.provinces[code], None
        commune = self.communes[code]
        return commune.province, commune


class RunApproveForm(forms.Form):
    """The version of the run the head reviewed: a run rebuilt meanwhile is not approved."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PendingApproveForm(forms.Form):
    payments = forms.TypedMultipleChoiceField(coerce=int, label=_("Payments"))

    def __init__(self, *args, payment_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payments"].choices = [(pk, pk) for pk in payment_ids]
        self.fields["payments"].error_messages["required"] = _("Tick the payments to approve.")
