"""Health-insurance cards: the list per commune, the form, the export, scoping."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    InsuranceCardFactory,
    MemberFactory,
    PersonFactory,
    head,
    officer,
)
from welfare.households.models import InsuranceCard

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


CARD = {
    "commune": HUU_LUNG,
    "card_number": "HN2202012345678",
    "beneficiary_group": "poor",
    "holder_name": "Hoàng Thị Lan",
    "holder_id_number": "",
    "household_code": "",
    "issued_on": "15/01/2025",
    "valid_from": "01/01/2025",
    "valid_to": "31/12/2025",
}


def test_the_list_is_per_commune_with_search_and_filters(client, login):
    InsuranceCardFactory(
        card_number="HN-OWN-1",
        holder_name="Đặng Văn Đức",
        beneficiary_group="poor",
        issued_on=dt.date(2024, 1, 5),
    )
    InsuranceCardFactory(
        card_number="HN-OWN-2",
        holder_name="Lý Thị Mai",
        beneficiary_group="near_poor",
        issued_on=dt.date(2025, 1, 5),
    )
    InsuranceCardFactory(card_number="HN-OTHER", commune_id=CHI_LANG, holder_name="Đặng Văn Đức")
    login(officer(HUU_LUNG))
    text = page(client, "/households/cards/")
    assert "HN-OWN-1" in text and "HN-OWN-2" in text and "HN-OTHER" not in text
    text = page(client, "/households/cards/", q="dang van duc")
    assert "HN-OWN-1" in text and "HN-OWN-2" not in text and "HN-OTHER" not in text
    text = page(client, "/households/cards/", group="near_poor")
    assert "HN-OWN-2" in text and "HN-OWN-1" not in text
    text = page(client, "/households/cards/", year=2024)
    assert "HN-OWN-1" in text and "HN-OWN-2" not in text


def test_a_card_holder_is_linked_by_citizen_id(client, login):
    person = PersonFactory(
        full_name="Hoàng Thị Lan",
        sex="female",
        birth_date=dt.date(1990, 2, 1),
        id_number="020190000456",
    )
    login(officer(HUU_LUNG))
    assert client.get("/households/cards/new/").status_code == 200
    response = client.post("/households/cards/new/", {**CARD, "holder_id_number": "020190000456"})
    assert response.status_code == 302
    card = InsuranceCard.objects.get()
    assert card.person == person and card.valid_to == dt.date(2025, 12, 31)
    assert "HN2202012345678" in page(client, f"/households/people/{person.pk}/")


def test_a_card_from_the_household_page_links_the_member_by_name(client, login):
    household = HouseholdFactory(code="HL-9")
    member = MemberFactory(household=household, person=PersonFactory(full_name="Hoàng Thị Lan"))
    login(officer(HUU_LUNG))
    text = page(client, f"/households/cards/new/?household={household.pk}")
    assert 'value="HL-9"' in text
    response = client.post(
        f"/households/cards/new/?household={household.pk}",
        {**CARD, "household_code": "HL-9", "holder_name": "hoàng thị  lan"},
    )
    assert response.status_code == 302 and response["Location"].startswith(
        f"/households/{household.pk}/"
    )
    card = InsuranceCard.objects.get()
    assert card.household == household and card.person == member.person
    assert "HN2202012345678" in page(client, f"/households/{household.pk}/")


def test_a_name_only_holder_is_kept_without_a_person(client, login):
    login(officer(HUU_LUNG))
    assert client.post("/households/cards/new/", CARD).status_code == 302
    card = InsuranceCard.objects.get()
    assert card.person is None and card.holder_name == "Hoàng Thị Lan"


def test_card_form_errors(client, login):
    InsuranceCardFactory(card_number="HN2202012345678")
    HouseholdFactory(code="CL-1", commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    text = html.unescape(client.post("/households/cards/new/", CARD).content.decode())
    assert vi("Another card already has this number.") in text
    data = {
        **CARD,
        "card_number": "HN1",
        "valid_from": "01/01/2026",
        "valid_to": "31/12/2025",
        "household_code": "CL-1",
    }
    text = html.unescape(client.post("/households/cards/new/", data).content.decode())
    assert vi("The card cannot be valid to a date before it is valid from.") in text
    assert vi("No household of this commune has this code.") in text
    assert InsuranceCard.objects.count() == 1


def test_an_officer_edits_a_card_and_a_stale_edit_is_refused(client, login):
    card = InsuranceCardFactory(card_number="HN2202012345678", holder_name="Hoàng Thị Lan")
    login(officer(HUU_LUNG))
    data = {**CARD, "beneficiary_group": "near_poor", "version": 1}
    assert client.post(f"/households/cards/{card.pk}/edit/", data).status_code == 302
    card.refresh_from_db()
    assert card.beneficiary_group == "near_poor" and card.version == 2
    text = html.unescape(
        client.post(
            f"/households/cards/{card.pk}/edit/", {**data, "beneficiary_group": "other"}
        ).content.decode()
    )
    assert (
        vi(
            "This record was changed by someone else after you opened it. "
            "Look at their changes below, then save again to keep yours."
        )
        in text
    )
    text = page(client, f"/households/cards/{card.pk}/edit/")
    assert 'data-testid="history"' in text


def test_scoping_of_cards(client, login):
    own = InsuranceCardFactory(card_number="HN-OWN")
    other = InsuranceCardFactory(card_number="HN-OTHER", commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    assert client.get(f"/households/cards/{other.pk}/edit/").status_code == 404
    response = client.post("/households/cards/new/", {**CARD, "commune": CHI_LANG})
    assert response.status_code == 200 and InsuranceCard.objects.count() == 2
    client.logout()
    login(head(20))
    text = page(client, "/households/cards/")
    assert "HN-OWN" in text and "HN-OTHER" in text
    assert "/households/cards/new/" not in text and "/edit/" not in text
    assert client.get(f"/households/cards/{own.pk}/edit/").status_code == 403
    assert client.get("/households/cards/new/").status_code == 403


def test_card_export_is_scoped_filtered_and_safe(client, login):
    InsuranceCardFactory(
        card_number="HN-OWN-1", holder_name="=cmd|' /C calc'!A0", issued_on=dt.date(2024, 3, 1)
    )
    InsuranceCardFactory(
        card_number="HN-OWN-2", holder_name="Lý Thị Mai", issued_on=dt.date(2025, 3, 1)
    )
    InsuranceCardFactory(card_number="HN-OTHER", commune_id=CHI_LANG)
    login(officer(HUU_LUNG))
    response = client.get("/households/cards/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert sorted(r[0].value for r in rows) == ["HN-OWN-1", "HN-OWN-2"]
    evil = next(r for r in rows if r[0].value == "HN-OWN-1")
    assert evil[1].data_type == "s" and evil[1].value.startswith("'=")
    assert evil[6].value.date() == dt.date(2024, 3, 1)
    response = client.get("/households/cards/export.xlsx", {"year": 2025})
    rows = list(
        load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    )
    assert [r[0] for r in rows] == ["HN-OWN-2"]
