"""The forms of the report page: filters of the list, the build of a missing snapshot, the
head's three sections, the approval."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import SummaryRequestForm
from .models import SummarySnapshot
from .snapshots import SECTION_FIELDS

HALF_CHOICES = [("", _("Both halves")), ("1", _("First half")), ("2", _("Second half"))]
LEVEL_CHOICES = [("", _("Province and communes")), ("province", _("Province")), ("commune", _("Communes"))]


class ReportFilterForm(forms.Form):
    """The list's filters (GET): year, half, level."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    half = forms.ChoiceField(label=_("Period"), required=False, choices=HALF_CHOICES)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=LEVEL_CHOICES)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        lookup = {}
        if data.get("year"):
            lookup["year"] = data["year"]
        if data.get("half"):
            lookup["half"] = int(data["half"])
        if data.get("level") == "province":
            lookup["commune__isnull"] = True
        elif data.get("level") == "commune":
            lookup["commune__isnull"] = False
        return lookup


class ReportBuildForm(SummaryRequestForm):
    """A head builds the draft of an area and half-year that has no snapshot yet (or rebuilds
    one): the same choice of area and period as the summary page."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.helper.inputs = []
        self.helper.form_action = "report_build"
        self.helper.attrs = {"data-testid": "build-form"}
        self.helper.add_input(Submit("submit", _("Build the draft")))


class ReportSectionsForm(forms.Form):
    """The three sections a head writes on the draft; the version the head saw, hidden. The
    service (`snapshot_sections_save`) decides; the form only carries the text."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, snapshot: SummarySnapshot, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECTION_FIELDS:
            model_field = SummarySnapshot._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name.capitalize(),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=getattr(snapshot, name),
            )
        self.fields["version"].initial = snapshot.version
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"data-testid": "sections-form"}
        self.helper.layout = Layout(*SECTION_FIELDS, "version")
        self.helper.add_input(Submit("submit", _("Save the text")))


class ReportApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
