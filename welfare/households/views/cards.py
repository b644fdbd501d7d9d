"""Pages: health-insurance cards (list per commune, export, create and edit)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import user_communes
from welfare.core.services import StaleEditError
from welfare.core.views import pagination_querystring
from welfare.core.xlsx import filtered_list_download, xlsx_bytes

from .. import selectors, services
from ..forms import CardFilterForm, CardForm
from ..models import BeneficiaryGroup
from welfare.core.editing import add_service_errors, show_stale



class CardFilterMixin:
    def filter_form(self) -> CardFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            self._filter_form = CardFilterForm(
                self.request.GET or None,
                communes=user_communes(user).order_by("name"),
                years=selectors.card_years(user=user),
            )
        return self._filter_form

    def filtered(self):
        return selectors.card_list(user=self.request.user, **self.filter_form().values())


class CardListView(CardFilterMixin, RoleRequiredMixin, ListView):
    permission_required = "welfare.view_cases"
    template_name = "households/card_list.html"
    paginate_by = 50

    def get_queryset(self):
        return self.filtered()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form(),
            total=context["paginator"].count
            if context.get("paginator")
            else len(context["object_list"]),
            querystring=pagination_querystring(self.request.GET),
            can_edit=self.request.user.has_perm("welfare.edit_cases"),
        )
        return context


class CardExportView(CardFilterMixin, RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request):
        groups = dict(BeneficiaryGroup.choices)

        def rows():
            for card in self.filtered().iterator(chunk_size=2000):
                yield [
                    card.card_number,
                    card.holder_name,
                    card.holder_id_number,
                    str(groups.get(card.beneficiary_group, card.beneficiary_group)),
                    card.commune.name,
                    card.household.code if card.household else "",
                    card.issued_on,
                    card.valid_from,
                    card.valid_to,
                ]

        header = [
            _("Card number"),
            _("Holder's name"),
            _("Holder's citizen ID"),
            _("Beneficiary group"),
            _("Commune"),
            _("Household code"),
            _("Issued on"),
            _("Valid from"),
            _("Valid to"),
        ]
        content = xlsx_bytes(
            _("Health-insurance cards"), header, rows(), widths=[18, 26, 16, 30, 24, 14, 12, 12, 12]
        )
        return filtered_list_download(
            request, content, what=_("Health-insurance cards"), filename="the-bhyt"
        )


class CardEditView(RoleRequiredMixin, View):
    """A new card (from the list, or from a household's page), or a change to one."""

    permission_required = "welfare.edit_cases"
    template_name = "households/card_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.card = None
        self.household = None
        if request.user.is_authenticated and self.has_permission():
            if "pk" in kwargs:
                self.card = selectors.card_detail(user=request.user, pk=kwargs["pk"])
            elif request.GET.get("household", "").isdigit():
                self.household = selectors.household_detail(
                    user=request.user, pk=int(request.GET["household"])
                )
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        context = {"form": form, "card": self.card, "household": self.household}
        if self.card is not None:
            context["history"] = selectors.card_history(card=self.card)
        return render(self.request, self.template_name, context)

    def get(self, request, pk: int | None = None):
        return self.render(CardForm(user=request.user, card=self.card, household=self.household))

    def post(self, request, pk: int | None = None):
        form = CardForm(request.POST, user=request.user, card=self.card, household=self.household)
        if form.is_valid():
            data = form.cleaned_data
            try:
                card = services.card_save(
                    user=request.user,
                    commune=data["commune"],
                    card_number=data["card_number"],
                    holder_name=data["holder_name"],
                    beneficiary_group=data["beneficiary_group"],
                    issued_on=data["issued_on"],
                    valid_from=data.get("valid_from"),
                    valid_to=data.get("valid_to"),
                    holder_id_number=data.get("holder_id_number") or "",
                    household=data.get("household"),
                    card=self.card,
                    expected_version=data.get("version") or 0,
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"household": "household_code"})
            else:
                messages.success(
                    request, _("Card %(number)s was saved.") % {"number": card.card_number}
                )
                if card.household_id:
                    return redirect(
                        reverse("household_detail", args=[card.household_id]) + "#cards"
                    )
                return redirect(reverse("card_list") + f"?commune={card.commune_id}")
        return self.render(form)


urlpatterns = [
    path("cards/", CardListView.as_view(), name="card_list"),
    path("cards/export.xlsx", CardExportView.as_view(), name="card_export"),
    path("cards/new/", CardEditView.as_view(), name="card_create"),
    path("cards/<int:pk>/edit/", CardEditView.as_view(), name="card_edit"),
]
