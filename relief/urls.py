from .views import covid, gifts, rounds

urlpatterns = [*rounds.urlpatterns, *gifts.urlpatterns, *covid.urlpatterns]
