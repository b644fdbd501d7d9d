"""The person page's employment section, and a merge of duplicates moving the records."""

import datetime as dt
import html

import pytest

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    BorderPassFactory,
    LoanFactory,
    PersonFactory,
    PlacementFactory,
    head,
    officer,
)
from welfare.households.services import person_merge

pytestmark = pytest.mark.django_db


def section(client, person) -> str:
    response = client.get(f"/households/people/{person.pk}/")
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert 'data-testid="person-employment"' in text
    return text.split('data-testid="person-employment"', 1)[1]


def test_the_person_page_lists_loans_placements_and_passes_of_the_users_communes(client, login):
    person = PersonFactory(commune_id=HUU_LUNG, full_name="Hoàng Văn Lợi")
    loan = LoanFactory(person=person, code="VL-HL-9", amount_vnd=60_000_000)
    PlacementFactory(person=person, employer="Công ty TNHH Foxconn", placed_on=dt.date(2022, 4, 1))
    PlacementFactory(person=person, commune_id=CHI_LANG, employer="HTX Chi Lăng", placed_on=dt.date(2023, 2, 1))
    BorderPassFactory(person=person, number="STH-777")
    login(officer(HUU_LUNG))
    text = section(client, person)
    assert "VL-HL-9" in text and f"/employment/loans/{loan.pk}/" in text and "60.000.000" in text
    assert "Công ty TNHH Foxconn" in text and "STH-777" in text
    assert "HTX Chi Lăng" not in text
    login(head())
    assert "HTX Chi Lăng" in section(client, person)


def test_a_person_without_employment_records_has_no_section(client, login):
    person = PersonFactory(commune_id=HUU_LUNG)
    login(officer(HUU_LUNG))
    assert 'data-testid="person-employment"' not in client.get(f"/households/people/{person.pk}/").content.decode()


def test_merging_a_duplicate_moves_its_loans_placements_and_passes():
    keep = PersonFactory(full_name="Nông Thị Hoa", birth_date=dt.date(1990, 5, 1))
    duplicate = PersonFactory(full_name="Nông Thị Hoa", birth_date=dt.date(1990, 5, 1))
    records = [LoanFactory(person=duplicate), PlacementFactory(person=duplicate), BorderPassFactory(person=duplicate)]
    person_merge(user=officer(HUU_LUNG), keep=keep, duplicate=duplicate)
    for record in records:
        record.refresh_from_db()
        assert (record.person_id, record.version) == (keep.pk, 2)
