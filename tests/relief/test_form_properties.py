"""Random and malformed values POSTed through the relief distribution, gift and COVID-19 support
forms as an officer: never a server error; saved with sane values, or the form again with
nothing saved (tests/form_properties.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import HUU_LUNG, CovidSupportFactory, DistributionFactory, GiftFactory, officer
from tests.form_properties import post_random_values_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["distribution_edit", "gift_edit", "covid_support_create", "covid_support_edit"])
@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_random_values_never_break_the_form(client, name, data):
    post_random_values_to(client, name, data, user=lambda: officer(HUU_LUNG), records={
        "distribution_edit": DistributionFactory, "gift_edit": GiftFactory, "covid_support_edit": CovidSupportFactory,
    })
