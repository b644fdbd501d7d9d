import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import get_scoped_or_404, user_communes, user_provinces
from welfare.audit.models import Action
from welfare.audit.services import access_record
from welfare.core.editing import add_service_errors, show_stale
from welfare.core.selectors import job_list, job_status
from welfare.core.services import StaleEditError, job_start
from welfare.core.text import fold
from welfare.core.xlsx import XLSX_CONTENT_TYPE

from . import exports
from .dashboard import COMMUNE_FIGURES, current_period, dashboard_periods, dashboard_read, snapshot_list
from .forms import PlanForm, SummaryRequestForm
from .history import plan_history, snapshot_history
from .models import Plan, SummarySnapshot
from .narrative import narrative_paragraphs
from .periods import Period, ReportArea
from .report_forms import ReportApproveForm, ReportBuildForm, ReportFilterForm, ReportSectionsForm
from .selectors import plan_list, plan_years
from .services import plan_save
from .snapshots import SECTION_FIELDS, snapshot_approve, snapshot_of, snapshot_sections_save
from .tasks import summary_build_task, summary_snapshot_task

# Who downloaded which report must be traceable (Law 91/2025/QH15 on personal data).


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
        except StaleEditError as exc:
            show_stale(form, exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan target was saved."))
        return redirect(reverse("plan_list") + f"?year={data['year']}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        if self.plan is not None:
            context["history"] = plan_history(plan=self.plan)
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


# --- The dashboard and the report page (issue 7) -------------------------------------------

DOWNLOADS = {
    "xlsx": ("summary_xlsx", XLSX_CONTENT_TYPE),
    "pdf": ("summary_pdf", "application/pdf"),
    "docx": ("summary_docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
AREA_PREFIXES = ("tinh ", "thanh pho ", "xa ", "phuong ", "dac khu ", "thi tran ")


def _period_param(value: str) -> Period | None:
    """`2022-1` -> Period(2022, 1); anything else -> None."""
    year, _sep, half = (value or "").partition("-")
    if year.isdigit() and half in ("1", "2") and 2000 <= int(year) <= 2100:
        return Period(int(year), int(half))
    return None


def _sections(snapshot: SummarySnapshot) -> dict:
    return {name: getattr(snapshot, name) for name in SECTION_FIELDS}


HEADING = re.compile(r"^[IVX]+\. ")


def _report_blocks(snapshot: SummarySnapshot) -> list[dict]:
    """The narrative's paragraphs as the page shows them: the title and the area's name, the
    numbered headings ("I. ", "II. " ...), the text."""
    paragraphs = narrative_paragraphs(snapshot.data, sections=_sections(snapshot))
    return [
        {"text": text, "kind": "title" if i < 2 else "heading" if HEADING.match(text) else "text"}
        for i, text in enumerate(paragraphs)
    ]


def report_file_name(snapshot: SummarySnapshot, fmt: str) -> str:
    """`bao-cao-6-thang-2022-1-lang-son.pdf`: the area's name folded, without "Tỉnh", "Xã"..."""
    name = fold((snapshot.commune or snapshot.province).name)
    for prefix in AREA_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return f"bao-cao-6-thang-{snapshot.year}-{snapshot.half}-{slugify(name)}.{fmt}"


class DashboardView(RoleRequiredMixin, TemplateView):
    """The half-year dashboard of one of the user's areas, read from the snapshots.

    A head (`welfare.view_dashboard`) sees the province's, and a commune's with `?commune=CODE`
    (the drill-down); an officer sees the dashboards of their communes only (the first one
    without `?commune`; another commune answers 404, the province 403).
    """

    permission_required = "welfare.view_reports"
    template_name = "reports/dashboard.html"

    def get_area(self) -> ReportArea:
        user = self.request.user
        commune_code = self.request.GET.get("commune", "")
        communes = user_communes(user)
        if commune_code:
            if not commune_code.isdigit():
                raise Http404
            commune = communes.filter(code=int(commune_code)).first()
            if commune is None:
                raise Http404
            return ReportArea(level="commune", code=commune.code, name=commune.name,
                              province_code=commune.province_id)
        if not user.has_perm("welfare.view_dashboard"):
            if "province" in self.request.GET:
                raise PermissionDenied
            commune = communes.order_by("name").first()
            if commune is None:
                raise Http404
            return ReportArea(level="commune", code=commune.code, name=commune.name,
                              province_code=commune.province_id)
        provinces = user_provinces(user)
        wanted = self.request.GET.get("province", "")
        province = provinces.filter(code=int(wanted)).first() if wanted.isdigit() else None
        if province is None and wanted:
            raise Http404
        if province is None:
            province = provinces.filter(code=user.province_id).first() if user.province_id else None
        if province is None:
            # An admin without a province: the latest province with a snapshot, else the first.
            latest = SummarySnapshot.objects.order_by("-year", "-half").values_list("province_id", flat=True).first()
            province = provinces.filter(code=latest).first() if latest else provinces.order_by("code").first()
        if province is None:
            raise Http404
        return ReportArea(level="province", code=province.code, name=province.name, province_code=province.code)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        area = self.get_area()
        periods = dashboard_periods(user=user, area=area)
        period = _period_param(self.request.GET.get("period", "")) or current_period()
        choices = sorted(set(periods) | {period, current_period()}, key=lambda p: (p.year, p.half), reverse=True)
        board = dashboard_read(user=user, area=area, period=period)
        is_head = user.has_perm("welfare.view_dashboard")
        communes = list(user_communes(user).order_by("name").values_list("code", "name"))
        context.update(
            area=area,
            period=period,
            periods=choices,
            period_key=f"{period.year}-{period.half}",
            board=board,
            snapshot=board.snapshot,
            data=board.data,
            commune_choices=communes,
            is_head=is_head,
            province_link=is_head and area.level == "commune",
            can_build=user.has_perm("welfare.approve_reports"),
            commune_figures=[(key, label) for key, label, _path in COMMUNE_FIGURES],
            commune_table=board.commune_table(),
            # A horizontal bar per commune: the chart grows with the number of communes.
            chart_data=board.chart_data(),
        )
        return context


class ReportListView(RoleRequiredMixin, ListView):
    """The snapshots of the user's areas, with filters; a head builds a missing one here."""

    permission_required = "welfare.view_reports"
    template_name = "reports/report_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = ReportFilterForm(self.request.GET or None)
        return snapshot_list(user=self.request.user, filters=self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        if self.request.user.has_perm("welfare.approve_reports"):
            context["build_form"] = ReportBuildForm(user=self.request.user)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


def _start_snapshot_job(request, area: ReportArea, period: Period, result_url: str):
    job = job_start(
        user=request.user,
        task=summary_snapshot_task,
        kind="halfyear_snapshot",
        label=_("Half-year report %(half)s/%(year)s, %(area)s: the draft's figures")
        % {"half": period.half, "year": period.year, "area": area.name},
        kwargs={
            "level": area.level,
            "code": area.code,
            "year": period.year,
            "half": period.half,
            "with_communes": area.level == "province",
            "user_id": request.user.pk,
        },
        result_url=result_url,
    )
    return redirect("job_detail", pk=job.pk)


class ReportBuildView(RoleRequiredMixin, View):
    """A head builds (or rebuilds) the draft of an area and half-year in the background."""

    permission_required = "welfare.approve_reports"

    def post(self, request):
        form = ReportBuildForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("report_list")
        area = form.area()
        period = Period(form.cleaned_data["year"], form.cleaned_data["half"])
        existing = snapshot_of(area, period)
        if existing is not None and existing.approved:
            messages.error(request, _("This report is approved: its figures are frozen."))
            return redirect("report_detail", pk=existing.pk)
        url = reverse("report_open", args=[area.level, area.code, period.year, period.half])
        return _start_snapshot_job(request, area, period, url)


class ReportOpenView(RoleRequiredMixin, View):
    """The report of an area and half-year (the build job's result link): its page, or 404."""

    permission_required = "welfare.view_reports"

    def get(self, request, level: str, code: int, year: int, half: int):
        lookup = {"commune_id": code} if level == "commune" else {"province_id": code, "commune__isnull": True}
        if level not in ("province", "commune") or half not in (1, 2):
            raise Http404
        snapshot = get_scoped_or_404(SummarySnapshot, request.user, year=year, half=half, **lookup)
        return redirect("report_detail", pk=snapshot.pk)


class ReportDetailView(RoleRequiredMixin, TemplateView):
    """One half-year report: the narrative, the head's sections, the approval, the downloads."""

    permission_required = "welfare.view_reports"
    template_name = "reports/report_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.snapshot = get_scoped_or_404(
                SummarySnapshot.objects.select_related("province", "commune", "approved_by"),
                request.user,
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, sections_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = self.snapshot
        can_edit = self.request.user.has_perm("welfare.approve_reports") and not snapshot.approved
        if can_edit and sections_form is None:
            sections_form = ReportSectionsForm(snapshot=snapshot, action=reverse("report_sections", args=[snapshot.pk]))
        context.update(
            snapshot=snapshot,
            area_name=(snapshot.commune or snapshot.province).name,
            paragraphs=_report_blocks(snapshot) if snapshot.built_at else [],
            can_edit=can_edit,
            sections_form=sections_form if can_edit else None,
            approve_form=ReportApproveForm(initial={"version": snapshot.version}) if can_edit else None,
            formats=list(DOWNLOADS),
            dashboard_query=(f"commune={snapshot.commune_id}&" if snapshot.commune_id else "")
            + f"period={snapshot.year}-{snapshot.half}",
            history=snapshot_history(snapshot=snapshot),
        )
        return context


class _SnapshotActionView(RoleRequiredMixin, View):
    permission_required = "welfare.approve_reports"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.snapshot = get_scoped_or_404(SummarySnapshot, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ReportRebuildView(_SnapshotActionView):
    """Rebuild a draft's figures in the background (refused once approved)."""

    def post(self, request, pk: int):
        snapshot = self.snapshot
        if snapshot.approved:
            messages.error(request, _("This report is approved: its figures are frozen."))
            return redirect("report_detail", pk=pk)
        area = ReportArea.of(snapshot.level, snapshot.area_code)
        return _start_snapshot_job(request, area, Period(snapshot.year, snapshot.half), reverse("report_detail", args=[pk]))


class ReportSectionsView(_SnapshotActionView):
    """Keep the head's three sections on the draft; a stale version is refused above the form."""

    def post(self, request, pk: int):
        form = ReportSectionsForm(request.POST, snapshot=self.snapshot, action=reverse("report_sections", args=[pk]))
        if form.is_valid():
            try:
                snapshot_sections_save(
                    user=request.user,
                    snapshot=self.snapshot,
                    expected_version=form.cleaned_data["version"],
                    sections={name: form.cleaned_data[name] for name in SECTION_FIELDS},
                )
            except StaleEditError as exc:
                show_stale(form, exc)
            except ValidationError as exc:
                if self.snapshot.approved:
                    messages.error(request, _("This report is approved: its text is frozen."))
                    return redirect("report_detail", pk=pk)
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The report's text was saved."))
                return redirect("report_detail", pk=pk)
        # The page again, with what the head wrote and the problem above the form.
        detail = ReportDetailView()
        detail.setup(request, pk=pk)
        detail.snapshot = self.snapshot
        return detail.render_to_response(detail.get_context_data(sections_form=form, pk=pk))


class ReportApproveView(_SnapshotActionView):
    def post(self, request, pk: int):
        form = ReportApproveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The approval could not be read: open the report again."))
            return redirect("report_detail", pk=pk)
        try:
            snapshot_approve(user=request.user, snapshot=self.snapshot, expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The report is approved: its figures and text are frozen."))
        return redirect("report_detail", pk=pk)


class ReportDownloadView(RoleRequiredMixin, View):
    """The report as XLSX, PDF or DOCX (`exports.py` writes them), each download in the audit log."""

    permission_required = "welfare.view_reports"

    def get(self, request, pk: int, fmt: str):
        if fmt not in DOWNLOADS:
            raise Http404
        snapshot = get_scoped_or_404(SummarySnapshot.objects.select_related("province", "commune"), request.user, pk=pk)
        if snapshot.built_at is None:
            raise Http404
        function_name, content_type = DOWNLOADS[fmt]
        content = getattr(exports, function_name)(snapshot)
        access_record(
            request=request,
            action=Action.DOWNLOADED_REPORT,
            what=_("Half-year report %(half)s/%(year)s, %(area)s (%(format)s)")
            % {
                "half": snapshot.half,
                "year": snapshot.year,
                "area": snapshot.commune or snapshot.province,
                "format": fmt.upper(),
            },
            obj=snapshot,
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{report_file_name(snapshot, fmt)}"'
        return response
