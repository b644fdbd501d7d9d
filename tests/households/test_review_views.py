"""The review form and its live result, the review list, revisions and their history."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    PovertyReviewFactory,
    head,
    officer,
)
from welfare.households.models import PovertyResult, PovertyReview
from welfare.households.review_selectors import current_review_year

pytestmark = pytest.mark.django_db

CLASSIFY = "/households/reviews/classify/"


def vi(text) -> str:
    """What a Vietnamese user reads for an English source string."""
    with translation.override("vi"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def classify(client, **params):
    return client.get(CLASSIFY, params)


def form_data(
    year=2025,
    income="1.500.000",
    deprivations=(1, 4, 7),
    area_type="rural",
    kind="periodic",
    **extra,
):
    data = {
        "review_year": year,
        "kind": kind,
        "reviewed_on": "20/11/2025",
        "income_per_capita_vnd": income,
        "area_type": area_type,
        "note": "",
        **{f"dep_{n}": "on" for n in deprivations},
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "year, area_type, income, deprivations, expected, line",
    [
        # Decree 07/2021 (reviews of 2021–2025): rural line 1.500.000, urban 2.000.000.
        (2025, "rural", 1_500_000, "1;4;7", "poor", 1_500_000),  # income equal to the line
        (2025, "rural", 1_500_000, "1;4", "near_poor", 1_500_000),  # 2 deprivations, not 3
        (2025, "rural", 1_500_001, "1;4;7;9", "average", 1_500_000),  # one đồng above the line
        (2025, "rural", 2_250_000, "", "average", 1_500_000),  # the upper bound itself
        (2025, "rural", 2_250_001, "", "not_poor", 1_500_000),
        (2025, "urban", 2_000_000, "1;2;3", "poor", 2_000_000),
        (2025, "urban", 2_000_001, "1;2;3", "average", 2_000_000),
        (2025, "urban", 3_000_001, "", "not_poor", 2_000_000),
        # Decree 351/2025 (reviews of 2026–2029): rural 2.200.000, urban 2.800.000.
        (2026, "rural", 2_000_000, "5", "near_poor", 2_200_000),  # near-poor now, average in 2025
        (2026, "rural", 2_200_000, "1;2;3", "poor", 2_200_000),
        (2026, "urban", 2_800_000, "1;2", "near_poor", 2_800_000),
        (2026, "urban", 2_800_001, "1;2;3", "not_poor", 2_800_000),  # no verified upper bound
    ],
)
def test_the_endpoint_classifies_at_every_boundary(
    client, login, year, area_type, income, deprivations, expected, line
):
    login(officer(HUU_LUNG))
    data = classify(
        client, year=year, area_type=area_type, income=income, deprivations=deprivations
    ).json()
    assert data["result"] == expected
    assert data["income_line"] == line
    assert data["label"] == vi(PovertyResult(expected).label)
    assert data["deprivations"] == len([d for d in deprivations.split(";") if d])


def test_the_endpoint_warns_of_the_unverified_bounds_of_decree_351(client, login):
    login(officer(HUU_LUNG))
    old = classify(client, year=2025, area_type="rural", income="1.600.000", deprivations="").json()
    new = classify(client, year=2026, area_type="rural", income="2.300.000", deprivations="").json()
    assert old["warning"] == ""
    assert "351/2025/NĐ-CP" in new["warning"]
    assert new["standard"] == "351/2025/NĐ-CP" and old["standard"] == "07/2021/NĐ-CP"
    assert "2.200.000 đ" in new["line_text"]


def test_the_endpoint_refuses_bad_input(client, login):
    login(officer(HUU_LUNG))
    assert (
        classify(client, year=2025, area_type="rural", income="", deprivations="").status_code
        == 400
    )
    assert (
        classify(client, year=2025, area_type="rural", income="1000", deprivations="13").status_code
        == 400
    )
    assert (
        classify(client, year=2025, area_type="hill", income="1000", deprivations="").status_code
        == 400
    )
    response = classify(client, year=1990, area_type="rural", income="1000", deprivations="")
    assert response.status_code == 400 and "1990" in response.json()["error"]


def test_the_endpoint_needs_a_login(client):
    assert classify(
        client, year=2025, area_type="rural", income="1", deprivations=""
    ).status_code in (302, 403)


def test_the_form_shows_the_indicators_by_dimension_with_their_names(client, login):
    household = HouseholdFactory(area_type="urban")
    login(officer(HUU_LUNG))
    html = client.get(f"/households/{household.pk}/reviews/new/").content.decode()
    for name in (
        "1. Việc làm",
        "3. Dinh dưỡng",
        "8. Diện tích nhà ở bình quân đầu người",
        "12. Phương tiện phục vụ tiếp cận thông tin",
    ):
        assert name in html
    for dimension in (
        "Employment",
        "Health",
        "Education",
        "Housing",
        "Water and sanitation",
        "Information",
    ):
        assert f"<legend>{vi(dimension)}" in html
    assert html.count('class="deprivation') == 12
    assert f'value="{current_review_year(timezone.localdate())}"' in html
    assert '<option value="urban" selected>' in html  # the household's area type
    assert "/households/reviews/classify/" in html and "households/review.js" in html


@pytest.mark.parametrize(
    "deprivations, expected",
    [((1, 4, 7), "poor"), ((1, 4), "near_poor")],
)
def test_an_officer_proposes_a_review_and_the_result_is_computed(
    client, login, deprivations, expected
):
    household = HouseholdFactory()
    user = officer(HUU_LUNG)
    login(user)
    response = client.post(
        f"/households/{household.pk}/reviews/new/", form_data(deprivations=deprivations)
    )
    review = PovertyReview.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/households/reviews/{review.pk}/"
    )
    assert (review.result, review.status, review.proposed_by) == (expected, "proposed", user)
    assert review.deprivations == list(deprivations) and review.income_per_capita_vnd == 1_500_000
    html = client.get(response["Location"]).content.decode()
    assert vi(PovertyResult(expected).label) in html and "1.500.000 đ" in html
    assert "Việc làm" in html  # the deprived indicators by name


def test_the_page_opens_with_the_result_of_what_was_typed(client, login):
    household = HouseholdFactory()
    login(officer(HUU_LUNG))
    html = client.post(
        f"/households/{household.pk}/reviews/new/", form_data(income="abc", deprivations=(1, 2))
    ).content.decode()
    assert not PovertyReview.objects.exists()
    assert "1.450.000" in html  # the error tells how to type the amount
    html = client.post(
        f"/households/{household.pk}/reviews/new/",
        form_data(income="1.500.001", reviewed_on="01/01/2099"),
    ).content.decode()
    assert not PovertyReview.objects.exists()
    assert 'data-result="average"' in html and vi(PovertyResult.AVERAGE.label) in html


def test_a_2026_review_warns_that_the_average_bounds_are_unverified(client, login):
    household = HouseholdFactory()
    login(officer(HUU_LUNG))
    html = client.get(f"/households/{household.pk}/reviews/new/").content.decode()
    year = current_review_year(timezone.localdate())
    marker = 'data-testid="unverified"'
    part = html[html.index(marker) - 80 : html.index(marker) + 400]
    if year >= 2026:
        assert "351/2025/NĐ-CP" in part and "d-none" not in part
    response = client.post(
        f"/households/{household.pk}/reviews/new/",
        form_data(year=2026, income="2.300.000", deprivations=()),
    )
    review = PovertyReview.objects.get()
    assert review.result == "not_poor" and review.standard.code == "351/2025/NĐ-CP"
    assert "351/2025/NĐ-CP" in client.get(response["Location"]).content.decode()


def test_a_second_review_of_the_same_year_is_refused_with_a_link_to_revise(client, login):
    review = PovertyReviewFactory(review_year=2025)
    login(officer(HUU_LUNG))
    html = client.post(
        f"/households/{review.household.pk}/reviews/new/", form_data(year=2025)
    ).content.decode()
    assert PovertyReview.objects.count() == 1
    assert f"/households/reviews/{review.pk}/edit/?kind=regular" in html


def test_a_recognised_review_revised_by_an_officer_is_proposed_again_and_history_keeps_both(
    client, login
):
    review = PovertyReviewFactory(
        review_year=2025, income_per_capita_vnd=1_200_000, decision_number="45/QĐ-UBND"
    )
    assert review.result == "poor"
    login(officer(HUU_LUNG))
    response = client.post(
        f"/households/reviews/{review.pk}/edit/",
        form_data(
            year=2025, kind="regular", income="1.800.000", deprivations=(1,), version=review.version
        ),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.result, review.status, review.kind, review.decision_number) == (
        "average",
        "proposed",
        "regular",
        "",
    )
    assert [h.result for h in review.history.all()] == ["average", "poor"]
    html = client.get(f"/households/reviews/{review.pk}/").content.decode()
    history = html[html.index('data-testid="history"') :]
    assert "45/QĐ-UBND" in history and "1.800.000 đ" in history and "1.200.000 đ" in history
    assert vi(PovertyResult.POOR.label) in history and vi(PovertyResult.AVERAGE.label) in history


def test_a_stale_edit_is_refused(client, login):
    review = PovertyReviewFactory(
        review_year=2025, status="proposed", recognised_on=None, decision_number=""
    )
    login(officer(HUU_LUNG))
    url = f"/households/reviews/{review.pk}/edit/"
    assert client.post(url, form_data(income="1.000.000", version=1)).status_code == 302
    html = client.post(url, form_data(income="2.000.000", version=1)).content.decode()
    review.refresh_from_db()
    assert review.income_per_capita_vnd == 1_000_000 and review.version == 2
    assert (
        vi(
            "This record was changed by someone else after you opened it. "
            "Look at their changes below, then save again to keep yours."
        )
        in html
    )


def test_the_review_year_cannot_be_changed_on_a_revision(client, login):
    review = PovertyReviewFactory(
        review_year=2024, status="proposed", recognised_on=None, decision_number=""
    )
    login(officer(HUU_LUNG))
    client.post(f"/households/reviews/{review.pk}/edit/", form_data(year=2025, version=1))
    review.refresh_from_db()
    assert review.review_year == 2024


def test_a_head_cannot_edit_reviews(client, login):
    review = PovertyReviewFactory(review_year=2025)
    login(head())
    assert client.get(f"/households/{review.household.pk}/reviews/new/").status_code == 403
    assert client.get(f"/households/reviews/{review.pk}/edit/").status_code == 403
    response = client.post(
        f"/households/reviews/{review.pk}/edit/", form_data(version=review.version)
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.version == 1
    html = client.get(f"/households/reviews/{review.pk}/").content.decode()
    assert f"/households/reviews/{review.pk}/edit/" not in html


def test_another_communes_review_answers_404(client, login):
    other = PovertyReviewFactory(
        review_year=2025, household=HouseholdFactory(commune_id=CHI_LANG, code="CL-1")
    )
    login(officer(HUU_LUNG))
    assert client.get(f"/households/reviews/{other.pk}/").status_code == 404
    assert client.get(f"/households/reviews/{other.pk}/edit/").status_code == 404
    assert (
        client.post(f"/households/reviews/{other.pk}/edit/", form_data(version=1)).status_code
        == 404
    )
    assert client.get(f"/households/{other.household.pk}/reviews/new/").status_code == 404
    client.logout()
    login(head(1))  # Hà Nội's head
    assert client.get(f"/households/reviews/{other.pk}/").status_code == 404


def test_the_list_shows_an_officers_communes_and_filters(client, login):
    own_poor = PovertyReviewFactory(review_year=2025)
    own_near = PovertyReviewFactory(review_year=2025, deprivations=[1])
    own_old = PovertyReviewFactory(
        review_year=2024, status="proposed", recognised_on=None, decision_number=""
    )
    other = PovertyReviewFactory(
        review_year=2025, household=HouseholdFactory(commune_id=CHI_LANG, code="CL-9")
    )
    login(officer(HUU_LUNG))
    html = client.get("/households/reviews/").content.decode()
    for review in (own_poor, own_near, own_old):
        assert review.household.code in html
    assert "CL-9" not in html
    html = client.get(
        "/households/reviews/", {"year": 2025, "result": "near_poor"}
    ).content.decode()
    assert own_near.household.code in html and own_poor.household.code not in html
    html = client.get("/households/reviews/", {"status": "proposed"}).content.decode()
    assert own_old.household.code in html and own_poor.household.code not in html
    html = client.get(
        "/households/reviews/", {"q": own_poor.household.head.full_name.lower()}
    ).content.decode()
    assert own_poor.household.code in html and own_near.household.code not in html
    client.logout()
    login(head())
    html = client.get("/households/reviews/", {"commune": CHI_LANG}).content.decode()
    assert other.household.code in html and own_poor.household.code not in html
    assert "/households/reviews/recognise/" in html


def test_the_list_is_paginated_and_keeps_the_filters(client, login):
    for _ in range(51):
        PovertyReviewFactory(review_year=2025)
    login(officer(HUU_LUNG))
    row_link = 'class="btn btn-sm btn-outline-secondary" href="/households/reviews/'
    html = client.get("/households/reviews/", {"year": 2025}).content.decode()
    assert html.count(row_link) == 50 and "year=2025&amp;page=2" in html
    page2 = client.get("/households/reviews/", {"year": 2025, "page": 2}).content.decode()
    assert page2.count(row_link) == 1


def test_reviewed_on_cannot_be_in_the_future(client, login):
    household = HouseholdFactory()
    login(officer(HUU_LUNG))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    client.post(f"/households/{household.pk}/reviews/new/", form_data(reviewed_on=tomorrow))
    assert not PovertyReview.objects.exists()


def test_an_officer_starts_next_years_review_from_last_years_list(client, login):
    poor = PovertyReviewFactory(review_year=2024)
    near = PovertyReviewFactory(review_year=2024, deprivations=[2])
    already = PovertyReviewFactory(review_year=2024)
    PovertyReviewFactory(household=already.household, review_year=2025)
    PovertyReviewFactory(
        review_year=2024, household=HouseholdFactory(commune_id=CHI_LANG, code="CL-3")
    )
    user = officer(HUU_LUNG)
    login(user)
    url = "/households/reviews/next-year/"
    html = client.get(url, {"commune": HUU_LUNG, "from_year": 2024}).content.decode()
    confirm = html[html.index('data-testid="confirm"') :]
    assert "<strong>2</strong>" in confirm and "Xã Hữu Lũng" in confirm
    assert PovertyReview.objects.filter(review_year=2025).count() == 1  # nothing made yet
    response = client.post(url, {"commune": HUU_LUNG, "from_year": 2024})
    assert response.status_code == 302
    assert (
        response["Location"] == f"/households/reviews/?commune={HUU_LUNG}&year=2025&status=proposed"
    )
    made = PovertyReview.objects.filter(review_year=2025, status="proposed")
    assert {r.household_id for r in made} == {poor.household_id, near.household_id}
    assert {r.result for r in made} == {"poor", "near_poor"}
    assert all(r.proposed_by == user for r in made)
    html = client.get(url, {"commune": HUU_LUNG, "from_year": 2024}).content.decode()
    assert "<strong>" not in html[html.index('data-testid="confirm"') :]  # nothing left to create


def test_carry_forward_is_for_an_officers_own_communes(client, login):
    PovertyReviewFactory(
        review_year=2024, household=HouseholdFactory(commune_id=CHI_LANG, code="CL-4")
    )
    login(officer(HUU_LUNG))
    url = "/households/reviews/next-year/"
    client.post(url, {"commune": CHI_LANG, "from_year": 2024})
    assert not PovertyReview.objects.filter(review_year=2025).exists()
    client.logout()
    login(head())
    assert client.get(url).status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_chromium_the_result_follows_what_the_officer_types(page, live_server, reference_loaded):
    from tests.factories import PASSWORD

    household = HouseholdFactory(code="HL-LIVE")
    user = officer(HUU_LUNG)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/households/{household.pk}/reviews/new/")
    badge = page.locator("#review-result")
    page.fill("input[name=review_year]", "2025")
    page.fill("input[name=income_per_capita_vnd]", "1.500.000")
    page.check("input[name=dep_1]")
    page.check("input[name=dep_4]")
    page.locator("#review-result[data-result='near_poor']").wait_for()
    assert badge.inner_text() == vi(PovertyResult.NEAR_POOR.label)
    assert "1.500.000 đ" in page.locator("#review-line").inner_text()
    page.check("input[name=dep_7]")
    page.locator("#review-result[data-result='poor']").wait_for()
    page.fill("input[name=income_per_capita_vnd]", "1.500.001")
    page.locator("#review-result[data-result='average']").wait_for()
    assert page.locator("#review-warning").is_hidden()
    page.fill(
        "input[name=review_year]", "2026"
    )  # Decree 351/2025: line 2.200.000, bounds unverified
    page.locator("#review-result[data-result='poor']").wait_for()
    assert "351/2025/NĐ-CP" in page.locator("#review-warning").inner_text()
    page.fill("input[name=reviewed_on]", "20/11/2025")
    page.click("#review-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/households/reviews/*/")
    review = PovertyReview.objects.get()
    assert (review.review_year, review.result, review.deprivations) == (2026, "poor", [1, 4, 7])
    assert vi(PovertyResult.POOR.label) in page.locator("main").inner_text()
