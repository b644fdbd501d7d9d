"""Pages: relief rounds (list, open and change, close and reopen), the round's page (its
totals, totals by commune, the distributions given and the officer's quick entry: one row per
household of the commune not yet given), the edit and delete of a distribution, the export."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.accounts.permissions import Role
from welfare.accounts.scoping import user_provinces
from welfare.core.editing import add_service_errors, show_stale
from welfare.core.formatting import group_int
from welfare.core.services import StaleEditError
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import XLSX_CONTENT_TYPE, SheetWriter

from .. import selectors, services
from ..forms import (
    DistributionForm,
    EntryBatchForm,
    EntryRowForm,
    NamedEntryForm,
    ReliefRoundForm,
    RoundFilterForm,
    VersionForm,
)
from ..models import ReliefRound

ENTRY_PAGE_SIZE = 50
ROW_KEY = re.compile(r"^h(\d+)-persons_covered$")


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def closed_message(round: ReliefRound) -> str:
    return _("Round %(code)s is closed: its distributions are locked.") % {"code": round.code}


class RoundListView(RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "relief/round_list.html"
    paginate_by = 50

    def filter_form(self) -> RoundFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = RoundFilterForm(self.request.GET or None)
        return self._filter_form

    def get_queryset(self):
        return selectors.relief_round_list(user=self.request.user, filters=self.filter_form().values())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form(),
            filtered=self.filter_form().filtered(),
            total=context["paginator"].count,
            querystring=pagination_querystring(self.request.GET),
            can_manage=self.request.user.has_perm("welfare.manage_rounds"),
        )
        return context


class RoundEditView(RoleRequiredMixin, View):
    """Open a round of the user's province, or change an open one."""

    permission_required = "welfare.manage_rounds"
    template_name = "relief/round_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.round = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission() and "pk" in kwargs:
            self.round = selectors.relief_round_detail(user=request.user, pk=kwargs["pk"])
            if self.round.closed:
                messages.error(request, _("This round is closed: its details and distributions are locked."))
                return redirect("relief_round_detail", pk=self.round.pk)
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None) -> ReliefRoundForm:
        return ReliefRoundForm(
            data, provinces=user_provinces(self.request.user).order_by("name"), round=self.round
        )

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "round": self.round})

    def get(self, request, pk: int | None = None):
        return self.render(self.form())

    def post(self, request, pk: int | None = None):
        form = self.form(request.POST)
        if form.is_valid():
            province = form.chosen_province()
            if province is None:
                form.add_error(None, _("Your account has no province: ask an administrator."))
                return self.render(form)
            try:
                round = services.relief_round_save(
                    user=request.user,
                    province=province,
                    values=form.values(),
                    round=self.round,
                    expected_version=form.cleaned_data.get("version") or 0,
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("You cannot open rounds for this province."))
            else:
                messages.success(request, _("Round %(code)s was saved.") % {"code": round.code})
                return redirect("relief_round_detail", pk=round.pk)
        return self.render(form)


class RoundCloseView(RoleRequiredMixin, View):
    """A head closes a round (its distributions are locked) or reopens it."""

    permission_required = "welfare.close_rounds"

    def post(self, request, pk: int):
        round = selectors.relief_round_detail(user=request.user, pk=pk)
        form = VersionForm(request.POST)
        reopen = request.POST.get("action") == "reopen"
        if not form.is_valid():
            messages.error(request, _("Reload the page, then try again."))
            return redirect("relief_round_detail", pk=round.pk)
        try:
            round = services.relief_round_close(
                user=request.user, round=round, expected_version=form.cleaned_data["version"], reopen=reopen
            )
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(
                request,
                (_("Round %(code)s is open again: its distributions can be changed.") if reopen
                 else _("Round %(code)s is closed: its distributions are locked.")) % {"code": round.code},
            )
        return redirect("relief_round_detail", pk=round.pk)


class RoundDetailView(RoleRequiredMixin, View):
    """The round's page. Everyone who sees the round reads its figures for their area and the
    distributions given; officers enter the distributions of a commune, many at once."""

    permission_required = "welfare.view_cases"
    template_name = "relief/round_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.round = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.round = selectors.relief_round_detail(user=request.user, pk=kwargs["pk"])
            self.communes = list(selectors.entry_communes(user=request.user, round=self.round))
            self.can_enter = request.user.has_perm("welfare.edit_cases") and bool(self.communes)
            source = request.POST if request.method == "POST" else request.GET
            wanted = source.get("commune", "")
            self.commune = next((c for c in self.communes if str(c.code) == wanted), None) or (
                self.communes[0] if self.communes else None
            )
            self.q = (source.get("q") or "").strip()
        return super().dispatch(request, *args, **kwargs)

    # -- pieces ---------------------------------------------------------------------------------

    def today_default(self):
        today = timezone.localdate()
        if self.round.end_on and self.round.end_on < today:
            return self.round.end_on
        return today

    def row_form(self, household, data=None) -> EntryRowForm:
        persons = household.member_count or 1
        return EntryRowForm(
            data,
            household=household,
            defaults=services.distribution_defaults(round=self.round, persons_covered=persons),
        )

    def batch_form(self, data=None) -> EntryBatchForm:
        initial = {"commune": self.commune.code if self.commune else None, "distributed_on": self.today_default()}
        return EntryBatchForm(data, communes=self.communes, initial=initial)

    def named_form(self, data=None) -> NamedEntryForm:
        return NamedEntryForm(data, initial={"distributed_on": self.today_default()})

    def entry_query(self) -> str:
        """The entry list's commune and search, kept across its pages and after a save."""
        return urlencode({k: v for k, v in (("commune", self.commune.code if self.commune else ""), ("q", self.q)) if v})

    def entry_url(self) -> str:
        query = self.entry_query()
        url = reverse("relief_round_detail", args=[self.round.pk])
        return f"{url}?{query}#entry" if query else f"{url}#entry"

    def render(self, *, rows=None, batch=None, named=None, entry_page=None):
        user = self.request.user
        round = self.round
        entry_open = self.can_enter and not round.closed and self.commune is not None
        if entry_open and rows is None:
            candidates = selectors.round_candidates(user=user, round=round, commune=self.commune.code, q=self.q)
            entry_page = Paginator(candidates, ENTRY_PAGE_SIZE).get_page(self.request.GET.get("page"))
            rows = [self.row_form(h) for h in entry_page.object_list]
        distributions = selectors.round_distributions(user=user, round=round)
        given_page = Paginator(distributions, 100).get_page(self.request.GET.get("dpage"))
        by_commune = selectors.round_totals_by_commune(user=user, round=round)
        show_by_commune = user.role != Role.OFFICER or len(self.communes) > 1
        rice_default, cost_default = services.distribution_defaults(round=round, persons_covered=1)
        context = {
            "round": round,
            "totals": selectors.round_totals(user=user, round=round),
            "show_by_commune": show_by_commune,
            "by_commune": by_commune,
            "given_page": given_page,
            "given": given_page.object_list,
            "entry_open": entry_open,
            "can_enter": self.can_enter,
            "can_change": self.can_enter and not round.closed,
            "communes": self.communes,
            "commune": self.commune,
            "q": self.q,
            "rows": rows or [],
            "entry_page": entry_page,
            "entry_query": self.entry_query(),
            "batch_form": batch or (self.batch_form() if entry_open else None),
            "named_form": named or (self.named_form() if entry_open else None),
            "can_manage": user.has_perm("welfare.manage_rounds") and not round.closed,
            "can_close": user.has_perm("welfare.close_rounds"),
            "close_form": VersionForm(initial={"version": round.version}),
            "per_person_rice": rice_default,
            "history": selectors.round_history(round=round),
        }
        return render(self.request, self.template_name, context)

    # -- requests -------------------------------------------------------------------------------

    def get(self, request, pk: int):
        return self.render()

    def post(self, request, pk: int):
        if not self.can_enter:
            raise PermissionDenied
        if self.round.closed:
            messages.error(request, closed_message(self.round))
            return redirect("relief_round_detail", pk=self.round.pk)
        if request.POST.get("action") == "named":
            return self.post_named()
        return self.post_batch()

    def post_batch(self):
        request = self.request
        batch = self.batch_form(request.POST)
        pks = [int(m.group(1)) for key in request.POST if (m := ROW_KEY.match(key))]
        households = selectors.households_for_entry(user=request.user, pks=pks)
        ordered = sorted(households.values(), key=lambda h: (h.village, h.code))
        rows = [self.row_form(h, request.POST) for h in ordered]
        valid = batch.is_valid()
        valid = all([row.is_valid() for row in rows if row.picked]) and valid
        if "commune" in batch.errors:
            batch.add_error(None, _("Choose one of your communes, then try again."))
        if set(pks) - set(households):
            batch.add_error(
                None,
                _("Some ticked households are not households of your communes: nothing was saved. Reload the page."),
            )
            valid = False
        picked = [row for row in rows if row.is_valid() and row.cleaned_data.get("pick")]
        if valid and not picked:
            batch.add_error(None, _("Tick at least one household in the list."))
            valid = False
        if valid:
            entries = [
                services.Entry(
                    commune_id=batch.cleaned_data["commune"],
                    household=row.household,
                    persons_covered=row.cleaned_data["persons_covered"],
                    distributed_on=batch.cleaned_data["distributed_on"],
                    rice_kg=row.cleaned_data.get("rice_kg"),
                    cost_vnd=row.cleaned_data.get("cost_vnd"),
                )
                for row in picked
            ]
            try:
                made = services.distributions_add(user=request.user, round=self.round, entries=entries)
            except services.DistributionProblems as exc:
                self._place_problems(exc.problems, picked, batch)
            except ValidationError as exc:  # a model check the list's rules do not cover
                batch.add_error(None, exc.messages)
            except PermissionDenied:
                batch.add_error(None, _("You cannot enter distributions for this commune."))
            else:
                messages.success(
                    request,
                    _("%(count)s distributions were saved: %(persons)s persons, %(rice)s kg of rice.")
                    % {
                        "count": group_int(len(made)),
                        "persons": group_int(sum(d.persons_covered for d in made)),
                        "rice": group_int(sum(d.rice_kg for d in made)),
                    },
                )
                return redirect(self.entry_url())
        if not batch.non_field_errors() and not valid:
            batch.add_error(None, _("Nothing was saved: correct the rows marked in red, then save again."))
        return self.render(rows=rows, batch=batch)

    @staticmethod
    def _place_problems(problems: dict, picked: list, batch: EntryBatchForm) -> None:
        """The service's problems by index, next to the right rows; the date's on the date."""
        date_messages = set()
        for index, found in problems.items():
            row = picked[index]
            for field, message in found.items():
                if field == "distributed_on":
                    date_messages.add(message)
                elif field == "persons_covered":
                    row.add_error("persons_covered", message)
                else:
                    row.add_error(None, message)
        for message in date_messages:
            batch.add_error("distributed_on", message)
        batch.add_error(None, _("Nothing was saved: correct the rows marked in red, then save again."))

    def post_named(self):
        request = self.request
        named = self.named_form(request.POST)
        commune_ok = self.commune is not None and request.POST.get("commune") == str(self.commune.code)
        if commune_ok and named.is_valid():
            data = named.cleaned_data
            entry = services.Entry(
                commune_id=self.commune.code,
                recipient_name=data["recipient_name"],
                persons_covered=data["persons_covered"],
                distributed_on=data["distributed_on"],
                rice_kg=data.get("rice_kg"),
                cost_vnd=data.get("cost_vnd"),
                note=(data.get("note") or "").strip(),
            )
            try:
                made = services.distributions_add(user=request.user, round=self.round, entries=[entry])
            except services.DistributionProblems as exc:
                for field, message in exc.problems.get(0, {}).items():
                    named.add_error(field if field in named.fields else None, message)
            except ValidationError as exc:
                named.add_error(None, exc.messages)
            except PermissionDenied:
                named.add_error(None, _("You cannot enter distributions for this commune."))
            else:
                messages.success(
                    request,
                    _("The distribution to %(name)s was saved: %(rice)s kg of rice.")
                    % {"name": made[0].recipient_name, "rice": group_int(made[0].rice_kg)},
                )
                return redirect(self.entry_url())
        elif not commune_ok:
            named.add_error(None, _("Choose one of your communes, then try again."))
        return self.render(named=named)


class DistributionEditView(RoleRequiredMixin, View):
    permission_required = "welfare.edit_cases"
    template_name = "relief/distribution_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.distribution = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.distribution = selectors.distribution_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        distribution = self.distribution
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "distribution": distribution,
                "round": distribution.round,
                "history": selectors.distribution_history(distribution=distribution),
            },
        )

    def get(self, request, pk: int):
        return self.render(DistributionForm(distribution=self.distribution))

    def post(self, request, pk: int):
        distribution = self.distribution
        form = DistributionForm(request.POST, distribution=distribution)
        if distribution.round.closed:
            form.add_error(None, closed_message(distribution.round))
            return self.render(form)
        if form.is_valid():
            try:
                services.distribution_update(
                    user=request.user,
                    distribution=distribution,
                    expected_version=form.cleaned_data["version"],
                    changes=form.changes(),
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The distribution to %(name)s was saved.") % {"name": distribution.recipient_label}
                )
                return redirect(reverse("relief_round_detail", args=[distribution.round_id]) + "#given")
        return self.render(form)


class DistributionDeleteView(RoleRequiredMixin, View):
    permission_required = "welfare.edit_cases"
    template_name = "relief/distribution_delete.html"

    def get(self, request, pk: int):
        distribution = selectors.distribution_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"distribution": distribution, "round": distribution.round})

    def post(self, request, pk: int):
        distribution = selectors.distribution_get(user=request.user, pk=pk)
        round_pk, label = distribution.round_id, distribution.recipient_label
        try:
            services.distribution_delete(user=request.user, distribution=distribution)
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("The distribution to %(name)s was deleted.") % {"name": label})
        return redirect(reverse("relief_round_detail", args=[round_pk]) + "#given")


class RoundExportView(RoleRequiredMixin, View):
    """The round's distributions in the user's area as an XLSX file (formulas neutralised)."""

    permission_required = "welfare.view_cases"

    def get(self, request, pk: int):
        round = selectors.relief_round_detail(user=request.user, pk=pk)
        totals = selectors.round_totals(user=request.user, round=round)
        writer = SheetWriter()

        def rows():
            distributions = selectors.round_distributions(user=request.user, round=round)
            for index, d in enumerate(distributions.iterator(chunk_size=2000), 1):
                household = d.household
                yield [
                    index,
                    d.commune.name,
                    household.village if household else "",
                    household.code if household else "",
                    (household.head.full_name if household and household.head_id else d.recipient_name),
                    d.persons_covered,
                    d.rice_kg,
                    d.cost_vnd,
                    d.distributed_on,
                    d.note,
                ]
            yield ["", "", "", "", _("Total"), totals["persons"], totals["rice_kg"], totals["cost_vnd"], "", ""]

        writer.sheet(
            _("Distributions"),
            [
                _("No."),
                _("Commune"),
                _("Village"),
                _("Household code"),
                _("Recipient"),
                _("Persons covered"),
                _("Rice (kg)"),
                _("Cost (VND)"),
                _("Given on"),
                _("Note"),
            ],
            rows(),
            widths=[6, 24, 18, 16, 28, 12, 12, 16, 14, 30],
        )
        access_record(
            request=request,
            action=Action.DOWNLOADED_ROUND,
            what=str(round),
            obj=round,
            rows=writer.row_counts[0] - 1,  # the distributions, not the total row
        )
        response = HttpResponse(writer.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        code = re.sub(r"[^A-Za-z0-9_-]+", "-", round.code) or str(round.pk)
        response["Content-Disposition"] = f'attachment; filename="cuu-tro-{code}.xlsx"'
        return response


urlpatterns = [
    path("rounds/", RoundListView.as_view(), name="relief_round_list"),
    path("rounds/new/", RoundEditView.as_view(), name="relief_round_create"),
    path("rounds/<int:pk>/", RoundDetailView.as_view(), name="relief_round_detail"),
    path("rounds/<int:pk>/edit/", RoundEditView.as_view(), name="relief_round_edit"),
    path("rounds/<int:pk>/close/", RoundCloseView.as_view(), name="relief_round_close"),
    path("rounds/<int:pk>/export.xlsx", RoundExportView.as_view(), name="relief_round_export"),
    path("distributions/<int:pk>/edit/", DistributionEditView.as_view(), name="distribution_edit"),
    path("distributions/<int:pk>/delete/", DistributionDeleteView.as_view(), name="distribution_delete"),
]
