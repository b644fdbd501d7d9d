"""The beneficiary list, the beneficiary page, enrol and edit, the end of an entitlement, a
one-off payment, and the menu's dropdown."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone, translation

from beneficiaries.models import Beneficiary, Payment, PaymentKind, PaymentRun, PaymentStatus
from beneficiaries.selectors import beneficiary_list
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    BeneficiaryFactory,
    DossierFactory,
    PersonFactory,
    SocialBeneficiaryFactory,
    head,
    officer,
)
from welfare.households.models import Person

pytestmark = pytest.mark.django_db


def vi(text: str) -> str:
    """What a Vietnamese user reads for an English source string."""
    with translation.override("vi"):
        return translation.gettext(text)


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def named(name: str, commune=HUU_LUNG, **kwargs) -> Beneficiary:
    return BeneficiaryFactory(
        commune_id=commune, person=PersonFactory(full_name=name, commune_id=commune), **kwargs
    )


MERIT_POST = {
    "programme": "merit",
    "id_number": "",
    "full_name": "Hoàng Văn Thắng",
    "sex": "male",
    "birth_date": "12/05/1950",
    "code": "NCC-HL-001",
    "commune": str(HUU_LUNG),
    "decision_number": "12/QĐ-SLĐTBXH",
    "start_on": "01/01/2024",
    "category": "g",
    "relation": "self",
    "sub_case": "invalid",
    "rate_percent": "41",
}


# --- List -------------------------------------------------------------------------------------


def test_an_officer_lists_only_the_beneficiaries_of_their_commune(client, login):
    named("Hoàng Văn Thụ", code="NCC-HL-1")
    other = named("Lý Thị Mai", commune=CHI_LANG, code="NCC-CL-1")
    login(officer(HUU_LUNG))
    text = page(client, "/beneficiaries/", programme="merit")
    assert "Hoàng Văn Thụ" in text and "NCC-HL-1" in text
    assert "Lý Thị Mai" not in text and "NCC-CL-1" not in text
    # Another commune's beneficiary answers 404, like a missing one.
    assert client.get(f"/beneficiaries/{other.pk}/").status_code == 404
    assert client.get("/beneficiaries/999999/").status_code == 404


def test_the_list_has_a_tab_per_programme(client, login):
    named("Hoàng Văn Thụ", code="NCC-HL-1")
    SocialBeneficiaryFactory(person=PersonFactory(full_name="Nông Thị Hoa"), code="BTXH-HL-1")
    login(officer(HUU_LUNG))
    merit = page(client, "/beneficiaries/")
    assert "Hoàng Văn Thụ" in merit and "Nông Thị Hoa" not in merit
    assert vi("(g) War invalid") in merit
    social = page(client, "/beneficiaries/", programme="social_protection")
    assert "Nông Thị Hoa" in social and "Hoàng Văn Thụ" not in social
    assert vi("Aged 80 or more without a pension") in social


def test_search_ignores_accents_and_finds_codes(client, login):
    named("Nguyễn Thị Đào", code="NCC-HL-7")
    named("Hoàng Văn Thụ", code="NCC-HL-8")
    login(officer(HUU_LUNG))
    text = page(client, "/beneficiaries/", programme="merit", q="nguyen thi dao")
    assert "Nguyễn Thị Đào" in text and "Hoàng Văn Thụ" not in text
    text = page(client, "/beneficiaries/", programme="merit", q="hl-8")
    assert "Hoàng Văn Thụ" in text and "Nguyễn Thị Đào" not in text


def test_filters_by_category_social_category_and_entitlement(client, login):
    named("Hoàng Văn Thụ", code="NCC-1")
    named("Lương Văn Ba", code="NCC-2", category="h", sub_case="sick_soldier", rate_percent=61)
    ended = named("Vi Văn Tám", code="NCC-3", end_on=dt.date(2023, 5, 31), end_reason="died")
    SocialBeneficiaryFactory(
        person=PersonFactory(full_name="Nông Thị Hoa"), social_categories=["elderly_80"]
    )
    SocialBeneficiaryFactory(
        person=PersonFactory(full_name="Hà Thị Lan"),
        social_categories=["disability_severe", "single_parent"],
        children_count=2,
    )
    login(officer(HUU_LUNG))
    text = page(client, "/beneficiaries/", programme="merit", category="h")
    assert "Lương Văn Ba" in text and "Hoàng Văn Thụ" not in text
    text = page(client, "/beneficiaries/", programme="merit", status="ended")
    assert ended.person.full_name in text and "Hoàng Văn Thụ" not in text
    assert vi("Ended") in text
    text = page(client, "/beneficiaries/", programme="merit", status="entitled")
    assert "Hoàng Văn Thụ" in text and ended.person.full_name not in text
    text = page(
        client, "/beneficiaries/", programme="social_protection", social_category="single_parent"
    )
    assert "Hà Thị Lan" in text and "Nông Thị Hoa" not in text


def test_the_social_category_filter_matches_whole_keys_only(db):
    """`elderly_80` must not match `elderly_80` inside another key, on SQLite and PostgreSQL."""
    SocialBeneficiaryFactory(code="A", social_categories=["elderly_80"])
    SocialBeneficiaryFactory(code="B", social_categories=["elderly_no_carer", "disability_severe"])
    SocialBeneficiaryFactory(code="C", social_categories=["disability_extreme"])
    user = officer(HUU_LUNG)

    def codes(key):
        rows = beneficiary_list(user=user, filters={"social_category": key})
        return sorted(rows.values_list("code", flat=True))

    assert codes("elderly_80") == ["A"]
    assert codes("disability_severe") == ["B"]
    assert codes("disability") == []


# --- Create and edit --------------------------------------------------------------------------


def test_an_officer_enrols_a_war_invalid_with_a_new_person(client, login):
    login(officer(HUU_LUNG))
    form = page(client, "/beneficiaries/new/", programme="merit")
    assert vi("Category (Ordinance 02/2020, Art. 3)") in form and "Xã Chi Lăng" not in form
    response = client.post("/beneficiaries/new/?programme=merit", MERIT_POST)
    assert response.status_code == 302, response.content.decode()[:3000]
    beneficiary = Beneficiary.objects.get(code="NCC-HL-001")
    assert beneficiary.person.full_name == "Hoàng Văn Thắng"
    assert (beneficiary.category, beneficiary.rate_percent, beneficiary.programme) == (
        "g",
        41,
        "merit",
    )
    text = page(client, response["Location"])
    assert "Hoàng Văn Thắng" in text and "12/QĐ-SLĐTBXH" in text
    # The amount for this month comes from the schedule (2024 onwards: 3.667.000 đ at 41 %).
    assert "3.667.000 đ" in text


def test_an_officer_enrols_an_existing_person_by_citizen_id(client, login):
    person = PersonFactory(
        full_name="Nông Văn Dũng", id_number="020050001234", birth_date=dt.date(1950, 3, 4)
    )
    login(officer(HUU_LUNG))
    data = MERIT_POST | {
        "id_number": "020050001234",
        "full_name": "Nong Van Dung",
        "birth_date": "",
    }
    response = client.post("/beneficiaries/new/?programme=merit", data)
    # The folded names agree: the recorded person is used, no second record is made.
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Beneficiary.objects.get(code="NCC-HL-001").person == person
    assert Person.objects.filter(id_number="020050001234").count() == 1


def test_an_officer_enrols_a_social_protection_beneficiary(client, login):
    login(officer(HUU_LUNG))
    data = {
        "programme": "social_protection",
        "full_name": "Lộc Thị Hiền",
        "sex": "female",
        "birth_date": "02/02/1990",
        "code": "BTXH-HL-009",
        "commune": str(HUU_LUNG),
        "start_on": "01/03/2024",
        "social_categories": ["single_parent", "disability_severe"],
        "children_count": "2",
    }
    response = client.post("/beneficiaries/new/?programme=social_protection", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    beneficiary = Beneficiary.objects.get(code="BTXH-HL-009")
    assert sorted(beneficiary.social_categories) == ["disability_severe", "single_parent"]
    assert beneficiary.children_count == 2 and beneficiary.category == ""
    text = page(client, response["Location"])
    assert vi("Poor single parent raising children") in text and vi("Severe disability") in text


def test_a_martyr_cannot_receive_their_own_allowance(client, login):
    login(officer(HUU_LUNG))
    data = MERIT_POST | {
        "category": "c",
        "relation": "self",
        "sub_case": "martyrs_1",
        "rate_percent": "",
    }
    response = client.post("/beneficiaries/new/?programme=merit", data)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert vi("A martyr's allowance goes to a relative: choose the relation.") in text
    assert not Beneficiary.objects.exists()
    # The new person typed with it was not kept either.
    assert not Person.objects.filter(full_name="Hoàng Văn Thắng").exists()


def test_a_citizen_id_of_another_commune_is_refused(client, login):
    PersonFactory(
        full_name="Lý Thị Mai",
        id_number="020150001234",
        commune_id=CHI_LANG,
        sex="female",
        birth_date=dt.date(1950, 1, 1),
    )
    login(officer(HUU_LUNG))
    data = MERIT_POST | {
        "id_number": "020150001234",
        "full_name": "Lý Thị Mai",
        "sex": "female",
        "birth_date": "",
    }
    response = client.post("/beneficiaries/new/?programme=merit", data)
    assert response.status_code == 200
    assert vi(
        "This citizen ID is recorded for a person of another commune: ask that commune to move the record first."
    ) in html.unescape(response.content.decode())
    assert not Beneficiary.objects.exists()


def edit_data(beneficiary: Beneficiary, **changes) -> dict:
    return {
        "programme": "merit",
        "version": str(beneficiary.version),
        "code": beneficiary.code,
        "commune": str(beneficiary.commune_id),
        "start_on": beneficiary.start_on.strftime("%d/%m/%Y"),
        "category": beneficiary.category,
        "relation": beneficiary.relation,
        "sub_case": beneficiary.sub_case,
        "rate_percent": str(beneficiary.rate_percent or ""),
        **changes,
    }


def test_an_officer_edits_a_case_and_the_history_shows_it(client, login):
    beneficiary = named("Hoàng Văn Thụ")
    login(officer(HUU_LUNG))
    form = page(client, f"/beneficiaries/{beneficiary.pk}/edit/")
    assert 'value="41"' in form
    response = client.post(
        f"/beneficiaries/{beneficiary.pk}/edit/", edit_data(beneficiary, rate_percent="61")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    beneficiary.refresh_from_db()
    assert beneficiary.rate_percent == 61 and beneficiary.version == 2
    text = page(client, f"/beneficiaries/{beneficiary.pk}/")
    history = text[text.index('data-testid="history"') :]
    assert "41 → 61" in " ".join(re.sub(r"<[^>]+>", "", history).split())


def test_a_stale_edit_is_refused(client, login):
    beneficiary = named("Hoàng Văn Thụ")
    login(officer(HUU_LUNG))
    stale = edit_data(beneficiary, rate_percent="61")
    client.post(
        f"/beneficiaries/{beneficiary.pk}/edit/", edit_data(beneficiary, decision_number="1/QĐ")
    )
    response = client.post(f"/beneficiaries/{beneficiary.pk}/edit/", stale)
    assert response.status_code == 200
    assert vi(
        "This record was changed by someone else after you opened it. "
        "Look at their changes below, then save again to keep yours."
    ) in html.unescape(response.content.decode())
    beneficiary.refresh_from_db()
    assert beneficiary.rate_percent == 41 and beneficiary.decision_number == "1/QĐ"


def test_a_head_reads_but_cannot_change(client, login):
    beneficiary = named("Hoàng Văn Thụ")
    login(head(20))
    text = page(client, f"/beneficiaries/{beneficiary.pk}/")
    assert "Hoàng Văn Thụ" in text and f"/beneficiaries/{beneficiary.pk}/edit/" not in text
    assert client.get(f"/beneficiaries/{beneficiary.pk}/edit/").status_code == 403
    assert (
        client.post(f"/beneficiaries/{beneficiary.pk}/edit/", edit_data(beneficiary)).status_code
        == 403
    )
    assert client.get("/beneficiaries/new/?programme=merit").status_code == 403
    assert (
        client.post(
            f"/beneficiaries/{beneficiary.pk}/end/", {"end_on": "01/01/2024", "end_reason": "other"}
        ).status_code
        == 403
    )
    assert "/beneficiaries/new/" not in page(client, "/beneficiaries/")


# --- Beneficiary page, end, one-off -----------------------------------------------------------


def test_the_page_warns_when_no_schedule_row_sets_the_amount(client, login):
    beneficiary = named("Hoàng Văn Thụ", rate_percent=45)
    login(officer(HUU_LUNG))
    text = page(client, f"/beneficiaries/{beneficiary.pk}/")
    assert 'data-testid="no-rule"' in text
    assert vi("No schedule row: this beneficiary will not be paid until it is fixed.") in text
    assert "45 %" in text


def test_the_page_shows_payments_dossiers_relatives_and_the_person(client, login):
    invalid = named("Hoàng Văn Thụ")
    wife = named(
        "Lê Thị Hạnh",
        code="NCC-V-1",
        category="g",
        relation="spouse",
        sub_case="invalid",
        relative_of=invalid.person,
    )
    run = PaymentRun.objects.create(
        programme="merit", province_id=20, commune_id=HUU_LUNG, month=dt.date(2024, 7, 1)
    )
    Payment.objects.create(
        beneficiary=invalid,
        run=run,
        kind=PaymentKind.MONTHLY,
        month=dt.date(2024, 7, 1),
        amount_vnd=3_667_000,
        status=PaymentStatus.APPROVED,
    )
    DossierFactory(beneficiary=invalid, code="HS-77")
    login(officer(HUU_LUNG))
    text = page(client, f"/beneficiaries/{invalid.pk}/")
    assert "07/2024" in text and "3.667.000 đ" in text and f"/beneficiaries/runs/{run.pk}/" in text
    assert "HS-77" in text
    assert "Lê Thị Hạnh" in text and f"/beneficiaries/{wife.pk}/" in text
    assert f"/households/people/{invalid.person_id}/" in text


def test_an_officer_ends_an_entitlement(client, login):
    beneficiary = named("Hoàng Văn Thụ")
    login(officer(HUU_LUNG))
    assert vi("End the entitlement") in page(client, f"/beneficiaries/{beneficiary.pk}/end/")
    response = client.post(
        f"/beneficiaries/{beneficiary.pk}/end/",
        {
            "version": beneficiary.version,
            "end_on": "31/05/2024",
            "end_reason": "no_longer_eligible",
        },
    )
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert (
        beneficiary.end_on == dt.date(2024, 5, 31)
        and beneficiary.end_reason == "no_longer_eligible"
    )
    text = page(client, f"/beneficiaries/{beneficiary.pk}/")
    assert vi("Ended") in text and "31/05/2024" in text and vi("Not entitled this month.") in text
    # Before the start: refused on the date field.
    response = client.post(
        f"/beneficiaries/{beneficiary.pk}/end/",
        {"version": beneficiary.version, "end_on": "31/12/2019", "end_reason": "other"},
    )
    assert vi("The entitlement cannot end before it starts.") in html.unescape(
        response.content.decode()
    )


def test_an_officers_one_off_payment_is_proposed(client, login):
    beneficiary = named("Hoàng Văn Thụ")
    login(officer(HUU_LUNG))
    today = timezone.localdate()
    response = client.post(
        f"/beneficiaries/{beneficiary.pk}/one-off/",
        {
            "one_off_reason": "tet_gift",
            "amount_vnd": "300.000",
            "month": today.strftime("%m/%Y"),
            "paid_on": today.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    payment = Payment.objects.get(beneficiary=beneficiary)
    assert (payment.kind, payment.amount_vnd, payment.status) == ("one_off", 300_000, "proposed")
    text = page(client, f"/beneficiaries/{beneficiary.pk}/")
    assert "300.000 đ" in text and vi("Tết gift") in text and vi("Proposed") in text


def test_a_one_off_payment_needs_an_amount(client, login):
    beneficiary = named("Hoàng Văn Thụ")
    login(officer(HUU_LUNG))
    response = client.post(
        f"/beneficiaries/{beneficiary.pk}/one-off/",
        {"one_off_reason": "funeral", "amount_vnd": "abc", "month": "07/2024"},
    )
    assert response.status_code == 200 and not Payment.objects.exists()


# --- Menu -------------------------------------------------------------------------------------


def test_the_menu_groups_the_programmes_in_one_dropdown(client, login):
    login(officer(HUU_LUNG))
    text = page(client, "/")
    assert 'data-nav-group="beneficiaries"' in text
    assert vi("Meritorious & social protection") in text
    for url in (
        "/beneficiaries/?programme=merit",
        "/beneficiaries/?programme=social_protection",
        "/beneficiaries/runs/",
        "/beneficiaries/dossiers/",
    ):
        assert f'href="{url}"' in text


def test_a_group_without_visible_entries_does_not_show(rf):
    from django.contrib.auth.models import AnonymousUser

    from welfare.core.navigation import _ITEMS, NavGroup, NavItem, nav_for

    user = officer(HUU_LUNG)
    group = NavGroup("test_only", "Test")
    _ITEMS["test_hidden"] = NavItem(
        "test_hidden", "Hidden", "home", "welfare.approve_payments", 999, group=group
    )
    try:
        keys = [e["key"] for e in nav_for(user)]
        assert "test_only" not in keys
        heads = [e for e in nav_for(head(20)) if e["key"] == "test_only"]
        assert [c["key"] for c in heads[0]["children"]] == ["test_hidden"]
        assert nav_for(AnonymousUser()) == []
    finally:
        del _ITEMS["test_hidden"]
