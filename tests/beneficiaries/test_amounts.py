"""Monthly amounts from the reference rows in force that month (domain.md, "People with
meritorious services", "Social protection")."""

import datetime as dt

import pytest

from beneficiaries.models import AllowanceRate, StandardLevel
from beneficiaries.rules import NoRule, Schedule, age_on, monthly_amount
from tests.factories import BeneficiaryFactory, PersonFactory, SocialBeneficiaryFactory

pytestmark = pytest.mark.django_db

JUNE_2024, JULY_2024 = dt.date(2024, 6, 1), dt.date(2024, 7, 1)


def amount(beneficiary, month):
    return monthly_amount(beneficiary, month).amount_vnd


def test_invalid_at_41_percent_across_the_change_of_schedule():
    invalid = BeneficiaryFactory(category="g", sub_case="invalid", rate_percent=41)
    assert amount(invalid, JUNE_2024) == 2_702_000
    assert amount(invalid, JULY_2024) == 3_667_000


def test_relative_of_one_martyr_across_the_change_of_schedule():
    mother = BeneficiaryFactory(category="c", relation="parent", sub_case="martyrs_1", rate_percent=None)
    assert amount(mother, JUNE_2024) == 2_055_000
    assert amount(mother, JULY_2024) == 2_789_000


def test_relative_of_two_martyrs_living_alone_gets_the_supplement():
    mother = BeneficiaryFactory(
        category="c", relation="parent", sub_case="martyrs_2", rate_percent=None, lives_alone=True
    )
    result = monthly_amount(mother, JULY_2024)
    assert result.amount_vnd == 5_578_000 + 2_231_000
    assert "sống cô đơn" in result.basis


def test_heroic_mother_gets_her_supplement():
    mother = BeneficiaryFactory(category="d", sub_case="standard", rate_percent=None)
    assert amount(mother, JULY_2024) == 8_367_000 + 2_337_000


def test_full_time_pre_1945_revolutionary_gets_a_supplement_per_year_of_service():
    veteran = BeneficiaryFactory(category="a", sub_case="full_time", rate_percent=None, service_years=3)
    assert amount(veteran, JULY_2024) == 3_117_000 + 3 * 529_000


def test_sick_soldier_band_includes_both_ends():
    soldier = BeneficiaryFactory(category="h", sub_case="sick_soldier", rate_percent=50)
    assert amount(soldier, JULY_2024) == 2_911_000
    soldier.rate_percent = 51
    assert amount(soldier, JULY_2024) == 3_627_000


def test_a_case_without_a_schedule_row_is_an_error_not_zero():
    invalid = BeneficiaryFactory(category="g", sub_case="invalid", rate_percent=45)
    with pytest.raises(NoRule, match="45 %"):
        monthly_amount(invalid, JULY_2024)
    # Type-B invalids have rows only from 01/07/2024 in the loaded schedule.
    type_b = BeneficiaryFactory(category="g", sub_case="invalid_b", rate_percent=41)
    with pytest.raises(NoRule):
        monthly_amount(type_b, JUNE_2024)
    assert amount(type_b, JULY_2024) == 3_015_000


def test_an_admin_added_row_is_used_from_its_date():
    invalid = BeneficiaryFactory(category="g", sub_case="invalid", rate_percent=45)
    AllowanceRate.objects.create(
        category="g", sub_case="invalid", rate_min=45, rate_max=45, amount_vnd=4_000_000,
        valid_from=JULY_2024, legal_basis="Phụ lục II",
    )
    assert amount(invalid, JULY_2024) == 4_000_000
    with pytest.raises(NoRule):
        monthly_amount(invalid, JUNE_2024)


def test_a_one_off_row_as_a_multiple_of_the_standard_level():
    row = AllowanceRate.objects.get(kind="one_off", category="c")
    schedule = Schedule.for_month(JULY_2024)
    from beneficiaries.rules import _row_amount

    assert _row_amount(row, schedule) == 20 * 2_789_000


def test_standard_levels_are_the_decrees_amounts():
    def level(kind, day):
        return StandardLevel.objects.valid_on(day).get(kind=kind).amount_vnd

    assert level("merit", dt.date(2022, 1, 1)) == 1_624_000
    assert level("merit", dt.date(2023, 7, 1)) == 2_055_000
    assert level("merit", dt.date(2024, 7, 1)) == 2_789_000
    assert level("social_assistance", dt.date(2024, 6, 30)) == 360_000
    assert level("social_assistance", dt.date(2024, 7, 1)) == 500_000


def test_social_assistance_is_level_times_coefficient_across_the_level_change():
    elderly = SocialBeneficiaryFactory(social_categories=["elderly_no_carer"])
    elderly.person.birth_date = dt.date(1940, 3, 1)  # 84 in 2024: coefficient 2.0
    assert amount(elderly, JUNE_2024) == 720_000
    assert amount(elderly, JULY_2024) == 1_000_000


def test_several_categories_give_the_highest_coefficient_only():
    person = PersonFactory(birth_date=dt.date(1950, 5, 1))  # 74 in July 2024
    both = SocialBeneficiaryFactory(person=person, social_categories=["disability_severe", "hiv_poor"])
    # Severe disability of an elderly person: 2.0; HIV: 1.5. Only the highest.
    assert amount(both, JULY_2024) == 1_000_000


def test_a_single_poor_parent_also_receives_their_own():
    person = PersonFactory(birth_date=dt.date(1990, 1, 1))
    parent = SocialBeneficiaryFactory(
        person=person, social_categories=["single_parent", "disability_severe"], children_count=2
    )
    # 1.0 per child (2 × 500,000) on top of the severe disability's 1.5 × 500,000.
    assert amount(parent, JULY_2024) == 1_000_000 + 750_000


def test_the_coefficient_follows_the_childs_age():
    child = SocialBeneficiaryFactory(
        social_categories=["child_unsupported"], person=PersonFactory(birth_date=dt.date(2020, 7, 15))
    )
    assert amount(child, dt.date(2024, 7, 1)) == 1_250_000  # 3 years old: 2.5
    assert amount(child, dt.date(2024, 8, 1)) == 750_000  # 4 on 15/07: 1.5


def test_social_pension_or_assistance_whichever_is_higher():
    person = PersonFactory(birth_date=dt.date(1945, 1, 1))  # 80 in 2025
    elderly = SocialBeneficiaryFactory(person=person, social_categories=["elderly_80", "social_pension"])
    assert amount(elderly, dt.date(2025, 6, 1)) == 500_000  # assistance 1.0 × 500,000; no pension yet
    pensioner = SocialBeneficiaryFactory(
        person=PersonFactory(birth_date=dt.date(1948, 1, 1)), social_categories=["social_pension"]
    )
    with pytest.raises(NoRule):
        monthly_amount(pensioner, dt.date(2025, 6, 1))
    assert amount(pensioner, dt.date(2025, 7, 1)) == 500_000


def test_an_age_outside_every_band_is_an_error():
    adult = SocialBeneficiaryFactory(
        social_categories=["child_unsupported"], person=PersonFactory(birth_date=dt.date(1990, 1, 1))
    )
    with pytest.raises(NoRule, match="34"):
        monthly_amount(adult, JULY_2024)


def test_age_in_completed_years():
    assert age_on(dt.date(2020, 7, 15), None, dt.date(2024, 7, 14)) == 3
    assert age_on(dt.date(2020, 7, 15), None, dt.date(2024, 7, 15)) == 4
    assert age_on(None, 1950, dt.date(2024, 1, 1)) == 74
    assert age_on(None, None, dt.date(2024, 1, 1)) is None
