"""The household list, its export, the household page, and the create and edit forms."""

import datetime as dt
import html
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    HouseholdFactory,
    InsuranceCardFactory,
    MemberFactory,
    PersonFactory,
    PovertyReviewFactory,
    head,
    officer,
)
from welfare.households.models import Household, Member, Person

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    """What a Vietnamese user reads for an English source string."""
    with translation.override("vi"):
        return translation.gettext(text)


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def household_with_head(name: str, commune=HUU_LUNG, **kwargs) -> Household:
    return HouseholdFactory(
        commune_id=commune, head_member=PersonFactory(full_name=name, commune_id=commune), **kwargs
    )


# --- List, filters, export --------------------------------------------------------------------


def test_an_officer_lists_only_the_households_of_their_commune(client, login):
    household_with_head("Hoàng Văn Thụ", code="HL-1")
    household_with_head("Lý Thị Mai", commune=CHI_LANG, code="CL-1")
    login(officer(HUU_LUNG))
    text = page(client, "/households/")
    assert "Hoàng Văn Thụ" in text and "HL-1" in text
    assert "Lý Thị Mai" not in text and "CL-1" not in text
    # The commune filter offers the officer's own commune only.
    assert "Xã Hữu Lũng" in text and "Xã Chi Lăng" not in text


def test_a_head_lists_the_whole_province_read_only(client, login):
    household_with_head("Hoàng Văn Thụ", code="HL-1")
    household_with_head("Lý Thị Mai", commune=CHI_LANG, code="CL-1")
    household_with_head("Trần Văn Hà Nội", commune=HA_NOI_COMMUNE, code="HN-1")
    login(head(20))
    text = page(client, "/households/")
    assert "HL-1" in text and "CL-1" in text and "HN-1" not in text
    assert "/households/new/" not in text
    assert client.get("/households/new/").status_code == 403


def test_filters_by_commune_area_and_status(client, login):
    poor = household_with_head("Nông Văn Nghèo", code="HL-P")
    near = household_with_head("Hà Thị Cận", code="HL-N", area_type="urban")
    household_with_head("Lý Thị Mai", commune=CHI_LANG, code="CL-1")
    PovertyReviewFactory(
        household=poor, review_year=2024, income_per_capita_vnd=1_000_000, deprivations=[1, 2, 3]
    )
    PovertyReviewFactory(
        household=near,
        review_year=2024,
        area_type="urban",
        income_per_capita_vnd=1_900_000,
        deprivations=[1],
    )
    login(head(20))
    text = page(client, "/households/", commune=HUU_LUNG)
    assert "HL-P" in text and "HL-N" in text and "CL-1" not in text
    text = page(client, "/households/", status="poor")
    assert "HL-P" in text and "HL-N" not in text and "CL-1" not in text
    text = page(client, "/households/", status="near_poor", year=2024)
    assert "HL-N" in text and "HL-P" not in text
    text = page(client, "/households/", area_type="urban")
    assert "HL-N" in text and "HL-P" not in text


def test_the_list_is_paginated_and_counts_every_match(client, login):
    for n in range(55):
        household_with_head(f"Người {n}", code=f"HL-{n:03d}")
    login(officer(HUU_LUNG))
    first = page(client, "/households/")
    assert "<strong>55</strong>" in first
    assert first.count('href="/households/') >= 50
    assert "HL-054" not in first
    second = page(client, "/households/", page=2)
    assert "HL-054" in second and "HL-000" not in second


def test_export_follows_the_filters_excludes_other_communes_and_neutralises_formulas(
    client, login, caplog
):
    household_with_head('=HYPERLINK("http://evil.example","click")', code="HL-EVIL")
    household_with_head("Nguyễn Văn An", code="HL-2")
    household_with_head("Lý Thị Mai", commune=CHI_LANG, code="CL-1")
    login(officer(HUU_LUNG))
    response = client.get("/households/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    codes = [r[0] for r in rows[1:]]
    assert sorted(codes) == ["HL-2", "HL-EVIL"]
    evil = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "HL-EVIL")
    head_cell = evil[4]
    assert head_cell.data_type == "s"
    assert head_cell.value.startswith("'=HYPERLINK")
    # The filter of the page applies to the file.
    response = client.get("/households/export.xlsx", {"q": "nguyen van an"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["HL-2"]
    # Who exported what is kept in the access log: the filter and the row count.
    from welfare.audit.models import AccessEvent

    event = AccessEvent.objects.filter(action="exported_list").latest("pk")
    assert "nguyen van an" in event.what and event.rows == 1


# --- The household page -----------------------------------------------------------------------


def test_the_household_page_shows_members_reviews_cards_and_history(client, login):
    household = household_with_head("Hoàng Văn Thụ", code="HL-1")
    MemberFactory(
        household=household,
        person=PersonFactory(
            full_name="Hoàng Thị Lan", birth_date=dt.date(2010, 3, 5), sex="female"
        ),
        relation="child",
    )
    PovertyReviewFactory(
        household=household,
        review_year=2024,
        income_per_capita_vnd=1_000_000,
        deprivations=[1, 2, 3],
    )
    InsuranceCardFactory(
        household=household, card_number="HN2202000000777", holder_name="Hoàng Thị Lan"
    )
    login(officer(HUU_LUNG))
    text = page(client, f"/households/{household.pk}/")
    assert "Hoàng Văn Thụ" in text and "Hoàng Thị Lan" in text and "05/03/2010" in text
    assert "123/QĐ-UBND" in text  # the review's recognition
    assert "HN2202000000777" in text
    assert 'data-testid="history"' in text
    assert f"/households/{household.pk}/edit/" in text


def test_another_communes_household_is_not_found(client, login):
    other = household_with_head("Lý Thị Mai", commune=CHI_LANG)
    login(officer(HUU_LUNG))
    assert client.get(f"/households/{other.pk}/").status_code == 404
    assert client.get(f"/households/{other.pk}/edit/").status_code == 404
    assert client.get(f"/households/{other.pk}/head/").status_code == 404


def test_a_head_sees_a_household_without_edit_buttons_and_cannot_open_the_forms(client, login):
    household = household_with_head("Hoàng Văn Thụ")
    member = MemberFactory(household=household)
    login(head(20))
    text = page(client, f"/households/{household.pk}/")
    assert "Hoàng Văn Thụ" in text
    assert 'data-testid="edit-buttons"' not in text and "/edit/" not in text
    assert client.get(f"/households/{household.pk}/edit/").status_code == 403
    assert client.post(f"/households/{household.pk}/edit/", {}).status_code == 403
    assert client.get(f"/households/{household.pk}/head/").status_code == 403
    assert client.get(f"/households/members/{member.pk}/leave/").status_code == 403


# --- Create and edit with inline members ------------------------------------------------------


def member_rows(rows: list[dict], initial: int = 1) -> dict:
    data = {
        "members-TOTAL_FORMS": str(len(rows)),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "40",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"members-{index}-{key}"] = value
    return data


HOUSEHOLD = {
    "code": "HL-NEW-1",
    "commune": HUU_LUNG,
    "village": "Thôn Đồng Tiến",
    "area_type": "rural",
    "address": "",
    "legacy_district": "Huyện Hữu Lũng",
}


def test_an_officer_registers_a_household_with_two_members_in_one_form(client, login):
    login(officer(HUU_LUNG))
    assert client.get("/households/new/").status_code == 200
    data = {
        **HOUSEHOLD,
        **member_rows(
            [
                {
                    "full_name": "Nguyễn  Văn An",
                    "relation": "head",
                    "sex": "male",
                    "birth_date": "05/09/1984",
                    "id_number": "020084000123",
                    "ethnicity": "Tày",
                },
                {
                    "full_name": "Nguyễn Thị Bình",
                    "relation": "spouse",
                    "sex": "female",
                    "birth_year": "1986",
                },
                {"full_name": "", "relation": "", "sex": "", "birth_date": ""},
            ]
        ),
    }
    response = client.post("/households/new/", data)
    assert response.status_code == 302
    household = Household.objects.get(code="HL-NEW-1")
    assert response["Location"] == f"/households/{household.pk}/"
    assert household.head.full_name == "Nguyễn Văn An"
    assert household.head.birth_date == dt.date(1984, 9, 5)
    members = {m.person.full_name: m for m in household.members.select_related("person")}
    assert set(members) == {"Nguyễn Văn An", "Nguyễn Thị Bình"}
    assert members["Nguyễn Thị Bình"].relation == "spouse"
    assert members["Nguyễn Thị Bình"].person.birth_year == 1986
    text = page(client, f"/households/{household.pk}/")
    assert "Nguyễn Thị Bình" in text and "05/09/1984" in text


def test_a_household_needs_exactly_one_head(client, login):
    login(officer(HUU_LUNG))
    rows = [
        {"full_name": "Nguyễn Văn An", "relation": "head", "sex": "male"},
        {"full_name": "Nguyễn Văn Bảo", "relation": "head", "sex": "male"},
    ]
    text = html.unescape(
        client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)}).content.decode()
    )
    assert vi("A household has exactly one head: mark one member as the head.") in text
    rows = [{"full_name": "Nguyễn Văn An", "relation": "spouse", "sex": "male"}]
    text = html.unescape(
        client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)}).content.decode()
    )
    assert vi("A household has exactly one head: mark one member as the head.") in text
    assert not Household.objects.exists() and not Person.objects.exists()


def test_a_citizen_id_that_disagrees_with_the_person_is_refused_with_the_validators_words(
    client, login
):
    login(officer(HUU_LUNG))
    rows = [
        # A woman's ID (fourth digit 1) for a man born in 1985, not 1984.
        {
            "full_name": "Nguyễn Văn An",
            "relation": "head",
            "sex": "male",
            "birth_date": "05/09/1985",
            "id_number": "020184000123",
        },
    ]
    response = client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)})
    text = html.unescape(response.content.decode())
    with translation.override("vi"):
        from welfare.households.validators import citizen_id_check

        expected = citizen_id_check("020184000123", sex="male", birth_year=1985)
    assert len(expected) == 2
    for message in expected:
        assert message in text
    rows[0]["id_number"] = "12345"
    text = html.unescape(
        client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)}).content.decode()
    )
    assert vi("A citizen ID has exactly 12 digits.") in text
    assert not Household.objects.exists()


def test_dates_are_typed_dd_mm_yyyy(client, login):
    login(officer(HUU_LUNG))
    rows = [{"full_name": "Nguyễn Văn An", "relation": "head", "birth_date": "1984-13-45"}]
    text = html.unescape(
        client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)}).content.decode()
    )
    assert vi("Type the date as dd/mm/yyyy, for example 05/09/1984.") in text
    rows = [{"full_name": "Nguyễn Văn An", "relation": "head", "birth_date": "31/12/2099"}]
    text = html.unescape(
        client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)}).content.decode()
    )
    assert vi("The date cannot be in the future.") in text
    assert not Household.objects.exists()


def test_a_duplicate_household_code_is_refused(client, login):
    household_with_head("Hoàng Văn Thụ", code="HL-NEW-1")
    login(officer(HUU_LUNG))
    rows = [{"full_name": "Nguyễn Văn An", "relation": "head"}]
    text = html.unescape(
        client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)}).content.decode()
    )
    assert vi("Another household already has this code.") in text
    assert Household.objects.count() == 1


def test_an_officer_cannot_register_a_household_in_another_commune(client, login):
    login(officer(HUU_LUNG))
    rows = [{"full_name": "Nguyễn Văn An", "relation": "head"}]
    response = client.post(
        "/households/new/", {**HOUSEHOLD, "commune": CHI_LANG, **member_rows(rows)}
    )
    assert response.status_code == 200
    assert not Household.objects.exists()


def edit_data(household: Household, **changes) -> dict:
    rows = []
    for member in (
        household.members.filter(left_on__isnull=True).select_related("person").order_by("pk")
    ):
        p = member.person
        rows.append(
            {
                "member_id": member.pk,
                "version": member.version,
                "person_version": p.version,
                "full_name": p.full_name,
                "relation": member.relation,
                "sex": p.sex,
                "birth_date": p.birth_date.strftime("%d/%m/%Y") if p.birth_date else "",
                "birth_year": "",
                "ethnicity": p.ethnicity,
                "id_number": p.id_number or "",
            }
        )
    initial = len(rows)
    rows.extend(changes.pop("new_rows", []))
    return {
        "code": household.code,
        "village": household.village,
        "area_type": household.area_type,
        "address": household.address,
        "legacy_district": household.legacy_district,
        "version": household.version,
        **member_rows(rows, initial=initial),
        **changes,
    }


def test_an_officer_edits_the_household_renames_a_member_and_adds_one(client, login):
    household = household_with_head("Hoàng Văn Thụ", code="HL-1")
    login(officer(HUU_LUNG))
    assert "Hoàng Văn Thụ" in page(client, f"/households/{household.pk}/edit/")
    data = edit_data(
        household,
        village="Bản Mới",
        new_rows=[
            {
                "full_name": "Hoàng Thị Lan",
                "relation": "child",
                "sex": "female",
                "birth_date": "05/03/2010",
            }
        ],
    )
    data["members-0-full_name"] = "Hoàng Văn Thụ Mới"
    response = client.post(f"/households/{household.pk}/edit/", data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.village == "Bản Mới" and household.version == 2
    assert household.head.full_name == "Hoàng Văn Thụ Mới"
    assert household.head_name_folded == "hoang van thu moi"
    assert household.members.count() == 2
    text = page(client, f"/households/{household.pk}/")
    # The history names what changed.
    assert "Thôn Đồng Tiến" in text and "Bản Mới" in text


def test_a_stale_household_edit_is_refused(client, login):
    household = household_with_head("Hoàng Văn Thụ", code="HL-1")
    login(officer(HUU_LUNG))
    data = edit_data(household, village="Bản A")
    assert client.post(f"/households/{household.pk}/edit/", data).status_code == 302
    # A second officer opened the form at version 1 and saves after.
    data = {**data, "village": "Bản B"}
    text = html.unescape(client.post(f"/households/{household.pk}/edit/", data).content.decode())
    assert (
        vi(
            "This record was changed by someone else after you opened it. "
            "Look at their changes below, then save again to keep yours."
        )
        in text
    )
    household.refresh_from_db()
    assert household.village == "Bản A"


def test_a_stale_member_edit_is_refused(client, login):
    household = household_with_head("Hoàng Văn Thụ", code="HL-1")
    login(officer(HUU_LUNG))
    data = edit_data(household)
    person = household.head
    person.full_name = "Đổi Bởi Người Khác"
    person.version += 1
    person.save()
    data["members-0-full_name"] = "Hoàng Văn Thụ Sửa"
    response = client.post(f"/households/{household.pk}/edit/", data)
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.full_name == "Đổi Bởi Người Khác"


def test_the_head_is_not_changed_by_editing_a_row(client, login):
    household = household_with_head("Hoàng Văn Thụ", code="HL-1")
    MemberFactory(household=household, relation="spouse")
    login(officer(HUU_LUNG))
    # Only the head's own row offers "head"; the other rows and the new ones do not.
    text = page(client, f"/households/{household.pk}/edit/")
    assert text.count('<option value="head"') == 1
    assert (
        vi(
            "The head is changed with “Change the head” on the household's page; a member who leaves is recorded there too."
        )
        in text
    )
    data = edit_data(household)
    data["members-0-relation"] = "spouse"
    data["members-1-relation"] = "head"
    response = client.post(f"/households/{household.pk}/edit/", data)
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.head.full_name == "Hoàng Văn Thụ" and household.version == 1
    assert household.members.get(relation="head").person == household.head


def test_a_member_leaves_and_the_head_changes(client, login):
    household = household_with_head("Hoàng Văn Thụ", code="HL-1")
    spouse = MemberFactory(
        household=household, relation="spouse", person=PersonFactory(full_name="Lê Thị Hoa")
    )
    child = MemberFactory(
        household=household, relation="child", person=PersonFactory(full_name="Hoàng Văn Con")
    )
    login(officer(HUU_LUNG))
    assert client.get(f"/households/members/{child.pk}/leave/").status_code == 200
    response = client.post(f"/households/members/{child.pk}/leave/", {"left_on": "01/02/2025"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.left_on == dt.date(2025, 2, 1)
    assert vi("Left on %(d)s") % {"d": "01/02/2025"} in page(client, f"/households/{household.pk}/")
    text = page(client, f"/households/{household.pk}/head/")
    assert "Lê Thị Hoa" in text and "Hoàng Văn Con" not in text  # only current members
    response = client.post(
        f"/households/{household.pk}/head/", {"new_head": spouse.pk, "old_head_relation": "spouse"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head.full_name == "Lê Thị Hoa"
    assert (
        Member.objects.get(household=household, person__full_name="Hoàng Văn Thụ").relation
        == "spouse"
    )


def test_the_head_cannot_leave_before_another_is_chosen(client, login):
    household = household_with_head("Hoàng Văn Thụ", code="HL-1")
    head_member = household.members.get()
    login(officer(HUU_LUNG))
    text = html.unescape(
        client.post(
            f"/households/members/{head_member.pk}/leave/", {"left_on": "01/02/2025"}
        ).content.decode()
    )
    assert vi("Choose a new head before the head leaves the household.") in text
    head_member.refresh_from_db()
    assert head_member.left_on is None


def test_the_household_page_never_breaks_on_review_links(client, login):
    """The review pages are another module's: the page links to them when they exist."""
    from django.urls import NoReverseMatch, reverse

    household = household_with_head("Hoàng Văn Thụ")
    review = PovertyReviewFactory(household=household, review_year=2024)
    login(officer(HUU_LUNG))
    text = page(client, f"/households/{household.pk}/")
    try:
        assert reverse("review_edit", args=[review.pk]) in text
    except NoReverseMatch:
        pass
    try:
        assert reverse("review_create", args=[household.pk]) in text
    except NoReverseMatch:
        pass


def test_a_member_whose_id_belongs_to_someone_else_is_marked_and_nothing_is_saved(client, login):
    PersonFactory(
        full_name="Người Khác",
        sex="female",
        birth_date=dt.date(1986, 1, 1),
        id_number="020186000999",
    )
    login(officer(HUU_LUNG))
    rows = [
        {"full_name": "Nguyễn Văn An", "relation": "head", "sex": "male"},
        {
            "full_name": "Nguyễn Thị Bình",
            "relation": "spouse",
            "sex": "female",
            "id_number": "020186000999",
        },
    ]
    response = client.post("/households/new/", {**HOUSEHOLD, **member_rows(rows)})
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert (
        vi("This citizen ID belongs to %(name)s, not to %(given)s.")
        % {
            "name": "Người Khác",
            "given": "Nguyễn Thị Bình",
        }
        in text
    )
    assert vi("A member could not be saved: see the row marked below.") in text
    assert not Household.objects.exists()
    assert not Person.objects.filter(full_name="Nguyễn Văn An").exists()
