"""The households admin: scoped for non-superusers, writes through the services, history."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    HouseholdFactory,
    InsuranceCardFactory,
    PersonFactory,
    PovertyReviewFactory,
    admin,
    head,
)
from welfare.households.models import Household, Member, PersonDistinct, PovertyReview

pytestmark = pytest.mark.django_db

MODELS = ["person", "household", "povertyreview", "insurancecard", "persondistinct", "povertystandard"]


def staff_head():
    """A department head of Lạng Sơn given staff access and Django's view permissions, plus
    the right to change reviews (to run the recognise action)."""
    user = head(LANG_SON, is_staff=True)
    codenames = [f"view_{m}" for m in MODELS] + ["change_povertyreview"]
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="households", codename__in=codenames))
    return user


@pytest.fixture
def households():
    return {
        "huu_lung": HouseholdFactory(code="HL-001", commune_id=HUU_LUNG, head_member=PersonFactory(full_name="Nguyễn Văn An")),
        "chi_lang": HouseholdFactory(code="CL-001", commune_id=CHI_LANG, head_member=PersonFactory(full_name="Hoàng Thị Bích", commune_id=CHI_LANG)),
        "ha_noi": HouseholdFactory(code="HN-001", commune_id=HA_NOI_COMMUNE, head_member=PersonFactory(full_name="Trần Văn Cường", commune_id=HA_NOI_COMMUNE)),
    }


def test_an_admin_sees_every_provinces_households(login, households):
    html = login(admin()).get("/admin/households/household/").content.decode()
    assert "HL-001" in html and "CL-001" in html and "HN-001" in html


def test_a_staff_head_sees_only_their_province_and_gets_nothing_from_another(login, households):
    client = login(staff_head())
    html = client.get("/admin/households/household/").content.decode()
    assert "HL-001" in html and "CL-001" in html
    assert "HN-001" not in html
    people = client.get("/admin/households/person/").content.decode()
    assert "Nguyễn Văn An" in people and "Trần Văn Cường" not in people
    # Another province's household is as if it did not exist (the admin sends to its index).
    response = client.get(f"/admin/households/household/{households['ha_noi'].pk}/change/")
    assert response.status_code == 302
    # The head reads but does not edit households: no "add" for them.
    assert client.get("/admin/households/household/add/").status_code == 403


def test_search_folds_accents_and_case(login, households):
    client = login(admin())
    for term in ["nguyen van an", "NGUYỄN văn", "Nguyễn Văn An"]:
        html = client.get("/admin/households/household/", {"q": term}).content.decode()
        assert "HL-001" in html, term
        assert "CL-001" not in html and "HN-001" not in html
    html = client.get("/admin/households/person/", {"q": "hoang thi bich"}).content.decode()
    assert "Hoàng Thị Bích" in html and "Nguyễn Văn An" not in html


def test_a_review_saved_in_the_admin_gets_the_computed_result_not_a_typed_one(login, households):
    client = login(admin())
    response = client.post(
        "/admin/households/povertyreview/add/",
        {
            "household": households["huu_lung"].pk,
            "review_year": 2025,
            "kind": "periodic",
            "income_per_capita_vnd": 1_800_000,
            "note": "",
            "result": "poor",  # not a field of the form: ignored
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    review = PovertyReview.objects.get(household=households["huu_lung"], review_year=2025)
    assert review.result == "average"  # rural, above 1.500.000, below 2.250.000
    assert review.status == "proposed" and review.standard.code == "07/2021/NĐ-CP"
    # Edited: three deprivations and an income at the line make it poor, by the service.
    response = client.post(
        f"/admin/households/povertyreview/{review.pk}/change/",
        {
            "review_year": 2025,
            "kind": "regular",
            "income_per_capita_vnd": 1_500_000,
            "deprivations": ["1", "4", "9"],
            "expected_version": review.version,
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    assert review.result == "poor" and review.deprivations == [1, 4, 9]
    assert review.history.count() == 2


def test_a_review_year_without_a_standard_is_refused_on_the_form(login, households):
    response = login(admin()).post(
        "/admin/households/povertyreview/add/",
        {"household": households["huu_lung"].pk, "review_year": 2030, "kind": "periodic",
         "income_per_capita_vnd": 1_000_000},
    )
    assert response.status_code == 200
    assert "2030" in response.content.decode()
    assert not PovertyReview.objects.exists()


def test_a_stale_admin_edit_is_refused(login, households):
    review = PovertyReviewFactory(household=households["huu_lung"], review_year=2024, status="proposed",
                                  recognised_on=None, decision_number="")
    client = login(admin())
    data = {"review_year": 2024, "kind": "periodic", "income_per_capita_vnd": 900_000,
            "expected_version": review.version - 0, "note": ""}
    review.version += 1
    review.save()  # someone else saved meanwhile
    response = client.post(f"/admin/households/povertyreview/{review.pk}/change/", data, follow=True)
    review.refresh_from_db()
    assert review.income_per_capita_vnd == 1_200_000
    assert "class=\"error\"" in response.content.decode()  # the message says why


def test_a_head_recognises_selected_reviews_under_a_decision_asked_on_a_second_page(login, households):
    proposals = [
        PovertyReviewFactory(household=households[key], review_year=2024, status="proposed",
                             recognised_on=None, decision_number="")
        for key in ("huu_lung", "chi_lang")
    ]
    client = login(staff_head())
    selected = [str(r.pk) for r in proposals]
    page = client.post("/admin/households/povertyreview/",
                       {"action": "recognise", "_selected_action": selected, "index": 0})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="decision_number"' in html and "HL-001" in html and "CL-001" in html

    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    refused = client.post("/admin/households/povertyreview/",
                          {"action": "recognise", "_selected_action": selected,
                           "decision_number": "45/QĐ-UBND", "recognised_on": future})
    assert refused.status_code == 200
    assert PovertyReview.objects.filter(status="recognised").count() == 0

    done = client.post("/admin/households/povertyreview/",
                       {"action": "recognise", "_selected_action": selected,
                        "decision_number": "45/QĐ-UBND", "recognised_on": "20/12/2024"})
    assert done.status_code == 302
    for review in proposals:
        review.refresh_from_db()
        assert review.status == "recognised"
        assert review.decision_number == "45/QĐ-UBND"
        assert review.recognised_on == dt.date(2024, 12, 20)
        assert review.history.first().history_user.role == "head"


def test_a_household_registered_in_the_admin_has_its_head_as_a_member(login):
    response = login(admin()).post(
        "/admin/households/household/add/",
        {"code": "HL-900", "commune": HUU_LUNG, "village": "Thôn Nà Lầm", "area_type": "rural",
         "address": "", "legacy_district": "", "head_full_name": "Lương Văn Đức",
         "head_sex": "male", "head_birth_date": "05/03/1980", "head_ethnicity": "Tày",
         "head_id_number": "020080000123"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get(code="HL-900")
    assert household.head.full_name == "Lương Văn Đức"
    assert household.head.id_number == "020080000123"
    assert household.members.get().relation == "head"
    assert household.head_name_folded == "luong van duc"


def test_a_citizen_id_that_disagrees_with_the_person_is_refused_in_the_admin(login):
    response = login(admin()).post(
        "/admin/households/person/add/",
        {"full_name": "Lý Thị Hoa", "sex": "female", "birth_date": "01/01/1990",
         "id_number": "020090000001", "commune": HUU_LUNG, "status": "active"},
    )
    assert response.status_code == 200
    assert "020090000001" in response.content.decode()
    from welfare.households.models import Person

    assert not Person.objects.filter(full_name="Lý Thị Hoa").exists()


def test_the_standards_page_shows_what_is_not_verified(login):
    client = login(admin())
    html = client.get("/admin/households/povertystandard/").content.decode()
    assert "351/2025/NĐ-CP" in html and "07/2021/NĐ-CP" in html
    assert "12" in html  # "12 of 12 not verified" thresholds
    from welfare.households.models import PovertyStandard

    new = PovertyStandard.objects.get(code="351/2025/NĐ-CP")
    change = client.get(f"/admin/households/povertystandard/{new.pk}/change/").content.decode()
    assert 'class="w-alert"' in change


def test_history_pages_load(login, households):
    person = households["huu_lung"].head
    review = PovertyReviewFactory(household=households["huu_lung"])
    card = InsuranceCardFactory(household=households["huu_lung"], holder_name=person.full_name)
    client = login(admin())
    for url in [
        f"/admin/households/person/{person.pk}/history/",
        f"/admin/households/household/{households['huu_lung'].pk}/history/",
        f"/admin/households/povertyreview/{review.pk}/history/",
        f"/admin/households/insurancecard/{card.pk}/history/",
        f"/admin/households/person/{person.pk}/change/",
        f"/admin/households/household/{households['huu_lung'].pk}/change/",
        f"/admin/households/povertyreview/{review.pk}/change/",
        f"/admin/households/insurancecard/{card.pk}/change/",
        "/admin/households/persondistinct/",
        "/admin/households/insurancecard/",
        "/admin/households/povertyreview/",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_pair_marked_distinct_in_the_admin_goes_through_the_service(login):
    first = PersonFactory(full_name="Vi Văn Sơn", birth_date=dt.date(1970, 1, 1))
    second = PersonFactory(full_name="Vi Văn Sơn", birth_date=dt.date(1970, 1, 1))
    user = admin()
    response = login(user).post("/admin/households/persondistinct/add/",
                                {"first": second.pk, "second": first.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    pair = PersonDistinct.objects.get()
    assert (pair.first_id, pair.second_id) == (first.pk, second.pk)
    assert pair.decided_by == user


def test_the_commune_filter_applies_even_when_an_admin_has_too_many_communes_to_list(login, households):
    client = login(admin())
    html = client.get("/admin/households/household/", {"commune": CHI_LANG}).content.decode()
    assert "CL-001" in html and "HL-001" not in html
    # Once a province is chosen, its communes are listed.
    html = client.get("/admin/households/household/", {"province": LANG_SON}).content.decode()
    assert "Xã Chi Lăng" in html and "HN-001" not in html


def _household_post(household, members, **changes):
    data = {
        "code": household.code, "village": household.village, "area_type": household.area_type,
        "address": household.address, "legacy_district": household.legacy_district,
        "expected_version": household.version,
        "members-TOTAL_FORMS": len(members), "members-INITIAL_FORMS": len(members),
        "members-MIN_NUM_FORMS": 0, "members-MAX_NUM_FORMS": 1000,
    }
    for i, (member, relation, left_on) in enumerate(members):
        data.update({f"members-{i}-id": member.pk, f"members-{i}-household": household.pk,
                     f"members-{i}-person": member.person_id, f"members-{i}-relation": relation,
                     f"members-{i}-left_on": left_on})
    data.update(changes)
    return data


def test_a_household_edited_in_the_admin_keeps_one_head_and_members_leave_with_a_date(login, households):
    household = households["huu_lung"]
    head_member = household.members.get()
    child = Member.objects.create(household=household, person=PersonFactory(), relation="child")
    client = login(admin())
    url = f"/admin/households/household/{household.pk}/change/"
    # The child cannot be made the head here.
    response = client.post(url, _household_post(household, [(head_member, "head", ""), (child, "head", "")]))
    assert response.status_code == 200
    child.refresh_from_db()
    assert child.relation == "child"
    # A new village, and the child leaves the household on a date.
    response = client.post(url, _household_post(
        household, [(head_member, "head", ""), (child, "child", "01/09/2025")], village="Thôn Làng Cải"))
    assert response.status_code == 302, response.content.decode()[:3000]
    household.refresh_from_db()
    child.refresh_from_db()
    assert household.village == "Thôn Làng Cải" and household.version == 2
    assert child.left_on == dt.date(2025, 9, 1)
    assert household.history.first().history_user is not None


def test_a_death_recorded_in_the_admin_goes_through_person_exit(login, households):
    household = households["huu_lung"]
    child = Member.objects.create(household=household, person=PersonFactory(full_name="Nông Văn Tài", sex="male",
                                                                            birth_date=dt.date(1950, 1, 1)), relation="parent")
    person = child.person
    response = login(admin()).post(f"/admin/households/person/{person.pk}/change/", {
        "full_name": "Nông Văn Tài", "sex": "male", "birth_date": "01/01/1950", "ethnicity": "Tày",
        "id_number": "", "status": "died", "status_date": "14/08/2025", "status_note": "Từ trần",
        "expected_version": person.version,
        "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0,
        "memberships-MIN_NUM_FORMS": 0, "memberships-MAX_NUM_FORMS": 1000,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    child.refresh_from_db()
    assert (person.status, person.status_date, person.ethnicity) == ("died", dt.date(2025, 8, 14), "Tày")
    assert child.left_on == dt.date(2025, 8, 14)
