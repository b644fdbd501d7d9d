"""Random and malformed values POSTed through the plan form as the department head: never a
server error; saved with sane values, or the form again with nothing saved."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import LANG_SON, head
from tests.form_properties import post_random_values

pytestmark = pytest.mark.django_db


@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_random_values_never_break_the_plan_form(client, data):
    if not hasattr(client, "_prop_logged_in"):
        client.force_login(head(LANG_SON), backend="welfare.accounts.backends.RoleBackend")
        client._prop_logged_in = True
    post_random_values(client, reverse("plan_create"), data)
