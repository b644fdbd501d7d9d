"""Input of dossiers: the board's filters, receiving and editing a dossier, moving it to its
next status. Validation and layout only; `services` holds the rules (transitions, dates)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes
from welfare.households.forms import BLANK, date_field

from .dossier_selectors import beneficiary_by_code
from .models import DossierKind, DossierStatus, MeritCategory


class DossierFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + list(DossierKind.choices)
        self.fields["commune"].choices = [("", _("All communes"))] + [(c.code, c.name) for c in communes]
        self.fields["status"].choices = [("", _("All statuses"))] + list(DossierStatus.choices)
        for name in ("kind", "commune", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "kind": "", "commune": None, "status": "", "overdue": False}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "commune": data.get("commune"),
            "status": data.get("status") or "",
            "overdue": bool(data.get("overdue")),
        }


class DossierForm(forms.Form):
    """A dossier received, or a change to its details (its status moves apart)."""

    code = forms.CharField(label=_("Dossier code"), max_length=30)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None, empty_label=None)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind of dossier"), choices=DossierKind.choices)
    category = forms.ChoiceField(
        label=_("Category (meritorious people)"),
        required=False,
        choices=BLANK + list(MeritCategory.choices),
        help_text=_("For a recognition or allowance dossier of a meritorious person."),
    )
    received_on = date_field(_("Received on"), required=True)
    due_on = date_field(_("Due on"))
    beneficiary_code = forms.CharField(
        label=_("Beneficiary code"),
        max_length=30,
        required=False,
        help_text=_("When the dossier concerns a beneficiary already recorded."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, dossier=None, time_limits: dict[str, int] | None = None, **kwargs):
        self.user = user
        self.dossier = dossier
        if dossier is not None:
            kwargs["initial"] = {
                "code": dossier.code,
                "commune": dossier.commune_id,
                "applicant_name": dossier.applicant_name,
                "kind": dossier.kind,
                "category": dossier.category,
                "received_on": dossier.received_on,
                "due_on": dossier.due_on,
                "beneficiary_code": dossier.beneficiary.code if dossier.beneficiary_id else "",
                "note": dossier.note,
                "version": dossier.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        limits = time_limits or {}
        if dossier is None:
            self.fields["received_on"].initial = timezone.localdate()
            kinds = dict(DossierKind.choices)
            rules = "; ".join(
                _("%(kind)s: %(days)s days") % {"kind": kinds.get(kind, kind), "days": days}
                for kind, days in limits.items()
            )
            self.fields["due_on"].help_text = (
                _("Leave empty to set it from the time limit of the kind (%(rules)s).") % {"rules": rules}
                if rules
                else _("No time limit is recorded for these kinds: enter the due date.")
            )
        else:
            # The code names the dossier in decisions and letters: it does not change.
            self.fields["code"].disabled = True
        self.fields["due_on"].widget.attrs["data-role"] = "due-on"
        self.fields["received_on"].widget.attrs["data-role"] = "received-on"
        self.fields["kind"].widget.attrs["data-role"] = "kind"
        self.helper = FormHelper()
        self.helper.attrs = {"data-testid": "dossier-form", "data-limits": _limits_attr(limits)}
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("commune", css_class="col-md-8")),
            Row(Column("applicant_name", css_class="col-md-7"), Column("beneficiary_code", css_class="col-md-5")),
            Row(Column("kind", css_class="col-md-5"), Column("category", css_class="col-md-7")),
            Row(
                Column("received_on", css_class="col-md-4"),
                Column(
                    "due_on",
                    HTML('<div class="small text-success" id="due-default" data-testid="due-default"></div>'),
                    css_class="col-md-8",
                ),
            ),
            "note",
            "version",
            Submit("save", _("Save"), css_class="btn-primary"),
        )

    def clean_applicant_name(self):
        return " ".join(self.cleaned_data["applicant_name"].split())

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean_beneficiary_code(self):
        code = (self.cleaned_data.get("beneficiary_code") or "").strip()
        self.beneficiary = None
        if code:
            self.beneficiary = beneficiary_by_code(user=self.user, code=code)
            if self.beneficiary is None:
                raise forms.ValidationError(_("No beneficiary of yours has this code."))
        return code

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            "commune": data["commune"],
            "applicant_name": data["applicant_name"],
            "kind": data["kind"],
            "category": data.get("category") or "",
            "received_on": data["received_on"],
            "due_on": data.get("due_on"),
            "beneficiary": self.beneficiary,
            "note": data.get("note") or "",
        }
        if self.beneficiary is not None:
            values["person"] = self.beneficiary.person
        if self.dossier is None:
            values["code"] = data["code"]
        return values


def _limits_attr(limits: dict[str, int]) -> str:
    return ";".join(f"{kind}={days}" for kind, days in limits.items())


class DossierMoveForm(forms.Form):
    """Move a dossier to its next status. `to` takes any status: the service refuses a move
    the procedure does not allow, with a message naming both statuses."""

    to = forms.ChoiceField(label=_("New status"), choices=DossierStatus.choices)
    on = date_field(_("On"), required=True)
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=50,
        required=False,
        help_text=_("For an approval or a rejection."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        if dossier is not None:
            self.fields["version"].initial = dossier.version
