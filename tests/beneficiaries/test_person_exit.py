"""A death or a move recorded once on the person page ends every entitlement (design.md)."""

import datetime as dt

import pytest

from beneficiaries.models import Payment, PaymentRun
from beneficiaries.services import payment_run_build
from tests.factories import HUU_LUNG, LANG_SON, BeneficiaryFactory, SocialBeneficiaryFactory, officer
from welfare.households.services import person_exit

pytestmark = pytest.mark.django_db


def test_a_death_ends_every_entitlement_of_the_person_and_withdraws_later_drafts():
    merit = BeneficiaryFactory(rate_percent=41)
    person = merit.person
    social = SocialBeneficiaryFactory(person=person)
    as_relative_elsewhere = BeneficiaryFactory(
        person=person, category="c", relation="parent", sub_case="martyrs_1", rate_percent=None
    )
    already_ended = BeneficiaryFactory(person=person, end_on=dt.date(2023, 1, 31), end_reason="no_longer_eligible")
    runs = {}
    for month in (dt.date(2024, 7, 1), dt.date(2024, 8, 1), dt.date(2024, 9, 1)):
        run = PaymentRun.objects.create(programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG, month=month)
        runs[month] = payment_run_build(run_id=run.pk)
    assert runs[dt.date(2024, 8, 1)].payments_count == 2

    person_exit(user=officer(HUU_LUNG), person=person, status="died", on=dt.date(2024, 7, 20))

    for beneficiary in (merit, social, as_relative_elsewhere):
        beneficiary.refresh_from_db()
        assert (beneficiary.end_on, beneficiary.end_reason) == (dt.date(2024, 7, 20), "died")
    already_ended.refresh_from_db()
    assert already_ended.end_on == dt.date(2023, 1, 31)  # an earlier end stays
    # July is paid (the month of death); the drafts of August and September are withdrawn.
    months = sorted(Payment.objects.filter(beneficiary__person=person).values_list("month", flat=True))
    assert months == [dt.date(2024, 7, 1), dt.date(2024, 7, 1)]
    august = PaymentRun.objects.get(pk=runs[dt.date(2024, 8, 1)].pk)
    assert (august.payments_count, august.total_vnd) == (0, 0)


def test_a_move_ends_entitlements_with_its_reason():
    beneficiary = BeneficiaryFactory()
    user = officer(HUU_LUNG)
    person_exit(user=user, person=beneficiary.person, status="moved", on=dt.date(2024, 5, 2))
    beneficiary.refresh_from_db()
    assert (beneficiary.end_on, beneficiary.end_reason) == (dt.date(2024, 5, 2), "moved")
    assert beneficiary.history.first().history_user == user


def test_merging_a_duplicate_moves_its_enrolments_and_dossiers_to_the_person_kept():
    from tests.factories import DossierFactory, PersonFactory
    from welfare.households.services import person_merge

    keep = PersonFactory(full_name="Hoàng Văn Thắng", birth_date=dt.date(1968, 4, 12))
    duplicate = PersonFactory(full_name="Hoàng Văn Thắng", birth_date=dt.date(1968, 4, 12))
    enrolment = BeneficiaryFactory(person=duplicate)
    relative = BeneficiaryFactory(
        category="c", relation="parent", sub_case="martyrs_1", rate_percent=None, relative_of=duplicate
    )
    dossier = DossierFactory(person=duplicate)
    person_merge(user=officer(HUU_LUNG), keep=keep, duplicate=duplicate)
    for record in (enrolment, relative, dossier):
        record.refresh_from_db()
    assert (enrolment.person_id, relative.relative_of_id, dossier.person_id) == (keep.pk, keep.pk, keep.pk)
