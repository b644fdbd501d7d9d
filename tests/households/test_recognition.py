"""A head recognises proposed reviews under a decision number and date, one or many at once."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    HouseholdFactory,
    PovertyReviewFactory,
    head,
    officer,
)
from welfare.households.models import PovertyReview

pytestmark = pytest.mark.django_db

URL = "/households/reviews/recognise/"


def proposal(**kwargs) -> PovertyReview:
    return PovertyReviewFactory(
        review_year=2025, status="proposed", recognised_on=None, decision_number="", **kwargs
    )


def test_a_head_recognises_many_reviews_under_one_decision(client, login):
    a, b, c = proposal(), proposal(deprivations=[2]), proposal()
    other = proposal(household=HouseholdFactory(commune_id=CHI_LANG, code="CL-1"))
    user = head()
    login(user)
    html = client.get(URL).content.decode()
    for review in (a, b, c, other):  # the whole province's proposals
        assert f'name="reviews" value="{review.pk}"' in html
    response = client.post(
        URL,
        {
            "reviews": [a.pk, b.pk, other.pk],
            "decision_number": " 215/QĐ-UBND ",
            "recognised_on": "15/12/2025",
        },
    )
    assert response.status_code == 302
    for review in (a, b, other):
        review.refresh_from_db()
        assert (
            review.status,
            review.decision_number,
            review.recognised_on,
            review.recognised_by,
        ) == (
            "recognised",
            "215/QĐ-UBND",
            dt.date(2025, 12, 15),
            user,
        )
    c.refresh_from_db()
    assert c.status == "proposed" and c.decision_number == ""
    html = client.get(response["Location"]).content.decode()
    assert "215/QĐ-UBND" in html and "15/12/2025" in html  # the message
    assert f'name="reviews" value="{c.pk}"' in html and f'value="{a.pk}"' not in html


def test_a_head_recognises_one_review_from_its_page(client, login):
    review = proposal()
    login(head())
    page = f"/households/reviews/{review.pk}/"
    html = client.get(page).content.decode()
    assert 'data-testid="recognise-one"' in html
    response = client.post(
        URL,
        {
            "reviews": review.pk,
            "decision_number": "7/QĐ-UBND",
            "recognised_on": "01/12/2025",
            "next": page,
        },
    )
    assert response["Location"] == page
    review.refresh_from_db()
    assert review.status == "recognised" and review.decision_number == "7/QĐ-UBND"
    html = client.get(page).content.decode()
    assert "7/QĐ-UBND" in html and 'data-testid="recognise-one"' not in html
    assert f"/households/reviews/{review.pk}/certificate.pdf" in html


def test_the_list_can_be_narrowed_before_ticking(client, login):
    own = proposal()
    other = proposal(household=HouseholdFactory(commune_id=CHI_LANG, code="CL-2"))
    login(head())
    html = client.get(URL, {"commune": CHI_LANG}).content.decode()
    assert f'value="{other.pk}"' in html and f'value="{own.pk}"' not in html


def test_a_decision_needs_a_number_a_past_date_and_a_ticked_review(client, login):
    review = proposal()
    login(head())
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    for data in (
        {"reviews": review.pk, "decision_number": "", "recognised_on": "01/12/2025"},
        {"reviews": review.pk, "decision_number": "1/QĐ", "recognised_on": tomorrow},
        {"decision_number": "1/QĐ", "recognised_on": "01/12/2025"},
    ):
        response = client.post(URL, data)
        html = response.content.decode()
        assert response.status_code == 200 and ("is-invalid" in html or "alert-danger" in html)
    review.refresh_from_db()
    assert review.status == "proposed"


def test_an_officer_cannot_recognise(client, login):
    review = proposal()
    login(officer(HUU_LUNG))
    assert client.get(URL).status_code == 403
    response = client.post(
        URL, {"reviews": review.pk, "decision_number": "1/QĐ", "recognised_on": "01/12/2025"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == "proposed"
    html = client.get(f"/households/reviews/{review.pk}/").content.decode()
    assert 'data-testid="recognise-one"' not in html and URL not in html


def test_a_head_cannot_recognise_another_provinces_review(client, login):
    hanoi = proposal(household=HouseholdFactory(commune_id=HA_NOI_COMMUNE, code="HN-1"))
    login(head())
    response = client.post(
        URL, {"reviews": hanoi.pk, "decision_number": "1/QĐ", "recognised_on": "01/12/2025"}
    )
    assert response.status_code == 200
    hanoi.refresh_from_db()
    assert hanoi.status == "proposed"


def test_an_already_recognised_review_is_not_offered_again(client, login):
    done = PovertyReviewFactory(review_year=2025, decision_number="9/QĐ")
    login(head())
    response = client.post(
        URL, {"reviews": done.pk, "decision_number": "10/QĐ", "recognised_on": "01/12/2025"}
    )
    assert response.status_code == 200
    done.refresh_from_db()
    assert done.decision_number == "9/QĐ"
