"""The import pages, end to end through the test client with eager Celery: upload, progress
job, result, error report, templates, past imports and undo."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import CHI_LANG, HUU_LUNG, head, officer
from welfare.audit.models import AccessEvent
from welfare.core.models import Job
from welfare.households.models import Household
from welfare.imports.models import ImportRun

from .helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HH = ["household_code", "commune_code", "head_name", "area_type", "village"]


def upload(client, capture, name, data, kind="households", dry_run=False):
    form = {"kind": kind, "file": SimpleUploadedFile(name, data)}
    if dry_run:
        form["dry_run"] = "on"
    with capture(execute=True):
        return client.post("/imports/", form)


def test_an_officer_imports_sees_the_result_gets_the_error_report_and_undoes(
    client, login, django_capture_on_commit_callbacks
):
    user = officer(HUU_LUNG)
    login(user)
    page = client.get("/imports/").content.decode()
    assert 'href="/imports/templates/households.xlsx"' in page
    assert "plans.xlsx" not in page  # plans are for heads only

    # A bad file: nothing saved, problems listed with both row numbers, report downloadable.
    bad = xlsx_bytes([HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", ""], [],
                      ["CL-1", CHI_LANG, "Lê Văn Bình", "mountain", ""]])
    response = upload(client, django_capture_on_commit_callbacks, "ho.xlsx", bad)
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status["state"] == "SUCCESS"
    run = ImportRun.objects.get()
    assert status["result_url"] == f"/imports/{run.pk}/"
    html = client.get(status["result_url"]).content.decode()
    assert not Household.objects.exists()
    with translation.override("vi"):
        refused = str(run.get_status_display())
    assert refused in html
    # Row 3 of the contract (a blank line counted) is the spreadsheet's row 4.
    assert '<td class="num">3</td><td class="num">4</td><td><code>commune_code</code></td>' in html
    assert "<code>area_type</code>" in html
    report = client.get(f"/imports/{run.pk}/errors.xlsx")
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(report.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][:3] == (3, 4, "commune_code") and str(CHI_LANG) in rows[1][3]
    assert rows[2][:3] == (3, 4, "area_type") and "mountain" in rows[2][3]
    # The report repeats the uploaded values: who downloaded it is in the access log.
    event = AccessEvent.objects.get(action="downloaded_import_problems")
    assert (event.object_id, event.rows, event.username) == (run.pk, 2, run.user.username)

    # A good CSV: imported, shown in the list of past imports, then undone.
    good = csv_bytes([HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", "Thôn Đồng Tiến"],
                      ["HL-2", HUU_LUNG, "Lê Thị Hoa", "urban", ""]], bom=True)
    upload(client, django_capture_on_commit_callbacks, "ho.csv", good)
    run = ImportRun.objects.latest("pk")
    assert run.status == "imported" and run.added == 2
    assert Household.objects.count() == 2
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert f'action="/imports/{run.pk}/undo/"' in html
    listing = client.get("/imports/").content.decode()
    assert "ho.csv" in listing and "ho.xlsx" in listing
    assert listing.count('/undo/"') == 1  # the refused import offers no undo
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{run.pk}/undo/")
    undo_job = Job.objects.latest("pk")
    assert response["Location"] == f"/jobs/{undo_job.pk}/"
    assert client.get(f"/jobs/{undo_job.pk}/status/").json()["result_url"] == f"/imports/{run.pk}/"
    assert not Household.objects.exists()
    run.refresh_from_db()
    assert run.status == "undone"
    assert f'action="/imports/{run.pk}/undo/"' not in client.get(f"/imports/{run.pk}/").content.decode()


def test_a_dry_run_from_the_page_saves_nothing(client, login, django_capture_on_commit_callbacks):
    login(officer(HUU_LUNG))
    data = csv_bytes([HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", ""]])
    upload(client, django_capture_on_commit_callbacks, "ho.csv", data, dry_run=True)
    run = ImportRun.objects.get()
    assert run.status == "checked" and run.rows == 1 and not Household.objects.exists()
    assert f'action="/imports/{run.pk}/undo/"' not in client.get(f"/imports/{run.pk}/").content.decode()


def test_an_xls_or_too_large_file_is_refused_on_the_form(client, login, settings, monkeypatch):
    login(officer(HUU_LUNG))
    response = client.post("/imports/", {"kind": "households", "file": SimpleUploadedFile("ho.xls", b"\xd0\xcf")})
    assert response.status_code == 200 and ".xlsx" in response.content.decode()
    from welfare.imports import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_MB", 0)
    response = client.post("/imports/", {"kind": "households", "file": SimpleUploadedFile("ho.csv", b"a,b\n")})
    assert response.status_code == 200 and "0 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_imports_are_listed_by_scope_and_another_officer_gets_404(client, login, django_capture_on_commit_callbacks):
    user = officer(HUU_LUNG)
    login(user)
    upload(client, django_capture_on_commit_callbacks, "cua-toi.csv",
           csv_bytes([HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", ""]]))
    run = ImportRun.objects.get()
    client.logout()
    login(officer(CHI_LANG))
    assert "cua-toi.csv" not in client.get("/imports/").content.decode()
    assert client.get(f"/imports/{run.pk}/").status_code == 404
    assert client.get(f"/imports/{run.pk}/errors.xlsx").status_code == 404
    assert not AccessEvent.objects.exists()  # a refused download is no read
    assert client.post(f"/imports/{run.pk}/undo/").status_code == 404
    client.logout()
    boss = head(20)
    login(boss)
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "cua-toi.csv" in html
    assert f'action="/imports/{run.pk}/undo/"' not in html  # only the importer or an admin
    assert client.get("/imports/templates/plans.xlsx").status_code == 200
    client.logout()
    login(officer(HUU_LUNG))
    assert client.get("/imports/templates/plans.xlsx").status_code == 404


def test_a_head_imports_plans_from_the_page(client, login, django_capture_on_commit_callbacks):
    from welfare.reports.models import Plan

    login(head(20))
    data = xlsx_bytes([["province_code", "commune_code", "year", "indicator", "target"],
                       [20, None, 2026, "new_jobs", 17000]])
    upload(client, django_capture_on_commit_callbacks, "kh.xlsx", data, kind="plans")
    assert Plan.objects.get().target == 17000


def test_an_undo_that_would_lose_later_work_is_refused_on_the_page(
    client, login, django_capture_on_commit_callbacks
):
    login(officer(HUU_LUNG))
    upload(client, django_capture_on_commit_callbacks, "ho.csv",
           csv_bytes([HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", ""]]))
    run = ImportRun.objects.get()
    household = Household.objects.get()
    household.village = "Sửa sau khi nhập"
    household.version += 1
    household.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{run.pk}/undo/")
    run.refresh_from_db()
    assert run.status == "imported" and Household.objects.filter(code="HL-1").exists()
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "HL-1" in run.message  # names the household changed since
    assert 'data-testid="run-message"' in html and "HL-1" in html.split('data-testid="run-message"')[1][:400]
