"""Job placements: the list (filters, accent-free search, counts by channel), the export,
recording, changing and deleting with the history, linking a worker by citizen ID, and scoping."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from employment.models import Placement
from tests.factories import CHI_LANG, HUU_LUNG, PersonFactory, PlacementFactory, admin, head, officer

pytestmark = pytest.mark.django_db


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


PLACEMENT = {
    "commune": HUU_LUNG,
    "worker_name": "Hoàng Văn  Lợi",
    "worker_id_number": "",
    "channel": "industrial_zone_outside_province",
    "employer": "Công ty TNHH Điện tử Bắc Giang",
    "placed_on": "15/03/2022",
    "note": "",
}


def test_recording_a_placement_without_an_id(client, login):
    login(officer(HUU_LUNG))
    response = client.post(reverse("placement_create"), PLACEMENT)
    assert response.status_code == 302 and response["Location"] == reverse("placement_list")
    placement = Placement.objects.get()
    assert placement.worker_name == "Hoàng Văn Lợi" and placement.person is None
    assert placement.placed_on == dt.date(2022, 3, 15) and placement.commune_id == HUU_LUNG
    assert placement.history.get().history_user.role == "officer"
    text = page(client, reverse("placement_list"))
    assert "Hoàng Văn Lợi" in text and "Công ty TNHH Điện tử Bắc Giang" in text


def test_an_id_of_a_person_with_the_same_name_links_that_person(client, login):
    person = PersonFactory(full_name="Hoàng Văn Lợi", id_number="020090001234", sex="male",
                           birth_date=dt.date(1990, 5, 1))
    login(officer(HUU_LUNG))
    data = {**PLACEMENT, "worker_name": "hoang van loi", "worker_id_number": "020090001234"}
    assert client.post(reverse("placement_create"), data).status_code == 302
    placement = Placement.objects.get()
    assert placement.person == person
    text = page(client, reverse("placement_edit", args=[placement.pk]))
    assert 'data-testid="linked-person"' in text and reverse("person_detail", args=[person.pk]) in text


def test_an_id_of_someone_else_is_refused_on_the_id_field(client, login):
    PersonFactory(full_name="Lê Thị Hoa", id_number="020190000777", sex="female",
                  birth_date=dt.date(1990, 1, 1))
    login(officer(HUU_LUNG))
    response = client.post(reverse("placement_create"), {**PLACEMENT, "worker_id_number": "020190000777"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "worker_id_number" in form.errors and "Lê Thị Hoa" in form.errors["worker_id_number"][0]
    assert not Placement.objects.exists()


def test_a_new_id_makes_a_new_person_of_the_commune(client, login):
    login(officer(HUU_LUNG))
    data = {**PLACEMENT, "worker_id_number": "020092004321"}
    assert client.post(reverse("placement_create"), data).status_code == 302
    person = Placement.objects.get().person
    assert person.full_name == "Hoàng Văn Lợi" and person.commune_id == HUU_LUNG
    assert person.id_number == "020092004321"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"placed_on": (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")}, "placed_on"),
        ({"worker_id_number": "12345"}, "worker_id_number"),
        ({"worker_name": "   "}, "worker_name"),
        ({"channel": "elsewhere"}, "channel"),
    ],
)
def test_bad_values_are_refused_on_their_field(client, login, change, field):
    login(officer(HUU_LUNG))
    response = client.post(reverse("placement_create"), {**PLACEMENT, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Placement.objects.exists()


def test_changing_keeps_the_commune_and_shows_the_history(client, login):
    placement = PlacementFactory(worker_name="Nông Văn Tú", channel="other")
    login(officer(HUU_LUNG, CHI_LANG))
    data = {**PLACEMENT, "commune": CHI_LANG, "worker_name": "Nông Văn Tú", "channel": "labour_export",
            "employer": "Công ty Xuất khẩu lao động", "version": placement.version}
    assert client.post(reverse("placement_edit", args=[placement.pk]), data).status_code == 302
    placement.refresh_from_db()
    assert placement.channel == "labour_export" and placement.commune_id == HUU_LUNG
    assert placement.version == 2
    text = page(client, reverse("placement_edit", args=[placement.pk]))
    assert 'data-testid="history"' in text and "Công ty Xuất khẩu lao động" in text
    assert 'name="commune"' in text and "disabled" in text


def test_a_stale_version_is_refused(client, login):
    placement = PlacementFactory(worker_name="Nông Văn Tú")
    login(officer(HUU_LUNG))
    data = {**PLACEMENT, "worker_name": "Nông Văn Tú", "note": "late", "version": placement.version}
    Placement.objects.filter(pk=placement.pk).update(version=placement.version + 1)
    response = client.post(reverse("placement_edit", args=[placement.pk]), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    placement.refresh_from_db()
    assert placement.note == ""


def test_deleting_asks_first_then_keeps_the_history(client, login):
    placement = PlacementFactory(worker_name="Nông Văn Tú")
    user = officer(HUU_LUNG)
    login(user)
    url = reverse("placement_delete", args=[placement.pk])
    text = page(client, url)
    assert 'data-testid="delete-form"' in text and "Nông Văn Tú" in text
    assert Placement.objects.filter(pk=placement.pk).exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("placement_list")
    assert not Placement.objects.filter(pk=placement.pk).exists()
    record = Placement.history.filter(id=placement.pk).latest("history_date")
    assert record.history_type == "-" and record.history_user == user
    assert len(list(response.context["messages"])) == 1


def test_the_list_filters_searches_and_counts_by_channel(client, login):
    PlacementFactory(worker_name="Đặng Văn Đức", channel="labour_export", employer="Công ty Nhật Bản",
                     placed_on=dt.date(2022, 2, 1))
    PlacementFactory(worker_name="Lý Thị Mai", channel="service_centre", placed_on=dt.date(2023, 5, 1))
    PlacementFactory(worker_name="Lý Văn Nam", channel="service_centre", placed_on=dt.date(2023, 6, 1))
    PlacementFactory(worker_name="Người Chi Lăng", commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    url = reverse("placement_list")
    response = client.get(url)
    totals = response.context["totals"]
    assert totals["count"] == 3
    assert {row.key: row.count for row in totals["by_channel"]} == {
        "employment_fund": 0, "socioeconomic_programme": 0, "industrial_zone_outside_province": 0,
        "labour_export": 1, "service_centre": 2, "other": 0,
    }
    text = html.unescape(response.content.decode())
    assert "Người Chi Lăng" not in text and 'data-testid="record"' in text
    text = page(client, url, q="dang van duc")
    assert "Đặng Văn Đức" in text and "Lý Thị Mai" not in text
    text = page(client, url, q="nhật bản")
    assert "Đặng Văn Đức" in text and "Lý Thị Mai" not in text
    text = page(client, url, channel="service_centre")
    assert "Lý Thị Mai" in text and "Lý Văn Nam" in text and "Đặng Văn Đức" not in text
    response = client.get(url, {"year": 2022})
    assert [p.worker_name for p in response.context["object_list"]] == ["Đặng Văn Đức"]
    assert response.context["totals"]["count"] == 1
    # Another commune's code is no choice of the filter: the officer's own list, never Chi Lăng's.
    response = client.get(url, {"commune": CHI_LANG})
    assert response.status_code == 200 and "commune" in response.context["filter_form"].errors
    assert {p.commune_id for p in response.context["object_list"]} == {HUU_LUNG}


def test_the_list_pages_by_fifty_and_keeps_the_filters(client, login):
    for _ in range(51):
        PlacementFactory(channel="other")
    login(officer(HUU_LUNG))
    response = client.get(reverse("placement_list"), {"channel": "other"})
    assert len(response.context["object_list"]) == 50 and response.context["totals"]["count"] == 51
    assert "channel=other&amp;page=2" in response.content.decode()


def test_export_follows_the_filters_and_the_scope(client, login, caplog):
    PlacementFactory(worker_name="Nông Thị Hoa", worker_id_number="020190000777", channel="labour_export",
                     employer="Công ty Nhật Bản", placed_on=dt.date(2022, 4, 2))
    PlacementFactory(worker_name="Hà Văn Bình")
    PlacementFactory(worker_name="Người Chi Lăng", commune_id=CHI_LANG)
    user = officer(HUU_LUNG)
    login(user)
    with caplog.at_level("INFO", logger="welfare.audit"):
        response = client.get(reverse("placement_export"), {"channel": "labour_export"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="giai-quyet-viec-lam-')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "Nông Thị Hoa" and rows[1][2] == "020190000777" and rows[1][5] == "Công ty Nhật Bản"
    assert rows[1][6].date() == dt.date(2022, 4, 2)
    assert any(user.username in r.getMessage() for r in caplog.records)
    rows = list(load_workbook(BytesIO(client.get(reverse("placement_export")).content)).active.iter_rows(
        values_only=True))
    assert sorted(r[1] for r in rows[1:]) == ["Hà Văn Bình", "Nông Thị Hoa"]


def test_an_officer_cannot_see_change_or_delete_another_communes_placement(client, login):
    other = PlacementFactory(commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    assert client.get(reverse("placement_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("placement_edit", args=[other.pk]), PLACEMENT).status_code == 404
    assert client.get(reverse("placement_delete", args=[other.pk])).status_code == 404
    assert client.post(reverse("placement_delete", args=[other.pk])).status_code == 404
    assert Placement.objects.filter(pk=other.pk).exists()
    response = client.post(reverse("placement_create"), {**PLACEMENT, "commune": CHI_LANG})
    assert response.status_code == 200 and "commune" in response.context["form"].errors
    assert not Placement.objects.exclude(pk=other.pk).exists()


def test_heads_read_the_province_but_do_not_record_change_or_delete(client, login):
    mine = PlacementFactory(worker_name="Người Hữu Lũng")
    PlacementFactory(worker_name="Người Chi Lăng", commune_id=CHI_LANG)
    login(head())
    text = page(client, reverse("placement_list"))
    assert "Người Hữu Lũng" in text and "Người Chi Lăng" in text
    assert 'data-testid="record"' not in text and reverse("placement_edit", args=[mine.pk]) not in text
    assert client.get(reverse("placement_create")).status_code == 403
    assert client.get(reverse("placement_edit", args=[mine.pk])).status_code == 403
    assert client.post(reverse("placement_delete", args=[mine.pk])).status_code == 403
    assert Placement.objects.filter(pk=mine.pk).exists()
    assert client.get(reverse("placement_export")).status_code == 200


def test_an_admin_records_anywhere(client, login):
    login(admin())
    assert client.post(reverse("placement_create"), {**PLACEMENT, "commune": CHI_LANG}).status_code == 302
    assert Placement.objects.get().commune_id == CHI_LANG


def test_a_placement_changed_after_the_confirmation_page_opened_is_not_deleted(client, login):
    placement = PlacementFactory(worker_name="Nông Văn Tú")
    login(officer(HUU_LUNG))
    url = reverse("placement_delete", args=[placement.pk])
    assert 'name="version" value="1"' in page(client, url)
    Placement.objects.filter(pk=placement.pk).update(version=2, employer="Công ty khác")
    response = client.post(url, {"version": "1"}, follow=True)
    assert Placement.objects.filter(pk=placement.pk).exists()
    assert len(list(response.context["messages"])) == 1
    client.post(url, {"version": "2"})
    assert not Placement.objects.filter(pk=placement.pk).exists()
