"""Pages: printouts."""

urlpatterns: list = []
