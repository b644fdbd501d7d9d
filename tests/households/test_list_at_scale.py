"""The household list at province scale (issue 9): its number of queries does not grow with the
number of households, and its cached counts follow every change of the records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    MemberFactory,
    PersonFactory,
    PovertyReviewFactory,
    head,
    officer,
)
from welfare.households.models import PovertyResult, ReviewStatus

pytestmark = pytest.mark.django_db


def households(n: int, commune=HUU_LUNG, prefix="HL") -> None:
    for i in range(n):
        household = HouseholdFactory(
            commune_id=commune,
            code=f"{prefix}-{HouseholdFactory._meta.model.objects.count():04d}-{i}",
            # Every head a Nguyễn, so the search finds rows in both counts (an empty list makes
            # no query for its rows at all).
            head_member=PersonFactory(commune_id=commune, full_name=f"Nguyễn Văn {prefix} {i}"),
        )
        MemberFactory(household=household, person=PersonFactory(commune_id=commune))


def queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "user, params",
    [
        (lambda: officer(HUU_LUNG), {}),
        (lambda: head(), {}),
        (lambda: head(), {"q": "nguyen"}),
        (lambda: head(), {"status": "poor"}),
        (lambda: head(), {"year": 2024}),
    ],
    ids=["officer", "head", "search", "status", "year"],
)
def test_the_list_makes_as_many_queries_for_60_households_as_for_3(client, login, user, params):
    login(user())
    households(3)
    households(1, commune=CHI_LANG, prefix="CL")
    few = queries(client, "/households/", **params)
    households(60)
    many = queries(client, "/households/", **params)
    assert many == few
    # Repeated with the same records, the counts come from the cache: no more queries.
    assert queries(client, "/households/", **params) <= many


def test_the_cached_counts_follow_a_new_household_and_a_recognised_review(client, login):
    households(2)
    login(officer(HUU_LUNG))
    assert "<strong>2</strong>" in client.get("/households/").content.decode()
    households(1)
    text = client.get("/households/").content.decode()
    assert "<strong>3</strong>" in text
    household = HouseholdFactory._meta.model.objects.filter(commune_id=HUU_LUNG).first()
    PovertyReviewFactory(
        household=household, review_year=2024, result=PovertyResult.POOR,
        status=ReviewStatus.RECOGNISED,
    )
    text = client.get("/households/", {"status": "poor"}).content.decode()
    assert "<strong>1</strong>" in text
