from django.urls import path

from . import views

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("build/", views.ReportBuildView.as_view(), name="report_build"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/rebuild/", views.ReportRebuildView.as_view(), name="report_rebuild"),
    path("<int:pk>/sections/", views.ReportSectionsView.as_view(), name="report_sections"),
    path("<int:pk>/approve/", views.ReportApproveView.as_view(), name="report_approve"),
    path("<int:pk>/download/<str:fmt>/", views.ReportDownloadView.as_view(), name="report_download"),
    path(
        "area/<str:level>/<int:code>/<int:year>/<int:half>/",
        views.ReportOpenView.as_view(),
        name="report_open",
    ),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanEditView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanEditView.as_view(), name="plan_edit"),
    path("summary/", views.SummaryStartView.as_view(), name="summary_start"),
    path("summary/job/<int:pk>/", views.SummaryResultView.as_view(), name="summary_result"),
]
