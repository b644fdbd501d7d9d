"""Issue 9: the summary of every commune of a province at once (`summary_build_communes`) gives
each commune exactly its own `summary_build`, and neither the province's summary nor the
communes' takes more queries when there are more communes or records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CHI_LANG, HUU_LUNG, LANG_SON
from tests.reports.test_halfyear_figures import dataset
from welfare.areas.models import Commune
from welfare.reports.periods import Period, ReportArea
from welfare.reports.summary import summary_build, summary_build_communes, summary_to_jsonable

pytestmark = pytest.mark.django_db

PERIOD = Period(2022, 1)


def queries_of(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_each_communes_summary_equals_its_own_build():
    dataset()
    province = ReportArea.province(LANG_SON)
    communes = summary_build_communes(province=province, period=PERIOD)
    assert list(communes) == list(Commune.objects.filter(province_id=LANG_SON).order_by("code").values_list("code", flat=True))
    for code, summary in communes.items():
        assert summary_to_jsonable(summary) == summary_to_jsonable(
            summary_build(area=ReportArea.commune(code), period=PERIOD)
        ), code
    # The dataset's records are in these two communes: their figures are not all zero.
    assert communes[HUU_LUNG]["poverty"]["households"] > 0
    assert communes[CHI_LANG]["gifts"]["total"]["count"] > 0


def test_query_counts_do_not_grow_with_communes_or_records():
    province = ReportArea.province(LANG_SON)
    communes = Commune.objects.filter(province_id=LANG_SON).count()
    empty_province = queries_of(lambda: summary_build(area=province, period=PERIOD))
    empty_communes = queries_of(lambda: summary_build_communes(province=province, period=PERIOD))
    dataset()
    assert queries_of(lambda: summary_build(area=province, period=PERIOD)) == empty_province
    assert queries_of(lambda: summary_build_communes(province=province, period=PERIOD)) == empty_communes
    # A fixed handful of grouped queries, not some per commune (the province has 65).
    assert communes > 60
    assert empty_communes <= empty_province + 2
