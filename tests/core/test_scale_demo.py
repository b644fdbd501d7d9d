"""Province-scale demo data (`demo_data --scale full`), run at a few hundred households: the same
generator and import paths as the full scale."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from beneficiaries.models import Beneficiary, Dossier, Payment
from employment.models import Loan, Placement
from relief.models import CovidSupport, Distribution, Gift
from welfare.areas.models import Commune
from welfare.core.scale_demo import ScaleDemo
from welfare.households.models import Household, InsuranceCard, Member, PovertyReview
from welfare.imports.models import ImportRun, RunStatus
from welfare.reports.models import Plan

pytestmark = pytest.mark.django_db

LANG_SON = 20
PREFIX = "SD20-"


def counts() -> dict[str, int]:
    return {
        "households": Household.objects.filter(code__startswith=PREFIX).count(),
        "members": Member.objects.filter(household__code__startswith=PREFIX).count(),
        "reviews": PovertyReview.objects.filter(household__code__startswith=PREFIX).count(),
        "cards": InsuranceCard.objects.count(),
        "distributions": Distribution.objects.count(),
        "gifts": Gift.objects.count(),
        "beneficiaries": Beneficiary.objects.count(),
        "payments": Payment.objects.count(),
        "dossiers": Dossier.objects.count(),
        "covid": CovidSupport.objects.count(),
        "loans": Loan.objects.count(),
        "placements": Placement.objects.count(),
        "plans": Plan.objects.count(),
    }


def summary(year: int, half: int) -> dict:
    out = StringIO()
    call_command("halfyear_summary", "--province", str(LANG_SON), "--year", str(year), "--half", str(half),
                 stdout=out)
    return json.loads(out.getvalue())


def test_a_small_province_scale_run_fills_every_kind_in_the_provinces_communes_once():
    lines = []
    imported = ScaleDemo(province=LANG_SON, households=400, write=lines.append).run()
    assert all(imported[kind] > 0 for kind in imported), imported
    # The province, one line per kind, the total (and on PostgreSQL the ANALYZE that follows).
    assert len(lines) == 2 + len(imported) + (connection.vendor == "postgresql")
    assert (lines[-1].startswith("ANALYZE")) == (connection.vendor == "postgresql")
    first = counts()
    assert first["households"] == 400
    assert first["reviews"] == 800  # the reviews of 2021 and 2025
    assert first["members"] >= 400 + 400 // 3  # the heads and some spouses and children
    assert first["cards"] >= 427_880 * 400 // 192_700
    assert all(first[kind] > 0 for kind in first), first
    assert ImportRun.objects.filter(status=RunStatus.IMPORTED, file_name__startswith="scale-demo-20-").count() == 13

    # Every record lies in a commune of the province.
    communes = set(Commune.objects.filter(province_id=LANG_SON).values_list("code", flat=True))
    for model in (Household, InsuranceCard, Distribution, Gift, Beneficiary, Dossier, CovidSupport, Loan,
                  Placement):
        assert set(model.objects.values_list("commune_id", flat=True)) <= communes, model
    assert set(Payment.objects.values_list("beneficiary__commune_id", flat=True)) <= communes
    assert len(set(Household.objects.values_list("commune_id", flat=True))) > 50  # spread over the province

    data = summary(2022, 1)
    assert data["poverty"]["households"] == 400
    assert 0 < data["poverty"]["poor"] < 100 and 0 < data["poverty"]["near_poor"] < 100
    assert data["health_insurance"]["cards_issued"] >= 427_880 * 400 // 192_700
    assert data["hunger_relief"]["households"] > 0 and data["hunger_relief"]["rice_kg"] > 0
    assert data["gifts"]["total"]["count"] > 0 and "poor_household" in data["gifts"]["by_group"]
    assert data["meritorious"]["allowance_payments"] > 0 and data["meritorious"]["dossiers_received"] > 0
    assert data["employment"]["new_jobs"] > 0 and data["employment"]["fund_loans"]["projects"] > 0
    assert data["employment"]["plan"] > 0
    assert data["covid_support"]["cumulative_amount_vnd"] > 0
    assert summary(2022, 2)["employment"]["new_jobs"] > 0

    # Again: every kind is found imported and skipped, nothing is added.
    again = []
    assert sum(ScaleDemo(province=LANG_SON, households=400, write=again.append).run().values()) == 0
    assert counts() == first
    assert sum("skipped" in line for line in again) == 13


def test_the_same_rows_come_from_the_same_seed():
    first = ScaleDemo(province=LANG_SON, households=50, write=lambda line: None)
    second = ScaleDemo(province=LANG_SON, households=50, write=lambda line: None)
    for kind in ("households", "insurance_cards", "gifts", "allowance_payments"):
        header, rows = dict(first.steps())[kind]()
        assert header == dict(second.steps())[kind]()[0]
        assert list(rows) == list(dict(second.steps())[kind]()[1])


def test_the_command_takes_the_scale_options_and_keeps_the_small_demo_without_them(monkeypatch):
    # The small demo's own steps are tested elsewhere: left out here, to keep this test fast.
    monkeypatch.setattr("welfare.core.management.commands.demo_data.demo_steps", lambda: [])
    out = StringIO()
    call_command("demo_data", "--province", str(LANG_SON), "--households", "120", stdout=out)
    text = out.getvalue()
    assert "province 20" in text and "insurance_cards" in text and "Demo data ready" in text
    assert Household.objects.filter(code__startswith=PREFIX).count() == 120
    out = StringIO()
    call_command("demo_data", stdout=out)  # the small demo alone: nothing more at province scale
    assert "province 20" not in out.getvalue()
    assert Household.objects.filter(code__startswith=PREFIX).count() == 120
