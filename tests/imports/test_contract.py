"""An adversarial reading of contract.md "Import", sentence by sentence: each test fails if the
engine deviates from a rule other programs rely on (output lines, exit codes, row numbers,
keys, scope, values)."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    HouseholdFactory,
    InsuranceCardFactory,
    PersonFactory,
    PovertyReviewFactory,
    admin,
    head,
    officer,
)
from welfare.households.models import Household, InsuranceCard, Member, Person, PovertyReview
from welfare.imports.models import ImportRun
from welfare.reports.models import Plan

from .helpers import csv_bytes, run_as, run_command, write, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HH = ["household_code", "commune_code", "head_name", "area_type"]
MEM = ["household_code", "full_name", "relation", "sex", "birth_date", "id_number"]
RV = ["household_code", "review_year", "income_per_capita_vnd", "deprivations", "recognised_on"]
CARD = ["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on",
        "holder_id_number", "household_code"]
PLAN = ["province_code", "commune_code", "year", "indicator", "target"]


def chunked(monkeypatch, rows: int):
    from welfare.imports import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", rows)


# --- Row numbers, header, label row, blank lines -----------------------------------------------


def test_csv_blank_lines_of_every_shape_are_counted(tmp_path):
    path = tmp_path / "ho.csv"
    path.write_bytes(
        "household_code,commune_code,head_name,area_type\r\n"
        f"HL-1,{HUU_LUNG},An,rural\r\n"
        "\r\n"
        ",,,\r\n"
        " , ,  ,\r\n"
        f"HL-2,{HUU_LUNG},Bình,x\r\n".encode()
    )
    assert run_command("households", path) == (
        1, ["row 5, column area_type: “x” is not one of: rural, urban."]
    )


def test_a_csv_second_row_of_labels_is_a_data_row(tmp_path):
    """Only XLSX skips the template's label row: in a CSV row 1 is the line after the header."""
    from django.utils import translation

    from welfare.imports.registry import kind_for

    with translation.override("vi"):
        labels = [str(kind_for("households").by_column[k].label) for k in HH]
    path = write(tmp_path, "ho.csv", [HH, labels, ["HL-1", HUU_LUNG, "An", "mountain"]])
    status, lines = run_command("households", path)
    assert status == 1
    assert lines[0].startswith("row 1, column commune_code: ")
    assert lines[-1] == "row 2, column area_type: “mountain” is not one of: rural, urban."


def test_xlsx_label_row_only_in_the_second_row(tmp_path):
    """A labels row further down is a (bad) data row, counted like any other."""
    from django.utils import translation

    from welfare.imports.registry import kind_for

    with translation.override("vi"):
        labels = [str(kind_for("households").by_column[k].label) for k in HH]
    path = write(tmp_path, "ho.xlsx", [HH, ["HL-1", HUU_LUNG, "An", "rural"], labels])
    status, lines = run_command("households", path)
    assert status == 1 and lines[0].startswith("row 2, column commune_code: ")


def test_xlsx_rows_missing_from_the_sheet_are_blank_lines(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HH)
    sheet.append(["HL-1", HUU_LUNG, "An", "rural"])
    # Rows 3 to 6 do not exist in the sheet's XML at all.
    for column, value in enumerate(["HL-2", HUU_LUNG, "Bình", "x"], start=1):
        sheet.cell(row=7, column=column, value=value)
    path = tmp_path / "ho.xlsx"
    workbook.save(path)
    assert run_command("households", path) == (
        1, ["row 6, column area_type: “x” is not one of: rural, urban."]
    )


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_an_unknown_column_is_named_as_the_file_writes_it(tmp_path, name):
    path = write(tmp_path, name, [[*HH, "So_Dien_Thoai"], ["HL-1", HUU_LUNG, "An", "rural", "0912"]])
    assert run_command("households", path) == (1, ["header, column So_Dien_Thoai: unknown column"])


def test_every_missing_column_is_listed(tmp_path):
    path = write(tmp_path, "rv.csv", [["deprivations"], ["1"]])
    status, lines = run_command("poverty_reviews", path)
    assert status == 1
    assert lines == [
        "header, column household_code: missing column",
        "header, column review_year: missing column",
        "header, column income_per_capita_vnd: missing column",
    ]


def test_missing_and_unknown_columns_also_in_a_dry_run(tmp_path):
    path = write(tmp_path, "ho.csv", [["household_code", "x"], ["HL-1", "1"]])
    status, lines = run_command("households", path, "--dry-run")
    assert status == 1 and "header, column x: unknown column" in lines
    assert "header, column area_type: missing column" in lines


def test_output_lines_are_single_lines_even_for_a_database_refusal(tmp_path, monkeypatch):
    """A rule only the database keeps is reported as one line per problem, whatever the
    database's message spans (PostgreSQL adds a DETAIL line). The refusal is injected: every
    conflict a file can hold is now caught before the save (tests/imports/test_id_conflicts.py)."""
    from django.db import IntegrityError

    from welfare.households import imports

    def refuse(*args, **kwargs):
        raise IntegrityError(
            'duplicate key value violates unique constraint "x"\n'
            "DETAIL:  Key (code)=(HL-1) already exists."
        )

    monkeypatch.setattr(imports, "bulk_add", refuse)
    path = write(tmp_path, "ho.csv", [
        HH,
        ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural"],
        ["HL-2", HUU_LUNG, "Trần Văn Bình", "rural"],
    ])
    out = io.StringIO()
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("import_records", "households", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("row 1, column household_code: ")
    assert lines[0].endswith("DETAIL: Key (code)=(HL-1) already exists.")
    assert not Household.objects.exists()


# --- Values -------------------------------------------------------------------------------------


def test_xlsx_numbers_are_read_without_dot_zero_and_ids_keep_their_leading_zeros(tmp_path):
    path = write(tmp_path, "ho.xlsx", [
        [*HH, "village", "head_id_number"],
        [1234.0, float(HUU_LUNG), "Nguyễn Văn An", "rural", 5.0, 20085000123],
        ["HL-2", HUU_LUNG, "Lê Thị Hoa", "rural", None, 20185000456.0],
    ])
    assert run_command("households", path) == (0, ["imported 2 households"])
    first = Household.objects.get(code="1234")
    assert first.village == "5" and first.head.id_number == "020085000123"
    assert Household.objects.get(code="HL-2").head.id_number == "020185000456"
    cards = write(tmp_path, "the.xlsx", [
        CARD,
        [22020000001.0, "Nguyễn Văn An", HUU_LUNG, "poor", dt.date(2022, 1, 15), None, 1234],
    ])
    assert run_command("insurance_cards", cards) == (0, ["imported 1 insurance_cards"])
    card = InsuranceCard.objects.get()
    assert card.card_number == "22020000001" and card.household == first
    reviews = write(tmp_path, "rv.xlsx", [
        RV, [1234, 2025.0, 1500000.0, 4.0, None], ["HL-2", 2025, 1_500_001.0, None, None],
    ])
    assert run_command("poverty_reviews", reviews) == (0, ["imported 2 poverty_reviews"])
    review = PovertyReview.objects.get(household=first)
    assert review.income_per_capita_vnd == 1_500_000 and review.deprivations == [4]


def test_a_fraction_where_a_whole_number_is_wanted(tmp_path):
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "rv.xlsx", [RV, ["HL-1", 2025, 1500000.5, None, None]])
    assert run_command("poverty_reviews", path) == (
        1, ["row 1, column income_per_capita_vnd: “1500000.5” is not a whole number of VND."]
    )


def test_csv_separated_by_semicolons_with_a_bom(tmp_path):
    path = tmp_path / "rv.csv"
    HouseholdFactory(code="HL-1")
    path.write_bytes(
        "\ufeffhousehold_code;review_year;income_per_capita_vnd;deprivations\r\n"
        'HL-1;2025;1500000;"1;2;3"\r\n'.encode()
    )
    assert run_command("poverty_reviews", path) == (0, ["imported 1 poverty_reviews"])
    assert PovertyReview.objects.get().result == "poor"


def test_csv_with_bom_and_crlf_keeps_the_first_key(tmp_path):
    data = csv_bytes([HH, ["HL-1", HUU_LUNG, "An", "rural"]], bom=True).replace(b"\n", b"\r\n")
    path = tmp_path / "ho.csv"
    path.write_bytes(data)
    assert run_command("households", path) == (0, ["imported 1 households"])


def test_an_xlsx_saved_as_csv_name_is_still_read_and_a_renamed_csv_too(tmp_path):
    path = tmp_path / "ho.csv"
    path.write_bytes(xlsx_bytes([HH, ["HL-1", HUU_LUNG, "An", "rural"]]))
    assert run_command("households", path) == (0, ["imported 1 households"])


def test_future_issue_date_of_a_card_is_refused(tmp_path):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    path = write(tmp_path, "the.csv", [
        CARD,
        ["HN1", "An", HUU_LUNG, "poor", tomorrow.isoformat(), "", ""],
        ["HN2", "Bình", HUU_LUNG, "poor", dt.date.today().isoformat(), "", ""],
    ])
    assert run_command("insurance_cards", path) == (
        1, ["row 1, column issued_on: The date cannot be in the future."]
    )
    assert not InsuranceCard.objects.exists()


def test_a_future_date_in_an_xlsx_date_cell_is_refused_too(tmp_path):
    HouseholdFactory(code="HL-1")
    later = dt.datetime.combine(dt.date.today() + dt.timedelta(days=3), dt.time())
    path = write(tmp_path, "rv.xlsx", [RV, ["HL-1", dt.date.today().year, 1_000_000, None, later]])
    assert run_command("poverty_reviews", path) == (
        1, ["row 1, column recognised_on: The date cannot be in the future."]
    )


# --- Keys ---------------------------------------------------------------------------------------


def test_the_same_key_twice_names_both_rows_across_chunks(tmp_path, monkeypatch):
    chunked(monkeypatch, 2)
    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    path = write(tmp_path, "rv.csv", [
        RV,
        ["HL-1", 2024, 1_000_000, "", ""],
        ["HL-1", 2025, 1_000_000, "", ""],  # another year: another key
        ["HL-2", 2025, 1_000_000, "", ""],
        [],
        ["HL-1", 2024, 2_000_000, "", ""],
    ])
    assert run_command("poverty_reviews", path) == (
        1, ["row 5, column household_code: The same key as row 1: a record may appear only once "
            "in a file."]
    )
    assert not PovertyReview.objects.exists()


@pytest.mark.parametrize("kind,header,rows", [
    ("insurance_cards", CARD, [["HN1", "An", HUU_LUNG, "poor", "2022-01-15", "", ""],
                               ["HN1", "An", HUU_LUNG, "near_poor", "2022-01-15", "", ""]]),
    ("plans", PLAN, [[20, "", 2026, "new_jobs", 10], [20, "", 2026, "new_jobs", 12]]),
    ("members", MEM, [["HL-1", "Lê Thị Hoa", "spouse", "female", "", "020190000777"],
                      ["HL-1", "Lê Thị Hoà", "spouse", "female", "", "020190000777"]]),
    ("members", MEM, [["HL-1", "Lê Thị Hoa", "child", "female", "2010-01-02", ""],
                      ["HL-1", "Lê Thị Hoa", "child", "female", "02/01/2010", ""]]),
])
def test_the_same_key_twice_is_refused_for_every_kind(tmp_path, kind, header, rows):
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "f.csv", [header, *rows])
    status, lines = run_command(kind, path)
    assert status == 1
    assert lines == [f"row 2, column {header[0]}: The same key as row 1: a record may appear only "
                     "once in a file."]


def test_a_blank_line_between_two_rows_of_the_same_key(tmp_path):
    path = write(tmp_path, "ho.xlsx", [HH, ["HL-1", HUU_LUNG, "An", "rural"], [], [],
                                       ["HL-1", HUU_LUNG, "An", "urban"]])
    status, lines = run_command("households", path)
    assert status == 1 and lines == [
        "row 4, column household_code: The same key as row 1: a record may appear only once in a file."
    ]


def test_plans_key_includes_the_commune(tmp_path):
    path = write(tmp_path, "kh.csv", [PLAN, [20, "", 2026, "new_jobs", 10],
                                      [20, HUU_LUNG, 2026, "new_jobs", 2],
                                      [20, HUU_LUNG, 2027, "new_jobs", 3]])
    assert run_command("plans", path) == (0, ["imported 3 plans"])
    again = write(tmp_path, "kh2.csv", [PLAN, [20, HUU_LUNG, 2026, "new_jobs", 5]])
    assert run_command("plans", again) == (0, ["imported 1 plans"])
    assert Plan.objects.count() == 3
    assert Plan.objects.get(commune_id=HUU_LUNG, year=2026).target == 5


def test_the_command_imports_plans_as_an_admin(tmp_path):
    path = write(tmp_path, "kh.csv", [PLAN, [1, HA_NOI_COMMUNE, 2026, "new_jobs", 10]])
    assert run_command("plans", path) == (0, ["imported 1 plans"])


def test_unknown_references_are_refused(tmp_path):
    cards = write(tmp_path, "the.csv", [CARD, ["HN1", "An", HUU_LUNG, "poor", "2022-01-15", "", "HL-404"],
                                        ["HN2", "An", 99999, "poor", "2022-01-15", "", ""]])
    assert run_command("insurance_cards", cards) == (1, [
        "row 1, column household_code: No household has the code HL-404.",
        "row 2, column commune_code: No commune has the code 99999.",
    ])
    reviews = write(tmp_path, "rv.csv", [RV, ["HL-404", 2025, 1, "", ""]])
    assert run_command("poverty_reviews", reviews) == (
        1, ["row 1, column household_code: No household has the code HL-404."]
    )
    plans = write(tmp_path, "kh.csv", [PLAN, [99, "", 2026, "new_jobs", 1], [20, 99999, 2026, "new_jobs", 1]])
    assert run_command("plans", plans) == (1, [
        "row 1, column province_code: No province has the code 99.",
        "row 2, column commune_code: No commune has the code 99999.",
    ])


def test_a_reimported_household_may_not_move_commune(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="An"))
    path = write(tmp_path, "ho.csv", [HH, ["HL-1", CHI_LANG, "An", "rural"]])
    status, lines = run_command("households", path)
    assert status == 1 and lines[0].startswith("row 1, column commune_code: ")
    assert Household.objects.get(code="HL-1").commune_id == HUU_LUNG


# --- Who may import what ------------------------------------------------------------------------


def test_an_officer_cannot_import_members_reviews_or_cards_of_another_commune(tmp_path):
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    InsuranceCardFactory(card_number="HN-CL", commune_id=CHI_LANG)
    user = officer(HUU_LUNG)
    refusal = f"This record belongs to commune {CHI_LANG}, where you may not import."
    members = write(tmp_path, "tv.csv", [MEM, ["CL-1", "Lê Thị Hoa", "child", "", "", ""]])
    assert run_as(user, "members", members) == (False, [f"row 1, column household_code: {refusal}"])
    reviews = write(tmp_path, "rv.csv", [RV, ["CL-1", 2025, 1_000_000, "", ""]])
    assert run_as(user, "poverty_reviews", reviews) == (False, [f"row 1, column household_code: {refusal}"])
    cards = write(tmp_path, "the.csv", [
        CARD,
        ["HN-CL", "An", HUU_LUNG, "poor", "2022-01-15", "", ""],
        ["HN-2", "An", CHI_LANG, "poor", "2022-01-15", "", ""],
    ])
    assert run_as(user, "insurance_cards", cards) == (False, [
        f"row 1, column card_number: {refusal}",
        f"row 2, column commune_code: You do not work in commune {CHI_LANG}.",
    ])
    assert not Member.objects.filter(person__full_name="Lê Thị Hoa").exists()
    assert not PovertyReview.objects.exists()
    assert InsuranceCard.objects.get().commune_id == CHI_LANG


def test_a_head_cannot_import_into_another_province(tmp_path):
    HouseholdFactory(code="HN-1", commune_id=HA_NOI_COMMUNE)
    boss = head(20)
    refusal = f"This record belongs to commune {HA_NOI_COMMUNE}, where you may not import."
    reviews = write(tmp_path, "rv.csv", [RV, ["HN-1", 2025, 1_000_000, "", ""]])
    assert run_as(boss, "poverty_reviews", reviews) == (False, [f"row 1, column household_code: {refusal}"])
    plans = write(tmp_path, "kh.csv", [PLAN, [1, HA_NOI_COMMUNE, 2026, "new_jobs", 1]])
    assert run_as(boss, "plans", plans) == (False, ["row 1, column province_code: You set the plans of "
                                                    "your own province only."])


def test_an_officer_may_propose_a_review_over_a_proposed_one(tmp_path):
    review = PovertyReviewFactory(household=HouseholdFactory(code="HL-1"), review_year=2025,
                                  status="proposed", recognised_on=None, decision_number="")
    user = officer(HUU_LUNG)
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2025, 2_000_000, "", ""]])
    assert run_as(user, "poverty_reviews", path) == (True, ["imported 1 poverty_reviews"])
    review.refresh_from_db()
    assert review.status == "proposed" and review.recognised_on is None


def test_a_head_recognises_by_import_and_may_revise_a_recognised_review(tmp_path):
    review = PovertyReviewFactory(household=HouseholdFactory(code="HL-1"), review_year=2025)
    boss = head(20)
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2025, 2_000_000, "", "2026-01-05"]])
    assert run_as(boss, "poverty_reviews", path)[0]
    review.refresh_from_db()
    assert review.status == "recognised" and review.recognised_on == dt.date(2026, 1, 5)
    assert review.recognised_by == boss


# --- History and undo ---------------------------------------------------------------------------


def test_history_rows_name_the_importing_user_for_added_and_changed_records(tmp_path):
    kept = HouseholdFactory(code="HL-1", village="Cũ", head_member=PersonFactory(full_name="An"))
    user = officer(HUU_LUNG)
    path = write(tmp_path, "ho.csv", [[*HH, "village"], ["HL-1", HUU_LUNG, "An", "urban", "Mới"],
                                      ["HL-2", HUU_LUNG, "Bình", "rural", ""]])
    assert run_as(user, "households", path)[0]
    run = ImportRun.objects.get()
    added = Household.objects.get(code="HL-2")
    for record in (added, added.head, Member.objects.get(household=added)):
        entry = record.history.get()
        assert entry.history_type == "+" and entry.history_user == user
        assert entry.history_change_reason == run.history_reason
    latest = kept.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == user and latest.village == "Mới"
    reviews = write(tmp_path, "rv.csv", [RV, ["HL-2", 2025, 1_000_000, "", ""]])
    assert run_as(user, "poverty_reviews", reviews)[0]
    assert PovertyReview.objects.get().history.get().history_user == user
    cards = write(tmp_path, "the.csv", [CARD, ["HN1", "X", HUU_LUNG, "poor", "2022-01-15", "020070000888", ""]])
    assert run_as(user, "insurance_cards", cards)[0]
    assert InsuranceCard.objects.get().history.get().history_user == user
    assert Person.objects.get(id_number="020070000888").history.get().history_user == user


def test_plans_history_names_the_head(tmp_path):
    boss = head(20)
    path = write(tmp_path, "kh.csv", [PLAN, [20, "", 2026, "new_jobs", 10]])
    assert run_as(boss, "plans", path)[0]
    assert Plan.objects.get().history.get().history_user == boss


def test_undo_by_anyone_but_the_importer_or_an_admin_is_refused(tmp_path):
    from django.core.exceptions import PermissionDenied

    from welfare.imports.services import import_undo

    user = officer(HUU_LUNG)
    path = write(tmp_path, "ho.csv", [HH, ["HL-2", HUU_LUNG, "Lê Thị Hoa", "rural"]])
    assert run_as(user, "households", path)[0]
    run = ImportRun.objects.get()
    for other in (head(20), officer(HUU_LUNG, CHI_LANG)):
        with pytest.raises(PermissionDenied):
            import_undo(user=other, run=run)
    assert Household.objects.filter(code="HL-2").exists()
    # The command's imports (acting as an admin) are undone by an admin only.
    command_file = write(tmp_path, "ho2.csv", [HH, ["HL-3", HUU_LUNG, "Ba", "rural"]])
    assert run_command("households", command_file)[0] == 0
    command_run = ImportRun.objects.latest("pk")
    with pytest.raises(PermissionDenied):
        import_undo(user=user, run=command_run)
    import_undo(user=admin(), run=command_run)
    assert not Household.objects.filter(code="HL-3").exists()


def test_undo_of_a_plans_import_restores_the_old_target(tmp_path):
    from welfare.imports.services import import_undo

    boss = head(20)
    first = write(tmp_path, "kh.csv", [PLAN, [20, "", 2026, "new_jobs", 10]])
    assert run_as(boss, "plans", first)[0]
    second = write(tmp_path, "kh2.csv", [PLAN, [20, "", 2026, "new_jobs", 12], [20, "", 2027, "new_jobs", 1]])
    assert run_as(boss, "plans", second)[0]
    import_undo(user=boss, run=ImportRun.objects.latest("pk"))
    assert list(Plan.objects.values_list("year", "target")) == [(2026, 10)]


# --- Households and heads; people ---------------------------------------------------------------


def test_a_members_row_may_not_demote_the_head(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    head_person = Household.objects.get(code="HL-1").head
    same = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Nguyễn Văn An", "spouse", "", head_person.birth_date, ""]])
    status, lines = run_command("members", same)
    assert status == 1 and lines[0].startswith("row 1, column relation: This person is the household's head")
    # Without the birth date the key (household, name, no birth date) is another member: added.
    other = write(tmp_path, "tv2.csv", [MEM, ["HL-1", "Nguyễn Văn An", "child", "", "", ""]])
    assert run_command("members", other) == (0, ["imported 1 members"])
    household = Household.objects.get(code="HL-1")
    assert household.members.filter(relation="head").get().person == head_person
    assert household.members.count() == 2


def test_a_members_row_for_the_head_by_id_may_not_demote_them(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(
        full_name="Nguyễn Văn An", id_number="020085000123", birth_date=dt.date(1985, 1, 1)))
    path = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Nguyễn Văn An", "spouse", "", "", "020085000123"]])
    status, lines = run_command("members", path)
    assert status == 1 and lines[0].startswith("row 1, column relation: ")
    assert Member.objects.get().relation == "head"


def test_a_member_by_id_must_name_that_person(tmp_path):
    HouseholdFactory(code="HL-1")
    PersonFactory(full_name="Lê Thị Hoa", id_number="020190000777", sex="female", birth_date=dt.date(1990, 1, 1))
    path = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Lê Thị Hồng", "spouse", "", "", "020190000777"]])
    assert run_command("members", path) == (
        1, ["row 1, column id_number: This citizen ID belongs to Lê Thị Hoa, not to Lê Thị Hồng."]
    )
    good = write(tmp_path, "tv2.csv", [MEM, ["HL-1", "Le Thi Hoa", "spouse", "", "", "020190000777"]])
    assert run_command("members", good) == (0, ["imported 1 members"])
    assert Person.objects.filter(id_number="020190000777").count() == 1


def test_a_card_with_a_household_and_an_unknown_name_creates_no_person(tmp_path):
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    people = Person.objects.count()
    path = write(tmp_path, "the.csv", [CARD, ["HN1", "Người Lạ", HUU_LUNG, "poor", "2022-01-15", "", "HL-1"]])
    assert run_command("insurance_cards", path)[0] == 0
    card = InsuranceCard.objects.get()
    assert card.person is None and card.holder_name == "Người Lạ"
    assert Person.objects.count() == people


def test_a_review_year_no_standard_covers_is_refused(tmp_path):
    HouseholdFactory(code="HL-1")
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2015, 1_000_000, "", ""]])
    status, lines = run_command("poverty_reviews", path)
    assert status == 1 and lines[0].startswith("row 1, column review_year: ")


def test_review_area_type_defaults_to_the_households(tmp_path):
    HouseholdFactory(code="HL-1", area_type="urban")
    # 2,000,000 is at the urban line of Decree 07 and above the rural one.
    path = write(tmp_path, "rv.csv", [RV, ["HL-1", 2025, 2_000_000, "", ""]])
    assert run_command("poverty_reviews", path)[0] == 0
    review = PovertyReview.objects.get()
    assert review.area_type == "urban" and review.result == "near_poor"


# --- All or nothing; no query per row -----------------------------------------------------------


def test_a_problem_found_by_the_rules_in_the_last_chunk_undoes_the_earlier_chunks(tmp_path, monkeypatch):
    chunked(monkeypatch, 3)
    for n in range(1, 8):
        HouseholdFactory(code=f"HL-{n}")
    rows = [[f"HL-{n}", "Người {n}", "child", "", "", ""] for n in range(1, 8)]
    rows.append(["HL-404", "Người 8", "child", "", "", ""])
    path = write(tmp_path, "tv.csv", [MEM, *rows])
    members = Member.objects.count()
    people = Person.objects.count()
    assert run_command("members", path) == (1, ["row 8, column household_code: No household has "
                                                 "the code HL-404."])
    assert (Member.objects.count(), Person.objects.count()) == (members, people)
    from welfare.imports.models import ImportChange

    assert not ImportChange.objects.exists()
    assert not Person.history.filter(full_name__startswith="Người").exists()


def _import_queries(user, kind, rows, header, name="f.csv", chunk_rows=None):
    from welfare.imports.services import import_execute, import_run_create

    data = xlsx_bytes([header, *rows]) if name.endswith(".xlsx") else csv_bytes([header, *rows])
    run = import_run_create(user=user, kind=kind, file_name=name, chunks=[data], dry_run=False)
    with CaptureQueriesContext(connection) as queries:
        outcome = import_execute(run=run, chunk_rows=chunk_rows)
    assert outcome.ok, [p.line() for p in outcome.problems[:5]]
    if connection.vendor == "postgresql":
        return len(queries)
    # SQLite binds at most 999 parameters a statement, so Django splits a bulk INSERT or
    # UPDATE of many rows into several: those statements follow the database's limit, not
    # the rows. Reads (and savepoints) must not grow at all.
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith(("INSERT", "UPDATE")))


def _linear_in_chunks(counts: dict[int, int], chunk: int) -> None:
    """counts[rows] for rows = chunk, 2 chunks, 4 chunks: each chunk costs the same."""
    one, two, four = counts[chunk], counts[2 * chunk], counts[4 * chunk]
    per_chunk = two - one
    assert four - two == 2 * per_chunk, counts
    assert per_chunk <= 40, counts


@pytest.mark.parametrize("name", ["f.csv", "f.xlsx"])
def test_queries_grow_with_chunks_never_with_rows(name):
    """500 and 1,000 rows in one chunk cost the same queries; more chunks cost a fixed amount
    each; adding and updating alike, for every kind."""
    user = head(20)
    def households(n, start=0, area="rural"):
        return [[f"Q-{i}", HUU_LUNG, f"Chủ hộ {i}", area] for i in range(start, start + n)]

    single = {}
    for n, start in ((500, 0), (1000, 500)):
        single[n] = _import_queries(user, "households", households(n, start), HH, name)
    assert single[500] == single[1000]
    updates = {n: _import_queries(user, "households", households(n, start, "urban"), HH, name)
               for n, start in ((500, 0), (1000, 500))}
    # bulk_update_with_history writes 500 rows a statement (an UPDATE's cost grows with rows x
    # fields): 1,000 changed households are one UPDATE and one history INSERT more, no more.
    assert updates[1000] == updates[500] + 2 * (connection.vendor == "postgresql"), updates

    counts = {}
    for n, start in ((100, 2000), (200, 3000), (400, 4000)):
        counts[n] = _import_queries(user, "households", households(n, start), HH, name, chunk_rows=100)
    _linear_in_chunks(counts, 100)

    members = {n: _import_queries(user, "members", [[f"Q-{i}", f"Con {i}", "child", "male", "2010-01-01"]
                                                    for i in range(n)], MEM[:5], name) for n in (500,)}
    more = _import_queries(user, "members", [[f"Q-{i}", f"Con {i}", "child", "male", "2010-01-01"]
                                             for i in range(500, 1500)], MEM[:5], name)
    assert members[500] == more

    reviews = {n: _import_queries(user, "poverty_reviews", [[f"Q-{i}", 2025, 1_000_000, "1;2;3", "2025-12-01"]
                                                            for i in range(s, s + n)], RV, name)
               for n, s in ((500, 0), (1000, 500))}
    assert reviews[500] == reviews[1000]

    cards = {n: _import_queries(user, "insurance_cards", [[f"C{i}", f"Con {i}", HUU_LUNG, "poor", "2022-01-15",
                                                          "", f"Q-{i}"] for i in range(s, s + n)], CARD, name)
             for n, s in ((500, 0), (1000, 500))}
    assert cards[500] == cards[1000]
    # Updates of reviews, cards and members (fewer than 500 rows a chunk, one bulk_update each).
    review_updates = [_import_queries(user, "poverty_reviews", [[f"Q-{i}", 2025, 3_000_000, "", ""]
                                                                for i in range(s, s + n)], RV, name)
                      for n, s in ((200, 0), (400, 500))]
    assert review_updates[0] == review_updates[1]
    card_updates = [_import_queries(user, "insurance_cards", [[f"C{i}", f"Con {i}", HUU_LUNG, "near_poor",
                                                               "2022-01-15", "", f"Q-{i}"]
                                                              for i in range(s, s + n)], CARD, name)
                    for n, s in ((200, 0), (400, 500))]
    assert card_updates[0] == card_updates[1]
    member_updates = [_import_queries(user, "members", [[f"Q-{i}", f"Con {i}", "grandchild", "male", "2010-01-01"]
                                                        for i in range(s, s + n)], MEM[:5], name)
                      for n, s in ((200, 0), (400, 500))]
    assert member_updates[0] == member_updates[1]

    plans = {n: _import_queries(user, "plans", [[20, "", 1950 + i // 3, ["new_jobs", "trained_labour_rate",
                                                                       "poverty_rate_reduction"][i % 3], 1]
                                                for i in range(s, s + n)], PLAN, name)
             for n, s in ((50, 0), (100, 50))}
    assert plans[50] == plans[100]


# --- Streaming ----------------------------------------------------------------------------------


def _reader_peak(name: str, data: bytes) -> int:
    import tracemalloc

    from welfare.imports.readers import open_table

    stream = io.BytesIO(data)
    tracemalloc.start()
    table = open_table(name, stream)
    count = 0
    for _number, _cells in table.rows:
        count += 1
    table.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("name", ["big.csv", "big.xlsx"])
def test_reading_streams_memory_stays_flat(name):
    def make(n):
        rows = [HH] + [[f"HL-{i}", HUU_LUNG, "Nguyễn Văn An", "rural"] for i in range(n)]
        return xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)

    small, large = make(2_000), make(16_000)
    peak_small = _reader_peak(name, small)
    peak_large = _reader_peak(name, large)
    # Eight times the rows; the peak may not follow (a list of rows would).
    assert peak_large < peak_small * 2 + 2_000_000, (peak_small, peak_large)


def test_an_xlsx_whose_declared_dimension_is_wrong_is_read_whole(tmp_path):
    """Some programs write `<dimension ref="A1"/>` whatever the sheet holds; read-only openpyxl
    would then yield the header alone and the import would say `imported 0` for a full file."""
    import re
    import zipfile

    data = xlsx_bytes([HH, ["HL-1", HUU_LUNG, "An", "rural"], [], ["HL-2", HUU_LUNG, "Bình", "x"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', content)
                assert b'<dimension ref="A1"/>' in content
            target.writestr(item, content)
    path = tmp_path / "ho.xlsx"
    path.write_bytes(out.getvalue())
    assert run_command("households", path) == (
        1, ["row 3, column area_type: “x” is not one of: rural, urban."]
    )


def test_members_imported_without_ids_get_them_from_a_later_file(tmp_path):
    """The members key is household + citizen ID, else household + name + birth date: a row
    with an ID that no member of the household has yet is matched by name and birth date to a
    member recorded without an ID (filling it in), not added a second time."""
    HouseholdFactory(code="HL-1", head_member=PersonFactory(full_name="Nguyễn Văn An"))
    first = write(tmp_path, "tv.csv", [MEM, ["HL-1", "Hoàng Thị Mai", "spouse", "female", "1987-05-12", ""]])
    assert run_command("members", first) == (0, ["imported 1 members"])
    again = write(tmp_path, "tv2.csv", [MEM, ["HL-1", "Hoàng Thị Mai", "spouse", "female", "1987-05-12",
                                              "020187000456"]])
    assert run_command("members", again) == (0, ["imported 1 members"])
    household = Household.objects.get(code="HL-1")
    assert household.members.count() == 2
    assert household.members.get(relation="spouse").person.id_number == "020187000456"
    # A member of that name and birth date who has another ID is another person: added.
    other = write(tmp_path, "tv3.csv", [MEM, ["HL-1", "Hoàng Thị Mai", "spouse", "female", "1987-05-12",
                                              "020187000999"]])
    assert run_command("members", other)[0] == 0
    assert household.members.count() == 3
    # Undoing the fill-in import takes the ID back off the member, who stays.
    from welfare.imports.services import import_undo

    fill_in = ImportRun.objects.order_by("pk")[1]
    import_undo(user=admin(), run=ImportRun.objects.latest("pk"))
    import_undo(user=admin(), run=fill_in)
    assert household.members.count() == 2
    assert household.members.get(relation="spouse").person.id_number is None


def test_xlsx_computed_numbers_are_read_as_excel_shows_them(tmp_path):
    """A formula's cached value carries binary noise (1.1 * 3 = 3.3000000000000003; a money sum
    500000.00000000006): read to Excel's 15 significant digits, it is the number the officer
    sees, not a refusal."""
    HouseholdFactory(code="HL-1")
    reviews = write(tmp_path, "rv.xlsx", [RV, ["HL-1", 2025, 1_000_000.0000000001, None, None]])
    assert run_command("poverty_reviews", reviews) == (0, ["imported 1 poverty_reviews"])
    assert PovertyReview.objects.get().income_per_capita_vnd == 1_000_000
    plans = write(tmp_path, "kh.xlsx", [PLAN, [20, None, 2026, "trained_labour_rate", 1.1 * 3]])
    assert run_command("plans", plans) == (0, ["imported 1 plans"])
    assert str(Plan.objects.get().target) in ("3.3", "3.30")


CONTRACT_TABLE = {
    # kind: [(column, required, choices)] as contract.md's table writes them.
    "households": [("household_code", True, ()), ("commune_code", True, ()), ("head_name", True, ()),
                   ("area_type", True, ("rural", "urban")), ("village", False, ()),
                   ("address", False, ()), ("head_id_number", False, ())],
    "members": [("household_code", True, ()), ("full_name", True, ()),
                ("relation", True, ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")),
                ("sex", False, ("male", "female")), ("birth_date", False, ()), ("id_number", False, ()),
                ("ethnicity", False, ())],
    "poverty_reviews": [("household_code", True, ()), ("review_year", True, ()),
                        ("income_per_capita_vnd", True, ()), ("deprivations", False, ()),
                        ("area_type", False, ("rural", "urban")),
                        ("result", False, ("poor", "near_poor", "average", "not_poor")),
                        ("recognised_on", False, ())],
    "insurance_cards": [("card_number", True, ()), ("holder_name", True, ()), ("commune_code", True, ()),
                        ("beneficiary_group", True, ("poor", "near_poor", "meritorious", "social_protection",
                                                     "ethnic_minority", "other")),
                        ("issued_on", True, ()), ("valid_from", False, ()), ("valid_to", False, ()),
                        ("holder_id_number", False, ()), ("household_code", False, ())],
    "plans": [("province_code", True, ()), ("commune_code", False, ()), ("year", True, ()),
              ("indicator", True, ("new_jobs", "trained_labour_rate", "poverty_rate_reduction")),
              ("target", True, ())],
    "merit_beneficiaries": [("beneficiary_code", True, ()), ("full_name", True, ()), ("commune_code", True, ()),
                            ("category", True, ("a", "b", "c", "d", "dd", "e", "g", "h", "i", "k", "l", "m")),
                            ("relation", True, ("self", "parent", "spouse", "child", "carer")),
                            ("birth_date", False, ()), ("sex", False, ("male", "female")),
                            ("id_number", False, ())],
    "allowance_payments": [("beneficiary_code", True, ()), ("month", True, ()), ("amount_vnd", True, ()),
                           ("kind", True, ("monthly", "one_off")), ("paid_on", False, ())],
    "merit_dossiers": [("dossier_code", True, ()), ("commune_code", True, ()), ("applicant_name", True, ()),
                       ("kind", True, ("recognition", "allowance", "other")), ("received_on", True, ()),
                       ("status", True, ("received", "in_review", "approved", "rejected", "returned")),
                       ("decided_on", False, ())],
    "relief_distributions": [("round_code", True, ()), ("commune_code", True, ()),
                             ("cause", True, ("hunger", "disaster", "tet", "other")),
                             ("persons_covered", True, ()), ("distributed_on", True, ()),
                             ("household_code", False, ()), ("recipient_name", False, ()),
                             ("rice_kg", False, ()), ("cost_vnd", False, ())],
    "gifts": [("round_code", True, ()), ("commune_code", True, ()),
              ("recipient_group", True, ("poor_household", "social_protection", "elderly", "children",
                                         "meritorious", "worker", "other")),
              ("funding_source", True, ("central", "province", "district", "commune", "socialized")),
              ("recipient_name", True, ()), ("value_vnd", True, ()), ("given_on", True, ()),
              ("household_code", False, ())],
    "covid_support": [("commune_code", True, ()),
                      ("recipient_type", True, ("worker", "employer", "household_business", "other")),
                      ("recipient_name", True, ()), ("policy", True, ()), ("amount_vnd", True, ()),
                      ("approved_on", True, ())],
    "loans": [("loan_code", True, ()), ("commune_code", True, ()), ("borrower_name", True, ()),
              ("borrower_type", True, ("individual", "household_business", "business", "cooperative")),
              ("amount_vnd", True, ()), ("disbursed_on", True, ()), ("jobs", True, ()),
              ("term_months", False, ())],
    "job_placements": [("commune_code", True, ()), ("worker_name", True, ()),
                       ("channel", True, ("employment_fund", "socioeconomic_programme",
                                          "industrial_zone_outside_province", "labour_export", "service_centre",
                                          "other")),
                       ("placed_on", True, ()), ("employer", False, ()), ("worker_id_number", False, ())],
}
EVENT_DATES = {"issued_on", "distributed_on", "given_on", "paid_on", "received_on", "decided_on",
               "disbursed_on", "placed_on", "approved_on", "recognised_on"}


@pytest.mark.parametrize("kind", sorted(CONTRACT_TABLE))
def test_each_kind_has_exactly_the_contracts_columns(kind):
    from welfare.imports.registry import DATE, kind_for

    declared = kind_for(kind)
    assert [(c.key, c.required, tuple(sorted(c.choices))) for c in declared.columns] == [
        (key, required, tuple(sorted(choices))) for key, required, choices in CONTRACT_TABLE[kind]
    ]
    for column in declared.columns:
        if column.key in EVENT_DATES:
            assert column.type == DATE and column.event_date, column.key
    assert kind_for("plans").who == "heads_only"


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_an_empty_file_and_a_header_alone(tmp_path, name):
    empty = write(tmp_path, name, [])
    status, lines = run_command("households", empty)
    assert status == 1 and len(lines) == 1 and lines[0].startswith("file: ")
    header = write(tmp_path, "h" + name, [HH])
    assert run_command("households", header) == (0, ["imported 0 households"])
    assert run_command("households", header, "--dry-run") == (0, ["would import 0 households"])
