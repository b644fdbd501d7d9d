"""Accent-insensitive search, on SQLite and PostgreSQL alike (the suite runs on both)."""

import html

import pytest
from django.db import connection

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
from welfare.households.selectors import card_list, household_list

pytestmark = pytest.mark.django_db


def codes(households) -> list[str]:
    return sorted(h.code for h in households)


@pytest.fixture
def register():
    a = HouseholdFactory(code="HL-A", head_member=PersonFactory(full_name="Nguyễn Văn A"))
    duc = HouseholdFactory(code="HL-DUC", head_member=PersonFactory(full_name="Đặng Minh Đức"))
    other = HouseholdFactory(code="HL-OTHER", head_member=PersonFactory(full_name="Lý Thị Mai"))
    MemberFactory(
        household=other, person=PersonFactory(full_name="Trần Thị Ngọc Ánh"), relation="child"
    )
    HouseholdFactory(
        code="CL-A",
        commune_id=CHI_LANG,
        head_member=PersonFactory(full_name="Nguyễn Văn A", commune_id=CHI_LANG),
    )
    return a, duc, other


def test_typing_without_accents_finds_the_accented_name(register):
    user = officer(HUU_LUNG)
    assert codes(household_list(user=user, q="nguyen van a")) == ["HL-A"]
    assert codes(household_list(user=user, q="duc")) == ["HL-DUC"]
    assert codes(household_list(user=user, q="ĐỨC")) == ["HL-DUC"]
    assert codes(household_list(user=user, q="  Nguyễn   văn a ")) == ["HL-A"]


def test_a_members_name_and_the_code_find_the_household(register):
    user = officer(HUU_LUNG)
    assert codes(household_list(user=user, q="ngoc anh")) == ["HL-OTHER"]
    assert codes(household_list(user=user, q="hl-du")) == ["HL-DUC"]
    assert codes(household_list(user=user, q="khong co ai")) == []


def test_search_stays_in_the_users_areas(register):
    assert codes(household_list(user=officer(HUU_LUNG), q="nguyen van a")) == ["HL-A"]
    assert codes(household_list(user=officer(CHI_LANG), q="nguyen van a")) == ["CL-A"]
    assert codes(household_list(user=head(20), q="nguyen van a")) == ["CL-A", "HL-A"]


def test_a_household_with_several_matching_members_is_listed_once(register):
    a, _duc, _other = register
    MemberFactory(household=a, person=PersonFactory(full_name="Nguyễn Văn Ánh"), relation="child")
    assert codes(household_list(user=officer(HUU_LUNG), q="nguyen van a")) == ["HL-A"]


def test_the_search_box_of_the_list_page(client, login, register):
    login(officer(HUU_LUNG))
    text = html.unescape(client.get("/households/", {"q": "nguyen van a"}).content.decode())
    assert "Nguyễn Văn A" in text and "Đặng Minh Đức" not in text
    assert 'value="nguyen van a"' in text


def test_card_holders_are_found_without_accents():
    InsuranceCardFactory(card_number="HN-1", holder_name="Đặng Minh Đức")
    InsuranceCardFactory(card_number="HN-2", holder_name="Nguyễn Văn A")
    user = officer(HUU_LUNG)
    assert [c.card_number for c in card_list(user=user, q="duc")] == ["HN-1"]
    assert [c.card_number for c in card_list(user=user, q="nguyen van a")] == ["HN-2"]
    assert [c.card_number for c in card_list(user=user, q="hn-2")] == ["HN-2"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
)
def test_on_postgresql_the_name_search_can_use_the_trigram_index():
    """The folded columns are compared with LIKE (not UPPER(...) LIKE), which the gin trigram
    indexes of migration 0003 serve."""
    HouseholdFactory.create_batch(3)
    user = head(20)
    sql, _params = household_list(user=user, q="nguyen van a").query.sql_with_params()
    assert 'UPPER("households_household"."head_name_folded"' not in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM households_household WHERE head_name_folded::text LIKE %s",
            ["%nguyen van a%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "households_household_head_trgm" in plan
