"""The demo shows every feature of the relief app (make run)."""

from io import StringIO

import pytest
from django.core.management import call_command

from relief.models import CovidSupport, Distribution, Gift, ReliefRound
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build

pytestmark = pytest.mark.django_db


def test_demo_rounds_distributions_gifts_and_support():
    call_command("demo_data", stdout=StringIO())
    counts = (ReliefRound.objects.count(), Distribution.objects.count(), Gift.objects.count(),
              CovidSupport.objects.count())
    call_command("demo_data", stdout=StringIO())
    assert (ReliefRound.objects.count(), Distribution.objects.count(), Gift.objects.count(),
            CovidSupport.objects.count()) == counts

    tet = ReliefRound.objects.get(code="CD-2022-TET")
    assert tet.closed and tet.distributions.count() >= 10
    assert all(d.rice_kg == 15 * d.persons_covered for d in tet.distributions.all())
    lean = ReliefRound.objects.get(code="CD-2026-GH")
    assert not lean.closed and lean.distributions.exists()
    assert Distribution.objects.filter(household__isnull=True).exclude(recipient_name="").exists()
    assert set(Gift.objects.values_list("recipient_group", flat=True)) >= {"poor_household", "elderly", "children"}
    assert CovidSupport.objects.filter(policy_group__isnull=False).exists()
    assert CovidSupport.objects.filter(policy_group__isnull=True).exists()

    summary = summary_build(area=ReportArea.province(20), period=Period(2022, 1))
    assert summary["hunger_relief"]["households"] == tet.distributions.count()
    assert summary["gifts"]["total"]["count"] > 0
    assert summary["covid_support"]["cumulative_amount_vnd"] > 0
    assert Distribution.history.filter(history_user__isnull=True).count() == 0
