from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes, user_provinces
from welfare.areas.rules import commune_outside_province

from .models import Plan
from .periods import ReportArea


class PlanForm(forms.ModelForm):
    """A head's plan target. The province is the head's own; an admin chooses it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = ["province", "commune", "year", "indicator", "target", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        provinces = user_provinces(user)
        self.fields["province"].queryset = provinces
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        self.fields["commune"].empty_label = _("— The whole province —")
        if provinces.count() == 1:
            self.fields["province"].initial = provinces.first()
            self.fields["province"].widget = forms.HiddenInput()
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        else:
            self.fields["version"].initial = self.instance.version
        self.fields["target"].localize = True
        self.fields["target"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "province",
            Row(Column("year", css_class="col-md-3"), Column("indicator", css_class="col-md-5"),
                Column("target", css_class="col-md-4")),
            "commune",
            "note",
            "version",
        )
        self.helper.add_input(Submit("submit", _("Save")))


class SummaryRequestForm(forms.Form):
    """Which area and half-year to summarise: a province of the user's, or one of its communes.

    A head has one province (the field is hidden); an admin chooses; an officer always
    summarises one of their communes.
    """

    province = forms.ModelChoiceField(queryset=None, required=False, label=_("Province"))
    commune = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Commune"),
        help_text=_("Leave empty for the whole province."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("Period"), coerce=int,
        choices=[(1, _("First half (1/1 – 30/6)")), (2, _("Second half (1/7 – 31/12)"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = user_provinces(user)
        self.fields["province"].queryset = provinces
        self.fields["commune"].queryset = user_communes(user).order_by("province_id", "name")
        self.fields["commune"].empty_label = _("— The whole province —")
        first_two = list(provinces[:2])
        # A head (or an officer) has exactly one province: no need to ask for it.
        self.only_province = first_two[0] if len(first_two) == 1 else None
        if self.only_province is not None:
            self.fields["province"].initial = self.only_province
            self.fields["province"].widget = forms.HiddenInput()
        if not (user.is_head or user.is_admin_role):
            # An officer summarises one of their communes, never the province.
            self.fields["commune"].required = True
            self.fields["commune"].empty_label = None
            self.fields["commune"].help_text = ""
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["half"].initial = 1 if today.month <= 6 else 2
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("year", css_class="col-md-3"), Column("half", css_class="col-md-5")),
            "province",
            "commune",
        )
        self.helper.add_input(Submit("submit", _("Build the summary")))

    def clean(self):
        cleaned = super().clean()
        province, commune = cleaned.get("province"), cleaned.get("commune")
        if province is None and self.only_province is not None:
            province = cleaned["province"] = self.only_province
        if commune is None and province is None and not self.errors:
            raise forms.ValidationError(_("Choose a province or a commune."))
        problem = commune and province and commune_outside_province(
            commune_province_id=commune.province_id, province_id=province.pk
        )
        if problem:
            self.add_error("commune", problem)
        return cleaned

    def area(self) -> ReportArea:
        commune = self.cleaned_data.get("commune")
        if commune is not None:
            return ReportArea.commune(commune.code)
        return ReportArea.province(self.cleaned_data["province"].code)
