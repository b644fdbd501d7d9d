"""Monthly payment runs: built from the schedule, rebuilt while a draft, locked once approved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beneficiaries.models import Payment, PaymentRun, PaymentStatus, RunStatus
from beneficiaries.services import (
    one_off_record,
    payment_run_approve,
    payment_run_build,
    payment_run_request,
    payments_approve,
)
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    SocialBeneficiaryFactory,
    head,
    officer,
)
from welfare.areas.models import Commune, Province

pytestmark = pytest.mark.django_db

JULY_2024 = dt.date(2024, 7, 1)


def build(user, month, *, commune=HUU_LUNG, programme="merit"):
    """Request the run (eager Celery builds it at commit) and return it."""
    province = Province.objects.get(pk=LANG_SON)
    area = Commune.objects.get(pk=commune) if commune else None
    payment_run_request(user=user, programme=programme, province=province, commune=area, month=month)
    return PaymentRun.objects.get(programme=programme, province=province, commune=area, month=month)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = func(*args, **kwargs)
        result.refresh_from_db()  # the job ran when the request committed
        return result

    return run


def test_a_run_pays_every_entitled_beneficiary_from_the_schedule(run_on_commit):
    invalid = BeneficiaryFactory(rate_percent=41)
    relative = BeneficiaryFactory(category="c", relation="parent", sub_case="martyrs_1", rate_percent=None)
    BeneficiaryFactory(start_on=dt.date(2024, 8, 1))  # not yet entitled in July
    BeneficiaryFactory(end_on=dt.date(2024, 6, 30), end_reason="died")  # no longer
    BeneficiaryFactory(commune_id=CHI_LANG)  # another commune
    SocialBeneficiaryFactory()  # another programme
    run = run_on_commit(build, officer(HUU_LUNG), JULY_2024)
    amounts = dict(run.payments.values_list("beneficiary_id", "amount_vnd"))
    assert amounts == {invalid.pk: 3_667_000, relative.pk: 2_789_000}
    assert (run.payments_count, run.total_vnd, run.status) == (2, 6_456_000, RunStatus.DRAFT)
    assert set(run.payments.values_list("status", flat=True)) == {PaymentStatus.PROPOSED}


def test_a_beneficiary_without_a_schedule_row_is_listed_not_paid_zero(run_on_commit):
    BeneficiaryFactory(rate_percent=41)
    odd = BeneficiaryFactory(rate_percent=45)
    run = run_on_commit(build, officer(HUU_LUNG), JULY_2024)
    assert run.payments_count == 1
    assert not run.payments.filter(beneficiary=odd).exists()
    assert [p["code"] for p in run.problems] == [odd.code]
    assert "45 %" in run.problems[0]["message"]


def test_the_month_of_death_is_paid_and_the_next_is_not(run_on_commit):
    user = officer(HUU_LUNG)
    ended = BeneficiaryFactory(end_on=dt.date(2024, 7, 10), end_reason="died")
    assert run_on_commit(build, user, JULY_2024).payments.filter(beneficiary=ended).count() == 1
    assert run_on_commit(build, user, dt.date(2024, 8, 1)).payments.filter(beneficiary=ended).count() == 0


def test_rebuilding_a_draft_replaces_it(run_on_commit):
    user = officer(HUU_LUNG)
    first = BeneficiaryFactory(rate_percent=41)
    run = run_on_commit(build, user, JULY_2024)
    old_ids = set(run.payments.values_list("pk", flat=True))
    second = BeneficiaryFactory(rate_percent=61)
    first.rate_percent = 21
    first.save()
    rebuilt = run_on_commit(build, user, JULY_2024)
    assert rebuilt.pk == run.pk and rebuilt.version > run.version
    assert dict(rebuilt.payments.values_list("beneficiary_id", "amount_vnd")) == {
        first.pk: 1_878_000,
        second.pk: 5_450_000,
    }
    assert not Payment.objects.filter(pk__in=old_ids).exists()
    assert rebuilt.total_vnd == 1_878_000 + 5_450_000


def test_an_approved_run_is_locked_and_its_payments_count(run_on_commit):
    BeneficiaryFactory(rate_percent=41)
    run = run_on_commit(build, officer(HUU_LUNG), JULY_2024)
    boss = head()
    approved = payment_run_approve(user=boss, run=run, expected_version=run.version)
    assert approved.status == RunStatus.APPROVED and approved.approved_by == boss
    assert set(approved.payments.values_list("status", flat=True)) == {PaymentStatus.APPROVED}
    with pytest.raises(ValidationError, match="locked|khóa"):
        build(officer(HUU_LUNG), JULY_2024)
    with pytest.raises(ValidationError):
        payment_run_build(run_id=run.pk)
    assert approved.payments.get().amount_vnd == 3_667_000
    # Each approved payment keeps the approval in its history, by the head.
    assert approved.payments.get().history.first().history_user == boss


def test_approving_a_run_rebuilt_after_the_head_opened_it_is_refused(run_on_commit):
    BeneficiaryFactory(rate_percent=41)
    user = officer(HUU_LUNG)
    run = run_on_commit(build, user, JULY_2024)
    seen = run.version
    run_on_commit(build, user, JULY_2024)
    with pytest.raises(ValidationError, match="rebuilt|lập lại"):
        payment_run_approve(user=head(), run=run, expected_version=seen)
    assert PaymentRun.objects.get(pk=run.pk).status == RunStatus.DRAFT


def test_only_heads_approve_and_officers_build_only_their_communes(run_on_commit):
    BeneficiaryFactory(rate_percent=41)
    run = run_on_commit(build, officer(HUU_LUNG), JULY_2024)
    with pytest.raises(PermissionDenied):
        payment_run_approve(user=officer(HUU_LUNG), run=run, expected_version=run.version)
    with pytest.raises(PermissionDenied):
        build(officer(CHI_LANG), JULY_2024, commune=HUU_LUNG)
    with pytest.raises(PermissionDenied):  # a province-wide run is a head's
        build(officer(HUU_LUNG), JULY_2024, commune=None)
    with pytest.raises(PermissionDenied):  # a head of another province
        payment_run_approve(user=head(province_code=1), run=run, expected_version=run.version)


def test_a_province_run_skips_those_paid_in_a_communes_run(run_on_commit):
    here = BeneficiaryFactory(rate_percent=41)
    there = BeneficiaryFactory(rate_percent=61, commune_id=CHI_LANG)
    commune_run = run_on_commit(build, officer(HUU_LUNG), JULY_2024)
    payment_run_approve(user=head(), run=commune_run, expected_version=commune_run.version)
    province_run = run_on_commit(build, head(), JULY_2024, commune=None)
    assert list(province_run.payments.values_list("beneficiary_id", flat=True)) == [there.pk]
    assert province_run.skipped_count == 1
    assert Payment.objects.filter(beneficiary=here, month=JULY_2024).count() == 1


def test_social_assistance_runs_by_the_same_mechanism(run_on_commit):
    elderly = SocialBeneficiaryFactory()  # 84, elderly_80: 1.0
    run = run_on_commit(build, officer(HUU_LUNG), JULY_2024, programme="social_protection")
    assert list(run.payments.values_list("beneficiary_id", "amount_vnd")) == [(elderly.pk, 500_000)]


def test_one_off_payments_are_recorded_apart_and_approved_by_a_head():
    beneficiary = BeneficiaryFactory()
    proposed = one_off_record(
        user=officer(HUU_LUNG), beneficiary=beneficiary, amount_vnd=500_000, reason="tet_gift",
        paid_on=dt.date(2024, 2, 1), month=dt.date(2024, 2, 1),
    )
    assert (proposed.kind, proposed.status, proposed.run) == ("one_off", "proposed", None)
    assert payments_approve(user=head(), payments=[proposed]) == 1
    proposed.refresh_from_db()
    assert proposed.status == "approved"
    by_head = one_off_record(
        user=head(), beneficiary=beneficiary, amount_vnd=1_000_000, reason="funeral",
        paid_on=None, month=dt.date(2024, 3, 1),
    )
    assert by_head.status == "approved"
    with pytest.raises(PermissionDenied):
        one_off_record(
            user=officer(CHI_LANG), beneficiary=beneficiary, amount_vnd=1, reason="other",
            paid_on=None, month=dt.date(2024, 3, 1),
        )
