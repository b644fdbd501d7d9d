from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanEditView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanEditView.as_view(), name="plan_edit"),
    path("summary/", views.SummaryStartView.as_view(), name="summary_start"),
    path("summary/job/<int:pk>/", views.SummaryResultView.as_view(), name="summary_result"),
]
