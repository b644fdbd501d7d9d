import pytest

from tests.factories import CHI_LANG, HUU_LUNG, PlanFactory, head, officer
from welfare.core.models import Job

pytestmark = pytest.mark.django_db


def test_a_head_builds_a_summary_as_a_job_and_sees_its_progress_and_result(
    client, login, django_capture_on_commit_callbacks
):
    PlanFactory(year=2022, indicator="new_jobs", target=16000)
    login(head(20))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/summary/", {"year": 2022, "half": 1, "commune": ""})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status["state"] == "SUCCESS" and status["percent"] == 100
    assert status["result_url"] == f"/reports/summary/job/{job.pk}/"
    html = client.get(status["result_url"]).content.decode()
    assert "Tỉnh Lạng Sơn" in html and "16.000" in html and "01/01/2022" in html


def test_another_user_cannot_see_someone_elses_job(client, login, django_capture_on_commit_callbacks):
    login(officer(HUU_LUNG))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/summary/", {"year": 2022, "half": 1, "commune": HUU_LUNG})
    job = Job.objects.get()
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    client.logout()
    login(officer(CHI_LANG))
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/status/").status_code == 404
    assert client.get(f"/reports/summary/job/{job.pk}/").status_code == 404


def test_an_officer_cannot_summarise_another_commune(client, login):
    login(officer(HUU_LUNG))
    response = client.post("/reports/summary/", {"year": 2022, "half": 1, "commune": CHI_LANG})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not Job.objects.exists()


def test_an_admin_builds_another_provinces_summary(client, login, django_capture_on_commit_callbacks):
    from tests.factories import admin

    login(admin())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/summary/", {"year": 2022, "half": 2, "province": 1, "commune": ""})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert "Thành phố Hà Nội" in client.get(f"/reports/summary/job/{job.pk}/").content.decode()


def test_a_failed_job_says_so_on_its_page(client, login, django_capture_on_commit_callbacks):
    from welfare.core.services import job_start
    from welfare.reports.tasks import summary_build_task

    user = head(20)
    login(user)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=user, task=summary_build_task, kind="halfyear_summary", label="x",
                        kwargs={"level": "province", "code": 99, "year": 2022, "half": 1})
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status["state"] == "FAILURE"
    assert status["error"] == "Province matching query does not exist."
    assert "Tác vụ bị lỗi" in client.get(f"/jobs/{job.pk}/").content.decode()
