"""Keys, updates and the rules of each kind: households and heads, members, poverty reviews,
insurance cards, plans."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    HouseholdFactory,
    InsuranceCardFactory,
    PersonFactory,
    PlanFactory,
    PovertyReviewFactory,
    head,
    officer,
)
from welfare.households.models import Household, InsuranceCard, Member, Person, PovertyReview
from welfare.reports.models import Plan

from .helpers import run_as, run_command, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HH = ["household_code", "commune_code", "head_name", "area_type", "village", "address", "head_id_number"]
# 020 (Lạng Sơn), 0 (a man of the 1900s), 85 (born 1985), serial.
HEAD_ID = "020085000123"


# --- households -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_reimport_updates_by_key_and_keeps_history_and_blank_cells(tmp_path, name):
    first = write(tmp_path, name, [HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", "Thôn A", "Số 1", HEAD_ID]])
    assert run_command("households", first)[0] == 0
    household = Household.objects.get(code="HL-1")
    assert household.head.id_number == HEAD_ID and household.version == 1
    second = write(tmp_path, "2" + name, [HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "urban", "Thôn B", None, None]])
    assert run_command("households", second) == (0, ["imported 1 households"])
    household.refresh_from_db()
    assert (household.area_type, household.village, household.address) == ("urban", "Thôn B", "Số 1")
    assert household.version == 2
    assert Household.objects.count() == 1 and Member.objects.count() == 1 and Person.objects.count() == 1
    assert [h.area_type for h in household.history.order_by("history_id")] == ["rural", "urban"]


def test_a_reimported_household_with_another_head_is_refused(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An", id_number=HEAD_ID,
                                                            birth_date=dt.date(1985, 1, 1)))
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", "", "", "020085000999"],
        ["HL-1b", HUU_LUNG, "Trần Văn Bình", "rural", "", "", HEAD_ID],
    ])
    status, lines = run_command("households", path)
    assert status == 1
    assert lines[0].startswith("row 1, column head_id_number: The household's head is Nguyễn Văn An")
    assert lines[1] == ("row 2, column head_id_number: This citizen ID belongs to Nguyễn Văn An, "
                        "not to Trần Văn Bình.")


def test_a_household_head_named_otherwise_is_refused(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    path = write(tmp_path, "ho.csv", [HH, ["HL-1", HUU_LUNG, "Lê Văn Cường", "rural", "", "", ""]])
    status, lines = run_command("households", path)
    assert status == 1 and lines[0].startswith("row 1, column head_name: The household's head is Nguyễn Văn An")


def test_a_household_head_with_a_known_id_links_to_that_person(tmp_path):
    person = PersonFactory(full_name="Nguyễn Văn An", id_number=HEAD_ID, birth_date=dt.date(1985, 3, 1))
    path = write(tmp_path, "ho.csv", [HH, ["HL-5", HUU_LUNG, "Nguyen Van An", "rural", "", "", HEAD_ID]])
    assert run_command("households", path)[0] == 0
    assert Household.objects.get(code="HL-5").head == person
    assert Person.objects.count() == 1


def test_a_bad_head_id_is_refused(tmp_path):
    path = write(tmp_path, "ho.csv", [HH, ["HL-5", HUU_LUNG, "Nguyễn Văn An", "rural", "", "", "12345"]])
    assert run_command("households", path) == (
        1, ["row 1, column head_id_number: A citizen ID has exactly 12 digits."]
    )


# --- members --------------------------------------------------------------------------------

MEM = ["household_code", "full_name", "relation", "sex", "birth_date", "id_number", "ethnicity"]


def test_members_are_added_then_updated_by_id_or_by_name_and_birth_date(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    path = write(tmp_path, "tv.xlsx", [
        MEM,
        ["HL-1", "Hoàng Thị Mai", "spouse", "female", "12/05/1987", "020187000456", "Tày"],
        ["HL-1", "Nguyễn Văn Bình", "child", "male", dt.date(2010, 9, 1), None, "Tày"],
    ])
    assert run_command("members", path) == (0, ["imported 2 members"])
    household = Household.objects.get(code="HL-1")
    assert household.members.count() == 3
    mai = Person.objects.get(id_number="020187000456")
    assert mai.birth_date == dt.date(1987, 5, 12) and mai.commune_id == HUU_LUNG and mai.name_folded == "hoang thi mai"
    again = write(tmp_path, "tv2.csv", [
        MEM,
        ["HL-1", "Hoàng Thị Mai", "other", "", "", "020187000456", "Nùng"],
        ["HL-1", "Nguyen Van Binh", "grandchild", "", "2010-09-01", "", ""],
    ])
    assert run_command("members", again) == (0, ["imported 2 members"])
    assert household.members.count() == 3
    mai.refresh_from_db()
    assert mai.ethnicity == "Nùng" and mai.sex == "female" and mai.version == 2
    assert household.members.get(person__name_folded="nguyen van binh").relation == "grandchild"


def test_a_members_row_for_the_head_updates_the_head(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An", birth_date=None, sex=""))
    path = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Nguyễn Văn An", "head", "male", "1985-02-03", HEAD_ID, ""]])
    assert run_command("members", path) == (0, ["imported 1 members"])
    head_person = Household.objects.get(code="HL-1").head
    assert head_person.id_number == HEAD_ID and head_person.birth_date == dt.date(1985, 2, 3)
    assert Member.objects.filter(relation="head").count() == 1
    other = write(tmp_path, "tv2.csv", [MEM, ["HL-1", "Trần Văn Bình", "head", "male", "", "", ""]])
    status, lines = run_command("members", other)
    assert status == 1 and lines[0].startswith("row 1, column relation: The household's head is Nguyễn Văn An")


def test_a_member_id_that_disagrees_with_sex_or_birth_year_is_refused(tmp_path):
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Hoàng Thị Mai", "spouse", "female", "1990-01-01", "020187000456", ""]])
    status, lines = run_command("members", path)
    assert status == 1
    assert lines == ["row 1, column id_number: Digits 4 to 6 give the birth year 1987, but the person was born in 1990."]


def test_a_member_of_an_unknown_household(tmp_path):
    path = write(tmp_path, "tv.csv", [MEM, ["HL-404", "A", "child", "", "", "", ""]])
    assert run_command("members", path) == (1, ["row 1, column household_code: No household has the code HL-404."])


# --- poverty reviews --------------------------------------------------------------------------

RV = ["household_code", "review_year", "income_per_capita_vnd", "deprivations", "area_type", "result", "recognised_on"]


def test_reviews_are_computed_by_the_standard_of_the_review_year(tmp_path):
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    HouseholdFactory(code="HL-3")
    path = write(tmp_path, "rv.csv", [
        RV,
        ["HL-1", 2025, 1_500_000, "1;2;3", "", "poor", ""],
        ["HL-2", 2026, 1_500_000, "", "", "near_poor", ""],
        ["HL-3", 2021, 2_000_000, "1", "urban", "", ""],
    ])
    assert run_command("poverty_reviews", path) == (0, ["imported 3 poverty_reviews"])
    reviews = {r.household.code: r for r in PovertyReview.objects.select_related("household", "standard")}
    assert reviews["HL-1"].deprivation_count == 3 and reviews["HL-1"].status == "proposed"
    assert reviews["HL-2"].result == "near_poor"
    assert reviews["HL-3"].result == "near_poor" and reviews["HL-3"].area_type == "urban"


def test_a_given_result_must_equal_the_computed_one(tmp_path):
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2021, 1_500_001, "1;2;3", "", "poor", ""]])
    status, lines = run_command("poverty_reviews", path)
    assert status == 1
    assert lines[0].startswith("row 1, column result: The computed result is average")


def test_reimporting_a_review_updates_it(tmp_path):
    review = PovertyReviewFactory(household=HouseholdFactory(code="HL-1"), status="proposed",
                                  recognised_on=None, decision_number="")
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2021, 2_600_000, "", "", "", ""]])
    assert run_command("poverty_reviews", path)[0] == 0
    review.refresh_from_db()
    assert review.result == "not_poor" and review.deprivations == [] and review.version == 2


def test_bad_deprivations_are_named(tmp_path):
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2021, 1_000_000, "1;13", "", "", ""]])
    assert run_command("poverty_reviews", path) == (
        1, ["row 1, column deprivations: “13” is not an indicator number from 1 to 12."]
    )


# --- insurance cards --------------------------------------------------------------------------

CARD = ["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on", "valid_from",
        "valid_to", "holder_id_number", "household_code"]


def test_cards_link_their_holder_by_id_or_by_name_in_the_household(tmp_path):
    household = HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    known = PersonFactory(full_name="Lê Thị Hoa", id_number="020190000777", sex="female",
                          birth_date=dt.date(1990, 1, 1))
    path = write(tmp_path, "the.csv", [
        CARD,
        ["HN2202000000001", "Nguyễn Văn An", HUU_LUNG, "poor", "15/01/2022", "01/01/2022", "31/12/2022", "", "HL-1"],
        ["HN2202000000002", "Lê Thị Hoa", HUU_LUNG, "near_poor", "2022-01-15", "", "", "020190000777", ""],
        ["HN2202000000003", "Vi Văn Sáu", HUU_LUNG, "ethnic_minority", "2022-01-15", "", "", "", ""],
        ["HN2202000000004", "Hà Văn Bảy", HUU_LUNG, "other", "2022-01-15", "", "", "020070000888", ""],
    ])
    assert run_command("insurance_cards", path) == (0, ["imported 4 insurance_cards"])
    cards = {c.card_number[-1]: c for c in InsuranceCard.objects.all()}
    assert cards["1"].person == household.head and cards["1"].household == household
    assert cards["2"].person == known
    assert cards["3"].person is None and cards["3"].holder_name_folded == "vi van sau"
    assert cards["4"].person.id_number == "020070000888" and cards["4"].person.full_name == "Hà Văn Bảy"


def test_a_card_household_must_belong_to_the_row_commune_and_dates_in_order(tmp_path):
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "the.csv", [
        CARD,
        ["HN1", "A", CHI_LANG, "poor", "2022-01-15", "", "", "", "HL-1"],
        ["HN2", "B", HUU_LUNG, "poor", "2022-01-15", "2022-12-31", "2022-01-01", "", ""],
    ])
    status, lines = run_command("insurance_cards", path)
    assert status == 1
    assert lines == [
        f"row 1, column household_code: Household HL-1 belongs to commune {HUU_LUNG}, not to commune {CHI_LANG}.",
        "row 2, column valid_to: The card cannot be valid to a date before it is valid from.",
    ]


def test_reimporting_a_card_keeps_what_blank_cells_leave(tmp_path):
    card = InsuranceCardFactory(card_number="HN1", valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2022, 12, 31))
    path = write(tmp_path, "the.csv", [CARD, ["HN1", "Tên Mới", HUU_LUNG, "near_poor", "2022-02-01", "", "", "", ""]])
    assert run_command("insurance_cards", path)[0] == 0
    card.refresh_from_db()
    assert (card.holder_name, card.beneficiary_group, card.valid_to) == ("Tên Mới", "near_poor", dt.date(2022, 12, 31))
    assert card.holder_name_folded == "ten moi" and card.version == 2


# --- plans ----------------------------------------------------------------------------------

PLAN = ["province_code", "commune_code", "year", "indicator", "target"]


def test_plans_are_imported_by_heads_and_updated_by_key(tmp_path):
    PlanFactory(year=2026, indicator="new_jobs", target=16000)
    path = write(tmp_path, "kh.xlsx", [
        PLAN,
        [20, None, 2026, "new_jobs", 17000],
        [20, HUU_LUNG, 2026, "trained_labour_rate", 62.5],
        [20, CHI_LANG, 2026, "poverty_rate_reduction", "1,5"],
    ])
    assert run_as(head(20), "plans", path) == (True, ["imported 3 plans"])
    assert Plan.objects.get(commune=None, year=2026).target == Decimal("17000")
    assert Plan.objects.get(commune_id=HUU_LUNG).target == Decimal("62.5")
    assert Plan.objects.get(commune_id=CHI_LANG).target == Decimal("1.5")
    assert Plan.objects.count() == 3


def test_a_plan_commune_must_lie_in_its_province_and_heads_keep_to_theirs(tmp_path):
    path = write(tmp_path, "kh.csv", [
        PLAN,
        [20, HA_NOI_COMMUNE, 2026, "new_jobs", 100],
        [1, "", 2026, "new_jobs", 100],
        [20, "", 2026, "trained_labour_rate", 120],
    ])
    ok, lines = run_as(head(20), "plans", path)
    assert not ok
    assert lines == [
        "row 1, column commune_code: The commune does not lie in the province.",
        "row 2, column province_code: You set the plans of your own province only.",
        "row 3, column target: A rate target is a percentage between 0 and 100.",
    ]
    assert not Plan.objects.exists()


def test_officers_cannot_import_plans(tmp_path):
    path = write(tmp_path, "kh.csv", [PLAN, [20, HUU_LUNG, 2026, "new_jobs", 100]])
    ok, lines = run_as(officer(HUU_LUNG), "plans", path)
    assert not ok and lines == ["file: Only department heads import Plan targets."]
    assert not Plan.objects.exists()


def test_a_head_id_added_on_reimport_must_agree_with_the_head(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An", sex="male",
                                                            birth_date=dt.date(1990, 5, 1)))
    path = write(tmp_path, "ho.csv", [HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", "", "", HEAD_ID]])
    assert run_command("households", path) == (
        1, ["row 1, column head_id_number: Digits 4 to 6 give the birth year 1985, but the person "
            "was born in 1990."]
    )


def test_a_household_without_a_head_gets_the_one_a_members_file_names(tmp_path):
    household = HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    Member.objects.filter(household=household).delete()
    Household.objects.filter(pk=household.pk).update(head=None, head_name_folded="")
    path = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Lê Thị Hoa", "head", "female", "", "", ""],
                                      ["HL-1", "Lê Văn Tư", "head", "male", "", "", ""]])
    status, lines = run_command("members", path)
    assert status == 1 and lines == ["row 2, column relation: A household has exactly one head."]
    path = write(tmp_path, "tv2.csv", [MEM, ["HL-1", "Lê Thị Hoa", "head", "female", "", "", ""]])
    assert run_command("members", path) == (0, ["imported 1 members"])
    household.refresh_from_db()
    assert household.head.full_name == "Lê Thị Hoa" and household.head_name_folded == "le thi hoa"


def test_two_rows_creating_one_new_person_must_name_them_alike(tmp_path):
    path = write(tmp_path, "the.csv", [
        CARD,
        ["HN1", "Hà Văn Bảy", HUU_LUNG, "other", "2022-01-15", "", "", "020070000888", ""],
        ["HN2", "Ha Van Bay", HUU_LUNG, "other", "2022-01-15", "", "", "020070000888", ""],
        ["HN3", "Hà Văn Tám", HUU_LUNG, "other", "2022-01-15", "", "", "020070000888", ""],
    ])
    assert run_command("insurance_cards", path) == (
        1, ["row 3, column holder_id_number: This citizen ID belongs to Hà Văn Bảy, not to Hà Văn Tám."]
    )
