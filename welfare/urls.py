from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from welfare.accounts.access import public
from welfare.core import views as core_views

admin.site.site_header = _("Social-welfare records: administration")
admin.site.site_title = _("Social-welfare records")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("welfare.accounts.urls")),
    path("jobs/<int:pk>/", core_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status/", core_views.job_status_json, name="job_status"),
    path("households/", include("welfare.households.urls")),
    path("imports/", include("welfare.imports.urls")),
    path("reports/", include("welfare.reports.urls")),
    path("beneficiaries/", include("beneficiaries.urls")),
    path("relief/", include("relief.urls")),
    path("employment/", include("employment.urls")),
    path("audit/", include("welfare.audit.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
