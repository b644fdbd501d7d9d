from .views import cards, households, people, printouts, reviews

urlpatterns = [
    *households.urlpatterns,
    *people.urlpatterns,
    *cards.urlpatterns,
    *reviews.urlpatterns,
    *printouts.urlpatterns,
]
