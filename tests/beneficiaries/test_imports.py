"""The imports of this app (contract.md, "Import"): merit_beneficiaries, allowance_payments,
merit_dossiers. Through the command (as an admin) and as officers and heads (scoped)."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from beneficiaries import services
from beneficiaries.models import (
    Beneficiary,
    Dossier,
    DossierTimeLimit,
    Payment,
    PaymentRun,
    month_start,
)
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    DossierFactory,
    PersonFactory,
    admin,
    head,
    officer,
)
from tests.imports.helpers import run_as, run_command, write
from welfare.households.models import Person
from welfare.imports.models import ImportRun, RunStatus
from welfare.imports.registry import kind_for
from welfare.imports.services import import_undo

pytestmark = pytest.mark.django_db

BEN = ["beneficiary_code", "full_name", "commune_code", "category", "relation", "birth_date", "sex",
       "id_number"]
PAY = ["beneficiary_code", "month", "amount_vnd", "kind", "paid_on"]
DOS = ["dossier_code", "commune_code", "applicant_name", "kind", "received_on", "status", "decided_on"]

# A valid citizen ID of Lạng Sơn (020) for a man born in 1950 (digit 4: 0, digits 5–6: 50).
ID_1950_MALE = "020050000123"


@pytest.fixture(autouse=True)
def in_english():
    """Messages in the English source, so the assertions hold before and after the Vietnamese
    catalogue is merged."""
    with translation.override("en"):
        yield


# --- merit_beneficiaries ----------------------------------------------------------------------


def test_the_command_imports_meritorious_people_with_their_people(tmp_path):
    path = write(tmp_path, "ncc.csv", [
        BEN,
        ["NCC-1", "Nguyễn Văn Hùng", HUU_LUNG, "g", "self", "1950-05-01", "male", ID_1950_MALE],
        ["NCC-2", "Hoàng Thị Lan", HUU_LUNG, "c", "parent", "1930-02-03", "female", ""],
        ["NCC-3", "Lý Văn Tài", CHI_LANG, "dd", "self", "", "", ""],
    ])
    assert run_command("merit_beneficiaries", path) == (0, ["imported 3 merit_beneficiaries"])
    invalid, relative, hero = (Beneficiary.objects.get(code=c) for c in ("NCC-1", "NCC-2", "NCC-3"))
    # A row with an ID creates the person with it; one without creates a person from the name.
    assert invalid.person.id_number == ID_1950_MALE and invalid.person.birth_date == dt.date(1950, 5, 1)
    assert relative.person.full_name == "Hoàng Thị Lan" and relative.person.id_number is None
    assert relative.person.sex == "female" and relative.person.commune_id == HUU_LUNG
    assert hero.category == "dd" and hero.commune_id == CHI_LANG
    # No sub-case column: a martyr's relative is of one martyr, others at the category's amount;
    # entitled from the month of the import.
    assert (relative.sub_case, invalid.sub_case, hero.sub_case) == ("martyrs_1", "standard", "standard")
    assert {b.start_on for b in (invalid, relative, hero)} == {month_start(timezone.localdate())}
    assert all(b.programme == "merit" and b.version == 1 for b in (invalid, relative, hero))
    run = ImportRun.objects.get()
    assert invalid.history.get().history_change_reason == f"import {run.pk}"


def test_a_row_links_to_the_person_with_its_id_and_the_names_must_agree(tmp_path):
    person = PersonFactory(full_name="Nguyễn Văn Hùng", sex="male", birth_date=dt.date(1950, 5, 1),
                           id_number=ID_1950_MALE)
    good = write(tmp_path, "ncc.csv", [BEN, ["NCC-1", "NGUYEN VAN HUNG", HUU_LUNG, "g", "self", "", "",
                                             ID_1950_MALE]])
    assert run_command("merit_beneficiaries", good)[0] == 0
    assert Beneficiary.objects.get().person == person and Person.objects.count() == 1
    bad = write(tmp_path, "ncc2.csv", [BEN, ["NCC-2", "Trần Văn Khác", HUU_LUNG, "g", "self", "", "",
                                             ID_1950_MALE]])
    assert run_command("merit_beneficiaries", bad) == (1, [
        "row 1, column id_number: This citizen ID belongs to Nguyễn Văn Hùng, not to Trần Văn Khác."
    ])


def test_one_bad_row_saves_nothing_and_names_row_and_column(tmp_path):
    path = write(tmp_path, "ncc.csv", [
        BEN,
        ["NCC-1", "Nguyễn Văn Hùng", HUU_LUNG, "g", "self", "1950-05-01", "male", ""],
        [],
        ["NCC-2", "Liệt sĩ Không Thể", HUU_LUNG, "c", "self", "", "", ""],
        ["NCC-3", "Vi Văn Sai", HUU_LUNG, "x", "self", "", "", ""],
    ])
    status, lines = run_command("merit_beneficiaries", path)
    assert status == 1
    assert lines == [
        "row 3, column relation: A martyr's allowance goes to a relative: choose the relation.",
        "row 4, column category: “x” is not one of: a, b, c, d, dd, e, g, h, i, k, l, m.",
    ]
    assert not Beneficiary.objects.exists() and not Person.objects.exists()


def test_a_row_updates_the_beneficiary_of_its_code_and_keeps_what_the_file_lacks(tmp_path):
    person = PersonFactory(full_name="Nguyễn Văn Hùng", sex="male", birth_date=dt.date(1950, 5, 1))
    kept = BeneficiaryFactory(code="NCC-9", person=person, category="g", sub_case="invalid",
                              rate_percent=41, start_on=dt.date(2020, 1, 1))
    path = write(tmp_path, "ncc.xlsx", [BEN, ["NCC-9", "Nguyễn Văn Hùng", CHI_LANG, "g", "self", None,
                                              None, ID_1950_MALE]])
    assert run_command("merit_beneficiaries", path) == (0, ["imported 1 merit_beneficiaries"])
    kept.refresh_from_db()
    person.refresh_from_db()
    assert Beneficiary.objects.count() == 1
    assert (kept.commune_id, kept.sub_case, kept.rate_percent) == (CHI_LANG, "invalid", 41)
    assert kept.start_on == dt.date(2020, 1, 1) and kept.version == 2
    assert person.id_number == ID_1950_MALE  # filled in on the person recorded without one
    # Another category resets the sub-case to its default (completed on the beneficiary's page).
    other = write(tmp_path, "ncc2.csv", [BEN, ["NCC-9", "Nguyễn Văn Hùng", CHI_LANG, "h", "self", "",
                                               "", ""]])
    assert run_command("merit_beneficiaries", other)[0] == 0
    kept.refresh_from_db()
    assert (kept.category, kept.sub_case, kept.rate_percent) == ("h", "standard", None)
    # The person of a beneficiary is not changed by a list.
    renamed = write(tmp_path, "ncc3.csv", [BEN, ["NCC-9", "Người Khác", CHI_LANG, "h", "self", "", "", ""]])
    assert run_command("merit_beneficiaries", renamed) == (1, [
        "row 1, column full_name: Beneficiary NCC-9 is Nguyễn Văn Hùng: the person of a beneficiary "
        "is not changed by import."
    ])


def test_an_officer_imports_only_their_communes_beneficiaries(tmp_path):
    BeneficiaryFactory(code="CL-9", commune_id=CHI_LANG, person=PersonFactory(full_name="Lê Văn Bình",
                                                                             commune_id=CHI_LANG))
    user = officer(HUU_LUNG)
    path = write(tmp_path, "ncc.csv", [
        BEN,
        ["NCC-1", "Nguyễn Văn Hùng", HUU_LUNG, "g", "self", "", "", ""],
        ["NCC-2", "Lê Thị Hoa", CHI_LANG, "g", "self", "", "", ""],
        ["CL-9", "Lê Văn Bình", HUU_LUNG, "g", "self", "", "", ""],
    ])
    assert run_as(user, "merit_beneficiaries", path) == (False, [
        f"row 2, column commune_code: You do not work in commune {CHI_LANG}.",
        f"row 3, column beneficiary_code: This record belongs to commune {CHI_LANG}, where you may "
        "not import.",
    ])
    assert Beneficiary.objects.count() == 1
    assert run_as(head(LANG_SON), "merit_beneficiaries", path) == (True, ["imported 3 merit_beneficiaries"])


def test_the_xlsx_template_has_the_vietnamese_labels_and_imports_as_it_is(tmp_path, client, login):
    login(officer(HUU_LUNG))
    for kind in ("merit_beneficiaries", "allowance_payments", "merit_dossiers"):
        response = client.get(f"/imports/templates/{kind}.xlsx", HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, kind
        sheet = load_workbook(io.BytesIO(response.content)).active
        keys, labels = ([c.value for c in row] for row in sheet.iter_rows(min_row=1, max_row=2))
        declared = kind_for(kind)
        assert keys == [c.key for c in declared.columns]
        with translation.override("vi"):
            expected = [str(c.label) + (" *" if c.required else "") for c in declared.columns]
        assert labels == expected
        assert labels[0] != keys[0]
    # The template filled in below its label row imports; its data row is row 1.
    with translation.override("vi"):
        labels = [str(c.label) for c in kind_for("merit_dossiers").columns]
    path = write(tmp_path, "hs.xlsx", [DOS, labels, ["HS-1", HUU_LUNG, "Vi Văn Tám", "recognition",
                                                     "2024-13-01", "received", None]])
    status, lines = run_command("merit_dossiers", path)
    assert status == 1 and lines[0].startswith("row 1, column received_on: ")


def test_rows_are_checked_and_written_in_bulk_not_one_query_per_row(tmp_path):
    def queries(n: int, prefix: str) -> int:
        rows = [[f"{prefix}-{i}", f"Người Số {i}", HUU_LUNG, "g", "self", "1950-01-01", "male", ""]
                for i in range(n)]
        path = write(tmp_path, f"{prefix}.csv", [BEN, *rows])
        with CaptureQueriesContext(connection) as captured:
            assert run_command("merit_beneficiaries", path)[0] == 0
        return len(captured.captured_queries)

    # 190 more rows cost a few more INSERT batches (SQLite caps parameters per statement),
    # not 190 more queries.
    assert queries(200, "B") < queries(10, "A") + 20


# --- allowance_payments -----------------------------------------------------------------------


@pytest.fixture
def invalids():
    return [BeneficiaryFactory(code=f"NCC-{i}") for i in (1, 2)]


def test_a_heads_payments_are_approved_an_officers_proposed(tmp_path, invalids):
    path = write(tmp_path, "ct.csv", [PAY, ["NCC-1", "2024-03", "2.702.000", "monthly", "2024-03-10"]])
    assert run_as(head(LANG_SON), "allowance_payments", path) == (True, ["imported 1 allowance_payments"])
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_vnd, payment.month) == ("approved", 2_702_000, dt.date(2024, 3, 1))
    assert payment.paid_on == dt.date(2024, 3, 10) and payment.run is None
    path = write(tmp_path, "ct2.csv", [PAY, ["NCC-2", "2024-03", 1000, "monthly", ""]])
    user = officer(HUU_LUNG)
    assert run_as(user, "allowance_payments", path)[0]
    proposed = Payment.objects.get(beneficiary__code="NCC-2")
    # Taken as paid, never checked against the schedule; proposed for a head to approve.
    assert (proposed.status, proposed.amount_vnd, proposed.recorded_by) == ("proposed", 1000, user)


def test_a_monthly_row_updates_the_payment_of_its_month_and_one_off_rows_always_add(tmp_path, invalids):
    monthly = write(tmp_path, "ct.csv", [PAY, ["NCC-1", "2024-03", 2_702_000, "monthly", ""]])
    assert run_command("allowance_payments", monthly)[0] == 0
    again = write(tmp_path, "ct2.csv", [PAY, ["NCC-1", "2024-03", 2_800_000, "monthly", "2024-03-15"]])
    assert run_command("allowance_payments", again)[0] == 0
    payment = Payment.objects.get()
    assert (payment.amount_vnd, payment.paid_on, payment.version) == (2_800_000, dt.date(2024, 3, 15), 2)
    twice = write(tmp_path, "ct3.csv", [PAY, ["NCC-1", "2024-03", 500_000, "monthly", ""],
                                         ["NCC-1", "2024-03", 600_000, "monthly", ""]])
    assert run_command("allowance_payments", twice) == (1, [
        "row 2, column beneficiary_code: The same key as row 1: a record may appear only once in a file."
    ])
    gifts = write(tmp_path, "tet.csv", [PAY, ["NCC-1", "2024-02", 300_000, "one_off", "2024-02-05"],
                                         ["NCC-1", "2024-02", 300_000, "one_off", "2024-02-05"]])
    assert run_command("allowance_payments", gifts)[0] == 0
    assert run_command("allowance_payments", gifts)[0] == 0
    assert Payment.objects.filter(kind="one_off").count() == 4


def test_a_month_of_an_approved_run_is_locked(tmp_path, invalids):
    PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG,
                              month=dt.date(2024, 6, 1), status="approved")
    PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune=None,
                              month=dt.date(2024, 5, 1), status="approved")
    path = write(tmp_path, "ct.csv", [
        PAY,
        ["NCC-1", "2024-06", 2_702_000, "monthly", ""],
        ["NCC-2", "2024-05", 2_702_000, "monthly", ""],
        ["NCC-2", "2024-04", 2_702_000, "monthly", ""],
    ])
    assert run_command("allowance_payments", path) == (1, [
        "row 1, column month: The payment run of 06/2024 is approved: it is locked.",
        "row 2, column month: The payment run of 05/2024 is approved: it is locked.",
    ])
    assert not Payment.objects.exists()
    # A one-off payment is not part of the monthly run.
    gift = write(tmp_path, "tet.csv", [PAY, ["NCC-1", "2024-06", 300_000, "one_off", ""]])
    assert run_command("allowance_payments", gift)[0] == 0


def test_a_draft_runs_payment_is_updated_taken_out_of_the_run_and_the_total_recounted(tmp_path, invalids):
    run = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG,
                                    month=dt.date(2024, 7, 1))
    services.payment_run_build(run_id=run.pk)
    run.refresh_from_db()
    assert (run.payments_count, run.total_vnd) == (2, 2 * 3_667_000)
    path = write(tmp_path, "ct.csv", [PAY, ["NCC-1", "2024-07", 3_000_000, "monthly", "2024-07-20"]])
    assert run_command("allowance_payments", path) == (0, ["imported 1 allowance_payments"])
    run.refresh_from_db()
    assert (run.payments_count, run.total_vnd) == (1, 3_667_000)
    payment = Payment.objects.get(beneficiary__code="NCC-1")
    assert (payment.run, payment.amount_vnd, payment.status) == (None, 3_000_000, "approved")
    assert Payment.objects.filter(month=dt.date(2024, 7, 1)).count() == 2
    # Rebuilding the draft leaves the imported payment alone and skips its beneficiary.
    services.payment_run_build(run_id=run.pk)
    run.refresh_from_db()
    assert (run.payments_count, run.skipped_count) == (1, 1)
    assert Payment.objects.get(beneficiary__code="NCC-1").amount_vnd == 3_000_000


def test_payments_need_a_beneficiary_of_the_users_communes_and_a_past_payment_date(tmp_path, invalids):
    BeneficiaryFactory(code="CL-1", commune_id=CHI_LANG)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = write(tmp_path, "ct.csv", [
        PAY,
        ["NCC-1", "2024-03", 1000, "monthly", tomorrow.isoformat()],
        ["CL-1", "2024-03", 1000, "monthly", ""],
        ["KHONG-CO", "2024-03", 1000, "monthly", ""],
        ["NCC-2", "03/2024", 1000, "monthly", ""],
        ["NCC-2", "2024-04", 0, "one_off", ""],
    ])
    assert run_as(officer(HUU_LUNG), "allowance_payments", path) == (False, [
        "row 1, column paid_on: The date cannot be in the future.",
        f"row 2, column beneficiary_code: This record belongs to commune {CHI_LANG}, where you may "
        "not import.",
        "row 3, column beneficiary_code: No beneficiary has the code KHONG-CO.",
        "row 4, column month: “03/2024” is not a month: write it as YYYY-MM.",
        "row 5, column amount_vnd: Enter an amount above zero.",
    ])


def test_an_officer_does_not_change_an_approved_payment(tmp_path, invalids):
    path = write(tmp_path, "ct.csv", [PAY, ["NCC-1", "2024-03", 2_702_000, "monthly", ""]])
    assert run_command("allowance_payments", path)[0] == 0
    change = write(tmp_path, "ct2.csv", [PAY, ["NCC-1", "2024-03", 1, "monthly", ""]])
    assert run_as(officer(HUU_LUNG), "allowance_payments", change) == (False, [
        "row 1, column month: The payment of 03/2024 is approved: only a department head can change it."
    ])


# --- merit_dossiers ---------------------------------------------------------------------------


def test_dossiers_are_imported_with_their_due_date_and_updated_by_code(tmp_path):
    user = officer(HUU_LUNG)
    path = write(tmp_path, "hs.csv", [
        DOS,
        ["HS-1", HUU_LUNG, "Vi Văn Tám", "recognition", "2024-03-01", "received", ""],
        ["HS-2", HUU_LUNG, "Hoàng Thị Lan", "allowance", "01/03/2024", "approved", "2024-03-10"],
    ])
    assert run_as(user, "merit_dossiers", path) == (True, ["imported 2 merit_dossiers"])
    received, approved = Dossier.objects.get(code="HS-1"), Dossier.objects.get(code="HS-2")
    days = DossierTimeLimit.objects.get(kind="recognition").days
    assert received.due_on == dt.date(2024, 3, 1) + dt.timedelta(days=days)
    assert received.handled_by == user and received.applicant_folded == "vi van tam"
    assert (approved.status, approved.decided_on) == ("approved", dt.date(2024, 3, 10))
    update = write(tmp_path, "hs2.csv", [DOS, ["HS-1", HUU_LUNG, "Vi Văn Tám", "recognition", "2024-03-01",
                                               "rejected", "2024-04-02"]])
    assert run_as(user, "merit_dossiers", update)[0]
    received.refresh_from_db()
    assert (received.status, received.decided_on, received.version) == ("rejected", dt.date(2024, 4, 2), 2)
    assert received.due_on == dt.date(2024, 3, 1) + dt.timedelta(days=days)
    assert Dossier.objects.count() == 2


def test_dossier_dates_and_statuses_follow_the_rules(tmp_path):
    DossierFactory(code="HS-9", status="approved", decided_on=dt.date(2022, 3, 15))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = write(tmp_path, "hs.csv", [
        DOS,
        ["HS-1", HUU_LUNG, "Vi Văn Tám", "recognition", "2024-03-01", "approved", ""],
        ["HS-2", HUU_LUNG, "Vi Văn Tám", "recognition", tomorrow.isoformat(), "received", ""],
        ["HS-3", HUU_LUNG, "Vi Văn Tám", "recognition", "2024-03-01", "rejected", "2024-02-01"],
        ["HS-4", HUU_LUNG, "Vi Văn Tám", "recognition", "2024-03-01", "in_review", "2024-03-05"],
        ["HS-9", HUU_LUNG, "Vi Văn Tám", "recognition", "2022-03-01", "in_review", ""],
    ])
    assert run_command("merit_dossiers", path) == (1, [
        "row 1, column decided_on: Enter the date of the decision.",
        "row 2, column received_on: The date cannot be in the future.",
        "row 3, column decided_on: The decision cannot come before the dossier was received.",
        "row 4, column decided_on: Only an approved or rejected dossier has a decision date.",
        "row 5, column status: Dossier HS-9 is already “approved”: its handling is finished.",
    ])
    assert Dossier.objects.count() == 1


def test_an_officer_imports_only_their_communes_dossiers(tmp_path):
    DossierFactory(code="CL-1", commune_id=CHI_LANG)
    path = write(tmp_path, "hs.csv", [
        DOS,
        ["HS-1", CHI_LANG, "Vi Văn Tám", "other", "2024-03-01", "received", ""],
        ["CL-1", HUU_LUNG, "Vi Văn Tám", "other", "2024-03-01", "received", ""],
    ])
    assert run_as(officer(HUU_LUNG), "merit_dossiers", path) == (False, [
        f"row 1, column commune_code: You do not work in commune {CHI_LANG}.",
        f"row 2, column dossier_code: This record belongs to commune {CHI_LANG}, where you may not import.",
    ])


# --- Undo -------------------------------------------------------------------------------------


def test_undo_removes_the_beneficiaries_and_people_an_import_added(tmp_path):
    kept = BeneficiaryFactory(code="NCC-9", person=PersonFactory(full_name="Nguyễn Văn Hùng"))
    path = write(tmp_path, "ncc.csv", [
        BEN,
        ["NCC-1", "Hoàng Thị Lan", HUU_LUNG, "c", "spouse", "1930-02-03", "female", ""],
        ["NCC-9", "Nguyễn Văn Hùng", CHI_LANG, "g", "self", "", "", ""],
    ])
    head_of = head(LANG_SON)
    assert run_as(head_of, "merit_beneficiaries", path)[0]
    run = ImportRun.objects.get()
    assert (run.added, run.updated) == (1, 1)
    import_undo(user=head_of, run=run)
    assert not Beneficiary.objects.filter(code="NCC-1").exists()
    assert not Person.objects.filter(full_name="Hoàng Thị Lan").exists()
    kept.refresh_from_db()
    assert kept.commune_id == HUU_LUNG
    assert ImportRun.objects.get().status == RunStatus.UNDONE


def test_undo_of_payments_puts_a_draft_runs_payment_back(tmp_path, invalids):
    run = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG,
                                    month=dt.date(2024, 7, 1))
    services.payment_run_build(run_id=run.pk)
    path = write(tmp_path, "ct.csv", [PAY, ["NCC-1", "2024-07", 3_000_000, "monthly", ""],
                                       ["NCC-2", "2024-02", 300_000, "one_off", ""]])
    built = PaymentRun.objects.get(pk=run.pk)
    assert run_command("allowance_payments", path)[0] == 0
    assert PaymentRun.objects.get(pk=run.pk).payments_count == built.payments_count - 1
    import_undo(user=admin(), run=ImportRun.objects.get())
    payment = Payment.objects.get(beneficiary__code="NCC-1")
    assert (payment.run_id, payment.amount_vnd, payment.status) == (run.pk, 3_667_000, "proposed")
    assert not Payment.objects.filter(kind="one_off").exists()
    # The run's totals count the payment again.
    restored = PaymentRun.objects.get(pk=run.pk)
    assert (restored.payments_count, restored.total_vnd) == (built.payments_count, built.total_vnd)
