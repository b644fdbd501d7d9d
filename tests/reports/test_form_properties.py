"""Random and malformed values POSTed through the plan form as the department head: never a
server error; saved with sane values, or the form again with nothing saved."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import LANG_SON, head
from tests.form_properties import form_data, post_form, post_randomly

pytestmark = pytest.mark.django_db


@given(data=st.data())
@settings(max_examples=10)  # per kind or form: the suite stays quick
def test_random_values_never_break_the_plan_form(client, data):
    if not hasattr(client, "_prop_logged_in"):
        client.force_login(head(LANG_SON), backend="welfare.accounts.backends.RoleBackend")
        client._prop_logged_in = True
    url = reverse("plan_create")
    response = client.get(url)
    assert response.status_code == 200
    post_randomly(client, url, data.draw(form_data(post_form(response.content.decode())), label="post"))
