"""The demo shows the half-year reports (make run): snapshots of Lạng Sơn and its communes, the
province's report of the first half of 2022 approved with the head's text."""

from io import StringIO

import pytest
from django.core.management import call_command

from welfare.reports.models import SummarySnapshot

pytestmark = pytest.mark.django_db


def test_demo_snapshots_and_the_approved_report_of_2022():
    call_command("demo_data", stdout=StringIO())
    made = SummarySnapshot.objects.count()
    call_command("demo_data", stdout=StringIO())
    assert SummarySnapshot.objects.count() == made
    report = SummarySnapshot.objects.get(province_id=20, commune__isnull=True, year=2022, half=1)
    assert report.approved and report.approved_by.username == "lanhdao" and report.shortcomings
    assert report.data["employment"]["new_jobs"] > 0 and report.data["hunger_relief"]["households"] > 0
    huu_lung = SummarySnapshot.objects.get(commune_id=6385, year=2022, half=1)
    assert huu_lung.data["employment"]["plan_rate"] == 68.75 and not huu_lung.approved
    assert SummarySnapshot.objects.filter(province_id=20, commune__isnull=True, status="draft").exists()
