from .views import loans, overview, passes, placements

urlpatterns = [*overview.urlpatterns, *loans.urlpatterns, *placements.urlpatterns, *passes.urlpatterns]
