from django.urls import path

from . import views

urlpatterns = [
    path("", views.ImportStartView.as_view(), name="import_start"),
    path("<int:pk>/", views.ImportResultView.as_view(), name="import_result"),
    path("<int:pk>/errors.xlsx", views.ImportErrorsView.as_view(), name="import_errors"),
    path("<int:pk>/undo/", views.ImportUndoView.as_view(), name="import_undo"),
    path("templates/<slug:kind>.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
]
