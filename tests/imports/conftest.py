import pytest
from django.utils import translation


@pytest.fixture
def in_english():
    """Messages in the English source text, so that the assertions hold before and after the
    Vietnamese catalogue is merged (the page tests check the Vietnamese screens)."""
    with translation.override("en"):
        yield
