"""Random and malformed values POSTed through the household, person, card and poverty-review
forms as an officer: never a server error; saved (a redirect) with sane values, or the form
again with nothing saved (tests/form_properties.py)."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import HUU_LUNG, HouseholdFactory, InsuranceCardFactory, officer
from tests.form_properties import form_data, post_form, post_randomly

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    """An officer of Hữu Lũng logged in, and the page's POST form read once per test."""
    client.force_login(officer(HUU_LUNG), backend="welfare.accounts.backends.RoleBackend")
    household = HouseholdFactory(code="HL-P1")
    card = InsuranceCardFactory(household=household)

    def read(name: str) -> tuple[str, dict]:
        url = {
            "household_create": lambda: reverse("household_create"),
            "household_edit": lambda: reverse("household_edit", args=[household.pk]),
            "person_edit": lambda: reverse("person_edit", args=[household.head_id]),
            "card_create": lambda: reverse("card_create"),
            "card_edit": lambda: reverse("card_edit", args=[card.pk]),
            "review_create": lambda: reverse("review_create", args=[household.pk]),
        }[name]()
        response = client.get(url)
        assert response.status_code == 200, url
        return url, post_form(response.content.decode())

    return client, read


@pytest.mark.parametrize(
    "name", ["household_create", "household_edit", "person_edit", "card_create", "card_edit", "review_create"]
)
@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_random_values_never_break_the_form(page, name, data):
    client, read = page
    url, form = read(name)
    post_randomly(client, url, data.draw(form_data(form), label="post"))
