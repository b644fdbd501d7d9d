"""Forms of the poverty-review pages: the review itself, the list filters, a head's decision,
starting next year's review, and the movement table's area and year."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes
from welfare.core.formatting import group_int

from .models import AreaType, Dimension, PovertyResult, PovertyStandard, ReviewKind, ReviewStatus
from .poverty import standard_for_review_year
from .review_selectors import current_review_year

YEAR_MIN, YEAR_MAX = 2000, 2100


class VndField(forms.IntegerField):
    """Whole đồng, typed as the officer writes it: `1450000`, `1.450.000` or `1 450 000`."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(".", "").replace(" ", "").replace("\u00a0", "")
            if value and not value.isdigit():
                raise ValidationError(
                    _("Enter a whole number of đồng, for example 1.450.000."), code="invalid"
                )
        return super().to_python(value)


def _dep_field(number: int) -> str:
    return f"dep_{number}"


class ReviewForm(forms.Form):
    """A household's review: the officer's figures and the 12 indicators; the result is computed
    by the service (and shown live by the page's script), never typed."""

    review_year = forms.IntegerField(
        label=_("Review year"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text=_("The review carried out in this year sets the status for the following year."),
    )
    kind = forms.ChoiceField(label=_("Kind of review"), choices=ReviewKind.choices)
    reviewed_on = forms.DateField(
        label=_("Reviewed on"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}),
    )
    income_per_capita_vnd = VndField(
        label=_("Income per person per month (VND)"),
        min_value=0,
        max_value=10_000_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Whole đồng, for example 1.450.000."),
    )
    area_type = forms.ChoiceField(label=_("Area type"), choices=AreaType.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, household, review=None, standards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.review = review
        today = timezone.localdate()
        if review is None:
            year = current_review_year(today)
            self.initial.setdefault("review_year", year)
            self.initial.setdefault(
                "kind", ReviewKind.PERIODIC if today.month >= 9 else ReviewKind.REGULAR
            )
            self.initial.setdefault("reviewed_on", today)
            self.initial.setdefault("area_type", household.area_type)
        else:
            self.initial.update(
                review_year=review.review_year,
                kind=review.kind,
                reviewed_on=review.reviewed_on,
                income_per_capita_vnd=group_int(review.income_per_capita_vnd),
                area_type=review.area_type,
                note=review.note,
                version=review.version,
                **{_dep_field(n): True for n in review.deprivations},
            )
            # Revising a recognised review during the year is a regular review.
            self.fields["review_year"].disabled = True
        self.standards = list(standards if standards is not None else PovertyStandard.objects.all())
        self.standard = self._standard_for(
            self.data.get("review_year") or self.initial.get("review_year")
        )
        indicators = {i.number: i for i in self.standard.indicators.all()} if self.standard else {}
        dimension_of = {}
        for number in range(1, 13):
            indicator = indicators.get(number)
            label = f"{number}. {indicator.name}" if indicator else str(number)
            self.fields[_dep_field(number)] = forms.BooleanField(
                label=label,
                required=False,
                help_text=indicator.threshold if indicator else "",
                widget=forms.CheckboxInput(
                    attrs={"data-indicator": number, "class": "deprivation"}
                ),
            )
            dimension_of[number] = indicator.dimension if indicator else ""
        self.dimensions = [
            (value, label, [n for n in range(1, 13) if dimension_of[n] == value])
            for value, label in Dimension.choices
        ]
        self.fields["income_per_capita_vnd"].widget.attrs["data-role"] = "income"
        self.fields["area_type"].widget.attrs["data-role"] = "area-type"
        self.fields["review_year"].widget.attrs["data-role"] = "year"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("review_year", css_class="col-md-4"),
                Column("kind", css_class="col-md-4"),
                Column("reviewed_on", css_class="col-md-4"),
            ),
            Row(
                Column("income_per_capita_vnd", css_class="col-md-7"),
                Column("area_type", css_class="col-md-5"),
            ),
            HTML(
                format_html(
                    '<h2 class="h6 mt-2">{}</h2>',
                    gettext("Deprivations (tick each indicator the household is deprived on)"),
                )
            ),
            Div(
                *[
                    Div(
                        Fieldset(
                            label,
                            *[_dep_field(n) for n in numbers],
                            css_class="border rounded p-2 h-100 bg-light-subtle",
                        ),
                        css_class="col-md-6 mb-2",
                    )
                    for _value, label, numbers in self.dimensions
                    if numbers
                ],
                css_class="row",
                data_testid="deprivations",
            ),
            "note",
            "version",
        )

    def _standard_for(self, year) -> PovertyStandard | None:
        try:
            return standard_for_review_year(int(year), self.standards)
        except (TypeError, ValueError, ValidationError):
            return None

    def clean_review_year(self):
        year = self.cleaned_data["review_year"]
        if self._standard_for(year) is None:
            raise ValidationError(
                _(
                    "No poverty standard covers the reviews of %(year)s: "
                    "an administrator must add it."
                ),
                params={"year": year},
            )
        return year

    def clean_reviewed_on(self):
        value = self.cleaned_data.get("reviewed_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def deprivations(self) -> list[int]:
        return [n for n in range(1, 13) if self.cleaned_data.get(_dep_field(n))]


class ReviewFilterForm(forms.Form):
    """The review list's filters; every field is optional."""

    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.ModelChoiceField(queryset=None, required=False, label=_("Commune"))
    year = forms.IntegerField(
        label=_("Review year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ReviewStatus.choices]
    )
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("All results")), *PovertyResult.choices]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        self.fields["commune"].empty_label = _("All communes")
        self.fields["q"].widget.attrs["placeholder"] = _("Household code or head's name")

    def values(self) -> dict:
        if not self.is_valid():
            return {"commune": None, "year": None, "status": "", "result": "", "q": ""}
        data = self.cleaned_data
        return {
            "commune": data["commune"].pk if data["commune"] else None,
            "year": data["year"],
            "status": data["status"],
            "result": data["result"],
            "q": data["q"].strip(),
        }


class RecogniseForm(forms.Form):
    """A head's decision recognising one or many proposals (Decision 24/2021/QĐ-TTg)."""

    reviews = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Reviews"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one review to recognise.")},
    )
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
    )
    recognised_on = forms.DateField(
        label=_("Decision date"),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}),
    )

    def __init__(self, *args, pending, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = pending
        self.fields["recognised_on"].initial = timezone.localdate()

    def clean_recognised_on(self):
        value = self.cleaned_data["recognised_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The decision date cannot be in the future."))
        return value


class CarryForwardForm(forms.Form):
    """Which commune's list, and from which year, to start next year's review."""

    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"))
    from_year = forms.IntegerField(
        label=_("From the review of"), min_value=YEAR_MIN, max_value=YEAR_MAX - 1
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = user_communes(user).order_by("name")
        self.fields["commune"].queryset = communes
        self.fields["commune"].empty_label = None
        self.fields["from_year"].initial = current_review_year(timezone.localdate()) - 1
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(Column("commune", css_class="col-md-7"), Column("from_year", css_class="col-md-5"))
        )
        self.helper.add_input(Submit("check", _("Continue")))


class MovementForm(forms.Form):
    """The movement table's status year and area: one commune, or (a head) the whole province."""

    year = forms.IntegerField(
        label=_("Status year"),
        min_value=YEAR_MIN + 2,
        max_value=YEAR_MAX,
        help_text=_("Compares the reviews of the two years before it."),
    )
    commune = forms.ModelChoiceField(queryset=None, required=False, label=_("Commune"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = user_communes(user).order_by("name")
        self.fields["commune"].queryset = communes
        self.province_wide = bool(user.is_head or user.is_admin_role)
        if self.province_wide:
            self.fields["commune"].empty_label = _("— The whole province —")
        else:
            self.fields["commune"].empty_label = _("All my communes")
        self.fields["year"].initial = current_review_year(timezone.localdate()) + 1
