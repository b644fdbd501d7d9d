from django.urls import include, path

from tests.scoped import views

urlpatterns = [
    path("test/dossiers/<int:pk>/", views.dossier_detail, name="test_dossier"),
    path("test/undeclared/", views.undeclared, name="test_undeclared"),
    path("", include("welfare.urls")),
]
