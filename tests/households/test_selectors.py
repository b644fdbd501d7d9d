"""Scoped reads: the household status by year, member counts, cards, the change history."""

import datetime as dt

import pytest

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    InsuranceCardFactory,
    MemberFactory,
    PersonFactory,
    PovertyReviewFactory,
    admin,
    head,
    officer,
)
from welfare.households import services
from welfare.households.selectors import (
    card_list,
    household_history,
    household_list,
    household_status_counts,
    household_years,
    person_memberships,
    with_member_count,
)

pytestmark = pytest.mark.django_db


def codes(households) -> list[str]:
    return sorted(h.code for h in households)


@pytest.fixture
def reviewed():
    """HL-1 poor by its recognised review of 2023, then near-poor proposed for 2024;
    HL-2 near-poor recognised in 2024 after poor in 2023; HL-3 never reviewed."""
    one = HouseholdFactory(code="HL-1")
    two = HouseholdFactory(code="HL-2")
    HouseholdFactory(code="HL-3")
    PovertyReviewFactory(
        household=one, review_year=2023, income_per_capita_vnd=1_000_000, deprivations=[1, 2, 3]
    )
    PovertyReviewFactory(
        household=one,
        review_year=2024,
        income_per_capita_vnd=1_000_000,
        deprivations=[1],
        status="proposed",
        recognised_on=None,
        decision_number="",
    )
    PovertyReviewFactory(
        household=two, review_year=2023, income_per_capita_vnd=1_000_000, deprivations=[1, 2, 3]
    )
    PovertyReviewFactory(
        household=two, review_year=2024, income_per_capita_vnd=1_000_000, deprivations=[1]
    )
    return one, two


def test_the_status_is_the_latest_recognised_review(reviewed):
    user = officer(HUU_LUNG)
    assert codes(household_list(user=user, status="poor")) == ["HL-1"]
    assert codes(household_list(user=user, status="near_poor")) == ["HL-2"]
    rows = {h.code: (h.status_result, h.status_review_year) for h in household_list(user=user)}
    assert rows == {"HL-1": ("poor", 2023), "HL-2": ("near_poor", 2024), "HL-3": (None, None)}


def test_a_chosen_year_filters_by_that_years_review_proposed_or_recognised(reviewed):
    user = officer(HUU_LUNG)
    assert codes(household_list(user=user, status="near_poor", year=2024)) == ["HL-1", "HL-2"]
    assert codes(household_list(user=user, status="poor", year=2023)) == ["HL-1", "HL-2"]
    assert codes(household_list(user=user, year=2024)) == ["HL-1", "HL-2"]
    assert codes(household_list(user=user, status="poor", year=2024)) == []
    assert household_years(user=user) == [2024, 2023]


def test_status_counts_of_the_list(reviewed):
    counts = household_status_counts(household_list(user=officer(HUU_LUNG)))
    assert counts == {"poor": 1, "near_poor": 1, "": 1}
    assert household_status_counts(household_list(user=officer(CHI_LANG))) == {}


def test_member_count_leaves_out_those_who_left():
    household = HouseholdFactory(code="HL-1")
    MemberFactory(household=household)
    MemberFactory(household=household, left_on=dt.date(2024, 1, 1))
    [row] = with_member_count(household_list(user=admin()))
    assert row.member_count == 2


def test_lists_are_scoped_by_role():
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    HouseholdFactory(code="HN-1", commune_id=4)
    assert codes(household_list(user=officer(HUU_LUNG))) == ["HL-1"]
    assert codes(household_list(user=officer(HUU_LUNG, CHI_LANG))) == ["CL-1", "HL-1"]
    assert codes(household_list(user=head(20))) == ["CL-1", "HL-1"]
    assert codes(household_list(user=admin())) == ["CL-1", "HL-1", "HN-1"]


def test_card_list_filters_and_scope():
    household = HouseholdFactory(code="HL-1")
    InsuranceCardFactory(card_number="A", household=household, issued_on=dt.date(2024, 5, 1))
    InsuranceCardFactory(
        card_number="B", beneficiary_group="near_poor", issued_on=dt.date(2025, 5, 1)
    )
    InsuranceCardFactory(card_number="C", commune_id=CHI_LANG)
    user = officer(HUU_LUNG)
    assert [c.card_number for c in card_list(user=user)] == ["B", "A"]
    assert [c.card_number for c in card_list(user=user, household=household)] == ["A"]
    assert [c.card_number for c in card_list(user=user, group="near_poor")] == ["B"]
    assert [c.card_number for c in card_list(user=user, year=2024)] == ["A"]
    assert [c.card_number for c in card_list(user=user, commune=CHI_LANG)] == []


def test_a_persons_memberships_are_scoped():
    person = PersonFactory()
    MemberFactory(household=HouseholdFactory(code="HL-1"), person=person)
    MemberFactory(household=HouseholdFactory(code="CL-1", commune_id=CHI_LANG), person=person)
    assert [
        m.household.code for m in person_memberships(user=officer(HUU_LUNG), person=person)
    ] == ["HL-1"]
    assert len(person_memberships(user=head(20), person=person)) == 2


def test_the_history_says_who_changed_what_on_the_household_and_its_members():
    user = officer(HUU_LUNG, first_name="Lan", last_name="Hoàng")
    household = HouseholdFactory(code="HL-1", village="Thôn A")
    member = MemberFactory(household=household, person=PersonFactory(full_name="Lý Văn Bình"))
    household = services.household_update(
        user=user, household=household, expected_version=1, changes={"village": "Thôn B"}
    )
    services.member_remove(user=user, member=member, left_on=dt.date(2025, 1, 2))
    entries = household_history(household=household)
    village = next(e for e in entries if any(c[1] == "Thôn A" for c in e.changes))
    assert village.changes == [("Village", "Thôn A", "Thôn B")] or village.changes[0][1:] == (
        "Thôn A",
        "Thôn B",
    )
    left = next(e for e in entries if any(c[2] == "02/01/2025" for c in e.changes))
    assert "Lý Văn Bình" in left.subject
    assert len({e.subject for e in entries}) >= 3  # household, membership, person
