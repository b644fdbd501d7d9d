"""Review of the employment app (issue 6): each test fails because of a defect found in review."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from employment.models import BorderPass, LoanLimit, Placement
from tests.factories import CHI_LANG, HUU_LUNG, LoanFactory, PersonFactory, officer

pytestmark = pytest.mark.django_db

ID_NUMBER = "020090001234"  # Lạng Sơn, male, born 1990


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def pass_post(**change) -> dict:
    return {
        "commune": HUU_LUNG, "number": "STH000123", "holder_name": "Lương Văn Bình",
        "holder_id_number": "", "issued_on": "10/01/2026", "expires_on": "09/01/2027",
        "border_gate": "Cửa khẩu Tân Thanh",
        "workplace": "", "note": "", **change,
    }


def placement_post(**change) -> dict:
    return {
        "commune": HUU_LUNG, "worker_name": "Lương Văn Bình", "worker_id_number": "",
        "channel": "other", "employer": "", "placed_on": "01/04/2026", "note": "", **change,
    }


# --- 1. A pass holder's ID of someone else: the refusal is not on the ID field -----------------


def test_a_pass_holder_id_of_someone_else_is_refused_on_the_id_field(client, login):
    """Loans and placements show it under the citizen ID (their FIELD_ALIASES map the person
    service's `id_number`); the pass form puts it at the top of the form instead."""
    PersonFactory(full_name="Nông Văn An", id_number=ID_NUMBER, birth_date=dt.date(1990, 3, 1))
    login(officer(HUU_LUNG))
    response = client.post(reverse("border_pass_create"), pass_post(holder_id_number=ID_NUMBER))
    assert response.status_code == 200 and not BorderPass.objects.exists()
    form = response.context["form"]
    assert form.errors.get("holder_id_number"), form.errors
    assert not form.non_field_errors()


# --- 2. Links to person pages the officer cannot open (404) -------------------------------------


@pytest.fixture
def other_communes_person():
    """A person of Chi Lăng, whom a Hữu Lũng officer may not open, with the ID a Hữu Lũng
    record names (contract.md, "People": a record links to the person with its ID)."""
    return PersonFactory(full_name="Lương Văn Bình", commune_id=CHI_LANG, id_number=ID_NUMBER,
                         birth_date=dt.date(1990, 3, 1))


def test_the_placement_list_does_not_link_to_a_person_page_the_officer_cannot_open(
    client, login, other_communes_person
):
    login(officer(HUU_LUNG))
    client.post(reverse("placement_create"), placement_post(worker_id_number=ID_NUMBER))
    placement = Placement.objects.get()
    assert placement.person == other_communes_person  # linked by ID, as the contract says
    person_url = reverse("person_detail", args=[other_communes_person.pk])
    assert client.get(person_url).status_code == 404
    # The loan page hides such a link (selectors.person_visible); the placement pages do not.
    assert person_url not in text(client.get(reverse("placement_list")))
    assert person_url not in text(client.get(reverse("placement_edit", args=[placement.pk])))


def test_the_pass_list_does_not_link_to_a_person_page_the_officer_cannot_open(
    client, login, other_communes_person
):
    login(officer(HUU_LUNG))
    client.post(reverse("border_pass_create"), pass_post(holder_id_number=ID_NUMBER))
    assert BorderPass.objects.get().person == other_communes_person
    person_url = reverse("person_detail", args=[other_communes_person.pk])
    assert client.get(person_url).status_code == 404
    assert person_url not in text(client.get(reverse("border_pass_list")))


# --- 3. Two limits in force for one borrower type: the list and the loan's page disagree --------


def test_the_list_and_the_loans_page_apply_the_same_limit(client, login):
    """An admin adds a new cap for household businesses from 2024 (collateral from 50 million)
    without closing the 2019 row: nothing refuses the overlap. The loan's page then applies the
    newest row (services.limits_on) and the list the oldest (loan_selectors.limit_applying)."""
    LoanLimit.objects.create(
        borrower_type="household_business", valid_from=dt.date(2024, 1, 1),
        max_amount_vnd=2_000_000_000, max_per_job_vnd=100_000_000, max_term_months=120,
        collateral_from_vnd=50_000_000, legal_basis="Quyết định giả định",
    )
    loan = LoanFactory(borrower_type="household_business", amount_vnd=80_000_000, jobs=1,
                       collateral="", disbursed_on=dt.date(2024, 6, 1))
    login(officer(HUU_LUNG))
    detail = text(client.get(reverse("loan_detail", args=[loan.pk])))
    listing = text(client.get(reverse("loan_list")))
    warned_on_page = 'data-testid="collateral-warning"' in detail
    warned_in_list = 'data-testid="collateral-missing"' in listing
    assert warned_on_page == warned_in_list, (warned_on_page, warned_in_list)
