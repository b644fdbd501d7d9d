"""The demo shows every feature of the beneficiaries app (make run)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary, Dossier, Payment, PaymentRun
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db


def test_demo_beneficiaries_runs_and_dossiers():
    call_command("demo_data", stdout=StringIO())
    counts = (Beneficiary.objects.count(), PaymentRun.objects.count(), Payment.objects.count(), Dossier.objects.count())
    call_command("demo_data", stdout=StringIO())
    assert (Beneficiary.objects.count(), PaymentRun.objects.count(), Payment.objects.count(), Dossier.objects.count()) == counts

    assert Beneficiary.objects.filter(programme="merit").count() >= 20
    assert Beneficiary.objects.filter(programme="social_protection").count() >= 10
    # The change of schedule in July 2024, for the invalid at 41 % of Hữu Lũng.
    invalid = Beneficiary.objects.get(code="NCC-HL-001")
    assert (invalid.sub_case, invalid.rate_percent) == ("invalid", 41)
    amounts = dict(invalid.payments.filter(month__year=2024).values_list("month", "amount_vnd"))
    assert amounts == {dt.date(2024, 6, 1): 2_702_000, dt.date(2024, 7, 1): 3_667_000}
    # November 2026 awaits the head and lists the invalid at 45 % as not paid.
    waiting = PaymentRun.objects.get(status="draft")
    assert (waiting.month, waiting.commune_id, waiting.programme) == (dt.date(2026, 11, 1), 6385, "merit")
    assert [p["code"] for p in waiting.problems] == ["NCC-HL-100"]
    # A death in September 2026 ends an entitlement: paid for September, not October.
    ended = Beneficiary.objects.get(end_reason="died")
    months = set(ended.payments.filter(kind="monthly", month__year=2026).values_list("month", flat=True))
    assert dt.date(2026, 9, 1) in months and dt.date(2026, 10, 1) not in months
    # Dossiers in every status, some overdue today.
    assert set(Dossier.objects.values_list("status", flat=True)) == {
        "received", "in_review", "approved", "rejected", "returned",
    }
    today = dt.date.today()
    assert any(d.overdue_on(today) for d in Dossier.objects.all())
    # The half-year summary reads them.
    summary = summary_build(area=ReportArea.province(20), period=Period(2026, 1))
    assert summary["meritorious"]["allowance_payments"] > 100
    assert summary["meritorious"]["dossiers_received"] == 10
    assert summary["social_protection"]["beneficiaries"] >= 10
    assert Payment.history.filter(history_user__isnull=True).count() == 0
