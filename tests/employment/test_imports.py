"""The imports of the employment app (contract.md, "Import"): loans, job_placements. Through the
command (as an admin) and as officers and heads (scoped)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from employment.models import Loan, LoanLimit, Placement
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    LoanFactory,
    PersonFactory,
    head,
    officer,
)
from tests.imports.helpers import run_as, run_command, write
from welfare.core.formatting import format_vnd
from welfare.households.models import Person
from welfare.imports.models import ImportRun, RunStatus
from welfare.imports.services import import_undo

pytestmark = pytest.mark.django_db

LOAN = ["loan_code", "commune_code", "borrower_name", "borrower_type", "amount_vnd", "disbursed_on", "jobs",
        "term_months"]
JOB = ["commune_code", "worker_name", "channel", "placed_on", "employer", "worker_id_number"]


@pytest.fixture(autouse=True)
def in_english():
    """Messages in the English source, so the assertions hold before and after the Vietnamese
    catalogue is merged."""
    with translation.override("en"):
        yield


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def basis(borrower_type: str, day: dt.date) -> str:
    return LoanLimit.objects.valid_on(day).get(borrower_type=borrower_type).legal_basis


# --- loans: adding, and the caps at their boundaries --------------------------------------------


def test_loans_import_with_the_rate_in_force_on_their_disbursement(tmp_path):
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, "Hoàng Văn Nam", "individual", "100.000.000", "2022-03-15", 1, 120],
        ["VV-2", CHI_LANG, "Công ty TNHH Bình Minh", "business", 2_000_000_000, "15/06/2023", 20, 60],
        ["VV-3", HUU_LUNG, "Hộ kinh doanh Lý Hùng", "household_business", 300_000_000, "2024-01-10", 3, ""],
        # Before Decree 74/2019 a worker borrowed up to 50 million; no lending rate is recorded then.
        ["VV-4", HUU_LUNG, "Vi Thị Tám", "individual", 50_000_000, "2018-05-02", 1, 36],
    ])
    assert run_command("loans", path) == (0, ["imported 4 loans"])
    loans = {loan.code: loan for loan in Loan.objects.all()}
    first = loans["VV-1"]
    assert (first.commune_id, first.borrower_type, first.amount_vnd, first.disbursed_on, first.jobs,
            first.term_months) == (HUU_LUNG, "individual", 100_000_000, dt.date(2022, 3, 15), 1, 120)
    assert first.borrower_folded == "hoang van nam" and first.repayment_status == "current"
    assert first.monthly_rate_percent == Decimal("0.660")
    assert loans["VV-3"].term_months is None
    assert loans["VV-4"].monthly_rate_percent is None
    assert first.person is None and first.version == 1
    assert first.history.get().history_change_reason == f"import {ImportRun.objects.get().pk}"


def test_each_cap_refuses_one_dong_above_it(tmp_path):
    today = dt.date(2022, 3, 15)
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, "Hoàng Văn Nam", "individual", 100_000_001, "2022-03-15", 1, 12],
        ["VV-2", HUU_LUNG, "Công ty A", "business", 2_000_000_001, "2022-03-15", 21, 12],
        ["VV-3", HUU_LUNG, "Hợp tác xã B", "cooperative", 300_000_001, "2022-03-15", 3, 12],
        ["VV-4", HUU_LUNG, "Lý Văn Hùng", "individual", 10_000_000, "2022-03-15", 1, 121],
        # The limit in force on the disbursement: in 2018 a worker borrowed up to 50 million.
        ["VV-5", HUU_LUNG, "Vi Thị Tám", "individual", 60_000_000, "2018-05-02", 1, 36],
    ])
    new, old = basis("individual", today), basis("individual", dt.date(2018, 5, 2))
    business = basis("business", today)
    assert run_command("loans", path) == (1, [
        f"row 1, column amount_vnd: Individual worker may borrow at most {format_vnd(100_000_000)} ({new}).",
        f"row 2, column amount_vnd: Small or medium enterprise may borrow at most {format_vnd(2_000_000_000)} "
        f"({business}).",
        f"row 3, column amount_vnd: At most {format_vnd(100_000_000)} per job created, maintained or expanded: "
        f"3 jobs allow at most {format_vnd(300_000_000)} ({basis('cooperative', today)}).",
        f"row 4, column term_months: The term may be at most 120 months ({new}).",
        f"row 5, column amount_vnd: Individual worker may borrow at most {format_vnd(50_000_000)} ({old}).",
    ])
    assert not Loan.objects.exists()


def test_a_business_loan_at_its_caps_and_per_job(tmp_path):
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, "Công ty A", "business", 2_000_000_000, "2022-03-15", 20, 120],
        ["VV-2", HUU_LUNG, "Hợp tác xã B", "cooperative", 300_000_000, "2022-03-15", 3, 120],
        # 2 billion with 19 jobs is above 19 × 100 million.
        ["VV-3", HUU_LUNG, "Công ty C", "business", 2_000_000_000, "2022-03-15", 19, 120],
    ])
    status, lines = run_command("loans", path)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith(
        f"row 3, column amount_vnd: At most {format_vnd(100_000_000)} per job"
    )
    fixed = write(tmp_path, "vay2.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, "Công ty A", "business", 2_000_000_000, "2022-03-15", 20, 120],
        ["VV-2", HUU_LUNG, "Hợp tác xã B", "cooperative", 300_000_000, "2022-03-15", 3, 120],
    ])
    assert run_command("loans", fixed) == (0, ["imported 2 loans"])
    # No collateral column: the loan's page asks for it (2 billion needs collateral).
    assert Loan.objects.get(code="VV-1").collateral == ""


def test_one_bad_loan_row_saves_nothing_and_every_problem_is_named(tmp_path):
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, "Hoàng Văn Nam", "individual", 50_000_000, "2022-03-15", 1, 36],
        [],
        ["VV-2", HUU_LUNG, "Lý Văn Hùng", "worker", 0, tomorrow(), 0, 36],
        ["VV-3", 999_999, "Vi Thị Tám", "individual", 0, "2022-03-15", 0, 0],
        ["VV-1", HUU_LUNG, "Hoàng Văn Nam", "individual", 50_000_000, "2022-03-15", 1, 36],
    ])
    status, lines = run_command("loans", path)
    assert status == 1
    assert lines == [
        "row 3, column borrower_type: “worker” is not one of: individual, household_business, business, "
        "cooperative.",
        "row 3, column disbursed_on: The date cannot be in the future.",
        "row 4, column commune_code: No commune has the code 999999.",
        "row 5, column loan_code: The same key as row 1: a record may appear only once in a file.",
    ]
    assert not Loan.objects.exists()
    zero = write(tmp_path, "vay2.csv", [LOAN, ["VV-3", HUU_LUNG, "Vi Thị Tám", "individual", 0, "2022-03-15", 0, 0]])
    assert run_command("loans", zero) == (1, [
        "row 1, column amount_vnd: Enter an amount above zero.",
        "row 1, column jobs: A loan creates, maintains or expands at least one job.",
        "row 1, column term_months: The term is at least one month.",
    ])


def test_a_future_disbursement_is_refused(tmp_path):
    path = write(tmp_path, "vay.csv", [LOAN, ["VV-1", HUU_LUNG, "An", "individual", 10_000_000, tomorrow(), 1, ""]])
    assert run_command("loans", path) == (1, ["row 1, column disbursed_on: The date cannot be in the future."])


def test_a_dry_run_checks_and_saves_nothing(tmp_path):
    kept = LoanFactory(code="VV-1", amount_vnd=50_000_000)
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, kept.borrower_name, "individual", 80_000_000, "2022-03-15", 1, ""],
        ["VV-2", HUU_LUNG, "Lý Văn Hùng", "individual", 20_000_000, "2022-03-15", 1, 24],
    ])
    assert run_command("loans", path, "--dry-run") == (0, ["would import 2 loans"])
    kept.refresh_from_db()
    assert kept.amount_vnd == 50_000_000 and Loan.objects.count() == 1
    bad = write(tmp_path, "vay2.csv", [LOAN, ["VV-2", HUU_LUNG, "B", "individual", 100_000_001, "2022-03-15", 1, ""]])
    status, lines = run_command("loans", bad, "--dry-run")
    assert status == 1 and lines[0].startswith("row 1, column amount_vnd: ")


# --- loans: updating by key ---------------------------------------------------------------------


def test_a_row_updates_the_loan_of_its_code_and_keeps_blank_cells(tmp_path):
    loan = LoanFactory(code="VV-1", borrower_name="Hoàng Văn Nam", amount_vnd=50_000_000, term_months=36,
                       purpose="Chăn nuôi lợn", monthly_rate_percent=Decimal("0.550"))
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, "Hoàng Văn  Nam", "individual", 80_000_000, "2022-03-20", 2, ""],
    ])
    assert run_command("loans", path) == (0, ["imported 1 loans"])
    loan.refresh_from_db()
    assert (loan.amount_vnd, loan.disbursed_on, loan.jobs, loan.term_months) == (
        80_000_000, dt.date(2022, 3, 20), 2, 36
    )
    # What the file has no column for stays, the typed rate too.
    assert (loan.purpose, loan.monthly_rate_percent, loan.version) == ("Chăn nuôi lợn", Decimal("0.550"), 2)
    assert ImportRun.objects.get().updated == 1
    # The same file again changes nothing.
    assert run_command("loans", path)[0] == 0
    loan.refresh_from_db()
    assert loan.version == 2 and ImportRun.objects.latest("pk").unchanged == 1


def test_an_update_is_checked_with_the_stored_values_it_keeps(tmp_path):
    # The stored term (120) is kept by a blank cell; a business with 2 jobs may borrow 200 million.
    LoanFactory(code="VV-1", borrower_type="business", amount_vnd=150_000_000, jobs=2, term_months=120)
    path = write(tmp_path, "vay.csv", [
        LOAN, ["VV-1", HUU_LUNG, "Công ty A", "business", 200_000_001, "2022-03-15", 2, ""],
    ])
    status, lines = run_command("loans", path)
    assert status == 1 and lines[0].startswith("row 1, column amount_vnd: At most ")
    # A repaid loan cannot be disbursed after its repayment.
    LoanFactory(code="VV-2", repayment_status="repaid", repaid_on=dt.date(2023, 1, 10))
    later = write(tmp_path, "vay2.csv", [LOAN, ["VV-2", HUU_LUNG, "B", "individual", 50_000_000, "2023-02-01", 1, ""]])
    assert run_command("loans", later) == (
        1, ["row 1, column disbursed_on: A loan cannot be repaid before it is disbursed."]
    )


def test_a_loan_does_not_move_to_another_commune_nor_change_its_borrower_by_id(tmp_path):
    LoanFactory(code="VV-1", borrower_name="Hoàng Văn Nam")
    LoanFactory(code="VV-2", borrower_name="Lý Văn Hùng", borrower_id_number="020090000123")
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", CHI_LANG, "Hoàng Văn Nam", "individual", 50_000_000, "2022-03-15", 1, ""],
        ["VV-2", HUU_LUNG, "Lý Văn Hải", "individual", 50_000_000, "2022-03-15", 1, ""],
    ])
    assert run_command("loans", path) == (1, [
        f"row 1, column commune_code: Loan VV-1 is recorded in commune {HUU_LUNG}: a loan does not move to "
        "another commune.",
        "row 2, column borrower_name: Loan VV-2 is recorded for Lý Văn Hùng with a citizen ID: the borrower is "
        "changed on the loan's page.",
    ])
    # Without a citizen ID, the borrower's name is corrected by the file.
    renamed = write(tmp_path, "vay2.csv", [LOAN, ["VV-1", HUU_LUNG, "Hoàng Văn Năm", "individual", 50_000_000,
                                                  "2022-03-15", 1, ""]])
    assert run_command("loans", renamed)[0] == 0
    loan = Loan.objects.get(code="VV-1")
    assert (loan.borrower_name, loan.borrower_folded) == ("Hoàng Văn Năm", "hoang van nam")


def test_an_officer_imports_loans_of_their_communes_only(tmp_path):
    LoanFactory(code="CL-1", commune_id=CHI_LANG, borrower_name="Vi Văn Sáu")
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["HL-1", HUU_LUNG, "Hoàng Văn Nam", "individual", 50_000_000, "2022-03-15", 1, 36],
        ["HL-2", CHI_LANG, "Lý Văn Hùng", "individual", 50_000_000, "2022-03-15", 1, 36],
        # A key stored in another commune, the row written for the officer's commune.
        ["CL-1", HUU_LUNG, "Vi Văn Sáu", "individual", 60_000_000, "2022-03-15", 1, 36],
        ["HN-1", HA_NOI_COMMUNE, "Người Hà Nội", "individual", 50_000_000, "2022-03-15", 1, 36],
    ])
    user = officer(HUU_LUNG)
    assert run_as(user, "loans", path) == (False, [
        f"row 2, column commune_code: You do not work in commune {CHI_LANG}.",
        f"row 3, column loan_code: This record belongs to commune {CHI_LANG}, where you may not import.",
        f"row 4, column commune_code: You do not work in commune {HA_NOI_COMMUNE}.",
    ])
    assert run_as(head(LANG_SON), "loans", path) == (False, [
        f"row 3, column commune_code: Loan CL-1 is recorded in commune {CHI_LANG}: a loan does not move to "
        "another commune.",
        f"row 4, column commune_code: Commune {HA_NOI_COMMUNE} is not in your province.",
    ])
    assert Loan.objects.count() == 1
    ok = write(tmp_path, "ok.csv", [LOAN, ["HL-1", HUU_LUNG, "Hoàng Văn Nam", "individual", 50_000_000,
                                           "2022-03-15", 1, 36]])
    assert run_as(user, "loans", ok) == (True, ["imported 1 loans"])
    assert Loan.objects.get(code="HL-1").history.get().history_user == user


def test_undo_restores_a_changed_loan_and_removes_the_added_ones(tmp_path):
    changed = LoanFactory(code="VV-1", amount_vnd=50_000_000, term_months=36)
    path = write(tmp_path, "vay.csv", [
        LOAN,
        ["VV-1", HUU_LUNG, changed.borrower_name, "individual", 90_000_000, "2022-03-15", 1, 48],
        ["VV-2", HUU_LUNG, "Lý Văn Hùng", "individual", 20_000_000, "2022-03-15", 1, 24],
    ])
    user = officer(HUU_LUNG)
    assert run_as(user, "loans", path)[0]
    run = ImportRun.objects.get()
    assert (run.added, run.updated) == (1, 1)
    import_undo(user=user, run=run)
    changed.refresh_from_db()
    assert (changed.amount_vnd, changed.term_months) == (50_000_000, 36)
    assert list(Loan.objects.values_list("code", flat=True)) == ["VV-1"]
    assert ImportRun.objects.get().status == RunStatus.UNDONE


def test_loans_are_checked_and_written_in_bulk(tmp_path):
    LoanFactory(code="OLD-0")

    def queries(n: int, prefix: str) -> int:
        rows = [[f"{prefix}-{i}", HUU_LUNG, f"Người {i}", "individual", 10_000_000, "2022-03-15", 1, 12]
                for i in range(n)]
        path = write(tmp_path, f"{prefix}.csv", [LOAN, ["OLD-0", HUU_LUNG, "X", "individual", 1_000_000,
                                                        "2022-03-15", 1, ""], *rows])
        with CaptureQueriesContext(connection) as captured:
            assert run_command("loans", path)[0] == 0
        return len(captured.captured_queries)

    assert queries(200, "B") < queries(10, "A") + 20


# --- job_placements -----------------------------------------------------------------------------


def test_placements_link_their_worker_by_id_or_create_the_person(tmp_path):
    known = PersonFactory(full_name="Lê Thị Hoa", id_number="020190000777", sex="female",
                          birth_date=dt.date(1990, 1, 1), commune_id=CHI_LANG)
    path = write(tmp_path, "vl.csv", [
        JOB,
        [HUU_LUNG, "Lê Thị Hoa", "industrial_zone_outside_province", "2022-04-01", "Công ty Điện tử", "020190000777"],
        [HUU_LUNG, "Hà Văn Bảy", "labour_export", "02/05/2022", "", "020070000888"],
        # The same new ID again: the same new person.
        [HUU_LUNG, "Ha Van Bay", "employment_fund", "2022-06-01", "", "020070000888"],
        [CHI_LANG, "Vi Văn Sáu", "service_centre", "2022-04-01", "", ""],
    ])
    assert run_command("job_placements", path) == (0, ["imported 4 job_placements"])
    by_name = {p.worker_name: p for p in Placement.objects.all()}
    first = by_name["Lê Thị Hoa"]
    assert (first.person, first.worker_id_number, first.employer, first.channel) == (
        known, "020190000777", "Công ty Điện tử", "industrial_zone_outside_province"
    )
    created = Person.objects.get(id_number="020070000888")
    assert (created.full_name, created.commune_id) == ("Hà Văn Bảy", HUU_LUNG)
    assert by_name["Hà Văn Bảy"].person == created and by_name["Ha Van Bay"].person == created
    # A worker known by name only keeps the name and makes no person.
    unnamed = by_name["Vi Văn Sáu"]
    assert (unnamed.person, unnamed.worker_id_number, unnamed.worker_folded) == (None, "", "vi van sau")
    assert Person.objects.count() == 2


def test_a_placement_id_of_someone_else_or_a_bad_row_saves_nothing(tmp_path):
    PersonFactory(full_name="Lê Thị Hoa", id_number="020190000777", sex="female", birth_date=dt.date(1990, 1, 1))
    path = write(tmp_path, "vl.csv", [
        JOB,
        [HUU_LUNG, "Hoàng Văn Nam", "labour_export", "2022-04-01", "", ""],
        [HUU_LUNG, "Lê Văn Hòa", "labour_export", "2022-04-01", "", "020190000777"],
        [HUU_LUNG, "Hà Văn Bảy", "abroad", tomorrow(), "", ""],
        [HUU_LUNG, "Hà Văn Tám", "other", "2022-04-01", "", "020070000888"],
        [HUU_LUNG, "Hà Văn Chín", "other", "2022-04-01", "", "020070000888"],
    ])
    status, lines = run_command("job_placements", path)
    assert status == 1
    assert lines == [
        "row 2, column worker_id_number: This citizen ID belongs to Lê Thị Hoa, not to Lê Văn Hòa.",
        "row 3, column channel: “abroad” is not one of: employment_fund, socioeconomic_programme, "
        "industrial_zone_outside_province, labour_export, service_centre, other.",
        "row 3, column placed_on: The date cannot be in the future.",
        "row 5, column worker_id_number: This citizen ID belongs to Hà Văn Tám, not to Hà Văn Chín.",
    ]
    assert not Placement.objects.exists() and Person.objects.count() == 1
    bad_id = write(tmp_path, "vl2.csv", [JOB, [HUU_LUNG, "Hà Văn Bảy", "other", "2022-04-01", "", "12345"]])
    status, lines = run_command("job_placements", bad_id)
    assert status == 1 and lines[0].startswith("row 1, column worker_id_number: ")


def test_a_new_person_of_an_earlier_chunk_is_found_by_a_later_one(tmp_path, monkeypatch):
    from welfare.imports import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    path = write(tmp_path, "vl.csv", [
        JOB,
        [HUU_LUNG, "Hà Văn Bảy", "labour_export", "2022-04-01", "", "020070000888"],
        [HUU_LUNG, "Hà Văn Bảy", "other", "2022-05-01", "", "020070000888"],
    ])
    assert run_command("job_placements", path) == (0, ["imported 2 job_placements"])
    assert Person.objects.get().placements.count() == 2


def test_an_officer_imports_placements_of_their_communes_only(tmp_path):
    path = write(tmp_path, "vl.csv", [
        JOB,
        [HUU_LUNG, "Hoàng Văn Nam", "labour_export", "2022-04-01", "", ""],
        [CHI_LANG, "Vi Văn Sáu", "labour_export", "2022-04-01", "", ""],
    ])
    assert run_as(officer(HUU_LUNG), "job_placements", path) == (False, [
        f"row 2, column commune_code: You do not work in commune {CHI_LANG}.",
    ])
    assert not Placement.objects.exists()
    assert run_as(officer(HUU_LUNG, CHI_LANG), "job_placements", path) == (True, ["imported 2 job_placements"])


def test_undo_removes_the_placements_and_the_people_they_created(tmp_path):
    known = PersonFactory(full_name="Lê Thị Hoa", id_number="020190000777", sex="female",
                          birth_date=dt.date(1990, 1, 1))
    path = write(tmp_path, "vl.csv", [
        JOB,
        [HUU_LUNG, "Lê Thị Hoa", "labour_export", "2022-04-01", "", "020190000777"],
        [HUU_LUNG, "Hà Văn Bảy", "labour_export", "2022-04-01", "", "020070000888"],
    ])
    user = head(LANG_SON)
    assert run_as(user, "job_placements", path)[0]
    assert Person.objects.count() == 2
    import_undo(user=user, run=ImportRun.objects.get())
    assert not Placement.objects.exists()
    assert list(Person.objects.all()) == [known]


# --- Templates ----------------------------------------------------------------------------------


def test_the_filled_xlsx_templates_import(tmp_path, client, login):
    from openpyxl import load_workbook

    login(officer(HUU_LUNG))

    def filled(kind: str, *rows) -> object:
        response = client.get(f"/imports/templates/{kind}.xlsx", HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200
        header, labels = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active
                          .iter_rows(max_row=2)]
        assert labels[0] and labels[0].endswith("*")
        return write(tmp_path, f"{kind}.xlsx", [header, labels, *rows])

    loans = filled("loans", ["VV-1", HUU_LUNG, "Hoàng Văn Nam", "individual", 50_000_000, dt.date(2022, 3, 15),
                             1, None])
    assert run_command("loans", loans) == (0, ["imported 1 loans"])
    jobs = filled("job_placements", [HUU_LUNG, "Hoàng Văn Nam", "labour_export", dt.date(2022, 4, 1), None, None])
    assert run_command("job_placements", jobs) == (0, ["imported 1 job_placements"])
