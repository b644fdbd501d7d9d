"""Edge cases of the beneficiaries app that once went wrong: deaths before an entitlement
starts, undoing imports around runs, personal data of another commune in messages and forms,
supplements without a schedule row, cases moved to another commune, lists changed after a
head opened them."""

import datetime as dt
import re

import pytest
from django.db.models import Count, Sum
from django.utils import translation

from beneficiaries import services
from beneficiaries.models import AllowanceRate, Payment, PaymentRun, RunStatus
from beneficiaries.rules import NoRule, monthly_amount
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    PersonFactory,
    admin,
    head,
    officer,
)
from tests.imports.helpers import run_as, run_command, write
from welfare.households.services import person_exit
from welfare.imports.models import ImportRun
from welfare.imports.services import UndoRefused, import_undo

pytestmark = pytest.mark.django_db

BEN = ["beneficiary_code", "full_name", "commune_code", "category", "relation", "birth_date", "sex",
       "id_number"]
PAY = ["beneficiary_code", "month", "amount_vnd", "kind", "paid_on"]
ID_1950_MALE = "020050000123"
JULY_2024, AUGUST_2024 = dt.date(2024, 7, 1), dt.date(2024, 8, 1)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _run(month, commune=HUU_LUNG):
    run = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=commune, month=month)
    return services.payment_run_build(run_id=run.pk)


# 1. A death recorded before an entitlement starts does not end it: the dead person is paid.


def test_a_person_who_died_before_their_entitlement_starts_is_not_paid_after_death():
    # Enrolled in July with the allowance from August (decision dated ahead); dies on 15 July.
    beneficiary = BeneficiaryFactory(start_on=AUGUST_2024)
    person_exit(user=officer(HUU_LUNG), person=beneficiary.person, status="died", on=dt.date(2024, 7, 15))
    august = _run(AUGUST_2024)
    assert not august.payments.filter(beneficiary=beneficiary).exists()


# 2. Undoing an allowance_payments import puts a payment back into its run without recounting
#    the run, and even into a run approved (locked) since the import.


def test_undoing_a_payments_import_leaves_the_draft_runs_totals_right(tmp_path):
    BeneficiaryFactory(code="NCC-1")
    BeneficiaryFactory(code="NCC-2")
    run = _run(JULY_2024)
    path = write(tmp_path, "ct.csv", [PAY, ["NCC-1", "2024-07", 3_000_000, "monthly", ""]])
    assert run_command("allowance_payments", path)[0] == 0
    import_undo(user=admin(), run=ImportRun.objects.get())
    run.refresh_from_db()
    figures = run.payments.aggregate(n=Count("pk"), total=Sum("amount_vnd"))
    # The page and the approval message show these figures: they must match the list.
    assert (run.payments_count, run.total_vnd) == (figures["n"], figures["total"])


def test_undoing_a_payments_import_does_not_change_a_run_approved_since(tmp_path):
    BeneficiaryFactory(code="NCC-1")
    BeneficiaryFactory(code="NCC-2")
    run = _run(JULY_2024)
    path = write(tmp_path, "ct.csv", [PAY, ["NCC-1", "2024-07", 3_000_000, "monthly", ""]])
    assert run_command("allowance_payments", path)[0] == 0
    run.refresh_from_db()
    services.payment_run_approve(user=head(), run=run, expected_version=run.version)
    try:
        import_undo(user=admin(), run=ImportRun.objects.get())
    except UndoRefused:
        pass
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    # An approved run is locked: nothing enters it, and it holds no proposed payment.
    assert list(run.payments.values_list("beneficiary__code", "status")) == [("NCC-2", "approved")]


# 3. An officer's merit_beneficiaries import tells them the recorded birth date of a person of
#    another commune (personal data; the same module hides the name of an ID's holder).


def test_an_officers_import_does_not_reveal_another_communes_persons_birth_date(tmp_path):
    PersonFactory(commune_id=CHI_LANG, full_name="Nguyễn Văn Hùng", id_number=ID_1950_MALE,
                  birth_date=dt.date(1950, 5, 1), sex="male")
    path = write(tmp_path, "ncc.csv", [
        BEN, ["NCC-1", "Nguyễn Văn Hùng", HUU_LUNG, "g", "self", "1950-06-02", "male", ID_1950_MALE],
    ])
    ok, lines = run_as(officer(HUU_LUNG), "merit_beneficiaries", path)
    assert not ok
    assert not any("01/05/1950" in line for line in lines), lines


# 4. A supplement the case has (living alone, Heroic Mother, years of service) but the schedule
#    of the month lacks is dropped silently: the beneficiary is underpaid instead of listed.


def test_a_case_whose_supplement_has_no_schedule_row_is_listed_not_underpaid():
    # An admin enters the 75/2021 row of the relatives of one martyr, not yet the supplement.
    AllowanceRate.objects.create(
        category="c", sub_case="martyrs_1", kind="monthly", amount_vnd=1_624_000,
        valid_from=dt.date(2021, 9, 15), valid_to=dt.date(2023, 6, 30), legal_basis="Nghị định 75/2021/NĐ-CP",
    )
    mother = BeneficiaryFactory(
        category="c", relation="parent", sub_case="martyrs_1", rate_percent=None, lives_alone=True
    )
    with pytest.raises(NoRule):
        monthly_amount(mother, dt.date(2022, 1, 1))



# 5. A martyr recorded in another commune (linked by an admin or a head's import): the
#    officer's edit form shows that person's citizen ID, and saving the form as it is refused,
#    so the officer can change nothing on the case without dropping the link.

MARTYR_ID = "020045000777"


def _relative_of_martyr_elsewhere():
    martyr = PersonFactory(commune_id=CHI_LANG, full_name="Lý Văn Liệt", id_number=MARTYR_ID)
    return BeneficiaryFactory(
        category="c", relation="parent", sub_case="martyrs_1", rate_percent=None, relative_of=martyr
    )


def _edit_post(beneficiary, **changes):
    return {
        "programme": "merit",
        "version": str(beneficiary.version),
        "code": beneficiary.code,
        "commune": str(beneficiary.commune_id),
        "start_on": beneficiary.start_on.strftime("%d/%m/%Y"),
        "category": beneficiary.category,
        "relation": beneficiary.relation,
        "sub_case": beneficiary.sub_case,
        "rate_percent": "",
        **changes,
    }


def test_the_edit_form_does_not_show_the_citizen_id_of_another_communes_martyr(client, login):
    beneficiary = _relative_of_martyr_elsewhere()
    login(officer(HUU_LUNG))
    response = client.get(f"/beneficiaries/{beneficiary.pk}/edit/")
    assert response.status_code == 200
    assert MARTYR_ID not in response.content.decode()


def test_an_officer_saves_the_case_of_a_relative_of_another_communes_martyr(client, login):
    beneficiary = _relative_of_martyr_elsewhere()
    login(officer(HUU_LUNG))
    form = client.get(f"/beneficiaries/{beneficiary.pk}/edit/").content.decode()
    shown = re.search(r'<input[^>]*name="relative_of_id_number"[^>]*>', form).group(0)
    value = re.search(r'value="([^"]*)"', shown)
    response = client.post(
        f"/beneficiaries/{beneficiary.pk}/edit/",
        _edit_post(beneficiary, relative_of_id_number=value.group(1) if value else "", note="Đã xác minh"),
    )
    body = response.content.decode()
    errors = [body[m.start() : m.start() + 300] for m in re.finditer("invalid-feedback|alert-danger", body)]
    assert response.status_code == 302, errors
    beneficiary.refresh_from_db()
    assert beneficiary.note == "Đã xác minh" and beneficiary.relative_of.id_number == MARTYR_ID


def test_a_case_moved_to_another_commune_leaves_the_old_communes_draft_run():
    from welfare.areas.models import Commune

    moved = BeneficiaryFactory(rate_percent=41)
    BeneficiaryFactory(rate_percent=41)
    run = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG,
                                    month=dt.date(2024, 7, 1))
    run = services.payment_run_build(run_id=run.pk)
    assert run.payments_count == 2
    services.beneficiary_update(user=admin(), beneficiary=moved, expected_version=moved.version,
                                changes={"commune": Commune.objects.get(pk=CHI_LANG)})
    run.refresh_from_db()
    assert (run.payments_count, run.total_vnd) == (1, 3_667_000)
    assert not Payment.objects.filter(beneficiary=moved).exists()


def test_a_list_that_lost_payments_after_the_head_opened_it_is_not_approved_unseen():
    from django.core.exceptions import ValidationError

    from welfare.households.services import person_exit

    ended = BeneficiaryFactory(rate_percent=41)
    BeneficiaryFactory(rate_percent=41)
    run = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG,
                                    month=dt.date(2024, 8, 1))
    run = services.payment_run_build(run_id=run.pk)
    seen = run.version
    person_exit(user=officer(HUU_LUNG), person=ended.person, status="died", on=dt.date(2024, 7, 20))
    with pytest.raises(ValidationError):
        services.payment_run_approve(user=head(), run=run, expected_version=seen)
