"""Pages: people (the person page, edit, death or move) and the duplicate queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from welfare.accounts.access import RoleRequiredMixin
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.services import StaleEditError

from .. import registry, selectors, services
from ..forms import DuplicateResolveForm, PersonExitForm, PersonForm
from ..models import PersonStatus
from welfare.core.editing import add_service_errors, show_stale


def person_sections(*, request, person) -> list[dict]:
    """The sections other apps add to the person page (registry.py), each rendered from the
    dict it returns: its `template` and the rest as that template's context."""
    rendered = []
    for section in registry.sections():
        context = section.build(person=person, user=request.user)
        if not context:
            continue
        context = dict(context)
        template = context.pop("template")
        html = render_to_string(template, {**context, "person": person}, request=request)
        # The section's own template rendered it with autoescaping on: it is HTML already, not
        # user input, so marking it safe lets nothing through unescaped.
        html = mark_safe(html)  # nosec B308 B703
        rendered.append({"key": section.key, "title": section.title, "html": html})
    return rendered


class PersonDetailView(RoleRequiredMixin, View):
    permission_required = "welfare.view_cases"

    def get(self, request, pk: int):
        user = request.user
        person = selectors.person_detail(user=user, pk=pk)
        access_record(request=request, action=Action.VIEWED_PERSON, what=person.full_name, obj=person)
        can_edit = user.has_perm("welfare.edit_cases", person)
        context = {
            "person": person,
            # Heads and admins see who else opened this page (the access log, filtered).
            "access_log_url": (
                reverse("access_log") + f"?object={person._meta.label_lower}:{person.pk}"
                if user.has_perm("welfare.read_access_log")
                else None
            ),
            "memberships": selectors.person_memberships(user=user, person=person),
            "cards": selectors.person_cards(user=user, person=person),
            "sections": person_sections(request=request, person=person),
            "history": selectors.person_history(person=person),
            "can_edit": can_edit,
            "exit_form": PersonExitForm()
            if can_edit and person.status == PersonStatus.ACTIVE
            else None,
        }
        return render(request, "households/person_detail.html", context)


class PersonEditView(RoleRequiredMixin, View):
    permission_required = "welfare.edit_cases"
    template_name = "households/person_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.person = selectors.person_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "person": self.person})

    def get(self, request, pk: int):
        return self.render(PersonForm(person=self.person))

    def post(self, request, pk: int):
        form = PersonForm(request.POST, person=self.person)
        if form.is_valid():
            try:
                services.person_update(
                    user=request.user,
                    person=self.person,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.person_data(),
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The personal record was saved."))
                return redirect("person_detail", pk=self.person.pk)
        return self.render(form)


class PersonExitView(RoleRequiredMixin, View):
    """Record a death or a move: `services.person_exit` tells every registered programme."""

    permission_required = "welfare.edit_cases"
    template_name = "households/person_exit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.person = selectors.person_detail(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "person": self.person})

    def get(self, request, pk: int):
        return self.render(PersonExitForm())

    def post(self, request, pk: int):
        form = PersonExitForm(request.POST)
        if form.is_valid():
            try:
                services.person_exit(
                    user=request.user,
                    person=self.person,
                    status=form.cleaned_data["status"],
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded. Every programme %(name)s was in has been told.")
                    % {"name": self.person.full_name},
                )
                return redirect("person_detail", pk=self.person.pk)
        return self.render(form)


class DuplicateListView(RoleRequiredMixin, View):
    """Possible duplicates (same name and birth date) for an officer to merge or tell apart."""

    permission_required = "welfare.view_cases"

    def get(self, request):
        pairs = selectors.person_duplicates(user=request.user)
        people = [p for pair in pairs for p in (pair.first, pair.second)]
        links = selectors.person_household_links(user=request.user, people=people)
        for pair in pairs:
            pair.first.households_now = links.get(pair.first.pk, [])
            pair.second.households_now = links.get(pair.second.pk, [])
        return render(
            request,
            "households/duplicate_list.html",
            {"pairs": pairs, "can_edit": request.user.has_perm("welfare.edit_cases")},
        )


class DuplicateResolveView(RoleRequiredMixin, View):
    permission_required = "welfare.edit_cases"

    def post(self, request, first: int, second: int):
        pair = selectors.duplicate_pair(user=request.user, first_pk=first, second_pk=second)
        form = DuplicateResolveForm(request.POST, pair=pair)
        if not form.is_valid():
            for error in form.non_field_errors() or [_("Choose what to do with the two records.")]:
                messages.error(request, error)
            return redirect("duplicate_list")
        try:
            if form.cleaned_data["action"] == "distinct":
                services.person_mark_distinct(
                    user=request.user, first=pair.first, second=pair.second
                )
                messages.success(
                    request,
                    _("%(name)s: the two records were marked as two different people.")
                    % {"name": pair.first.full_name},
                )
                return redirect("duplicate_list")
            keep, duplicate = form.kept_and_duplicate()
            kept = services.person_merge(user=request.user, keep=keep, duplicate=duplicate)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("duplicate_list")
        messages.success(
            request,
            _("The two records of %(name)s were merged into one.") % {"name": kept.full_name},
        )
        return redirect("person_detail", pk=kept.pk)


urlpatterns = [
    path("people/<int:pk>/", PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", PersonEditView.as_view(), name="person_edit"),
    path("people/<int:pk>/exit/", PersonExitView.as_view(), name="person_exit"),
    path("duplicates/", DuplicateListView.as_view(), name="duplicate_list"),
    path(
        "duplicates/<int:first>/<int:second>/",
        DuplicateResolveView.as_view(),
        name="duplicate_resolve",
    ),
]
