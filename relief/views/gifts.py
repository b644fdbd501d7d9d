"""Pages: gift rounds (list, open, change, the round page with its gifts, totals and quick
entry, export) and one gift (change, delete).

A round covers a province; its gifts are read and entered only in the user's communes. The
quick entry adds several gifts at once through `services.gifts_add`: all or nothing, each
row's problems shown on that row."""

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
from welfare.accounts.scoping import user_provinces
from welfare.core.editing import add_service_errors, show_stale
from welfare.core.formatting import group_int
from welfare.core.services import StaleEditError
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import XLSX_CONTENT_TYPE, SheetWriter

from .. import gift_selectors as selectors
from .. import services
from ..gift_forms import GiftEntryForm, GiftForm, GiftRoundFilterForm, GiftRoundForm, gift_row_formset

# Service errors named after a model field the form shows under another name.
FIELD_ALIASES = {"household": "household_code"}


class GiftRoundListView(RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "relief/gift_round_list.html"
    paginate_by = 50

    def filter_form(self) -> GiftRoundFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = GiftRoundFilterForm(
                self.request.GET or None, years=selectors.gift_round_years(user=self.request.user)
            )
        return self._filter_form

    def get_queryset(self):
        return selectors.gift_round_list(user=self.request.user, **self.filter_form().values())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form(),
            total=context["paginator"].count,
            querystring=pagination_querystring(self.request.GET),
            can_manage=self.request.user.has_perm("welfare.manage_rounds"),
        )
        return context


class GiftRoundEditView(RoleRequiredMixin, View):
    """Open a gift round of the user's province, or change one."""

    permission_required = "welfare.manage_rounds"
    template_name = "relief/gift_round_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.round = None
        if request.user.is_authenticated and self.has_permission() and "pk" in kwargs:
            self.round = selectors.gift_round_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        context = {"form": form, "round": self.round}
        if self.round is not None:
            context["history"] = selectors.gift_round_history(round=self.round)
        return render(self.request, self.template_name, context)

    def get(self, request, pk: int | None = None):
        return self.render(GiftRoundForm(round=self.round, provinces=user_provinces(request.user)))

    def post(self, request, pk: int | None = None):
        form = GiftRoundForm(request.POST, round=self.round, provinces=user_provinces(request.user))
        if form.is_valid():
            province = self.round.province if self.round else form.chosen_province()
            try:
                round = services.gift_round_save(
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
            else:
                messages.success(request, _("Gift round %(code)s was saved.") % {"code": round.code})
                return redirect("gift_round_detail", pk=round.pk)
        return self.render(form)


class GiftRoundDetailView(RoleRequiredMixin, View):
    """The round page: the gifts of the user's communes, totals, and the quick entry."""

    permission_required = "welfare.view_cases"
    template_name = "relief/gift_round_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.round = selectors.gift_round_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, entry_form, formset, status=200):
        user = self.request.user
        for row in formset or []:
            for name in row.errors:
                if name in row.fields:
                    css = row.fields[name].widget.attrs.get("class", "")
                    row.fields[name].widget.attrs["class"] = f"{css} is-invalid".strip()
        gifts = selectors.round_gifts(user=user, round=self.round)
        page = Paginator(gifts, 50).get_page(self.request.GET.get("page"))
        by_commune = user.has_perm("welfare.view_dashboard")
        context = {
            "round": self.round,
            "gifts": page.object_list,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "querystring": "",
            "totals": selectors.gift_totals(gifts, by_commune=by_commune),
            "by_commune": by_commune,
            "can_edit": user.has_perm("welfare.edit_cases"),
            "can_manage": user.has_perm("welfare.manage_rounds"),
            "entry_form": entry_form,
            "formset": formset,
            "today": timezone.localdate(),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        user = request.user
        if not user.has_perm("welfare.edit_cases"):
            return self.render(None, None)
        return self.render(GiftEntryForm(user=user, round=self.round), gift_row_formset(user=user))

    def post(self, request, pk: int):
        user = request.user
        if not user.has_perm("welfare.edit_cases"):
            raise PermissionDenied
        entry_form = GiftEntryForm(request.POST, user=user, round=self.round)
        formset = gift_row_formset(user=user, data=request.POST)
        if entry_form.is_valid() and formset.is_valid():
            rows = formset.filled_forms()
            commune = entry_form.cleaned_data["commune"]
            try:
                made = services.gifts_add(
                    user=user, round=self.round, entries=[row.entry(commune.pk) for row in rows]
                )
            except services.DistributionProblems as exc:
                for index, found in exc.problems.items():
                    row = rows[index]
                    for field, message in found.items():
                        field = FIELD_ALIASES.get(field, field)
                        row.add_error(field if field in row.fields else None, message)
                formset._non_form_errors = formset.error_class(
                    [_("Nothing was saved: correct the rows marked in red, then save again.")]
                )
            except ValidationError as exc:
                add_service_errors(entry_form, exc)
            else:
                messages.success(
                    request,
                    _("%(count)s gifts were recorded, worth %(value)s VND.")
                    % {"count": group_int(len(made)), "value": group_int(sum(g.value_vnd for g in made))},
                )
                return redirect(reverse("gift_round_detail", args=[self.round.pk]) + "#gifts")
        elif any(formset.errors):
            formset._non_form_errors = formset.error_class(
                [_("Nothing was saved: correct the rows marked in red, then save again.")]
            )
        return self.render(entry_form, formset)


class GiftRoundExportView(RoleRequiredMixin, View):
    """The round's gifts of the user's communes as an XLSX file, with the totals."""

    permission_required = "welfare.view_cases"

    def get(self, request, pk: int):
        user = request.user
        round = selectors.gift_round_detail(user=user, pk=pk)
        gifts = selectors.round_gifts(user=user, round=round)
        writer = SheetWriter()

        def rows():
            for index, gift in enumerate(gifts.iterator(chunk_size=2000), 1):
                yield [
                    index,
                    gift.recipient_name,
                    gift.household.code if gift.household_id else "",
                    gift.commune.name,
                    gift.get_recipient_group_display(),
                    gift.get_funding_source_display(),
                    gift.value_vnd,
                    gift.given_on,
                    gift.note,
                ]

        writer.sheet(
            _("Gifts"),
            [
                _("No."),
                _("Recipient"),
                _("Household code"),
                _("Commune"),
                _("Recipient group"),
                _("Funding source"),
                _("Value (VND)"),
                _("Date given"),
                _("Note"),
            ],
            rows(),
            widths=[6, 28, 14, 24, 40, 36, 16, 12, 30],
        )
        totals = selectors.gift_totals(gifts, by_commune=user.has_perm("welfare.view_dashboard"))
        total_rows = []
        for heading, key in (
            (_("Recipient group"), "by_group"),
            (_("Funding source"), "by_source"),
            (_("Commune"), "by_commune"),
        ):
            for row in totals[key]:
                total_rows.append([heading, row.label, row.count, row.value])
        total_rows.append([_("Total"), "", totals["count"], totals["value"]])
        writer.sheet(
            _("Totals"), [_("By"), "", _("Gifts"), _("Value (VND)")], total_rows, widths=[20, 50, 10, 18]
        )
        access_record(
            request=request,
            action=Action.DOWNLOADED_ROUND,
            what=str(round),
            obj=round,
            rows=totals["count"],
        )
        response = HttpResponse(writer.to_bytes(), content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="qua-{round.code}-{stamp}.xlsx"'
        return response


class GiftEditView(RoleRequiredMixin, View):
    permission_required = "welfare.edit_cases"
    template_name = "relief/gift_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.gift = selectors.gift_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        context = {"form": form, "gift": self.gift, "round": self.gift.round,
                   "history": selectors.gift_history(gift=self.gift)}
        return render(self.request, self.template_name, context)

    def get(self, request, pk: int):
        return self.render(GiftForm(user=request.user, gift=self.gift))

    def post(self, request, pk: int):
        form = GiftForm(request.POST, user=request.user, gift=self.gift)
        if form.is_valid():
            try:
                gift = services.gift_update(
                    user=request.user,
                    gift=self.gift,
                    expected_version=form.cleaned_data.get("version") or 0,
                    changes=form.changes(),
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc, FIELD_ALIASES)
            else:
                messages.success(request, _("The gift to %(name)s was saved.") % {"name": gift.recipient_name})
                return redirect(reverse("gift_round_detail", args=[gift.round_id]) + "#gifts")
        return self.render(form)


class GiftDeleteView(RoleRequiredMixin, View):
    """Delete a gift entered by mistake (after a confirmation page)."""

    permission_required = "welfare.edit_cases"
    template_name = "relief/gift_delete.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.gift = selectors.gift_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        return render(request, self.template_name, {"gift": self.gift, "round": self.gift.round})

    def post(self, request, pk: int):
        round_pk, name = self.gift.round_id, self.gift.recipient_name
        try:
            services.gift_delete(user=request.user, gift=self.gift)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The gift to %(name)s was deleted.") % {"name": name})
        return redirect(reverse("gift_round_detail", args=[round_pk]) + "#gifts")


urlpatterns = [
    path("gifts/", GiftRoundListView.as_view(), name="gift_round_list"),
    path("gifts/new/", GiftRoundEditView.as_view(), name="gift_round_create"),
    path("gifts/<int:pk>/", GiftRoundDetailView.as_view(), name="gift_round_detail"),
    path("gifts/<int:pk>/edit/", GiftRoundEditView.as_view(), name="gift_round_edit"),
    path("gifts/<int:pk>/export.xlsx", GiftRoundExportView.as_view(), name="gift_round_export"),
    path("gift/<int:pk>/edit/", GiftEditView.as_view(), name="gift_edit"),
    path("gift/<int:pk>/delete/", GiftDeleteView.as_view(), name="gift_delete"),
]
