"""The `meritorious` and `social_protection` keys of the half-year summary (contract.md)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from beneficiaries.models import Payment
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    BeneficiaryFactory,
    DossierFactory,
    SocialBeneficiaryFactory,
)
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db

H1_2024 = Period(2024, 1)


def pay(beneficiary, month, amount, *, status="approved", kind="monthly"):
    return Payment.objects.create(
        beneficiary=beneficiary, month=month, amount_vnd=amount, status=status, kind=kind
    )


def summary(level="province", code=20, period=H1_2024):
    return summary_build(area=ReportArea.of(level, code), period=period)


def test_meritorious_counts_approved_monthly_payments_of_the_periods_months():
    invalid = BeneficiaryFactory()
    other_commune = BeneficiaryFactory(commune_id=CHI_LANG)
    for month in range(1, 7):
        pay(invalid, dt.date(2024, month, 1), 2_702_000)
    pay(other_commune, dt.date(2024, 6, 1), 2_055_000)
    # Outside the period, not approved, one-off, another province, another programme: left out.
    pay(invalid, dt.date(2023, 12, 1), 2_702_000)
    pay(invalid, dt.date(2024, 7, 1), 3_667_000)
    pay(other_commune, dt.date(2024, 5, 1), 2_055_000, status="proposed")
    pay(invalid, dt.date(2024, 2, 1), 5_000_000, kind="one_off")
    pay(BeneficiaryFactory(commune_id=HA_NOI_COMMUNE), dt.date(2024, 3, 1), 1_000_000)
    pay(SocialBeneficiaryFactory(), dt.date(2024, 3, 1), 360_000)
    figures = summary()["meritorious"]
    assert figures["allowance_payments"] == 7
    assert figures["allowance_amount_vnd"] == 6 * 2_702_000 + 2_055_000
    commune = summary("commune", HUU_LUNG)["meritorious"]
    assert (commune["allowance_payments"], commune["allowance_amount_vnd"]) == (6, 6 * 2_702_000)


def test_dossiers_received_and_resolved_in_the_period():
    DossierFactory(received_on=dt.date(2024, 1, 1))
    DossierFactory(received_on=dt.date(2024, 6, 30), status="in_review")
    DossierFactory(received_on=dt.date(2023, 12, 20), status="approved", decided_on=dt.date(2024, 1, 10))
    DossierFactory(received_on=dt.date(2024, 2, 1), status="rejected", decided_on=dt.date(2024, 3, 1))
    DossierFactory(received_on=dt.date(2024, 5, 1), status="approved", decided_on=dt.date(2024, 7, 1))
    DossierFactory(received_on=dt.date(2024, 3, 1), status="returned")
    DossierFactory(received_on=dt.date(2024, 7, 1))
    DossierFactory(received_on=dt.date(2024, 3, 1), commune_id=HA_NOI_COMMUNE)
    figures = summary()["meritorious"]
    assert (figures["dossiers_received"], figures["dossiers_resolved"]) == (5, 2)


def test_social_protection_counts_those_entitled_on_the_last_day():
    SocialBeneficiaryFactory()
    SocialBeneficiaryFactory(end_on=dt.date(2024, 6, 30), end_reason="other")  # still on 30/06
    ended = SocialBeneficiaryFactory(end_on=dt.date(2024, 3, 15), end_reason="died")  # mid-half-year
    SocialBeneficiaryFactory(start_on=dt.date(2024, 7, 1))
    SocialBeneficiaryFactory(commune_id=HA_NOI_COMMUNE)
    BeneficiaryFactory()  # a meritorious person
    for month in (1, 2, 3):
        pay(ended, dt.date(2024, month, 1), 360_000)
    figures = summary()["social_protection"]
    assert figures == {"beneficiaries": 2, "payments": 3, "amount_vnd": 1_080_000}


def test_the_command_prints_both_keys_with_zeros_for_an_empty_area():
    out = StringIO()
    call_command("halfyear_summary", "--commune", str(HUU_LUNG), "--year", "2022", "--half", "1", stdout=out)
    data = json.loads(out.getvalue())
    assert data["meritorious"] == {
        "allowance_payments": 0, "allowance_amount_vnd": 0, "dossiers_received": 0, "dossiers_resolved": 0,
    }
    assert data["social_protection"] == {"beneficiaries": 0, "payments": 0, "amount_vnd": 0}
