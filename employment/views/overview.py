"""Page: the employment overview ("Việc làm"), a year's new jobs against the year's plan.

A head sees the province and a table of its communes, an officer each of their communes, an
admin a province they choose. Plans are set on the plans page (`welfare.reports`), never here.
"""

from django.urls import path
from django.utils import timezone
from django.views.generic import TemplateView

from welfare.accounts.access import RoleRequiredMixin
from welfare.accounts.scoping import sees_everything, user_communes, user_provinces

from .. import progress
from ..services import EXPIRING_DAYS


class OverviewView(RoleRequiredMixin, TemplateView):
    permission_required = "welfare.view_cases"
    template_name = "employment/overview.html"

    def get_year(self, years: list[int], today) -> int:
        value = self.request.GET.get("year", "")
        return int(value) if value.isdigit() and int(value) in years else today.year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        years = progress.overview_years(user=user, today=today)
        year = self.get_year(years, today)
        province, provinces, communes = None, None, []
        if sees_everything(user):
            provinces = user_provinces(user).order_by("name")
            value = self.request.GET.get("province", "")
            province = provinces.filter(code=int(value)).first() if value.isdigit() else None
            province = province or progress.default_province(provinces)
        elif user.is_head:
            province = user.province
        if province is not None:
            areas = [progress.province_progress(province, year)]
            communes = progress.province_communes_progress(province, year)
        else:
            areas = progress.communes_progress(list(user_communes(user).order_by("name")), year)
        context.update(
            year=year,
            years=years,
            province=province,
            provinces=provinces,
            areas=areas,
            communes=communes,
            show_communes=province is not None,
            expiring_passes=progress.expiring_passes_count(user=user, today=today),
            expiring_days=EXPIRING_DAYS,
            can_edit=user.has_perm("welfare.edit_cases"),
            can_view_plans=user.has_perm("welfare.view_plans"),
        )
        return context


urlpatterns = [
    path("", OverviewView.as_view(), name="employment_overview"),
]
