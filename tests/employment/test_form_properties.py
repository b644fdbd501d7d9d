"""Random and malformed values POSTed through the loan, job placement and border pass forms as
an officer: never a server error; saved with sane values, or the form again with nothing saved
(tests/form_properties.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import HUU_LUNG, BorderPassFactory, LoanFactory, PlacementFactory, officer
from tests.form_properties import post_random_values_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["loan_create", "loan_edit", "placement_create", "placement_edit", "border_pass_create", "border_pass_edit"]
)
@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_random_values_never_break_the_form(client, name, data):
    post_random_values_to(client, name, data, user=lambda: officer(HUU_LUNG), records={
        "loan_edit": LoanFactory, "placement_edit": PlacementFactory, "border_pass_edit": BorderPassFactory,
    })
