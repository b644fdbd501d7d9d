"""The half-year dashboard (issue 7, item 6): it reads the snapshots, never the records (except
"changed since approval" on an approved one), for a head's province and its communes, and for an
officer's own communes only."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CHI_LANG, HUU_LUNG, LANG_SON, PlacementFactory, head, officer
from welfare.reports.models import SummarySnapshot
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import snapshot_approve, snapshot_build

pytestmark = pytest.mark.django_db

H1 = Period(2022, 1)
URL = "/reports/dashboard/"


def build(level: str, code: int, period: Period = H1) -> SummarySnapshot:
    return snapshot_build(area=ReportArea.of(level, code), period=period)


def chart_data(html: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart data block is missing"
    return json.loads(match.group(1))


def card(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}" data-value="([^"]*)"', html)
    assert match, f"no card {testid}"
    return match.group(1)


@pytest.fixture
def snapshots():
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 3, 1))
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 4, 1))
    PlacementFactory(commune_id=CHI_LANG, placed_on=dt.date(2022, 5, 1))
    PlacementFactory(commune_id=CHI_LANG, placed_on=dt.date(2021, 8, 1))  # 2/2021: the trend
    return {
        "province": build("province", LANG_SON),
        "earlier": build("province", LANG_SON, Period(2021, 2)),
        HUU_LUNG: build("commune", HUU_LUNG),
        CHI_LANG: build("commune", CHI_LANG),
    }


def test_a_head_sees_the_provinces_cards_from_its_snapshot(login, snapshots):
    html = login(head()).get(URL, {"period": "2022-1"}).content.decode()
    data = snapshots["province"].data
    assert 'data-level="province" data-code="20"' in html
    assert card(html, "card-jobs") == str(data["employment"]["new_jobs"]) == "3"
    assert card(html, "card-poor") == str(data["poverty"]["poor"])
    assert card(html, "card-cards") == str(data["health_insurance"]["cards_issued"])
    assert card(html, "card-hunger") == str(data["hunger_relief"]["households"])
    assert card(html, "card-loans") == str(data["employment"]["fund_loans"]["projects"])
    assert card(html, "card-covid") == str(data["covid_support"]["cumulative_amount_vnd"])
    assert 'data-testid="no-plan"' in html  # no new-jobs plan for 2022 in this data set
    built = snapshots["province"].built_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert built.strftime("%H:%M %d/%m/%Y") in html
    # The chart by commune: one row per commune snapshot of the period, with its figures.
    communes = chart_data(html)["communes"]
    assert sorted(communes["codes"]) == sorted([HUU_LUNG, CHI_LANG])
    jobs = next(f for f in communes["figures"] if f["key"] == "new_jobs")
    by_code = dict(zip(communes["codes"], jobs["values"]))
    assert by_code == {HUU_LUNG: 2, CHI_LANG: 1}
    # The trend: the province's snapshots up to this half-year, oldest first.
    trend = chart_data(html)["trend"]
    assert trend["labels"] == ["2/2021", "1/2022"]
    assert next(f for f in trend["figures"] if f["key"] == "new_jobs")["values"] == [1, 3]
    # Drill-down: a link per commune to the same dashboard for that commune.
    assert f'href="/reports/dashboard/?commune={HUU_LUNG}&amp;period=2022-1"' in html


def test_the_drill_down_shows_the_communes_snapshot(login, snapshots):
    client = login(head())
    html = client.get(URL, {"commune": HUU_LUNG, "period": "2022-1"}).content.decode()
    assert f'data-level="commune" data-code="{HUU_LUNG}"' in html
    assert card(html, "card-jobs") == "2" and 'data-testid="to-province"' in html
    assert 'id="commune-chart"' not in html


def test_no_snapshot_yet_says_so_and_offers_the_build_to_a_head(login):
    html = login(head()).get(URL, {"period": "2022-1"}).content.decode()
    assert 'data-testid="no-snapshot"' in html and 'data-testid="build-draft"' in html
    assert 'data-testid="cards"' not in html and not SummarySnapshot.objects.exists()


def test_changed_since_approval_shows_on_an_approved_snapshot(login, snapshots):
    chief = head()
    client = login(chief)
    assert 'data-testid="changed-since-approval"' not in client.get(URL, {"period": "2022-1"}).content.decode()
    province = snapshots["province"]
    snapshot_approve(user=chief, snapshot=province, expected_version=province.version)
    assert 'data-testid="changed-since-approval"' not in client.get(URL, {"period": "2022-1"}).content.decode()
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 6, 1))
    html = client.get(URL, {"period": "2022-1"}).content.decode()
    assert 'data-testid="changed-since-approval"' in html
    assert card(html, "card-jobs") == "3"  # the approved figure, not the live one


def test_officers_see_their_communes_only(login, snapshots):
    client = login(officer(HUU_LUNG))
    html = client.get(URL, {"period": "2022-1"}).content.decode()
    assert f'data-level="commune" data-code="{HUU_LUNG}"' in html and card(html, "card-jobs") == "2"
    assert client.get(URL, {"commune": CHI_LANG, "period": "2022-1"}).status_code == 404
    assert client.get(URL, {"province": LANG_SON}).status_code == 403
    other = login(officer(CHI_LANG))
    assert card(other.get(URL, {"period": "2022-1"}).content.decode(), "card-jobs") == "1"


def test_a_head_cannot_open_another_provinces_commune(login, snapshots):
    assert login(head(LANG_SON)).get(URL, {"commune": 4}).status_code == 404


def test_the_dashboard_reads_a_bounded_number_of_queries(login, snapshots):
    client = login(head())
    client.get(URL, {"period": "2022-1"})  # the session and the user, once
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"period": "2022-1"})
    for code in (6187, 5983, 5986):  # more communes with snapshots: not more queries
        build("commune", code)
    with CaptureQueriesContext(connection) as more:
        response = client.get(URL, {"period": "2022-1"})
    assert len(chart_data(response.content.decode())["communes"]["codes"]) == 5
    assert len(more) == len(few) <= 15, [q["sql"] for q in more.captured_queries]
    # No summary is computed: no query reads the records.
    assert not any("employment_placement" in q["sql"] for q in more.captured_queries)
