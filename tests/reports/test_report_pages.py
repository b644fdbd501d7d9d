"""The report page (issue 7, item 6): the list of a user's snapshots, the build and rebuild of a
draft through the summary task (eager here), the head's sections, the approval that freezes the
report, and the downloads."""

import datetime as dt

import pytest

from tests.factories import CHI_LANG, HUU_LUNG, LANG_SON, PlacementFactory, head, officer
from welfare.core.models import Job
from welfare.reports.models import SummarySnapshot
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import snapshot_build

pytestmark = pytest.mark.django_db(transaction=False)

H1 = Period(2022, 1)


def build(level: str, code: int, period: Period = H1) -> SummarySnapshot:
    return snapshot_build(area=ReportArea.of(level, code), period=period)


@pytest.fixture
def draft():
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 3, 1))
    return build("province", LANG_SON)


def test_the_list_shows_the_snapshots_of_the_users_areas(login, draft):
    mine, other = build("commune", HUU_LUNG), build("commune", CHI_LANG)
    html = login(head()).get("/reports/").content.decode()
    for snapshot in (draft, mine, other):
        assert f'data-snapshot="{snapshot.pk}"' in html
    assert 'data-testid="build-form"' in html
    html = login(officer(HUU_LUNG)).get("/reports/").content.decode()
    assert f'data-snapshot="{mine.pk}"' in html
    assert f'data-snapshot="{other.pk}"' not in html and f'data-snapshot="{draft.pk}"' not in html
    assert 'data-testid="build-form"' not in html
    # Filters: level and half.
    html = login(head()).get("/reports/", {"level": "commune", "year": 2022, "half": 1}).content.decode()
    assert f'data-snapshot="{draft.pk}"' not in html and f'data-snapshot="{mine.pk}"' in html
    html = login(head()).get("/reports/", {"half": 2}).content.decode()
    assert 'data-testid="no-reports"' in html


@pytest.mark.django_db(transaction=True)
def test_a_head_builds_a_missing_draft_and_rebuilds_it_through_the_task(login, reference_loaded):
    client = login(head())
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 3, 1))
    response = client.post("/reports/build/", {"province": LANG_SON, "commune": "", "year": 2022, "half": 1})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    snapshot = SummarySnapshot.objects.get(commune__isnull=True)
    assert snapshot.data["employment"]["new_jobs"] == 1 and snapshot.built_by_task == job.task_id
    # The job's result link opens the report.
    assert client.get(job.result_url)["Location"] == f"/reports/{snapshot.pk}/"
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 4, 1))
    response = client.post(f"/reports/{snapshot.pk}/rebuild/")
    job = Job.objects.latest("pk")
    assert response["Location"] == f"/jobs/{job.pk}/" and job.result_url == f"/reports/{snapshot.pk}/"
    snapshot.refresh_from_db()
    assert snapshot.data["employment"]["new_jobs"] == 2
    assert SummarySnapshot.objects.filter(commune__isnull=True).count() == 1  # and its communes' drafts


def test_officers_read_their_communes_reports_but_do_not_change_them(login, draft):
    mine, other = build("commune", HUU_LUNG), build("commune", CHI_LANG)
    client = login(officer(HUU_LUNG))
    html = client.get(f"/reports/{mine.pk}/").content.decode()
    assert 'data-testid="narrative"' in html and 'data-testid="sections-form"' not in html
    assert 'data-testid="approve-form"' not in html and 'data-testid="download-pdf"' in html
    assert client.get(f"/reports/{other.pk}/").status_code == 404
    assert client.get(f"/reports/{draft.pk}/").status_code == 404
    assert client.post(f"/reports/{mine.pk}/rebuild/").status_code == 403
    assert client.post(f"/reports/{mine.pk}/sections/", {"version": mine.version}).status_code == 403
    assert client.post(f"/reports/{mine.pk}/approve/", {"version": mine.version}).status_code == 403
    assert client.post("/reports/build/", {"commune": HUU_LUNG, "year": 2022, "half": 1}).status_code == 403


def test_a_head_writes_the_sections_and_a_stale_version_is_refused(login, draft):
    client = login(head())
    html = client.get(f"/reports/{draft.pk}/").content.decode()
    assert 'data-testid="sections-form"' in html and f'name="version" value="{draft.version}"' in html
    response = client.post(f"/reports/{draft.pk}/sections/", {
        "version": draft.version, "shortcomings": "Việc làm còn chậm.", "next_tasks": "", "recommendations": "Đề nghị Bộ hỗ trợ."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.shortcomings, draft.recommendations) == ("Việc làm còn chậm.", "Đề nghị Bộ hỗ trợ.")
    html = client.get(f"/reports/{draft.pk}/").content.decode()
    assert "Việc làm còn chậm." in html.split('data-testid="narrative"')[1].split("</article>")[0]
    # The version the head saw is no longer the stored one: refused, the text kept in the form.
    response = client.post(f"/reports/{draft.pk}/sections/", {
        "version": draft.version - 1, "shortcomings": "Bản cũ.", "next_tasks": "", "recommendations": ""})
    assert response.status_code == 200
    form = response.context["sections_form"]
    assert form.non_field_errors() and "Bản cũ." in response.content.decode()
    draft.refresh_from_db()
    assert draft.shortcomings == "Việc làm còn chậm."


def test_approval_freezes_the_report(login, draft):
    chief = head()
    client = login(chief)
    response = client.post(f"/reports/{draft.pk}/approve/", {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.approved and draft.approved_by == chief
    html = client.get(f"/reports/{draft.pk}/").content.decode()
    assert 'data-testid="approved"' in html and 'data-status="approved"' in html
    for form in ("sections-form", "approve-form", "rebuild", "build-draft"):
        assert f'data-testid="{form}"' not in html
    frozen = (draft.version, draft.figures_json)
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 5, 1))
    client.post(f"/reports/{draft.pk}/rebuild/")
    client.post(f"/reports/{draft.pk}/sections/", {"version": draft.version, "shortcomings": "Sửa."})
    client.post("/reports/build/", {"province": LANG_SON, "commune": "", "year": 2022, "half": 1})
    assert not Job.objects.exists()
    draft.refresh_from_db()
    assert (draft.version, draft.figures_json, draft.shortcomings) == (*frozen, "")


@pytest.mark.parametrize("fmt, content_type, magic", [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ("pdf", "application/pdf", b"%PDF"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
])
def test_downloads(login, draft, fmt, content_type, magic, caplog):
    client = login(officer(HUU_LUNG))
    mine = build("commune", HUU_LUNG)
    assert client.get(f"/reports/{draft.pk}/download/{fmt}/").status_code == 404  # not the officer's
    assert login(head()).get(f"/reports/{draft.pk}/download/odt/").status_code == 404
    response = login(officer(HUU_LUNG)).get(f"/reports/{mine.pk}/download/{fmt}/")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="bao-cao-6-thang-2022-1-huu-lung.{fmt}"'
    assert response.content.startswith(magic)
    response = login(head()).get(f"/reports/{draft.pk}/download/{fmt}/")
    assert f"bao-cao-6-thang-2022-1-lang-son.{fmt}" in response["Content-Disposition"]
    # Each download is in the access log: who, which report, which format.
    from welfare.audit.models import AccessEvent

    event = AccessEvent.objects.filter(action="downloaded_report").latest("pk")
    assert event.object_id == draft.pk and fmt.upper() in event.what
    assert "downloaded_report" in caplog.text
