"""The households services: registration, people, heads, reviews, recognition, scoping,
death or move, duplicates, cards."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
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
from welfare.areas.models import Commune
from welfare.households import registry, services
from welfare.households.models import Household, InsuranceCard, Member, Person, PersonDistinct, PovertyReview
from welfare.households.services import MemberData, PersonData

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def commune(code: int = HUU_LUNG) -> Commune:
    return Commune.objects.get(code=code)


def register(user, code="HL-100", members=None, commune_code=HUU_LUNG) -> Household:
    members = members or [
        MemberData(PersonData("Lương Văn Hải", sex="male", birth_date=dt.date(1980, 2, 3), id_number="020080000111"), "head"),
        MemberData(PersonData("Nông Thị Mai", sex="female", birth_date=dt.date(1983, 7, 9)), "spouse"),
    ]
    return services.household_register(
        user=user, commune=commune(commune_code), code=code, area_type="rural", village="Thôn Na Hoa",
        members=members,
    )


def proposal(household=None, year=2025, **kwargs):
    return PovertyReviewFactory(
        household=household or HouseholdFactory(), review_year=year, status="proposed",
        recognised_on=None, decision_number="", **kwargs,
    )


# --- Households, people, heads ------------------------------------------------------------------


def test_a_household_is_registered_with_exactly_one_head():
    user = officer(HUU_LUNG)
    household = register(user)
    assert household.head.full_name == "Lương Văn Hải"
    assert household.head_name_folded == "luong van hai"
    assert sorted(household.members.values_list("relation", flat=True)) == ["head", "spouse"]
    spouse = PersonData("Nông Thị Mai", sex="female")
    for members in ([MemberData(spouse, "spouse")],
                    [MemberData(PersonData("A"), "head"), MemberData(PersonData("B"), "head")]):
        with pytest.raises(ValidationError, match="head|chủ hộ"):
            register(user, code="HL-101", members=members)
    assert not Household.objects.filter(code="HL-101").exists()


def test_a_citizen_id_links_to_the_person_who_has_it_and_another_name_is_refused():
    user = officer(HUU_LUNG)
    first = register(user)
    # The same man in a second household (spelled without capitals): the same person.
    second = register(user, code="HL-102", members=[
        MemberData(PersonData("lương văn hải", sex="male", birth_date=dt.date(1980, 2, 3), id_number="020080000111"), "head"),
    ])
    assert second.head_id == first.head_id
    assert Person.objects.filter(id_number="020080000111").count() == 1
    with pytest.raises(ValidationError) as error:
        register(user, code="HL-103", members=[
            MemberData(PersonData("Hoàng Văn Hải", sex="male", id_number="020080000111"), "head"),
        ])
    assert "id_number" in error.value.message_dict
    assert "Lương Văn Hải" in error.value.message_dict["id_number"][0]
    # An ID that disagrees with the person's sex.
    with pytest.raises(ValidationError) as error:
        register(user, code="HL-104", members=[
            MemberData(PersonData("Hoàng Thị Lan", sex="female", id_number="020080000999"), "head"),
        ])
    assert "id_number" in error.value.message_dict
    assert not Household.objects.filter(code__in=["HL-103", "HL-104"]).exists()


def test_a_second_head_is_refused_by_member_add():
    user = officer(HUU_LUNG)
    household = register(user)
    with pytest.raises(ValidationError) as error:
        services.member_add(user=user, household=household, data=PersonData("Vi Văn Tùng"), relation="head")
    assert "relation" in error.value.message_dict
    services.member_add(user=user, household=household, data=PersonData("Vi Văn Tùng"), relation="child")
    assert household.members.count() == 3


def test_the_head_changes_to_another_member_and_the_old_head_keeps_a_place():
    user = officer(HUU_LUNG)
    household = register(user)
    spouse = household.members.get(relation="spouse")
    with pytest.raises(ValidationError):
        services.household_head_change(user=user, household=household, new_head=spouse, old_head_relation="head")
    stranger = MemberFactory()
    with pytest.raises(ValidationError):
        services.household_head_change(user=user, household=household, new_head=stranger, old_head_relation="spouse")
    services.household_head_change(user=user, household=household, new_head=spouse, old_head_relation="spouse")
    household.refresh_from_db()
    assert household.head.full_name == "Nông Thị Mai"
    assert household.head_name_folded == "nong thi mai"
    assert dict(household.members.values_list("person__full_name", "relation")) == {
        "Nông Thị Mai": "head", "Lương Văn Hải": "spouse",
    }


# --- Reviews ------------------------------------------------------------------------------------


def test_review_save_computes_the_result_by_the_standard_of_the_review_year():
    user = officer(HUU_LUNG)
    household = HouseholdFactory()
    old = services.review_save(user=user, household=household, review_year=2025,
                               income_per_capita_vnd=1_800_000, deprivations="")
    new = services.review_save(user=user, household=household, review_year=2026,
                               income_per_capita_vnd=1_800_000, deprivations=[])
    assert (old.result, old.standard.code, old.status) == ("average", "07/2021/NĐ-CP", "proposed")
    assert (new.result, new.standard.code) == ("near_poor", "351/2025/NĐ-CP")
    poor = services.review_save(user=user, household=HouseholdFactory(), review_year=2025,
                                income_per_capita_vnd=1_500_000, deprivations="1;4;9", area_type="rural")
    assert poor.result == "poor" and poor.deprivation_count == 3 and poor.proposed_by == user
    with pytest.raises(ValidationError, match="2030"):
        services.review_save(user=user, household=household, review_year=2030,
                             income_per_capita_vnd=1_000_000, deprivations=[])
    with pytest.raises(ValidationError):
        services.review_save(user=user, household=HouseholdFactory(), review_year=2025,
                             income_per_capita_vnd=1, deprivations=[], reviewed_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="already|đã có"):
        services.review_save(user=user, household=household, review_year=2025,
                             income_per_capita_vnd=1_000_000, deprivations=[])


def test_a_recognised_review_revised_by_an_officer_is_a_proposal_again_and_history_keeps_both():
    user = officer(HUU_LUNG)
    review = PovertyReviewFactory(review_year=2024)  # recognised, poor
    revised = services.review_save(
        user=user, household=review.household, review_year=2024, income_per_capita_vnd=2_000_000,
        deprivations=[], kind="regular", review=review, expected_version=review.version,
    )
    assert (revised.result, revised.status, revised.decision_number, revised.recognised_on) == (
        "average", "proposed", "", None
    )
    states = list(revised.history.order_by("history_date").values_list("result", "status"))
    assert states[0] == ("poor", "recognised") and states[-1] == ("average", "proposed")
    # A stale edit (the version the officer saw is old) is refused.
    with pytest.raises(ValidationError):
        services.review_save(user=user, household=review.household, review_year=2024,
                             income_per_capita_vnd=900_000, deprivations=[], review=revised,
                             expected_version=review.version)
    # An admin's correction keeps the recognition.
    recognised = PovertyReviewFactory(review_year=2024)
    kept = services.review_save(user=admin(), household=recognised.household, review_year=2024,
                                income_per_capita_vnd=1_400_000, deprivations=[1], review=recognised,
                                expected_version=recognised.version)
    assert (kept.result, kept.status) == ("near_poor", "recognised")


def test_a_head_recognises_many_reviews_under_one_decision():
    lead = head(20)
    reviews = [proposal(), proposal(), proposal(HouseholdFactory(commune_id=CHI_LANG))]
    done = PovertyReviewFactory(review_year=2025)  # recognised already: left as it was
    count = services.review_recognise(user=lead, reviews=[*reviews, done], decision_number=" 215/QĐ-UBND ",
                                      recognised_on=dt.date(2025, 12, 15))
    assert count == 3
    for review in reviews:
        review.refresh_from_db()
        assert (review.status, review.decision_number, review.recognised_on, review.recognised_by) == (
            "recognised", "215/QĐ-UBND", dt.date(2025, 12, 15), lead
        )
        assert review.history.first().history_user == lead
    done.refresh_from_db()
    assert done.decision_number == "123/QĐ-UBND"


@pytest.mark.parametrize(
    "number, on, field",
    [
        ("", dt.date(2025, 12, 1), "decision_number"),
        ("1/QĐ", TODAY + dt.timedelta(days=1), "recognised_on"),
        ("1/QĐ", dt.date(2024, 12, 31), "recognised_on"),  # before the review year 2025
    ],
)
def test_recognition_needs_a_number_and_a_date_neither_future_nor_before_the_review(number, on, field):
    review = proposal()
    with pytest.raises(ValidationError) as error:
        services.review_recognise(user=head(20), reviews=[review], decision_number=number, recognised_on=on)
    assert field in error.value.message_dict
    review.refresh_from_db()
    assert review.status == "proposed"


def test_only_a_head_of_the_province_recognises_and_nothing_is_recognised_otherwise():
    ours, theirs = proposal(), proposal(HouseholdFactory(commune_id=HA_NOI_COMMUNE))
    for user, reviews in ((officer(HUU_LUNG), [ours]), (head(20), [ours, theirs]), (head(1), [ours])):
        with pytest.raises(PermissionDenied):
            services.review_recognise(user=user, reviews=reviews, decision_number="9/QĐ",
                                      recognised_on=dt.date(2025, 12, 1))
    assert not PovertyReview.objects.filter(status="recognised").exists()


def test_an_officer_of_chi_lang_cannot_touch_huu_lungs_records():
    other = officer(CHI_LANG)
    household = HouseholdFactory()
    review = PovertyReviewFactory(household=household, review_year=2024)
    person = household.head
    attempts = [
        lambda: register(other),
        lambda: services.member_add(user=other, household=household, data=PersonData("Mã Văn Lộc"), relation="child"),
        lambda: services.review_save(user=other, household=household, review_year=2025,
                                     income_per_capita_vnd=1, deprivations=[]),
        lambda: services.review_save(user=other, household=household, review_year=2024, income_per_capita_vnd=1,
                                     deprivations=[], review=review, expected_version=review.version),
        lambda: services.review_carry_forward(user=other, commune=commune(), from_year=2024),
        lambda: services.card_save(user=other, commune=commune(), card_number="HN2201234567890",
                                   holder_name="Mã Văn Lộc", beneficiary_group="poor", issued_on=dt.date(2022, 1, 5)),
        lambda: services.person_update(user=other, person=person, expected_version=person.version,
                                       data=PersonData(person.full_name)),
        lambda: services.person_exit(user=other, person=person, status="moved", on=dt.date(2025, 1, 1)),
        lambda: services.household_update(user=other, household=household, expected_version=household.version,
                                          changes={"village": "Thôn Mới"}),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert Household.objects.count() == 1 and not InsuranceCard.objects.exists()
    assert PovertyReview.objects.get().review_year == 2024


def test_next_years_review_starts_from_last_years_list():
    user = officer(HUU_LUNG)
    a = PovertyReviewFactory(review_year=2025, income_per_capita_vnd=1_800_000, deprivations=[])  # average
    b = PovertyReviewFactory(review_year=2025, income_per_capita_vnd=1_000_000, deprivations=[1, 2, 3])
    started = proposal(b.household, year=2026)  # already begun: left alone
    PovertyReviewFactory(review_year=2025, household=HouseholdFactory(commune_id=CHI_LANG))  # other commune
    assert services.review_carry_forward(user=user, commune=commune(), from_year=2025) == 1
    carried = PovertyReview.objects.get(household=a.household, review_year=2026)
    # Recomputed by Decree 351/2025: rural 1.800.000 is now below the line.
    assert (carried.result, carried.status, carried.income_per_capita_vnd) == ("near_poor", "proposed", 1_800_000)
    assert "2025" in carried.note
    assert PovertyReview.objects.filter(review_year=2026).count() == 2
    assert services.review_carry_forward(user=user, commune=commune(), from_year=2025) == 0
    started.refresh_from_db()
    assert started.version == 1


# --- Death or move, duplicates ------------------------------------------------------------------


@pytest.fixture
def exit_calls():
    calls = []

    @registry.person_exit_handler
    def stop_everything(*, person, status, on, user):
        calls.append((person.pk, status, on, user.pk))

    yield calls
    registry._EXIT.pop(f"{stop_everything.__module__}.{stop_everything.__qualname__}")


def test_a_death_is_told_to_every_registered_programme_and_ends_memberships(exit_calls):
    user = officer(HUU_LUNG)
    household = register(user)
    spouse = household.members.get(relation="spouse")
    with pytest.raises(ValidationError):
        services.person_exit(user=user, person=spouse.person, status="died", on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.person_exit(user=user, person=spouse.person, status="active", on=TODAY)
    assert exit_calls == []
    person = services.person_exit(user=user, person=spouse.person, status="died", on=dt.date(2025, 8, 14),
                                  note="Từ trần")
    assert (person.status, person.status_date) == ("died", dt.date(2025, 8, 14))
    assert exit_calls == [(person.pk, "died", dt.date(2025, 8, 14), user.pk)]
    spouse.refresh_from_db()
    assert spouse.left_on == dt.date(2025, 8, 14)
    assert household.members.get(relation="head").left_on is None


def test_merging_a_duplicate_moves_memberships_headships_and_cards():
    user = officer(HUU_LUNG)
    keep = PersonFactory(full_name="Hoàng Văn Thắng", birth_date=dt.date(1968, 4, 12), id_number=None)
    duplicate = PersonFactory(full_name="Hoàng Văn Thắng", birth_date=dt.date(1968, 4, 12),
                              id_number="020068000777", ethnicity="Tày")
    own = HouseholdFactory(head_member=keep)
    theirs = HouseholdFactory(head_member=duplicate)
    shared = HouseholdFactory()
    Member.objects.create(household=shared, person=keep, relation="sibling")
    Member.objects.create(household=shared, person=duplicate, relation="child")
    card = InsuranceCardFactory(person=duplicate, holder_name=duplicate.full_name)

    merged = services.person_merge(user=user, keep=keep, duplicate=duplicate)
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert merged.id_number == "020068000777" and merged.ethnicity == "Tày"
    theirs.refresh_from_db()
    assert theirs.head == merged and theirs.members.get().person == merged
    assert own.members.get().person == merged
    assert shared.members.filter(person=merged).count() == 1
    card.refresh_from_db()
    assert card.person == merged
    assert theirs.history.first().head_id == merged.pk


def test_merging_into_a_member_of_the_same_household_keeps_one_head():
    keep = PersonFactory(full_name="Vy Thị Nga", sex="female")
    duplicate = PersonFactory(full_name="Vy Thị Nga", sex="female")
    household = HouseholdFactory(head_member=duplicate)
    Member.objects.create(household=household, person=keep, relation="child")
    services.person_merge(user=officer(HUU_LUNG), keep=keep, duplicate=duplicate)
    household.refresh_from_db()
    assert household.head == keep
    assert list(household.members.values_list("person", "relation")) == [(keep.pk, "head")]


def test_merging_is_refused_for_different_ids_or_the_same_person():
    user = officer(HUU_LUNG)
    a = PersonFactory(sex="male", birth_date=dt.date(1970, 1, 1), id_number="020070000001")
    b = PersonFactory(sex="male", birth_date=dt.date(1970, 1, 1), id_number="020070000002")
    with pytest.raises(ValidationError):
        services.person_merge(user=user, keep=a, duplicate=b)
    with pytest.raises(ValidationError):
        services.person_merge(user=user, keep=a, duplicate=a)
    # An ID that would disagree with the kept person's sex.
    woman = PersonFactory(sex="female", birth_date=dt.date(1970, 1, 1), id_number=None)
    with pytest.raises(ValidationError):
        services.person_merge(user=user, keep=woman, duplicate=b)
    assert Person.objects.count() == 3


def test_two_people_marked_distinct_leave_the_queue_once():
    user = officer(HUU_LUNG)
    a = PersonFactory(full_name="Lục Văn Bình", birth_date=dt.date(1975, 5, 5))
    b = PersonFactory(full_name="Lục Văn Bình", birth_date=dt.date(1975, 5, 5))
    services.person_mark_distinct(user=user, first=b, second=a)
    services.person_mark_distinct(user=user, first=a, second=b)
    pair = PersonDistinct.objects.get()
    assert (pair.first_id, pair.second_id, pair.decided_by) == (min(a.pk, b.pk), max(a.pk, b.pk), user)
    with pytest.raises(ValidationError):
        services.person_mark_distinct(user=user, first=a, second=a)
    with pytest.raises(PermissionDenied):
        services.person_mark_distinct(user=officer(CHI_LANG), first=a, second=b)


# --- Cards --------------------------------------------------------------------------------------


def test_a_card_is_linked_to_its_holder_by_id_or_by_name_in_the_household():
    user = officer(HUU_LUNG)
    household = register(user)
    by_id = services.card_save(user=user, commune=commune(), card_number="HN2200000000001",
                               holder_name="Lương Văn Hải", holder_id_number="020080000111",
                               beneficiary_group="poor", issued_on=dt.date(2022, 1, 10))
    assert by_id.person == household.head
    by_name = services.card_save(user=user, commune=commune(), card_number="HN2200000000002",
                                 holder_name="nong thi mai", household=household,
                                 beneficiary_group="poor", issued_on=dt.date(2022, 1, 10))
    assert by_name.person.full_name == "Nông Thị Mai"
    unknown = services.card_save(user=user, commune=commune(), card_number="HN2200000000003",
                                 holder_name="Sầm Văn Khải", beneficiary_group="other",
                                 issued_on=dt.date(2022, 1, 10))
    assert unknown.person is None


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"holder_id_number": "020080000111", "holder_name": "Hoàng Văn Hải"}, "holder_id_number"),
        ({"holder_id_number": "003080000111"}, "holder_id_number"),
        ({"issued_on": TODAY + dt.timedelta(days=1)}, "issued_on"),
        ({"household": "chi_lang"}, "household"),
    ],
)
def test_a_card_is_refused_when_its_holder_or_dates_do_not_fit(changes, field):
    user = officer(HUU_LUNG)
    register(user)
    values = {"card_number": "HN2200000000009", "holder_name": "Lương Văn Hải",
              "beneficiary_group": "poor", "issued_on": dt.date(2022, 1, 10), **changes}
    if values.get("household") == "chi_lang":
        values["household"] = HouseholdFactory(commune_id=CHI_LANG)
    with pytest.raises(ValidationError) as error:
        services.card_save(user=user, commune=commune(), **values)
    assert field in error.value.message_dict
    assert not InsuranceCard.objects.exists()


def test_an_id_held_in_another_commune_is_not_named_to_an_officer_who_cannot_see_that_person():
    PersonFactory(full_name="Lương Văn Hải", sex="male", birth_date=dt.date(1980, 2, 3), id_number="020080000111")
    with pytest.raises(ValidationError) as error:
        register(officer(CHI_LANG), code="CL-100", commune_code=CHI_LANG, members=[
            MemberData(PersonData("Hoàng Văn Hải", sex="male", id_number="020080000111"), "head"),
        ])
    assert "Lương" not in error.value.message_dict["id_number"][0]
    assert "Hoàng Văn Hải" in error.value.message_dict["id_number"][0]


def test_a_review_of_a_year_not_yet_begun_is_refused():
    with pytest.raises(ValidationError) as error:
        services.review_save(user=officer(HUU_LUNG), household=HouseholdFactory(), review_year=TODAY.year + 1,
                             income_per_capita_vnd=1_000_000, deprivations=[])
    assert "review_year" in error.value.message_dict
