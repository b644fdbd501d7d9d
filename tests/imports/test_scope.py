"""Who may import what (contract.md): officers the rows of their communes only, also when the
key exists in another commune; heads their province; officers never recognise a review."""

import datetime as dt

import pytest

from tests.factories import CHI_LANG, HA_NOI_COMMUNE, HUU_LUNG, HouseholdFactory, PovertyReviewFactory, head, officer
from welfare.households.models import Household, PovertyReview

from .helpers import run_as, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HH = ["household_code", "commune_code", "head_name", "area_type"]
RV = ["household_code", "review_year", "income_per_capita_vnd", "deprivations", "recognised_on"]


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_an_officer_cannot_import_another_communes_rows(tmp_path, name):
    path = write(tmp_path, name, [HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural"],
                                  ["CL-1", CHI_LANG, "Lê Văn Bình", "rural"]])
    ok, lines = run_as(officer(HUU_LUNG), "households", path)
    assert not ok
    assert lines == [f"row 2, column commune_code: You do not work in commune {CHI_LANG}."]
    assert not Household.objects.exists()


def test_an_officer_cannot_touch_a_key_that_exists_in_another_commune(tmp_path):
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    path = write(tmp_path, "ho.csv", [HH, ["CL-1", HUU_LUNG, "Lê Văn Bình", "rural"]])
    ok, lines = run_as(officer(HUU_LUNG), "households", path)
    assert not ok
    assert lines == [f"row 1, column household_code: This record belongs to commune {CHI_LANG}, "
                     "where you may not import."]


def test_a_head_imports_any_commune_of_the_province_but_no_other(tmp_path):
    path = write(tmp_path, "ho.csv", [HH, ["HL-1", HUU_LUNG, "A", "rural"], ["CL-1", CHI_LANG, "B", "rural"]])
    assert run_as(head(20), "households", path) == (True, ["imported 2 households"])
    other = write(tmp_path, "hn.csv", [HH, ["HN-1", HA_NOI_COMMUNE, "C", "urban"]])
    assert run_as(head(20), "households", other) == (
        False, [f"row 1, column commune_code: Commune {HA_NOI_COMMUNE} is not in your province."]
    )


def test_an_officer_cannot_recognise_a_review_nor_change_a_recognised_one(tmp_path):
    HouseholdFactory(code="HL-1")
    PovertyReviewFactory(household=HouseholdFactory(code="HL-2"), review_year=2021)  # recognised
    path = write(tmp_path, "rv.csv", [
        RV,
        ["HL-1", 2021, 1_000_000, "1;2;3", "20/12/2021"],
        ["HL-2", 2021, 1_000_000, "1;2;3", ""],
    ])
    ok, lines = run_as(officer(HUU_LUNG), "poverty_reviews", path)
    assert not ok
    assert lines == [
        "row 1, column recognised_on: Only a department head recognises a review: leave this column "
        "empty to propose it.",
        "row 2, column review_year: The review of 2021 is already recognised: only a department head "
        "can change it.",
    ]


def test_an_officers_review_is_a_proposal_and_a_heads_with_a_date_is_recognised(tmp_path):
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    user = officer(HUU_LUNG)
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2025, 1_000_000, "1;2;3", ""]])
    assert run_as(user, "poverty_reviews", path)[0]
    review = PovertyReview.objects.get(household__code="HL-1")
    assert review.status == "proposed" and review.proposed_by == user
    boss = head(20)
    path = write(tmp_path, "rv2.csv", [RV, ["HL-2", 2025, 1_000_000, "", "2025-12-15"]])
    assert run_as(boss, "poverty_reviews", path)[0]
    review = PovertyReview.objects.get(household__code="HL-2")
    assert review.status == "recognised" and review.recognised_on == dt.date(2025, 12, 15)
    assert review.recognised_by == boss and review.result == "near_poor"
