"""Pages: households (list, export, page, create and edit with inline members, leave, head)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import get_scoped_or_404, user_communes
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.editing import add_service_errors, show_stale
from welfare.core.page_cache import CachedContentMixin
from welfare.core.services import StaleEditError
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import filtered_list_download, xlsx_bytes

from .. import selectors, services
from ..forms import (
    HeadChangeForm,
    HouseholdFilterForm,
    HouseholdForm,
    MemberLeaveForm,
    member_formset,
)
from ..models import AreaType, Household, Member, PovertyResult



def url_or_none(name: str, *args) -> str | None:
    """A URL of a page that another part of the app may not have yet (the review pages):
    None instead of an error, so this page never breaks."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class HouseholdFilterMixin:
    """The list's filters, read from the query string, shared by the page and its export."""

    def filter_form(self) -> HouseholdFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            self._filter_form = HouseholdFilterForm(
                self.request.GET or None,
                communes=user_communes(user).order_by("name"),
                years=selectors.household_years(user=user),
            )
        return self._filter_form

    def filtered(self):
        return selectors.household_list(user=self.request.user, **self.filter_form().values())


# The badge colour of each status, as templates/households/household_status_badge.html draws it.
STATUS_BADGES = {
    PovertyResult.POOR: "text-bg-danger",
    PovertyResult.NEAR_POOR: "text-bg-warning",
    PovertyResult.AVERAGE: "text-bg-info",
}


class HouseholdListView(HouseholdFilterMixin, RoleRequiredMixin, CachedContentMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "households/household_list.html"
    # The filters, figures and rows: the same for everyone with the same areas and query, kept
    # until case data changes (welfare.core.page_cache); the layout is rendered per request.
    content_template_name = "households/_household_list_content.html"
    content_permissions = ("welfare.edit_cases",)
    paginate_by = 50

    def get_queryset(self):
        return self.filtered()

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        # The page's households by id first (the index, in order), then their figures
        # (selectors.household_rows): a deep page no longer computes them for the rows it skips.
        ids = list(rows.values_list("pk", flat=True))
        page.object_list = selectors.household_rows(user=self.request.user, ids=ids)
        return paginator, page, page.object_list, is_paginated

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        # One grouped count gives both the figures by status and the paginator's total, so a
        # province-wide list is counted once, not twice; it is cached until case data changes.
        self.status_counts = selectors.household_list_counts(
            user=self.request.user, filters=self.filter_form().values()
        )
        paginator.count = sum(self.status_counts.values())
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.status_counts
        labels = dict(PovertyResult.choices)
        status_for = _("for %(year)s")
        for household in context["object_list"]:
            # Each row's link and status words, made here in Python: a loop over the statuses,
            # an include and a blocktranslate in each of the page's 50 rows were most of its
            # rendering (issue 9). The badge's colours are those of household_status_badge.html.
            household.detail_url = reverse("household_detail", args=[household.pk])
            household.status_label = labels.get(household.status_result, "")
            household.status_badge = STATUS_BADGES.get(household.status_result, "text-bg-secondary")
            if household.status_review_year:
                household.status_for = status_for % {"year": household.status_review_year + 1}
        context.update(
            filter_form=self.filter_form(),
            total=sum(counts.values()),
            status_counts=[
                (value, label, counts.get(value, 0)) for value, label in PovertyResult.choices
            ],
            unreviewed=counts.get("", 0),
            querystring=pagination_querystring(self.request.GET),
            can_edit=self.request.user.has_perm("welfare.edit_cases"),
            filtered=any(self.filter_form().values().values()),
        )
        return context


class HouseholdExportView(HouseholdFilterMixin, RoleRequiredMixin, View):
    """The filtered list as an XLSX file, through the one writer (formulas neutralised)."""

    permission_required = "welfare.view_cases"

    def get(self, request):
        results = dict(PovertyResult.choices)
        areas = dict(AreaType.choices)
        households = selectors.with_member_count(self.filtered()).select_related("head")

        def rows():
            for h in households.iterator(chunk_size=2000):
                yield [
                    h.code,
                    h.commune.name,
                    h.village,
                    str(areas.get(h.area_type, h.area_type)),
                    h.head.full_name if h.head else "",
                    (h.head.id_number or "") if h.head else "",
                    h.member_count,
                    h.address,
                    str(results.get(h.status_result, "")) if h.status_result else "",
                    h.status_review_year + 1 if h.status_review_year else None,
                ]

        header = [
            _("Household code"),
            _("Commune"),
            _("Village"),
            _("Area type"),
            _("Head of household"),
            _("Citizen ID of the head"),
            _("Members"),
            _("Address"),
            _("Status"),
            _("Status for the year"),
        ]
        content = xlsx_bytes(
            _("Households"), header, rows(), widths=[14, 24, 20, 12, 26, 16, 10, 30, 26, 12]
        )
        return filtered_list_download(
            request, content, what=_("Households"), filename="ho-gia-dinh"
        )


class HouseholdDetailView(RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request, pk: int):
        user = request.user
        household = selectors.household_detail(user=user, pk=pk)
        access_record(
            request=request,
            action=Action.VIEWED_HOUSEHOLD,
            what=(
                f"{household.code} – {household.head.full_name}" if household.head_id else household.code
            ),
            obj=household,
        )
        can_edit = user.has_perm("welfare.edit_cases", household)
        can_open_reviews = can_edit or user.has_perm("welfare.recognise_reviews", household)
        reviews = list(selectors.household_reviews(household=household))
        for review in reviews:
            # A head opens the review's page (recognition is there); the edit form is an
            # officer's, and would answer a head with 403.
            review.edit_url = (
                url_or_none("review_edit" if can_edit else "review_detail", review.pk)
                if can_open_reviews
                else None
            )
        context = {
            "household": household,
            "members": selectors.household_members(household=household),
            "reviews": reviews,
            "review_create_url": url_or_none("review_create", household.pk) if can_edit else None,
            "cards": selectors.card_list(user=user, household=household),
            "history": selectors.household_history(household=household),
            "can_edit": can_edit,
            "card_create_url": reverse("card_create") + f"?household={household.pk}",
        }
        return render(request, "households/household_detail.html", context)


class HouseholdEditView(RoleRequiredMixin, View):
    """Register a household with its members in one form, or edit one: the household's fields,
    its current members, and new members in empty rows. All saved together or nothing."""

    permission_required = "welfare.edit_cases"
    template_name = "households/household_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.household = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and request.user.is_authenticated and self.has_permission():
            self.household = selectors.household_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        form = HouseholdForm(data, instance=self.household, user=self.request.user)
        formset = member_formset(data=data, household=self.household)
        return form, formset

    def render(self, form, formset):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "household": self.household},
        )

    def get(self, request, pk: int | None = None):
        return self.render(*self.forms())

    def post(self, request, pk: int | None = None):
        form, formset = self.forms(request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.render(form, formset)
        self._failing = form
        try:
            with transaction.atomic():
                if self.household is None:
                    household = self._register(form, formset)
                else:
                    household = self._update(form, formset)
        except StaleEditError as exc:
            # The household's own form, or the member's row whose record was changed.
            show_stale(self._failing or form, exc)
            return self.render(form, formset)
        except ValidationError as exc:
            target = self._failing or form
            if hasattr(exc, "error_dict") and set(exc.error_dict) & set(form.fields):
                target = form
            add_service_errors(target, exc)
            if target is not form:
                form.add_error(None, _("A member could not be saved: see the row marked below."))
            return self.render(form, formset)
        messages.success(request, _("Household %(code)s was saved.") % {"code": household.code})
        return redirect("household_detail", pk=household.pk)

    def _register(self, form, formset) -> Household:
        """Register the household with its head, then the other members one by one, so an
        error names the row it came from."""
        rows = formset.filled_forms()
        head_row = next(r for r in rows if r.cleaned_data["relation"] == "head")
        self._failing = head_row
        household = services.household_register(
            user=self.request.user,
            commune=form.cleaned_data["commune"],
            members=[head_row.member_data()],
            **form.changes(),
        )
        for row in rows:
            if row is head_row:
                continue
            self._failing = row
            data = row.member_data()
            services.member_add(
                user=self.request.user,
                household=household,
                data=data.person,
                relation=data.relation,
            )
        self._failing = None
        return household

    def _update(self, form, formset) -> Household:
        user = self.request.user
        self._failing = form
        household = services.household_update(
            user=user,
            household=self.household,
            expected_version=form.cleaned_data.get("version") or 0,
            changes=form.changes(),
        )
        members = {
            m.pk: m
            for m in self.household.members.filter(left_on__isnull=True).select_related("person")
        }
        for row in formset.filled_forms():
            self._failing = row
            data = row.member_data()
            member_id = row.cleaned_data.get("member_id")
            if member_id:
                member = members.get(member_id)
                if member is None:
                    raise ValidationError(
                        _("This member is no longer in the household: reload the page.")
                    )
                if not row.has_changed():
                    continue
                if row.cleaned_data.get("person_version") != member.person.version:
                    raise StaleEditError(
                        _(
                            "This record was changed by someone else after you opened it. "
                            "Reload the page to see their changes, then make yours again."
                        ),
                        code="stale",
                    )
                services.member_update(
                    user=user,
                    member=member,
                    expected_version=row.cleaned_data.get("version") or 0,
                    data=data.person,
                    relation=data.relation,
                )
            else:
                services.member_add(
                    user=user, household=household, data=data.person, relation=data.relation
                )
        self._failing = None
        return household


class MemberLeaveView(RoleRequiredMixin, View):
    """A member leaves the household; the record stays with the date."""

    permission_required = "welfare.edit_cases"
    template_name = "households/household_member_leave.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.member = get_scoped_or_404(
                Member.objects.select_related("household", "person"), request.user, pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "member": self.member, "household": self.member.household},
        )

    def get(self, request, pk: int):
        return self.render(MemberLeaveForm())

    def post(self, request, pk: int):
        form = MemberLeaveForm(request.POST)
        if form.is_valid():
            try:
                services.member_remove(
                    user=request.user, member=self.member, left_on=form.cleaned_data["left_on"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s left the household.") % {"name": self.member.person.full_name},
                )
                return redirect("household_detail", pk=self.member.household_id)
        return self.render(form)


class HeadChangeView(RoleRequiredMixin, View):
    permission_required = "welfare.edit_cases"
    template_name = "households/household_head_change.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.household = selectors.household_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "household": self.household})

    def get(self, request, pk: int):
        return self.render(HeadChangeForm(household=self.household))

    def post(self, request, pk: int):
        form = HeadChangeForm(request.POST, household=self.household)
        if form.is_valid():
            try:
                services.household_head_change(
                    user=request.user,
                    household=self.household,
                    new_head=form.cleaned_data["new_head"],
                    old_head_relation=form.cleaned_data["old_head_relation"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is now the head of the household.")
                    % {"name": form.cleaned_data["new_head"].person.full_name},
                )
                return redirect("household_detail", pk=self.household.pk)
        return self.render(form)


urlpatterns = [
    path("", HouseholdListView.as_view(), name="household_list"),
    path("export.xlsx", HouseholdExportView.as_view(), name="household_export"),
    path("new/", HouseholdEditView.as_view(), name="household_create"),
    path("<int:pk>/", HouseholdDetailView.as_view(), name="household_detail"),
    path("<int:pk>/edit/", HouseholdEditView.as_view(), name="household_edit"),
    path("<int:pk>/head/", HeadChangeView.as_view(), name="household_head_change"),
    path("members/<int:pk>/leave/", MemberLeaveView.as_view(), name="member_leave"),
]
