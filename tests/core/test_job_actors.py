"""Background jobs record their actor (issue 8, item 1): what a job writes carries, in its
history, the user who started it, not "system"."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.models import Payment, PaymentRun
from beneficiaries.services import payment_run_request
from tests.factories import HUU_LUNG, LANG_SON, BeneficiaryFactory, PlacementFactory, PovertyReviewFactory, head, officer
from welfare.areas.models import Commune, Province
from welfare.core.models import Job
from welfare.households.models import Household, PovertyReview
from welfare.households.services import review_recognise
from welfare.imports.models import ImportRun
from welfare.reports.models import SummarySnapshot

pytestmark = pytest.mark.django_db


def test_a_payment_run_built_by_its_job_names_the_user_who_asked(django_capture_on_commit_callbacks):
    user = officer(HUU_LUNG)
    BeneficiaryFactory(rate_percent=41)
    with django_capture_on_commit_callbacks(execute=True):
        payment_run_request(
            user=user, programme="merit", province=Province.objects.get(pk=LANG_SON),
            commune=Commune.objects.get(pk=HUU_LUNG), month=dt.date(2024, 7, 1),
        )
    run = PaymentRun.objects.get()
    assert Job.objects.get().user == user
    assert run.payments_count == 1
    assert {r.history_user for r in Payment.history.all()} == {user}
    assert run.history.latest("history_date").history_user == user


def test_a_report_built_by_its_job_names_the_head_who_asked(client, django_capture_on_commit_callbacks):
    boss = head(LANG_SON)
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 3, 1))
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/build/", {"province": LANG_SON, "commune": "", "year": 2022, "half": 1})
    assert response.status_code == 302
    snapshots = SummarySnapshot.objects.all()
    assert snapshots.filter(commune__isnull=True).exists()
    # The province's draft and its communes' drafts, each by the head.
    assert {r.history_user for r in SummarySnapshot.history.all()} == {boss}


def test_a_recognition_names_the_head_on_every_review():
    boss = head(LANG_SON)
    reviews = PovertyReviewFactory.create_batch(3, status="proposed", recognised_on=None, decision_number="")
    assert review_recognise(user=boss, reviews=reviews, decision_number="45/QĐ-UBND", recognised_on=dt.date(2021, 12, 20)) == 3
    for review in PovertyReview.objects.all():
        latest = review.history.latest("history_date")
        assert latest.status == "recognised" and latest.history_user == boss


def test_an_import_run_as_a_job_names_the_importing_user(client, django_capture_on_commit_callbacks):
    user = officer(HUU_LUNG)
    client.force_login(user)
    data = "household_code,commune_code,head_name,area_type\nHL-5,%d,Nguyễn Văn An,rural\n" % HUU_LUNG
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"kind": "households", "file": SimpleUploadedFile("h.csv", data.encode())})
    assert Job.objects.get().user == user
    run = ImportRun.objects.get()
    household = Household.objects.get(code="HL-5")
    created = household.history.get()
    assert created.history_user == user and created.history_change_reason == f"import {run.pk}"
