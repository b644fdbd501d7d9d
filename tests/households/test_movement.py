"""The movement table: start, exited, fell back, new, end, for poor and near-poor households."""

import random

import pytest

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    PovertyReviewFactory,
    head,
    officer,
)
from welfare.households.review_selectors import Movement, movement_table

pytestmark = pytest.mark.django_db

FIGURES = {  # income, deprivations giving each result by the standard of 2021–2025 (rural)
    "poor": (1_200_000, [1, 4, 7]),
    "near_poor": (1_200_000, [1]),
    "average": (1_800_000, []),
    "not_poor": (3_000_000, []),
}


def review(household, year, result, status="recognised"):
    income, deprivations = FIGURES[result]
    extra = {} if status == "recognised" else {"recognised_on": None, "decision_number": ""}
    made = PovertyReviewFactory(
        household=household,
        review_year=year,
        income_per_capita_vnd=income,
        deprivations=deprivations,
        status=status,
        **extra,
    )
    assert made.result == result
    return made


def history(commune=HUU_LUNG, code=None, **by_year):
    household = HouseholdFactory(commune_id=commune, **({"code": code} if code else {}))
    for key, result in by_year.items():
        status = "recognised"
        if result.endswith("?"):
            result, status = result[:-1], "proposed"
        review(household, int(key[1:]), result, status)
    return household


@pytest.fixture
def small_commune():
    """Status year 2026: the reviews of 2024 (previous) and 2025 (current)."""
    history(y2024="poor", y2025="poor")  # A stays poor
    history(y2024="poor", y2025="near_poor")  # B exits poverty, newly near-poor
    history(y2024="poor")  # C: no review of 2025 (left the list): exits
    history(y2023="poor", y2024="average", y2025="poor")  # D falls back into poverty
    history(y2024="not_poor", y2025="poor")  # E newly poor
    history(y2025="poor")  # F newly poor, first review
    history(y2023="near_poor", y2024="not_poor", y2025="near_poor")  # G falls back to near-poor
    history(y2024="near_poor", y2025="near_poor")  # H stays near-poor
    history(y2025="poor?")  # J: a proposal only, not counted
    history(y2024="poor?", y2025="average")  # a proposed 2024 review is no start
    history(commune=CHI_LANG, code="CL-1", y2024="poor", y2025="poor")  # K in another commune


def figures(movement: Movement) -> tuple:
    return (movement.start, movement.exited, movement.fell_back, movement.new, movement.end)


def test_each_category_on_small_data(small_commune):
    rows = movement_table(user=officer(HUU_LUNG), status_year=2026)
    assert [row.commune.name for row in rows[:-1]] == ["Xã Hữu Lũng"]
    row = rows[0]
    assert figures(row.poor) == (3, 2, 1, 2, 4)
    assert figures(row.near_poor) == (1, 0, 1, 1, 3)
    assert row.poor.balanced and row.near_poor.balanced
    assert figures(rows[-1].poor) == figures(row.poor)


def test_a_head_sees_every_commune_and_the_province(small_commune):
    rows = movement_table(user=head(), status_year=2026)
    assert [row.commune.name for row in rows[:-1]] == ["Xã Chi Lăng", "Xã Hữu Lũng"]
    assert figures(rows[0].poor) == (1, 0, 0, 0, 1)
    assert figures(rows[-1].poor) == (4, 2, 1, 2, 5)
    only = movement_table(user=head(), status_year=2026, commune=CHI_LANG)
    assert len(only) == 2 and figures(only[-1].poor) == (1, 0, 0, 0, 1)


def test_another_year_compares_other_reviews(small_commune):
    # Status year 2025: reviews of 2023 (D poor, G near-poor) and 2024.
    row = movement_table(user=officer(HUU_LUNG), status_year=2025)[0]
    assert figures(row.poor) == (1, 1, 0, 3, 3)  # D exits; A, B, C are new
    assert figures(row.near_poor) == (1, 1, 0, 1, 1)  # G exits; H is new


def test_the_identity_holds_and_matches_a_plain_count_on_random_histories():
    rng = random.Random(20261128)
    results = list(FIGURES)
    expected = {"poor": Movement(), "near_poor": Movement()}
    for _ in range(40):
        by_year = {}
        for year in range(2021, 2026):
            if rng.random() < 0.75:
                by_year[year] = (rng.choice(results), rng.random() < 0.85)
        household = HouseholdFactory()
        for year, (result, recognised) in by_year.items():
            review(household, year, result, "recognised" if recognised else "proposed")
        known = {year: result for year, (result, recognised) in by_year.items() if recognised}
        for category, movement in expected.items():
            was, now = known.get(2024) == category, known.get(2025) == category
            earlier = any(known.get(year) == category for year in range(2021, 2024))
            movement.start += was
            movement.end += now
            movement.exited += was and not now
            movement.fell_back += now and not was and earlier
            movement.new += now and not was and not earlier
    row = movement_table(user=officer(HUU_LUNG), status_year=2026)[0]
    assert figures(row.poor) == figures(expected["poor"])
    assert figures(row.near_poor) == figures(expected["near_poor"])
    for movement in (row.poor, row.near_poor):
        assert movement.start - movement.exited + movement.fell_back + movement.new == movement.end


def test_the_page_for_an_officer(client, login, small_commune):
    login(officer(HUU_LUNG))
    html = client.get("/households/reviews/movement/", {"year": 2026}).content.decode()
    table = html[html.index('data-testid="movement"') :]
    row = table[table.index(f'data-commune="{HUU_LUNG}"') :].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('class="num')[1:]] == [
        '">3',
        '">2',
        '">1',
        '">2',
        ' fw-semibold">4',
        '">1',
        '">0',
        '">1',
        '">1',
        ' fw-semibold">3',
    ]
    assert "Xã Chi Lăng" not in table
    # An officer cannot ask for another commune.
    html = client.get(
        "/households/reviews/movement/", {"year": 2026, "commune": CHI_LANG}
    ).content.decode()
    assert 'data-testid="movement"' not in html


def test_the_page_for_a_head_whole_province_and_one_commune(client, login, small_commune):
    login(head())
    html = client.get("/households/reviews/movement/", {"year": 2026}).content.decode()
    table = html[html.index('data-testid="movement"') :]
    assert "Xã Chi Lăng" in table and "Xã Hữu Lũng" in table and "Tỉnh Lạng Sơn" in table
    total = table[table.index('data-commune="total"') :].split("</tr>")[0]
    assert ">5<" in total  # poor households at the end, whole province
    html = client.get(
        "/households/reviews/movement/", {"year": 2026, "commune": CHI_LANG}
    ).content.decode()
    table = html[html.index('data-testid="movement"') :]
    assert "Xã Hữu Lũng" not in table and "Xã Chi Lăng" in table
