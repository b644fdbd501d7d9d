"""Random and malformed values POSTed through the loan, job placement and border pass forms as
an officer: never a server error; saved with sane values, or the form again with nothing saved
(tests/form_properties.py)."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import HUU_LUNG, BorderPassFactory, LoanFactory, PlacementFactory, officer
from tests.form_properties import form_data, post_form, post_randomly

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["loan_create", "loan_edit", "placement_create", "placement_edit", "border_pass_create", "border_pass_edit"]
)
@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_random_values_never_break_the_form(client, name, data):
    if not hasattr(client, "_prop_world"):
        client.force_login(officer(HUU_LUNG), backend="welfare.accounts.backends.RoleBackend")
        client._prop_world = {
            "loan_edit": LoanFactory().pk,
            "placement_edit": PlacementFactory().pk,
            "border_pass_edit": BorderPassFactory().pk,
        }
    pk = client._prop_world.get(name)
    url = reverse(name) if pk is None else reverse(name, args=[pk])
    response = client.get(url)
    assert response.status_code == 200
    post_randomly(client, url, data.draw(form_data(post_form(response.content.decode())), label="post"))
