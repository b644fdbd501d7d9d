import pytest

from tests.factories import CHI_LANG, HA_NOI_COMMUNE, HUU_LUNG, PlanFactory, admin, head, officer
from welfare.reports.models import Plan

pytestmark = pytest.mark.django_db


def test_a_head_sets_a_province_target_in_the_ui(client, login):
    login(head(20))
    response = client.post(
        "/reports/plans/new/",
        {"province": 20, "commune": "", "year": 2022, "indicator": "trained_labour_rate", "target": "62,5"},
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.province_id, plan.commune_id, str(plan.target)) == (20, None, "62.50")
    html = client.get("/reports/plans/?year=2022").content.decode()
    assert "62,5%" in html and "Tỷ lệ lao động qua đào tạo" in html


def test_a_head_cannot_set_a_target_for_another_province(client, login):
    login(head(20))
    response = client.post(
        "/reports/plans/new/",
        {"province": 1, "commune": HA_NOI_COMMUNE, "year": 2022, "indicator": "new_jobs", "target": "5"},
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()


def test_a_second_target_for_the_same_key_is_refused_with_a_message(client, login):
    PlanFactory(year=2022, indicator="new_jobs", target=16000)
    login(head(20))
    response = client.post(
        "/reports/plans/new/",
        {"province": 20, "commune": "", "year": 2022, "indicator": "new_jobs", "target": "17000"},
    )
    assert "đã có chỉ tiêu" in response.content.decode()
    assert Plan.objects.get().target == 16000


def test_rules_of_a_target(client, login):
    login(head(20))
    html = client.post(
        "/reports/plans/new/",
        {"province": 20, "year": 2022, "indicator": "new_jobs", "target": "12,5"},
    ).content.decode()
    assert "số nguyên" in html
    html = client.post(
        "/reports/plans/new/",
        {"province": 20, "year": 2022, "indicator": "trained_labour_rate", "target": "120"},
    ).content.decode()
    assert "từ 0 đến 100" in html
    assert not Plan.objects.exists()


def test_a_stale_edit_is_refused_and_history_kept(client, login):
    plan = PlanFactory(year=2022, indicator="new_jobs", target=16000)
    login(head(20))
    form = {"province": 20, "commune": "", "year": 2022, "indicator": "new_jobs", "version": 1}
    assert client.post(f"/reports/plans/{plan.pk}/", {**form, "target": "16500"}).status_code == 302
    # A second head who opened the form at version 1 submits afterwards.
    html = client.post(f"/reports/plans/{plan.pk}/", {**form, "target": "15000"}).content.decode()
    assert "data-testid=\"stale-changes\"" in html
    plan.refresh_from_db()
    assert plan.target == 16500 and plan.version == 2
    assert [int(h.target) for h in plan.history.all()] == [16500, 16000]
    assert "Lịch sử thay đổi" in client.get(f"/reports/plans/{plan.pk}/").content.decode()


def test_officers_see_their_communes_plans_only_and_cannot_edit(client, login):
    own = PlanFactory(year=2022, commune_id=HUU_LUNG, target=300)
    other = PlanFactory(year=2022, commune_id=CHI_LANG, target=250)
    login(officer(HUU_LUNG))
    html = client.get("/reports/plans/").content.decode()
    assert "Xã Hữu Lũng" in html and "Xã Chi Lăng" not in html
    assert client.get(f"/reports/plans/{own.pk}/").status_code == 403
    client.logout()
    login(head(1))
    assert client.get(f"/reports/plans/{other.pk}/").status_code == 404


def test_an_admin_sets_any_provinces_target(client, login):
    login(admin())
    response = client.post(
        "/reports/plans/new/",
        {"province": 1, "commune": HA_NOI_COMMUNE, "year": 2026, "indicator": "new_jobs", "target": "40"},
    )
    assert response.status_code == 302
    assert Plan.objects.get().commune_id == HA_NOI_COMMUNE
