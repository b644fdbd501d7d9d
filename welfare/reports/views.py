from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import get_scoped_or_404
from welfare.core.selectors import job_list, job_status
from welfare.core.services import job_start

from .forms import PlanForm, SummaryRequestForm
from .models import Plan
from .selectors import plan_list, plan_years
from .services import plan_save
from .tasks import summary_build_task


class PlanListView(RoleRequiredMixin, ListView):
    permission_required = "welfare.view_plans"
    template_name = "reports/plan_list.html"
    paginate_by = 50

    def get_year(self) -> int | None:
        value = self.request.GET.get("year", "")
        return int(value) if value.isdigit() else None

    def get_queryset(self):
        return plan_list(user=self.request.user, year=self.get_year())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = plan_years(user=self.request.user)
        context["year"] = self.get_year()
        context["can_manage"] = self.request.user.has_perm("welfare.manage_plans")
        return context


class PlanEditView(RoleRequiredMixin, FormView):
    """Create a plan target, or change one (refused if someone changed it meanwhile)."""

    permission_required = "welfare.manage_plans"
    template_name = "reports/plan_form.html"
    form_class = PlanForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = None
        if "pk" in kwargs and request.user.is_authenticated:
            self.plan = get_scoped_or_404(Plan, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["instance"] = self.plan
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            plan_save(
                user=self.request.user,
                province=data["province"],
                commune=data["commune"],
                year=data["year"],
                indicator=data["indicator"],
                target=data["target"],
                note=data["note"],
                plan=self.plan,
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan target was saved."))
        return redirect(reverse("plan_list") + f"?year={data['year']}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        if self.plan is not None:
            context["history"] = self.plan.history.select_related("history_user")[:20]
        return context


class SummaryStartView(RoleRequiredMixin, FormView):
    """Ask for a half-year summary of one of the user's areas; it is built by a background job."""

    permission_required = "welfare.view_reports"
    template_name = "reports/summary_start.html"
    form_class = SummaryRequestForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        area = form.area()
        year, half = form.cleaned_data["year"], form.cleaned_data["half"]
        job = job_start(
            user=self.request.user,
            task=summary_build_task,
            kind="halfyear_summary",
            label=_("Half-year summary %(half)s/%(year)s, %(area)s")
            % {"half": half, "year": year, "area": area.name},
            kwargs={"level": area.level, "code": area.code, "year": year, "half": half},
        )
        job.result_url = reverse("summary_result", args=[job.pk])
        job.save(update_fields=["result_url"])
        return redirect("job_detail", pk=job.pk)


class SummaryResultView(RoleRequiredMixin, TemplateView):
    permission_required = "welfare.view_reports"
    template_name = "reports/summary_result.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = get_object_or_404(job_list(user=self.request.user), pk=kwargs["pk"])
        status = job_status(job=job)
        if status["state"] != "SUCCESS":
            raise Http404
        context.update(job=job, summary=status["result"])
        return context
