"""Pages: the dossier board (by status, overdue ones in red), the overdue list, receiving a
dossier, its page with the history and the next statuses, and editing its details."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import user_communes
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.editing import add_service_errors, show_stale
from welfare.core.services import StaleEditError
from welfare.core.views import pagination_querystring

from .. import dossier_selectors as selectors
from .. import services
from ..dossier_forms import DossierFilterForm, DossierForm, DossierMoveForm
from ..models import DossierStatus

# The board's columns; decided dossiers show for this many days after their decision.
BOARD_COLUMNS = (
    (DossierStatus.RECEIVED, "primary"),
    (DossierStatus.IN_REVIEW, "info"),
    (DossierStatus.RETURNED, "warning"),
)
RECENT_DAYS = 60
CARDS_PER_COLUMN = 30


class DossierBoardView(RoleRequiredMixin, View):
    """Open dossiers in columns by status, recent decisions in the last one; with a status
    chosen or `?overdue=1`, a table (the overdue list is ordered by due date)."""

    permission_required = "welfare.view_cases"
    template_name = "beneficiaries/dossier_board.html"

    def get(self, request):
        user = request.user
        today = timezone.localdate()
        form = DossierFilterForm(request.GET or None, communes=user_communes(user).order_by("name"))
        values = form.values()
        dossiers = selectors.dossier_list(user=user, today=today, **values)
        unfiltered = selectors.dossier_list(user=user, today=today)
        context = {
            "filter_form": form,
            "today": today,
            "overdue_total": selectors.overdue_count(unfiltered, today),
            "can_edit": user.has_perm("welfare.edit_cases"),
            "querystring": pagination_querystring(request.GET),
            "overdue_only": values["overdue"],
            "filtered": any(values.values()),
        }
        if values["status"] or values["overdue"]:
            page = Paginator(dossiers.order_by("due_on", "code") if values["overdue"] else dossiers, 50)
            page_obj = page.get_page(request.GET.get("page"))
            context.update(
                layout="table",
                page_obj=page_obj,
                is_paginated=page_obj.has_other_pages(),
                dossiers=selectors.with_overdue_days(page_obj.object_list, today),
                total=page.count,
            )
        else:
            counts = selectors.status_counts(dossiers)
            columns = []
            for status, colour in BOARD_COLUMNS:
                rows = dossiers.filter(status=status).order_by("due_on", "received_on", "code")
                columns.append(
                    {
                        "status": status,
                        "label": DossierStatus(status).label,
                        "colour": colour,
                        "count": counts.get(status, 0),
                        "dossiers": selectors.with_overdue_days(rows[:CARDS_PER_COLUMN], today),
                    }
                )
            since = today - dt.timedelta(days=RECENT_DAYS)
            decided = dossiers.filter(status__in=selectors.DECIDED, decided_on__gte=since).order_by(
                "-decided_on", "code"
            )
            columns.append(
                {
                    "status": "decided",
                    "label": _("Decided in the last %(days)s days") % {"days": RECENT_DAYS},
                    "colour": "success",
                    "count": decided.count(),
                    "dossiers": selectors.with_overdue_days(decided[:CARDS_PER_COLUMN], today),
                }
            )
            context.update(layout="board", columns=columns, total=sum(counts.values()))
        return render(request, self.template_name, context)


class DossierEditView(RoleRequiredMixin, View):
    """Receive a dossier (its due date from the time limit of its kind when left empty), or
    change its details."""

    permission_required = "welfare.edit_cases"
    template_name = "beneficiaries/dossier_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.dossier = None
        if "pk" in kwargs and request.user.is_authenticated and self.has_permission():
            self.dossier = selectors.dossier_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        limits = selectors.time_limits(on=timezone.localdate())
        return DossierForm(data, user=self.request.user, dossier=self.dossier, time_limits=limits)

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "dossier": self.dossier})

    def get(self, request, pk: int | None = None):
        return self.render(self.form())

    def post(self, request, pk: int | None = None):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                if self.dossier is None:
                    dossier = services.dossier_receive(user=request.user, values=form.values())
                else:
                    dossier = services.dossier_update(
                        user=request.user,
                        dossier=self.dossier,
                        expected_version=form.cleaned_data.get("version") or 0,
                        changes=form.values(),
                    )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"beneficiary": "beneficiary_code"})
            else:
                messages.success(request, _("Dossier %(code)s was saved.") % {"code": dossier.code})
                return redirect("dossier_detail", pk=dossier.pk)
        return self.render(form)


class DossierDetailView(RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"
    template_name = "beneficiaries/dossier_detail.html"

    def get(self, request, pk: int, move_form=None):
        user = request.user
        dossier = selectors.dossier_detail(user=user, pk=pk)
        access_record(request=request, action=Action.VIEWED_DOSSIER, what=str(dossier), obj=dossier)
        return render(request, self.template_name, detail_context(user, dossier, move_form))


def detail_context(user, dossier, move_form=None) -> dict:
    today = timezone.localdate()
    selectors.with_overdue_days([dossier], today)
    allowed = services.DOSSIER_TRANSITIONS.get(dossier.status, frozenset())
    return {
        "dossier": dossier,
        "today": today,
        "can_edit": user.has_perm("welfare.edit_cases", dossier),
        "next_statuses": [(s, DossierStatus(s).label) for s in DossierStatus.values if s in allowed],
        "decided_statuses": sorted(services.DECIDED),
        "move_form": move_form or DossierMoveForm(dossier=dossier),
        "history": selectors.dossier_history(dossier=dossier),
    }


class DossierMoveView(RoleRequiredMixin, View):
    """Move a dossier to its next status; a move the procedure does not allow is refused with
    the service's message, on the dossier's page."""

    permission_required = "welfare.edit_cases"

    def post(self, request, pk: int):
        dossier = selectors.dossier_detail(user=request.user, pk=pk)
        form = DossierMoveForm(request.POST, dossier=dossier)
        if form.is_valid():
            data = form.cleaned_data
            try:
                moved = services.dossier_move(
                    user=request.user,
                    dossier=dossier,
                    expected_version=data["version"],
                    to=data["to"],
                    on=data["on"],
                    decision_number=data.get("decision_number") or "",
                    note=data.get("note") or "",
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"status": "to", "decided_on": "on"})
            else:
                messages.success(
                    request,
                    _("Dossier %(code)s is now “%(status)s”.")
                    % {"code": moved.code, "status": moved.get_status_display()},
                )
                return redirect("dossier_detail", pk=moved.pk)
        context = detail_context(request.user, dossier, form)
        return render(request, "beneficiaries/dossier_detail.html", context)


urlpatterns = [
    path("dossiers/", DossierBoardView.as_view(), name="dossier_board"),
    path("dossiers/new/", DossierEditView.as_view(), name="dossier_create"),
    path("dossiers/<int:pk>/", DossierDetailView.as_view(), name="dossier_detail"),
    path("dossiers/<int:pk>/edit/", DossierEditView.as_view(), name="dossier_edit"),
    path("dossiers/<int:pk>/move/", DossierMoveView.as_view(), name="dossier_move"),
]
