"""Gift rounds and gifts: the list, the round form, the round page (gifts, totals, quick
entry of several gifts at once, all or nothing), one gift's change and deletion, the export and
scoping."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from relief.models import Gift, GiftRound
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    GiftFactory,
    GiftRoundFactory,
    HouseholdFactory,
    PersonFactory,
    head,
    officer,
)

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def entry(rows: list[dict], commune: int = HUU_LUNG, extra: int = 0) -> dict:
    """The POST of the quick entry: the commune, then the rows (blank ones added by `extra`)."""
    data = {
        "commune": commune,
        "gifts-TOTAL_FORMS": len(rows) + extra,
        "gifts-INITIAL_FORMS": 0,
        "gifts-MIN_NUM_FORMS": 0,
        "gifts-MAX_NUM_FORMS": 50,
    }
    for index, row in enumerate(rows):
        base = {
            "household_code": "",
            "recipient_name": "",
            "recipient_group": "poor_household",
            "funding_source": "province",
            "value_vnd": "500.000",
            "given_on": "20/01/2025",
        }
        base.update(row)
        data.update({f"gifts-{index}-{k}": v for k, v in base.items()})
    return data


def test_entry_of_several_gifts_records_them_all(client, login):
    household = HouseholdFactory(code="HL-QUA-01")
    household.head.full_name = "Hoàng Văn Tùng"
    household.head.save()
    round = GiftRoundFactory(code="QT-2025")
    login(officer(HUU_LUNG))
    url = reverse("gift_round_detail", args=[round.pk])
    response = client.post(
        url,
        entry(
            [
                {"household_code": "HL-QUA-01", "recipient_group": "poor_household"},
                {"recipient_name": "Lý Thị  Mai", "recipient_group": "elderly", "value_vnd": "300000",
                 "funding_source": "socialized"},
            ],
            extra=3,
        ),
    )
    assert response.status_code == 302
    gifts = {g.recipient_name: g for g in Gift.objects.filter(round=round)}
    assert set(gifts) == {"Hoàng Văn Tùng", "Lý Thị Mai"}
    assert gifts["Hoàng Văn Tùng"].household == household
    assert gifts["Hoàng Văn Tùng"].value_vnd == 500_000
    assert gifts["Lý Thị Mai"].commune_id == HUU_LUNG
    text = page(client, url)
    assert "800.000 đ" in text  # the round's total
    assert "HL-QUA-01" in text


def test_one_bad_row_saves_nothing_and_is_marked(client, login):
    round = GiftRoundFactory()
    login(officer(HUU_LUNG))
    future = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("gift_round_detail", args=[round.pk]),
        entry(
            [
                {"recipient_name": "Người Đúng"},
                {"recipient_name": "Người Sai", "given_on": future},
            ]
        ),
    )
    assert response.status_code == 200
    assert not Gift.objects.exists()
    text = html.unescape(response.content.decode())
    assert vi("The date cannot be in the future.") in text
    assert vi("Nothing was saved: correct the rows marked in red, then save again.") in text
    # The rows keep what was typed.
    assert 'value="Người Đúng"' in text


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_the_value_must_be_above_zero(client, login, value):
    round = GiftRoundFactory()
    login(officer(HUU_LUNG))
    response = client.post(
        reverse("gift_round_detail", args=[round.pk]),
        entry([{"recipient_name": "Ai Đó", "value_vnd": value}]),
    )
    assert response.status_code == 200
    assert not Gift.objects.exists()
    assert 'class="table-danger"' in response.content.decode()


def test_the_service_refuses_a_zero_value_with_the_rows_index(client, login):
    """The service itself (`gifts_add`) names the row: the page puts it on that row."""
    from relief import services

    round = GiftRoundFactory()
    user = officer(HUU_LUNG)
    with pytest.raises(services.DistributionProblems) as caught:
        services.gifts_add(
            user=user,
            round=round,
            entries=[
                {"commune_id": HUU_LUNG, "recipient_name": "A", "recipient_group": "other",
                 "funding_source": "commune", "value_vnd": 100, "given_on": dt.date(2025, 1, 1)},
                {"commune_id": HUU_LUNG, "recipient_name": "B", "recipient_group": "other",
                 "funding_source": "commune", "value_vnd": 0, "given_on": dt.date(2025, 1, 1)},
            ],
        )
    assert set(caught.value.problems) == {1}
    assert "value_vnd" in caught.value.problems[1]
    assert not Gift.objects.exists()


def test_a_household_of_another_commune_is_refused(client, login):
    HouseholdFactory(code="CL-0001", commune_id=CHI_LANG)
    round = GiftRoundFactory()
    login(officer(HUU_LUNG))
    response = client.post(
        reverse("gift_round_detail", args=[round.pk]),
        entry([{"household_code": "CL-0001"}, {"recipient_name": "Người Khác"}]),
    )
    assert response.status_code == 200
    assert not Gift.objects.exists()
    text = html.unescape(response.content.decode())
    assert "CL-0001" in text and 'class="table-danger"' in text


def test_a_household_not_of_the_chosen_commune_is_refused_by_the_service(client, login):
    """An officer of two communes enters a household of one under the other."""
    HouseholdFactory(code="CL-0002", commune_id=CHI_LANG)
    round = GiftRoundFactory()
    login(officer(HUU_LUNG, CHI_LANG))
    response = client.post(
        reverse("gift_round_detail", args=[round.pk]),
        entry([{"household_code": "CL-0002"}], commune=HUU_LUNG),
    )
    assert response.status_code == 200
    assert not Gift.objects.exists()
    with translation.override("vi"):
        expected = translation.gettext("Household %(code)s belongs to another commune.") % {"code": "CL-0002"}
    assert expected in html.unescape(response.content.decode())


def test_officers_see_only_their_communes_gifts(client, login):
    round = GiftRoundFactory()
    GiftFactory(round=round, commune_id=HUU_LUNG, recipient_name="Người Hữu Lũng", value_vnd=400_000)
    other = GiftFactory(round=round, commune_id=CHI_LANG, recipient_name="Người Chi Lăng", value_vnd=900_000)
    login(officer(HUU_LUNG))
    text = page(client, reverse("gift_round_detail", args=[round.pk]))
    assert "Người Hữu Lũng" in text
    assert "Người Chi Lăng" not in text
    assert "900.000" not in text
    listing = page(client, reverse("gift_round_list"))
    assert round.code in listing and "400.000 đ" in listing and "1.300.000" not in listing
    assert client.get(reverse("gift_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("gift_delete", args=[other.pk])).status_code == 404
    assert Gift.objects.filter(pk=other.pk).exists()


def test_a_round_of_another_province_is_not_found(client, login):
    round = GiftRoundFactory(province_id=1)  # Hà Nội
    login(officer(HUU_LUNG))
    assert client.get(reverse("gift_round_detail", args=[round.pk])).status_code == 404
    assert round.code not in page(client, reverse("gift_round_list"))


def test_heads_read_the_totals_by_commune_but_cannot_enter(client, login):
    round = GiftRoundFactory()
    GiftFactory(round=round, commune_id=HUU_LUNG, value_vnd=400_000)
    GiftFactory(round=round, commune_id=CHI_LANG, value_vnd=900_000)
    login(head())
    url = reverse("gift_round_detail", args=[round.pk])
    text = page(client, url)
    assert "1.300.000 đ" in text
    assert 'data-testid="by-commune"' in text
    assert 'data-testid="gift-entry"' not in text
    assert client.post(url, entry([{"recipient_name": "X"}])).status_code == 403
    assert Gift.objects.count() == 2


def test_totals_by_recipient_group_and_funding_source(client, login):
    round = GiftRoundFactory()
    GiftFactory(round=round, recipient_group="elderly", funding_source="province", value_vnd=300_000)
    GiftFactory(round=round, recipient_group="elderly", funding_source="socialized", value_vnd=200_000)
    GiftFactory(round=round, recipient_group="children", funding_source="province", value_vnd=150_000)
    from relief.gift_selectors import gift_totals, round_gifts

    user = officer(HUU_LUNG)
    totals = gift_totals(round_gifts(user=user, round=round))
    assert [(r.key, r.count, r.value) for r in totals["by_group"]] == [
        ("elderly", 2, 500_000),
        ("children", 1, 150_000),
    ]
    assert {r.key: r.value for r in totals["by_source"]} == {"province": 450_000, "socialized": 200_000}
    login(user)
    text = page(client, reverse("gift_round_detail", args=[round.pk]))
    assert "500.000 đ" in text and "650.000 đ" in text
    assert 'data-testid="by-commune"' not in text


def test_open_and_change_a_round(client, login):
    login(officer(HUU_LUNG))
    response = client.post(
        reverse("gift_round_create"),
        {"code": "QT-2026", "name": "Quà Tết Bính Ngọ", "given_from": "01/01/2026", "given_to": "15/02/2026",
         "note": ""},
    )
    round = GiftRound.objects.get(code="QT-2026")
    assert response.status_code == 302
    assert round.province_id == 20 and round.given_to == dt.date(2026, 2, 15)
    response = client.post(
        reverse("gift_round_edit", args=[round.pk]),
        {"code": "QT-2026", "name": "Quà Tết 2026", "given_from": "01/01/2026", "given_to": "",
         "note": "", "version": round.version},
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.name == "Quà Tết 2026" and round.version == 2
    # A stale form is refused.
    response = client.post(
        reverse("gift_round_edit", args=[round.pk]),
        {"code": "QT-2026", "name": "Cũ", "given_from": "", "given_to": "", "note": "", "version": 1},
    )
    assert response.status_code == 200
    round.refresh_from_db()
    assert round.name == "Quà Tết 2026"


def test_a_round_code_is_once_per_province(client, login):
    GiftRoundFactory(code="QT-X")
    login(officer(HUU_LUNG))
    response = client.post(reverse("gift_round_create"), {"code": "QT-X", "name": "", "given_from": "", "given_to": ""})
    assert response.status_code == 200
    assert GiftRound.objects.filter(code="QT-X").count() == 1


def test_list_search_and_year(client, login):
    GiftRoundFactory(code="QT-2024", name="Quà Tết Giáp Thìn", given_from=dt.date(2024, 1, 20))
    GiftRoundFactory(code="TB-2025", name="Quà ngày Thương binh liệt sĩ", given_from=dt.date(2025, 7, 20))
    login(officer(HUU_LUNG))
    text = page(client, reverse("gift_round_list"), q="thuong binh")
    assert "TB-2025" in text and "QT-2024" not in text
    text = page(client, reverse("gift_round_list"), year=2024)
    assert "QT-2024" in text and "TB-2025" not in text


def test_change_and_delete_a_gift(client, login):
    round = GiftRoundFactory()
    gift = GiftFactory(round=round, recipient_name="Nông Văn Hải", value_vnd=400_000)
    login(officer(HUU_LUNG))
    url = reverse("gift_edit", args=[gift.pk])
    data = {"household_code": "", "recipient_name": "Nông Văn Hải", "recipient_group": "elderly",
            "funding_source": "commune", "value_vnd": "450.000", "given_on": "25/01/2022", "note": "",
            "version": gift.version}
    assert client.post(url, {**data, "value_vnd": "0"}).status_code == 200
    assert client.post(url, data).status_code == 302
    gift.refresh_from_db()
    assert gift.value_vnd == 450_000 and gift.recipient_group == "elderly"
    assert "Nông Văn Hải" in page(client, url)  # the history
    assert client.post(reverse("gift_delete", args=[gift.pk])).status_code == 302
    assert not Gift.objects.filter(pk=gift.pk).exists()


def test_heads_cannot_change_gifts(client, login):
    gift = GiftFactory()
    login(head())
    assert client.get(reverse("gift_edit", args=[gift.pk])).status_code == 403
    assert client.post(reverse("gift_delete", args=[gift.pk])).status_code == 403


def test_export_has_the_gifts_of_the_users_communes(client, login, caplog):
    round = GiftRoundFactory(code="QT-EXP")
    person = PersonFactory(full_name="=HYPERLINK(1)")
    GiftFactory(round=round, recipient_name=person.full_name, value_vnd=500_000)
    GiftFactory(round=round, commune_id=CHI_LANG, recipient_name="Người Chi Lăng")
    user = officer(HUU_LUNG)
    login(user)
    with caplog.at_level("INFO", logger="welfare.audit"):
        response = client.get(reverse("gift_round_export", args=[round.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][6] == 500_000
    totals = list(book.worksheets[1].iter_rows(values_only=True))
    assert totals[-1][2:] == (1, 500_000)
    assert any(user.username in r.getMessage() and "QT-EXP" in r.getMessage() for r in caplog.records)
