"""An import's rows carry who imported them and which import (issue 8, items 1 and 4): the history
names the importing user and "Import #N", linked to the import's page for those who may open
it; an import after an officer's edit wins, with both changes in the history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.factories import CHI_LANG, HUU_LUNG, HouseholdFactory, officer
from welfare.core.services import versioned_update
from welfare.households.models import Household, Member, Person
from welfare.imports.models import ImportRun

from .helpers import csv_bytes

pytestmark = pytest.mark.django_db

HH = ["household_code", "commune_code", "head_name", "area_type", "village"]


def test_an_import_after_an_officers_edit_wins_and_both_changes_are_traced(
    client, django_capture_on_commit_callbacks
):
    editor = officer(HUU_LUNG, first_name="Lan", last_name="Đỗ Thị")
    importer = officer(HUU_LUNG, first_name="Hùng", last_name="Mạc Văn")
    household = HouseholdFactory(code="HL-77", village="Thôn Cũ")
    head_name = household.head.full_name
    household._history_user = editor
    versioned_update(household, expected_version=1, changes={"village": "Thôn Của Lan"})

    client.force_login(importer)
    data = csv_bytes([HH, ["HL-77", HUU_LUNG, head_name, "rural", "Thôn Của Tệp"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", {"kind": "households", "file": SimpleUploadedFile("ho.csv", data)})
    assert response.status_code == 302
    run = ImportRun.objects.get()

    household = Household.objects.get(code="HL-77")
    assert household.village == "Thôn Của Tệp"  # last writer wins
    rows = list(household.history.order_by("history_date", "history_id"))
    by_import = [r for r in rows if r.history_change_reason == run.history_reason]
    assert by_import and all(r.history_user == importer for r in by_import)
    assert any(r.history_user == editor and r.village == "Thôn Của Lan" for r in rows)

    # The household's page: both changes with their actors, the import linked to its page.
    html = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    with translation.override("vi"):
        label = translation.gettext("Import #%(number)s") % {"number": run.pk}
    assert editor.display_name in html and importer.display_name in html
    assert "Thôn Của Lan" in html and "Thôn Của Tệp" in html
    link = f'<a href="{reverse("import_result", args=[run.pk])}">{label}</a>'
    assert link in html
    assert client.get(reverse("import_result", args=[run.pk])).status_code == 200

    # An officer who may not open that import reads its number, without a link.
    client.force_login(editor)
    html = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert label in html and link not in html
    assert client.get(reverse("import_result", args=[run.pk])).status_code == 404


def test_every_history_row_an_import_creates_names_the_user_and_the_import(
    client, django_capture_on_commit_callbacks
):
    importer = officer(HUU_LUNG, CHI_LANG)
    client.force_login(importer)
    data = csv_bytes([HH, ["HL-1", HUU_LUNG, "Nguyễn Văn An", "rural", ""], ["CL-1", CHI_LANG, "Lê Văn Bình", "rural", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/", {"kind": "households", "file": SimpleUploadedFile("ho.csv", data)})
    run = ImportRun.objects.get()
    assert run.problems == [] and Household.objects.count() == 2
    written = [*Household.history.all(), *Person.history.all(), *Member.history.all()]
    assert len(written) >= 6
    assert {(r.history_user_id, r.history_change_reason) for r in written} == {(importer.pk, run.history_reason)}
