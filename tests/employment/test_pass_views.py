"""Border-labour passes: the list (expiry filters at their boundaries, the expiring card, search,
order), recording and changing with the services' refusals, the export and scoping."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from employment.models import BorderPass
from tests.factories import CHI_LANG, HUU_LUNG, BorderPassFactory, head, officer

pytestmark = pytest.mark.django_db


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def listed(client, **params) -> list[str]:
    """The pass numbers the list shows, in order."""
    response = client.get(reverse("border_pass_list"), params)
    assert response.status_code == 200
    return [p.number for p in response.context["object_list"]]


def typed(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


PASS = {
    "commune": HUU_LUNG,
    "number": " b 1234567 ",
    "holder_name": "Hoàng  Văn Tùng",
    "holder_id_number": "",
    "issued_on": "10/01/2026",
    "expires_on": "09/01/2027",
    "border_gate": "Cửa khẩu quốc tế Hữu Nghị",
    "workplace": "Bằng Tường, Quảng Tây",
    "note": "",
}


@pytest.fixture
def passes():
    """One pass at each expiry boundary, issued a year before."""
    made = {}
    for number, offset in (("P-YESTERDAY", -1), ("P-TODAY", 0), ("P-30", 30), ("P-31", 31)):
        made[number] = BorderPassFactory(number=number, issued_on=day(offset - 365), expires_on=day(offset))
    return made


def test_the_expiry_filters_at_their_boundaries(client, login, passes):
    login(officer(HUU_LUNG))
    # Valid passes first, soonest expiry first, then the expired.
    assert listed(client) == ["P-TODAY", "P-30", "P-31", "P-YESTERDAY"]
    assert listed(client, expiry="soon") == ["P-TODAY", "P-30"]
    assert listed(client, expiry="expired") == ["P-YESTERDAY"]
    assert listed(client, expiry="valid") == ["P-31"]
    # An unknown value filters nothing out.
    assert len(listed(client, expiry="whenever")) == 4


def test_rows_are_flagged_and_the_card_counts_and_links_the_expiring(client, login, passes):
    BorderPassFactory(number="P-CHI-LANG", commune_id=CHI_LANG, issued_on=day(-300), expires_on=day(3))
    login(officer(HUU_LUNG))
    response = client.get(reverse("border_pass_list"))
    text = html.unescape(response.content.decode())
    assert response.context["expiring"] == 2  # own communes only: not Chi Lăng's
    assert f'href="{reverse("border_pass_list")}?expiry=soon"' in text
    assert 'data-testid="expiring-card"' in text
    states = {p.number: (p.expiry.state, p.expiry.days_left) for p in response.context["object_list"]}
    assert states == {
        "P-YESTERDAY": ("expired", -1), "P-TODAY": ("soon", 0), "P-30": ("soon", 30), "P-31": ("valid", 31),
    }
    assert 'data-testid="pass-P-TODAY" data-expiry="soon"' in text
    assert 'data-testid="pass-P-YESTERDAY" data-expiry="expired"' in text
    assert text.count('data-testid="soon-badge"') == 2 and text.count('data-testid="expired-badge"') == 1
    assert "P-CHI-LANG" not in text


def test_search_commune_and_gate_filters(client, login):
    BorderPassFactory(number="STH000111", holder_name="Đặng Thị Hồng", border_gate="Cửa khẩu Chi Ma")
    BorderPassFactory(number="STH000222", holder_name="Lương Văn Đức")
    BorderPassFactory(number="STH000333", holder_name="Người Chi Lăng", commune_id=CHI_LANG)
    login(officer(HUU_LUNG, CHI_LANG))
    assert listed(client, q="dang thi hong") == ["STH000111"]
    assert listed(client, q="000222") == ["STH000222"]
    assert listed(client, commune=CHI_LANG) == ["STH000333"]
    assert listed(client, border_gate="Cửa khẩu Chi Ma") == ["STH000111"]
    text = page(client, reverse("border_pass_list"))
    assert "Cửa khẩu Chi Ma" in text and "Cửa khẩu quốc tế Hữu Nghị" in text  # the gate filter's choices


def test_recording_a_pass(client, login):
    login(officer(HUU_LUNG))
    text = page(client, reverse("border_pass_create"))
    assert 'list="border-gates"' in text and '<datalist id="border-gates">' in text
    assert "Cửa khẩu Tân Thanh" in text and "Cửa khẩu Cốc Nam" in text  # suggestions
    response = client.post(reverse("border_pass_create"), PASS)
    assert response.status_code == 302, response.context["form"].errors
    saved = BorderPass.objects.get()
    assert (saved.number, saved.holder_name, saved.commune_id) == ("B1234567", "Hoàng Văn Tùng", HUU_LUNG)
    assert (saved.issued_on, saved.expires_on, saved.history.count()) == (dt.date(2026, 1, 10), dt.date(2027, 1, 9), 1)
    text = page(client, reverse("border_pass_list"))
    assert "B1234567" in text and "Hoàng Văn Tùng" in text
    # A gate already recorded is suggested next time, a typed one is kept as typed.
    client.post(reverse("border_pass_create"), {**PASS, "number": "B7654321", "border_gate": "Lối mở Nà Lạn"})
    assert BorderPass.objects.get(number="B7654321").border_gate == "Lối mở Nà Lạn"
    assert "Lối mở Nà Lạn" in page(client, reverse("border_pass_create"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expires_on": "10/01/2026"}, "expires_on"),  # the day it is issued
        ({"expires_on": "09/01/2026"}, "expires_on"),
        ({"issued_on": typed(day(1)), "expires_on": typed(day(400))}, "issued_on"),
        ({"number": "STH-TAKEN"}, "number"),
        ({"holder_id_number": "12345"}, "holder_id_number"),
        ({"issued_on": "31/02/2026"}, "issued_on"),
    ],
)
def test_bad_values_are_refused(client, login, change, field):
    BorderPassFactory(number="STH-TAKEN", commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    response = client.post(reverse("border_pass_create"), {**PASS, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert BorderPass.objects.count() == 1


def test_changing_a_pass_keeps_its_commune_and_history(client, login):
    border_pass = BorderPassFactory(
        number="STH-EDIT", holder_name="Vi Văn Sáu", issued_on=day(-340), expires_on=day(25)
    )
    login(officer(HUU_LUNG, CHI_LANG))
    url = reverse("border_pass_edit", args=[border_pass.pk])
    response = client.get(url)
    text = html.unescape(response.content.decode())
    assert 'data-testid="expiry-state"' in text and 'name="version"' in text
    assert response.context["form"].fields["commune"].disabled
    data = {
        **PASS, "commune": CHI_LANG, "number": "STH-EDIT", "holder_name": "Vi Văn Sáu",
        "issued_on": typed(day(-340)), "expires_on": typed(day(25 + 365)), "version": border_pass.version,
    }
    assert client.post(url, data).status_code == 302
    border_pass.refresh_from_db()
    assert (border_pass.expires_on, border_pass.commune_id, border_pass.version) == (day(390), HUU_LUNG, 2)
    text = page(client, url)
    assert 'data-testid="history"' in text and 'data-testid="expiry-state"' not in text
    # Another number already recorded is refused; a stale version too.
    BorderPassFactory(number="STH-OTHER")
    response = client.post(url, {**data, "number": "STH-OTHER", "version": 2})
    assert response.status_code == 200 and "number" in response.context["form"].errors
    response = client.post(url, {**data, "holder_name": "Vi Văn Bảy", "version": 1})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    border_pass.refresh_from_db()
    assert (border_pass.number, border_pass.holder_name, border_pass.version) == ("STH-EDIT", "Vi Văn Sáu", 2)


def test_an_officer_does_not_reach_another_communes_pass(client, login):
    other = BorderPassFactory(number="STH-CHI", commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    url = reverse("border_pass_edit", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**PASS, "version": 1}).status_code == 404
    assert "STH-CHI" not in listed(client) and "STH-CHI" not in page(client, reverse("border_pass_list"))
    # Nor records one there.
    response = client.post(reverse("border_pass_create"), {**PASS, "commune": CHI_LANG})
    assert response.status_code == 200 and "commune" in response.context["form"].errors
    export = client.get(reverse("border_pass_export"))
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_heads_read_the_province_but_do_not_record(client, login):
    mine = BorderPassFactory(number="STH-HL")
    BorderPassFactory(number="STH-CL", commune_id=CHI_LANG)
    BorderPassFactory(number="STH-HN", commune_id=4)  # Hà Nội
    login(head())
    assert listed(client) == ["STH-CL", "STH-HL"]  # same expiry: by number
    text = page(client, reverse("border_pass_list"))
    assert 'data-testid="record"' not in text and reverse("border_pass_edit", args=[mine.pk]) not in text
    assert client.get(reverse("border_pass_create")).status_code == 403
    assert client.get(reverse("border_pass_edit", args=[mine.pk])).status_code == 403
    assert client.post(reverse("border_pass_edit", args=[mine.pk]), {**PASS, "version": 1}).status_code == 403


def test_export_follows_the_filters_and_the_scope(client, login, caplog, passes):
    BorderPassFactory(number="STH-CHI", commune_id=CHI_LANG, issued_on=day(-300), expires_on=day(5))
    user = officer(HUU_LUNG)
    login(user)
    with caplog.at_level("INFO", logger="welfare.audit"):
        response = client.get(reverse("border_pass_export"), {"expiry": "soon"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="so-thong-hanh-')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3
    first = rows[1]
    assert first[0] == 1 and first[1] == "P-TODAY" and first[4] == "Xã Hữu Lũng"
    assert first[6].date() == day(0) and first[7] == 0 and first[9] == "Cửa khẩu quốc tế Hữu Nghị"
    assert [r[1] for r in rows[1:]] == ["P-TODAY", "P-30"] and rows[2][7] == 30
    assert any(user.username in r.getMessage() for r in caplog.records)
    everything = client.get(reverse("border_pass_export"))
    numbers = [r[1] for r in load_workbook(BytesIO(everything.content)).active.iter_rows(values_only=True)][1:]
    assert numbers == ["P-TODAY", "P-30", "P-31", "P-YESTERDAY"]


def test_the_list_shows_valid_passes_first_then_the_latest_expired(client, login):
    today = timezone.localdate()
    for number, days in (("OLD", -400), ("RECENT", -3), ("LATER", 200), ("SOON", 5)):
        BorderPassFactory(number=number, issued_on=today - dt.timedelta(days=500),
                          expires_on=today + dt.timedelta(days=days))
    login(officer(HUU_LUNG))
    response = client.get(reverse("border_pass_list"))
    assert [p.number for p in response.context["object_list"]] == ["SOON", "LATER", "RECENT", "OLD"]
