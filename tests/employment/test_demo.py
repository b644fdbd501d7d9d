"""The demo shows every feature of the employment app (make run)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from employment.models import BorderPass, Loan, Placement
from employment.services import EXPIRING_DAYS
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db


def counts():
    return Placement.objects.count(), Loan.objects.count(), BorderPass.objects.count()


def test_demo_placements_loans_and_passes():
    call_command("demo_data", stdout=StringIO())
    made = counts()
    call_command("demo_data", stdout=StringIO())
    assert counts() == made

    # Hữu Lũng's first half of 2022: 220 new jobs of a plan of 320, the report's 68,75 %.
    figures = summary_build(area=ReportArea.commune(6385), period=Period(2022, 1))["employment"]
    assert (figures["new_jobs"], figures["plan"], figures["plan_rate"]) == (220, 320, Decimal("68.75"))
    assert set(figures["by_channel"]) == {"industrial_zone_outside_province", "employment_fund",
                                          "socioeconomic_programme"}
    assert figures["fund_loans"]["projects"] > 0
    province = summary_build(area=ReportArea.province(20), period=Period(2022, 1))["employment"]
    assert province["new_jobs"] > figures["new_jobs"] and province["plan"] == 16000

    assert Placement.objects.filter(person__isnull=False).exists()
    assert set(Loan.objects.values_list("repayment_status", flat=True)) == {"current", "overdue", "repaid"}
    assert any(loan.past_due for loan in Loan.objects.all())
    assert set(Loan.objects.values_list("borrower_type", flat=True)) >= {"individual", "cooperative",
                                                                        "household_business", "business"}
    today = timezone.localdate()
    soon = BorderPass.objects.filter(expires_on__gte=today, expires_on__lte=today + timezone.timedelta(days=EXPIRING_DAYS))
    assert soon.count() >= 2 and BorderPass.objects.filter(expires_on__lt=today).exists()
    assert Placement.history.filter(history_user__isnull=True).count() == 0
    assert Loan.history.filter(history_user__isnull=True).count() == 0
