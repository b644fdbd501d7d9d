"""The household search on PostgreSQL reads one column kept by the database's triggers
(`Household.search_folded`, migration 0005): whatever writes the households, their members or
their names, the search finds what the members' names say now, as the EXISTS over the members
did. SQLite keeps that EXISTS (tests/households/test_search.py runs on both)."""

import datetime as dt
import random

import pytest
from django.db import connection

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    MemberFactory,
    PersonFactory,
    admin,
    head,
    officer,
)
from tests.imports.helpers import run_as, write
from welfare.core.text import fold
from welfare.households import services
from welfare.households.models import Household, Member, Person
from welfare.households.selectors import (
    household_list,
    household_search_members_q,
    household_search_q,
)
from welfare.imports import engine
from welfare.imports.models import ImportRun
from welfare.imports.services import import_undo

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the column and its triggers are PostgreSQL's"
    ),
]


def found(q: str, user=None) -> list[str]:
    return sorted(h.code for h in household_list(user=user or head(20), q=q))


def test_a_member_added_by_the_service_is_found():
    household = HouseholdFactory(
        code="HL-ADD", head_member=PersonFactory(full_name="Lương Văn Hải")
    )
    assert found("nong thi mai") == []
    services.member_add(
        user=officer(HUU_LUNG), household=household,
        data=services.PersonData("Nông Thị Mai", sex="female"), relation="spouse",
    )
    assert found("nong thi mai") == ["HL-ADD"]
    assert found("NÔNG THỊ") == ["HL-ADD"]


def test_a_persons_new_name_is_found_and_the_old_one_no_longer():
    person = PersonFactory(full_name="Hoàng Thị Lụa")
    household = HouseholdFactory(code="HL-REN")
    MemberFactory(household=household, person=person)
    assert found("hoang thi lua") == ["HL-REN"]
    services.person_update(
        user=officer(HUU_LUNG), person=person, expected_version=person.version,
        data=services.PersonData("Hoàng Thị Lan", sex="female"),
    )
    assert found("hoang thi lan") == ["HL-REN"]
    assert found("hoang thi lua") == []


def test_a_renamed_head_is_found_by_the_new_name():
    person = PersonFactory(full_name="Vi Văn Đông")
    HouseholdFactory(code="HL-HEAD", head_member=person)
    services.person_update(
        user=officer(HUU_LUNG), person=person, expected_version=person.version,
        data=services.PersonData("Vi Văn Tây", sex="male"),
    )
    assert found("vi van tay") == ["HL-HEAD"]
    assert found("vi van dong") == []


def test_a_member_who_left_is_still_found_a_deleted_one_no_longer():
    """As the EXISTS: members ever, including those who left; a deleted membership is gone."""
    household = HouseholdFactory(code="HL-DEL")
    member = MemberFactory(household=household, person=PersonFactory(full_name="Lò Thị Khuyên"))
    services.member_remove(user=officer(HUU_LUNG), member=member, left_on=dt.date(2024, 1, 1))
    assert found("lo thi khuyen") == ["HL-DEL"]
    member.delete()
    assert found("lo thi khuyen") == []


def test_a_member_moved_to_another_household_is_found_in_the_new_one_only():
    first = HouseholdFactory(code="HL-M1")
    second = HouseholdFactory(code="HL-M2")
    member = MemberFactory(household=first, person=PersonFactory(full_name="Hà Văn Chuyển"))
    Member.objects.filter(pk=member.pk).update(household=second)
    assert found("ha van chuyen") == ["HL-M2"]


def test_a_deleted_household_is_no_longer_found():
    household = HouseholdFactory(code="HL-GONE", head_member=PersonFactory(full_name="Ma Văn Mất"))
    MemberFactory(household=household, person=PersonFactory(full_name="Ma Thị Còn"))
    household.delete()
    assert found("ma thi con") == [] and found("hl-gone") == []


def test_a_merge_moves_the_names_to_the_kept_person():
    household = HouseholdFactory(code="HL-MRG")
    duplicate = PersonFactory(full_name="Lò Văn Xinh", birth_date=dt.date(1980, 1, 1))
    keep = PersonFactory(full_name="Lò Văn Sinh", birth_date=dt.date(1980, 1, 1))
    MemberFactory(household=household, person=duplicate)
    assert found("lo van xinh") == ["HL-MRG"]
    services.person_merge(user=officer(HUU_LUNG), keep=keep, duplicate=duplicate)
    assert found("lo van sinh") == ["HL-MRG"]
    assert found("lo van xinh") == []


def test_a_stale_instance_saved_again_does_not_bring_back_its_old_value():
    household = HouseholdFactory(code="HL-STALE")
    stale = Household.objects.get(pk=household.pk)
    MemberFactory(household=household, person=PersonFactory(full_name="Đinh Thị Mới"))
    assert "dinh thi moi" not in stale.search_folded
    stale.village = "Thôn Khác"
    stale.save()  # every column, search_folded with the value read before the member came
    assert found("dinh thi moi") == ["HL-STALE"]
    stale.search_folded = "anything at all"
    stale.save(update_fields=["search_folded"])
    assert found("anything at all") == []
    assert found("dinh thi moi") == ["HL-STALE"]


def test_an_import_written_with_copy_is_found_and_its_undo_removes_it(tmp_path, monkeypatch):
    copied = []

    def spy(objs, model, **kwargs):
        result = copy(objs, model, **kwargs)
        if result is not None:
            copied.append(model)
        return result

    copy = engine.copy_create_with_history
    monkeypatch.setattr(engine, "copy_create_with_history", spy)
    user = officer(HUU_LUNG)
    households = write(tmp_path, "ho.csv", [
        ["household_code", "commune_code", "head_name", "area_type", "village"],
        ["CP-1", HUU_LUNG, "Nguyễn Văn Nhập", "rural", "Thôn 1"],
        ["CP-2", HUU_LUNG, "Trần Thị Bình", "urban", ""],
    ])
    members = write(tmp_path, "tv.csv", [
        ["household_code", "full_name", "relation", "sex", "birth_date"],
        ["CP-1", "Nguyễn Thị Cúc", "spouse", "female", "1992-02-03"],
        ["CP-2", "Trần Văn Dũng", "child", "male", "2010-01-01"],
    ])
    assert run_as(user, "households", households)[0]
    assert run_as(user, "members", members)[0]
    assert Member in copied and Household in copied
    assert found("nguyen thi cuc") == ["CP-1"]
    assert found("tran van dung") == ["CP-2"]
    assert found("nguyen van nhap") == ["CP-1"] and found("cp-") == ["CP-1", "CP-2"]

    import_undo(user=user, run=ImportRun.objects.get(kind="members"))
    assert found("nguyen thi cuc") == [] and found("tran van dung") == []
    assert found("nguyen van nhap") == ["CP-1"]


def test_codes_are_found_as_before_capitals_dashes_and_accents():
    HouseholdFactory(code="ĐB-Lũng-07", head_member=PersonFactory(full_name="Bế Văn Một"))
    HouseholdFactory(code="HL_100%", head_member=PersonFactory(full_name="Bế Văn Hai"))
    for q in ["đb-lũng", "ĐB-LŨNG-07", "b-l", "L_1", "100%", "_100"]:
        assert found(q) == sorted(
            Household.objects.filter(household_search_members_q(q)).values_list("code", flat=True)
        ), q
    assert found("ĐB-Lũng") == ["ĐB-Lũng-07"]
    assert found("l_1") == ["HL_100%"] and found("0%") == ["HL_100%"]


def test_a_query_does_not_match_across_two_names():
    household = HouseholdFactory(code="HL-X", head_member=PersonFactory(full_name="Hà Văn An"))
    MemberFactory(household=household, person=PersonFactory(full_name="Bùi Thị Bé"))
    assert found("an bui") == [] and found("hl-x ha") == []


def test_the_same_households_as_the_exists_search_on_varied_data():
    rng = random.Random(7)
    families = ["Nguyễn", "Trần", "Lê", "Hoàng", "Đặng", "Bùi", "Lò", "Vi"]
    middles = ["Văn", "Thị", "Đức", "Minh", ""]
    givens = ["An", "Ánh", "Bình", "Đức", "Hoa", "Hòa", "Lan", "Mai", "Nam", "Yến"]

    def name() -> str:
        parts = (rng.choice(families), rng.choice(middles), rng.choice(givens))
        return " ".join(p for p in parts if p)

    for i in range(40):
        commune = CHI_LANG if i % 5 == 0 else HUU_LUNG
        household = HouseholdFactory(
            code=f"{'CL' if commune == CHI_LANG else 'HL'}-{i:03d}{rng.choice(['', 'a', 'Đ'])}",
            commune_id=commune,
            head_member=PersonFactory(full_name=name(), commune_id=commune),
        )
        for _ in range(rng.randrange(4)):
            person = PersonFactory(full_name=name(), commune_id=commune)
            MemberFactory(household=household, person=person)
    # Some members leave, some names change, one household loses its head's membership.
    for member in Member.objects.exclude(relation="head")[:5]:
        services.member_remove(user=admin(), member=member, left_on=dt.date(2024, 1, 1))
    for person in Person.objects.all()[:6]:
        Person.objects.filter(pk=person.pk).update(name_folded=fold(name()))
    queries = [
        "nguyen", "nguyen van", "thi", "duc", "Đức", "hoa", "hòa", "an", "van an", "le thi mai",
        "hl-0", "HL-01", "cl-", "0a", "đ", "Đ", "x", "  bui   thi ", "a", "yen",
    ]
    for user in (head(20), officer(HUU_LUNG), officer(CHI_LANG)):
        for q in queries:
            old = household_list(user=user).filter(household_search_members_q(q))
            assert found(q, user) == sorted(h.code for h in old), (user.role, q)


def test_the_search_uses_the_one_trigram_index():
    HouseholdFactory.create_batch(3)
    for q in ["nguyen van a", "Nguyễn"]:
        rows = Household.objects.filter(household_search_q(q)).order_by().values("id")
        sql, params = rows.query.sql_with_params()
        assert "households_member" not in sql
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "households_household_search_trgm" in plan, plan


def test_the_triggers_read_by_key_whatever_the_planner_statistics_say():
    """During an import the statistics describe the tables as they were before it (empty, for a
    first import): planned on them, the household trigger read every member for each household
    written, and a 40,000-household import ran ten times slower. The functions therefore run
    with sequential scans off (an index read of a household's members, a chunk's households)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, proconfig FROM pg_proc WHERE proname IN "
            "('households_household_search', 'households_member_search', "
            "'households_person_search')"
        )
        config = dict(cursor.fetchall())
    assert set(config) == {
        "households_household_search", "households_member_search", "households_person_search"
    }
    for name, settings in config.items():
        assert settings and "enable_seqscan=off" in settings, name
