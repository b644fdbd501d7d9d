"""One citizen ID, one person, across the whole file (contract.md "Import", "People": a row
with an ID number links to the person with that ID, the names agreeing, or creates one; IDs
are unique).

Within a file one row may give a new ID to a person already recorded without one (a head, or a
member found by household, name and birth date) while another row creates a new person with
that ID, or gives it to yet another recorded person. Such a second row is a problem of its own,
named with its row and column, and nothing is saved; the same whether both rows fall in one
chunk or in two. Rows that name the same person by the same ID and name still import."""

import datetime as dt

import pytest

from tests.factories import HUU_LUNG, HouseholdFactory, MemberFactory, PersonFactory
from welfare.households.models import Household, Member, Person

from .helpers import run_command, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HH = ["household_code", "commune_code", "head_name", "area_type", "head_id_number"]
MEM = ["household_code", "full_name", "relation", "sex", "birth_date", "id_number"]
# 020 (Lạng Sơn), 0 a man / 1 a woman of the 1900s, the birth year, a serial.
AN_ID = "020085000123"  # a man born in 1985
MAI_ID = "020187000456"  # a woman born in 1987
AN = "Nguyễn Văn An"
MAI = "Hoàng Thị Mai"
MAI_BORN = dt.date(1987, 5, 12)


@pytest.fixture(params=["one chunk", "a chunk per row"])
def chunks(request, monkeypatch):
    """The file's rows in one chunk, or each row in its own chunk: the outcome must not differ."""
    if request.param == "a chunk per row":
        from welfare.imports import engine

        monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    return request.param


def _an():
    return PersonFactory(full_name=AN, sex="male", birth_date=dt.date(1985, 1, 1), id_number=None)


def _mai():
    return PersonFactory(full_name=MAI, sex="female", birth_date=MAI_BORN, id_number=None)


def conflict(row: int, column: str, first: int) -> str:
    return (f"row {row}, column {column}: This citizen ID is already given to another person in "
            f"row {first}.")


def _nothing_saved(id_number: str, people: int):
    assert not Person.objects.filter(id_number=id_number).exists()
    assert Person.objects.count() == people


# --- households -------------------------------------------------------------------------------


def test_two_heads_recorded_without_id_cannot_both_get_it(tmp_path, chunks):
    HouseholdFactory(code="HL-1", head_member=_an())
    HouseholdFactory(code="HL-2", head_member=_an())  # another man of the same name
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-1", HUU_LUNG, AN, "rural", AN_ID],
        ["HL-2", HUU_LUNG, AN, "rural", AN_ID],
    ])
    assert run_command("households", path) == (1, [conflict(2, "head_id_number", 1)])
    _nothing_saved(AN_ID, 2)


def test_a_new_head_then_a_recorded_head_given_the_same_id(tmp_path, chunks):
    HouseholdFactory(code="HL-1", head_member=_an())
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-9", HUU_LUNG, AN, "rural", AN_ID],  # creates a person with the ID
        ["HL-1", HUU_LUNG, AN, "rural", AN_ID],  # gives it to the head recorded without one
    ])
    assert run_command("households", path) == (1, [conflict(2, "head_id_number", 1)])
    _nothing_saved(AN_ID, 1)
    assert not Household.objects.filter(code="HL-9").exists()


def test_a_head_given_an_id_then_a_new_head_of_another_name_with_it(tmp_path, chunks):
    HouseholdFactory(code="HL-1", head_member=_an())
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-1", HUU_LUNG, AN, "rural", AN_ID],
        ["HL-9", HUU_LUNG, "Trần Văn Bình", "rural", AN_ID],
    ])
    assert run_command("households", path) == (
        1, [f"row 2, column head_id_number: This citizen ID belongs to {AN}, not to Trần Văn Bình."]
    )
    _nothing_saved(AN_ID, 1)


def test_a_head_given_an_id_then_named_by_it_as_the_head_of_a_new_household(tmp_path, chunks):
    """The same ID and name: the same person, who now heads both households."""
    an = _an()
    HouseholdFactory(code="HL-1", head_member=an)
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-1", HUU_LUNG, AN, "rural", AN_ID],
        ["HL-9", HUU_LUNG, "Nguyen Van An", "rural", AN_ID],
    ])
    assert run_command("households", path) == (0, ["imported 2 households"])
    an.refresh_from_db()
    assert an.id_number == AN_ID and Person.objects.count() == 1
    assert Household.objects.get(code="HL-9").head == an
    assert Member.objects.filter(person=an, relation="head").count() == 2


def test_a_head_of_two_households_given_two_ids(tmp_path, chunks):
    an = _an()
    HouseholdFactory(code="HL-1", head_member=an)
    HouseholdFactory(code="HL-2", head_member=an)
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-1", HUU_LUNG, AN, "rural", AN_ID],
        ["HL-2", HUU_LUNG, AN, "rural", "020085000124"],
    ])
    assert run_command("households", path) == (1, [
        f"row 2, column head_id_number: The household's head is {AN} with another citizen ID: "
        "the head is changed on the household's page."
    ])
    an.refresh_from_db()
    assert an.id_number is None


def test_a_head_of_two_households_given_the_same_id_twice(tmp_path, chunks):
    an = _an()
    HouseholdFactory(code="HL-1", head_member=an)
    HouseholdFactory(code="HL-2", head_member=an)
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-1", HUU_LUNG, AN, "rural", AN_ID],
        ["HL-2", HUU_LUNG, AN, "urban", AN_ID],
    ])
    assert run_command("households", path) == (0, ["imported 2 households"])
    an.refresh_from_db()
    assert an.id_number == AN_ID and Person.objects.count() == 1


def test_two_new_households_naming_one_new_head(tmp_path, chunks):
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-8", HUU_LUNG, AN, "rural", AN_ID],
        ["HL-9", HUU_LUNG, AN, "urban", AN_ID],
    ])
    assert run_command("households", path) == (0, ["imported 2 households"])
    an = Person.objects.get(id_number=AN_ID)
    assert Person.objects.count() == 1
    assert {h.code for h in Household.objects.filter(head=an)} == {"HL-8", "HL-9"}


def test_two_new_households_naming_one_new_id_for_two_names(tmp_path, chunks):
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-8", HUU_LUNG, AN, "rural", AN_ID],
        ["HL-9", HUU_LUNG, "Trần Văn Bình", "rural", AN_ID],
    ])
    assert run_command("households", path) == (
        1, [f"row 2, column head_id_number: This citizen ID belongs to {AN}, not to Trần Văn Bình."]
    )
    _nothing_saved(AN_ID, 0)


# --- members ----------------------------------------------------------------------------------


def _with_mai(code: str) -> Person:
    household = HouseholdFactory(code=code)
    mai = _mai()
    MemberFactory(household=household, person=mai, relation="spouse")
    return mai


def test_two_members_recorded_without_id_cannot_both_get_it(tmp_path, chunks):
    _with_mai("HL-1")
    _with_mai("HL-2")  # another woman of the same name and birth date
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", MAI, "spouse", "female", "1987-05-12", MAI_ID],
        ["HL-2", MAI, "spouse", "female", "1987-05-12", MAI_ID],
    ])
    assert run_command("members", path) == (1, [conflict(2, "id_number", 1)])
    _nothing_saved(MAI_ID, 4)


def test_a_member_given_an_id_then_a_new_member_of_another_name_with_it(tmp_path, chunks):
    _with_mai("HL-1")
    HouseholdFactory(code="HL-2")
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", MAI, "spouse", "female", "1987-05-12", MAI_ID],
        ["HL-2", "Lê Thị Lan", "child", "female", "", MAI_ID],
    ])
    assert run_command("members", path) == (
        1, [f"row 2, column id_number: This citizen ID belongs to {MAI}, not to Lê Thị Lan."]
    )
    _nothing_saved(MAI_ID, 3)
    assert Member.objects.count() == 3


def test_a_new_member_then_a_recorded_member_given_the_same_id(tmp_path, chunks):
    _with_mai("HL-1")
    HouseholdFactory(code="HL-2")
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-2", MAI, "spouse", "female", "1987-05-12", MAI_ID],  # creates a person with the ID
        ["HL-1", MAI, "spouse", "female", "1987-05-12", MAI_ID],  # gives it to the recorded Mai
    ])
    assert run_command("members", path) == (1, [conflict(2, "id_number", 1)])
    _nothing_saved(MAI_ID, 3)
    assert Member.objects.count() == 3


def test_a_head_given_an_id_by_a_members_row_and_listed_in_another_household(tmp_path, chunks):
    """The head of HL-1, recorded without an ID, gets it from the head row and is also listed
    as a parent in HL-2 by the same ID and name: one person, two households."""
    an = _an()
    HouseholdFactory(code="HL-1", head_member=an)
    HouseholdFactory(code="HL-2")
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", AN, "head", "male", "1985-01-01", AN_ID],
        ["HL-2", AN, "parent", "male", "", AN_ID],
    ])
    assert run_command("members", path) == (0, ["imported 2 members"])
    an.refresh_from_db()
    assert an.id_number == AN_ID and Person.objects.count() == 2
    assert Member.objects.get(household__code="HL-2", person=an).relation == "parent"
    assert Household.objects.get(code="HL-1").head == an


def test_a_member_of_two_households_then_another_id_in_the_second(tmp_path, chunks):
    """Once Mai has her ID, a row of her second household with another ID and her name and
    birth date is about another woman (the member key is household + ID): a new person."""
    mai = _with_mai("HL-1")
    MemberFactory(household=HouseholdFactory(code="HL-2"), person=mai, relation="parent")
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", MAI, "spouse", "female", "1987-05-12", MAI_ID],
        ["HL-2", MAI, "child", "female", "1987-05-12", "020187000457"],
    ])
    assert run_command("members", path) == (0, ["imported 2 members"])
    mai.refresh_from_db()
    assert mai.id_number == MAI_ID
    assert mai.memberships.get(household__code="HL-2").relation == "parent"
    other = Person.objects.get(id_number="020187000457")
    assert other.memberships.get().household.code == "HL-2"


def test_the_head_of_a_second_household_given_an_id_then_named_head_with_another(tmp_path, chunks):
    mai = _with_mai("HL-1")
    HouseholdFactory(code="HL-2", head_member=mai)
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", MAI, "spouse", "female", "1987-05-12", MAI_ID],
        ["HL-2", MAI, "head", "female", "", "020187000457"],
    ])
    assert run_command("members", path) == (1, [
        f"row 2, column relation: The household's head is {MAI}: the head is changed on the "
        "household's page."
    ])
    mai.refresh_from_db()
    assert mai.id_number is None


def test_a_member_of_two_households_given_the_same_id_twice(tmp_path, chunks):
    mai = _with_mai("HL-1")
    MemberFactory(household=HouseholdFactory(code="HL-2"), person=mai, relation="parent")
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", MAI, "spouse", "female", "1987-05-12", MAI_ID],
        ["HL-2", MAI, "parent", "female", "", MAI_ID],
    ])
    assert run_command("members", path) == (0, ["imported 2 members"])
    mai.refresh_from_db()
    assert mai.id_number == MAI_ID and mai.memberships.count() == 2


def test_two_new_members_naming_one_new_person(tmp_path, chunks):
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    path = write(tmp_path, "tv.csv", [
        MEM,
        ["HL-1", MAI, "spouse", "female", "1987-05-12", MAI_ID],
        ["HL-2", MAI, "child", "female", "", MAI_ID],
    ])
    assert run_command("members", path) == (0, ["imported 2 members"])
    mai = Person.objects.get(id_number=MAI_ID)
    assert Person.objects.count() == 3 and mai.memberships.count() == 2


@pytest.mark.parametrize(
    ("kind", "header", "row"),
    [
        ("insurance_cards", ["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on",
                             "holder_id_number"],
         ["HN4201234567890", "Lăng Văn Bảy", HUU_LUNG, "poor", "2022-03-01", MAI_ID]),
        ("job_placements", ["commune_code", "worker_name", "channel", "placed_on", "worker_id_number"],
         [HUU_LUNG, "Lăng Văn Bảy", "other", "2022-03-01", MAI_ID]),
    ],
)
def test_an_officer_is_not_told_the_name_behind_another_communes_id(tmp_path, kind, header, row):
    """Personal data (Decree 356/2025/NĐ-CP): a row giving the ID of someone of another commune
    with another name is refused without naming that person to the officer; an admin is told."""
    from tests.factories import CHI_LANG, officer

    from .helpers import run_as

    PersonFactory(full_name=MAI, commune_id=CHI_LANG, id_number=MAI_ID, sex="female", birth_date=MAI_BORN)
    path = write(tmp_path, f"{kind}.csv", [header, row])
    ok, lines = run_as(officer(HUU_LUNG), kind, path)
    assert not ok and len(lines) == 1 and "_id_number" in lines[0]
    assert MAI not in lines[0] and "Lăng Văn Bảy" in lines[0]
    status, lines = run_command(kind, path)
    assert status == 1 and MAI in lines[0]
