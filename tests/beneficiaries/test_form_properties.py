"""Random and malformed values POSTed through the beneficiary and one-off payment forms as an
officer: never a server error; saved with sane values, or the form again with nothing saved."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import HUU_LUNG, BeneficiaryFactory, officer
from tests.form_properties import post_random_values

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["beneficiary_create", "beneficiary_edit", "one_off_create"])
@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_random_values_never_break_the_form(client, name, data):
    if not hasattr(client, "_prop_beneficiary"):
        client.force_login(officer(HUU_LUNG), backend="welfare.accounts.backends.RoleBackend")
        client._prop_beneficiary = BeneficiaryFactory(code="NCC-P1")
    beneficiary = client._prop_beneficiary
    url = reverse(name) if name == "beneficiary_create" else reverse(name, args=[beneficiary.pk])
    post_random_values(client, url, data)
