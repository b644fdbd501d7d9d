from .views import beneficiaries, dossiers, runs

urlpatterns = [*beneficiaries.urlpatterns, *runs.urlpatterns, *dossiers.urlpatterns]
