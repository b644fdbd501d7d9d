"""Pages: placeholder until the pages land."""

urlpatterns = []
