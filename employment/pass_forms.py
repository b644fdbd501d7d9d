"""Input of border-labour passes: the list's filters and the form of one pass. Validation and
layout only; `services.border_pass_record` / `border_pass_update` decide (dates, a number
recorded once, the holder linked by citizen ID)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes
from welfare.households.forms import date_field

from .models import BorderPass
from .pass_selectors import EXPIRED, SOON, VALID
from .services import EXPIRING_DAYS


class BorderPassFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int, empty_value=None)
    border_gate = forms.ChoiceField(label=_("Border gate"), required=False)
    expiry = forms.ChoiceField(label=_("Expiry"), required=False)

    def __init__(self, *args, communes, gates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("All communes"))] + [(c.code, c.name) for c in communes]
        self.fields["border_gate"].choices = [("", _("All border gates"))] + [(g, g) for g in gates]
        self.fields["expiry"].choices = [
            ("", _("Any expiry")),
            (SOON, _("Expiring within %(days)s days") % {"days": EXPIRING_DAYS}),
            (EXPIRED, _("Expired")),
            (VALID, _("Valid for more than %(days)s days") % {"days": EXPIRING_DAYS}),
        ]
        for name in ("commune", "border_gate", "expiry"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "commune": None, "border_gate": "", "expiry": ""}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "commune": data.get("commune"),
            "border_gate": data.get("border_gate") or "",
            "expiry": data.get("expiry") or "",
        }


class BorderPassForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"), empty_label=None)
    number = forms.CharField(label=_("Pass number"), max_length=20)
    holder_name = forms.CharField(label=_("Pass holder"), max_length=150)
    holder_id_number = forms.CharField(
        label=_("Pass holder's citizen ID"),
        max_length=12,
        required=False,
        help_text=_("12 digits. With it the pass is shown on the holder's person page."),
    )
    issued_on = date_field(_("Issued on"), required=True)
    expires_on = date_field(_("Expires on"), required=True)
    border_gate = forms.CharField(
        label=_("Border gate"),
        max_length=100,
        help_text=_("Choose a suggested gate or type another one."),
    )
    workplace = forms.CharField(label=_("Workplace across the border"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, border_pass: BorderPass | None = None, **kwargs):
        if border_pass is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": border_pass.version,
                "commune": border_pass.commune_id,
                "number": border_pass.number,
                "holder_name": border_pass.holder_name,
                "holder_id_number": border_pass.holder_id_number,
                "issued_on": border_pass.issued_on,
                "expires_on": border_pass.expires_on,
                "border_gate": border_pass.border_gate,
                "workplace": border_pass.workplace,
                "note": border_pass.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        if border_pass is not None:
            # A pass stays in its commune: record it anew in another one.
            self.fields["commune"].disabled = True
        self.fields["holder_id_number"].widget.attrs["inputmode"] = "numeric"
        self.fields["border_gate"].widget.attrs.update(list="border-gates", autocomplete="off")
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "pass-form"}
        self.helper.layout = Layout(
            Row(Column("commune", css_class="col-md-6"), Column("number", css_class="col-md-6")),
            Row(Column("holder_name", css_class="col-md-6"), Column("holder_id_number", css_class="col-md-6")),
            Row(Column("issued_on", css_class="col-md-6"), Column("expires_on", css_class="col-md-6")),
            "border_gate",
            "workplace",
            "note",
            "version",
        )
        self.helper.add_input(Submit("save", _("Save")))

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "commune_id": data["commune"].pk,
            "number": "".join(data["number"].split()).upper(),
            "holder_name": " ".join(data["holder_name"].split()),
            "holder_id_number": (data.get("holder_id_number") or "").strip(),
            "issued_on": data["issued_on"],
            "expires_on": data["expires_on"],
            "border_gate": " ".join(data["border_gate"].split()),
            "workplace": (data.get("workplace") or "").strip(),
            "note": (data.get("note") or "").strip(),
        }
