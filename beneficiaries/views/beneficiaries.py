"""Pages: beneficiaries (the list with a tab per programme, the beneficiary page, enrol and
edit, the end of an entitlement, a one-off payment)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import scope, user_communes
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.editing import add_service_errors, show_stale
from welfare.core.services import StaleEditError
from welfare.core.views import pagination_querystring
from welfare.households import services as household_services

from .. import rules, selectors, services
from ..forms import BeneficiaryEndForm, BeneficiaryFilterForm, BeneficiaryForm, OneOffForm
from ..models import Beneficiary, PaymentRun, PaymentStatus, Programme, SocialCategory, month_start

# Service errors named after a model field the form shows under another name.
FIELD_ALIASES = {"relative_of": "relative_of_id_number"}


def social_labels(beneficiary: Beneficiary) -> list[str]:
    names = dict(SocialCategory.choices)
    return [names[key] for key in beneficiary.social_categories or [] if key in names]


def entitlement_state(beneficiary: Beneficiary, today) -> str:
    """ "entitled", "ended" or "future": what the status badge says."""
    if beneficiary.end_on is not None and beneficiary.end_on < today:
        return "ended"
    if beneficiary.start_on > today:
        return "future"
    return "entitled"


class BeneficiaryListView(RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "beneficiaries/beneficiary_list.html"
    paginate_by = 50

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.programme = selectors.programme_of(request.GET.get("programme"))

    def filter_form(self) -> BeneficiaryFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = BeneficiaryFilterForm(
                self.request.GET or None,
                communes=user_communes(self.request.user).order_by("name"),
                programme=self.programme,
            )
        return self._filter_form

    def get_queryset(self):
        return selectors.beneficiary_list(
            user=self.request.user, filters=self.filter_form().values()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for beneficiary in context["object_list"]:
            beneficiary.state = entitlement_state(beneficiary, today)
            beneficiary.social_labels = social_labels(beneficiary)
        counts = {
            p: selectors.beneficiary_list(user=self.request.user, filters={"programme": p}).count()
            for p in Programme.values
        }
        context.update(
            programme=self.programme,
            is_merit=self.programme == Programme.MERIT,
            tabs=[(value, label, counts[value]) for value, label in Programme.choices],
            filter_form=self.filter_form(),
            filtered=self.filter_form().filtered(),
            total=context["paginator"].count
            if context.get("paginator")
            else len(context["object_list"]),
            querystring=pagination_querystring(self.request.GET, programme=self.programme),
            can_edit=self.request.user.has_perm("welfare.edit_cases"),
        )
        return context


class BeneficiaryDetailView(RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request, pk: int):
        user = request.user
        beneficiary = selectors.beneficiary_get(user=user, pk=pk)
        access_record(
            request=request, action=Action.VIEWED_BENEFICIARY, what=str(beneficiary), obj=beneficiary
        )
        today = timezone.localdate()
        month = month_start(today)
        amount, no_rule = None, None
        entitled_this_month = beneficiary.entitled_in_month(month)
        if entitled_this_month:
            try:
                amount = rules.monthly_amount(beneficiary, month)
            except rules.NoRule as exc:
                no_rule = str(exc)
        payments = list(selectors.beneficiary_payments(beneficiary=beneficiary))
        # A province's run opens to heads only: link the runs this user may open.
        runs = {p.run_id for p in payments if p.run_id}
        openable = set(scope(PaymentRun.objects.filter(pk__in=runs), user).values_list("pk", flat=True))
        for payment in payments:
            payment.run_openable = payment.run_id in openable
        can_edit = user.has_perm("welfare.edit_cases", beneficiary)
        beneficiary.social_labels = social_labels(beneficiary)
        relative_of_visible = (
            beneficiary.relative_of_id is not None
            and scope(
                type(beneficiary.relative_of).objects.filter(pk=beneficiary.relative_of_id), user
            ).exists()
        )
        context = {
            "beneficiary": beneficiary,
            "person": beneficiary.person,
            "is_merit": beneficiary.programme == Programme.MERIT,
            "state": entitlement_state(beneficiary, today),
            "month": month,
            "entitled_this_month": entitled_this_month,
            "amount": amount,
            "no_rule": no_rule,
            "payments": payments,
            "approved_total": sum(
                p.amount_vnd for p in payments if p.status == PaymentStatus.APPROVED
            ),
            "relatives": selectors.beneficiary_relatives(user=user, beneficiary=beneficiary),
            "relative_of_visible": relative_of_visible,
            "dossiers": [
                (d, d.overdue_on(today))
                for d in selectors.beneficiary_dossiers(user=user, beneficiary=beneficiary)
            ],
            "history": selectors.beneficiary_history(beneficiary=beneficiary),
            "can_edit": can_edit,
            "can_record_one_off": can_edit
            or user.has_perm("welfare.approve_payments", beneficiary),
        }
        return render(request, "beneficiaries/beneficiary_detail.html", context)


class BeneficiaryEditView(RoleRequiredMixin, View):
    """Enrol a person in a programme (`?programme=`, and `?person=` from a person's page), or
    change an enrolment. Officers only: heads read."""

    permission_required = "welfare.edit_cases"
    template_name = "beneficiaries/beneficiary_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.beneficiary = None
        self.person = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            if "pk" in kwargs:
                self.beneficiary = selectors.beneficiary_get(user=request.user, pk=kwargs["pk"])
                self.programme = self.beneficiary.programme
            else:
                source = request.POST if request.method == "POST" else request.GET
                self.programme = selectors.programme_of(
                    source.get("programme") or request.GET.get("programme")
                )
                person_pk = request.GET.get("person")
                if person_pk and person_pk.isdigit():
                    self.person = selectors.person_get(user=request.user, pk=int(person_pk))
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None) -> BeneficiaryForm:
        return BeneficiaryForm(
            data,
            user=self.request.user,
            programme=self.programme,
            beneficiary=self.beneficiary,
            person=self.person,
        )

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "beneficiary": self.beneficiary,
                "programme": self.programme,
                "programme_label": Programme(self.programme).label,
                "person": form.person,
            },
        )

    def get(self, request, pk: int | None = None):
        return self.render(self.form())

    def post(self, request, pk: int | None = None):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            with transaction.atomic():
                beneficiary = self._save(form)
        except StaleEditError as exc:
            show_stale(form, exc)
            return self.render(form)
        except ValidationError as exc:
            add_service_errors(form, exc, FIELD_ALIASES)
            return self.render(form)
        messages.success(request, _("Beneficiary %(code)s was saved.") % {"code": beneficiary.code})
        return redirect("beneficiary_detail", pk=beneficiary.pk)

    def _save(self, form: BeneficiaryForm) -> Beneficiary:
        user = self.request.user
        values = form.values()
        if self.beneficiary is not None:
            return services.beneficiary_update(
                user=user,
                beneficiary=self.beneficiary,
                expected_version=form.cleaned_data.get("version") or 0,
                changes={k: v for k, v in values.items() if k != "programme"},
            )
        person = form.person
        if person is None:
            id_number = form.cleaned_data.get("id_number") or ""
            if selectors.person_id_elsewhere(user=user, id_number=id_number):
                raise ValidationError(
                    {
                        "id_number": _(
                            "This citizen ID is recorded for a person of another commune: ask that commune to move the record first."
                        )
                    }
                )
            person = household_services.person_for(
                user=user, commune=values["commune"], data=form.person_data()
            )
        return services.beneficiary_enrol(user=user, person=person, values=values)


class BeneficiaryEndView(RoleRequiredMixin, View):
    """End an entitlement on a date, with the reason."""

    permission_required = "welfare.edit_cases"
    template_name = "beneficiaries/beneficiary_end.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.beneficiary = selectors.beneficiary_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return render(
            self.request, self.template_name, {"form": form, "beneficiary": self.beneficiary}
        )

    def get(self, request, pk: int):
        return self.render(BeneficiaryEndForm(beneficiary=self.beneficiary))

    def post(self, request, pk: int):
        form = BeneficiaryEndForm(request.POST, beneficiary=self.beneficiary)
        if form.is_valid():
            try:
                services.beneficiary_end(
                    user=request.user,
                    beneficiary=self.beneficiary,
                    on=form.cleaned_data["end_on"],
                    reason=form.cleaned_data["end_reason"],
                    expected_version=form.cleaned_data.get("version") or 0,
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The entitlement of %(name)s ends on %(date)s.")
                    % {
                        "name": self.beneficiary.person.full_name,
                        "date": form.cleaned_data["end_on"].strftime("%d/%m/%Y"),
                    },
                )
                return redirect("beneficiary_detail", pk=self.beneficiary.pk)
        return self.render(form)


class OneOffCreateView(RoleRequiredMixin, View):
    """Record a one-off payment: an officer's is proposed for a head to approve, a head's is
    approved at once (`services.one_off_record`)."""

    permission_required = "welfare.view_cases"
    template_name = "beneficiaries/beneficiary_one_off.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.beneficiary = selectors.beneficiary_get(user=request.user, pk=kwargs["pk"])
            user = request.user
            if not (
                user.has_perm("welfare.edit_cases", self.beneficiary)
                or user.has_perm("welfare.approve_payments", self.beneficiary)
            ):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "beneficiary": self.beneficiary,
                "approver": self.request.user.has_perm(
                    "welfare.approve_payments", self.beneficiary
                ),
            },
        )

    def get(self, request, pk: int):
        return self.render(OneOffForm())

    def post(self, request, pk: int):
        form = OneOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = services.one_off_record(
                    user=request.user,
                    beneficiary=self.beneficiary,
                    amount_vnd=data["amount_vnd"],
                    reason=data["one_off_reason"],
                    paid_on=data.get("paid_on"),
                    month=data["month"],
                    note=(data.get("note") or "").strip(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if payment.status == PaymentStatus.APPROVED:
                    text = _("The one-off payment was recorded and approved.")
                else:
                    text = _("The one-off payment was recorded. It counts once a head approves it.")
                messages.success(request, text)
                return redirect("beneficiary_detail", pk=self.beneficiary.pk)
        return self.render(form)


urlpatterns = [
    path("", BeneficiaryListView.as_view(), name="beneficiary_list"),
    path("new/", BeneficiaryEditView.as_view(), name="beneficiary_create"),
    path("<int:pk>/", BeneficiaryDetailView.as_view(), name="beneficiary_detail"),
    path("<int:pk>/edit/", BeneficiaryEditView.as_view(), name="beneficiary_edit"),
    path("<int:pk>/end/", BeneficiaryEndView.as_view(), name="beneficiary_end"),
    path("<int:pk>/one-off/", OneOffCreateView.as_view(), name="one_off_create"),
]
