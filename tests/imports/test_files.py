"""The file rules of contract.md "Import": header, label row, blank lines, row numbers, values,
encodings, dry runs, and the command's exact output."""

import datetime as dt

import pytest

from tests.factories import HUU_LUNG
from welfare.households.models import Household, PovertyReview
from welfare.imports.models import ImportRun, RunStatus

from .helpers import run_command, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HEADER = ["household_code", "commune_code", "head_name", "area_type", "village"]


def household_rows(*codes, commune=HUU_LUNG):
    return [[code, commune, f"Nguyễn Văn {code}", "rural", "Thôn Đồng Tiến"] for code in codes]


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_a_good_file_imports_every_row_and_says_so(tmp_path, name):
    path = write(tmp_path, name, [HEADER, *household_rows("HL-1", "HL-2", "HL-3")])
    assert run_command("households", path) == (0, ["imported 3 households"])
    assert Household.objects.filter(code__startswith="HL-").count() == 3
    household = Household.objects.get(code="HL-2")
    assert household.head.full_name == "Nguyễn Văn HL-2"
    assert household.members.get().relation == "head"


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_one_bad_row_saves_nothing_and_names_the_row_and_column(tmp_path, name):
    rows = household_rows("HL-1", "HL-2", "HL-3")
    rows[1][3] = "mountain"
    path = write(tmp_path, name, [HEADER, *rows])
    status, lines = run_command("households", path)
    assert status == 1
    assert lines == ["row 2, column area_type: “mountain” is not one of: rural, urban."]
    assert not Household.objects.exists()
    assert ImportRun.objects.get().status == RunStatus.REFUSED


def test_every_problem_is_listed_one_line_each_in_row_order(tmp_path):
    rows = household_rows("HL-1", "HL-2", "HL-3", "HL-4")
    rows[0][1] = 99999
    rows[2][2] = ""
    rows[3][1] = "abc"
    path = write(tmp_path, "ho.csv", [HEADER, *rows])
    status, lines = run_command("households", path)
    assert status == 1
    assert lines == [
        "row 1, column commune_code: No commune has the code 99999.",
        "row 3, column head_name: A value is required.",
        "row 4, column commune_code: “abc” is not a whole number.",
    ]


def test_a_problem_in_a_late_chunk_rolls_back_the_early_chunks(tmp_path, settings):
    from welfare.imports import engine

    codes = [f"HL-{n}" for n in range(1, 8)]
    rows = household_rows(*codes)
    rows[6][3] = "?"
    path = write(tmp_path, "ho.csv", [HEADER, *rows])
    original = engine.CHUNK_ROWS
    engine.CHUNK_ROWS = 2
    try:
        status, lines = run_command("households", path)
    finally:
        engine.CHUNK_ROWS = original
    assert status == 1 and lines == ["row 7, column area_type: “?” is not one of: rural, urban."]
    assert not Household.objects.exists()


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_header_unknown_and_missing_columns(tmp_path, name):
    path = write(tmp_path, name, [["household_code", "head_name", "area_type", "phone"],
                                  ["HL-1", "A", "rural", "0912"]])
    status, lines = run_command("households", path)
    assert status == 1
    assert lines == ["header, column phone: unknown column", "header, column commune_code: missing column"]


def test_columns_in_any_order_and_optional_ones_absent(tmp_path):
    path = write(tmp_path, "ho.csv", [["area_type", "head_name", "commune_code", "household_code"],
                                      ["urban", "Lê Thị Hoa", HUU_LUNG, "HL-9"]])
    assert run_command("households", path) == (0, ["imported 1 households"])
    assert Household.objects.get(code="HL-9").area_type == "urban"


@pytest.mark.parametrize("name", ["ho.xlsx"])  # a CSV has no label row: see test_contract
def test_the_label_row_is_skipped_and_blank_lines_are_counted(tmp_path, name):
    from django.utils import translation

    from welfare.imports.registry import kind_for

    columns = kind_for("households").columns[:5]
    with translation.override("vi"):  # the template's labels, as the template writes them
        labels = [str(c.label) + (" *" if c.required else "") for c in columns]
    english = ["Household code", "Commune code", "Head of household", "Area (rural, urban)", "Village"]
    rows = household_rows("HL-1", "HL-2")
    rows[1][3] = "x"
    for label_row in (labels, english):
        path = write(tmp_path, name, [HEADER, label_row, rows[0], [None] * 5, [], rows[1]])
        status, lines = run_command("households", path)
        # Row 1 is HL-1; rows 2 and 3 are blank; HL-2 is row 4 (spreadsheet row 6).
        assert (status, lines) == (1, ["row 4, column area_type: “x” is not one of: rural, urban."])


def test_the_template_itself_imports_as_its_labels_are_skipped(tmp_path, client, login):
    from tests.factories import officer

    login(officer(HUU_LUNG))
    response = client.get("/imports/templates/households.xlsx")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header == ["household_code", "commune_code", "head_name", "area_type", "village",
                      "address", "head_id_number"]
    labels = [c.value for c in sheet[2]]
    assert len(labels) == 7 and labels[0].endswith("*")
    sheet.append(["HL-77", HUU_LUNG, "Hoàng Văn Nam", "rural", None, None, None])
    path = tmp_path / "template.xlsx"
    sheet.parent.save(path)
    assert run_command("households", path) == (0, ["imported 1 households"])


def test_dates_in_both_forms_and_xlsx_date_cells_and_numbers_without_dot_zero(tmp_path):
    from tests.factories import HouseholdFactory

    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    HouseholdFactory(code="HL-3")
    header = ["household_code", "review_year", "income_per_capita_vnd", "deprivations", "recognised_on"]
    path = write(tmp_path, "rv.xlsx", [
        header,
        ["HL-1", 2021, 1200000.0, "1;4;7", "2021-12-20"],
        ["HL-2", 2021.0, 1_400_000, 4, "20/12/2021"],
        ["HL-3", 2021, 2_100_000, None, dt.datetime(2021, 12, 21)],
    ])
    assert run_command("poverty_reviews", path) == (0, ["imported 3 poverty_reviews"])
    reviews = {r.household.code: r for r in PovertyReview.objects.select_related("household")}
    assert reviews["HL-1"].recognised_on == dt.date(2021, 12, 20) and reviews["HL-1"].result == "poor"
    assert reviews["HL-1"].income_per_capita_vnd == 1_200_000
    assert reviews["HL-2"].recognised_on == dt.date(2021, 12, 20) and reviews["HL-2"].deprivations == [4]
    assert reviews["HL-3"].recognised_on == dt.date(2021, 12, 21) and reviews["HL-3"].result == "average"


def test_a_bad_date_and_a_future_event_date(tmp_path):
    from tests.factories import HouseholdFactory

    HouseholdFactory(code="HL-1")
    HouseholdFactory(code="HL-2")
    future = (dt.date.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    path = write(tmp_path, "rv.csv", [
        ["household_code", "review_year", "income_per_capita_vnd", "recognised_on"],
        ["HL-1", 2021, "1200000", "31/02/2021"],
        ["HL-2", 2021, "1.200.000", future],
    ])
    status, lines = run_command("poverty_reviews", path)
    assert status == 1
    assert lines == [
        "row 1, column recognised_on: “31/02/2021” is not a date: write it as YYYY-MM-DD or dd/mm/yyyy.",
        "row 2, column recognised_on: The date cannot be in the future.",
    ]


def test_csv_with_bom_is_read(tmp_path):
    path = write(tmp_path, "ho.csv", [HEADER, *household_rows("HL-1")], bom=True)
    assert run_command("households", path) == (0, ["imported 1 households"])
    assert Household.objects.get(code="HL-1").village == "Thôn Đồng Tiến"


def test_a_csv_that_is_not_utf8_is_refused_with_what_to_do(tmp_path):
    path = write(tmp_path, "ho.csv", [HEADER, *household_rows("HL-1")], encoding="cp1252")
    status, lines = run_command("households", path)
    assert status == 1 and len(lines) == 1
    assert lines[0].startswith("file: ") and "CSV UTF-8" in lines[0]
    assert not Household.objects.exists()


def test_an_xls_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "ho.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    status, lines = run_command("households", path)
    assert status == 1 and len(lines) == 1
    assert lines[0].startswith("file: ") and ".xlsx" in lines[0]


@pytest.mark.parametrize("name", ["ho.csv", "ho.xlsx"])
def test_dry_run_saves_nothing_and_says_what_it_would_do(tmp_path, name):
    path = write(tmp_path, name, [HEADER, *household_rows("HL-1", "HL-2")])
    assert run_command("households", path, "--dry-run") == (0, ["would import 2 households"])
    assert not Household.objects.exists()
    assert ImportRun.objects.get().status == RunStatus.CHECKED


def test_dry_run_lists_problems_too(tmp_path):
    rows = household_rows("HL-1", "HL-2")
    rows[0][0] = ""
    path = write(tmp_path, "ho.csv", [HEADER, *rows])
    assert run_command("households", path, "--dry-run") == (
        1, ["row 1, column household_code: A value is required."]
    )


def test_the_same_key_twice_in_one_file_is_refused(tmp_path):
    path = write(tmp_path, "ho.csv", [HEADER, *household_rows("HL-1", "HL-2", "HL-1")])
    status, lines = run_command("households", path)
    assert status == 1
    assert lines == ["row 3, column household_code: The same key as row 1: a record may appear "
                     "only once in a file."]
    assert not Household.objects.exists()


def test_unknown_kind_and_missing_file(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="unknown kind 'houses'"):
        call_command("import_records", "houses", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="no file"):
        call_command("import_records", "households", str(tmp_path / "x.csv"))


def test_a_csv_broken_part_way_is_refused_whole(tmp_path):
    path = tmp_path / "ho.csv"
    # A field beyond the csv module's limit (131,072 characters) stops the reader on row 3.
    path.write_bytes(b"household_code,commune_code,head_name,area_type\nHL-1,6385,An,rural\n"
                     b'HL-2,6385,"' + b"x" * 200_000 + b'",rural\n')
    status, lines = run_command("households", path)
    assert status == 1 and len(lines) == 1 and lines[0].startswith("file: ")
    assert not Household.objects.exists()
