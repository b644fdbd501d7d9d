"""Input of households, members, people and health-insurance cards: validation and layout only.

The views hand the cleaned data to `services`; the rules the import and the admin also need
(one head, the citizen ID agreeing with the person, stale edits) live there. The forms repeat
the checks a user should see next to the field they typed, before anything is saved.
Dates are typed dd/mm/yyyy, as every Vietnamese form writes them.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import user_communes

from .models import AreaType, BeneficiaryGroup, Household, Member, PersonStatus, Relation, Sex
from .selectors import household_by_code
from .services import MemberData, PersonData, person_id_problems

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_PLACEHOLDER = _("dd/mm/yyyy")


class DateInput(forms.DateInput):
    def __init__(self, attrs=None):
        attrs = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y")


def date_field(label, *, required: bool = False, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": _("Type the date as dd/mm/yyyy, for example 05/09/1984.")},
    )


def _not_future(form: forms.Form, name: str) -> None:
    value = form.cleaned_data.get(name)
    if value and value > timezone.localdate():
        form.add_error(name, _("The date cannot be in the future."))


BLANK = [("", "—")]


class PersonFieldsMixin:
    """The fields that describe a person, shared by the member row and the person form."""

    def add_person_fields(self) -> None:
        self.fields["full_name"] = forms.CharField(label=_("Full name"), max_length=150)
        self.fields["sex"] = forms.ChoiceField(
            label=_("Sex"), choices=BLANK + list(Sex.choices), required=False
        )
        self.fields["birth_date"] = date_field(_("Date of birth"))
        self.fields["birth_year"] = forms.IntegerField(
            label=_("Year of birth"),
            required=False,
            min_value=1880,
            max_value=2100,
            help_text=_("When only the year is known."),
        )
        self.fields["ethnicity"] = forms.CharField(
            label=_("Ethnicity"), max_length=50, required=False
        )
        self.fields["id_number"] = forms.CharField(
            label=_("Citizen ID"),
            max_length=12,
            required=False,
            help_text=_("12 digits."),
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        )

    def clean_person(self, cleaned: dict) -> dict:
        """The checks of `domain.md` ("Identity"): a date not in the future, a birth year that
        agrees with the date, a citizen ID agreeing with the sex and birth year."""
        _not_future(self, "birth_date")
        birth_date, birth_year = cleaned.get("birth_date"), cleaned.get("birth_year")
        if birth_date and birth_year and birth_date.year != birth_year:
            self.add_error(
                "birth_year", _("The year of birth does not agree with the date of birth.")
            )
        id_number = (cleaned.get("id_number") or "").strip()
        cleaned["id_number"] = id_number
        if id_number and "id_number" not in self.errors:
            problems = person_id_problems(
                id_number=id_number,
                sex=cleaned.get("sex") or "",
                birth_date=birth_date,
                birth_year=birth_year,
            )
            for problem in problems:
                self.add_error("id_number", problem)
        if cleaned.get("full_name"):
            cleaned["full_name"] = " ".join(cleaned["full_name"].split())
        return cleaned

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            full_name=data["full_name"],
            sex=data.get("sex") or "",
            birth_date=data.get("birth_date"),
            birth_year=data.get("birth_year") if not data.get("birth_date") else None,
            ethnicity=data.get("ethnicity") or "",
            id_number=data.get("id_number") or None,
        )


# --- Households and their members -------------------------------------------------------------


class HouseholdForm(forms.ModelForm):
    """The household itself; its members come in the formset beside it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["code", "commune", "village", "area_type", "address", "legacy_district"]
        labels = {
            "code": _("Household code"),
            "commune": _("Commune"),
            "village": _("Village"),
            "area_type": _("Area type"),
            "address": _("Address"),
            "legacy_district": _("Former district"),
        }
        help_texts = {
            "village": _("Thôn, bản or tổ dân phố."),
            "legacy_district": _(
                "The district (huyện) of the time, for records made before 1 July 2025."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = user_communes(user).order_by("name")
        self.fields["commune"].queryset = communes
        self.fields["commune"].empty_label = None
        self.fields["area_type"].choices = list(AreaType.choices)
        if self.instance.pk:
            # A household does not move to another commune: it is registered anew there.
            self.fields["commune"].disabled = True
            self.fields["version"].initial = self.instance.version
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("code", css_class="col-md-3"),
                Column("commune", css_class="col-md-5"),
                Column("area_type", css_class="col-md-4"),
            ),
            Row(Column("village", css_class="col-md-5"), Column("address", css_class="col-md-7")),
            Row(Column("legacy_district", css_class="col-md-5")),
            "version",
        )

    def changes(self) -> dict:
        fields = ["code", "village", "area_type", "address", "legacy_district"]
        return {name: (self.cleaned_data.get(name) or "").strip() for name in fields}


class MemberRowForm(PersonFieldsMixin, forms.Form):
    """One member in the household form: a new one, or an existing one (member_id set)."""

    member_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    person_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, relation_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_person_fields()
        self.fields["relation"] = forms.ChoiceField(
            label=_("Relation to the head"),
            choices=relation_choices or BLANK + list(Relation.choices),
        )
        self.fields["birth_year"].help_text = ""
        self.fields["id_number"].help_text = ""
        self.fields["full_name"].widget.attrs["data-role"] = "member-name"

    def clean(self):
        return self.clean_person(super().clean())

    def member_data(self) -> MemberData:
        return MemberData(person=self.person_data(), relation=self.cleaned_data["relation"])


class BaseMemberFormSet(forms.BaseFormSet):
    """The members of a household: exactly one head, no citizen ID twice."""

    # Set for a household that has its head: the head's row stays the head and no other row
    # becomes it (the head is changed with `household_head_change`, on its own page).
    head_locked = False

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.head_locked:
            initial = self.initial or []
            is_head = (
                index is not None
                and index < len(initial)
                and initial[index].get("relation") == Relation.HEAD
            )
            kwargs["relation_choices"] = (
                [(Relation.HEAD, Relation.HEAD.label)]
                if is_head
                else BLANK + [c for c in Relation.choices if c[0] != Relation.HEAD]
            )
        return kwargs

    def filled_forms(self) -> list[MemberRowForm]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and (form.cleaned_data.get("member_id") or form.has_changed())
        ]

    def clean(self):
        # Counted even when a row has other errors, so the officer sees every problem at once.
        filled = self.filled_forms()
        if not filled:
            raise forms.ValidationError(_("Enter at least the head of the household."))
        heads = [f for f in filled if f.cleaned_data.get("relation") == Relation.HEAD]
        if len(heads) != 1:
            raise forms.ValidationError(
                _("A household has exactly one head: mark one member as the head.")
            )
        seen: dict[str, MemberRowForm] = {}
        for form in filled:
            number = form.cleaned_data.get("id_number")
            if number and number in seen:
                form.add_error(
                    "id_number", _("This citizen ID is already given to another member above.")
                )
                raise forms.ValidationError(_("Two members have the same citizen ID."))
            if number:
                seen[number] = form


def member_formset(*, data=None, household: Household | None = None, extra: int | None = None):
    """The formset of a household's current members (empty rows for new ones)."""
    initial = []
    if household is not None:
        for member in (
            household.members.filter(left_on__isnull=True).select_related("person").order_by("pk")
        ):
            person = member.person
            initial.append(
                {
                    "member_id": member.pk,
                    "version": member.version,
                    "person_version": person.version,
                    "full_name": person.full_name,
                    "relation": member.relation,
                    "sex": person.sex,
                    "birth_date": person.birth_date,
                    "birth_year": None if person.birth_date else person.birth_year,
                    "ethnicity": person.ethnicity,
                    "id_number": person.id_number or "",
                }
            )
    else:
        initial = [{"relation": Relation.HEAD}]
    formset_class = forms.formset_factory(
        MemberRowForm,
        formset=BaseMemberFormSet,
        extra=extra if extra is not None else 2,
        max_num=40,
        validate_max=True,
    )
    formset = formset_class(data=data, initial=initial, prefix="members")
    formset.head_locked = any(
        row.get("member_id") and row["relation"] == Relation.HEAD for row in initial
    )
    return formset


class HeadChangeForm(forms.Form):
    """Another member becomes the head; the old head keeps a place with another relation."""

    new_head = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("New head"))
    old_head_relation = forms.ChoiceField(
        label=_("The former head's relation to the new head"),
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
    )

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_head"].queryset = (
            household.members.filter(left_on__isnull=True)
            .exclude(relation=Relation.HEAD)
            .select_related("person")
            .order_by("pk")
        )
        self.fields["new_head"].label_from_instance = lambda m: (
            f"{m.person.full_name} ({m.get_relation_display()})"
        )
        self.fields["new_head"].empty_label = None
        self.helper = FormHelper()
        self.helper.layout = Layout("new_head", "old_head_relation")
        self.helper.add_input(Submit("submit", _("Change the head")))


class MemberLeaveForm(forms.Form):
    left_on = date_field(_("Left the household on"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("left_on", css_class="w-auto"))
        self.helper.add_input(Submit("submit", _("Record the leave"), css_class="btn-warning"))

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "left_on")
        return cleaned


# --- People -----------------------------------------------------------------------------------


class PersonForm(PersonFieldsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, person=None, **kwargs):
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "full_name": person.full_name,
                "sex": person.sex,
                "birth_date": person.birth_date,
                "birth_year": None if person.birth_date else person.birth_year,
                "ethnicity": person.ethnicity,
                "id_number": person.id_number or "",
                "version": person.version,
            }
        super().__init__(*args, **kwargs)
        self.add_person_fields()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "full_name",
            Row(
                Column("sex", css_class="col-md-4"),
                Column("birth_date", css_class="col-md-4"),
                Column("birth_year", css_class="col-md-4"),
            ),
            Row(
                Column("id_number", css_class="col-md-6"), Column("ethnicity", css_class="col-md-6")
            ),
            "version",
        )
        self.helper.add_input(Submit("submit", _("Save")))

    def clean(self):
        return self.clean_person(super().clean())


class PersonExitForm(forms.Form):
    """A death or a move, recorded once: every programme the person is in hears of it."""

    status = forms.ChoiceField(
        label=_("What happened"),
        choices=[(PersonStatus.DIED, _("Died")), (PersonStatus.MOVED, _("Moved away"))],
        widget=forms.RadioSelect,
    )
    on = date_field(_("On"), required=True)
    note = forms.CharField(
        label=_("Note"),
        max_length=255,
        required=False,
        help_text=_("For a move, where to; for a death, the death certificate if there is one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("status", Field("on", css_class="w-auto"), "note")
        self.helper.add_input(Submit("submit", _("Record"), css_class="btn-danger"))

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "on")
        return cleaned


class DuplicateResolveForm(forms.Form):
    """What an officer decided about a pair: one record kept (merge), or two people."""

    action = forms.ChoiceField(choices=[("merge", "merge"), ("distinct", "distinct")])
    keep = forms.IntegerField(required=False)

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair

    def clean(self):
        cleaned = super().clean()
        keep = cleaned.get("keep")
        if cleaned.get("action") == "merge" and keep not in (
            self.pair.first.pk,
            self.pair.second.pk,
        ):
            raise forms.ValidationError(_("Choose which record to keep."))
        return cleaned

    def kept_and_duplicate(self):
        if self.cleaned_data["keep"] == self.pair.first.pk:
            return self.pair.first, self.pair.second
        return self.pair.second, self.pair.first


# --- Health-insurance cards -------------------------------------------------------------------


class CardForm(forms.Form):
    """A health-insurance card; its holder is linked to a person by `services.card_save`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    commune = forms.ModelChoiceField(queryset=None, label=_("Commune"), empty_label=None)
    card_number = forms.CharField(label=_("Card number"), max_length=20)
    beneficiary_group = forms.ChoiceField(
        label=_("Beneficiary group"), choices=BeneficiaryGroup.choices
    )
    holder_name = forms.CharField(label=_("Holder's name"), max_length=150)
    holder_id_number = forms.CharField(
        label=_("Holder's citizen ID"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    household_code = forms.CharField(
        label=_("Household code"),
        max_length=30,
        required=False,
        help_text=_("The holder's household, if they belong to one of the commune."),
    )
    issued_on = date_field(_("Issued on"), required=True)
    valid_from = date_field(_("Valid from"))
    valid_to = date_field(_("Valid to"))

    def __init__(self, *args, user, card=None, household=None, **kwargs):
        if card is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": card.version,
                "commune": card.commune_id,
                "card_number": card.card_number,
                "beneficiary_group": card.beneficiary_group,
                "holder_name": card.holder_name,
                "holder_id_number": card.holder_id_number,
                "household_code": card.household.code if card.household else "",
                "issued_on": card.issued_on,
                "valid_from": card.valid_from,
                "valid_to": card.valid_to,
            }
        elif household is not None and "initial" not in kwargs:
            kwargs["initial"] = {"commune": household.commune_id, "household_code": household.code}
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["commune"].queryset = user_communes(user).order_by("name")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("card_number", css_class="col-md-6"),
                Column("beneficiary_group", css_class="col-md-6"),
            ),
            Row(
                Column("holder_name", css_class="col-md-6"),
                Column("holder_id_number", css_class="col-md-6"),
            ),
            Row(
                Column("commune", css_class="col-md-6"),
                Column("household_code", css_class="col-md-6"),
            ),
            Row(
                Column("issued_on", css_class="col-md-4"),
                Column("valid_from", css_class="col-md-4"),
                Column("valid_to", css_class="col-md-4"),
            ),
            "version",
        )
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_holder_id_number(self):
        value = (self.cleaned_data.get("holder_id_number") or "").strip()
        if value and (len(value) != 12 or not value.isdigit()):
            raise forms.ValidationError(_("A citizen ID has exactly 12 digits."))
        return value

    def clean(self):
        cleaned = super().clean()
        _not_future(self, "issued_on")
        valid_from, valid_to = cleaned.get("valid_from"), cleaned.get("valid_to")
        if valid_from and valid_to and valid_from > valid_to:
            self.add_error(
                "valid_to", _("The card cannot be valid to a date before it is valid from.")
            )
        code = (cleaned.get("household_code") or "").strip()
        cleaned["household"] = None
        if code and cleaned.get("commune") is not None:
            household = household_by_code(
                user=self.user, code=code, commune_id=cleaned["commune"].pk
            )
            if household is None:
                self.add_error("household_code", _("No household of this commune has this code."))
            cleaned["household"] = household
        return cleaned


# --- Filters ----------------------------------------------------------------------------------


class HouseholdFilterForm(forms.Form):
    """The household list's search box and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.TypedChoiceField(
        label=_("Commune"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(
        label=_("Review year"), required=False, coerce=int, empty_value=None
    )
    area_type = forms.ChoiceField(label=_("Area type"), required=False)

    def __init__(self, *args, communes, years, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import PovertyResult

        self.fields["commune"].choices = [("", _("All communes"))] + [
            (c.code, c.name) for c in communes
        ]
        self.fields["status"].choices = [("", _("Any status"))] + list(PovertyResult.choices)
        self.fields["year"].choices = [("", _("Latest status"))] + [(y, str(y)) for y in years]
        self.fields["area_type"].choices = [("", _("Rural and urban"))] + list(AreaType.choices)
        for name in ("commune", "status", "year", "area_type"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "commune": None, "status": "", "year": None, "area_type": ""}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "commune": data.get("commune"),
            "status": data.get("status") or "",
            "year": data.get("year"),
            "area_type": data.get("area_type") or "",
        }


class CardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.TypedChoiceField(
        label=_("Commune"), required=False, coerce=int, empty_value=None
    )
    group = forms.ChoiceField(label=_("Beneficiary group"), required=False)
    year = forms.TypedChoiceField(
        label=_("Year issued"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, communes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("All communes"))] + [
            (c.code, c.name) for c in communes
        ]
        self.fields["group"].choices = [("", _("All groups"))] + list(BeneficiaryGroup.choices)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]
        for name in ("commune", "group", "year"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict:
        if not self.is_valid():
            return {"q": "", "commune": None, "group": "", "year": None}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "commune": data.get("commune"),
            "group": data.get("group") or "",
            "year": data.get("year"),
        }
