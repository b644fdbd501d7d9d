"""The duplicate queue: same folded name and birth date, scoped; merge or mark distinct."""

import datetime as dt
import html

import pytest

from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    HouseholdFactory,
    MemberFactory,
    PersonFactory,
    head,
    officer,
)
from welfare.households.models import Person, PersonDistinct
from welfare.households.selectors import person_duplicates

pytestmark = pytest.mark.django_db

BORN = dt.date(1960, 4, 30)


def pairs(user) -> list[tuple[int, int]]:
    return [(p.first.pk, p.second.pk) for p in person_duplicates(user=user)]


def test_the_same_name_written_differently_and_the_same_birth_date_make_a_pair():
    a = PersonFactory(full_name="Nguyễn Văn Đức", birth_date=BORN)
    b = PersonFactory(full_name="nguyen  van duc", birth_date=BORN)
    PersonFactory(full_name="Nguyễn Văn Đức", birth_date=dt.date(1961, 4, 30))  # another birth date
    PersonFactory(full_name="Nguyễn Văn Được", birth_date=BORN)  # another name
    PersonFactory(
        full_name="Nguyễn Văn Đức", birth_date=None, birth_year=1960
    )  # no date: not compared
    assert pairs(officer(HUU_LUNG)) == [(a.pk, b.pk)]


def test_three_records_make_three_pairs():
    people = [PersonFactory(full_name="Lý Thị Mai", birth_date=BORN) for _ in range(3)]
    ids = sorted(p.pk for p in people)
    assert pairs(officer(HUU_LUNG)) == [(ids[0], ids[1]), (ids[0], ids[2]), (ids[1], ids[2])]


def test_pairs_marked_distinct_leave_the_queue():
    a = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    b = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    PersonDistinct.objects.create(first=a, second=b)
    assert pairs(officer(HUU_LUNG)) == []


def test_the_queue_is_scoped():
    PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    c = PersonFactory(full_name="Hà Văn Chi", birth_date=BORN, commune_id=CHI_LANG)
    d = PersonFactory(full_name="Hà Văn Chi", birth_date=BORN, commune_id=CHI_LANG)
    assert len(pairs(officer(HUU_LUNG))) == 1
    assert pairs(officer(CHI_LANG)) == [(c.pk, d.pk)]
    assert len(pairs(head(20))) == 2
    assert pairs(head(1)) == []


def test_an_officer_merges_a_pair_keeping_the_record_they_choose(client, login):
    kept = PersonFactory(full_name="Nguyễn Văn Đức", birth_date=BORN, ethnicity="")
    duplicate = PersonFactory(full_name="Nguyễn Văn Đức", birth_date=BORN, ethnicity="Nùng")
    household = HouseholdFactory(code="HL-5")
    MemberFactory(household=household, person=duplicate, relation="parent")
    login(officer(HUU_LUNG))
    text = html.unescape(client.get("/households/duplicates/").content.decode())
    assert text.count('data-testid="pair"') == 1 and "HL-5" in text
    response = client.post(
        f"/households/duplicates/{kept.pk}/{duplicate.pk}/", {"action": "merge", "keep": kept.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/households/people/{kept.pk}/"
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    kept.refresh_from_db()
    assert kept.ethnicity == "Nùng"
    assert household.members.filter(person=kept).exists()
    assert 'data-testid="pair"' not in client.get("/households/duplicates/").content.decode()


def test_an_officer_marks_a_pair_as_two_people(client, login):
    a = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    b = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    login(officer(HUU_LUNG))
    response = client.post(f"/households/duplicates/{b.pk}/{a.pk}/", {"action": "distinct"})
    assert response.status_code == 302
    assert PersonDistinct.objects.filter(first=a, second=b).exists()
    assert Person.objects.count() == 2
    assert 'data-testid="pair"' not in client.get("/households/duplicates/").content.decode()


def test_a_merge_without_choosing_the_kept_record_does_nothing(client, login):
    a = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    b = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    login(officer(HUU_LUNG))
    client.post(f"/households/duplicates/{a.pk}/{b.pk}/", {"action": "merge", "keep": 999999})
    assert Person.objects.count() == 2


def test_a_head_sees_the_queue_but_cannot_resolve_and_an_officer_cannot_touch_another_commune(
    client, login
):
    a = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    b = PersonFactory(full_name="Lý Thị Mai", birth_date=BORN)
    c = PersonFactory(full_name="Hà Văn Chi", birth_date=BORN, commune_id=CHI_LANG)
    d = PersonFactory(full_name="Hà Văn Chi", birth_date=BORN, commune_id=CHI_LANG)
    login(head(20))
    text = client.get("/households/duplicates/").content.decode()
    assert text.count('data-testid="pair"') == 2 and f"/households/duplicates/{a.pk}/" not in text
    assert (
        client.post(f"/households/duplicates/{a.pk}/{b.pk}/", {"action": "distinct"}).status_code
        == 403
    )
    client.logout()
    login(officer(HUU_LUNG))
    assert (
        client.post(
            f"/households/duplicates/{c.pk}/{d.pk}/", {"action": "merge", "keep": c.pk}
        ).status_code
        == 404
    )
    assert Person.objects.count() == 4 and not PersonDistinct.objects.exists()
