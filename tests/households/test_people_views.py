"""The person page: households, cards, history, the sections other apps add, death or move."""

import datetime as dt
import html

import pytest
from django.utils import translation

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
from welfare.households import registry

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def programme():
    """A programme app as a later issue adds one: a section and an exit handler."""
    heard = []

    @registry.person_section(order=10, title="Test programme")
    def section(*, person, user):
        if person.full_name.startswith("Không"):
            return None
        return {"template": "households/_test_section.html", "amount": 1_234_000}

    @registry.person_exit_handler
    def stop(*, person, status, on, user):
        heard.append((person.full_name, status, on))

    yield heard
    registry._SECTIONS.pop(registry._key(section))
    registry._EXIT.pop(registry._key(stop))


@pytest.fixture
def section_template(settings, tmp_path):
    folder = tmp_path / "households"
    folder.mkdir()
    (folder / "_test_section.html").write_text(
        "{% load vn %}<p data-testid='test-section'>{{ person.full_name }}: {{ amount|vn_vnd }}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_the_person_page_shows_households_cards_history_and_registered_sections(
    client, login, programme, section_template
):
    person = PersonFactory(full_name="Hoàng Thị Lan", birth_date=dt.date(2010, 3, 5), sex="female")
    household = HouseholdFactory(code="HL-77")
    MemberFactory(household=household, person=person, relation="child")
    InsuranceCardFactory(
        person=person,
        household=household,
        card_number="HN2202000000555",
        holder_name="Hoàng Thị Lan",
    )
    login(officer(HUU_LUNG))
    text = page(client, f"/households/people/{person.pk}/")
    assert "Hoàng Thị Lan" in text and "05/03/2010" in text
    assert "HL-77" in text and "HN2202000000555" in text
    assert "Test programme" in text
    assert "<p data-testid='test-section'>Hoàng Thị Lan: 1.234.000 đ</p>" in text
    assert 'data-testid="history"' in text and 'data-testid="exit-form"' in text


def test_a_section_with_nothing_for_the_person_is_left_out(
    client, login, programme, section_template
):
    person = PersonFactory(full_name="Không Có Gì")
    login(officer(HUU_LUNG))
    assert "Test programme" not in page(client, f"/households/people/{person.pk}/")


def test_a_death_is_recorded_once_and_every_programme_hears_of_it(
    client, login, programme, section_template
):
    person = PersonFactory(full_name="Hoàng Văn Cụ")
    household = HouseholdFactory()
    member = MemberFactory(household=household, person=person, relation="parent")
    login(officer(HUU_LUNG))
    response = client.post(
        f"/households/people/{person.pk}/exit/",
        {"status": "died", "on": "03/01/2025", "note": "Giấy báo tử số 12"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    member.refresh_from_db()
    assert (person.status, person.status_date) == ("died", dt.date(2025, 1, 3))
    assert member.left_on == dt.date(2025, 1, 3)
    assert programme == [("Hoàng Văn Cụ", "died", dt.date(2025, 1, 3))]
    text = page(client, f"/households/people/{person.pk}/")
    assert "03/01/2025" in text and 'data-testid="exit-form"' not in text


def test_a_death_date_in_the_future_is_refused(client, login, programme):
    person = PersonFactory()
    login(officer(HUU_LUNG))
    text = html.unescape(
        client.post(
            f"/households/people/{person.pk}/exit/", {"status": "moved", "on": "01/01/2099"}
        ).content.decode()
    )
    assert vi("The date cannot be in the future.") in text
    person.refresh_from_db()
    assert person.status == "active" and programme == []


def test_an_officer_edits_a_person_and_a_stale_edit_is_refused(client, login):
    person = PersonFactory(full_name="Hoàng Văn Thụ", sex="male", birth_date=dt.date(1984, 9, 5))
    login(officer(HUU_LUNG))
    form = {
        "full_name": "Hoàng Văn Thụ",
        "sex": "male",
        "birth_date": "05/09/1984",
        "id_number": "020084000123",
        "version": 1,
    }
    assert client.post(f"/households/people/{person.pk}/edit/", form).status_code == 302
    person.refresh_from_db()
    assert person.id_number == "020084000123" and person.version == 2
    text = html.unescape(
        client.post(
            f"/households/people/{person.pk}/edit/", {**form, "ethnicity": "Tày"}
        ).content.decode()
    )
    assert (
        vi(
            "This record was changed by someone else after you opened it. "
            "Look at their changes below, then save again to keep yours."
        )
        in text
    )
    history = page(client, f"/households/people/{person.pk}/")
    assert "020084000123" in history  # the change of ID shows in the history


def test_an_id_already_given_to_someone_else_is_refused(client, login):
    PersonFactory(
        full_name="Người Khác", sex="male", birth_date=dt.date(1984, 1, 1), id_number="020084000123"
    )
    person = PersonFactory(full_name="Hoàng Văn Thụ", sex="male", birth_date=dt.date(1984, 9, 5))
    login(officer(HUU_LUNG))
    form = {
        "full_name": "Hoàng Văn Thụ",
        "sex": "male",
        "birth_date": "05/09/1984",
        "id_number": "020084000123",
        "version": 1,
    }
    text = html.unescape(
        client.post(f"/households/people/{person.pk}/edit/", form).content.decode()
    )
    assert vi("Another person already has this citizen ID.") in text


def test_another_communes_person_is_not_found_and_a_head_only_reads(client, login):
    other = PersonFactory(commune_id=CHI_LANG)
    own = PersonFactory(full_name="Hoàng Văn Thụ")
    login(officer(HUU_LUNG))
    assert client.get(f"/households/people/{other.pk}/").status_code == 404
    assert client.get(f"/households/people/{other.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/households/people/{other.pk}/exit/", {"status": "died", "on": "01/01/2024"}
        ).status_code
        == 404
    )
    client.logout()
    login(head(20))
    text = page(client, f"/households/people/{own.pk}/")
    assert "Hoàng Văn Thụ" in text
    assert 'data-testid="exit-form"' not in text and 'data-testid="edit-buttons"' not in text
    assert client.get(f"/households/people/{own.pk}/edit/").status_code == 403
    assert (
        client.post(
            f"/households/people/{own.pk}/exit/", {"status": "died", "on": "01/01/2024"}
        ).status_code
        == 403
    )
    own.refresh_from_db()
    assert own.status == "active"
