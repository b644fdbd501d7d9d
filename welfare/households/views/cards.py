"""Pages: cards."""

urlpatterns: list = []
