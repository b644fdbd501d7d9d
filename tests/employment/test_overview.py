"""The employment overview: a year's new jobs against the plan (read from `welfare.reports`,
never 0 % without one), by half and by channel, the year's fund loans, a head's table of
communes in a bounded number of queries, the year and province selectors, expiring passes."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employment import indicators, progress
from employment.models import Channel
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    BorderPassFactory,
    LoanFactory,
    PlacementFactory,
    PlanFactory,
    admin,
    head,
    officer,
)
from welfare.areas.models import Commune
from welfare.reports.periods import Period, ReportArea

pytestmark = pytest.mark.django_db

URL = reverse("employment_overview")


def overview(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, html.unescape(response.content.decode())


def test_one_placement_of_a_plan_of_32_is_3_13_percent(client, login):
    PlanFactory(year=2022, target=32)
    PlacementFactory(placed_on=dt.date(2022, 4, 1))
    PlacementFactory(placed_on=dt.date(2021, 12, 31))  # another year
    PlacementFactory(placed_on=dt.date(2023, 1, 1))  # another year
    PlacementFactory(commune_id=HA_NOI_COMMUNE, placed_on=dt.date(2022, 5, 1))  # another province
    login(head())
    response, text = overview(client, year=2022)
    [area] = response.context["areas"]
    assert (area.area.level, area.area.code) == ("province", LANG_SON)
    assert area.new_jobs == 1 and area.plan == 32 and area.plan_rate == Decimal("3.13")
    assert 'data-testid="new-jobs">1<' in text
    assert 'data-testid="plan">32<' in text
    assert 'data-testid="plan-rate">3,13%<' in text
    assert 'data-testid="progress"' in text and 'data-width="3"' in text
    assert f'href="{reverse("plan_list")}?year=2022"' in text


def test_without_a_plan_no_rate_is_shown(client, login):
    PlacementFactory(placed_on=dt.date(2022, 4, 1))
    PlanFactory(year=2021, target=10)  # another year's plan does not count
    login(head())
    response, text = overview(client, year=2022)
    [area] = response.context["areas"]
    assert area.plan is None and area.plan_rate is None
    assert 'data-testid="no-plan"' in text and 'data-testid="plan-rate">—<' in text
    assert 'data-testid="progress"' not in text and "0,00%" not in text


def test_the_year_splits_by_half_and_by_every_channel(client, login):
    PlacementFactory(placed_on=dt.date(2022, 1, 1), channel="labour_export")
    PlacementFactory(placed_on=dt.date(2022, 6, 30), channel="service_centre")
    PlacementFactory(placed_on=dt.date(2022, 7, 1), channel="service_centre")
    PlacementFactory(placed_on=dt.date(2022, 12, 31), channel="service_centre", commune_id=CHI_LANG)
    login(head())
    response, text = overview(client, year=2022)
    [area] = response.context["areas"]
    assert area.new_jobs == 4
    assert [(h.period.half, h.count) for h in area.halves] == [(1, 2), (2, 2)]
    assert [(row.key, row.count) for row in area.by_channel] == [
        (key, {"labour_export": 1, "service_centre": 3}.get(key, 0)) for key in Channel.values
    ]
    assert '<tr data-channel="other" class="text-body-tertiary">' in text
    assert '<tr data-channel="service_centre">' in text
    # The same figures as the half-year summary's indicators, half by half.
    lang_son = ReportArea.province(LANG_SON)
    for half, row in zip((1, 2), area.halves, strict=True):
        assert indicators.employment(lang_son, Period(2022, half))["new_jobs"] == row.count


def test_the_years_fund_loans(client, login):
    LoanFactory(amount_vnd=50_000_000, jobs=1, disbursed_on=dt.date(2022, 3, 15))
    LoanFactory(amount_vnd=30_000_000, jobs=2, disbursed_on=dt.date(2022, 9, 1), commune_id=CHI_LANG)
    LoanFactory(amount_vnd=90_000_000, jobs=1, disbursed_on=dt.date(2021, 9, 1))  # another year
    LoanFactory(amount_vnd=90_000_000, jobs=1, disbursed_on=dt.date(2022, 9, 1), commune_id=HA_NOI_COMMUNE)
    login(head())
    response, text = overview(client, year=2022)
    [area] = response.context["areas"]
    assert area.loans == {"projects": 2, "amount_vnd": 80_000_000, "jobs": 3}
    assert area.new_jobs == 0  # a loan's jobs are not placements
    assert 'data-testid="loan-amount">80.000.000 đ<' in text
    lang_son = ReportArea.province(LANG_SON)
    halves = [indicators.fund_loans(lang_son, Period(2022, h)) for h in (1, 2)]
    assert area.loans == {k: halves[0][k] + halves[1][k] for k in area.loans}


def test_an_officer_sees_only_their_commune(client, login):
    PlanFactory(year=2022, commune_id=HUU_LUNG, target=4)
    PlanFactory(year=2022, target=32)  # the province's plan is not the commune's
    PlacementFactory(placed_on=dt.date(2022, 4, 1))
    PlacementFactory(placed_on=dt.date(2022, 4, 1), commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    response, text = overview(client, year=2022)
    [area] = response.context["areas"]
    assert (area.area.level, area.area.code) == ("commune", HUU_LUNG)
    assert area.new_jobs == 1 and area.plan == 4 and area.plan_rate == Decimal("25.00")
    assert 'data-testid="plan-rate">25,00%<' in text
    assert 'data-testid="communes"' not in text and "Xã Chi Lăng" not in text


def test_an_officer_of_two_communes_sees_each(client, login):
    PlacementFactory(placed_on=dt.date(2022, 4, 1))
    PlacementFactory(placed_on=dt.date(2022, 4, 1), commune_id=CHI_LANG)
    PlacementFactory(placed_on=dt.date(2022, 5, 1), commune_id=CHI_LANG)
    login(officer(HUU_LUNG, CHI_LANG))
    response, _ = overview(client, year=2022)
    assert [(a.area.name, a.new_jobs) for a in response.context["areas"]] == [
        ("Xã Chi Lăng", 2),
        ("Xã Hữu Lũng", 1),
    ]


def test_a_head_sees_the_communes_with_records_by_name(client, login):
    PlanFactory(year=2022, commune_id=HUU_LUNG, target=4)
    PlacementFactory(placed_on=dt.date(2022, 4, 1))
    PlacementFactory(placed_on=dt.date(2022, 4, 1), commune_id=CHI_LANG)
    LoanFactory(disbursed_on=dt.date(2022, 3, 1), commune_id=CHI_LANG)
    PlacementFactory(placed_on=dt.date(2021, 4, 1), commune_id=Commune.objects.filter(province=LANG_SON)
                     .exclude(code__in=[HUU_LUNG, CHI_LANG]).first().code)  # another year only
    PlacementFactory(placed_on=dt.date(2022, 4, 1), commune_id=HA_NOI_COMMUNE)
    login(head())
    response, text = overview(client, year=2022)
    rows = response.context["communes"]
    assert [(r.area.name, r.new_jobs, r.plan, r.plan_rate) for r in rows] == [
        ("Xã Chi Lăng", 1, None, None),
        ("Xã Hữu Lũng", 1, 4, Decimal("25.00")),
    ]
    assert rows[0].loans["projects"] == 1
    assert 'data-testid="communes"' in text and text.index("Xã Chi Lăng") < text.index("Xã Hữu Lũng")


def test_the_head_page_reads_a_bounded_number_of_queries(client, login):
    communes = list(Commune.objects.filter(province=LANG_SON).order_by("code")[:12])
    login(head())

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            overview(client, year=2022)
        return len(queries)

    PlacementFactory(placed_on=dt.date(2022, 4, 1), commune_id=communes[0].code)
    few = count()
    for commune in communes[1:]:
        PlacementFactory(placed_on=dt.date(2022, 4, 1), commune_id=commune.code)
        LoanFactory(disbursed_on=dt.date(2022, 4, 1), commune_id=commune.code)
        PlanFactory(year=2022, commune_id=commune.code, target=3)
    response, _ = overview(client, year=2022)
    assert len(response.context["communes"]) == 12
    assert count() == few


def test_the_year_selector_offers_the_years_with_records(client, login):
    today = timezone.localdate()
    PlacementFactory(placed_on=dt.date(2019, 4, 1))
    LoanFactory(disbursed_on=dt.date(2020, 3, 1))
    PlanFactory(year=2021, target=5)
    PlacementFactory(placed_on=dt.date(2018, 4, 1), commune_id=HA_NOI_COMMUNE)  # not the head's
    login(head())
    response, _ = overview(client)
    assert response.context["years"] == sorted({today.year, 2021, 2020, 2019}, reverse=True)
    assert response.context["year"] == today.year
    assert overview(client, year=2020)[0].context["year"] == 2020
    assert overview(client, year="nonsense")[0].context["year"] == today.year
    assert progress.overview_years(user=admin(), today=today)[-1] == 2018


def test_an_admin_chooses_the_province(client, login):
    PlacementFactory(placed_on=dt.date(2022, 4, 1), commune_id=HA_NOI_COMMUNE)
    PlacementFactory(placed_on=dt.date(2022, 4, 1))
    PlacementFactory(placed_on=dt.date(2022, 5, 1))
    login(admin())
    response, text = overview(client, year=2022, province=LANG_SON)
    [area] = response.context["areas"]
    assert area.area.code == LANG_SON and area.new_jobs == 2
    assert 'name="province"' in text and 'data-testid="communes"' in text
    response, _ = overview(client, year=2022, province=1)
    assert response.context["areas"][0].new_jobs == 1
    response, _ = overview(client, year=2022)  # a province is chosen for them
    assert response.context["province"] is not None


def test_the_passes_expiring_soon_card(client, login):
    today = timezone.localdate()
    issued = today - dt.timedelta(days=300)
    BorderPassFactory(issued_on=issued, expires_on=today)
    BorderPassFactory(issued_on=issued, expires_on=today + dt.timedelta(days=30))
    BorderPassFactory(issued_on=issued, expires_on=today + dt.timedelta(days=31))
    BorderPassFactory(issued_on=issued, expires_on=today - dt.timedelta(days=1))
    BorderPassFactory(issued_on=issued, expires_on=today + dt.timedelta(days=5), commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    response, text = overview(client)
    assert response.context["expiring_passes"] == 2
    assert 'data-testid="expiring-count">2<' in text
    assert f'href="{reverse("border_pass_list")}?expiry=soon"' in text


def test_everyone_with_cases_opens_it_and_the_menu_leads_there(client, login):
    for user in (officer(HUU_LUNG), head(), admin()):
        login(user)
        text = overview(client)[1]
        assert f'href="{URL}" data-nav="employment"' in text
        assert f'href="{reverse("placement_list")}" data-nav="placements"' in text
        client.logout()
    assert client.get(URL).status_code == 302
