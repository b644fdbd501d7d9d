"""Pages: the yearly poverty review (Decision 24/2021/QĐ-TTg).

An officer proposes a household's review (the result computed as the form is filled in) and
starts next year's review from last year's list; a head recognises proposals under a decision
number and date, one by one or many at once; both read the list and the movement table.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from welfare.accounts.access import RoleRequiredMixin, allow
from welfare.accounts.scoping import get_scoped_or_404
from welfare.core.editing import show_stale
from welfare.core.formatting import format_vnd
from welfare.core.services import StaleEditError

from .. import services
from ..models import (
    AreaType,
    Household,
    PovertyResult,
    PovertyReview,
    PovertyStandard,
    ReviewStatus,
)
from ..poverty import deprivations_parse, poverty_classify, standard_for_review_year
from ..review_forms import (
    CarryForwardForm,
    MovementForm,
    RecogniseForm,
    ReviewFilterForm,
    ReviewForm,
)
from ..review_selectors import (
    carry_forward_count,
    household_members,
    movement_table,
    review_history,
    review_list,
    review_pending,
    review_years,
)

RESULT_BADGES = {
    PovertyResult.POOR: "text-bg-danger",
    PovertyResult.NEAR_POOR: "text-bg-warning",
    PovertyResult.AVERAGE: "text-bg-info",
    PovertyResult.NOT_POOR: "text-bg-success",
}


def _unverified_warning(standard: PovertyStandard | None) -> str:
    if standard is None or not standard.average_bounds_unverified:
        return ""
    return _(
        "The upper bounds of the average living standard of %(standard)s are not yet verified: "
        "a household above the income line may show as “not poor” instead of “average”. "
        "Check the bounds with an administrator."
    ) % {"standard": standard.code}


def _classification(*, standard: PovertyStandard, area_type: str, income: int, count: int) -> dict:
    """What the form's result badge shows (the same rule the service applies on saving)."""
    result = PovertyResult(
        poverty_classify(
            standard=standard,
            area_type=area_type,
            income_per_capita_vnd=income,
            deprivation_count=count,
        )
    )
    line = standard.income_line(area_type)
    bound = standard.average_bound(area_type)
    return {
        "result": result.value,
        "label": str(result.label),
        "badge": RESULT_BADGES[result],
        "standard": standard.code,
        "income_line": line,
        "average_bound": bound,
        "deprivations": count,
        "deprivations_text": _("Deprivations: %(n)s of 12") % {"n": count},
        "poor_min_deprivations": standard.poor_min_deprivations,
        "line_text": _(
            "Income line %(line)s per person per month (%(area)s, Decree %(standard)s); "
            "poor with %(min)s or more deprivations out of 12."
        )
        % {
            "line": format_vnd(line),
            "area": AreaType(area_type).label.lower(),
            "standard": standard.code,
            "min": standard.poor_min_deprivations,
        },
        "warning": _unverified_warning(standard),
    }


@allow("welfare.view_cases")
def review_classify(request):
    """The result of a review as the officer fills it in: GET year, area_type, income,
    deprivations ("1;4;7" or a count). The one rule is `poverty.poverty_classify`."""
    params = request.GET
    try:
        year = int(params.get("year", ""))
        standard = standard_for_review_year(year)
    except (TypeError, ValueError):
        return JsonResponse({"error": _("Enter the review year.")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    area_type = params.get("area_type", "")
    if area_type not in AreaType.values:
        return JsonResponse({"error": _("Choose rural or urban.")}, status=400)
    income_text = params.get("income", "").replace(".", "").replace(" ", "").strip()
    if not income_text.isdigit():
        return JsonResponse(
            {
                "error": _("Enter the income per person per month to see the result."),
                "warning": _unverified_warning(standard),
            },
            status=400,
        )
    deprivations = params.get("deprivations", "").strip()
    try:
        count = len(deprivations_parse(deprivations))
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse(
        _classification(
            standard=standard, area_type=area_type, income=int(income_text), count=count
        )
    )


class ReviewListView(RoleRequiredMixin, ListView):
    """The reviews of an officer's communes or a head's province, filtered and paginated."""

    permission_required = "welfare.view_cases"
    template_name = "households/review_list.html"
    paginate_by = 50

    @cached_property
    def filters(self) -> ReviewFilterForm:
        return ReviewFilterForm(self.request.GET or None, user=self.request.user)

    def get_queryset(self):
        return review_list(user=self.request.user, **self.filters.values())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        values = self.filters.values()
        context.update(
            filters=self.filters,
            years=review_years(user=user),
            can_edit=user.has_perm("welfare.edit_cases"),
            can_recognise=user.has_perm("welfare.recognise_reviews"),
            badges=RESULT_BADGES,
            show_commune=not values["commune"]
            and self.filters.fields["commune"].queryset.count() > 1,
            posting_commune=values["commune"],
            posting_year=values["year"],
        )
        return context


class _HouseholdReviewMixin:
    """The household and review of the page, fetched in the user's areas (404 otherwise)."""

    @cached_property
    def review(self) -> PovertyReview | None:
        if "pk" not in self.kwargs:
            return None
        return get_scoped_or_404(
            PovertyReview.objects.select_related("household", "household__commune", "standard"),
            self.request.user,
            pk=self.kwargs["pk"],
        )

    @cached_property
    def household(self) -> Household:
        if self.review is not None:
            return self.review.household
        return get_scoped_or_404(
            Household.objects.select_related("commune", "head"),
            self.request.user,
            pk=self.kwargs["household_pk"],
        )


class ReviewEditView(RoleRequiredMixin, _HouseholdReviewMixin, FormView):
    """Propose a household's review, or revise one (a regular review during the year).

    Saving goes through `services.review_save`: the result is computed there, a stale edit is
    refused, and an officer's change to a recognised review makes it a proposal again.
    """

    permission_required = "welfare.edit_cases"
    template_name = "households/review_form.html"
    form_class = ReviewForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(household=self.household, review=self.review)
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.review is not None and self.request.GET.get("kind") in ("periodic", "regular"):
            form.initial["kind"] = self.request.GET["kind"]
        return form

    def form_valid(self, form):
        data = form.cleaned_data
        if self.review is None:
            existing = self.household.reviews.filter(review_year=data["review_year"]).first()
            if existing is not None:
                form.add_error(
                    "review_year",
                    _("The household already has a review for this year: revise that one."),
                )
                return self.render_to_response(self.get_context_data(form=form, existing=existing))
        try:
            review = services.review_save(
                user=self.request.user,
                household=self.household,
                review_year=data["review_year"],
                income_per_capita_vnd=data["income_per_capita_vnd"],
                deprivations=form.deprivations(),
                area_type=data["area_type"],
                kind=data["kind"],
                reviewed_on=data["reviewed_on"],
                note=data["note"],
                review=self.review,
                expected_version=data.get("version") if self.review is not None else None,
            )
        except StaleEditError as exc:
            show_stale(form, exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        if (
            self.review is not None
            and self.review.status == ReviewStatus.RECOGNISED
            and review.status == ReviewStatus.PROPOSED
        ):
            messages.warning(
                self.request,
                _("The review was changed: it is a proposal again and must be recognised anew."),
            )
        messages.success(
            self.request,
            _("The review of %(year)s was saved: %(result)s.")
            % {"year": review.review_year, "result": review.get_result_display()},
        )
        return redirect("review_detail", pk=review.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            household=self.household,
            review=self.review,
            members=household_members(household=self.household),
            standard=form.standard,
            warning=_unverified_warning(form.standard),
            initial_result=self._initial_result(form),
        )
        return context

    def _initial_result(self, form) -> dict | None:
        """The badge as the page opens (the script keeps it up to date afterwards)."""
        if form.standard is None:
            return None
        source = form.data if form.is_bound else form.initial
        income = str(source.get("income_per_capita_vnd") or "").replace(".", "").replace(" ", "")
        if not income.isdigit():
            return None
        area_type = source.get("area_type") or self.household.area_type
        if area_type not in AreaType.values:
            return None
        count = sum(
            1 for n in range(1, 13) if source.get(f"dep_{n}") not in (None, "", False, "off")
        )
        return _classification(
            standard=form.standard, area_type=area_type, income=int(income), count=count
        )


class ReviewDetailView(RoleRequiredMixin, _HouseholdReviewMixin, DetailView):
    """One review: its figures, deprivations by name, recognition, and its whole history."""

    permission_required = "welfare.view_cases"
    template_name = "households/review_detail.html"
    context_object_name = "review"

    def get_object(self, queryset=None):
        return self.review

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, user = self.review, self.request.user
        indicators = {i.number: i for i in review.standard.indicators.all()}
        history = list(review_history(review=review))
        context.update(
            household=self.household,
            members=household_members(household=self.household),
            deprived=[indicators.get(n) or n for n in review.deprivations],
            history=history,
            badges=RESULT_BADGES,
            can_edit=user.has_perm("welfare.edit_cases", review),
            can_recognise=review.status == ReviewStatus.PROPOSED
            and user.has_perm("welfare.recognise_reviews", review),
            can_print=review.status == ReviewStatus.RECOGNISED
            and review.result in (PovertyResult.POOR, PovertyResult.NEAR_POOR),
            recognise_form=RecogniseForm(pending=review_pending(user=user)),
            warning=_unverified_warning(review.standard),
        )
        return context


class RecogniseView(RoleRequiredMixin, FormView):
    """A head recognises proposals of the province under one decision number and date, ticking
    one or many (Decision 24/2021/QĐ-TTg: results are recognised by decision)."""

    permission_required = "welfare.recognise_reviews"
    template_name = "households/recognise_list.html"
    form_class = RecogniseForm
    paginate_by = 200

    @cached_property
    def filters(self) -> ReviewFilterForm:
        return ReviewFilterForm(self.request.GET or None, user=self.request.user)

    @cached_property
    def pending(self):
        values = self.filters.values()
        return review_pending(
            user=self.request.user,
            commune=values["commune"],
            year=values["year"],
            result=values["result"],
            q=values["q"],
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Posted ids are checked against every pending review of the user's areas, not only the
        # filtered page, so a single recognition from a review page is accepted too.
        kwargs["pending"] = review_pending(user=self.request.user)
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            count = services.review_recognise(
                user=self.request.user,
                reviews=data["reviews"],
                decision_number=data["decision_number"],
                recognised_on=data["recognised_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(count)s reviews recognised under decision %(number)s of %(date)s.")
            % {
                "count": count,
                "number": data["decision_number"].strip(),
                "date": data["recognised_on"].strftime("%d/%m/%Y"),
            },
        )
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return redirect(target)
        return redirect(self.request.get_full_path())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = self.pending
        context.update(
            filters=self.filters,
            years=review_years(user=self.request.user),
            shown=list(pending[: self.paginate_by]),
            total=pending.count(),
            limit=self.paginate_by,
            badges=RESULT_BADGES,
            checked={str(pk) for pk in self.request.POST.getlist("reviews")},
        )
        return context


class CarryForwardView(RoleRequiredMixin, TemplateView):
    """Start next year's review from last year's list (`services.review_carry_forward`): the
    officer chooses a commune and year, sees how many proposals it will create, confirms."""

    permission_required = "welfare.edit_cases"
    template_name = "households/review_carry_forward.html"

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else (self.request.GET or None)
        return CarryForwardForm(data, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        context["form"] = form
        if form.is_bound and form.is_valid():
            commune, from_year = form.cleaned_data["commune"], form.cleaned_data["from_year"]
            context.update(
                commune=commune,
                from_year=from_year,
                to_year=from_year + 1,
                count=carry_forward_count(
                    user=self.request.user, commune=commune, from_year=from_year
                ),
            )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        commune, from_year = form.cleaned_data["commune"], form.cleaned_data["from_year"]
        try:
            count = services.review_carry_forward(
                user=request.user, commune=commune, from_year=from_year
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            _(
                "%(count)s proposals of %(year)s were created for %(commune)s "
                "from the review of %(from)s."
            )
            % {"count": count, "year": from_year + 1, "commune": commune.name, "from": from_year},
        )
        return redirect(
            reverse("review_list") + f"?commune={commune.pk}&year={from_year + 1}&status=proposed"
        )


class MovementView(RoleRequiredMixin, TemplateView):
    """Movement of poor and near-poor households per commune for a status year
    (`review_selectors.movement_table` defines the columns)."""

    permission_required = "welfare.view_cases"
    template_name = "households/movement_table.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = MovementForm(self.request.GET or None, user=user)
        if not form.is_bound:
            form = MovementForm({"year": form.fields["year"].initial}, user=user)
        context["form"] = form
        if form.is_valid():
            year = form.cleaned_data["year"]
            commune = form.cleaned_data["commune"]
            rows = movement_table(
                user=user, status_year=year, commune=commune.pk if commune else None
            )
            context.update(
                rows=rows[:-1],
                total=rows[-1],
                year=year,
                commune=commune,
                previous_year=year - 2,
                current_year=year - 1,
                province=user.province if user.is_head else None,
            )
        return context


urlpatterns = [
    path("reviews/", ReviewListView.as_view(), name="review_list"),
    path("reviews/classify/", review_classify, name="review_classify"),
    path("reviews/recognise/", RecogniseView.as_view(), name="review_recognise"),
    path("reviews/next-year/", CarryForwardView.as_view(), name="review_carry_forward"),
    path("reviews/movement/", MovementView.as_view(), name="review_movement"),
    path("reviews/<int:pk>/", ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/edit/", ReviewEditView.as_view(), name="review_edit"),
    path("<int:household_pk>/reviews/new/", ReviewEditView.as_view(), name="review_create"),
]
