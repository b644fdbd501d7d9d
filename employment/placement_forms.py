"""Input of job placements: the list's filters and the form of one placement. Validation and
layout only; `services.placement_record` / `placement_update` decide (no date in the future,
a valid citizen ID) and link the worker to the person with that ID."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes
from welfare.households.forms import date_field

from .models import Channel, Placement


class PlacementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    year = forms.TypedChoiceField(label=_("Year placed"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, communes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("All communes"))] + [(c.code, c.name) for c in communes]
        self.fields["channel"].choices = [("", _("All channels"))] + list(Channel.choices)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        for name in ("commune", "channel", "year"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "commune": None, "channel": "", "year": None}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "commune": data.get("commune"),
            "channel": data.get("channel") or "",
            "year": data.get("year"),
        }


class PlacementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"), empty_label=None)
    worker_name = forms.CharField(label=_("Worker"), max_length=150, help_text=_("The worker's full name."))
    worker_id_number = forms.CharField(
        label=_("Worker's citizen ID"),
        max_length=12,
        required=False,
        help_text=_(
            "Optional: links the worker to the person with this ID (same name), or records a new "
            "person of the commune."
        ),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    employer = forms.CharField(
        label=_("Employer"),
        max_length=200,
        required=False,
        help_text=_("The enterprise, cooperative or household business; abroad: the receiving employer."),
    )
    placed_on = date_field(_("Placed on"), required=True, help_text=_("The day the worker started the job."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, placement: Placement | None = None, **kwargs):
        if placement is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": placement.version,
                "commune": placement.commune_id,
                "worker_name": placement.worker_name,
                "worker_id_number": placement.worker_id_number,
                "channel": placement.channel,
                "employer": placement.employer,
                "placed_on": placement.placed_on,
                "note": placement.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        if placement is not None:
            # A placement stays in its commune: record it anew in another one.
            self.fields["commune"].disabled = True
        self.fields["worker_id_number"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "placement-form"}
        self.helper.layout = Layout(
            Row(Column("commune", css_class="col-md-5"), Column("channel", css_class="col-md-7")),
            Row(
                Column("worker_name", css_class="col-md-6"),
                Column("worker_id_number", css_class="col-md-6"),
            ),
            Row(Column("employer", css_class="col-md-8"), Column("placed_on", css_class="col-md-4")),
            "note",
            "version",
        )
        self.helper.add_input(Submit("save", _("Save")))

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "commune_id": data["commune"].pk,
            "worker_name": " ".join(data["worker_name"].split()),
            "worker_id_number": (data.get("worker_id_number") or "").strip(),
            "channel": data["channel"],
            "employer": " ".join((data.get("employer") or "").split()),
            "placed_on": data["placed_on"],
            "note": (data.get("note") or "").strip(),
        }
