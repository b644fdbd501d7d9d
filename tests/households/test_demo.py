"""The demo households: realistic, made through the services, and idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from welfare.households.models import (
    Household,
    InsuranceCard,
    Member,
    Person,
    PovertyReview,
)
from welfare.households.validators import citizen_id_check
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "members": Member.objects.count(),
        "reviews": PovertyReview.objects.count(),
        "recognised": PovertyReview.objects.filter(status="recognised").count(),
        "cards": InsuranceCard.objects.count(),
        "review_history": PovertyReview.history.count(),
        "person_history": Person.history.count(),
    }


def test_demo_data_runs_twice_without_duplicating_and_feeds_the_2022_summary():
    call_command("demo_data", stdout=StringIO())
    first = counts()
    call_command("demo_data", stdout=StringIO())
    assert counts() == first

    # About 30 households in each of the two communes, in 3–4 villages, 2 or more members.
    for code, villages in ((6385, 4), (6463, 3)):
        households = Household.objects.filter(commune_id=code)
        assert households.count() == 30
        assert households.values("village").distinct().count() == villages
    assert all(h.members.count() >= 1 and h.head_id for h in Household.objects.all())
    assert set(Person.objects.values_list("ethnicity", flat=True)) == {"Kinh", "Tày", "Nùng"}
    # Citizen IDs pass the validator, and agree with the person's sex and birth year.
    people_with_ids = Person.objects.exclude(id_number=None)
    assert people_with_ids.count() > 20
    for person in people_with_ids:
        assert person.id_number.startswith("020")
        assert citizen_id_check(person.id_number, sex=person.sex, birth_year=person.born) == []

    # Reviews of 2021 recognised under a decision; 2025 partly awaiting the head; a regular
    # review revising a 2024 result with both versions in history.
    assert not PovertyReview.objects.filter(review_year=2021, status="proposed").exists()
    assert PovertyReview.objects.filter(review_year=2021).exclude(decision_number="").count() == 60
    assert PovertyReview.objects.filter(review_year=2025, status="proposed").exists()
    assert PovertyReview.objects.filter(review_year=2025, status="recognised").exists()
    regular = PovertyReview.objects.filter(kind="regular")
    assert regular.count() == 3
    assert all(r.history.count() >= 3 for r in regular)  # proposed, recognised, revised (…)
    assert PovertyReview.history.filter(history_user__isnull=True).count() == 0

    # Cards of the first half of 2022 and of 2026.
    assert InsuranceCard.objects.filter(issued_on__year=2022, issued_on__month__lte=6).exists()
    assert InsuranceCard.objects.filter(issued_on__year=2026).exists()
    # A possible duplicate pair and a death.
    assert Person.objects.filter(full_name="Hoàng Văn Thắng").count() == 2
    # (Other apps' demo steps record deaths of their own, later.)
    assert Person.objects.filter(status="died", status_date__year=2025).count() == 1

    summary = summary_build(area=ReportArea.province(20), period=Period(2022, 1))
    assert summary["poverty"]["review_year"] == 2021
    assert summary["poverty"]["households"] == 60
    assert summary["poverty"]["poor"] > 0
    assert summary["health_insurance"]["cards_issued"] > 0
