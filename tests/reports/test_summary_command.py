import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import HUU_LUNG, PlanFactory

pytestmark = pytest.mark.django_db


def summary(*args) -> dict:
    out = StringIO()
    call_command("halfyear_summary", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_province_summary_prints_the_targets_set_as_plans():
    PlanFactory(year=2022, indicator="new_jobs", target=16000)
    PlanFactory(year=2022, indicator="trained_labour_rate", target=60)
    PlanFactory(year=2022, indicator="poverty_rate_reduction", target=Decimal("2.5"))
    PlanFactory(year=2023, indicator="new_jobs", target=17000)  # another year
    PlanFactory(year=2022, indicator="new_jobs", target=300, commune_id=HUU_LUNG)  # a commune's
    data = summary("--province", "20", "--year", "2022", "--half", "1")
    assert data["area"] == {"level": "province", "code": "20", "name": "Tỉnh Lạng Sơn"}
    assert data["period"] == {"year": 2022, "half": 1, "start": "2022-01-01", "end": "2022-06-30"}
    assert data["targets"] == {"new_jobs": 16000, "trained_labour_rate": 60, "poverty_rate_reduction": 2.5}
    assert isinstance(data["targets"]["new_jobs"], int)


def test_a_commune_summary_uses_the_communes_own_plans_and_the_second_half():
    PlanFactory(year=2022, indicator="new_jobs", target=16000)
    PlanFactory(year=2022, indicator="new_jobs", target=300, commune_id=HUU_LUNG)
    data = summary("--commune", str(HUU_LUNG), "--year", "2022", "--half", "2")
    assert data["area"] == {"level": "commune", "code": "6385", "name": "Xã Hữu Lũng"}
    assert data["period"]["start"] == "2022-07-01" and data["period"]["end"] == "2022-12-31"
    assert data["targets"] == {"new_jobs": 300, "trained_labour_rate": 0, "poverty_rate_reduction": 0}


def test_an_area_without_plans_has_zero_targets(tmp_path):
    out = tmp_path / "s.json"
    call_command("halfyear_summary", "--province", "1", "--year", "2022", "--half", "1",
                 "--output", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["area"]["name"] == "Thành phố Hà Nội"
    assert data["targets"] == {"new_jobs": 0, "trained_labour_rate": 0, "poverty_rate_reduction": 0}


def test_unknown_areas_and_formats_not_yet_written_are_refused():
    with pytest.raises(CommandError, match="no province 99"):
        summary("--province", "99", "--year", "2022", "--half", "1")
    with pytest.raises(CommandError, match="--output"):
        summary("--province", "20", "--year", "2022", "--half", "1", "--format", "pdf")
