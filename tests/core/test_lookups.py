"""`among`: the imports' lookups of a chunk's keys, `= ANY(array)` on PostgreSQL, `IN` elsewhere:
the same records either way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import HouseholdFactory, MemberFactory
from welfare.core.lookups import among
from welfare.households.models import Household, Member

pytestmark = pytest.mark.django_db


def test_among_finds_the_records_of_the_given_keys_text_and_foreign_keys():
    households = [HouseholdFactory(code=f"HL-{n}") for n in range(5)]
    for household in households[:3]:
        MemberFactory(household=household)
    codes = ["HL-1", "HL-3", "HL-3", "NOT-THERE"]
    found = Household.objects.filter(among(Household, "code", codes))
    assert sorted(h.code for h in found) == ["HL-1", "HL-3"]
    wanted = [households[0].pk, households[2].pk, households[4].pk]
    members = Member.objects.filter(among(Member, "household_id", iter(wanted)))
    assert {m.household_id for m in members} >= {households[0].pk, households[2].pk}
    assert all(m.household_id in wanted for m in members)
    assert not Household.objects.filter(among(Household, "code", [])).exists()


def test_on_postgresql_a_chunk_of_keys_is_one_parameter():
    if connection.vendor != "postgresql":
        pytest.skip("the array form is PostgreSQL's")
    codes = [f"HL-{n}" for n in range(2000)]
    with CaptureQueriesContext(connection) as queries:
        list(Household.objects.filter(among(Household, "code", codes)))
    sql = queries.captured_queries[-1]["sql"]
    assert "= ANY(" in sql and " IN (" not in sql
